package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.testing.CountingPipe;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code model_max_length} of an HF folder's {@code tokenizer_config.json} as {@link
 * FinetunedModel#loadHuggingFace} reads it, on copies of HF's BERT token classifier (64 positions;
 * "john" and "paris" one sub-token each): a declared 16 cuts a sentence after 14 words ({@code
 * [CLS]}, 14 words, {@code [SEP]}) as lengths of 16 given by hand do; HF's unset value, null, a
 * missing file and a limit past the positions keep the default of 64; a malformed file is refused
 * naming it; one load reads the file once, and {@code tokenizer.json} once.
 */
class HfTokenizerConfigReadTest {
    /** 30 words: 32 tokens with the special ones, within the 64 positions. */
    private static final List<String> THIRTY = words(30);

    @TempDir
    Path tmp;

    @Test
    void declaredLimitCutsAndWindowsAsTheSameLengthsGivenByHand() throws Exception {
        Path declared = copy("{\"model_max_length\": 16, \"tokenizer_class\": \"BertTokenizer\"}");
        Path bare = copy(null);
        // QA windows of at most the limit, sharing a third of themselves: 16 / 3 = 5
        FeatureSettings sixteen = FeatureSettings.paper().withLengths(16, 16, 5);
        assertEquals(sixteen, FinetunedModel.huggingFaceSettings(declared));
        try (NDManager m = NDManager.newBaseManager();
                FinetunedModel read = FinetunedModel.loadHuggingFace(declared, m);
                FinetunedModel byHand = FinetunedModel.loadHuggingFace(bare, m, sixteen)) {
            assertEquals(sixteen, read.tasks().get(0).settings());
            TagPrediction p = read.predictor("token-classification").tag(List.of(THIRTY)).get(0);
            assertEquals(16, p.wordsCut());
            assertEquals(byHand.predictor("token-classification").tag(List.of(THIRTY)), List.of(p));
        }
    }

    /**
     * One load reads {@code tokenizer_config.json} once, though both its limit and a flag of it
     * (which makes the tokenizer be rebuilt) are used: the file is a named pipe that serves its
     * text to each reader that opens it, counting them.
     */
    @Test
    void loadReadsTheTokenizerConfigOnce() throws Exception {
        Path dir = copy(null);
        byte[] text = "{\"model_max_length\": 16, \"do_lower_case\": false}".getBytes(StandardCharsets.UTF_8);
        try (CountingPipe pipe = CountingPipe.create(dir.resolve("tokenizer_config.json"), text)) {
            try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m)) {
                assertEquals(16, read.tasks().get(0).settings().maxLength());
            }
            assertEquals(1, pipe.reads());
        }
    }

    /**
     * One load reads {@code tokenizer.json} once, whether the config's flags agree with it (none
     * stated: the class defaults lower-case, as the file does) or make it be rebuilt ({@code
     * do_lower_case} false): the file is a named pipe that counts its readers. The flag comparison,
     * the native tokenizer and the padding and pre-tokenizer facts each read it before. Read
     * through the pipe, the tokenizer encodes as HF did ({@code reference.json}'s first case,
     * lower-cased here so that the cased rebuild gives the same ids).
     */
    @ParameterizedTest
    @ValueSource(strings = {"absent", "{\"do_lower_case\": false}"})
    void loadReadsTheTokenizerJsonOnce(String config) throws Exception {
        Path dir = copy(config.equals("absent") ? null : config);
        Path file = dir.resolve("tokenizer.json");
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        try (CountingPipe pipe = CountingPipe.create(file, bytes);
                NDManager m = NDManager.newBaseManager();
                FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m)) {
            assertEquals(1, pipe.reads());
            SubwordTokenizer tokenizer = read.predictor("token-classification").tokenizer();
            assertEquals(!config.equals("absent"), tokenizer.rebuiltJson().isPresent());
            assertArrayEquals(new int[] {2, 237, 233, 206, 169, 172, 90, 57, 6, 3},
                    tokenizer.encode("john smith visited paris in may.").ids());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"model_max_length\": 1000000000000000019884624838656}", "{\"model_max_length\": null}",
        "{\"tokenizer_class\": \"BertTokenizer\"}", "{\"model_max_length\": 65}", "absent"})
    void unsetOrOutOfReachLimitsKeepTheDefaults(String content) throws Exception {
        Path dir = copy(content.equals("absent") ? null : content);
        FeatureSettings defaults = FinetunedModel.huggingFaceSettings(EncoderConfig.fromJson(dir.resolve("config.json")));
        assertEquals(64, defaults.maxLength());
        assertEquals(defaults, FinetunedModel.huggingFaceSettings(dir));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m)) {
            assertEquals(defaults, read.tasks().get(0).settings());
            assertEquals(0, read.predictor("token-classification").tag(List.of(THIRTY)).get(0).wordsCut());
        }
    }

    @Test
    void limitOfAllThePositionsIsTaken() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                FinetunedModel read = FinetunedModel.loadHuggingFace(copy("{\"model_max_length\": 64}"), m)) {
            assertEquals(64, read.tasks().get(0).settings().maxLength());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"model_max_length\": \"512\"}", "{\"model_max_length\": 16.0}",
        "{\"model_max_length\": 1e1}", "{\"model_max_length\": 0}", "{\"model_max_length\": -16}",
        "{\"model_max_length\": true}", "{\"model_max_length\": [16]}"})
    void malformedLimitIsRefusedNamingTheFileAndTheField(String content) throws Exception {
        String message = refusal(copy(content));
        assertTrue(message.contains("tokenizer_config.json") && message.contains("model_max_length")
                && message.contains("positive whole number"), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[16]", "{\"model_max_length\": 16", "", "16"})
    void fileThatIsNoJsonObjectIsRefusedNamingIt(String content) throws Exception {
        String message = refusal(copy(content));
        assertTrue(message.contains("tokenizer_config.json") && message.contains("JSON object"), message);
    }

    @Test
    void unreadableFileIsRefusedNamingIt() throws Exception {
        Path notUtf8 = copy(null);
        Files.write(notUtf8.resolve("tokenizer_config.json"), new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'});
        String message = refusal(notUtf8);
        // the byte is placed: the JDK's "Input length = 1" placed it nowhere
        assertTrue(message.contains("tokenizer_config.json: line 1 (byte 2) holds 0xC3, not UTF-8"), message);
        Path folder = copy(null);
        Files.createDirectory(folder.resolve("tokenizer_config.json"));
        message = refusal(folder);
        assertTrue(message.contains("tokenizer_config.json") && message.contains("cannot be read"), message);
    }

    private static String refusal(Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> FinetunedModel.loadHuggingFace(dir, m).close());
            return e.getMessage();
        }
    }

    /** A copy of HF's BERT token classifier, with a {@code tokenizer_config.json} of this text unless null. */
    private Path copy(String tokenizerConfig) throws Exception {
        Path hf = SharedFixtures.require("fixtures/hf-reference/bert/token-classification");
        Path dir = Files.createTempDirectory(tmp, "hf");
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            Files.copy(hf.resolve(f), dir.resolve(f));
        }
        if (tokenizerConfig != null) {
            Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfig);
        }
        return dir;
    }

    private static List<String> words(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i % 2 == 0 ? "john" : "paris");
        }
        return out;
    }
}
