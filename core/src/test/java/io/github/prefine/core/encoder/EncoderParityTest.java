package io.github.prefine.core.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares the encoder with the last hidden states HF Transformers computed for the tiny BERT and
 * XLM-R fixtures ({@code fixtures/hf-reference/<family>/reference.json}).
 */
class EncoderParityTest {

    /** The README's tolerance; a faithful float32 path lands near 1e-5. */
    private static final double TOLERANCE = 1e-4;

    static float[][][] run(TransformerEncoder enc, NDManager m, long[][] ids, long[][] mask, long[][] types) {
        return run(enc, m, ids, mask, types, null);
    }

    static float[][][] run(TransformerEncoder enc, NDManager m, long[][] ids, long[][] mask, long[][] types,
            PairList<String, Object> params) {
        ParameterStore ps = new ParameterStore(m, false);
        try (NDManager step = m.newSubManager()) {
            NDList in = new NDList(step.create(ids), step.create(mask));
            if (types != null) {
                in.add(step.create(types));
            }
            NDArray out = enc.forward(ps, in, false, params).get(0);
            Shape s = out.getShape();
            assertEquals(new Shape(ids.length, ids[0].length, enc.config().hiddenSize()), s);
            float[] flat = out.toFloatArray();
            int t = ids[0].length;
            int h = enc.config().hiddenSize();
            float[][][] res = new float[ids.length][t][h];
            for (int b = 0; b < ids.length; b++) {
                for (int i = 0; i < t; i++) {
                    System.arraycopy(flat, (b * t + i) * h, res[b][i], 0, h);
                }
            }
            return res;
        }
    }

