package io.github.prefine.core.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.testing.SharedFixtures;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

class TransformerEncoderTest {

    private static EncoderConfig tiny(float dropout) {
        return EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(40).setHiddenSize(16)
                .setNumHiddenLayers(2).setNumAttentionHeads(4).setIntermediateSize(20).optMaxPositionEmbeddings(16)
                .optHiddenDropoutProb(dropout).optAttentionProbsDropoutProb(dropout).build();
    }

    @Test
    void onlyABatchWithoutPaddingIsDeclaredUnpadded() {
        assertEquals(Boolean.TRUE, TransformerEncoder.forwardParameters(new long[] {1, 1, 1, 1}).get(TransformerEncoder.UNPADDED));
        assertNull(TransformerEncoder.forwardParameters(new long[] {1, 1, 1, 0}));
        assertNull(TransformerEncoder.forwardParameters(new long[] {0, 1, 1, 1}));
    }

    @Test
    void inferenceForwardLeaksNothingIntoTheModelManager() throws Exception {
        try (NDManager model = NDManager.newBaseManager();
                LoadedCheckpoint ck = EncoderCheckpoint.load(SharedFixtures.require("fixtures/hf-reference/bert/encoder"), model);
                NDManager step = model.newSubManager()) {
            ParameterStore ps = new ParameterStore(model, false);
            model.cap();
            NDArray ids = step.create(new long[][] {{2, 10, 11, 3, 0}, {2, 12, 3, 0, 0}});
            NDArray mask = step.create(new long[][] {{1, 1, 1, 1, 0}, {1, 1, 1, 0, 0}});
            NDList out = ck.encoder().forward(ps, new NDList(ids, mask), false);
            assertEquals(new Shape(2, 5, 32), out.get(0).getShape());
            assertEquals(DataType.FLOAT32, out.get(0).getDataType());
            assertTrue(out.get(0).getManager() == step, "output joins the manager of inputIds");
            // inputs, output and nothing else remain in the step manager
            assertEquals(3, ((ai.djl.ndarray.BaseNDManager) step).getManagedArrays().size());
        }
    }

