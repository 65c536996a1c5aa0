package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.testing.ServingChild;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code tokenizer.json} the Rust tokenizers library refuses is refused with an {@link
 * IOException} naming the file, the line and column the library names, and what it expected;
 * before, the library's bare {@code RuntimeException} named no file. Each broken file is the BERT
 * fixture's, pretty-printed as HF writes it, edited here by hand, so the line and column of the
 * edit are counted in the text written (independently of the library).
 */
class TokenizerFileRefusalTest {
    @TempDir
    Path tmp;

    /** One child JVM runs every probe of the class, one after another ({@link TokenizerProbes}). */
    private static ServingChild probes;
    private static int requests;

    @BeforeAll
    static void startProbes(@TempDir Path dir) throws Exception {
        probes = ServingChild.start(TokenizerProbes.class, dir.resolve("probes.log"));
    }

    @AfterAll
    static void stopProbes() throws Exception {
        probes.close();
    }

    /** Runs a probe of {@link TokenizerProbes} in the child and returns what it logged. */
    private static synchronized String probe(String probe, String... args) throws Exception {
        String id = "probe-" + ++requests;
        String[] fields = new String[args.length + 1];
        fields[0] = probe;
        System.arraycopy(args, 0, fields, 1, args.length);
        probes.request(id, fields);
        return probes.await(id);
    }

    /** The log of {@link ChangedFileVariantProbe}, run once for the two tests that read it, and its file. */
    private static String changedLog;
    private static Path changedFile;

    /**
     * A template that adds a special token its {@code special_tokens} lack loads in the library,
     * which then panics at the first text ("no entry found for key"), aborting the JVM: run in a
     * child JVM, which must exit normally.
     */
    @Test
    void aTemplateTokenWithoutItsDefinitionIsRefusedBeforeTheNativePanic() throws Exception {
        JsonObject tokenizer = JsonParser.parseString(fixture()).getAsJsonObject();
        tokenizer.getAsJsonObject("post_processor").getAsJsonObject("special_tokens").remove("[CLS]");
        refusedInAChild(tokenizer, "a", "$.post_processor.single[0].SpecialToken.id \"[CLS]\" is not defined in"
                + " $.post_processor.special_tokens; expected one of [[SEP]]");
    }

    /**
     * A single-text template holding the second text ($B) loads in the library, which then indexes
     * the pair's second encoding that a single text lacks and panics at the first text ("index out
     * of bounds" in {@code template.rs}), aborting the JVM: run in a child JVM, which must exit normally.
     */
    @Test
    void aSingleTemplateHoldingTheSecondTextIsRefusedBeforeTheNativePanic() throws Exception {
        JsonObject tokenizer = JsonParser.parseString(fixture()).getAsJsonObject();
        tokenizer.getAsJsonObject("post_processor").getAsJsonArray("single")
                .add(JsonParser.parseString("{\"Sequence\":{\"id\":\"B\",\"type_id\":0}}"));
        // [CLS] $A [SEP] $B: the fourth piece
        refusedInAChild(tokenizer, "a", "$.post_processor.single[3] is the second text (Sequence B); expected the"
                + " template of a single text to hold only its one text (Sequence A)");
    }

    /**
     * A single-text template without the text ([CLS] [SEP]) loads in the library, which drops
     * every text's tokens; encoding without special tokens then counts none, so the check that a
     * stride leaves room in a truncated pair saw nothing to cut, and the library's stride assertion
     * panicked (a longest-first pair of two 20-word texts under maxLength 10 and stride 3, whose
     * first text keeps 3 tokens). Refused at load, in a child JVM.
     */
    @Test
    void aSingleTemplateWithoutTheTextIsRefused() throws Exception {
        JsonObject tokenizer = JsonParser.parseString(fixture()).getAsJsonObject();
        tokenizer.getAsJsonObject("post_processor").getAsJsonArray("single").remove(1);
        refusedInAChild(tokenizer, "a", "$.post_processor.single holds no Sequence A; expected the template of a"
                + " single text to hold the text, which the tokenizers library would otherwise drop");
    }

