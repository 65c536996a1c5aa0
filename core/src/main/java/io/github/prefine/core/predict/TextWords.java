package io.github.prefine.core.predict;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits raw text into words for {@link TaskPredictor#tagTexts}, by BERT's basic pre-tokenizer
 * rule (HF's {@code BertPreTokenizer}): Unicode whitespace separates words and every punctuation
 * character is a word of its own, so that "U.S." gives "U", ".", "S", "." and "don't" gives "don",
 * "'", "t". Punctuation is a code point of a Unicode {@code P*} category or an ASCII character
 * that is neither a letter, a digit nor a space ({@code $}, {@code +}, {@code <} and the like), as
 * BERT reads it. Whitespace is BERT's: tab, line feed, carriage return and {@link
 * Character#isSpaceChar} (no-break spaces too), not the other control characters that {@link
 * Character#isWhitespace} counts (U+000B, U+000C, U+001C to U+001F), which BERT removes. The split walks code points, so no word boundary falls inside a
 * surrogate pair; symbols such as emojis stay glued to the letters beside them.
 *
 * <p>Characters BERT's basic tokenizer removes before it splits (U+0000, U+FFFD, and the characters
 * of Unicode's {@code C*} categories but tab and line ends: controls such as U+001F and U+0085,
 * format characters such as U+200B, U+00AD, U+FEFF, and private-use ones) are no word of their own
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
            boolean space = isSpace(cp);
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
     * The word as the model is given it: without the removed characters that Java calls whitespace
     * (U+000B, U+000C, U+001C to U+001F), which {@link TaskPredictor#tag} refuses in a word and
     * BERT's tokenizer drops anyway; the other removed characters stay for its normalizer.
     *
     * @param word a word {@link #offsets} found
     * @return the word, or a copy without those characters
     */
    static String modelWord(String word) {
        if (word.codePoints().noneMatch(Character::isWhitespace)) {
            return word;
        }
        StringBuilder b = new StringBuilder(word.length());
        word.codePoints().filter(c -> !Character.isWhitespace(c)).forEach(b::appendCodePoint);
        return b.toString();
    }

    /**
     * BERT's whitespace test after its cleaning: tab, line feed, carriage return and the Unicode
     * space, line and paragraph separators. Java's {@link Character#isWhitespace} also counts
     * U+000B, U+000C and U+001C to U+001F, control characters that BERT removes instead, so that
     * "a\u001Fb" is the one word "ab" to it.
     */
    static boolean isSpace(int cp) {
        return cp == '\t' || cp == '\n' || cp == '\r' || Character.isSpaceChar(cp);
    }

    /**
     * BERT's cleaning test (HF's {@code BertNormalizer} clean_text): U+0000, U+FFFD and the
     * characters of Unicode's {@code C*} categories (control, format, private use) but the
     * unassigned ones, which HF's Rust library keeps, whitespace having been tested before. A
     * code point the JVM's Unicode does not know yet is thus kept too, as the library may know it.
     */
    static boolean isRemoved(int cp) {
        return cp == 0xFFFD || switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> true;
            default -> false;
        };
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
