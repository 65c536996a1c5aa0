package io.github.prefine.core.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.github.prefine.core.precision.HalfPrecisionStore;
import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The encoder under mixed precision (float16 copies of the matrix weights from a
 * {@link HalfPrecisionStore}, everything else float32) against the float32 encoder and HF's
 * reference states on the tiny fixtures: outputs agree within float16 tolerance, and every float32
 * master weight receives a gradient close to the float32 one (so no cast cut the graph).
 */
class MixedPrecisionParityTest {

    /**
     * float16 has an 11-bit significand (~5e-4 relative per rounding), bfloat16 an 8-bit one
     * (~4e-3); two layers stay well inside 1e-2 with either.
     */
    private static final double RELATIVE = 1e-2;

    private static float[] forward(TransformerEncoder enc, NDManager m, HfReference ref, ParameterStore ps, boolean training) {
        NDList in = new NDList(m.create(ref.batchIds), m.create(ref.batchMask));
        NDArray out = enc.forward(ps, in, training).get(0);
        assertEquals(DataType.FLOAT32, out.getDataType(), "encoder output dtype");
        return out.toFloatArray();
    }

    /** max |a - b| over unmasked positions divided by max |b| there. */
    private static double relativeError(float[] a, float[] b, long[][] mask, int hidden) {
        double diff = 0;
        double scale = 0;
        int t = mask[0].length;
        for (int r = 0; r < mask.length; r++) {
            for (int i = 0; i < t; i++) {
                if (mask[r][i] == 0) {
                    continue;
                }
                for (int h = 0; h < hidden; h++) {
                    int k = (r * t + i) * hidden + h;
                    diff = Math.max(diff, Math.abs(a[k] - b[k]));
                    scale = Math.max(scale, Math.abs(b[k]));
                }
            }
        }
        return diff / scale;
    }

    @ParameterizedTest(name = "{0}, {1} attention, {2}")
    @CsvSource({"bert, explicit, FLOAT16", "bert, fused, FLOAT16", "xlm-roberta, explicit, FLOAT16",
        "xlm-roberta, fused, FLOAT16", "bert, explicit, BFLOAT16", "bert, fused, BFLOAT16",
        "xlm-roberta, explicit, BFLOAT16", "xlm-roberta, fused, BFLOAT16"})
    void mixedForwardAgreesWithFloat32AndHf(String family, String attention, DataType computeType) throws Exception {
        // fused: the GPU's attention, whose mask bias the encoder casts to float16 once
        FusedAttentionTest.withAttention(attention, () -> {
            mixedForwardAgreesWithFloat32AndHf(family, computeType);
            return null;
        });
    }

    private static void mixedForwardAgreesWithFloat32AndHf(String family, DataType computeType) throws Exception {
        Path root = SharedFixtures.require("fixtures/hf-reference/" + family);
        HfReference ref = new HfReference(root.resolve("reference.json"));
        try (NDManager m = NDManager.newBaseManager();
                LoadedCheckpoint ck = EncoderCheckpoint.load(root.resolve("encoder"), m)) {
            TransformerEncoder enc = ck.encoder();
            int hidden = enc.config().hiddenSize();
            assertEquals(8 * enc.config().numHiddenLayers(), enc.matrixParameters().size());
            float[] fp32;
            float[] mixed;
            try (NDManager step = m.newSubManager()) {
                fp32 = forward(enc, step, ref, new ParameterStore(step, false), false);
            }
            try (NDManager step = m.newSubManager()) {
                mixed = forward(enc, step, ref, new HalfPrecisionStore(step, enc.matrixParameters(), computeType), false);
            }
            float[] hf = new float[fp32.length];
            int t = ref.batchIds[0].length;
            for (int r = 0; r < ref.batchHidden.length; r++) {
                for (int i = 0; i < t; i++) {
                    System.arraycopy(ref.batchHidden[r][i], 0, hf, (r * t + i) * hidden, hidden);
                }
            }
            double vsFp32 = relativeError(mixed, fp32, ref.batchMask, hidden);
            double vsHf = relativeError(mixed, hf, ref.batchMask, hidden);
            assertTrue(vsFp32 < RELATIVE, family + ": mixed vs float32 relative error " + vsFp32);
            assertTrue(vsHf < RELATIVE, family + ": mixed vs HF relative error " + vsHf);
            System.out.printf("%s %s: mixed vs float32 relative error %.2e, vs HF %.2e%n", family, computeType, vsFp32,
                    vsHf);
            // the float16 path really ran: rounding leaves a visible trace
            assertTrue(vsFp32 > 1e-6, family + ": mixed output identical to float32, float16 path not taken");
            // and the masters are untouched float32
            for (Parameter p : enc.matrixParameters()) {
                assertEquals(DataType.FLOAT32, p.getArray().getDataType(), p.getName());
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1} attention, {2}")
    @CsvSource({"bert, explicit, FLOAT16", "xlm-roberta, fused, FLOAT16", "bert, fused, BFLOAT16",
        "xlm-roberta, explicit, BFLOAT16"})
    void unpaddedRowsNeedNoMaskInMixedPrecision(String family, String attention, DataType computeType) throws Exception {
        FusedAttentionTest.withAttention(attention, () -> {
            Path root = SharedFixtures.require("fixtures/hf-reference/" + family);
            HfReference ref = new HfReference(root.resolve("reference.json"));
            PairList<String, Object> unpadded = EncoderParityTest.unpaddedParams();
            try (NDManager m = NDManager.newBaseManager();
                    LoadedCheckpoint ck = EncoderCheckpoint.load(root.resolve("encoder"), m)) {
                TransformerEncoder enc = ck.encoder();
                int hidden = enc.config().hiddenSize();
                for (HfReference.Case c : ref.cases) {
                    int n = c.realTokens();
                    long[][] ids = {java.util.Arrays.copyOf(c.ids(), n)};
                    long[][] mask = {java.util.Arrays.copyOf(c.mask(), n)};
                    long[][] types = {java.util.Arrays.copyOf(c.typeIds(), n)};
                    float[] masked;
                    float[] none;
                    try (NDManager step = m.newSubManager()) {
                        ParameterStore ps = new HalfPrecisionStore(step, enc.matrixParameters(), computeType);
                        NDList in = new NDList(step.create(ids), step.create(mask), step.create(types));
                        masked = enc.forward(ps, in, false).get(0).toFloatArray();
                        none = enc.forward(ps, in, false, unpadded).get(0).toFloatArray();
                    }
                    float[] hf = new float[n * hidden];
                    for (int i = 0; i < n; i++) {
                        System.arraycopy(c.hidden()[i], 0, hf, i * hidden, hidden);
                    }
                    // the float32 softmax of the 16-bit scores, with or without a bias of zeros
                    assertTrue(relativeError(none, masked, mask, hidden) < 1e-6, c.text());
                    double vsHf = relativeError(none, hf, mask, hidden);
                    assertTrue(vsHf < RELATIVE, family + " '" + c.text() + "': relative error " + vsHf);
                }
            }
            return null;
        });
    }

    /** {@code n} standard normal draws from {@code seed}: a fixed random projection for a loss. */
    static float[] projection(long n, long seed) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        float[] out = new float[Math.toIntExact(n)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) rnd.nextGaussian();
        }
        return out;
    }