    /**
     * A post-processor Sequence of two templates loaded, and the library panicked ("not yet
     * implemented" in {@code template.rs}) at the build's first probe: the first template hands
     * the second one encoding per piece, [CLS] $A [SEP] three, where a template takes only a text
     * or a pair. Refused at load naming the second template, in a child JVM.
     */
    @Test
    void aTemplateAfterATemplateIsRefusedBeforeTheNativePanic() throws Exception {
        JsonObject tokenizer = JsonParser.parseString(fixture()).getAsJsonObject();
        JsonObject template = tokenizer.getAsJsonObject("post_processor");
        JsonObject sequence = new JsonObject();
        sequence.addProperty("type", "Sequence");
        com.google.gson.JsonArray processors = new com.google.gson.JsonArray();
        processors.add(template);
        processors.add(template.deepCopy());
        sequence.add("processors", processors);
        tokenizer.add("post_processor", sequence);
        refusedInAChild(tokenizer, "a", "$.post_processor.processors[1] is a TemplateProcessing after another, which"
                + " hands it 3 encodings for a single text; expected it to get 1 or 2 (a text or a pair)");
    }

    /**
     * A BPE model with a subword prefix names a merge's result by cutting the prefix's length
     * from the second piece: a second piece shorter than "##" made the library panic while loading
     * the file. Refused naming the merge, in a child JVM; with the second piece "##b" the same
     * model loads and merges "a" and "##b" into "ab" (id 2), "c" being unknown (id 4).
     */
    @Test
    void aBpeMergeTheSubwordPrefixCannotBeCutFromIsRefusedBeforeTheNativePanic() throws Exception {
        JsonObject tokenizer = bpe(List.of("a", "b", "ab", "##b", "<unk>"), null, false);
        JsonObject model = tokenizer.getAsJsonObject("model");
        model.addProperty("continuing_subword_prefix", "##");
        model.getAsJsonArray("merges").add("a b");
        Path broken = write(tokenizer.toString());
        model.add("merges", new com.google.gson.JsonArray());
        model.getAsJsonArray("merges").add("a ##b");
        Path sound = write(tokenizer.toString());
        String log = probe("files", broken.toString(),
                sound.toString());
        assertTrue(log.contains("OUTCOME " + broken + " refused: " + broken + ": $.model.merges[0] merges \"a\" with"
                + " \"b\", which is shorter than $.model.continuing_subword_prefix \"##\"; expected a second piece"
                + " that starts with the prefix"), log);
        assertTrue(log.contains("OUTCOME " + sound + " encoded [0][4][2]"), log);
    }

    /**
     * A template's special token whose ids and token strings differ in number (which HF's own
     * constructor refuses) loaded, and gave encodings whose arrays differ in length: an index out
     * of bounds, naming nothing, at the first text.
     */
    @Test
    void aSpecialTokenWithMoreIdsThanTokensIsRefusedNamingIt() throws Exception {
        JsonObject tokenizer = JsonParser.parseString(fixture()).getAsJsonObject();
        tokenizer.getAsJsonObject("post_processor").getAsJsonObject("special_tokens").getAsJsonObject("[CLS]")
                .add("ids", JsonParser.parseString("[2, 2]"));
        Path file = write(tokenizer.toString());
        IOException e = assertThrows(IOException.class, () -> SubwordTokenizer.builder().setTokenizerPath(file).build());
        assertEquals(file + ": $.post_processor.special_tokens[\"[CLS]\"] has 2 ids but 1 tokens; expected one token"
                + " string for each id", e.getMessage());
    }

