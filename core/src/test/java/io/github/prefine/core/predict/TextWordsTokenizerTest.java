package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link TextWords} against HF's own BERT tokenizer (the fixture's {@code BertNormalizer} and
 * {@code BertPreTokenizer}, the Rust tokenizers library): the words it finds in a raw text, each
 * the span from its first token's start to its last token's end, are the words TextWords gives.
 */
class TextWordsTokenizerTest {
    /**
     * Letters, spaces of several kinds, punctuation and characters BERT's cleaning removes; no CJK,
     * no lone mark. Code points unassigned in Unicode (U+0378, the noncharacter U+FFFF, U+E0080)
     * it keeps as letters, as it keeps one the JVM's older Unicode does not know yet.
     */
    private static final int[] ALPHABET = {'a', 'b', 'Z', '7', 0xE9, 0x1F600, ' ', '\t', '\n', '\r', 0xA0, 0x2028,
        0x3000, '.', ',', '$', '-', 0x2014, 0x200B, 0xAD, 0xFEFF, 0, 0xFFFD, 0x7, 0x7F, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E,
        0x1F, 0x85, 0xE000, 0xF8FF, 0x0378, 0xFFFF, 0xE0080};

    /**
     * Ideographs of each range BERT spaces out (the basic block, Extensions A to E, a
     * supplementary-plane one as a surrogate pair, the two Compatibility blocks) beside those it does
     * not: U+2B820, which Python's BasicTokenizer counts but the Rust library does not, Extension F
     * (U+2CEB0), kana, Hangul, and CJK punctuation, which is punctuation anyway. U+FA6E is
     * unassigned, and U+2A6DF unknown to Java 17's Unicode: the library spaces them out all the same.
     */
    private static final int[] CJK = {'a', 'Z', '7', 0x1F600, ' ', '\n', 0x3000, '.', 0x200B, 0xFFFD, 0x4E2D, 0x6587,
        0x3400, 0x20000, 0x2A6DF, 0x2A700, 0x2B740, 0x2B920, 0x2CEAF, 0xF900, 0xFA6E, 0x2F800, 0x2B820, 0x2CEB0,
        0x3042, 0x30AB, 0xFF76, 0xAC00, 0x1100, 0x3002, 0xFF0C, 0x300C, 0x30FC};

    /** The fixture's tokenizer, loaded once for every case that encodes with it as it is. */
    private static SubwordTokenizer fixture;

    @BeforeAll
    static void loadTokenizer() throws Exception {
        fixture = TinyFinetuning.tokenizer();
    }

    @AfterAll
    static void closeTokenizer() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void wordsAreTheTokenizersOnRandomTexts() throws Exception {
        SplittableRandom rnd = new SplittableRandom(28);
        List<String> texts = randomTexts(rnd, ALPHABET, 2000);
        // one batch: the tokenizer encodes each text of a batch as it encodes it alone
        List<TokenEncoding> es = fixture.encodeBatch(texts);
        for (int n = 0; n < texts.size(); n++) {
            String text = texts.get(n);
            assertEquals(tokenizerWords(es.get(n)), spans(TextWords.offsets(text, true, fixture.stripsAccents())),
                    () -> escaped(text));
        }
    }

    /**
     * With {@code handle_chinese_chars} on, as BERT's tokenizer has it, each ideograph is a word of
     * the tokenizer's own; with it off, a run of them is one word, as {@code offsets} gives it
     * without {@code ideographs}. The tokenizer says which it is.
     */
    @Test
    void ideographWordsAreTheTokenizersWithChineseCharsOnAndOff() throws Exception {
        Path file = TinyFinetuning.bert().resolve("tokenizer.json");
        String json = Files.readString(file);
        String off = json.replace("\"handle_chinese_chars\": true", "\"handle_chinese_chars\": false");
        assertTrue(!off.equals(json), "the fixture's BertNormalizer names handle_chinese_chars");
        SubwordTokenizer on = fixture;
        try (SubwordTokenizer without = SubwordTokenizer.builder().setRebuiltTokenizer(file, off).build()) {
            assertTrue(on.splitsIdeographs());
            assertFalse(without.splitsIdeographs());
            List<String> texts = randomTexts(new SplittableRandom(29), CJK, 2000);
            List<TokenEncoding> withChars = on.encodeBatch(texts);
            List<TokenEncoding> withoutChars = without.encodeBatch(texts);
            for (int n = 0; n < texts.size(); n++) {
                String text = texts.get(n);
                assertEquals(tokenizerWords(withChars.get(n)), spans(TextWords.offsets(text, true, on.stripsAccents())),
                        () -> escaped(text));
                assertEquals(tokenizerWords(withoutChars.get(n)),
                        spans(TextWords.offsets(text, false, without.stripsAccents())), () -> escaped(text));
            }
        }
    }

