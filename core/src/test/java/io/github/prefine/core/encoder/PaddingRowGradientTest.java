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
import io.github.prefine.core.precision.HalfPrecisionStore;
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