    /**
     * A variant ({@code toBuilder}) knows its file's facts and skips parsing it; a file changed on
     * disk since to one whose template adds an undefined token is parsed and refused all the same,
     * before anything is encoded (which would abort the JVM), while a variant of the unchanged
     * file still builds. Run in a child JVM, which the panic would abort.
     */
    @Test
    void aVariantOfAFileChangedOnDiskIsCheckedAgain() throws Exception {
        String log = changedToAnUndefinedToken();
        Path file = changedFile;
        assertTrue(log.contains("OUTCOME variant 64"), log);
        assertTrue(log.contains("OUTCOME refused: " + file + ": $.post_processor.single[0].SpecialToken.id \"[CLS]\""
                + " is not defined in $.post_processor.special_tokens"), log);
    }

    /**
     * The bare form of a tokenizer (for its special-token layout, its pieces and the special-token
     * count of the stride checks), loaded on first need, is loaded from the text the tokenizer was
     * built from or not at all: a file changed on disk since, to one whose template adds an
     * undefined token, was loaded without the template check and its probe aborted the JVM; and
     * any other new text gave pieces and probes of another tokenizer than the one encoding.
     */
    @Test
    void theBareFormOfATokenizerWhoseFileChangedIsRefused() throws Exception {
        String log = changedToAnUndefinedToken();
        Path file = changedFile;
        assertTrue(log.contains("OUTCOME bare refused: " + file + ": changed since the tokenizer was built from it"),
                log);
    }

    /**
     * Runs {@link ChangedFileVariantProbe} in a child JVM, which a panic would abort, on a file
     * replaced by the fixture whose template adds {@code [CLS]}, which its special tokens lack.
     */
    private String changedToAnUndefinedToken() throws Exception {
        // both tests read the one child's log: the same probe on the same files
        if (changedLog == null) {
            changedFile = write(fixture());
            changedLog = changedToAnUndefinedToken(changedFile);
        }
        return changedLog;
    }

    private String changedToAnUndefinedToken(Path file) throws Exception {
        JsonObject broken = JsonParser.parseString(fixture()).getAsJsonObject();
        broken.getAsJsonObject("post_processor").getAsJsonObject("special_tokens").remove("[CLS]");
        Path replacement = Files.writeString(tmp.resolve("broken.json"), broken.toString());
        return probe("changed", file.toString(),
                replacement.toString());
    }

    /**
     * A file that truncates on the left loaded, and its native tokenizer kept a text's last tokens
     * (DJL keeps the file's direction), while prefine's featurizers cut the pieces of words and
     * contexts on the right: one task kept other tokens on its fast path than on its reference path.
     * Refused, naming the section; the same file cutting on the right loads and keeps the first
     * tokens HF gives the text ([CLS] and 4 of the reference's, then [SEP], at maxLength 6).
     */
    @Test
    void aFileThatTruncatesOnTheLeftIsRefused() throws IOException {
        JsonObject tokenizer = JsonParser.parseString(fixture()).getAsJsonObject();
        tokenizer.add("truncation", JsonParser.parseString(
                "{\"direction\":\"Left\",\"max_length\":512,\"strategy\":\"LongestFirst\",\"stride\":0}"));
        Path left = write(tokenizer.toString());
        IOException e = assertThrows(IOException.class,
                () -> SubwordTokenizer.builder().setTokenizerPath(left).optMaxLength(6).build());
        assertEquals(left + ": $.truncation.direction is \"Left\"; expected \"Right\" or no truncation section:"
                + " prefine truncates on the right, keeping a text's first tokens, where the tokenizers library would"
                + " keep its last", e.getMessage());
        tokenizer.getAsJsonObject("truncation").addProperty("direction", "Right");
        Path right = write(tokenizer.toString());
        JsonObject first = JsonParser.parseString(Files.readString(
                SharedFixtures.require("fixtures/hf-reference/bert/reference.json"))).getAsJsonObject()
                .getAsJsonArray("cases").get(1).getAsJsonObject(); // the longest of the padded batch: no padding
        int[] hf = new int[first.getAsJsonArray("ids").size()];
        for (int i = 0; i < hf.length; i++) {
            hf[i] = first.getAsJsonArray("ids").get(i).getAsInt();
        }
        try (SubwordTokenizer t = SubwordTokenizer.builder().setTokenizerPath(right).optMaxLength(6).build()) {
            int[] expected = {hf[0], hf[1], hf[2], hf[3], hf[4], hf[hf.length - 1]};
            assertArrayEquals(expected, t.encode(first.get("text").getAsString()).ids());
        }
    }

