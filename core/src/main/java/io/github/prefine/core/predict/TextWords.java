package io.github.prefine.core.predict;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits raw text into words for {@link TaskPredictor#tagTexts}, by BERT's basic pre-tokenizer
 * rule (HF's {@code BertPreTokenizer}): Unicode whitespace separates words and every punctuation
 * character is a word of its own, so that "U.S." gives "U", ".", "S", "." and "don't" gives "don",
 * "'", "t". Punctuation is a code point of a Unicode {@code P*} category or an ASCII character
 * that is neither a letter, a digit nor a space ({@code $}, {@code +}, {@code <} and the like), as
 * BERT reads it, the categories as HF's Rust library has them, from tables older than Unicode 9
 * ({@link #isPunctuation}). Whitespace is BERT's: tab, line feed, carriage return and {@link
 * Character#isSpaceChar} (no-break spaces too), not the other control characters that {@link
 * Character#isWhitespace} counts (U+000B, U+000C, U+001C to U+001F), which BERT removes. The split walks code points, so no word boundary falls inside a
 * surrogate pair; symbols such as emojis stay glued to the letters beside them.
 *
 * <p>Characters BERT's basic tokenizer removes before it splits (U+0000, U+FFFD, and the characters
 * of Unicode's {@code C*} categories but tab and line ends: controls such as U+001F and U+0085,
 * format characters such as U+200B, U+00AD, U+FEFF but those newer than the library's tables,
 * and private-use ones) are no word of their own
 * and no word's first or last character, so that no word is tagged that the model never read;
 * inside a word they stay in its text and offsets, for the tokenizer's normalizer to drop.
 * A combining mark after punctuation or whitespace starts the next word, as in BERT; a lone one
 * that a lowercasing tokenizer strips is a word without sub-tokens, tagged by the evaluation's
 * rule for those ({@code TokenClassification}'s inside rule).
 *
 * <p>CJK ideographs are each a word of their own where asked ({@code ideographs}), as BERT's
 * normalizer ({@code tokenize_chinese_chars}) puts spaces around them: the code points of the
 * ranges HF's Rust tokenizer lists ({@link #isIdeograph}), a supplementary-plane one (Extension B
 * on) one word of two chars. Kana, Hangul and CJK punctuation are not among them: kana and Hangul
 * stay glued to the letters beside them, and CJK punctuation (U+3002 "。") is a word as all
 * punctuation is. Otherwise a run of ideographs is one word between spaces and punctuation, as
 * XLM-R's tokenizer, which splits at whitespace only, reads it.
 */
final class TextWords {
    private TextWords() {
    }

    /**
     * Returns each word's start and end (exclusive) char offsets into the text, in order.
     *
     * @param text the text
     * @param ideographs whether each CJK ideograph is a word of its own
     * @return one {@code {start, end}} pair per word; empty for a blank text
     */
    static List<int[]> offsets(String text, boolean ideographs) {
        List<int[]> out = new ArrayList<>();
        int start = -1;
        // the end of the current word's last character that is not removed
        int end = -1;
        for (int i = 0; i < text.length();) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            boolean space = isSpace(cp);
            if (space || isPunctuation(cp) || ideographs && isIdeograph(cp)) {
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
     * unassigned ones, which HF's Rust library keeps, whitespace having been tested before. The
     * library's category tables are older than the JVM's (before Unicode 9), so it also keeps the
     * format characters added since ({@link #isNewerFormat}); a code point the JVM does not know
     * is kept as well.
     */
    static boolean isRemoved(int cp) {
        return cp == 0xFFFD || switch (Character.getType(cp)) {
            case Character.CONTROL, Character.PRIVATE_USE, Character.SURROGATE -> true;
            case Character.FORMAT -> !isNewerFormat(cp);
            default -> false;
        };
    }

    /**
     * The format characters of Unicode 9 on, which the Rust library reads as unassigned and keeps:
     * U+0890 and U+0891 (14.0), U+08E2 (9.0), U+110CD (11.0) and U+13430 to U+1343F (12.0 and 15.0).
     */
    private static boolean isNewerFormat(int cp) {
        return cp == 0x0890 || cp == 0x0891 || cp == 0x08E2 || cp == 0x110CD || cp >= 0x13430 && cp <= 0x1343F;
    }

    /**
     * BERT's CJK ideograph test ({@code handle_chinese_chars}), with the ranges of HF's Rust
     * tokenizers library, which tokenizes here: U+4E00 to U+9FFF (CJK Unified Ideographs), U+3400
     * to U+4DBF (Extension A), U+20000 to U+2A6DF (B), U+2A700 to U+2B73F (C), U+2B740 to U+2B81F
     * (D), U+2B920 to U+2CEAF (E, less its first 256 code points, which Python's BasicTokenizer
     * does count from U+2B820), U+F900 to U+FAFF and U+2F800 to U+2FA1F (Compatibility Ideographs
     * and their Supplement), every code point of them, assigned or not, as the library spaces
     * them. Extensions F on are not among them, in either library.
     */
    static boolean isIdeograph(int cp) {
        return cp >= 0x4E00 && cp <= 0x9FFF || cp >= 0x3400 && cp <= 0x4DBF || cp >= 0x20000 && cp <= 0x2A6DF
                || cp >= 0x2A700 && cp <= 0x2B73F || cp >= 0x2B740 && cp <= 0x2B81F || cp >= 0x2B920 && cp <= 0x2CEAF
                || cp >= 0xF900 && cp <= 0xFAFF || cp >= 0x2F800 && cp <= 0x2FA1F;
    }

    /**
     * The punctuation characters of Unicode 9 on, as first and last code point of each range: the
     * Rust library's tables are older, so it reads them as letters. Up to Unicode 16 (Java 25): the
     * {@code P*} code points of the JVM's tables that Unicode 8.0 did not count as punctuation.
     * {@code TextWordsTokenizerTest} sweeps every punctuation character of the JVM it runs on
     * through the tokenizer and names any a newer JVM adds.
     */
    private static final int[] NEWER_PUNCTUATION = {0x061D, 0x061D, 0x09FD, 0x09FD, 0x0A76, 0x0A76, 0x0C77, 0x0C77,
        0x0C84, 0x0C84, 0x1B4E, 0x1B4F, 0x1B7D, 0x1B7F, 0x2E43, 0x2E4F, 0x2E52, 0x2E5D, 0x10D6E, 0x10D6E, 0x10EAD,
        0x10EAD, 0x10F55, 0x10F59, 0x10F86, 0x10F89, 0x113D4, 0x113D5, 0x113D7, 0x113D8, 0x1144B, 0x1144F, 0x1145A,
        0x1145B, 0x1145D, 0x1145D, 0x11660, 0x1166C, 0x116B9, 0x116B9, 0x1183B, 0x1183B, 0x11944, 0x11946, 0x119E2,
        0x119E2, 0x11A3F, 0x11A46, 0x11A9A, 0x11A9C, 0x11A9E, 0x11AA2, 0x11B00, 0x11B09, 0x11BE1, 0x11BE1, 0x11C41,
        0x11C45, 0x11C70, 0x11C71, 0x11EF7, 0x11EF8, 0x11F43, 0x11F4F, 0x11FFF, 0x11FFF, 0x12FF1, 0x12FF2, 0x16D6D,
        0x16D6F, 0x16E97, 0x16E9A, 0x16FE2, 0x16FE2, 0x1E5FF, 0x1E5FF, 0x1E95E, 0x1E95F};

    /**
     * BERT's punctuation test as HF's Rust library makes it: ASCII non-alphanumerics are
     * punctuation too, though Unicode calls "$" a symbol; otherwise Unicode's {@code P*} categories
     * as the library's tables, older than Unicode 9, have them, so that a newer punctuation
     * character ({@link #NEWER_PUNCTUATION}) is a letter, and U+166D (a symbol since Unicode 12)
     * and U+111C9 (a mark since Unicode 11) are still punctuation.
     */
    static boolean isPunctuation(int cp) {
        if (cp >= 33 && cp <= 47 || cp >= 58 && cp <= 64 || cp >= 91 && cp <= 96 || cp >= 123 && cp <= 126
                || cp == 0x166D || cp == 0x111C9) {
            return true;
        }
        for (int r = 0; r < NEWER_PUNCTUATION.length && NEWER_PUNCTUATION[r] <= cp; r += 2) {
            if (cp <= NEWER_PUNCTUATION[r + 1]) {
                return false;
            }
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }
}
