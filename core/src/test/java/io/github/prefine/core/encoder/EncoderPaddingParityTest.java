package io.github.prefine.core.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Layouts of a batch that the HF fixtures do not encode directly but whose HF result follows from
 * them: XLM-R left padding (its positions count only non-padding ids and padded keys are masked,
 * so HF gives every real token the state of the unpadded text), BERT right padding up to the whole
 * position table with a pair's token types, and a training forward with the fixtures' zero dropout.
 * The embeddings are also checked against a hand computation: XLM-R positions on left padding, a
 * pad id inside the text and the last row of the position table, and the config's LayerNorm epsilon.
 */
class EncoderPaddingParityTest {

    private static final double TOLERANCE = 1e-4;

    /** Every case's real tokens as one row of a {@code length}-wide batch, left or right padded. */
    private static long[][][] layout(List<HfReference.Case> cases, int length, long pad, boolean left) {
        long[][] ids = new long[cases.size()][length];
        long[][] mask = new long[cases.size()][length];
        long[][] types = new long[cases.size()][length];
        for (int b = 0; b < cases.size(); b++) {
            HfReference.Case c = cases.get(b);
            int n = c.realTokens();
            int start = left ? length - n : 0;
            Arrays.fill(ids[b], pad);
            System.arraycopy(c.ids(), 0, ids[b], start, n);
            System.arraycopy(c.typeIds(), 0, types[b], start, n);
            Arrays.fill(mask[b], start, start + n, 1L);
        }
        return new long[][][] {ids, mask, types};
    }

    /** What a test does with a fixture's reference, its loaded checkpoint and the manager that owns it. */
    interface FixtureBody {
        void run(HfReference ref, LoadedCheckpoint ck, NDManager m) throws Exception;
    }

    /** Loads {@code fixtures/hf-reference/<family>} and runs {@code body} under the given attention. */
    static void onFixture(String family, String attention, FixtureBody body) throws Exception {
        FusedAttentionTest.withAttention(attention, () -> {
            Path root = SharedFixtures.require("fixtures/hf-reference/" + family);
            HfReference ref = new HfReference(root.resolve("reference.json"));
            try (NDManager m = NDManager.newBaseManager();
                    LoadedCheckpoint ck = EncoderCheckpoint.load(root.resolve("encoder"), m)) {
                body.run(ref, ck, m);
            }
            return null;
        });
    }

    /** The states at {@code [start, start + n)} of a row, as an array from 0. */
    private static float[][] slice(float[][] row, int start, int n) {
        return Arrays.copyOfRange(row, start, start + n);
    }

    @ParameterizedTest(name = "{0} attention")
    @ValueSource(strings = {"explicit", "fused"})
    void xlmRobertaLeftPaddedMixedBatchAtFullLengthMatchesHf(String attention) throws Exception {
        onFixture("xlm-roberta", attention, (ref, ck, m) -> {
            EncoderConfig config = ck.encoder().config();
            // the longest row the position table allows: every row is padded, the shortest by far
            int length = config.maxSequenceLength();
            long[][][] batch = layout(ref.cases, length, config.padTokenId(), true);
            float[][][] out = EncoderParityTest.run(ck.encoder(), m, batch[0], batch[1], null);
            for (int b = 0; b < ref.cases.size(); b++) {
                HfReference.Case c = ref.cases.get(b);
                int n = c.realTokens();
                double err = EncoderParityTest.maxAbsDiff(c.hidden(), slice(out[b], length - n, n), n);
                assertTrue(err < TOLERANCE, "xlm-roberta, " + attention + " attention, case '" + c.text()
                        + "' left-padded to " + length + ": max abs error " + err);
            }
        });
    }

