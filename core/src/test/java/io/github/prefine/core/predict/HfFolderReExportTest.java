package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An HF folder read and written back ({@link FinetunedModel#loadHuggingFace} then {@link
 * FinetunedModel#writeHuggingFace}), on copies of HF's BERT sequence classifier (64 positions; its
 * {@code tokenizer.json} lists {@code [MASK]} as added token 4 and lower-cases): the written
 * {@code tokenizer_config.json} keeps what the folder declared, as HF's {@code save_pretrained}
 * writes back what its tokenizer loaded, namely a smaller {@code model_max_length} and a {@code
 * mask_token} of the folder's own naming (a string, or an {@code AddedToken} object in either
 * file); and the errors of a folder whose tokenizer was rebuilt from its config's flags name the
 * folder's {@code tokenizer.json}, not the temporary copy.
 */
class HfFolderReExportTest {
    /** The fixture's mask token's id, from its {@code added_tokens}. */
    private static final int MASK_ID = 4;

    @TempDir
    Path tmp;

    @Test
    void reExportKeepsTheSmallerLimitTheFolderDeclared() throws Exception {
        Path out = reExport(folder(null, "{\"model_max_length\": 16, \"tokenizer_class\": \"BertTokenizer\"}", null));
        assertEquals(16, json(out.resolve("tokenizer_config.json")).get("model_max_length").getAsInt());
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel back = FinetunedModel.loadHuggingFace(out, m)) {
            assertEquals(16, back.tasks().get(0).settings().maxLength());
        }
    }

    /** A declared limit the encoder cannot take, or HF's unset value, gives way to the 64 positions. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"model_max_length\": 65}", "{\"model_max_length\": 1000000000000000019884624838656}",
        "{\"model_max_length\": null}"})
    void reExportOfALimitPastThePositionsDeclaresThePositions(String config) throws Exception {
        Path out = reExport(folder(null, config, null));
        assertEquals(64, json(out.resolve("tokenizer_config.json")).get("model_max_length").getAsInt());
    }

    /**
     * A folder read with lengths of one's own is written back with the task's: 24 is what HF's
     * tokenizer then cuts at, as the task was read. One past the encoder's 64 positions would be
     * read back as no limit at all, so it is refused, naming the task, and nothing is written.
     */
    @Test
    void reExportDeclaresTheLengthTheTaskWasReadWithAndRefusesOnePastThePositions() throws Exception {
        Path dir = folder(null, "{\"model_max_length\": 16}", null);
        Path out = tmp.resolve("own");
        Path past = tmp.resolve("past");
        try (NDManager m = NDManager.newBaseManager()) {
            try (FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m, FeatureSettings.paper().withLengths(24, 24, 8))) {
                read.writeHuggingFace("text-classification", out);
            }
            try (FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m, FeatureSettings.paper().withLengths(65, 64, 8))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> read.writeHuggingFace("text-classification", past));
                assertTrue(e.getMessage().contains("task text-classification would read new text in rows of up to 65"
                        + " tokens"), e.getMessage());
            }
        }
        assertEquals(24, json(out.resolve("tokenizer_config.json")).get("model_max_length").getAsInt());
        assertFalse(Files.exists(past));
    }

    /**
     * The folder's mask token renamed {@code <MASK>} (in {@code added_tokens} and the vocabulary)
     * and named so, as a string or an {@code AddedToken} object, in {@code tokenizer_config.json}
     * or, where that names none, in {@code special_tokens_map.json}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"config-string", "config-added-token", "map-string", "map-added-token"})
    void maskTokenTheFolderNamesIsWrittenBack(String where) throws Exception {
        String string = "\"<MASK>\"";
        String addedToken = "{\"content\": \"<MASK>\", \"lstrip\": true, \"normalized\": false, \"rstrip\": false,"
                + " \"single_word\": false}";
        String token = where.endsWith("string") ? string : addedToken;
        String config = where.startsWith("config") ? "{\"mask_token\": " + token.replace("{", "{\"__type\": \"AddedToken\", ")
                + "}" : "{\"model_max_length\": 64}";
        String map = where.startsWith("map") ? "{\"mask_token\": " + token + "}" : null;
        Path out = reExport(folder(renamedMask(), config, map));
        assertWritesMaskAs(out, "<MASK>");
    }

    /** The same through {@link ModelExport}: the tokenizer's own folder names its mask token. */
    @Test
    void modelExportTakesTheMaskTokenItsTokenizersFolderNames() throws Exception {
        Path source = folder(renamedMask(), "{\"mask_token\": \"<MASK>\"}", null);
        Path out = tmp.resolve("export");
        try (NDManager m = NDManager.newBaseManager();
                SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(source.resolve("tokenizer.json")).build();
                MultiHeadModel model = MultiHeadModel.builder().setManager(m)
                        .setEncoder(EncoderCheckpoint.load(source, m).encoder())
                        .addHead("t", TaskFormat.SINGLE_TEXT.newHead(3, MultiHeadModel.headFamily(
                                EncoderConfig.fromJson(source.resolve("config.json")).modelType()), 1)).build()) {
            ModelExport.builder().setModel(model).setTokenizer(tok).setFeatureSettings(FeatureSettings.paper().withLengths(64, 64, 16))
                    .addTask("t", TaskFormat.SINGLE_TEXT, List.of("a", "b", "c")).build().writeHuggingFace("t", out);
        }
        assertWritesMaskAs(out, "<MASK>");
    }

    @Test
    void maskTokenTheFolderNamesButTheTokenizerLacksIsRefusedNamingBothFiles() throws Exception {
        Path dir = folder(null, "{\"mask_token\": \"<nope>\"}", null);
        String message = reExportRefusal(dir);
        assertTrue(message.contains(dir.resolve("tokenizer.json").toString()) && message.contains("<nope>")
                && message.contains(dir.resolve("tokenizer_config.json").toString())
                && message.contains("added_tokens"), message);
        assertFalse(Files.exists(tmp.resolve("out/config.json")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"mask_token\": 4}", "{\"mask_token\": {\"lstrip\": true}}", "{\"mask_token\": [\"[MASK]\"]}"})
    void malformedMaskTokenIsRefusedNamingTheFile(String config) throws Exception {
        Path dir = folder(null, config, null);
        String message = reExportRefusal(dir);
        assertTrue(message.contains(dir.resolve("tokenizer_config.json").toString()) && message.contains("mask_token")
                && message.contains("AddedToken"), message);
    }

    /**
     * A cased config over the fixture's lower-casing {@code tokenizer.json} makes the load read a
     * rebuilt temporary copy; the folder's file lacks the mask token, which the export then
     * refuses, naming the folder's file.
     */
    @Test
    void exportRefusalOfARebuiltTokenizerNamesTheFoldersFile() throws Exception {
        Path dir = folder(root -> {
            JsonArray kept = new JsonArray();
            root.getAsJsonArray("added_tokens").forEach(t -> {
                if (t.getAsJsonObject().get("id").getAsInt() != MASK_ID) {
                    kept.add(t);
                }
            });
            root.add("added_tokens", kept);
        }, "{\"do_lower_case\": false}", null);
        String message = reExportRefusal(dir);
        assertTrue(message.startsWith(dir.resolve("tokenizer.json") + ": ") && message.contains("[MASK]"), message);
        assertFalse(message.contains("prefine-hf-tokenizer"), message);
    }

    /**
     * A {@code tokenizer.json} the Rust library refuses (a vocabulary id that is a string), read as
     * written or rebuilt: either way the error names the folder's file, and gives the Rust
     * library's position in that file (its one line) and what it expected, not in the rebuilt text.
     */
    @ParameterizedTest
    @ValueSource(strings = {"{\"do_lower_case\": false}", "{\"do_lower_case\": true}"})
    void loadRefusalOfATokenizerNamesTheFoldersFile(String config) throws Exception {
        Path dir = folder(root -> root.getAsJsonObject("model").getAsJsonObject("vocab").addProperty("won", "x"),
                config, null);
        IOException e;
        try (NDManager m = NDManager.newBaseManager()) {
            e = assertThrows(IOException.class, () -> FinetunedModel.loadHuggingFace(dir, m).close());
        }
        String message = e.getMessage();
        assertTrue(message.startsWith(dir.resolve("tokenizer.json") + ":1: ") && message.contains("expected u32"),
                message);
        assertFalse(message.contains("prefine-hf-tokenizer"), message);
    }

    /**
     * The written {@code tokenizer_config.json} and {@code special_tokens_map.json} name {@code
     * mask} as the mask token, {@code added_tokens_decoder} gives it at its id, and the written
     * {@code tokenizer.json} encodes it as that one id.
     */
    private static void assertWritesMaskAs(Path out, String mask) throws Exception {
        JsonObject config = json(out.resolve("tokenizer_config.json"));
        assertEquals(mask, config.get("mask_token").getAsString());
        assertEquals(mask, json(out.resolve("special_tokens_map.json")).get("mask_token").getAsString());
        assertEquals(mask, config.getAsJsonObject("added_tokens_decoder").getAsJsonObject(Integer.toString(MASK_ID))
                .get("content").getAsString());
        try (SubwordTokenizer written = SubwordTokenizer.builder().setTokenizerPath(out.resolve("tokenizer.json")).build()) {
            int[] ids = written.encode(mask).ids();
            assertEquals(MASK_ID, ids[1], Arrays.toString(ids));
            assertEquals(3, ids.length, Arrays.toString(ids));
        }
    }

    /** The fixture's {@code [MASK]} renamed {@code <MASK>} in {@code added_tokens} and the WordPiece vocabulary. */
    private static Consumer<JsonObject> renamedMask() {
        return root -> {
            root.getAsJsonArray("added_tokens").forEach(t -> {
                if (t.getAsJsonObject().get("id").getAsInt() == MASK_ID) {
                    t.getAsJsonObject().addProperty("content", "<MASK>");
                }
            });
            JsonObject vocab = root.getAsJsonObject("model").getAsJsonObject("vocab");
            JsonObject renamed = new JsonObject();
            for (Map.Entry<String, JsonElement> e : vocab.entrySet()) {
                renamed.add(e.getKey().equals("[MASK]") ? "<MASK>" : e.getKey(), e.getValue());
            }
            root.getAsJsonObject("model").add("vocab", renamed);
        };
    }

    /**
     * {@code "pad_token_id": null} (BERT): HF's model has no padding row, and its tokenizer pads with
     * the {@code pad_token} the folder names, else {@code BertTokenizer}'s default {@code [PAD]}, at
     * that token's id. Here {@code [PAD]} is moved to id 5 (swapped with {@code !}, in {@code
     * added_tokens}, the vocabulary and {@code padding}), so the family's 0 is an ordinary token: the
     * load pads with 5, and the re-export names {@code [PAD]} and keeps the null. The load padded with
     * 0, and the re-export was refused, 0 being no added token.
     */
    @Test
    void aNullPadTokenIdPadsWithTheTokenizersPadTokenAndKeepsItOnReExport() throws Exception {
        Path dir = nullPadTokenId(folder(root -> {
            JsonObject vocab = root.getAsJsonObject("model").getAsJsonObject("vocab");
            assertEquals(0, vocab.get("[PAD]").getAsInt());
            assertEquals(5, vocab.get("!").getAsInt());
            vocab.addProperty("[PAD]", 5);
            vocab.addProperty("!", 0);
            root.getAsJsonArray("added_tokens").get(0).getAsJsonObject().addProperty("id", 5);
            root.getAsJsonObject("padding").addProperty("pad_id", 5);
        }, null, null));
        assertReadAndWrittenBackWithPad(dir, 5, "[PAD]");
    }

    /** A folder naming another {@code pad_token} ({@code [UNK]}, id 1): HF pads with it, and so does prefine. */
    @ParameterizedTest
    @ValueSource(strings = {"config", "map"})
    void aNullPadTokenIdPadsWithThePadTokenTheFolderNames(String where) throws Exception {
        String named = "{\"pad_token\": \"[UNK]\"}";
        Path dir = nullPadTokenId(folder(null, where.equals("config") ? named : "{}",
                where.equals("map") ? named : null));
        assertReadAndWrittenBackWithPad(dir, 1, "[UNK]");
    }

    /**
     * A pad token the folder names that the tokenizer lacks, or none named and no {@code [PAD]}
     * among {@code added_tokens}: refused at the load, naming the files and the token, where the
     * load padded with 0.
     */
    @Test
    void aNullPadTokenIdWithoutThePadTokenAmongTheAddedTokensIsRefused() throws Exception {
        Path named = nullPadTokenId(folder(null, "{\"pad_token\": \"<nope>\"}", null));
        Path none = nullPadTokenId(folder(root -> root.getAsJsonArray("added_tokens").remove(0), null, null));
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> FinetunedModel.loadHuggingFace(named, m).close());
            assertEquals(named.resolve("tokenizer.json") + ": added_tokens lacks the padding token <nope>, which "
                    + named.resolve("tokenizer_config.json") + " names as pad_token; expected it among the special"
                    + " tokens", e.getMessage());
            e = assertThrows(IOException.class, () -> FinetunedModel.loadHuggingFace(none, m).close());
            assertEquals(none.resolve("tokenizer.json") + ": added_tokens lacks the padding token [PAD], which"
                    + " BertTokenizer names in tokenizer_config.json where the tokenizer's folder names none; expected"
                    + " it among the special tokens", e.getMessage());
        }
    }

    /** The folder read pads with {@code id}; written back, it names {@code token} as pad_token, and keeps the null. */
    private void assertReadAndWrittenBackWithPad(Path dir, int id, String token) throws Exception {
        Path out = tmp.resolve("out");
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m)) {
            assertEquals(id, read.predictor("text-classification").tokenizer().padId());
            read.writeHuggingFace("text-classification", out);
        }
        assertEquals(token, json(out.resolve("tokenizer_config.json")).get("pad_token").getAsString());
        assertEquals(token, json(out.resolve("special_tokens_map.json")).get("pad_token").getAsString());
        assertTrue(json(out.resolve("config.json")).get("pad_token_id").isJsonNull());
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel back = FinetunedModel.loadHuggingFace(out, m)) {
            assertEquals(id, back.predictor("text-classification").tokenizer().padId());
        }
    }

    /** The folder's config.json with {@code "pad_token_id": null}. */
    private static Path nullPadTokenId(Path dir) throws Exception {
        JsonObject config = json(dir.resolve("config.json"));
        config.add("pad_token_id", JsonNull.INSTANCE);
        Files.writeString(dir.resolve("config.json"), new GsonBuilder().serializeNulls().create()
                .toJson(config));
        return dir;
    }

    /**
     * An XLM-R folder whose config states {@code add_prefix_space} false is read with its {@code
     * Metaspace} rebuilt to {@code never}, and re-exported with that text; its config then states
     * the flag false. HF 5's {@code XLMRobertaTokenizer} builds {@code prepend_scheme} from the flag
     * ({@code always} where it is true or left out), so without it HF 5 would read the folder as
     * {@code always}. Read back, the folder keeps its file as written and encodes as the folder
     * did, where the fixture's own {@code always} file gives the first word another token.
     */
    @Test
    void xlmRobertaRebuiltToNeverDeclaresNoPrefixSpace() throws Exception {
        Path hf = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/sequence-classification");
        Path dir = Files.createTempDirectory(tmp, "hf");
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            Files.copy(hf.resolve(f), dir.resolve(f));
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"add_prefix_space\": false}");
        Path out = tmp.resolve("out");
        String text = "Hello world";
        int[] read;
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.loadHuggingFace(dir, m)) {
            SubwordTokenizer tokenizer = model.predictor("text-classification").tokenizer();
            assertTrue(tokenizer.rebuiltJson().isPresent());
            read = tokenizer.encode(text).ids();
            model.writeHuggingFace("text-classification", out);
        }
        assertFalse(json(out.resolve("tokenizer_config.json")).get("add_prefix_space").getAsBoolean());
        JsonObject written = json(out.resolve("tokenizer.json"));
        assertEquals("never", written.getAsJsonObject("decoder").get("prepend_scheme").getAsString());
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel back = FinetunedModel.loadHuggingFace(out, m);
                SubwordTokenizer always = SubwordTokenizer.builder().setTokenizerPath(hf.resolve("tokenizer.json"))
                        .build()) {
            SubwordTokenizer tokenizer = back.predictor("text-classification").tokenizer();
            assertTrue(tokenizer.rebuiltJson().isEmpty());
            assertArrayEquals(read, tokenizer.encode(text).ids());
            assertFalse(Arrays.equals(read, always.encode(text).ids()));
        }
    }

    private Path reExport(Path dir) throws Exception {
        Path out = tmp.resolve("out");
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m)) {
            read.writeHuggingFace("text-classification", out);
        }
        return out;
    }

    private String reExportRefusal(Path dir) {
        return assertThrows(IOException.class, () -> reExport(dir)).getMessage();
    }

    /**
     * A copy of HF's BERT sequence classifier, its {@code tokenizer.json} edited unless {@code
     * edit} is null, with a {@code tokenizer_config.json} and a {@code special_tokens_map.json} of
     * these texts unless null.
     */
    private Path folder(Consumer<JsonObject> edit, String tokenizerConfig, String specialTokensMap) throws Exception {
        Path hf = SharedFixtures.require("fixtures/hf-reference/bert/sequence-classification");
        Path dir = Files.createTempDirectory(tmp, "hf");
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(hf.resolve(f), dir.resolve(f));
        }
        JsonObject root = json(hf.resolve("tokenizer.json"));
        if (edit != null) {
            edit.accept(root);
        }
        Files.writeString(dir.resolve("tokenizer.json"), root.toString());
        if (tokenizerConfig != null) {
            Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfig);
        }
        if (specialTokensMap != null) {
            Files.writeString(dir.resolve("special_tokens_map.json"), specialTokensMap);
        }
        return dir;
    }

    private static JsonObject json(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }
}
