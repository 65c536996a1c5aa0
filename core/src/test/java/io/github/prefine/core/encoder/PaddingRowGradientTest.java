package io.github.prefine.core.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.github.prefine.core.precision.HalfPrecisionStore;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HF's embeddings are {@code nn.Embedding(..., padding_idx=pad_token_id)}: the word table's padding
 * row, and for RoBERTa/XLM-R the position table's (padded positions look up row {@code
 * pad_token_id}), take no gradient, so training never moves them. A loss that reads padded
 * positions, as HF's extractive QA loss does (its softmax runs over every position, padding
 * included), and a loss over real tokens only, as prefine's heads take, on a text where the
 * padding id stands as a real token (a literal {@code <pad>} or {@code [PAD]} in the text), must
 * leave those rows' gradients exactly 0, while the rows of real tokens get one.
 */
class PaddingRowGradientTest {

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"bert, FLOAT32", "xlm-roberta, FLOAT32", "bert, FLOAT16", "xlm-roberta, BFLOAT16"})
    void paddingRowsTakeNoGradientAsHfsPaddingIdx(String family, DataType computeType) throws Exception {
        EncoderPaddingParityTest.onFixture(family, "explicit", (ref, ck, m) -> {
            TransformerEncoder enc = ck.encoder();
            int pad = enc.config().padTokenId();
            assertTrue(java.util.Arrays.stream(ref.batchMask).flatMapToLong(java.util.Arrays::stream).anyMatch(v -> v == 0),
                    "the fixture's batch has padding");
            for (Pair<String, Parameter> p : enc.getParameters()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
            try (NDManager step = m.newSubManager()) {
                ParameterStore ps = computeType == DataType.FLOAT32 ? new ParameterStore(step, false)
                        : new HalfPrecisionStore(step, enc.matrixParameters(), computeType);
                // every position, padding included, as HF's QA loss reads them
                backward(enc, ps, step.create(ref.batchIds), step.create(ref.batchMask), false);
                assertNoGradient(enc.embeddings().wordEmbeddings, pad, family + ": word table");
                assertTrue(norm(rows(enc.embeddings().wordEmbeddings, (int) ref.batchIds[0][1])) > 0,
                        family + ": a real token's row got no gradient");
                if (enc.config().modelType().usesPaddingPositions()) {
                    assertNoGradient(enc.embeddings().positionEmbeddings, pad, family + ": position table");
                    assertTrue(norm(rows(enc.embeddings().positionEmbeddings, pad + 1)) > 0,
                            family + ": the first real position's row got no gradient");
                } else {
                    // BERT's position table has no padding_idx: row 0 is the first token's position
                    assertTrue(norm(rows(enc.embeddings().positionEmbeddings, pad)) > 0,
                            family + ": position row 0 got no gradient");
                }
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void aPaddingIdAmongRealTokensTakesNoGradientUnderAMaskedLoss(String family) throws Exception {
        EncoderPaddingParityTest.onFixture(family, "explicit", (ref, ck, m) -> {
            TransformerEncoder enc = ck.encoder();
            int pad = enc.config().padTokenId();
            // the last case, which has no padding, its second token replaced by the padding id
            HfReference.Case c = ref.cases.get(ref.cases.size() - 1);
            long[] ids = c.ids().clone();
            ids[1] = pad;
            enc.embeddings().wordEmbeddings.getArray().setRequiresGradient(true);
            try (NDManager step = m.newSubManager()) {
                // real tokens only, as the heads' losses read them
                backward(enc, new ParameterStore(step, false), step.create(new long[][] {ids}),
                        step.create(new long[][] {c.mask()}), true);
                assertNoGradient(enc.embeddings().wordEmbeddings, pad, family + ": word table");
                assertTrue(norm(rows(enc.embeddings().wordEmbeddings, (int) ids[2])) > 0,
                        family + ": a real token's row got no gradient");
            }
        });
    }

    /**
     * {@code "pad_token_id": null} (BERT): HF's word table is {@code nn.Embedding(...,
     * padding_idx=None)}, so the row of id 0, BERT's usual padding id, takes its gradient as every
     * other row does. The same weights with {@code pad_token_id} 0 give that row none and every
     * other row the same gradient: the padding index changes one row's gradient and nothing else.
     */
    @Test
    void aNullPadTokenIdGivesNoRowThePaddingRule() {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerEncoder none = tinyBert(m, EncoderConfig.builder().optPadTokenIdNull());
            TransformerEncoder zero = tinyBert(m, EncoderConfig.builder().optPadTokenId(0));
            ParameterList from = none.getParameters();
            ParameterList to = zero.getParameters();
            for (int i = 0; i < from.size(); i++) {
                // the same weights: a new encoder's init zeroes row 0 only where it is the padding row
                from.get(i).getValue().getArray().copyTo(to.get(i).getValue().getArray());
            }
            // id 0 as a real token (position 1) and as padding (positions 3, 4); a loss over every position
            long[][] ids = {{2, 0, 5, 0, 0}};
            long[][] mask = {{1, 1, 1, 0, 0}};
            float[][] grads = new float[2][];
            TransformerEncoder[] encoders = {none, zero};
            for (int e = 0; e < 2; e++) {
                encoders[e].embeddings().wordEmbeddings.getArray().setRequiresGradient(true);
                try (NDManager step = m.newSubManager()) {
                    backward(encoders[e], new ParameterStore(step, false), step.create(ids), step.create(mask), false);
                    grads[e] = encoders[e].embeddings().wordEmbeddings.getArray().getGradient().toFloatArray();
                }
            }
            int width = none.config().hiddenSize();
            float[] rowNone = Arrays.copyOfRange(grads[0], 0, width);
            assertTrue(norm(rowNone) > 0, "pad_token_id null: row 0 got no gradient, as if it were HF's padding_idx");
            assertNoGradient(zero.embeddings().wordEmbeddings, 0, "pad_token_id 0: word table");
            assertArrayEquals(Arrays.copyOfRange(grads[0], width, grads[0].length),
                    Arrays.copyOfRange(grads[1], width, grads[1].length), 1e-6f,
                    "rows 1.. of the word table: the padding index changes row 0's gradient only");
        }
    }

    /** A random one-layer BERT without dropout, whose padding id {@code pad} sets. */
    private static TransformerEncoder tinyBert(NDManager m, EncoderConfig.Builder pad) {
        EncoderConfig c = pad.setModelType(ModelFamily.BERT).setVocabSize(7).setHiddenSize(8).setNumHiddenLayers(1)
                .setNumAttentionHeads(2).setIntermediateSize(12).optHiddenDropoutProb(0f)
                .optAttentionProbsDropoutProb(0f).optMaxPositionEmbeddings(8).build();
        TransformerEncoder enc = TransformerEncoder.builder().setConfig(c).build();
        enc.initializeRandom(m, 11L);
        return enc;
    }

    /** A training forward and the backward of a fixed random projection of its states, masked or not. */
    private static void backward(TransformerEncoder enc, ParameterStore ps, NDArray ids, NDArray mask, boolean masked) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out = enc.forward(ps, new NDList(ids, mask), true).get(0);
            NDArray loss = out.mul(ids.getManager().create(
                    MixedPrecisionParityTest.projection(out.getShape().size(), 3L), out.getShape()));
            gc.backward((masked ? loss.mul(mask.toType(DataType.FLOAT32, false).expandDims(-1)) : loss).sum());
        }
    }

    private static void assertNoGradient(Parameter table, int row, String what) {
        float[] g = rows(table, row);
        for (int j = 0; j < g.length; j++) {
            assertEquals(0f, g[j], what + "'s padding row " + row + ", unit " + j + ": expected no gradient (HF's padding_idx)");
        }
    }

    private static float[] rows(Parameter table, int row) {
        try (NDArray g = table.getArray().getGradient()) {
            return g.get(row).toFloatArray();
        }
    }

    private static double norm(float[] a) {
        double s = 0;
        for (float x : a) {
            s += (double) x * x;
        }
        return s;
    }
}