    @ParameterizedTest(name = "{0} attention")
    @ValueSource(strings = {"explicit", "fused"})
    void bertRightPaddedToThePositionTableWithPairTypesMatchesHf(String attention) throws Exception {
        onFixture("bert", attention, (ref, ck, m) -> {
            assertTrue(ref.cases.stream().anyMatch(c -> Arrays.stream(c.typeIds()).anyMatch(t -> t == 1)),
                    "the fixture has a pair case with segment 1");
            EncoderConfig config = ck.encoder().config();
            int length = config.maxSequenceLength();
            assertEquals(config.maxPositionEmbeddings(), length, "BERT positions start at 0");
            long[][][] batch = layout(ref.cases, length, config.padTokenId(), false);
            float[][][] out = EncoderParityTest.run(ck.encoder(), m, batch[0], batch[1], batch[2]);
            for (int b = 0; b < ref.cases.size(); b++) {
                HfReference.Case c = ref.cases.get(b);
                double err = EncoderParityTest.maxAbsDiff(c.hidden(), out[b], c.realTokens());
                assertTrue(err < TOLERANCE, "bert, " + attention + " attention, case '" + c.text()
                        + "' right-padded to " + length + ": max abs error " + err);
            }
        });
    }

    @ParameterizedTest(name = "{0}, {1} attention")
    @CsvSource({"bert, explicit", "xlm-roberta, explicit", "bert, fused", "xlm-roberta, fused"})
    void oneTokenAloneEqualsTheSameTokenInAPaddedBatch(String family, String attention) throws Exception {
        // HF gives a real token the same state alone and padded (XLM-R on either side, BERT on the
        // right): batch 1 x length 1 is the smallest shape the reshapes into heads meet
        onFixture(family, attention, (ref, ck, m) -> {
            long pad = ck.encoder().config().padTokenId();
            boolean left = ck.encoder().config().modelType().usesPaddingPositions();
            // XLM-R: the one-token row left-padded beside a full one (a mixed batch); BERT: right-padded
            HfReference.Case full = ref.cases.get(0);
            long first = full.ids()[0];
            float[][] alone = EncoderParityTest.run(ck.encoder(), m, new long[][] {{first}}, new long[][] {{1}}, null)[0];
            int length = full.ids().length;
            int at = left ? length - 1 : 0;
            long[] row = new long[length];
            Arrays.fill(row, pad);
            row[at] = first;
            long[] rowMask = new long[length];
            rowMask[at] = 1;
            long[][] ids = left ? new long[][] {row, full.ids()} : new long[][] {row};
            long[][] mask = left ? new long[][] {rowMask, full.mask()} : new long[][] {rowMask};
            float[][][] batch = EncoderParityTest.run(ck.encoder(), m, ids, mask, null);
            double err = EncoderParityTest.maxAbsDiff(alone, slice(batch[0], at, 1), 1);
            assertTrue(err < 1e-5, family + ", " + attention + " attention: one token alone and padded differ by " + err);
        });
    }

    @Test
    void xlmRobertaPositionsCountOnlyNonPaddingIds() {
        try (NDManager m = NDManager.newBaseManager()) {
            // pad id 1: left padding, then a pad id inside the text, which HF also gives the padding position
            NDArray ids = m.create(new long[][] {{1, 1, 0, 7, 2}, {0, 7, 1, 8, 2}, {0, 1, 1, 1, 1}});
            long[] expected = {1, 1, 2, 3, 4, 2, 3, 1, 4, 5, 2, 1, 1, 1, 1};
            assertArrayEquals(expected, EncoderEmbeddings.paddingAwarePositions(ids, 1).toLongArray());
        }
    }