    /**
     * A {@code tokenizer.json} whose {@code padding} section pads on the left (as a checkpoint saved
     * for left-padded generation has it) was refused, even by a tokenizer that never pads. prefine
     * pads on the right, after a row's tokens, as HF's encoders are fed without a position shift:
     * the file loads, unpadded as written, and padded on the right, each row its unpadded encoding's
     * ids and then the file's padding id, masked.
     */
    @Test
    void aFileThatPadsOnTheLeftIsPaddedOnTheRight() throws IOException {
        JsonObject tokenizer = JsonParser.parseString(fixture()).getAsJsonObject();
        tokenizer.add("padding", JsonParser.parseString("{\"strategy\":\"BatchLongest\",\"direction\":\"Left\","
                + "\"pad_to_multiple_of\":null,\"pad_id\":0,\"pad_type_id\":0,\"pad_token\":\"[PAD]\"}"));
        Path left = write(tokenizer.toString());
        List<String> texts = List.of("hello world", "hello");
        try (SubwordTokenizer plain = SubwordTokenizer.builder().setTokenizerPath(left).build();
                SubwordTokenizer t = plain.toBuilder().optPadding(Padding.LONGEST).build()) {
            List<TokenEncoding> unpadded = plain.encodeBatch(texts);
            List<TokenEncoding> rows = t.encodeBatch(texts);
            int width = unpadded.get(0).length();
            int n = unpadded.get(1).length();
            assertTrue(n < width, "the shorter row is padded");
            for (int r = 0; r < 2; r++) {
                int[] ids = rows.get(r).ids();
                int[] mask = rows.get(r).attentionMask();
                assertEquals(width, ids.length);
                for (int p = 0; p < width; p++) {
                    int real = unpadded.get(r).length();
                    assertEquals(p < real ? unpadded.get(r).ids()[p] : 0, ids[p], "row " + r + " id at " + p);
                    assertEquals(p < real ? 1 : 0, mask[p], "row " + r + " mask at " + p);
                }
            }
            // the id rows a classifier reads are padded the same way
            IdRows idRows = t.encodeIdRows(texts, null);
            assertArrayEquals(rows.get(1).ids(), Arrays.copyOfRange(idRows.ids(), idRows.rowStart()[1], idRows.rowStart()[2]));
        }
    }

