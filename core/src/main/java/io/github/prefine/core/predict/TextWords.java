package io.github.prefine.core.predict;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits raw text into words for {@link TaskPredictor#tagTexts}, by BERT's basic pre-tokenizer
 * rule (HF's {@code BertPreTokenizer}): Unicode whitespace separates words and every punctuation
 * character is a word of its own, so that "U.S." gives "U", ".", "S", "." and "don't" gives "don",
 * "'", "t". Punctuation is a code point of a Unicode {@code P*} category or an ASCII character
 * that is neither a letter, a digit nor a space ({@code $}, {@code +}, {@code <} and the like), as
 * BERT reads it. Whitespace is {@link Character#isWhitespace} or {@link Character#isSpaceChar}
 * (no-break spaces too). The split walks code points, so no word boundary falls inside a
 * surrogate pair; symbols such as emojis stay glued to the letters beside them.
 */
final class TextWords {
    private TextWords() {
    }

    /**
     * Returns each word's start and end (exclusive) char offsets into the text, in order.
     *
     * @param text the text
     * @return one {@code {start, end}} pair per word; empty for a blank text
     */
    static List<int[]> offsets(String text) {
        List<int[]> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length();) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            boolean space = Character.isWhitespace(cp) || Character.isSpaceChar(cp);
            if (space || isPunctuation(cp)) {
                if (start >= 0) {
                    out.add(new int[] {start, i});
                    start = -1;
                }
                if (!space) {
                    out.add(new int[] {i, next});
                }
            } else if (start < 0) {
                start = i;
            }
            i = next;
        }
        if (start >= 0) {
            out.add(new int[] {start, text.length()});
        }
        return out;
    }

    /** BERT's punctuation test: ASCII non-alphanumerics are punctuation too, though Unicode calls "$" a symbol. */
    static boolean isPunctuation(int cp) {
        if (cp >= 33 && cp <= 47 || cp >= 58 && cp <= 64 || cp >= 91 && cp <= 96 || cp >= 123 && cp <= 126) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }
}
