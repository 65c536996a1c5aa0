package io.github.prefine.core.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.github.prefine.core.kernels.FusedAttention;
import io.github.prefine.core.testing.SystemProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * The encoder with PyTorch's scaled dot-product attention ({@link FusedAttention}, the GPU path)
 * forced on this CPU, against the explicit attention ({@code EncoderParityTest} and {@code
 * MixedPrecisionParityTest} also run it against HF's states).
 */
class FusedAttentionTest {

    /** Runs {@code body} with the attention chosen by {@code choice}, then restores the property. */
    static <T> T withAttention(String choice, Callable<T> body) throws Exception {
        return SystemProperties.with(FusedAttention.PROPERTY, choice, body);
    }

    /** Loss and every parameter's gradient of one training forward and backward. */
    private static Map<String, float[]> gradients(TransformerEncoder enc, NDManager model, String choice)
            throws Exception {
        return withAttention(choice, () -> {
            ParameterStore ps = new ParameterStore(model, false);
            Map<String, float[]> out = new LinkedHashMap<>();
            try (NDManager step = model.newSubManager()) {
                NDArray ids = step.create(new long[][] {{1, 5, 6, 7, 8}, {1, 9, 3, 0, 0}});
                NDArray mask = step.create(new long[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}});
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray h = enc.forward(ps, new NDList(ids, mask), true).get(0);
                    // weights that differ per position and feature, so every path matters
                    NDArray w = step.arange(0f, (float) h.size()).reshape(h.getShape()).sin();
                    NDArray loss = h.mul(w).sum();
                    out.put("loss", loss.toFloatArray());
                    gc.backward(loss);
                }
                for (Pair<String, Parameter> p : enc.getParameters()) {
                    NDArray g = p.getValue().getArray().getGradient();
                    out.put(p.getKey(), g.toFloatArray());
                    // gradients accumulate across backward passes: clear them for the next run
                    g.muli(0);
                }
            }
            return out;
        });
    }

    @Test
    void fusedAndExplicitAttentionGiveTheSameGradients() throws Exception {
        EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(40)
                .setHiddenSize(16).setNumHiddenLayers(2).setNumAttentionHeads(4).setIntermediateSize(20)
                .optMaxPositionEmbeddings(16).optHiddenDropoutProb(0f).optAttentionProbsDropoutProb(0f).build();
        try (NDManager model = NDManager.newBaseManager();
                TransformerEncoder enc = TransformerEncoder.builder().setConfig(config).build()) {
            enc.initializeRandom(model, 5);
            Map<String, float[]> explicit = gradients(enc, model, "explicit");
            Map<String, float[]> fused = gradients(enc, model, "fused");
            assertEquals(explicit.keySet(), fused.keySet());
            double worst = 0;
            for (String k : explicit.keySet()) {
                float[] e = explicit.get(k);
                float[] f = fused.get(k);
                double scale = 0;
                for (float x : e) {
                    scale = Math.max(scale, Math.abs(x));
                }
                assertTrue(scale > 0 || k.contains("position") || k.contains("token_type"), k + " has no gradient");
                for (int i = 0; i < e.length; i++) {
                    double err = Math.abs(e[i] - f[i]) / Math.max(scale, 1e-6);
                    worst = Math.max(worst, err);
                    assertTrue(err < 1e-5, k + "[" + i + "]: explicit " + e[i] + ", fused " + f[i]);
                }
            }
            System.out.println("fused vs explicit attention: worst gradient difference " + worst + " of each tensor's max");
        }
    }

    /** Seeded standard-normal queries, keys and values of one shape. */
    private static NDList randomQkv(NDManager m, int seed, Shape shape) {
        Engine.getInstance().setRandomSeed(seed);
        return new NDList(m.randomNormal(shape), m.randomNormal(shape), m.randomNormal(shape));
    }

    /** The fused attention of queries, keys and values given as one list. */
    private static NDArray attend(NDList qkv, NDArray bias, float dropout) {
        return FusedAttention.apply(qkv.get(0), qkv.get(1), qkv.get(2), bias, dropout);
    }

    @Test
    void dropoutInsideTheFusedAttentionIsInvertedAndUnbiased() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList qkv = randomQkv(m, 7, new Shape(1, 2, 6, 4));
            NDArray bias = m.zeros(new Shape(1, 1, 1, 6));
            float[] exact = attend(qkv, bias, 0f).toFloatArray();
            int draws = 2000;
            NDArray sum = m.zeros(new Shape(1, 2, 6, 4));
            boolean differs = false;
            for (int i = 0; i < draws; i++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray once = attend(qkv, bias, 0.5f);
                    once.attach(s);
                    differs |= !java.util.Arrays.equals(exact, once.toFloatArray());
                    sum.addi(once);
                }
            }
            assertTrue(differs, "dropout 0.5 never changed the result");
            float[] mean = sum.div(draws).toFloatArray();
            for (int i = 0; i < exact.length; i++) {
                // each output averages 6 values of |v| ~ 1 kept with probability 1/2 and doubled:
                // its std over draws is below ~2.5, so the mean of 2000 is within 0.25 by far
                assertEquals(exact[i], mean[i], 0.25, "mean of dropped-out attention at " + i);
            }
        }
    }

    @Test
    void withoutAMaskEveryKeyCounts() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList qkv = randomQkv(m, 5, new Shape(2, 3, 4, 8));
            float[] unmasked = attend(qkv, null, 0f).toFloatArray();
            assertArrayEquals(attend(qkv, m.zeros(new Shape(2, 1, 1, 4)), 0f).toFloatArray(), unmasked, 1e-6f);
            // and by hand: softmax(q kᵀ / sqrt(8)) v of the first head's first query
            float[] q = qkv.get(0).toFloatArray();
            float[] k = qkv.get(1).toFloatArray();
            float[] v = qkv.get(2).toFloatArray();
            double[] w = new double[4];
            double total = 0;
            for (int j = 0; j < 4; j++) {
                double dot = 0;
                for (int d = 0; d < 8; d++) {
                    dot += q[d] * k[j * 8 + d];
                }
                w[j] = Math.exp(dot / Math.sqrt(8));
                total += w[j];
            }
            for (int d = 0; d < 8; d++) {
                double expected = 0;
                for (int j = 0; j < 4; j++) {
                    expected += w[j] / total * v[j * 8 + d];
                }
                assertEquals(expected, unmasked[d], 1e-5, "context feature " + d);
            }
            // a padded key does change the result: the test above could not pass with the mask ignored
            NDArray padded = m.create(new float[] {0, 0, 0, -Float.MAX_VALUE, 0, 0, 0, 0}, new Shape(2, 1, 1, 4));
            assertFalse(java.util.Arrays.equals(unmasked, attend(qkv, padded, 0f).toFloatArray()));
        }
    }

    @Test
    void float16QueriesTakeTheFloat32MaskAndAgreeWithFloat32() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList qkv = randomQkv(m, 11, new Shape(2, 2, 5, 4));
            // the second row's last two keys are padding
            NDArray bias = m.create(new float[] {0, 0, 0, 0, 0, 0, 0, 0, -Float.MAX_VALUE, -Float.MAX_VALUE},
                    new Shape(2, 1, 1, 5));
            NDArray full = attend(qkv, bias, 0f);
            NDList halves = new NDList();
            qkv.forEach(a -> halves.add(a.toType(DataType.FLOAT16, false)));
            NDArray half = attend(halves, bias, 0f);
            assertEquals(DataType.FLOAT16, half.getDataType());
            float[] a = full.toFloatArray();
            float[] b = half.toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-2 * (1 + Math.abs(a[i])), "float16 attention at " + i);
                assertFalse(Float.isNaN(b[i]), "a fully masked score must not make NaN");
            }
        }
    }

    @Test
    void choosesByDeviceAndProbeAndRejectsUnknownChoices() throws Exception {
        assertFalse(withAttention("auto", () -> FusedAttention.enabledOn(Device.cpu())));
        // on a GPU only where the probe call runs: this test machine may have none
        assertEquals(Engine.getInstance().getGpuCount() > 0,
                withAttention("auto", () -> FusedAttention.enabledOn(Device.gpu())));
        assertTrue(withAttention("fused", () -> FusedAttention.enabledOn(Device.cpu())));
        assertFalse(withAttention("explicit", () -> FusedAttention.enabledOn(Device.gpu())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withAttention("flash", () -> FusedAttention.enabledOn(Device.cpu())));
        assertTrue(e.getMessage().contains("auto, fused or explicit"), e.getMessage());
    }
}