    /**
     * The tokenizers library reads a {@code direction} by its serde names, "Left" and "Right",
     * case-sensitive, after JSON unescaping; "left", "RIGHT" or " Left" it refuses at load ("unknown
     * variant"), and so does prefine, naming the file, the line and column, and the two names the
     * library expects, rather than read any of them as a side. "L\u0065ft" is "Left" to the
     * library, and so to prefine: a truncation section is refused, a padding one pads on the right.
     * No file under ../shared spells a direction otherwise than "Right".
     */
    @Test
    void aDirectionIsReadByTheLibrarysOwnNamesAndAnyOtherSpellingRefused() throws IOException {
        String[] sections = {
            "{\"strategy\":\"BatchLongest\",\"direction\":\"%s\",\"pad_to_multiple_of\":null,\"pad_id\":0,"
                + "\"pad_type_id\":0,\"pad_token\":\"[PAD]\"}",
            "{\"direction\":\"%s\",\"max_length\":512,\"strategy\":\"LongestFirst\",\"stride\":0}"};
        for (int k = 0; k < 2; k++) {
            String key = k == 0 ? "padding" : "truncation";
            for (String spelling : List.of("left", "RIGHT", "right", " Left")) {
                JsonObject tokenizer = JsonParser.parseString(fixture()).getAsJsonObject();
                tokenizer.add(key, JsonParser.parseString(String.format(sections[k], spelling)));
                String text = tokenizer.toString();
                Path file = write(text);
                IOException e = assertThrows(IOException.class,
                        () -> SubwordTokenizer.builder().setTokenizerPath(file).optPadding(Padding.LONGEST).build(),
                        key + " " + spelling);
                // the library names the column just past the value
                int column = text.indexOf("\"" + spelling + "\"") + spelling.length() + 2;
                assertEquals(file + ":1: the tokenizers library refuses it at column " + column + ": unknown variant `"
                        + spelling + "`, expected `Left` or `Right`", e.getMessage(), key + " " + spelling);
            }
            JsonObject tokenizer = JsonParser.parseString(fixture()).getAsJsonObject();
            tokenizer.add(key, JsonParser.parseString(String.format(sections[k], "L\\u0065ft")));
            Path escaped = write(tokenizer.toString());
            if (k == 1) {
                IOException e = assertThrows(IOException.class,
                        () -> SubwordTokenizer.builder().setTokenizerPath(escaped).build());
                assertTrue(e.getMessage().startsWith(escaped + ": $.truncation.direction is \"Left\""), e.getMessage());
            } else {
                try (SubwordTokenizer t = SubwordTokenizer.builder().setTokenizerPath(escaped).optPadding(Padding.LONGEST)
                        .build()) {
                    int[] mask = t.encodeBatch(List.of("hello world", "hello")).get(1).attentionMask();
                    assertEquals(1, mask[0], "the shorter row starts with its tokens");
                    assertEquals(0, mask[mask.length - 1], "and ends with its padding");
                }
            }
        }
    }

    /**
     * A WordPiece vocabulary without its unknown token loads in the library, which then fails at
     * the first unknown word with MissingUnkToken, unwrapped by DJL's binding into a panic that
     * aborts the JVM: run in a child JVM, which must exit normally.
     */
    @Test
    void aVocabularyWithoutItsUnknownTokenIsRefusedBeforeTheNativePanic() throws Exception {
        JsonObject tokenizer = JsonParser.parseString(fixture()).getAsJsonObject();
        tokenizer.getAsJsonObject("model").getAsJsonObject("vocab").remove("[UNK]");
        // a snowman is no piece of the fixture's 362
        refusedInAChild(tokenizer, "\u2603", "$.model.unk_token \"[UNK]\" is not in $.model.vocab; expected one of its"
                + " entries, the token unknown text becomes");
    }

