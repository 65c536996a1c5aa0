package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.LoadedCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.HfHeads;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.heads.Head;
import io.github.prefine.heads.HeadFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The predictor against Hugging Face: the fixture's sequence- and token-classification checkpoints
 * ({@code ../shared/fixtures/hf-reference/<family>}) are put into a model, saved with {@link
 * ModelExport} and loaded again; on the reference texts, the predictor's probabilities are the
 * softmax of HF's logits within 1e-4 and its label is HF's arg-max, and each word's tag is HF's
 * arg-max at the word's first sub-token. (The fixture holds QA logits for the padded batch only,
 * not for question/context pairs, so QA is checked against the evaluation path instead, in
 * {@link TaskPredictorTest}.)
 */
class TaskPredictorParityTest {
    private static final List<String> CLASSES = List.of("neg", "neu", "pos");
    private static final List<String> TAGS = List.of("O", "B-LOC", "B-PER", "I-LOC", "I-PER");

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void probabilitiesAndTagsMatchHfLogits(String family, @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/" + family);
        JsonObject ref = JsonParser.parseString(Files.readString(fixture.resolve("reference.json"))).getAsJsonObject();
        Path dir = tmp.resolve("model");
        try (NDManager root = NDManager.newBaseManager();
                SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(fixture.resolve("tokenizer.json"))
                        .build()) {
            LoadedCheckpoint encoder = EncoderCheckpoint.load(fixture.resolve("encoder"), root);
            HeadFamily heads0 = MultiHeadModel.headFamily(encoder.config().modelType());
            TaskHead seq = TaskFormat.SINGLE_TEXT.newHead(3, heads0, 0);
            TaskHead tags = TaskFormat.TOKEN.newHead(5, heads0, 0);
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(root).setEncoder(encoder.encoder())
                    .addHead("sentiment", seq).addHead("entities", tags).build()) {
                loadHead((Head) seq.block(), fixture.resolve("sequence-classification"), root);
                loadHead((Head) tags.block(), fixture.resolve("token-classification"), root);
                ModelExport.builder().setModel(model).setTokenizer(tok).setFeatureSettings(FeatureSettings.paper()
                        .withLengths(64, 64, 16)).addTask("sentiment", TaskFormat.SINGLE_TEXT, CLASSES)
                        .addTask("entities", TaskFormat.TOKEN, TAGS).build().writeTo(dir);
            }
        }
        try (NDManager fresh = NDManager.newBaseManager(); FinetunedModel loaded = FinetunedModel.load(dir, fresh)) {
            assertClassifiedAsHf(loaded.predictor("sentiment"), CLASSES, ref, family);
            assertTaggedAsHf(loaded.predictor("entities"), TAGS, ref, family);
        }
    }

    /**
     * On the reference's four texts, the predictor's probabilities are the softmax of HF's
     * sequence-classification logits within 1e-4, and its label their arg-max.
     */
    static void assertClassifiedAsHf(TaskPredictor predictor, List<String> classes, JsonObject ref, String family) {
        List<String> texts = texts(ref);
        List<LabelPrediction> got = predictor.classify(texts);
        JsonArray hfLogits = ref.getAsJsonObject("heads").getAsJsonObject("sequence-classification")
                .getAsJsonArray("logits");
        for (int i = 0; i < texts.size(); i++) {
            double[] lg = doubles(hfLogits.get(i).getAsJsonArray());
            double[] soft = softmax(lg);
            for (int k = 0; k < classes.size(); k++) {
                assertEquals(soft[k], got.get(i).probabilities().get(classes.get(k)), 1e-4, family + " text " + i);
            }
            assertEquals(classes.get(argmax(lg, 0, classes.size())), got.get(i).label(), family + " text " + i);
        }
    }

    /**
     * On the reference's four texts split at spaces, each word's tag is the arg-max of HF's
     * token-classification logits at the word's first sub-token.
     */
    static void assertTaggedAsHf(TaskPredictor predictor, List<String> tagNames, JsonObject ref, String family) {
        List<String> texts = texts(ref);
        JsonArray tokLogits = ref.getAsJsonObject("heads").getAsJsonObject("token-classification")
                .getAsJsonArray("logits");
        JsonArray cases = ref.getAsJsonArray("cases");
        List<List<String>> sentences = new ArrayList<>();
        List<List<String>> expected = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            JsonObject c = cases.get(i).getAsJsonObject();
            JsonArray offsets = c.getAsJsonArray("offsets");
            JsonArray wordIds = c.getAsJsonArray("word_ids");
            JsonArray rows = tokLogits.get(i).getAsJsonArray();
            // HF's words (its pre-tokenizer's, which also split off punctuation): each one's
            // character span and first token, as HF's first-sub-token labelling reads word_ids
            Map<Integer, int[]> hfWords = new LinkedHashMap<>();
            for (int p = 0; p < wordIds.size(); p++) {
                if (wordIds.get(p).isJsonNull()) {
                    continue;
                }
                int id = wordIds.get(p).getAsInt();
                int s = offsets.get(p).getAsJsonArray().get(0).getAsInt();
                int e = offsets.get(p).getAsJsonArray().get(1).getAsInt();
                int[] w = hfWords.computeIfAbsent(id, k -> new int[] {s, e, -1});
                w[0] = Math.min(w[0], s);
                w[1] = Math.max(w[1], e);
                w[2] = w[2] < 0 ? p : w[2];
            }
            List<String> words = List.of(text.split(" "));
            List<String> tagsOf = new ArrayList<>();
            int charStart = 0;
            for (String w : words) {
                // the word's first sub-token: that of the first HF word overlapping it
                int pos = -1;
                for (int[] hw : hfWords.values()) {
                    if (pos < 0 && hw[0] < charStart + w.length() && hw[1] > charStart) {
                        pos = hw[2];
                    }
                }
                double[] lg = doubles(rows.get(pos).getAsJsonArray());
                tagsOf.add(tagNames.get(argmax(lg, 0, tagNames.size())));
                charStart += w.length() + 1;
            }
            sentences.add(words);
            expected.add(tagsOf);
        }
        List<TagPrediction> tagged = predictor.tag(sentences);
        assertEquals(expected, tagged.stream().map(TagPrediction::tags).toList(), family);
    }

    private static List<String> texts(JsonObject ref) {
        List<String> texts = new ArrayList<>();
        ref.getAsJsonObject("padded_batch").getAsJsonArray("texts").forEach(t -> texts.add(t.getAsString()));
        return texts;
    }

    private static void loadHead(Head head, Path folder, NDManager m) throws Exception {
        HfHeads.load(head, folder, m);
    }

    static double[] doubles(JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsDouble();
        }
        return out;
    }

    static int argmax(double[] v, int from, int width) {
        int best = 0;
        for (int i = 1; i < width; i++) {
            if (v[from + i] > v[from + best]) {
                best = i;
            }
        }
        return best;
    }

    static double[] softmax(double[] lg) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : lg) {
            max = Math.max(max, v);
        }
        double z = 0;
        double[] out = new double[lg.length];
        for (int i = 0; i < lg.length; i++) {
            out[i] = Math.exp(lg[i] - max);
            z += out[i];
        }
        for (int i = 0; i < lg.length; i++) {
            out[i] /= z;
        }
        return out;
    }
}
