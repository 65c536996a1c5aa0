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
 *
 * <p>Characters BERT's basic tokenizer removes before it splits (U+0000, U+FFFD, and control and
 * format characters other than whitespace: U+200B, U+00AD, U+FEFF...) are no word of their own
 * and no word's first or last character, so that no word is tagged that the model never read;
 * inside a word they stay in its text and offsets, for the tokenizer's normalizer to drop.
 * A combining mark after punctuation or whitespace starts the next word, as in BERT; a lone one
 * that a lowercasing tokenizer strips is a word without sub-tokens, tagged by the evaluation's
 * rule for those ({@code TokenClassification}'s inside rule). CJK ideographs are not split from each other: BERT's
 * normalizer makes each its own token, but of the one word, and XLM-R's tokenizer splits at
 * whitespace only; a task tagged per character takes its words pre-split ({@link TaskPredictor#tag}).
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
        // the end of the current word's last character that is not removed
        int end = -1;
        for (int i = 0; i < text.length();) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            boolean space = Character.isWhitespace(cp) || Character.isSpaceChar(cp);
            if (space || isPunctuation(cp)) {
                if (start >= 0) {
                    out.add(new int[] {start, end});
                    start = -1;
                }
                if (!space) {
                    out.add(new int[] {i, next});
                }
            } else if (!isRemoved(cp)) {
                if (start < 0) {
                    start = i;
                }
                end = next;
            }
            i = next;
        }
        if (start >= 0) {
            out.add(new int[] {start, end});
        }
        return out;
    }

    /**
     * BERT's cleaning test (HF's {@code BertNormalizer} clean_text): U+0000, U+FFFD and the control
     * and format characters, whitespace having been tested before.
     */
    static boolean isRemoved(int cp) {
        int type = Character.getType(cp);
        return cp == 0xFFFD || type == Character.CONTROL || type == Character.FORMAT;
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
