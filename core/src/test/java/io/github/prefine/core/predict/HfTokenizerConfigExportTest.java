package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tokenizer_config.json} and {@code special_tokens_map.json} of an HF task-model export,
 * against the files HF wrote: the values follow from the fixtures' {@code config.json} and {@code
 * tokenizer.json} (read by eye, written out here) by HF's rules (BERT takes {@code
 * max_position_embeddings} tokens, RoBERTa and XLM-R two fewer, their position ids starting after
 * the padding index), and the folder read back through the Rust tokenizer encodes as the source
 * tokenizer and as HF did ({@code reference.json}), every special token it names being one token
 * of the source's id, new text read at {@code model_max_length} (the task's feature length), and
 * a row of the encoder's positions going through it (one more is refused).
 */
class HfTokenizerConfigExportTest {
    /** The feature length the exported task is read with, fewer than the fixtures' 64 positions. */
    private static final int TASK_LENGTH = 32;

    @TempDir
    Path tmp;

    @Test
    void bertExportNamesItsTokenizerAsHfDoes() throws Exception {
        JsonObject want = strings("tokenizer_class", "BertTokenizer", "cls_token", "[CLS]", "sep_token", "[SEP]",
                "pad_token", "[PAD]", "unk_token", "[UNK]", "mask_token", "[MASK]");
        // the BertNormalizer: lowercase true, strip_accents null, handle_chinese_chars true
        want.addProperty("do_lower_case", true);
        want.add("strip_accents", JsonNull.INSTANCE);
        want.addProperty("tokenize_chinese_chars", true);
        // the WordPiece decoder cleans up
        want.addProperty("clean_up_tokenization_spaces", true);
        // tokenizer.json's added_tokens: ids 0-4, each special and not normalized
        want.add("added_tokens_decoder", specials("0", "[PAD]", "1", "[UNK]", "2", "[CLS]", "3", "[SEP]", "4", "[MASK]"));
        // BERT: positions 0 .. max_position_embeddings - 1
        assertExportedAs("bert", 0, want);
    }

    @Test
    void xlmRobertaExportNamesItsTokenizerAsHfDoes() throws Exception {
        JsonObject want = strings("tokenizer_class", "XLMRobertaTokenizer", "bos_token", "<s>", "cls_token", "<s>",
                "eos_token", "</s>", "sep_token", "</s>", "pad_token", "<pad>", "unk_token", "<unk>", "mask_token",
                "<mask>");
        // the Metaspace decoder gives the text's own spaces back
        want.addProperty("clean_up_tokenization_spaces", false);
        // the Metaspace pre-tokenizer prepends "always", which HF 5's class builds from true
        want.addProperty("add_prefix_space", true);
        // tokenizer.json's added_tokens: the mask was added after training, at id 256
        want.add("added_tokens_decoder", specials("0", "<s>", "1", "<pad>", "2", "</s>", "3", "<unk>", "256", "<mask>"));
        // positions pad_token_id + 1 .. max_position_embeddings - 1: two fewer than the table
        assertExportedAs("xlm-roberta", 2, want);
    }