    /**
     * A Unigram model without an {@code unk_id} (null, as {@code SentencePieceUnigramTokenizer}
     * writes it when given none) loads in the library, which then fails at the first text holding
     * no piece of its vocabulary with MissingUnkId; in a batch, DJL's binding unwraps that into a
     * panic that aborts the JVM. It is refused as a WordPiece model without its unknown token is.
     */
    @Test
    void aUnigramModelWithoutAnUnknownIdIsRefusedBeforeTheNativePanic() throws Exception {
        String original = Files.readString(SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json"));
        JsonObject tokenizer = JsonParser.parseString(original).getAsJsonObject();
        tokenizer.getAsJsonObject("model").add("unk_id", JsonNull.INSTANCE);
        // a snowman is no piece of the fixture's 256; as they are, ▁ then <unk> for "▁☃", ▁ then b for
        // "▁b" ("▁b" is no piece either), in <s> A </s> </s> B </s>: 8 ids
        refusedInAChild(tokenizer, "\u2603", "$.model.unk_id is null; expected the place in $.model.vocab of the"
                + " token unknown text becomes", original, 8);
    }

    /**
     * A byte-level BPE model (a {@code ByteLevel} pre-tokenizer over a vocabulary holding all 256
     * of its byte characters, or {@code byte_fallback} over all 256 {@code <0xXX>} tokens) maps
     * every text to pieces of its vocabulary, so an {@code unk_token} missing from it is never
     * looked up: the library encodes such a file, batch and pair, and so must this. Without a
     * template and merges, each UTF-8 byte of a text is one id: "\u2603 \u00e9\u0007" is 3 + 1 + 2
     * + 1 bytes, "b" one, 8 ids in all.
     */
    @Test
    void aByteLevelModelWithoutItsUnknownTokenEncodesEveryText() throws Exception {
        String text = "\u2603 \u00e9\u0007";
        JsonObject pre = JsonParser.parseString("{\"type\":\"ByteLevel\",\"add_prefix_space\":false,"
                + "\"trim_offsets\":true,\"use_regex\":true}").getAsJsonObject();
        Path byteLevel = write(bpe(byteLevelAlphabet(), pre, false).toString());
        List<String> bytes = new java.util.ArrayList<>();
        for (int b = 0; b < 256; b++) {
            bytes.add(String.format("<0x%02X>", b));
        }
        Path byteFallback = write(bpe(bytes, null, true).toString());
        for (String log : probeInAChild(byteLevel.toString(), text, byteFallback.toString(), text)) {
            assertTrue(log.contains("OUTCOME encoded 8"), log);
        }
    }

    /**
     * The 256 characters GPT-2's byte-level mapping gives bytes, built here from its rule: the
     * printable bytes 33-126, 161-172 and 174-255 stand for themselves, the others, in order, for
     * U+0100 onwards.
     */
    static List<String> byteLevelAlphabet() {
        List<String> out = new java.util.ArrayList<>();
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174);
            out.add(String.valueOf((char) (printable ? b : next++)));
        }
        return out;
    }

    /** A BPE tokenizer with these pieces, no merges, {@code <unk>} as its absent unknown token. */
    private static JsonObject bpe(List<String> pieces, JsonObject pre, boolean byteFallback) {
        JsonObject vocab = new JsonObject();
        for (String piece : pieces) {
            vocab.addProperty(piece, vocab.size());
        }
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.addProperty("unk_token", "<unk>");
        model.add("continuing_subword_prefix", JsonNull.INSTANCE);
        model.add("end_of_word_suffix", JsonNull.INSTANCE);
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", byteFallback);
        model.add("vocab", vocab);
        model.add("merges", new com.google.gson.JsonArray());
        JsonObject root = JsonParser.parseString("{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
                + "\"added_tokens\":[{\"id\":" + pieces.size() + ",\"content\":\"<pad>\",\"single_word\":false,"
                + "\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}],\"normalizer\":null,"
                + "\"post_processor\":null,\"decoder\":null}").getAsJsonObject();
        root.add("pre_tokenizer", pre == null ? JsonNull.INSTANCE : pre);
        root.add("model", model);
        return root;
    }

    private void refusedInAChild(JsonObject edited, String first, String reason) throws Exception {
        // [CLS] first [SEP] b [SEP]
        refusedInAChild(edited, first, reason, fixture(), 5);
    }

    /**
     * Encodes {@code first} and "b" as a batch, then as a pair, in a child JVM with the edited
     * tokenizer, which must be refused with {@code reason}, then, in the same child, with {@code
     * original}, which must give {@code ids} ids for the pair.
     */
    private void refusedInAChild(JsonObject edited, String first, String reason, String original, int ids)
            throws Exception {
        Path file = write(edited.toString());
        List<String> logs = probeInAChild(file.toString(), first, write(original).toString(), first);
        assertTrue(logs.get(0).contains("OUTCOME refused: " + file + ": " + reason), logs.get(0));
        assertTrue(logs.get(1).contains("OUTCOME encoded " + ids), logs.get(1));
    }

    /**
     * Runs {@link TemplateTokenProbe} on each tokenizer file and first text in one child JVM, which
     * a panic would abort (one JVM and native library started for them all), and returns each
     * file's lines of its log, in order.
     */
    private List<String> probeInAChild(String... filesAndTexts) throws Exception {
        String log = probe("template", filesAndTexts);
        List<String> out = new java.util.ArrayList<>();
        for (String section : log.split("(?m)^(?=FILE )")) {
            if (section.startsWith("FILE ")) {
                out.add(section);
            }
        }
        assertEquals(filesAndTexts.length / 2, out.size(), log);
        for (int i = 0; i < out.size(); i++) {
            assertTrue(out.get(i).startsWith("FILE " + filesAndTexts[2 * i] + "\n"), log);
        }
        return out;
    }

    /**
     * A {@code decoder} that serde_json cannot read ({@code NaN}, which Gson writes for a NaN, a raw
     * control character in a string, a number beyond a double, nesting past 128 levels) made the
     * library panic ("Helper") and abort the JVM, where the rest of the file gets its error (a CI
     * run's fresh jqwik seed of {@code SavedModelProperties} met it): such a text is refused, at the
     * decoder's line, before the library sees it. In a child JVM, which the panic would abort.
     */
    @Test
    void aDecoderThatIsNotStandardJsonIsRefusedAtItsLineBeforeTheNativePanic() throws Exception {
        String good = fixture();
        int decoderLine = lineOf(good, good.indexOf("\"decoder\": {"));
        String nan = good.replaceFirst("\"decoder\": \\{[^}]*}", "\"decoder\": NaN");
        Path file = write(nan);
        String control = good.replaceFirst("\"prefix\": \"##\"", "\"prefix\": \"#\u0001#\"");
        Path controlFile = write(control);
        int prefixLine = lineOf(control, control.indexOf("\"prefix\""));
        // standard JSON that serde_json does not read panics there too: a number beyond a double's
        // range, and nesting past its 128 levels (127 with the root object is read, and refused)
        Path huge = write(good.replaceFirst("\"decoder\": \\{[^}]*}", "\"decoder\": 1e400"));
        List<Path> deep = new java.util.ArrayList<>();
        for (int depth : new int[] {127, 128}) {
            String nest = "[".repeat(depth - 1) + "]".repeat(depth - 1);
            deep.add(write(good.replaceFirst("\"decoder\": \\{[^}]*}", "\"decoder\": " + nest)));
        }
        // every file in one child, the fixture itself last
        List<String> logs = probeInAChild(file.toString(), "a", controlFile.toString(), "a", huge.toString(), "a",
                deep.get(0).toString(), "a", deep.get(1).toString(), "a", write(good).toString(), "a");
        String log = logs.get(0);
        assertTrue(log.contains("OUTCOME refused: " + file + ":" + decoderLine + ": not JSON at column "), log);
        assertTrue(log.contains("(JSON path $.decoder): malformed JSON; expected standard JSON (a tokenizer.json)"), log);
        log = logs.get(1);
        assertTrue(log.contains("OUTCOME refused: " + controlFile + ":" + prefixLine + ": not JSON at column "), log);
        assertTrue(log.contains("(JSON path $.decoder.prefix)"), log);
        log = logs.get(2);
        assertTrue(log.contains("OUTCOME refused: " + huge + ":" + decoderLine + ": not JSON at column ")
                && log.contains("number 1e400 is beyond the range of a double"), log);
        for (int k = 0; k < 2; k++) {
            log = logs.get(3 + k);
            assertTrue(log.contains("OUTCOME refused: " + deep.get(k) + ":" + decoderLine + ": " + (k == 0
                    ? "the tokenizers library refuses it" : "not JSON at column ")), log);
        }
        assertTrue(logs.get(5).contains("OUTCOME encoded 5"), logs.get(5));
    }

    @Test
    void anAddedTokenIdThatIsAStringIsRefusedAtItsLineAndColumn() throws Exception {
        String bad = fixture().replaceFirst("\"id\": 0,", "\"id\": \"zero\",");
        Path file = write(bad);
        // the library points at the last character of the value it cannot take
        String value = "\"id\": \"zero\"";
        int at = bad.indexOf(value);
        int last = at + value.length() - 1;
        IOException e = assertThrows(IOException.class, () -> SubwordTokenizer.builder().setTokenizerPath(file).build());
        assertEquals(file + ":" + lineOf(bad, at) + ": the tokenizers library refuses it at column "
                + columnOf(bad, last) + ": invalid type: string \"zero\", expected u32", e.getMessage());
    }

    @Test
    void aModelWithoutItsVocabularyIsRefusedNamingTheMissingField() throws Exception {
        String fixture = fixture();
        assertEquals(fixture.indexOf("\"vocab\""), fixture.lastIndexOf("\"vocab\""), "one vocab in the fixture");
        Path file = write(fixture.replace("\"vocab\"", "\"vocabulary\""));
        IOException e = assertThrows(IOException.class, () -> SubwordTokenizer.builder().setTokenizerPath(file).build());
        assertTrue(e.getMessage().startsWith(file + ":") && e.getMessage().contains("missing field `vocab`"),
                e.getMessage());
    }

    @Test
    void aPreTokenizerOfAnUnknownTypeIsRefusedSayingWhatWasExpected() throws Exception {
        String bad = fixture().replace("\"type\": \"BertPreTokenizer\"", "\"type\": \"BertPreTokeniser\"");
        Path file = write(bad);
        IOException e = assertThrows(IOException.class, () -> SubwordTokenizer.builder().setTokenizerPath(file).build());
        // the library names the line where the pre-tokenizer object ends
        int end = bad.indexOf('}', bad.indexOf("BertPreTokeniser"));
        assertTrue(e.getMessage().startsWith(file + ":" + lineOf(bad, end) + ": ") && e.getMessage().endsWith(
                "; expected a pre_tokenizer of a type the tokenizers library knows, with that type's fields"),
                e.getMessage());
    }

    @Test
    void aCutOffFileIsRefusedAtItsLastLine() throws Exception {
        String fixture = fixture();
        String cut = fixture.substring(0, fixture.indexOf("[UNK]") + 2);
        Path file = write(cut);
        IOException e = assertThrows(IOException.class, () -> SubwordTokenizer.builder().setTokenizerPath(file).build());
        // refused before the library reads it (as not standard JSON), where the text runs out
        assertTrue(e.getMessage().startsWith(file + ":" + lineOf(cut, cut.length() - 1) + ": not JSON at column "
                + (columnOf(cut, cut.length() - 1) + 1) + " (JSON path $.added_tokens[1].content): Unterminated string"),
                e.getMessage());
    }

    /**
     * A variant reads the file again with the padding id and the pre-tokenizer's rule already
     * known, so the library is the first to read it; the bare tokenizer loaded on first use refuses
     * it, naming the file, as not the text the tokenizer was built from.
     */
    @Test
    void aFileBrokenAfterLoadingIsRefusedNamingItWhenReadAgain() throws Exception {
        Path file = write(fixture());
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            String bad = fixture().replaceFirst("\"id\": 0,", "\"id\": \"zero\",");
            Files.writeString(file, bad);
            String where = file + ":" + lineOf(bad, bad.indexOf("\"zero\"")) + ": ";
            IOException variant = assertThrows(IOException.class, () -> tok.toBuilder().optMaxLength(16).build());
            assertTrue(variant.getMessage().startsWith(where), variant.getMessage());
            UncheckedIOException pieces = assertThrows(UncheckedIOException.class,
                    () -> tok.encodePieces(List.of("hello"), false));
            assertTrue(pieces.getMessage().startsWith(file + ": changed since the tokenizer was built from it"),
                    pieces.getMessage());
            assertInstanceOf(IOException.class, pieces.getCause());
        }
    }

    private static String fixture() throws IOException {
        return Files.readString(SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json"));
    }

    private Path write(String text) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "tok");
        return Files.writeString(dir.resolve("tokenizer.json"), text);
    }

    /** The 1-based line of a character. */
    private static int lineOf(String text, int index) {
        return (int) text.substring(0, index).chars().filter(c -> c == '\n').count() + 1;
    }

    /** The 1-based column of a character (the text is ASCII up to it). */
    private static int columnOf(String text, int index) {
        return index - text.lastIndexOf('\n', index - 1);
    }
}