    /**
     * The tokenizers library has no default for {@code handle_chinese_chars}: a file whose
     * {@code BertNormalizer} leaves it out, or sets it null, is refused, so {@link
     * SubwordTokenizer#splitsIdeographs()} never reads such a normalizer.
     */
    @Test
    void aBertNormalizerWithoutHandleChineseCharsIsRefused() throws Exception {
        Path file = TinyFinetuning.bert().resolve("tokenizer.json");
        String json = Files.readString(file);
        for (String edited : List.of(json.replace("\"handle_chinese_chars\": true,", ""),
                json.replace("\"handle_chinese_chars\": true", "\"handle_chinese_chars\": null"))) {
            assertTrue(!edited.equals(json), "the fixture's BertNormalizer names handle_chinese_chars");
            IOException e = assertThrows(IOException.class,
                    () -> SubwordTokenizer.builder().setRebuiltTokenizer(file, edited).build().close());
            assertTrue(e.getMessage().contains("refuses"), e.getMessage());
        }
    }

    /** XLM-R's NFKC normalizer leaves a run of ideographs to its Metaspace, which splits at whitespace only. */
    @Test
    void xlmRobertasTokenizerDoesNotSplitIdeographs() throws Exception {
        Path file = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            assertFalse(tok.splitsIdeographs());
        }
    }

    /**
     * Every format character the JVM knows (Unicode {@code Cf}), alone between spaces: the Rust
     * library removes those of its own, older, Unicode tables and keeps as letters those added since
     * (U+08E2, U+110CD, the Egyptian hieroglyph format controls from U+13430, U+0890 and U+0891 under
     * a newer JVM), which it counts unassigned; the tokenizer says which it reads.
     */
    @Test
    void formatCharactersAreRemovedExactlyWhereTheTokenizerRemovesThem() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (Character.getType(cp) == Character.FORMAT) {
                texts.add("a " + Character.toString(cp) + " b");
            }
        }
        assertTrue(texts.size() > 150, "the JVM knows " + texts.size() + " format characters");
        assertSplitAsTheTokenizer(texts, "a format character the tokenizer keeps is newer than the Rust library's"
                + " tables (before Unicode 9): add it to TextWords.isNewerFormat");
    }

    /**
     * Every punctuation character the JVM knows (Unicode {@code P*}), and the two that were
     * punctuation before Unicode 9 (U+166D, now a symbol, and U+111C9, now a mark), between two
     * letters: the Rust library reads punctuation from tables older than Unicode 9, so that one the
     * JVM counts (U+2E43, U+1E95E) is a letter to it, glued to the letters beside it, and those two
     * still split; the tokenizer says which it reads.
     */
    @Test
    void punctuationIsTheTokenizersWhereTheJvmsTablesAreNewer() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            int type = Character.getType(cp);
            if (type >= Character.DASH_PUNCTUATION && type <= Character.OTHER_PUNCTUATION
                    || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                    || cp == 0x166D || cp == 0x111C9) {
                texts.add("a" + Character.toString(cp) + "b");
            }
        }
        assertTrue(texts.size() > 700, "the JVM knows " + texts.size() + " punctuation characters");
        assertSplitAsTheTokenizer(texts, "punctuation the tokenizer glues to the letters beside it is newer than the"
                + " Rust library's tables (before Unicode 9): add it to TextWords.NEWER_PUNCTUATION; one it splits that"
                + " the JVM no longer counts punctuation goes beside U+166D in TextWords.isPunctuation and here");
    }

    /**
     * Whether the normalizer strips accents is the library's rule, {@code
     * strip_accents.unwrap_or(lowercase)}: the fixture's null with lowercasing strips them.
     */
    @Test
    void accentStrippingIsReadFromTheNormalizer() throws Exception {
        Path file = TinyFinetuning.bert().resolve("tokenizer.json");
        String json = Files.readString(file);
        assertTrue(fixture.stripsAccents());
        for (Object[] c : new Object[][] {{"false", "true", false}, {"true", "true", true}, {"false", "false", false},
            {"true", "false", true}, {"null", "false", false}}) {
            try (SubwordTokenizer tok = SubwordTokenizer.builder().setRebuiltTokenizer(file, variant(json, (String) c[0],
                    (String) c[1])).build()) {
                assertEquals(c[2], tok.stripsAccents(), () -> "strip_accents " + c[0] + ", lowercase " + c[1]);
            }
        }
    }

    /**
     * Every code point whose decomposition (NFD) or lowercase differs from it, and every mark the
     * JVM knows (Unicode {@code M*}), between letters, between spaces and after punctuation, under
     * the fixture's normalizer (strip_accents null, lowercasing) and with strip_accents false and
     * true, lowercase on and off: where the library strips accents it reads the character as its
     * decomposition less the nonspacing marks of its own, older, tables, so that "a\u2260b" is three
     * words ("=" is punctuation) and a lone U+0301 none; where it does not, the character is a letter.
     * The tokenizer says which it reads, under Java 17 and 25 alike (U+1734 and U+1171E are
     * spacing marks to Java 25 and nonspacing ones to the library).
     */
    @Test
    void charactersAreReadAsTheNormalizerLeavesThemWithAccentsStrippedOrNot() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            String c = Character.toString(cp);
            int type = Character.getType(cp);
            if (type != Character.SURROGATE && (!Normalizer.normalize(c, Normalizer.Form.NFD).equals(c)
                    || !c.toLowerCase(Locale.ROOT).equals(c) || type == Character.NON_SPACING_MARK
                    || type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK)) {
                // the five places in one text, a space between them: each keeps its neighbours (the last
                // the text's end), and a batch of a fifth as many texts costs a fifth of the encodings
                texts.add(String.join(" ", "a" + c + "b", "a " + c + " b", "a." + c + "b", "a" + c + " b", "ab" + c));
            }
        }
        assertTrue(texts.size() > 15_000, "the JVM knows " + texts.size() + " such characters");
        Path file = TinyFinetuning.bert().resolve("tokenizer.json");
        String json = Files.readString(file);
        String remedy = "a mark the library strips that the JVM's tables count otherwise, or one they count"
                + " nonspacing that is newer than the library's: see TextWords.isStrippedMark and NEWER_MARKS";
        assertSplitAsTheTokenizer(fixture, texts, remedy);
        for (String[] c : new String[][] {{"false", "true"}, {"true", "false"}, {"null", "false"}}) {
            try (SubwordTokenizer tok = SubwordTokenizer.builder().setRebuiltTokenizer(file, variant(json, c[0], c[1]))
                    .build()) {
                assertSplitAsTheTokenizer(tok, texts, remedy);
            }
        }
    }

    /**
     * A normalizer built of parts, NFD then StripAccents (with Lowercase between, as a BERT
     * normalizer is built by hand), strips accents as BERT's does: "\u2260" leaves "=", a lone
     * accent is dropped. NFKD then StripAccents decomposes otherwise and is not read as stripping.
     */
    @Test
    void nfdThenStripAccentsInASequenceStripsAccents() throws Exception {
        Path file = TinyFinetuning.bert().resolve("tokenizer.json");
        String json = Files.readString(file);
        String from = json.substring(json.indexOf("\"normalizer\": {"), json.indexOf("\"pre_tokenizer\""));
        String seq = "\"normalizer\": {\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"%s\"}, {\"type\": \"Lowercase\"},"
                + " {\"type\": \"StripAccents\"}]},\n  ";
        List<String> texts = List.of("a\u2260b", "x \u226E y", "a \u0301 b", "a.\u0301b", "ab\u0301", "\u00E9t\u00E9");
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setRebuiltTokenizer(file,
                json.replace(from, String.format(seq, "NFD"))).build()) {
            assertTrue(tok.stripsAccents(), "NFD, Lowercase, StripAccents strips accents");
            assertSplitAsTheTokenizer(tok, texts, "a Sequence of NFD and StripAccents strips accents as BERT does");
        }
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setRebuiltTokenizer(file,
                json.replace(from, String.format(seq, "NFKD"))).build()) {
            assertFalse(tok.stripsAccents(), "NFKD decomposes otherwise than BERT's NFD");
        }
    }

    /** The fixture's tokenizer.json with its BertNormalizer's strip_accents and lowercase set so. */
    private static String variant(String json, String stripAccents, String lowercase) {
        String from = "\"strip_accents\": null,\n    \"lowercase\": true";
        assertTrue(json.contains(from), "the fixture's BertNormalizer has strip_accents null and lowercase true");
        return json.replace(from, "\"strip_accents\": " + stripAccents + ",\n    \"lowercase\": " + lowercase);
    }

    /**
     * Each text's words are those the fixture's tokenizer finds, encoded in one batch; a failure
     * names the texts' code points, their categories in the JVM's Unicode and the likely remedy.
     */
    private static void assertSplitAsTheTokenizer(List<String> texts, String remedy) throws Exception {
        assertSplitAsTheTokenizer(fixture, texts, remedy);
    }

    /** Each text's words are those the tokenizer finds, encoded in one batch. */
    private static void assertSplitAsTheTokenizer(SubwordTokenizer tok, List<String> texts, String remedy)
            throws Exception {
        List<TokenEncoding> es = tok.encodeBatch(texts);
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            List<String> expected = tokenizerWords(es.get(i));
            List<String> got = spans(TextWords.offsets(text, true, tok.stripsAccents()));
            if (!expected.equals(got)) {
                wrong.add(escaped(text) + " (Character.getType under Java " + Runtime.version().feature() + ": "
                        + text.codePoints().mapToObj(c -> String.format("U+%04X %d", c, Character.getType(c)))
                        .toList() + "): expected " + expected + ", got " + got);
            }
        }
        // all of them, so that one run shows every character a table lacks
        assertTrue(wrong.isEmpty(), () -> wrong.size() + " texts split otherwise than the tokenizer splits them"
                + " (stripping accents: " + tok.stripsAccents() + "; " + remedy + "): " + String.join("; ", wrong));
    }

    /** {@code n} texts of {@link #randomText}, in the order drawn. */
    private static List<String> randomTexts(SplittableRandom rnd, int[] alphabet, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(randomText(rnd, alphabet));
        }
        return out;
    }

    /** One to twelve code points drawn from the alphabet. */
    private static String randomText(SplittableRandom rnd, int[] alphabet) {
        StringBuilder b = new StringBuilder();
        int len = 1 + rnd.nextInt(12);
        for (int i = 0; i < len; i++) {
            b.appendCodePoint(alphabet[rnd.nextInt(alphabet.length)]);
        }
        return b.toString();
    }

    private static List<String> tokenizerWords(TokenEncoding e) {
        List<String> out = new ArrayList<>();
        int word = -1;
        int start = 0;
        int end = 0;
        for (int p = 0; p < e.unpaddedLength(); p++) {
            int w = e.wordIds()[p];
            if (w < 0) {
                continue;
            }
            if (w != word) {
                if (word >= 0) {
                    out.add(start + "-" + end);
                }
                word = w;
                start = e.starts()[p];
            }
            end = e.ends()[p];
        }
        if (word >= 0) {
            out.add(start + "-" + end);
        }
        return out;
    }

    private static List<String> spans(List<int[]> offsets) {
        return offsets.stream().map(o -> o[0] + "-" + o[1]).toList();
    }

    private static String escaped(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.append(c >= 0x20 && c < 0x7F ? Character.toString(c) : String.format("\\u%04X", c)));
        return b.toString();
    }
}