    static double maxAbsDiff(float[][] expected, float[][] actual, int positions) {
        double max = 0;
        for (int i = 0; i < positions; i++) {
            assertEquals(expected[i].length, actual[i].length);
            for (int j = 0; j < expected[i].length; j++) {
                max = Math.max(max, Math.abs(expected[i][j] - actual[i][j]));
            }
        }
        return max;
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void lastHiddenStateMatchesHfOnEveryCase(String family) throws Exception {
        Path root = SharedFixtures.require("fixtures/hf-reference/" + family);
        HfReference ref = new HfReference(root.resolve("reference.json"));
        try (NDManager m = NDManager.newBaseManager();
                LoadedCheckpoint ck = EncoderCheckpoint.load(root.resolve("encoder"), m)) {
            assertTrue(ck.otherTensors().isEmpty(), "bare encoder has no other tensors");
            double worst = 0;
            for (HfReference.Case c : ref.cases) {
                int n = c.realTokens();
                // as encoded by HF (right-padded within its batch)
                float[][] padded = run(ck.encoder(), m, new long[][] {c.ids()}, new long[][] {c.mask()}, new long[][] {c.typeIds()})[0];
                double err = maxAbsDiff(c.hidden(), padded, n);
                assertTrue(err < TOLERANCE, family + " case '" + c.text() + "': max abs error " + err);
                worst = Math.max(worst, err);
                // alone and unpadded: same states on real tokens (real tokens come first)
                long[] ids = java.util.Arrays.copyOf(c.ids(), n);
                long[] mask = java.util.Arrays.copyOf(c.mask(), n);
                long[] types = java.util.Arrays.copyOf(c.typeIds(), n);
                float[][] alone = run(ck.encoder(), m, new long[][] {ids}, new long[][] {mask}, new long[][] {types})[0];
                double aloneErr = maxAbsDiff(c.hidden(), alone, n);
                assertTrue(aloneErr < TOLERANCE, family + " unpadded case '" + c.text() + "': max abs error " + aloneErr);
                assertTrue(maxAbsDiff(padded, alone, n) < 1e-5, "padding must not change real-token states");
            }
            System.out.println(family + ": max abs error over all cases = " + worst);
        }
    }

    @ParameterizedTest(name = "{0}, {1} attention")
    @CsvSource({"bert, explicit", "xlm-roberta, explicit", "bert, fused", "xlm-roberta, fused"})
    void paddedBatchMatchesHfAndPerCaseRuns(String family, String attention) throws Exception {
        // fused: PyTorch's scaled dot-product attention, the GPU's path, forced on this CPU
        FusedAttentionTest.withAttention(attention, () -> {
            paddedBatchMatchesHfAndPerCaseRuns(family);
            return null;
        });
    }

    private static void paddedBatchMatchesHfAndPerCaseRuns(String family) throws Exception {
        Path root = SharedFixtures.require("fixtures/hf-reference/" + family);
        HfReference ref = new HfReference(root.resolve("reference.json"));
        try (NDManager m = NDManager.newBaseManager();
                LoadedCheckpoint ck = EncoderCheckpoint.load(root.resolve("encoder"), m)) {
            // no token types given: zeros, as HF's default
            float[][][] batch = run(ck.encoder(), m, ref.batchIds, ref.batchMask, null);
            double worst = 0;
            for (int b = 0; b < ref.batchIds.length; b++) {
                int n = 0;
                for (long x : ref.batchMask[b]) {
                    n += (int) x;
                }
                double err = maxAbsDiff(ref.batchHidden[b], batch[b], n);
                worst = Math.max(worst, err);
                assertTrue(err < TOLERANCE, family + " batch row " + b + ": max abs error " + err);
                long[] ids = java.util.Arrays.copyOf(ref.batchIds[b], n);
                long[] mask = java.util.Arrays.copyOf(ref.batchMask[b], n);
                float[][] alone = run(ck.encoder(), m, new long[][] {ids}, new long[][] {mask}, null)[0];
                assertTrue(maxAbsDiff(alone, batch[b], n) < 1e-5, "row " + b + " differs from its unpadded run");
            }
            System.out.println(family + ", " + System.getProperty("prefine.attention") + " attention: padded batch max abs error = "
                    + worst);
        }
    }

    /** The forward parameters by which a caller states that its batch has no padding. */
    static PairList<String, Object> unpaddedParams() {
        PairList<String, Object> p = new PairList<>();
        p.add(TransformerEncoder.UNPADDED, Boolean.TRUE);
        return p;
    }

    @ParameterizedTest(name = "{0}, {1} attention")
    @CsvSource({"bert, explicit", "xlm-roberta, explicit", "bert, fused", "xlm-roberta, fused"})
    void batchDeclaredUnpaddedRunsWithoutAMaskAndMatchesHf(String family, String attention) throws Exception {
        FusedAttentionTest.withAttention(attention, () -> {
            Path root = SharedFixtures.require("fixtures/hf-reference/" + family);
            HfReference ref = new HfReference(root.resolve("reference.json"));
            PairList<String, Object> unpadded = unpaddedParams();
            try (NDManager m = NDManager.newBaseManager();
                    LoadedCheckpoint ck = EncoderCheckpoint.load(root.resolve("encoder"), m)) {
                double worst = 0;
                boolean paddedCase = false;
                for (HfReference.Case c : ref.cases) {
                    int n = c.realTokens();
                    long[][] ids = {java.util.Arrays.copyOf(c.ids(), n)};
                    long[][] mask = {java.util.Arrays.copyOf(c.mask(), n)};
                    long[][] types = {java.util.Arrays.copyOf(c.typeIds(), n)};
                    float[][] masked = run(ck.encoder(), m, ids, mask, types)[0];
                    float[][] none = run(ck.encoder(), m, ids, mask, types, unpadded)[0];
                    double err = maxAbsDiff(c.hidden(), none, n);
                    assertTrue(err < TOLERANCE, family + " case '" + c.text() + "' without a mask: max abs error " + err);
                    assertTrue(maxAbsDiff(masked, none, n) < 1e-6, "an all-ones mask and no mask must agree");
                    worst = Math.max(worst, err);
                    if (n < c.ids().length) {
                        // the declaration is believed, not checked: given a padded row it attends to the padding
                        paddedCase = true;
                        float[][] wrong = run(ck.encoder(), m, new long[][] {c.ids()}, new long[][] {c.mask()},
                                new long[][] {c.typeIds()}, unpadded)[0];
                        assertTrue(maxAbsDiff(c.hidden(), wrong, n) > 1e-3, "the mask was applied although declared absent");
                    }
                }
                assertTrue(paddedCase, "the fixture has a padded case");
                System.out.println(family + ", " + attention + " attention, no mask: max abs error = " + worst);
            }
            return null;
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void taskCheckpointsLoadTheSameEncoderAndReturnTheirHeads(String family) throws Exception {
        Path root = SharedFixtures.require("fixtures/hf-reference/" + family);
        String prefix = family.equals("bert") ? "bert." : "roberta.";
        try (NDManager m = NDManager.newBaseManager();
                LoadedCheckpoint bare = EncoderCheckpoint.load(root.resolve("encoder"), m)) {
            List<HostTensor> reference = EncoderCheckpoint.toHostTensors(bare.encoder(), "");
            for (String task : List.of("sequence-classification", "token-classification", "question-answering")) {
                Path dir = root.resolve(task);
                try (LoadedCheckpoint ck = EncoderCheckpoint.load(dir, m);
                        SafetensorsReader reader = SafetensorsReader.open(dir)) {
                    assertEquals(prefix, ck.encoderPrefix(), task);
                    assertEquals(bare.config(), ck.config(), task);
                    List<HostTensor> loaded = EncoderCheckpoint.toHostTensors(ck.encoder(), "");
                    for (int i = 0; i < reference.size(); i++) {
                        assertEquals(reference.get(i).name(), loaded.get(i).name());
                        assertEquals(reference.get(i).data(), loaded.get(i).data(), task + " " + loaded.get(i).name());
                    }
                    // every file tensor is consumed exactly once: encoder keys and others partition the file
                    Set<String> encoderKeys = new TreeSet<>();
                    for (String k : EncoderCheckpoint.hfKeys(ck.config())) {
                        encoderKeys.add(prefix + k);
                    }
                    Set<String> others = ck.otherTensors().keySet();
                    Set<String> overlap = new HashSet<>(others);
                    overlap.retainAll(encoderKeys);
                    assertTrue(overlap.isEmpty(), "tensors both consumed and returned: " + overlap);
                    Set<String> union = new TreeSet<>(encoderKeys);
                    union.addAll(others);
                    assertEquals(new TreeSet<>(reader.names()), union, task);
                    assertEquals(encoderKeys.size(), EncoderCheckpoint.hfKeys(ck.config()).size());
                    List<String> heads = new ArrayList<>(others);
                    assertTrue(heads.stream().noneMatch(k -> k.startsWith(prefix + "encoder.") || k.startsWith(prefix + "embeddings.")), heads.toString());
                    if (task.equals("question-answering")) {
                        assertTrue(others.containsAll(List.of("qa_outputs.weight", "qa_outputs.bias")), heads.toString());
                    } else {
                        assertTrue(others.contains("classifier.weight") || others.contains("classifier.out_proj.weight"), heads.toString());
                    }
                    if (family.equals("bert") && task.equals("sequence-classification")) {
                        assertTrue(others.contains("bert.pooler.dense.weight"), heads.toString());
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void bareEncoderFileIsConsumedExactly(String family) throws Exception {
        Path dir = SharedFixtures.require("fixtures/hf-reference/" + family + "/encoder");
        try (NDManager m = NDManager.newBaseManager();
                LoadedCheckpoint ck = EncoderCheckpoint.load(dir, m);
                SafetensorsReader reader = SafetensorsReader.open(dir)) {
            List<String> keys = EncoderCheckpoint.hfKeys(ck.config());
            assertEquals(keys.size(), new HashSet<>(keys).size(), "hf keys are unique");
            assertEquals(new TreeSet<>(reader.names()), new TreeSet<>(keys));
            assertEquals(Map.of(), ck.otherTensors());
        }
    }
}