    @Test
    void xlmRobertaEmbeddingsMatchAHandComputationUpToTheLastPositionRow() {
        // a large epsilon, so that reading it from anywhere but the config shows
        EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.XLM_ROBERTA).setVocabSize(30)
                .setHiddenSize(8).setNumHiddenLayers(1).setNumAttentionHeads(2).setIntermediateSize(12)
                .optMaxPositionEmbeddings(10).optTypeVocabSize(1).optLayerNormEps(0.25f).build();
        int pad = config.padTokenId();
        int h = config.hiddenSize();
        // full length (8): the first row reaches the last position row, 9; the second is left-padded
        // with a pad id inside the text
        long[][] ids = {{0, 5, 6, 7, 8, 9, 10, 2}, {pad, pad, 0, 5, pad, 6, 7, 2}};
        long[][] positions = {{2, 3, 4, 5, 6, 7, 8, 9}, {pad, pad, 2, 3, pad, 4, 5, 6}};
        assertEquals(ids[0].length, config.maxSequenceLength());
        try (NDManager m = NDManager.newBaseManager();
                TransformerEncoder enc = TransformerEncoder.builder().setConfig(config).build()) {
            enc.initializeRandom(m, 7);
            EncoderEmbeddings e = enc.embeddings();
            // random LayerNorm scale and shift, so that a swapped pair shows
            e.layerNormWeight.getArray().set(m.randomUniform(0.5f, 1.5f, new Shape(h)).toFloatArray());
            e.layerNormBias.getArray().set(m.randomUniform(-0.5f, 0.5f, new Shape(h)).toFloatArray());
            float[] word = e.wordEmbeddings.getArray().toFloatArray();
            float[] pos = e.positionEmbeddings.getArray().toFloatArray();
            float[] type = e.tokenTypeEmbeddings.getArray().toFloatArray();
            float[] gamma = e.layerNormWeight.getArray().toFloatArray();
            float[] beta = e.layerNormBias.getArray().toFloatArray();
            float[] out = e.forward(new ParameterStore(m, false), new NDList(m.create(ids)), false).get(0).toFloatArray();
            int t = ids[0].length;
            for (int b = 0; b < ids.length; b++) {
                for (int i = 0; i < t; i++) {
                    double[] x = new double[h];
                    double mean = 0;
                    for (int j = 0; j < h; j++) {
                        x[j] = word[(int) ids[b][i] * h + j] + pos[(int) positions[b][i] * h + j] + type[j];
                        mean += x[j] / h;
                    }
                    double var = 0;
                    for (int j = 0; j < h; j++) {
                        var += (x[j] - mean) * (x[j] - mean) / h;
                    }
                    for (int j = 0; j < h; j++) {
                        double expected = (x[j] - mean) / Math.sqrt(var + 0.25) * gamma[j] + beta[j];
                        assertEquals(expected, out[(b * t + i) * h + j], 1e-5, "row " + b + " position " + i + " unit " + j);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1} attention")
    @CsvSource({"bert, explicit", "xlm-roberta, explicit", "bert, fused", "xlm-roberta, fused"})
    void trainingForwardWithZeroDropoutMatchesHfAndRepeats(String family, String attention) throws Exception {
        onFixture(family, attention, (ref, ck, m) -> {
            TransformerEncoder enc = ck.encoder();
            assertEquals(0f, enc.config().hiddenDropoutProb(), "the fixture is saved with dropout 0");
            assertEquals(0f, enc.config().attentionProbsDropoutProb(), "the fixture is saved with dropout 0");
            float[] first = null;
            for (int round = 0; round < 2; round++) {
                try (NDManager step = m.newSubManager()) {
                    NDList in = new NDList(step.create(ref.batchIds), step.create(ref.batchMask));
                    float[] flat = enc.forward(new ParameterStore(m, false), in, true).get(0).toFloatArray();
                    int t = ref.batchIds[0].length;
                    int h = enc.config().hiddenSize();
                    for (int b = 0; b < ref.batchIds.length; b++) {
                        for (int i = 0; i < t; i++) {
                            if (ref.batchMask[b][i] == 0) {
                                continue;
                            }
                            for (int j = 0; j < h; j++) {
                                double err = Math.abs(ref.batchHidden[b][i][j] - flat[(b * t + i) * h + j]);
                                assertTrue(err < TOLERANCE, family + ", " + attention + " attention, training forward, row " + b + " position " + i
                                        + ": error " + err);
                            }
                        }
                    }
                    if (first == null) {
                        first = flat;
                    } else {
                        assertArrayEquals(first, flat, "a training forward without dropout must repeat exactly");
                    }
                }
            }
        });
    }
}
