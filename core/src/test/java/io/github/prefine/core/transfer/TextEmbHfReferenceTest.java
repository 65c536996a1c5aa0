package io.github.prefine.core.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.TokenRows;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TextEmb against Hugging Face's encoder states ({@code fixtures/hf-reference}): the mean over rows
 * of each row's last hidden states averaged over its unmasked positions, computed here from the
 * reference's floats. HF encoded the four single texts as one right-padded batch, so its states
 * pin down that padding neither enters a row's mean nor changes the states of real tokens.
 */
class TextEmbHfReferenceTest {
    private static final String[] LABELS = {"no", "yes"};

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void textEmbIsTheMeanOfHfsMaskedMeanPooledStatesWhateverTheBatchSizeOrOrder(String family) throws Exception {
        Path folder = SharedFixtures.require("fixtures/hf-reference/" + family);
        JsonArray cases = JsonParser.parseString(Files.readString(folder.resolve("reference.json"))).getAsJsonObject()
                .getAsJsonArray("cases");
        Path encoder = folder.resolve("encoder");
        List<JsonObject> singles = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            singles.add(cases.get(i).getAsJsonObject());
        }
        JsonObject pair = cases.get(4).getAsJsonObject();
        double[] expected = new double[hidden(singles.get(0))];
        for (JsonObject c : singles) {
            double[] row = maskedMean(c);
            for (int k = 0; k < expected.length; k++) {
                expected[k] += row[k] / singles.size();
            }
        }
        try (NDManager m = NDManager.newBaseManager();
                SubwordTokenizer tok = SubwordTokenizer.builder()
                        .setTokenizerPath(encoder.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
            FeaturizedTask forward = singleTexts(singles, tok, false);
            FeaturizedTask backward = singleTexts(singles, tok, true);
            assertHfIds(singles, forward.features().get(Split.TRAIN).tokens());
            for (int batch : new int[] {1, 3, 4}) {
                try (TaskEmbedder e = TaskEmbedder.builder().setManager(m).setEncoder(encoder).optBatchSize(batch).build()) {
                    for (FeaturizedTask t : List.of(forward, backward)) {
                        assertClose(expected, e.textEmb(t).values(), family + " batch " + batch + " " + t.name());
                    }
                }
            }
            // a pair: BERT's second segment reads its token type embedding
            String[] qc = pair.get("text").getAsString().split(" \\|\\|\\| ");
            Task pt = InMemoryTasks.task("pair", TaskGroup.C, TaskFormat.TEXT_PAIR, MetricType.ACCURACY, List.of(LABELS));
            TextExample ex = new TextExample("p", qc[0], qc[1], "yes");
            FeaturizedTask pairTask = FeaturizedTask.featurize(InMemoryTasks.data(pt, List.of(ex), List.of(ex), List.of()),
                    tok, new FeatureSettings(128, 128, 32, 0, 0, 1L));
            assertHfIds(List.of(pair), pairTask.features().get(Split.TRAIN).tokens());
            try (TaskEmbedder e = TaskEmbedder.builder().setManager(m).setEncoder(encoder).build()) {
                assertClose(maskedMean(pair), e.textEmb(pairTask).values(), family + " pair");
            }
        }
    }

    private static FeaturizedTask singleTexts(List<JsonObject> cases, SubwordTokenizer tok, boolean reversed)
            throws Exception {
        List<TextExample> examples = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            examples.add(new TextExample("t" + i, cases.get(i).get("text").getAsString(), null, LABELS[i % 2]));
        }
        if (reversed) {
            java.util.Collections.reverse(examples);
        }
        Task t = InMemoryTasks.task(reversed ? "backward" : "forward", TaskGroup.C, TaskFormat.SINGLE_TEXT,
                MetricType.ACCURACY, List.of(LABELS));
        return FeaturizedTask.featurize(InMemoryTasks.data(t, examples, examples, List.of()), tok,
                new FeatureSettings(128, 128, 32, 0, 0, 1L));
    }

    /** The rows are HF's ids up to the last unmasked position: the states below belong to them. */
    private static void assertHfIds(List<JsonObject> cases, TokenRows rows) {
        assertEquals(cases.size(), rows.rowCount());
        for (int r = 0; r < cases.size(); r++) {
            JsonArray ids = cases.get(r).getAsJsonArray("ids");
            JsonArray mask = cases.get(r).getAsJsonArray("attention_mask");
            List<Integer> hf = new ArrayList<>();
            for (int p = 0; p < ids.size(); p++) {
                if (mask.get(p).getAsInt() == 1) {
                    hf.add(ids.get(p).getAsInt());
                }
            }
            List<Integer> ours = new ArrayList<>();
            for (int p = 0; p < rows.length(r); p++) {
                ours.add(rows.id(r, p));
            }
            assertEquals(hf, ours, "row " + r);
        }
    }

    private static int hidden(JsonObject c) {
        return c.getAsJsonArray("last_hidden_state").get(0).getAsJsonArray().size();
    }

    /** The mean of a case's states over the positions its attention mask keeps. */
    private static double[] maskedMean(JsonObject c) {
        JsonArray states = c.getAsJsonArray("last_hidden_state");
        JsonArray mask = c.getAsJsonArray("attention_mask");
        double[] sum = new double[hidden(c)];
        int kept = 0;
        for (int p = 0; p < states.size(); p++) {
            if (mask.get(p).getAsInt() == 1) {
                JsonArray v = states.get(p).getAsJsonArray();
                for (int k = 0; k < sum.length; k++) {
                    sum[k] += v.get(k).getAsDouble();
                }
                kept++;
            }
        }
        for (int k = 0; k < sum.length; k++) {
            sum[k] /= kept;
        }
        return sum;
    }

    private static void assertClose(double[] expected, float[] got, String what) {
        assertEquals(expected.length, got.length, what);
        float[] e = new float[expected.length];
        for (int k = 0; k < e.length; k++) {
            e[k] = (float) expected[k];
        }
        // the reference is rounded to 6 decimals; a faithful float32 encoder lands within about 1e-5
        assertArrayEquals(e, got, 2e-5f, what);
    }
}
