package io.github.prefine.core.predict;

import java.text.Normalizer;
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
 *
 * <p>Where the tokenizer strips accents ({@code stripAccents}: BERT's uncased normalizer, which
 * decomposes the text, NFD, and drops the nonspacing marks before it splits), a character is read
 * as what that leaves of it ({@link #stripped}): "\u2260", U+226E, U+226F and U+1FEF leave ASCII
 * punctuation and so are words of their own, and a nonspacing mark (as the Rust library's older
 * tables have them, {@link #isStrippedMark}) is removed as the cleaned characters are: no word of
 * its own and no word's first or last character, as the library's offsets leave it out. The
 * offsets still point at the original characters. Where it does not, a combining mark is a
 * letter: after punctuation or whitespace it starts the next word, as in BERT.
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
     * @param stripAccents whether the tokenizer strips accents, as BERT's uncased one does
     * @return one {@code {start, end}} pair per word; empty for a blank text
     */
    static List<int[]> offsets(String text, boolean ideographs, boolean stripAccents) {
        List<int[]> out = new ArrayList<>();
        int start = -1;
        // the end of the current word's last character that is not removed
        int end = -1;
        for (int i = 0; i < text.length();) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            int kind = fastKind(cp, ideographs, stripAccents);
            if (kind == SPACE || kind == PUNCTUATION) {
                if (start >= 0) {
                    out.add(new int[] {start, end});
                    start = -1;
                }
                if (kind == PUNCTUATION) {
                    out.add(new int[] {i, next});
                }
            } else if (kind == LETTER) {
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

    /** A character the split removes: no word of its own, no word's first or last character. */
    static final int REMOVED = 0;
    /** Whitespace: ends the word before it. */
    static final int SPACE = 1;
    /** Punctuation or a spaced ideograph: a word of its own. */
    static final int PUNCTUATION = 2;
    /** Anything else: part of a word. */
    static final int LETTER = 3;

    /** The first code point past the tables of {@link #fastKind}: Latin up to Latin Extended-B. */
    static final int TABLE_END = 0x250;

    /**
     * How the split reads a character, the general path that {@link #offsets} takes past its table.
     *
     * @return {@link #REMOVED}, {@link #SPACE}, {@link #PUNCTUATION} or {@link #LETTER}
     */
    static int kind(int cp, boolean ideographs, boolean stripAccents) {
        if (isSpace(cp)) {
            return SPACE;
        }
        if (ideographs && isIdeograph(cp)) {
            return PUNCTUATION;
        }
        boolean removed = isRemoved(cp);
        // what the normalizer leaves of the character: itself, or its decomposition less marks
        int read = removed || !stripAccents ? cp : stripped(cp);
        if (read >= 0 && isPunctuation(read)) {
            return PUNCTUATION;
        }
        return read >= 0 && !removed ? LETTER : REMOVED;
    }

    /**
     * {@link #kind} as {@link #offsets} reads it: from a table below {@link #TABLE_END}, built from
     * {@link #kind} itself, since accented Latin text otherwise spends most of its time in NFD.
     */
    static int fastKind(int cp, boolean ideographs, boolean stripAccents) {
        if (cp < TABLE_END) {
            return (stripAccents ? STRIPPED_CLASSES : PLAIN_CLASSES)[cp];
        }
        return kind(cp, ideographs, stripAccents);
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
     * What BERT's accent stripping leaves of a character, for the split: it decomposes it (NFD) and
     * drops the nonspacing marks ({@link #isStrippedMark}), so that U+2260 "\u2260" leaves "=",
     * punctuation, and U+0301 nothing.
     *
     * @return -1 where nothing is left, a punctuation code point where one is left (a decomposition
     *     holds at most one), else the character itself (a letter to the split)
     */
    static int stripped(int cp) {
        if (cp < 0x80) {
            // ASCII decomposes to itself and holds no mark
            return cp;
        }
        String d = Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFD);
        int left = -1;
        for (int i = 0; i < d.length();) {
            int c = d.codePointAt(i);
            i += Character.charCount(c);
            if (!isStrippedMark(c)) {
                if (isPunctuation(c)) {
                    return c;
                }
                left = cp;
            }
        }
        return left;
    }

    /**
     * The marks the Rust library strips: the nonspacing ones (Unicode {@code Mn}) of its tables,
     * older than Unicode 9, so that a mark added since is a letter to it ({@link #NEWER_MARKS}),
     * and U+1734 and U+1171E, nonspacing there, spacing marks ({@code Mc}) to Java 25, are stripped.
     */
    static boolean isStrippedMark(int cp) {
        if (cp == 0x1734 || cp == 0x1171E) {
            return true;
        }
        return !inRanges(NEWER_MARKS, cp) && Character.getType(cp) == Character.NON_SPACING_MARK;
    }

    /** Whether a code point lies in one of a table's sorted ranges, given as first and last code point. */
    private static boolean inRanges(int[] ranges, int cp) {
        for (int r = 0; r < ranges.length && ranges[r] <= cp; r += 2) {
            if (cp <= ranges[r + 1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The nonspacing marks of Unicode 9 on, as first and last code point of each range: the Rust
     * library's tables are older, so it reads them as letters. Up to Unicode 16 (Java 25). U+111C9,
     * a mark since Unicode 11, is among them: punctuation to the library, it is not stripped.
     */
    private static final int[] NEWER_MARKS = {0x07FD, 0x07FD, 0x0897, 0x089F, 0x08CA, 0x08E1, 0x09FE, 0x09FE, 0x0AFA,
        0x0AFF, 0x0B55, 0x0B55, 0x0C04, 0x0C04, 0x0C3C, 0x0C3C, 0x0D00, 0x0D00, 0x0D3B, 0x0D3C, 0x0D81, 0x0D81, 0x0EBA,
        0x0EBA, 0x0ECE, 0x0ECE, 0x180F, 0x180F, 0x1885, 0x1886, 0x1ABF, 0x1ACE, 0x1DF6, 0x1DFB, 0xA82C, 0xA82C, 0xA8C5,
        0xA8C5, 0xA8FF, 0xA8FF, 0xA9BD, 0xA9BD, 0x10D24, 0x10D27, 0x10D69, 0x10D6D, 0x10EAB, 0x10EAC, 0x10EFC, 0x10EFF,
        0x10F46, 0x10F50, 0x10F82, 0x10F85, 0x11070, 0x11070, 0x11073, 0x11074, 0x110C2, 0x110C2, 0x111C9, 0x111C9,
        0x111CF, 0x111CF, 0x1123E, 0x1123E, 0x11241, 0x11241, 0x1133B, 0x1133B, 0x113BB, 0x113C0, 0x113CE, 0x113CE,
        0x113D0, 0x113D0, 0x113D2, 0x113D2, 0x113E1, 0x113E2, 0x11438, 0x1143F, 0x11442, 0x11444, 0x11446, 0x11446,
        0x1145E, 0x1145E, 0x1182F, 0x11837, 0x11839, 0x1183A, 0x1193B, 0x1193C, 0x1193E, 0x1193E, 0x11943, 0x11943,
        0x119D4, 0x119D7, 0x119DA, 0x119DB, 0x119E0, 0x119E0, 0x11A01, 0x11A0A, 0x11A33, 0x11A38, 0x11A3B, 0x11A3E,
        0x11A47, 0x11A47, 0x11A51, 0x11A56, 0x11A59, 0x11A5B, 0x11A8A, 0x11A96, 0x11A98, 0x11A99, 0x11C30, 0x11C36,
        0x11C38, 0x11C3D, 0x11C3F, 0x11C3F, 0x11C92, 0x11CA7, 0x11CAA, 0x11CB0, 0x11CB2, 0x11CB3, 0x11CB5, 0x11CB6,
        0x11D31, 0x11D36, 0x11D3A, 0x11D3A, 0x11D3C, 0x11D3D, 0x11D3F, 0x11D45, 0x11D47, 0x11D47, 0x11D90, 0x11D91,
        0x11D95, 0x11D95, 0x11D97, 0x11D97, 0x11EF3, 0x11EF4, 0x11F00, 0x11F01, 0x11F36, 0x11F3A, 0x11F40, 0x11F40,
        0x11F42, 0x11F42, 0x11F5A, 0x11F5A, 0x13440, 0x13440, 0x13447, 0x13455, 0x1611E, 0x16129, 0x1612D, 0x1612F,
        0x16F4F, 0x16F4F, 0x16FE4, 0x16FE4, 0x1CF00, 0x1CF2D, 0x1CF30, 0x1CF46, 0x1E000, 0x1E006, 0x1E008, 0x1E018,
        0x1E01B, 0x1E021, 0x1E023, 0x1E024, 0x1E026, 0x1E02A, 0x1E08F, 0x1E08F, 0x1E130, 0x1E136, 0x1E2AE, 0x1E2AE,
        0x1E2EC, 0x1E2EF, 0x1E4EC, 0x1E4EF, 0x1E5EE, 0x1E5EF, 0x1E944, 0x1E94A};

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
        if (inRanges(NEWER_PUNCTUATION, cp)) {
            return false;
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    // after NEWER_MARKS and NEWER_PUNCTUATION, which kind reads: static fields initialise in text order

    /** {@link #kind} of each code point below {@link #TABLE_END}, no accent stripping; no ideograph is there. */
    private static final byte[] PLAIN_CLASSES = table(false);

    /** {@link #kind} of each code point below {@link #TABLE_END} with accent stripping. */
    private static final byte[] STRIPPED_CLASSES = table(true);

    private static byte[] table(boolean stripAccents) {
        byte[] t = new byte[TABLE_END];
        for (int cp = 0; cp < TABLE_END; cp++) {
            t[cp] = (byte) kind(cp, false, stripAccents);
        }
        return t;
    }
}
