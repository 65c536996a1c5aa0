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
import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        Path root = SharedFixtures.require("fixtures/hf-reference/" + family);
        HfReference ref = new HfReference(root.resolve("reference.json"));
        try (NDManager m = NDManager.newBaseManager();
                LoadedCheckpoint ck = EncoderCheckpoint.load(root.resolve("encoder"), m)) {
            TransformerEncoder enc = ck.encoder();
            int pad = enc.config().padTokenId();
            int padded = 0;
            for (long[] row : ref.batchMask) {
                for (long v : row) {
                    padded += v == 0 ? 1 : 0;
                }
            }
            assertTrue(padded > 0, "the fixture's batch has padding");
            for (Pair<String, Parameter> p : enc.getParameters()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
            try (NDManager step = m.newSubManager()) {
                ParameterStore ps = computeType == DataType.FLOAT32 ? new ParameterStore(step, false)
                        : new HalfPrecisionStore(step, enc.matrixParameters(), computeType);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = enc.forward(ps, new NDList(step.create(ref.batchIds), step.create(ref.batchMask)),
                            true).get(0);
                    // a fixed random projection of every position, padding included, as a QA loss reads them
                    float[] r = new float[Math.toIntExact(out.getShape().size())];
                    SplittableRandom rnd = new SplittableRandom(3);
                    for (int i = 0; i < r.length; i++) {
                        r[i] = (float) rnd.nextGaussian();
                    }
                    gc.backward(out.mul(step.create(r, out.getShape())).sum());
                }
                float[] word = rows(enc.embeddings().wordEmbeddings, pad);
                for (int j = 0; j < word.length; j++) {
                    assertEquals(0f, word[j], family + ": word table's padding row " + pad + ", unit " + j
                            + ": expected no gradient (HF's padding_idx)");
                }
                // a real token's row does get one: the backward reached the table
                float[] real = rows(enc.embeddings().wordEmbeddings, (int) ref.batchIds[0][1]);
                assertTrue(norm(real) > 0, family + ": a real token's row got no gradient");
                float[] pos = rows(enc.embeddings().positionEmbeddings, pad);
                if (enc.config().modelType().usesPaddingPositions()) {
                    for (int j = 0; j < pos.length; j++) {
                        assertEquals(0f, pos[j], family + ": position table's padding row " + pad + ", unit " + j
                                + ": expected no gradient (HF's padding_idx)");
                    }
                    assertTrue(norm(rows(enc.embeddings().positionEmbeddings, pad + 1)) > 0,
                            family + ": the first real position's row got no gradient");
                } else {
                    // BERT's position table has no padding_idx: row 0 is the first token's position
                    assertTrue(norm(pos) > 0, family + ": position row 0 got no gradient");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"bert", "xlm-roberta"})
    void aPaddingIdAmongRealTokensTakesNoGradientUnderAMaskedLoss(String family) throws Exception {
        Path root = SharedFixtures.require("fixtures/hf-reference/" + family);
        HfReference ref = new HfReference(root.resolve("reference.json"));
        try (NDManager m = NDManager.newBaseManager();
                LoadedCheckpoint ck = EncoderCheckpoint.load(root.resolve("encoder"), m)) {
            TransformerEncoder enc = ck.encoder();
            int pad = enc.config().padTokenId();
            // the first case without padding, its second token replaced by the padding id
            HfReference.Case c = ref.cases.get(ref.cases.size() - 1);
            long[] ids = c.ids().clone();
            ids[1] = pad;
            enc.embeddings().wordEmbeddings.getArray().setRequiresGradient(true);
            try (NDManager step = m.newSubManager()) {
                NDArray mask = step.create(new long[][] {c.mask()});
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = enc.forward(new ParameterStore(step, false),
                            new NDList(step.create(new long[][] {ids}), mask), true).get(0);
                    float[] r = new float[Math.toIntExact(out.getShape().size())];
                    SplittableRandom rnd = new SplittableRandom(5);
                    for (int i = 0; i < r.length; i++) {
                        r[i] = (float) rnd.nextGaussian();
                    }
                    // real tokens only, as the heads' losses read them
                    gc.backward(out.mul(step.create(r, out.getShape()))
                            .mul(mask.toType(DataType.FLOAT32, false).expandDims(-1)).sum());
                }
                float[] word = rows(enc.embeddings().wordEmbeddings, pad);
                for (int j = 0; j < word.length; j++) {
                    assertEquals(0f, word[j], family + ": word table's padding row " + pad + ", unit " + j
                            + ": expected no gradient (HF's padding_idx)");
                }
                assertTrue(norm(rows(enc.embeddings().wordEmbeddings, (int) ids[2])) > 0,
                        family + ": a real token's row got no gradient");
            }
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