    /**
     * A hand-edited XLM-R tokenizer without a {@code padding} section whose file gives {@code <pad>}
     * the id 7 and {@code <mask>} 300: the library keeps the vocabulary's 1 for {@code <pad>} and
     * numbers {@code <mask>}, which the vocabulary lacks, 256 after the 256 pieces, so the export
     * declares the tokens by those ids, as HF's tokenizer reports them, and pads with 1, the
     * encoder's {@code pad_token_id}. By the file's ids the padding token was not found (or the
     * tokenizer padded with 7, and the export was refused).
     */
    @Test
    void anExportDeclaresAddedTokensByTheIdsTheLibraryGivesThem() throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/xlm-roberta");
        Path edited = edited(fixture.resolve("tokenizer.json"), root -> {
            root.remove("padding");
            JsonArray added = root.getAsJsonArray("added_tokens");
            assertEquals("<pad>", added.get(1).getAsJsonObject().get("content").getAsString());
            assertEquals("<mask>", added.get(4).getAsJsonObject().get("content").getAsString());
            added.get(1).getAsJsonObject().addProperty("id", 7);
            added.get(4).getAsJsonObject().addProperty("id", 300);
        });
        Path out = export(fixture.resolve("encoder"), edited, 4);
        JsonObject config = json(out.resolve("tokenizer_config.json"));
        assertEquals("<pad>", config.get("pad_token").getAsString());
        assertEquals(specials("0", "<s>", "1", "<pad>", "2", "</s>", "3", "<unk>", "256", "<mask>"),
                config.get("added_tokens_decoder"));
    }

    /**
     * A hand-edited XLM-R tokenizer listing {@code <mask>} again at its end, single-word this time:
     * the library keeps the id it gave the first (256) and the flags of the last, so it no longer
     * finds {@code <mask>} inside "x<mask>" (its own encoding shows it), and the export declares
     * the token single-word at 256, which HF's tokenizer then keeps. Before, the first listing's
     * flags were declared, and HF's tokenizer, adding the token again as declared, matched it
     * inside words where the trained tokenizer did not.
     */
    @Test
    void anExportDeclaresARepeatedAddedTokenWithTheFlagsTheLibraryKeeps() throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/xlm-roberta");
        Path edited = maskListedAgain(fixture, again -> again.addProperty("single_word", true));
        try (HuggingFaceTokenizer lib = HuggingFaceTokenizer.newInstance(edited, Map.of("addSpecialTokens", "false"))) {
            assertArrayEquals(new long[] {256}, lib.encode("<mask>").getIds(), "the library's id of <mask> alone");
            assertFalse(Arrays.stream(lib.encode("x<mask>").getIds()).anyMatch(id -> id == 256),
                    "the library applies the last listing's single_word: no <mask> inside a word");
        }
        Path out = export(fixture.resolve("encoder"), edited, 4);
        JsonObject want = specials("0", "<s>", "1", "<pad>", "2", "</s>", "3", "<unk>", "256", "<mask>");
        want.getAsJsonObject("256").addProperty("single_word", true);
        assertEquals(want, json(out.resolve("tokenizer_config.json")).get("added_tokens_decoder"));
    }

    /**
     * A hand-edited XLM-R tokenizer listing the special {@code <mask>} again at its end, not special
     * this time: the library takes the last listing's other flags but never unmarks a special token
     * (its decoding that skips special tokens still drops {@code <mask>}), so the export declares it
     * special, as the library keeps it. Before, the last listing's {@code special: false} was
     * declared, and HF's tokenizer kept {@code <mask>} in texts decoded without special tokens.
     */
    @Test
    void anExportDeclaresARepeatedAddedTokenSpecialWhereAnyListingIs() throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/xlm-roberta");
        Path edited = maskListedAgain(fixture, again -> {
            assertTrue(again.get("special").getAsBoolean());
            again.addProperty("special", false);
        });
        try (HuggingFaceTokenizer lib = HuggingFaceTokenizer.newInstance(edited, Map.of("addSpecialTokens", "false"))) {
            assertArrayEquals(new long[] {256}, lib.encode("<mask>").getIds(), "the library's id of <mask> alone");
            assertEquals("", lib.decode(new long[] {256}, true), "the library skips <mask> as a special token");
        }
        Path out = export(fixture.resolve("encoder"), edited, 4);
        JsonObject want = specials("0", "<s>", "1", "<pad>", "2", "</s>", "3", "<unk>", "256", "<mask>");
        assertEquals(want, json(out.resolve("tokenizer_config.json")).get("added_tokens_decoder"));
    }

    /**
     * Exports a fixture family's encoder with its tokenizer and checks the files against {@code
     * want} with {@code model_max_length} the task's length ({@link #TASK_LENGTH}), then reads the
     * folder back, whose encoder takes the config's {@code max_position_embeddings} less {@code
     * fewer} positions.
     */
    private void assertExportedAs(String family, int fewer, JsonObject want) throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/" + family);
        Path out = export(fixture.resolve("encoder"), fixture.resolve("tokenizer.json"), 4);
        want.addProperty("model_max_length", TASK_LENGTH);
        int positions = json(fixture.resolve("encoder/config.json")).get("max_position_embeddings").getAsInt() - fewer;
        assertEquals(64, positions);
        assertWritten(want, out);
        assertReadsBackAsSource(fixture, out, positions);
    }

    /**
     * RoBERTa, of which no fixture exists: the XLM-R fixture's encoder under {@code model_type}
     * roberta, its tokenizer given RoBERTa's byte-level pre-tokenizer (adding a prefix space). HF's
     * RoBERTa tokenizer rebuilds its pre- and post-processor where {@code add_prefix_space} or
     * {@code trim_offsets} differ from its defaults (false, true), so both are declared as the file
     * has them.
     */
    @Test
    void robertaExportDeclaresItsByteLevelFlags() throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/xlm-roberta");
        Path encoder = robertaEncoder(fixture);
        JsonObject c = json(encoder.resolve("config.json"));
        Path byteLevel = edited(fixture.resolve("tokenizer.json"), root -> {
            JsonObject pre = strings("type", "ByteLevel");
            for (String flag : List.of("add_prefix_space", "trim_offsets", "use_regex")) {
                pre.addProperty(flag, true);
            }
            root.add("pre_tokenizer", pre);
        });
        JsonObject config = json(export(encoder, byteLevel, 2).resolve("tokenizer_config.json"));
        assertEquals("RobertaTokenizer", config.get("tokenizer_class").getAsString());
        assertEquals(TASK_LENGTH, config.get("model_max_length").getAsInt());
        assertEquals("<s>", config.get("bos_token").getAsString());
        assertEquals("</s>", config.get("eos_token").getAsString());
        assertTrue(config.get("add_prefix_space").getAsBoolean());
        // the fixture's RobertaProcessing trims offsets
        assertTrue(config.get("trim_offsets").getAsBoolean());
    }

    /**
     * RoBERTa with the XLM-R fixture's own tokenizer, whose {@code Metaspace} pre-tokenizer has no
     * prefix-space flag: the {@code add_prefix_space} of its {@code RobertaProcessing} (true) is
     * declared, since HF's RoBERTa class would otherwise apply its default (false) to that
     * post-processor; read back, the folder's file is read as written.
     */
    @Test
    void robertaWithoutAByteLevelPreTokenizerDeclaresItsPostProcessorsPrefixSpace() throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/xlm-roberta");
        Path out = export(robertaEncoder(fixture), fixture.resolve("tokenizer.json"), 2);
        JsonObject config = json(out.resolve("tokenizer_config.json"));
        assertTrue(config.get("add_prefix_space").getAsBoolean());
        assertTrue(config.get("trim_offsets").getAsBoolean());
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.loadHuggingFace(out, m)) {
            assertEquals(out.resolve("tokenizer.json"), read.predictor("text-classification").tokenizer().path());
        }
    }

    /**
     * all-MiniLM-L6-v2's real tokenizer and config (512 positions), on an encoder of its vocabulary
     * and positions made small in width, with a task read at all 512: HF's own {@code
     * tokenizer_config.json} for that model declares 512 and lower-casing, which these files give.
     */
    @Test
    void miniLmExportDeclaresItsFiveHundredTwelvePositions() throws Exception {
        Path minilm = SharedFixtures.require("models/all-MiniLM-L6-v2");
        EncoderConfig real = EncoderConfig.fromJson(minilm.resolve("config.json"));
        EncoderConfig narrow = real.toBuilder().setHiddenSize(12).setNumAttentionHeads(2).setNumHiddenLayers(1)
                .setIntermediateSize(8).build();
        Path out = tmp.resolve("minilm");
        try (NDManager m = NDManager.newBaseManager();
                SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(minilm.resolve("tokenizer.json")).build()) {
            TransformerEncoder encoder = TransformerEncoder.builder().setConfig(narrow).build();
            encoder.initializeRandom(m, 1);
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(m).setEncoder(encoder)
                    .addHead("t", TaskFormat.SINGLE_TEXT.newHead(2, MultiHeadModel.headFamily(narrow.modelType()), 1))
                    .build()) {
                ModelExport.builder().setModel(model).setTokenizer(tok)
                        .setFeatureSettings(FeatureSettings.paper().withLengths(512, 384, 128))
                        .addTask("t", TaskFormat.SINGLE_TEXT, List.of("a", "b")).build().writeHuggingFace("t", out);
            }
        }
        JsonObject config = json(out.resolve("tokenizer_config.json"));
        assertEquals(json(minilm.resolve("config.json")).get("max_position_embeddings").getAsInt(),
                config.get("model_max_length").getAsInt());
        assertEquals(512, config.get("model_max_length").getAsInt());
        assertEquals("BertTokenizer", config.get("tokenizer_class").getAsString());
        assertTrue(config.get("do_lower_case").getAsBoolean());
        // the model's own added_tokens (HF's tokenizer.json lists them so), keyed in id order
        assertEquals(specials("0", "[PAD]", "100", "[UNK]", "101", "[CLS]", "102", "[SEP]", "103", "[MASK]"),
                config.getAsJsonObject("added_tokens_decoder"));
        assertEquals(List.of("0", "100", "101", "102", "103"),
                List.copyOf(config.getAsJsonObject("added_tokens_decoder").keySet()));
        JsonArray cases = JsonParser.parseString(Files.readString(minilm.resolve("reference.json"))).getAsJsonArray();
        try (SubwordTokenizer back = SubwordTokenizer.builder().setTokenizerPath(out.resolve("tokenizer.json")).build()) {
            for (JsonElement c : cases) {
                JsonObject o = c.getAsJsonObject();
                assertArrayEquals(ints(o.getAsJsonArray("ids")), back.encode(o.get("text").getAsString()).ids(),
                        o.get("text").getAsString());
            }
            // HF's ids for the tokens (the reference starts each row with 101 and ends it with 102)
            assertEquals(List.of(101), idsOf(back, config.get("cls_token").getAsString()));
            assertEquals(List.of(102), idsOf(back, config.get("sep_token").getAsString()));
            assertEquals(List.of(0), idsOf(back, config.get("pad_token").getAsString()));
        }
    }

    /**
     * A cased BERT tokenizer (the fixture's with {@code lowercase: false}) is declared cased: HF's
     * BERT tokenizer rebuilds the normalizer from {@code do_lower_case}, {@code strip_accents} and
     * {@code tokenize_chinese_chars}, so the folder's tokenizer after that rebuild (done here on a
     * copy, loaded by the Rust tokenizer) must encode as the source; HF's default, lower-casing,
     * would not.
     */
    @Test
    void casedBertIsDeclaredCased() throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/bert");
        Path cased = edited(fixture.resolve("tokenizer.json"), root ->
                root.getAsJsonObject("normalizer").addProperty("lowercase", false));
        Path out = export(fixture.resolve("encoder"), cased, 4);
        JsonObject config = json(out.resolve("tokenizer_config.json"));
        assertFalse(config.get("do_lower_case").getAsBoolean());
        String text = "John Smith visited Paris in May.";
        int[] source = encode(cased, text);
        assertArrayEquals(source, encode(asHfRebuildsIt(out, config.get("do_lower_case").getAsBoolean()), text));
        // the check has teeth: lower-cased, the same text encodes otherwise
        assertFalse(Arrays.equals(source, encode(asHfRebuildsIt(out, true), text)));
    }

    @Test
    void tokenizerWithoutAMaskTokenIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/bert");
        Path noMask = edited(fixture.resolve("tokenizer.json"), root -> {
            JsonArray kept = new JsonArray();
            root.getAsJsonArray("added_tokens").forEach(t -> {
                if (!t.getAsJsonObject().get("content").getAsString().equals("[MASK]")) {
                    kept.add(t);
                }
            });
            root.add("added_tokens", kept);
        });
        IOException e = assertThrows(IOException.class, () -> export(fixture.resolve("encoder"), noMask, 4));
        assertTrue(e.getMessage().contains(noMask.toString()) && e.getMessage().contains("[MASK]"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("export/config.json")));
        assertFalse(Files.exists(tmp.resolve("export/model.safetensors")));
    }

    @Test
    void tokenizerWithoutAPostProcessorIsRefused() throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/xlm-roberta");
        Path bare = edited(fixture.resolve("tokenizer.json"), root -> root.add("post_processor", JsonNull.INSTANCE));
        IOException e = assertThrows(IOException.class, () -> export(fixture.resolve("encoder"), bare, 4));
        assertTrue(e.getMessage().contains(bare.toString()) && e.getMessage().contains("post_processor")
                && e.getMessage().contains("cls_token"), e.getMessage());
    }

    /** The XLM-R fixture's encoder relabelled {@code roberta} (the two compute alike; no fixture holds RoBERTa). */
    private Path robertaEncoder(Path fixture) throws Exception {
        Path encoder = Files.createDirectories(tmp.resolve("roberta-encoder"));
        Files.copy(fixture.resolve("encoder/model.safetensors"), encoder.resolve("model.safetensors"));
        JsonObject c = json(fixture.resolve("encoder/config.json"));
        c.addProperty("model_type", "roberta");
        Files.writeString(encoder.resolve("config.json"), c.toString());
        return encoder;
    }

    /** The written files: the tokenizer config equals {@code want}, the map its special tokens. */
    private static void assertWritten(JsonObject want, Path out) throws Exception {
        assertEquals(want, json(out.resolve("tokenizer_config.json")));
        JsonObject special = new JsonObject();
        want.entrySet().stream().filter(e -> e.getKey().endsWith("_token") && e.getValue().isJsonPrimitive())
                .forEach(e -> special.add(e.getKey(), e.getValue()));
        assertEquals(special, json(out.resolve("special_tokens_map.json")));
    }

    /**
     * The exported folder read back: its tokenizer encodes every reference case as the source and
     * as HF did; each special token is one token of the source's id (the padding token's is {@code
     * pad_token_id}); the model reads new text with {@code model_max_length}, takes a row of its
     * {@code positions} ids, and refuses a row one longer.
     */
    private static void assertReadsBackAsSource(Path fixture, Path out, int positions) throws Exception {
        JsonObject config = json(out.resolve("tokenizer_config.json"));
        JsonObject ref = json(fixture.resolve("reference.json"));
        try (SubwordTokenizer source = SubwordTokenizer.builder().setTokenizerPath(fixture.resolve("tokenizer.json")).build();
                SubwordTokenizer back = SubwordTokenizer.builder().setTokenizerPath(out.resolve("tokenizer.json")).build()) {
            for (JsonElement c : ref.getAsJsonArray("cases")) {
                JsonObject o = c.getAsJsonObject();
                String text = o.get("text").getAsString();
                if (text.contains(" ||| ")) {
                    continue;
                }
                int[] hf = Arrays.copyOf(ints(o.getAsJsonArray("ids")), sum(ints(o.getAsJsonArray("attention_mask"))));
                assertArrayEquals(source.encode(text).ids(), back.encode(text).ids(), text);
                assertArrayEquals(hf, back.encode(text).ids(), text);
            }
            for (Map.Entry<String, JsonElement> e : new TreeMap<>(config.asMap()).entrySet()) {
                if (e.getKey().endsWith("_token")) {
                    List<Integer> ids = idsOf(back, e.getValue().getAsString());
                    assertEquals(1, ids.size(), e.getKey() + " " + e.getValue() + " is one token");
                    assertEquals(idsOf(source, e.getValue().getAsString()), ids, e.getKey());
                }
            }
            assertEquals(List.of(json(fixture.resolve("encoder/config.json")).get("pad_token_id").getAsInt()),
                    idsOf(back, config.get("pad_token").getAsString()));
        }
        int limit = config.get("model_max_length").getAsInt();
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel loaded = FinetunedModel.loadHuggingFace(out, m)) {
            assertEquals(limit, loaded.tasks().get(0).settings().maxLength());
            assertEquals(loaded.tasks().get(0).labels().size(), forward(loaded, positions).length);
            // and not one more: the encoder refuses a row past its positions
            IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                    () -> forward(loaded, positions + 1));
            assertTrue(past.getMessage().contains("exceeds the " + positions + " positions"), past.getMessage());
        }
    }

    /** A forward pass over one row of {@code n} ordinary ids. */
    private static float[] forward(FinetunedModel loaded, int n) {
        long[] ids = new long[n];
        long[] mask = new long[n];
        Arrays.fill(ids, 10);
        Arrays.fill(mask, 1);
        MultiHeadModel model = loaded.model();
        try (NDManager bm = model.getManager().newSubManager()) {
            return model.forward(bm, new MultiTaskBatch(1, n, ids, mask, null,
                    List.of(new TaskSlice(0, new int[] {0}, new int[] {0}, new int[1], new long[] {1}))), false)
                    .logits().get(0).toFloatArray();
        }
    }

    /** The ids a text encodes to, less the special tokens around it. */
    private static List<Integer> idsOf(SubwordTokenizer tok, String text) {
        int[] all = tok.encode(text).ids();
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i < all.length - 1; i++) {
            out.add(all[i]);
        }
        return out;
    }

    /** Exports the fixture encoder with a seeded sequence head and a tokenizer; returns the folder. */
    private Path export(Path encoderDir, Path tokenizerJson, int labels) throws Exception {
        Path out = tmp.resolve("export");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < labels; i++) {
            names.add("L" + i);
        }
        try (NDManager m = NDManager.newBaseManager();
                SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(tokenizerJson).build()) {
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(m)
                    .setEncoder(EncoderCheckpoint.load(encoderDir, m).encoder())
                    .addHead("t", TaskFormat.SINGLE_TEXT.newHead(labels, MultiHeadModel.headFamily(
                            EncoderConfig.fromJson(encoderDir.resolve("config.json")).modelType()), 1)).build()) {
                ModelExport.builder().setModel(model).setTokenizer(tok).setFeatureSettings(FeatureSettings.paper()
                        .withLengths(TASK_LENGTH, TASK_LENGTH, 8)).addTask("t", TaskFormat.SINGLE_TEXT, names).build()
                        .writeHuggingFace("t", out);
            }
        }
        return out;
    }

    /**
     * The exported {@code tokenizer.json} with its {@code BertNormalizer} made from the declared
     * flags, as HF's BERT tokenizer makes it when they differ from the file's.
     */
    private Path asHfRebuildsIt(Path out, boolean lowerCase) throws Exception {
        JsonObject config = json(out.resolve("tokenizer_config.json"));
        return edited(out.resolve("tokenizer.json"), root -> {
            JsonObject n = root.getAsJsonObject("normalizer");
            n.addProperty("lowercase", lowerCase);
            n.add("strip_accents", config.get("strip_accents"));
            n.add("handle_chinese_chars", new JsonPrimitive(config.get("tokenize_chinese_chars").getAsBoolean()));
        });
    }

    /** The XLM-R fixture's tokenizer listing {@code <mask>} again at its end, that listing edited. */
    private Path maskListedAgain(Path fixture, Consumer<JsonObject> edit) throws Exception {
        return edited(fixture.resolve("tokenizer.json"), root -> {
            JsonArray added = root.getAsJsonArray("added_tokens");
            JsonObject again = added.get(4).getAsJsonObject().deepCopy();
            assertEquals("<mask>", again.get("content").getAsString());
            edit.accept(again);
            added.add(again);
        });
    }

    private Path edited(Path tokenizerJson, Consumer<JsonObject> edit) throws Exception {
        JsonObject root = json(tokenizerJson);
        edit.accept(root);
        Path file = Files.createTempFile(tmp, "tokenizer", ".json");
        Files.writeString(file, root.toString());
        return file;
    }

    private static int[] encode(Path tokenizerJson, String text) throws Exception {
        try (SubwordTokenizer t = SubwordTokenizer.builder().setTokenizerPath(tokenizerJson).build()) {
            return t.encode(text).ids();
        }
    }

    /**
     * HF's {@code added_tokens_decoder} for special tokens added as the fixtures' are (not
     * normalized, no stripping, not single-word), given as id, content, id, content...
     */
    private static JsonObject specials(String... idsAndContents) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < idsAndContents.length; i += 2) {
            JsonObject token = strings("content", idsAndContents[i + 1]);
            for (String flag : List.of("lstrip", "normalized", "rstrip", "single_word")) {
                token.addProperty(flag, false);
            }
            token.addProperty("special", true);
            o.add(idsAndContents[i], token);
        }
        return o;
    }

    /** A JSON object of string properties, given as name, value, name, value... */
    private static JsonObject strings(String... namesAndValues) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            o.addProperty(namesAndValues[i], namesAndValues[i + 1]);
        }
        return o;
    }

    private static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    private static int sum(int[] a) {
        return Arrays.stream(a).sum();
    }

    private static JsonObject json(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }
}