    private static Map<String, float[]> gradients(TransformerEncoder enc, NDManager m, HfReference ref,
            DataType computeType) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager step = m.newSubManager()) {
            ParameterStore ps = computeType != DataType.FLOAT32
                    ? new HalfPrecisionStore(step, enc.matrixParameters(), computeType) : new ParameterStore(step, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray mask = step.create(ref.batchMask);
                NDArray out0 = enc.forward(ps, new NDList(step.create(ref.batchIds), mask), true).get(0);
                // a fixed random projection of every real position's state (a sum of squares would
                // be constant after the final LayerNorm and have a near-zero gradient)
                NDArray r = step.create(projection(out0.getShape().size(), 7L), out0.getShape());
                gc.backward(out0.mul(r).mul(mask.toType(DataType.FLOAT32, false).expandDims(-1)).sum());
            }
            for (Pair<String, Parameter> p : enc.getParameters()) {
                NDArray g = p.getValue().getArray().getGradient();
                assertEquals(DataType.FLOAT32, g.getDataType(), p.getKey());
                out.put(p.getKey(), g.toFloatArray());
                g.subi(g);
                g.close();
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"bert, FLOAT16", "xlm-roberta, FLOAT16", "bert, BFLOAT16", "xlm-roberta, BFLOAT16"})
    void everyMasterWeightGetsTheFloat32Gradient(String family, DataType computeType) throws Exception {
        Path root = SharedFixtures.require("fixtures/hf-reference/" + family);
        HfReference ref = new HfReference(root.resolve("reference.json"));
        try (NDManager m = NDManager.newBaseManager();
                LoadedCheckpoint ck = EncoderCheckpoint.load(root.resolve("encoder"), m)) {
            TransformerEncoder enc = ck.encoder();
            for (Pair<String, Parameter> p : enc.getParameters()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
            Map<String, float[]> fp32 = gradients(enc, m, ref, DataType.FLOAT32);
            Map<String, float[]> mixed = gradients(enc, m, ref, computeType);
            Set<Parameter> half = enc.matrixParameters();
            for (Pair<String, Parameter> p : enc.getParameters()) {
                float[] a = mixed.get(p.getKey());
                float[] b = fp32.get(p.getKey());
                double diff = 0;
                double scale = 0;
                for (int i = 0; i < a.length; i++) {
                    diff = Math.max(diff, Math.abs(a[i] - b[i]));
                    scale = Math.max(scale, Math.abs(b[i]));
                }
                if (p.getKey().contains("token_type") || scale == 0) {
                    continue; // rows never looked up have zero gradient in both
                }
                assertTrue(diff / scale < RELATIVE, family + " " + p.getKey()
                        + (half.contains(p.getValue()) ? " (" + computeType + ")" : "")
                        + ": gradient relative error " + diff / scale);
            }
            // a sample of the fp16 matrices: their masters got a non-zero gradient
            Parameter qkv = enc.layers().get(0).attention.qkvWeight;
            String key = null;
            for (Pair<String, Parameter> p : enc.getParameters()) {
                if (p.getValue() == qkv) {
                    key = p.getKey();
                }
            }
            double norm = 0;
            for (float x : mixed.get(key)) {
                norm += x * x;
            }
            assertTrue(norm > 0, "query/key/value master received no gradient");
        }
    }
}