    @Test
    void trainingForwardAppliesDropoutAndBackpropagatesWithoutLeaks() {
        try (NDManager model = NDManager.newBaseManager();
                TransformerEncoder enc = TransformerEncoder.builder().setConfig(tiny(0.3f)).build()) {
            enc.initializeRandom(model, 3);
            ParameterStore ps = new ParameterStore(model, false);
            try (NDManager step = model.newSubManager()) {
                NDArray ids = step.create(new long[][] {{1, 5, 6, 7}});
                NDArray mask = step.create(new long[][] {{1, 1, 1, 1}});
                float[] eval1 = enc.forward(ps, new NDList(ids, mask), false).get(0).toFloatArray();
                float[] eval2 = enc.forward(ps, new NDList(ids, mask), false).get(0).toFloatArray();
                assertEquals(java.util.Arrays.toString(eval1), java.util.Arrays.toString(eval2), "no dropout in inference");
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = enc.forward(ps, new NDList(ids, mask), true).get(0);
                    assertTrue(!java.util.Arrays.equals(eval1, out.toFloatArray()), "dropout active in training");
                    gc.backward(out.square().sum());
                }
                // reading a gradient wraps it in the parameter's manager, so check before capping
                NDArray grad = enc.layers().get(0).attention.qkvWeight.getArray().getGradient();
                assertTrue(grad.abs().sum().getFloat() > 0, "fused qkv receives gradients");
                NDArray embGrad = enc.embeddings().wordEmbeddings.getArray().getGradient();
                assertTrue(embGrad.abs().sum().getFloat() > 0, "embeddings receive gradients");

                // a capped model manager proves the training forward and backward leave nothing in it
                model.cap();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = enc.forward(ps, new NDList(ids, mask), true).get(0);
                    assertTrue(out.getManager() == step);
                    gc.backward(out.square().sum());
                }
            }
        }
    }

    @Test
    void attentionDropoutMasksDrawnUpFrontEqualMasksDrawnLayerByLayer() {
        EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(40).setHiddenSize(16)
                .setNumHiddenLayers(3).setNumAttentionHeads(4).setIntermediateSize(20).optMaxPositionEmbeddings(16)
                .optHiddenDropoutProb(0f).optAttentionProbsDropoutProb(0.4f).build();
        try (NDManager m = NDManager.newBaseManager();
                TransformerEncoder enc = TransformerEncoder.builder().setConfig(config).build()) {
            enc.initializeRandom(m, 9);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray ids = m.create(new long[][] {{1, 5, 6, 7, 8}, {1, 9, 3, 0, 0}});
            NDArray mask = m.create(new long[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}});
            Engine.getInstance().setRandomSeed(7);
            float[] upFront = enc.forward(ps, new NDList(ids, mask), true).get(0).toFloatArray();

            // the same forward, layer by layer: each attention block draws its own mask, in layer order
            Engine.getInstance().setRandomSeed(7);
            NDArray x = enc.embeddings().forward(ps, new NDList(ids), true).get(0);
            NDArray bias = mask.toType(DataType.FLOAT32, false).sub(1f).mul(Float.MAX_VALUE).reshape(2, 1, 1, 5);
            for (EncoderLayer layer : enc.layers()) {
                x = layer.forward(ps, new NDList(x, bias), true).get(0);
            }
            float[] layerByLayer = x.toFloatArray();
            float[] inference = enc.forward(ps, new NDList(ids, mask), false).get(0).toFloatArray();
            assertArrayEquals(layerByLayer, upFront, 0f);
            assertTrue(!java.util.Arrays.equals(inference, upFront), "attention dropout active in training");
        }
    }

    @Test
    void rejectsBadInputsClearly() {
        try (NDManager m = NDManager.newBaseManager();
                TransformerEncoder enc = TransformerEncoder.builder().setConfig(tiny(0f)).build()) {
            enc.initializeRandom(m, 1);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray ids = m.create(new long[][] {{1, 2, 3}});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> enc.forward(ps, new NDList(ids, m.create(new long[][] {{1, 1}})), false));
            assertTrue(e.getMessage().contains("attentionMask shape (1, 2) differs from inputIds shape (1, 3)"), e.getMessage());
            NDArray longIds = m.zeros(new Shape(1, 17), DataType.INT64);
            e = assertThrows(IllegalArgumentException.class, () -> enc.forward(ps, new NDList(longIds, longIds), false));
            assertTrue(e.getMessage().contains("sequence length 17 exceeds the 16 positions"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> enc.forward(ps, new NDList(ids), false));
            assertTrue(e.getMessage().contains("NDList(inputIds, attentionMask[, tokenTypeIds])"), e.getMessage());
        }
    }

    @Test
    void tokenTypesChangeBertOutputsAndDefaultToZero() {
        EncoderConfig config = tiny(0f);
        try (NDManager m = NDManager.newBaseManager();
                TransformerEncoder enc = TransformerEncoder.builder().setConfig(config).build()) {
            enc.initializeRandom(m, 5);
            long[][] ids = {{1, 5, 6, 7}};
            long[][] mask = {{1, 1, 1, 1}};
            float[][][] none = EncoderParityTest.run(enc, m, ids, mask, null);
            float[][][] zeros = EncoderParityTest.run(enc, m, ids, mask, new long[][] {{0, 0, 0, 0}});
            float[][][] ones = EncoderParityTest.run(enc, m, ids, mask, new long[][] {{0, 0, 1, 1}});
            assertTrue(java.util.Arrays.deepEquals(none, zeros));
            assertTrue(!java.util.Arrays.deepEquals(none, ones));
        }
    }

    @Test
    void float16EitherRunsCloseToFloat32OrFailsClearly() throws Exception {
        java.nio.file.Path dir = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/encoder");
        long[][] ids = {{0, 7, 3, 117, 234, 2}};
        long[][] mask = {{1, 1, 1, 1, 1, 1}};
        try (NDManager m = NDManager.newBaseManager();
                LoadedCheckpoint f32 = EncoderCheckpoint.load(dir, m);
                LoadedCheckpoint f16 = EncoderCheckpoint.load(dir, m, DataType.FLOAT16)) {
            assertEquals(DataType.FLOAT16, f16.encoder().layers().get(0).attention.qkvWeight.getArray().getDataType());
            float[][][] a = EncoderParityTest.run(f32.encoder(), m, ids, mask, null);
            float[][][] b = EncoderParityTest.run(f16.encoder(), m, ids, mask, null);
            double err = 0;
            for (int t = 0; t < 6; t++) {
                for (int h = 0; h < 32; h++) {
                    err = Math.max(err, Math.abs(a[0][t][h] - b[0][t][h]));
                }
            }
            System.out.println("float16 vs float32 max abs difference on CPU: " + err);
            assertTrue(err < 2e-2, "float16 max abs error " + err);
        }
    }

    @Test
    void djlInitializePathGivesShapedParametersInTheEncoderDtype() {
        try (NDManager m = NDManager.newBaseManager();
                TransformerEncoder enc = TransformerEncoder.builder().setConfig(tiny(0f)).build()) {
            // what Trainer.initialize does for a block that was neither loaded nor seeded
            enc.initialize(m, DataType.FLOAT32, new Shape(1, 4), new Shape(1, 4));
            assertTrue(enc.isInitialized());
            assertEquals(new Shape(48, 16), enc.layers().get(1).attention.qkvWeight.getArray().getShape());
            assertEquals(new Shape(16, 16), enc.embeddings().positionEmbeddings.getArray().getShape());
            NDArray out = enc.forward(new ParameterStore(m, false),
                    new NDList(m.create(new long[][] {{1, 2, 3, 4}}), m.create(new long[][] {{1, 1, 1, 0}})), false).get(0);
            assertEquals(new Shape(1, 4, 16), out.getShape());
            assertEquals(new Shape[] {new Shape(3, 9, 16)}[0], enc.getOutputShapes(new Shape[] {new Shape(3, 9)})[0]);
        }
    }

    @Test
    void randomWeightsAreDrawnWithTheConfigsInitializerRange() {
        // HF's _init_weights draws every Linear and Embedding weight from normal(0,
        // config.initializer_range); both ways of drawing an encoder used 0.02 whatever the config said
        EncoderConfig wide = EncoderConfig.builder().setModelType(ModelFamily.XLM_ROBERTA).setVocabSize(512)
                .setHiddenSize(64).setNumHiddenLayers(1).setNumAttentionHeads(4).setIntermediateSize(64)
                .optMaxPositionEmbeddings(34).optInitializerRange(0.5f).build();
        drawnBothWays(wide, (what, enc) -> {
            // 32768 and 4096 draws: 10% of sigma is over 10 standard errors of the sample std
            assertStd(0.5, enc.embeddings().wordEmbeddings.getArray().toFloatArray(), wide.padTokenId(), 64);
            assertStd(0.5, enc.layers().get(0).intermediateWeight.getArray().toFloatArray(), -1, 64);
            for (float b : enc.layers().get(0).intermediateBias.getArray().toFloatArray()) {
                assertEquals(0f, b, what + ": biases start at zero");
            }
        });
    }

    @Test
    void bothWaysOfDrawingZeroThePaddingRowsAsHfDoes() {
        // HF's _init_weights zeroes weight[padding_idx] of every nn.Embedding that has one: the word
        // table, and RoBERTa's position table (BERT's has none); DJL's initialize path left them drawn
        for (ModelFamily family : new ModelFamily[] {ModelFamily.BERT, ModelFamily.XLM_ROBERTA}) {
            EncoderConfig c = EncoderConfig.builder().setModelType(family).setVocabSize(32).setHiddenSize(8)
                    .setNumHiddenLayers(1).setNumAttentionHeads(2).setIntermediateSize(8)
                    .optMaxPositionEmbeddings(20).optInitializerRange(0.5f).build();
            drawnBothWays(c, (way, enc) -> {
                String what = family + " (" + way + ")";
                float[] words = enc.embeddings().wordEmbeddings.getArray().toFloatArray();
                float[] positions = enc.embeddings().positionEmbeddings.getArray().toFloatArray();
                int pad = c.padTokenId();
                for (int col = 0; col < 8; col++) {
                    assertEquals(0f, words[pad * 8 + col], what + ": word row " + pad + " (padding)");
                    assertNotEquals(0f, words[(pad + 1) * 8 + col], what + ": word row " + (pad + 1) + " drawn");
                    if (family.usesPaddingPositions()) {
                        assertEquals(0f, positions[pad * 8 + col], what + ": position row " + pad + " (padding)");
                    } else {
                        assertNotEquals(0f, positions[pad * 8 + col], what + ": BERT's position row " + pad + " drawn");
                    }
                }
            });
        }
    }

    /**
     * With {@code "pad_token_id": null} HF's BERT embeddings have no padding_idx, so its
     * _init_weights zeroes no row of the word table; prefine zeroed the family's row 0 both ways.
     */
    @Test
    void aNullPadTokenIdZeroesNoRowEitherWay() {
        EncoderConfig c = EncoderConfig.fromJson("{\"model_type\":\"bert\",\"vocab_size\":32,\"hidden_size\":8,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"intermediate_size\":8,"
                + "\"max_position_embeddings\":20,\"initializer_range\":0.5,\"pad_token_id\":null}");
        drawnBothWays(c, (what, enc) -> {
            float[] words = enc.embeddings().wordEmbeddings.getArray().toFloatArray();
            // a drawn row of normal(0, 0.5) values: none of the 32 rows is all zero
            for (int row = 0; row < 32; row++) {
                boolean drawn = false;
                for (int col = 0; col < 8; col++) {
                    drawn |= words[row * 8 + col] != 0f;
                }
                assertTrue(drawn, what + ": word row " + row + " drawn");
            }
        });
    }

    /** Draws two encoders of the config, by initializeRandom and by DJL's initialize, and checks each, named. */
    private static void drawnBothWays(EncoderConfig c, BiConsumer<String, TransformerEncoder> check) {
        try (NDManager m = NDManager.newBaseManager();
                TransformerEncoder seeded = TransformerEncoder.builder().setConfig(c).build();
                TransformerEncoder djl = TransformerEncoder.builder().setConfig(c).build()) {
            seeded.initializeRandom(m, 5);
            djl.initialize(m, DataType.FLOAT32, new Shape(1, 4), new Shape(1, 4));
            check.accept("initializeRandom", seeded);
            check.accept("DJL's initialize", djl);
        }
    }

    /** The std of a weight's values (the padding row {@code skipRow} of width {@code cols} left out) is about {@code sigma}. */
    private static void assertStd(double sigma, float[] values, int skipRow, int cols) {
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (i / cols != skipRow) {
                sum += values[i];
                sq += (double) values[i] * values[i];
                n++;
            }
        }
        double mean = sum / n;
        double std = Math.sqrt(sq / n - mean * mean);
        assertTrue(Math.abs(std - sigma) < 0.1 * sigma, "weight std " + std + ", expected about " + sigma);
        assertTrue(Math.abs(mean) < 0.1 * sigma, "weight mean " + mean + ", expected about 0");
    }

    @Test
    void isInitializedFollowsEveryParameterBelowEachBlock() {
        try (NDManager m = NDManager.newBaseManager();
                TransformerEncoder enc = TransformerEncoder.builder().setConfig(tiny(0f)).build()) {
            EncoderLayer second = enc.layers().get(1);
            assertFalse(enc.isInitialized());
            assertFalse(second.isInitialized());
            enc.initialize(m, DataType.FLOAT32, new Shape(1, 4), new Shape(1, 4));
            assertTrue(enc.isInitialized());
            assertTrue(enc.embeddings().isInitialized());
            assertTrue(second.isInitialized());
            assertTrue(second.attention.isInitialized());
            // a parameter two levels down without an array: every block above it says so, as DJL's test does
            second.attention.qkvWeight.close();
            assertFalse(second.attention.isInitialized());
            assertFalse(second.isInitialized());
            assertFalse(enc.isInitialized());
            assertTrue(enc.layers().get(0).isInitialized());
            assertTrue(enc.embeddings().isInitialized());
        }
    }
}
