package io.github.prefine.core.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.LoadedCheckpoint;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The all-MiniLM-L6-v2 weights imported from the Maven artifact's ONNX file must reproduce the
 * reference last hidden states of {@code models/all-MiniLM-L6-v2/reference.json} (float64 BERT
 * forward on the same weights, matching ONNX Runtime within 2e-6), and the sentence-embedding
 * cosines its README states.
 */
class MiniLmParityTest {
    private static final double TOLERANCE = 1e-4;

    private record Case(String text, long[] ids, float[][] hidden) {}

    private static MiniLmArtifact artifact;
    private static List<Case> cases;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        Path ref = SharedFixtures.require("models/all-MiniLM-L6-v2/reference.json");
        artifact = MiniLmArtifact.fromClasspath();
        cases = new ArrayList<>();
        for (JsonElement e : JsonParser.parseString(Files.readString(ref)).getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            JsonArray ids = o.getAsJsonArray("ids");
            long[] idArray = new long[ids.size()];
            for (int i = 0; i < idArray.length; i++) {
                idArray[i] = ids.get(i).getAsLong();
            }
            JsonArray rows = o.getAsJsonArray("last_hidden_state");
            float[][] hidden = new float[rows.size()][];
            for (int t = 0; t < hidden.length; t++) {
                JsonArray row = rows.get(t).getAsJsonArray();
                hidden[t] = new float[row.size()];
                for (int j = 0; j < row.size(); j++) {
                    hidden[t][j] = row.get(j).getAsFloat();
                }
            }
            cases.add(new Case(o.get("text").getAsString(), idArray, hidden));
        }
        assertEquals(4, cases.size());
    }

    private static HuggingFaceTokenizer tokenizer(byte[] json) throws IOException {
        // the shipped tokenizer.json pads to 128; the reference ids are unpadded
        return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), Map.of("padding", "false"));
    }

    /** Runs one unpadded sentence; returns [seqLen][hidden]. */
    private static float[][] forward(TransformerEncoder enc, NDManager m, long[] ids) {
        ParameterStore ps = new ParameterStore(m, false);
        try (NDManager step = m.newSubManager()) {
            long[] mask = new long[ids.length];
            java.util.Arrays.fill(mask, 1);
            NDList in = new NDList(step.create(new long[][] {ids}), step.create(new long[][] {mask}),
                    step.create(new long[][] {new long[ids.length]}));
            NDArray out = enc.forward(ps, in, false).get(0);
            float[] flat = out.toFloatArray();
            int h = enc.config().hiddenSize();
            float[][] res = new float[ids.length][h];
            for (int t = 0; t < ids.length; t++) {
                System.arraycopy(flat, t * h, res[t], 0, h);
            }
            return res;
        }
    }

    private static double maxAbsDiff(float[][] a, float[][] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int t = 0; t < a.length; t++) {
            assertEquals(a[t].length, b[t].length);
            for (int j = 0; j < a[t].length; j++) {
                max = Math.max(max, Math.abs(a[t][j] - b[t][j]));
            }
        }
        return max;
    }

    /** Mean over all (unpadded) positions, then L2-normalised, in double. */
    private static double[] sentenceEmbedding(float[][] states) {
        double[] v = new double[states[0].length];
        for (float[] row : states) {
            for (int j = 0; j < v.length; j++) {
                v[j] += row[j] / (double) states.length;
            }
        }
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        for (int j = 0; j < v.length; j++) {
            v[j] /= norm;
        }
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void artifactTokenizerGivesTheReferenceIds() throws IOException {
        try (HuggingFaceTokenizer tok = tokenizer(artifact.tokenizerJson())) {
            for (Case c : cases) {
                Encoding e = tok.encode(c.text());
                assertArrayEquals(c.ids(), e.getIds(), c.text());
            }
        }
    }

    @Test
    void rightPaddedMixedBatchMatchesTheUnpaddedReference() throws IOException {
        // HF BERT gives real tokens the same states with right padding (positions from 0, padded
        // keys masked): the four sentences as one batch, each row padded to the longest
        int length = cases.stream().mapToInt(c -> c.ids().length).max().orElseThrow();
        assertTrue(cases.stream().anyMatch(c -> c.ids().length < length), "the sentences differ in length");
        long[][] ids = new long[cases.size()][length];
        long[][] mask = new long[cases.size()][length];
        for (int b = 0; b < cases.size(); b++) {
            long[] c = cases.get(b).ids();
            System.arraycopy(c, 0, ids[b], 0, c.length);
            java.util.Arrays.fill(mask[b], 0, c.length, 1L);
        }
        try (NDManager m = NDManager.newBaseManager();
                LoadedCheckpoint ck = artifact.load(m, DataType.FLOAT32);
                NDManager step = m.newSubManager()) {
            int h = ck.encoder().config().hiddenSize();
            // no token types: zeros, as HF's default
            float[] flat = ck.encoder().forward(new ParameterStore(m, false),
                    new NDList(step.create(ids), step.create(mask)), false).get(0).toFloatArray();
            for (int b = 0; b < cases.size(); b++) {
                Case c = cases.get(b);
                float[][] states = new float[c.ids().length][h];
                for (int t = 0; t < states.length; t++) {
                    System.arraycopy(flat, (b * length + t) * h, states[t], 0, h);
                }
                double err = maxAbsDiff(c.hidden(), states);
                assertTrue(err < TOLERANCE, c.text() + " in a batch padded to " + length + ": max |diff| " + err);
            }
        }
    }

    @Test
    void lastHiddenStatesMatchReferenceAndEmbeddingsRankAsDocumented() throws IOException {
        try (NDManager m = NDManager.newBaseManager();
                LoadedCheckpoint ck = artifact.load(m, DataType.FLOAT32);
                HuggingFaceTokenizer tok = tokenizer(artifact.tokenizerJson())) {
            assertTrue(ck.otherTensors().isEmpty(), "every imported tensor must be consumed: " + ck.otherTensors().keySet());
            List<double[]> emb = new ArrayList<>();
            for (Case c : cases) {
                float[][] states = forward(ck.encoder(), m, tok.encode(c.text()).getIds());
                double err = maxAbsDiff(c.hidden(), states);
                assertTrue(err < TOLERANCE, c.text() + ": max |diff| " + err);
                emb.add(sentenceEmbedding(states));
            }
            double related = dot(emb.get(0), emb.get(1));
            double unrelated = dot(emb.get(0), emb.get(2));
            assertEquals(0.667, related, 0.001);
            assertEquals(-0.064, unrelated, 0.001);
            assertTrue(related > unrelated);
        }
    }

    @Test
    void savedHfFolderLoadsBackToTheSameStates() throws IOException {
        Path folder = tmp.resolve("all-MiniLM-L6-v2");
        artifact.writeHfFolder(folder);
        artifact.writeHfFolder(folder); // a second writer of the same folder replaces whole files
        try (var files = Files.list(folder)) {
            assertEquals(java.util.List.of("config.json", "model.safetensors", "tokenizer.json"),
                    files.map(f -> f.getFileName().toString()).sorted().toList(), "whole files only, no temp left");
        }
        ResolvedModel resolved = ModelResolver.builder()
                .optSettings(new HubSettings(HubSettings.DEFAULT_ENDPOINT, tmp.resolve("empty-cache"), true, null))
                .build().resolve(folder.toString());
        assertEquals(ResolvedModel.Origin.LOCAL_FOLDER, resolved.origin());
        try (NDManager m = NDManager.newBaseManager();
                LoadedCheckpoint direct = artifact.load(m, DataType.FLOAT32);
                LoadedCheckpoint saved = EncoderCheckpoint.load(resolved.folder(), m);
                HuggingFaceTokenizer tok = tokenizer(Files.readAllBytes(folder.resolve("tokenizer.json")))) {
            assertEquals(MiniLmArtifact.config(), saved.config());
            for (Case c : cases) {
                long[] ids = tok.encode(c.text()).getIds();
                assertArrayEquals(c.ids(), ids);
                float[][] a = forward(direct.encoder(), m, ids);
                float[][] b = forward(saved.encoder(), m, ids);
                assertEquals(0.0, maxAbsDiff(a, b), 1e-6, c.text());
                assertTrue(maxAbsDiff(c.hidden(), b) < TOLERANCE, c.text());
            }
        }
    }

    @Test
    void builtConfigMatchesSharedConfigJson() throws IOException {
        Path shared = SharedFixtures.require("models/all-MiniLM-L6-v2/config.json");
        JsonObject expected = JsonParser.parseString(Files.readString(shared)).getAsJsonObject();
        JsonObject built = MiniLmArtifact.configJson();
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(built.keySet()));
        for (String key : expected.keySet()) {
            if (expected.get(key).isJsonPrimitive() && expected.get(key).getAsJsonPrimitive().isNumber()) {
                assertEquals(expected.get(key).getAsDouble(), built.get(key).getAsDouble(), 0.0, key);
            } else {
                assertEquals(expected.get(key), built.get(key), key);
            }
        }
        assertEquals(MiniLmArtifact.config(), io.github.prefine.core.encoder.EncoderConfig.fromJson(shared));
    }
}
