package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.Padding;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import io.github.prefine.core.tokenize.Truncation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Hugging Face folder whose {@code tokenizer_config.json} disagrees with its {@code
 * tokenizer.json} is read by {@link FinetunedModel#loadHuggingFace} with the ids HF's tokenizer
 * class gives: those of the fixture's {@code tokenizer.json} with the flags edited by hand here as
 * HF rebuilds it, encoded by the Rust tokenizer. Copies of HF's BERT and XLM-R sequence classifiers
 * (the BERT fixture's normalizer lower-cases; XLM-R's {@code Metaspace} prepends always), and the
 * latter relabelled RoBERTa with a byte-level {@code tokenizer.json} written here; each text
 * checked where the flag changes its ids and where it does not. A BERT or RoBERTa flag the config
 * leaves out takes HF's class default.
 */
class HfTokenizerAlignmentTest {
    private static final String MIXED_CASE = "John Smith visited Paris in May.";
    private static final String ACCENTS = "café naïve résumé";
    private static final String CJK = "paris 東京 москва";
    private static final String LOWER_PLAIN = "john visited paris in may.";

    @TempDir
    Path tmp;

    @Test
    void casedConfigOverLowerCasingTokenizerJsonKeepsTheCase() throws Exception {
        String hand = edited("bert", n -> normalizer(n).addProperty("lowercase", false));
        Path dir = folder("bert", null, "{\"do_lower_case\": false, \"tokenizer_class\": \"BertTokenizer\"}");
        assertIdsAsHandEdited(dir, hand, List.of(MIXED_CASE, ACCENTS), List.of(LOWER_PLAIN));
        assertClassifiesAsHandEditedFolder(dir, hand, List.of(MIXED_CASE, ACCENTS, LOWER_PLAIN));
    }

    @Test
    void lowerCasingConfigOverCasedTokenizerJsonLowerCases() throws Exception {
        String cased = edited("bert", n -> normalizer(n).addProperty("lowercase", false));
        String hand = edited("bert", n -> { });
        Path dir = folder("bert", cased, "{\"do_lower_case\": true}");
        assertIdsAsHandEdited(dir, hand, List.of(MIXED_CASE, ACCENTS), List.of(LOWER_PLAIN));
    }

    @Test
    void stripAccentsFalseKeepsAccentsWhileLowerCasing() throws Exception {
        String hand = edited("bert", n -> normalizer(n).addProperty("strip_accents", false));
        Path dir = folder("bert", null, "{\"do_lower_case\": true, \"strip_accents\": false}");
        assertIdsAsHandEdited(dir, hand, List.of(ACCENTS, "Über"), List.of(MIXED_CASE, LOWER_PLAIN));
    }

    @Test
    void nullStripAccentsFollowsTheCasingOverAnExplicitTrue() throws Exception {
        String stripping = edited("bert", n -> {
            normalizer(n).addProperty("lowercase", false);
            normalizer(n).addProperty("strip_accents", true);
        });
        String hand = edited("bert", n -> {
            normalizer(n).addProperty("lowercase", false);
            normalizer(n).add("strip_accents", JsonNull.INSTANCE);
        });
        Path dir = folder("bert", stripping, "{\"do_lower_case\": false, \"strip_accents\": null}");
        assertIdsAsHandEdited(dir, hand, List.of(ACCENTS), List.of(MIXED_CASE, LOWER_PLAIN));
    }

    @Test
    void tokenizeChineseCharsFalseKeepsCjkRunsWhole() throws Exception {
        String hand = edited("bert", n -> normalizer(n).addProperty("handle_chinese_chars", false));
        Path dir = folder("bert", null, "{\"tokenize_chinese_chars\": false}");
        assertIdsAsHandEdited(dir, hand, List.of(CJK), List.of(MIXED_CASE, ACCENTS));
    }

    @Test
    void xlmRobertaAddPrefixSpaceFalsePrependsNothing() throws Exception {
        String hand = edited("xlm-roberta", n -> {
            n.getAsJsonObject("pre_tokenizer").addProperty("prepend_scheme", "never");
            n.getAsJsonObject("decoder").addProperty("prepend_scheme", "never");
        });
        Path dir = folder("xlm-roberta", null, "{\"add_prefix_space\": false, \"tokenizer_class\": \"XLMRobertaTokenizerFast\"}");
        // the first word alone loses its ▁; the others keep the space before them
        assertIdsAsHandEdited(dir, hand, List.of(MIXED_CASE, "visited Paris"), List.of(" visited Paris"));
    }

    @Test
    void robertaAddPrefixSpaceAndTrimOffsetsReachPreTokenizerAndPostProcessor() throws Exception {
        String written = byteLevel(false, true);
        Path dir = robertaFolder(written, "{\"add_prefix_space\": true, \"trim_offsets\": false}");
        String hand = byteLevel(true, false);
        // each word one ByteLevel piece per byte, with or without the Ġ of a prefixed space
        assertIdsAsHandEdited(dir, hand, List.of("Hi there", "Paris"), List.of(" Hi there"));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m);
                HuggingFaceTokenizer byHand = rust(hand); HuggingFaceTokenizer asWritten = rust(byteLevel(true, true))) {
            TokenEncoding e = read.predictor("text-classification").tokenizer().encode("Hi there");
            var spans = byHand.encode("Hi there").getCharTokenSpans();
            var trimmed = asWritten.encode("Hi there").getCharTokenSpans();
            boolean trimMatters = false;
            for (int t = 0; t < spans.length; t++) {
                String at = "token " + t;
                int start = spans[t] == null ? 0 : spans[t].getStart();
                int end = spans[t] == null ? 0 : spans[t].getEnd();
                assertEquals(start, e.starts()[t], at);
                assertEquals(end, e.ends()[t], at);
                trimMatters |= trimmed[t] != null && (trimmed[t].getStart() != start || trimmed[t].getEnd() != end);
            }
            assertTrue(trimMatters, "trim_offsets changes no offset of \"Hi there\"");
        }
    }

    /**
     * A flag the config leaves out, or a folder without one, takes the class default, as HF 4's
     * {@code BertTokenizerFast} compares the normalizer with its constructor's {@code
     * do_lower_case=True} and HF 5 builds the class's pipeline: a cased {@code tokenizer.json} is
     * read lower-casing, as the fixture's own file (which lower-cases) reads.
     */
    @ParameterizedTest
    @ValueSource(strings = {"absent", "{}", "{\"model_max_length\": 64, \"tokenizer_class\": \"BertTokenizer\"}",
        "{\"tokenize_chinese_chars\": true}"})
    void bertFlagLeftOutTakesTheClassDefaultLowerCasing(String config) throws Exception {
        String cased = edited("bert", n -> normalizer(n).addProperty("lowercase", false));
        String hand = edited("bert", n -> { });
        Path dir = folder("bert", cased, config.equals("absent") ? null : config);
        assertIdsAsHandEdited(dir, hand, List.of(MIXED_CASE, ACCENTS), List.of(LOWER_PLAIN));
    }

    /**
     * RoBERTa's class defaults, {@code add_prefix_space} false and {@code trim_offsets} true,
     * reach a byte-level {@code tokenizer.json} that adds a prefix space where the config says
     * nothing of it (HF 4's {@code RobertaTokenizerFast} compares both components with them).
     */
    @ParameterizedTest
    @ValueSource(strings = {"absent", "{\"trim_offsets\": true}"})
    void robertaFlagLeftOutTakesTheClassDefaultNoPrefixSpace(String config) throws Exception {
        Path dir = robertaFolder(byteLevel(true, true), config.equals("absent") ? null : config);
        assertIdsAsHandEdited(dir, byteLevel(false, true), List.of("Hi there", "Paris"), List.of(" Hi there"));
    }

    /** XLM-R keeps its file where the config says nothing of the prefix space, as HF 4 did. */
    @ParameterizedTest
    @ValueSource(strings = {"absent", "{}"})
    void xlmRobertaWithoutAPrefixSpaceFlagKeepsItsFile(String config) throws Exception {
        String never = edited("xlm-roberta", n -> {
            n.getAsJsonObject("pre_tokenizer").addProperty("prepend_scheme", "never");
            n.getAsJsonObject("decoder").addProperty("prepend_scheme", "never");
        });
        assertReadAsWritten(folder("xlm-roberta", never, config.equals("absent") ? null : config));
    }

    @ParameterizedTest
    @ValueSource(strings = {"absent", "{}", "{\"do_lower_case\": true, \"strip_accents\": null, \"tokenize_chinese_chars\": true}",
        // HF's generic class reads tokenizer.json as written
        "{\"do_lower_case\": false, \"tokenizer_class\": \"PreTrainedTokenizerFast\"}",
        // flags of the other families' classes play no part in BERT's
        "{\"add_prefix_space\": true, \"trim_offsets\": false}"})
    void agreeingAbsentOrForeignConfigReadsTheFolderFileAsWritten(String config) throws Exception {
        assertReadAsWritten(folder("bert", null, config.equals("absent") ? null : config));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"add_prefix_space\": true}", "{\"trim_offsets\": false}", "{\"do_lower_case\": false}"})
    void xlmRobertaReadsItsFileAsWrittenUnlessThePrefixSpaceDiffers(String config) throws Exception {
        // XLM-R's class has a template post-processor (no offsets trimmed) and no BERT normalizer
        assertReadAsWritten(folder("xlm-roberta", null, config));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void exportedTokenizerConfigReadsBackAsWritten(String family) throws Exception {
        Path dir = folder(family, null, null);
        EncoderConfig config = EncoderConfig.fromJson(dir.resolve("config.json"));
        HfTokenizerConfig.write(HfTokenizerConfig.of(config, HfTokenizerConfig.Source.of(dir.resolve("tokenizer.json")),
                config.padTokenId(), config.maxSequenceLength()), dir);
        assertReadAsWritten(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"do_lower_case\": \"false\"}", "{\"do_lower_case\": 0}", "{\"do_lower_case\": null}",
        "{\"strip_accents\": \"yes\"}", "{\"tokenize_chinese_chars\": [true]}", "{\"add_prefix_space\": 1}",
        "{\"trim_offsets\": {}}"})
    void malformedFlagIsRefusedNamingTheFileAndWhatWasExpected(String config) throws Exception {
        Path dir = folder("bert", null, config);
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> FinetunedModel.loadHuggingFace(dir, m).close());
            String flag = config.substring(2, config.indexOf('"', 2));
            assertTrue(e.getMessage().contains("tokenizer_config.json") && e.getMessage().contains(flag)
                    && e.getMessage().contains("expected true or false"), e.getMessage());
        }
    }

    /**
     * HF's fast tokenizer takes {@code truncation_side} and {@code padding_side} of {@code
     * tokenizer_config.json} over the directions of {@code tokenizer.json}'s {@code truncation} and
     * {@code padding} sections: said "right" over a file that cuts and pads on the left, HF cuts and
     * pads on the right, and so does the folder read here (before, the file's left cut was refused).
     * The ground truth: the file's untruncated encoding by the Rust tokenizer, cut to [CLS], its first
     * three tokens and [SEP]; "paris" is three tokens, padded after them.
     */
    @Test
    void rightSidesInTheConfigWinOverAFileThatCutsAndPadsOnTheLeft() throws Exception {
        String left = edited("bert", n -> {
            n.add("truncation", JsonParser.parseString(
                    "{\"direction\":\"Left\",\"max_length\":512,\"strategy\":\"LongestFirst\",\"stride\":0}"));
            n.add("padding", JsonParser.parseString("{\"strategy\":\"BatchLongest\",\"direction\":\"Left\","
                    + "\"pad_to_multiple_of\":null,\"pad_id\":0,\"pad_type_id\":0,\"pad_token\":\"[PAD]\"}"));
        });
        Path dir = folder("bert", left, "{\"truncation_side\": \"right\", \"padding_side\": \"right\"}");
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m);
                HuggingFaceTokenizer whole = rust(left);
                SubwordTokenizer cut = read.predictor("text-classification").tokenizer().toBuilder().optMaxLength(5)
                        .optTruncation(Truncation.LONGEST_FIRST).optPadding(Padding.LONGEST).build()) {
            long[] all = whole.encode(MIXED_CASE).getIds();
            List<TokenEncoding> rows = cut.encodeBatch(List.of(MIXED_CASE, "paris"));
            assertArrayEquals(new int[] {(int) all[0], (int) all[1], (int) all[2], (int) all[3], (int) all[all.length - 1]},
                    rows.get(0).ids());
            assertArrayEquals(new int[] {1, 1, 1, 0, 0}, rows.get(1).attentionMask());
        }
    }

    /**
     * A config {@code padding_side} "left" (a checkpoint saved for left-padded generation) refused
     * the whole folder, though the side padding goes changes no token's state under the attention
     * mask. It loads, warned of, and pads on the right, as all of prefine's rows: each row its
     * unpadded encoding's ids, then masked padding.
     */
    @Test
    void aLeftPaddingSideInTheConfigLoadsAndPadsOnTheRight() throws Exception {
        Path dir = folder("bert", null, "{\"padding_side\": \"left\"}");
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m);
                SubwordTokenizer padded = read.predictor("text-classification").tokenizer().toBuilder()
                        .optPadding(Padding.LONGEST).build()) {
            List<TokenEncoding> rows = padded.encodeBatch(List.of(MIXED_CASE, "paris"));
            int[] alone = read.predictor("text-classification").tokenizer().encode("paris").ids();
            int[] row = rows.get(1).ids();
            assertTrue(alone.length < row.length, "the shorter row is padded");
            assertArrayEquals(alone, Arrays.copyOf(row, alone.length));
            for (int p = 0; p < row.length; p++) {
                assertEquals(p < alone.length ? 1 : 0, rows.get(1).attentionMask()[p], "mask at " + p);
            }
        }
    }

    /**
     * A config that says "left" makes HF cut on the left whatever {@code tokenizer.json} says, where
     * prefine cuts on the right, keeping other tokens: refused, naming the file and the key (before,
     * the folder loaded and cut on the right, unlike HF).
     */
    @ParameterizedTest
    @ValueSource(strings = {"truncation_side"})
    void aLeftSideInTheConfigIsRefused(String key) throws Exception {
        Path dir = folder("bert", null, "{\"" + key + "\": \"left\"}");
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> FinetunedModel.loadHuggingFace(dir, m).close());
            assertTrue(e.getMessage().startsWith(dir.resolve("tokenizer_config.json") + ": " + key
                    + " is \"left\"; expected \"right\""), e.getMessage());
        }
    }

    /**
     * The rebuilt tokenizer is loaded from memory and reports the folder's file: its path, a
     * variant's, their refusals and the closed tokenizer's error all name it, and no copy of the
     * rebuilt text is written under {@code java.io.tmpdir}, while the model is open or after (the
     * folder's {@code tokenizer.json} carries a vocabulary entry of its own, in place of its last,
     * so that a copy of it is told apart from other runs' files). Before, all of them named a
     * temporary copy.
     */
    @Test
    void rebuiltTokenizerNamesTheFoldersFileAndWritesNoCopy() throws Exception {
        String marker = "prefine-marker-" + UUID.randomUUID();
        String marked = edited("bert", n -> {
            JsonObject vocab = n.getAsJsonObject("model").getAsJsonObject("vocab");
            // in place of the last entry: an id past the encoder's vocab_size is refused at load
            String last = vocab.keySet().stream().reduce((a, b) -> b).orElseThrow();
            int id = vocab.remove(last).getAsInt();
            vocab.addProperty(marker, id);
        });
        JsonObject handRoot = JsonParser.parseString(marked).getAsJsonObject();
        normalizer(handRoot).addProperty("lowercase", false);
        Path dir = folder("bert", marked, "{\"do_lower_case\": false}");
        Path own = dir.resolve("tokenizer.json");
        byte[] before = Files.readAllBytes(own);
        SubwordTokenizer tokenizer;
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m);
                HuggingFaceTokenizer byHand = rust(handRoot.toString())) {
            tokenizer = read.predictor("text-classification").tokenizer();
            assertEquals(own, tokenizer.path());
            assertEquals(List.of(), copiesUnderTmpdir(marker));
            // a variant loads the rebuilt text again, not the folder's file
            try (SubwordTokenizer variant = tokenizer.toBuilder().build()) {
                assertEquals(own, variant.path());
                long[] expected = byHand.encode(MIXED_CASE).getIds();
                TokenEncoding e = variant.encode(MIXED_CASE);
                assertArrayEquals(expected, Arrays.stream(Arrays.copyOf(e.ids(), e.unpaddedLength())).asLongStream()
                        .toArray());
            }
            try (SubwordTokenizer onlySecond = tokenizer.toBuilder().optTruncation(Truncation.ONLY_SECOND)
                    .optMaxLength(6).build()) {
                IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                        () -> onlySecond.encodePair("one two three four five six", "seven"));
                assertTrue(refused.getMessage().startsWith(own + ": "), refused.getMessage());
            }
        }
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> tokenizer.encode("x"));
        assertEquals(own + ": tokenizer is closed", closed.getMessage());
        assertEquals(List.of(), copiesUnderTmpdir(marker));
        assertArrayEquals(before, Files.readAllBytes(own));
        assertEquals(List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"),
                listing(dir));
    }

    @Test
    void rebuiltFolderWrittenBackCarriesTheRebuiltTokenizerAndReadsAsWritten() throws Exception {
        String hand = edited("bert", n -> normalizer(n).addProperty("lowercase", false));
        Path dir = folder("bert", null, "{\"do_lower_case\": false}");
        Path out = tmp.resolve("written-back");
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m)) {
            read.writeHuggingFace("text-classification", out);
        }
        assertEquals(JsonParser.parseString(hand), JsonParser.parseString(Files.readString(out.resolve("tokenizer.json"))));
        assertReadAsWritten(out);
        assertIdsAsHandEdited(out, hand, List.of(), List.of(MIXED_CASE, LOWER_PLAIN));
    }

    /**
     * A tokenizer built from a rebuilt text is saved with that text, which it was loaded from, not
     * with the file it names: by {@link ModelExport#writeTo}, whose folder then reads the text's
     * ids, and by {@link ModelExport#writeHuggingFace}, whose folder HF reads as written (its
     * {@code tokenizer_config.json} states the text's flags).
     */
    @Test
    void modelExportOfARebuiltTokenizerSavesTheTextItWasLoadedFrom() throws Exception {
        String hand = edited("bert", n -> normalizer(n).addProperty("lowercase", false));
        Path file = SharedFixtures.require("fixtures/hf-reference/bert").resolve("tokenizer.json");
        Path saved = tmp.resolve("saved");
        Path hf = tmp.resolve("hf");
        try (NDManager m = NDManager.newBaseManager();
                SubwordTokenizer tok = SubwordTokenizer.builder().setRebuiltTokenizer(file, hand).build();
                MultiHeadModel model = TinyFinetuning.untrained(m)) {
            assertEquals(file, tok.path());
            ModelExport export = TinyFinetuning.export(model, tok, TinyFinetuning.SETTINGS);
            export.writeTo(saved);
            export.writeHuggingFace("topic", hf);
        }
        assertEquals(JsonParser.parseString(hand), JsonParser.parseString(Files.readString(
                saved.resolve("encoder/tokenizer.json"))));
        assertEquals(JsonParser.parseString(hand), JsonParser.parseString(Files.readString(hf.resolve("tokenizer.json"))));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.load(saved, m);
                HuggingFaceTokenizer byHand = rust(hand)) {
            TokenEncoding e = read.predictor("topic").tokenizer().encode(MIXED_CASE);
            assertArrayEquals(byHand.encode(MIXED_CASE).getIds(),
                    Arrays.stream(Arrays.copyOf(e.ids(), e.unpaddedLength())).asLongStream().toArray());
        }
        assertReadAsWritten(hf);
    }

    /**
     * Checks the predictor's ids against the hand-edited tokenizer's, and that the flag matters
     * (the folder's own file gives other ids) for {@code differing} and not for {@code same}.
     */
    private void assertIdsAsHandEdited(Path dir, String handJson, List<String> differing, List<String> same)
            throws Exception {
        String asWritten = Files.readString(dir.resolve("tokenizer.json"));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m);
                HuggingFaceTokenizer hand = rust(handJson); HuggingFaceTokenizer written = rust(asWritten)) {
            TaskPredictor p = read.predictor(read.tasks().get(0).name());
            for (String text : differing) {
                long[] expected = hand.encode(text).getIds();
                assertArrayEquals(expected, ids(p, text), text);
                assertFalse(Arrays.equals(expected, written.encode(text).getIds()), text + ": the flag changes nothing");
            }
            for (String text : same) {
                long[] expected = hand.encode(text).getIds();
                assertArrayEquals(expected, ids(p, text), text);
                assertArrayEquals(expected, written.encode(text).getIds(), text);
            }
        }
    }

    /**
     * The folder classifies as one whose {@code tokenizer.json} was edited by hand, read as written
     * (its config names HF's generic class, which rebuilds nothing).
     */
    private void assertClassifiesAsHandEditedFolder(Path dir, String handJson, List<String> texts) throws Exception {
        Path byHand = folder("bert", handJson, "{\"tokenizer_class\": \"PreTrainedTokenizerFast\"}");
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m);
                FinetunedModel edited = FinetunedModel.loadHuggingFace(byHand, m)) {
            assertEquals(edited.predictor("text-classification").classify(texts),
                    read.predictor("text-classification").classify(texts));
        }
    }

    private static void assertReadAsWritten(Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m)) {
            SubwordTokenizer t = read.predictor(read.tasks().get(0).name()).tokenizer();
            assertEquals(dir.resolve("tokenizer.json"), t.path());
            // a rebuilt tokenizer reports the folder's file too
            assertTrue(t.rebuiltJson().isEmpty(), dir + "/tokenizer.json was read rebuilt");
        }
    }

    private static long[] ids(TaskPredictor p, String text) {
        TokenEncoding e = p.tokenizer().encode(text);
        return Arrays.stream(Arrays.copyOf(e.ids(), e.unpaddedLength())).asLongStream().toArray();
    }

    private static HuggingFaceTokenizer rust(String json) throws IOException {
        return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                Map.of("padding", "false", "truncation", "false"));
    }

    /** The family's fixture {@code tokenizer.json}, edited. */
    private static String edited(String family, Consumer<JsonObject> edit) throws IOException {
        Path file = SharedFixtures.require("fixtures/hf-reference/" + family).resolve("tokenizer.json");
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        edit.accept(root);
        return root.toString();
    }

    private static JsonObject normalizer(JsonObject root) {
        return root.getAsJsonObject("normalizer");
    }

    /**
     * A copy of the family's HF sequence classifier, with this {@code tokenizer.json} text unless
     * null, and this {@code tokenizer_config.json} text unless null.
     */
    private Path folder(String family, String tokenizerJson, String tokenizerConfig) throws IOException {
        Path hf = SharedFixtures.require("fixtures/hf-reference/" + family + "/sequence-classification");
        Path dir = Files.createTempDirectory(tmp, family);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            Files.copy(hf.resolve(f), dir.resolve(f));
        }
        if (tokenizerJson != null) {
            Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson);
        }
        if (tokenizerConfig != null) {
            Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfig);
        }
        return dir;
    }

    /**
     * A byte-level BPE {@code tokenizer.json} as RoBERTa's, without merges: ids 0 to 4 the special
     * tokens, then {@code Ġ} (a space), the ASCII letters and the full stop, one piece each.
     */
    private static String byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        return byteLevel(addPrefixSpace, trimOffsets, List.of(), List.of());
    }

    /**
     * {@link #byteLevel(boolean, boolean)} with more pieces after the full stop, in order, and
     * merges (each "left right").
     */
    static String byteLevel(boolean addPrefixSpace, boolean trimOffsets, List<String> pieces, List<String> merges) {
        StringBuilder vocab = new StringBuilder("\"<s>\": 0, \"<pad>\": 1, \"</s>\": 2, \"<unk>\": 3, \"<mask>\": 4, \"\u0120\": 5");
        List<String> all = new java.util.ArrayList<>();
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.".chars().forEach(c -> all.add(Character.toString(c)));
        all.addAll(pieces);
        for (int i = 0; i < all.size(); i++) {
            vocab.append(", \"").append(all.get(i)).append("\": ").append(6 + i);
        }
        StringBuilder added = new StringBuilder();
        String[] specials = {"<s>", "<pad>", "</s>", "<unk>", "<mask>"};
        for (int i = 0; i < specials.length; i++) {
            added.append(i == 0 ? "" : ", ").append("{\"id\": ").append(i).append(", \"content\": \"").append(specials[i])
                    .append("\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false,"
                            + " \"special\": true}");
        }
        StringBuilder mergeList = new StringBuilder();
        for (String m : merges) {
            mergeList.append(mergeList.isEmpty() ? "" : ", ").append('"').append(m).append('"');
        }
        return "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": [" + added
                + "], \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": "
                + addPrefixSpace + ", \"trim_offsets\": true, \"use_regex\": true}, \"post_processor\": {\"type\":"
                + " \"RobertaProcessing\", \"sep\": [\"</s>\", 2], \"cls\": [\"<s>\", 0], \"trim_offsets\": " + trimOffsets
                + ", \"add_prefix_space\": " + addPrefixSpace + "}, \"decoder\": {\"type\": \"ByteLevel\","
                + " \"add_prefix_space\": true, \"trim_offsets\": true, \"use_regex\": true}, \"model\": {\"type\":"
                + " \"BPE\", \"dropout\": null, \"unk_token\": null, \"continuing_subword_prefix\": \"\","
                + " \"end_of_word_suffix\": \"\", \"fuse_unk\": false, \"byte_fallback\": false, \"vocab\": {" + vocab
                + "}, \"merges\": [" + mergeList + "]}}";
    }

    /**
     * HF's XLM-R sequence classifier relabelled {@code roberta} (the two compute alike; no fixture
     * holds a RoBERTa encoder), with this byte-level {@code tokenizer.json} and config.
     */
    private Path robertaFolder(String tokenizerJson, String tokenizerConfig) throws IOException {
        Path dir = folder("xlm-roberta", tokenizerJson, tokenizerConfig);
        relabelAsRoberta(dir, "RobertaForSequenceClassification");
        return dir;
    }

    /** Rewrites a folder's XLM-R {@code config.json} as RoBERTa's, of the given architecture. */
    static void relabelAsRoberta(Path dir, String architecture) throws IOException {
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        config.addProperty("model_type", "roberta");
        JsonArray architectures = new JsonArray();
        architectures.add(architecture);
        config.add("architectures", architectures);
        Files.writeString(dir.resolve("config.json"), config.toString());
    }

    /**
     * The {@code tokenizer.json} files up to three folders below {@code java.io.tmpdir}, outside
     * this test's own folder, that hold the marker.
     */
    private List<Path> copiesUnderTmpdir(String marker) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(Path.of(System.getProperty("java.io.tmpdir")), Set.of(), 3, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                return d.equals(tmp) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                try {
                    if (f.getFileName().toString().equals("tokenizer.json") && Files.readString(f).contains(marker)) {
                        out.add(f);
                    }
                } catch (IOException | RuntimeException gone) {
                    // another run's file, deleted or not text meanwhile
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    private static List<String> listing(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
