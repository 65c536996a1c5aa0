package io.github.prefine.core.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.heads.HeadFamily;
import io.github.prefine.heads.HeadLosses;
import io.github.prefine.heads.QuestionAnsweringHead;
import io.github.prefine.heads.TokenClassificationHead;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The one head adapter: its padding rule for spans and its per-example losses, against hand-computed values. */
class HeadAdapterTest {
    private static final int HIDDEN = 8;

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** Cross entropy over {@code n} values of {@code v} from {@code from}, stride {@code stride}, in double. */
    private static double ce(float[] v, int from, int stride, int n, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, v[from + i * stride]);
        }
        double z = 0;
        for (int i = 0; i < n; i++) {
            z += Math.exp(v[from + i * stride] - max);
        }
        return Math.log(z) + max - v[from + label * stride];
    }

    @Test
    void spanLossIgnoresPaddingAndEqualsTheLossOverRealTokens() {
        try (NDManager m = NDManager.newBaseManager()) {
            TaskHead head = TaskFormat.QA.newHead(2, HeadFamily.BERT, 7);
            head.initialize(m, HIDDEN);
            ParameterStore ps = new ParameterStore(m, false);
            // two rows of 5 positions; row 1 has 3 real tokens
            int len = 5;
            long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
            float[] h = random(2 * len * HIDDEN, 1);
            NDArray labels = m.create(new int[] {1, 3, 2, 0}, new Shape(2, 2));
            NDArray hidden = m.create(h, new Shape(2, len, HIDDEN));
            NDArray logits = head.logits(ps, hidden, m.create(mask, new Shape(2, len)), false);
            float[] losses = head.exampleLosses(logits, labels).toFloatArray();

            // expected from the block's raw logits, each row's softmax over its real tokens only
            float[] raw = ((QuestionAnsweringHead) head.block()).spanLogits(ps, hidden, false).toFloatArray();
            double row0 = (ce(raw, 0, 2, 5, 1) + ce(raw, 1, 2, 5, 3)) / 2;
            double row1 = (ce(raw, 2 * len, 2, 3, 2) + ce(raw, 2 * len + 1, 2, 3, 0)) / 2;
            assertArrayEquals(new float[] {(float) row0, (float) row1}, losses, 1e-5f);

            // the same rows padded to 9 positions: same losses
            int longer = 9;
            float[] h2 = random(2 * longer * HIDDEN, 2);
            long[] mask2 = new long[2 * longer];
            for (int r = 0; r < 2; r++) {
                System.arraycopy(h, r * len * HIDDEN, h2, r * longer * HIDDEN, len * HIDDEN);
                System.arraycopy(mask, r * len, mask2, r * longer, len);
            }
            NDArray logits2 = head.logits(ps, m.create(h2, new Shape(2, longer, HIDDEN)),
                    m.create(mask2, new Shape(2, longer)), false);
            assertArrayEquals(losses, head.exampleLosses(logits2, labels).toFloatArray(), 1e-5f);

            // padding logits sit PADDING_LOGIT below the raw ones; real ones are untouched
            float[] got = logits.toFloatArray();
            for (int i = 0; i < 2 * len; i++) {
                float offset = mask[i] == 1 ? 0f : HeadAdapter.PADDING_LOGIT;
                assertEquals(raw[2 * i] + offset, got[2 * i], 1e-2f, "start " + i);
                assertEquals(raw[2 * i + 1] + offset, got[2 * i + 1], 1e-2f, "end " + i);
            }
        }
    }

    @Test
    void stackedSpanLossMatchesTheSplitOneAndIgnoresOutOfRangePositions() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] v = random(3 * 4 * 2, 3);
            NDArray stacked = m.create(v, new Shape(3, 4, 2));
            // row 2's end is past the sequence (HF's clamp-and-ignore): only its start is scored
            int[] pos = {0, 3, 2, 2, 1, 9};
            float[] got = HeadLosses.perExampleSpanLoss(stacked, m.create(pos, new Shape(3, 2))).loss().toFloatArray();
            float[] split = HeadLosses.perExampleSpanLoss(stacked.get(":, :, 0"), stacked.get(":, :, 1"),
                    m.create(new int[] {0, 2, 1}), m.create(new int[] {3, 2, 9})).loss().toFloatArray();
            assertArrayEquals(split, got, 1e-6f);
            double row2 = ce(v, 2 * 8, 2, 4, 1);
            assertEquals(row2, got[2], 1e-5);
        }
    }

    @Test
    void tokenLossAveragesEachExamplesLabelledPositions() {
        try (NDManager m = NDManager.newBaseManager()) {
            TaskHead head = TaskFormat.TOKEN.newHead(3, HeadFamily.BERT, 1);
            head.initialize(m, HIDDEN);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray hidden = m.create(random(2 * 4 * HIDDEN, 4), new Shape(2, 4, HIDDEN));
            NDArray logits = head.logits(ps, hidden, m.ones(new Shape(2, 4), DataType.INT64), false);
            assertArrayEquals(new long[] {2, 4, 3}, logits.getShape().getShape());
            int ig = HeadLabels.IGNORE;
            int[] labels = {ig, 2, 0, ig, ig, ig, ig, ig};
            float[] lg = logits.toFloatArray();
            float[] got = head.exampleLosses(logits, m.create(labels, new Shape(2, 4))).toFloatArray();
            double row0 = (ce(lg, 3, 1, 3, 2) + ce(lg, 6, 1, 3, 0)) / 2;
            assertArrayEquals(new float[] {(float) row0, 0f}, got, 1e-5f, "an example with nothing labelled costs 0");
        }
    }

    @Test
    void choiceHeadFoldsItsRowsIntoOneScorePerChoice() {
        try (NDManager m = NDManager.newBaseManager()) {
            TaskHead head = TaskFormat.CHOICE.newHead(2, HeadFamily.ROBERTA, 1);
            head.initialize(m, HIDDEN);
            NDArray hidden = m.create(random(4 * 3 * HIDDEN, 5), new Shape(4, 3, HIDDEN));
            NDArray logits = head.logits(new ParameterStore(m, false), hidden, m.ones(new Shape(4, 3), DataType.INT64), false);
            assertArrayEquals(new long[] {2, 2}, logits.getShape().getShape(), "two examples of two choices");
            float[] lg = logits.toFloatArray();
            float[] got = head.exampleLosses(logits, m.create(new int[] {1, 0})).toFloatArray();
            assertArrayEquals(new float[] {(float) ce(lg, 0, 1, 2, 1), (float) ce(lg, 2, 1, 2, 0)}, got, 1e-5f);
        }
    }

    @Test
    void rejectsMisuseWithClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> TaskFormat.TOKEN.newHead(1, HeadFamily.BERT, 1));
        assertThrows(IllegalArgumentException.class, () -> TaskFormat.QA.newHead(3, HeadFamily.BERT, 1));
        TaskHead head = TaskFormat.SINGLE_TEXT.newHead(2, HeadFamily.BERT, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, head::block);
        assertEquals(true, e.getMessage().contains("before initialize"), e.getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            head.initialize(m, HIDDEN);
            assertThrows(IllegalStateException.class, () -> head.initialize(m, HIDDEN));
        }
    }

    @Test
    void aThreeArgumentFactoryStillMakesItsBlockWithTheHeadDropout() {
        // the factories written before the hidden dropout was passed on keep compiling and get the
        // head dropout, not the hidden one
        HeadAdapter<io.github.prefine.heads.TokenClassificationHead> tags = HeadAdapter.of("tags", 3,
                (hidden, range, dropout) -> io.github.prefine.heads.TokenClassificationHead.builder().setHiddenSize(hidden)
                        .setNumLabels(3).optInitializerRange(range).optDropout(dropout).build(), HeadAdapter.classes());
        HeadAdapter<io.github.prefine.heads.MultipleChoiceHead> choose = HeadAdapter.grouped("choose", 2, 2,
                (hidden, range, dropout) -> io.github.prefine.heads.MultipleChoiceHead.builder()
                        .setFamily(HeadFamily.ROBERTA).setHiddenSize(hidden).setNumChoices(2).optInitializerRange(range)
                        .optDropout(dropout).build(), HeadAdapter.classes());
        try (NDManager m = NDManager.newBaseManager()) {
            tags.initialize(m, HIDDEN, 0.02f, 0.3f, 0.2f);
            choose.initialize(m, HIDDEN, 0.02f, 0.3f, 0.2f);
            assertEquals(0.3f, tags.block().dropout());
            assertEquals(0.3f, choose.block().dropout());
        }
    }
    /**
     * A built-in readout reads the block's class columns as the head's {@code numLabels}: a block
     * with another count is refused when it is made, naming both. A 5-tag block under a 3-label
     * head gave 5 columns whose last two no label could score (the host targets refuse labels 3 and
     * 4), and a stack cut the head's logits at 3 of them. (A multiple-choice block may differ: the
     * choice scorer is a 1-choice block under the adapter's least count, 2, and scores no label.)
     */
    @Test
    void aBlockWithAnotherClassCountThanTheHeadIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            HeadAdapter<TokenClassificationHead> tags = HeadAdapter.of("tags", 3,
                    (int hidden) -> TokenClassificationHead.builder().setHiddenSize(hidden).setNumLabels(5).build(),
                    HeadAdapter.classes());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tags.initialize(m, HIDDEN));
            assertEquals("head tags: block TokenClassificationHead(hidden=8, numLabels=5, dropout=0.1) has 5 classes,"
                    + " the head 3", e.getMessage());
            HeadAdapter<QuestionAnsweringHead> spans = HeadAdapter.of("spans", 3,
                    (int hidden) -> QuestionAnsweringHead.builder().setHiddenSize(hidden).build(), HeadAdapter.spans());
            assertThrows(IllegalArgumentException.class, () -> spans.initialize(m, HIDDEN));
            // the counts agreeing, the block is made
            HeadAdapter<TokenClassificationHead> ok = HeadAdapter.of("tags", 5,
                    (int hidden) -> TokenClassificationHead.builder().setHiddenSize(hidden).setNumLabels(5).build(),
                    HeadAdapter.classes());
            ok.initialize(m, HIDDEN);
            assertEquals(5, ok.block().numLabels());
        }
    }

    @Test
    void aMultipleChoiceBlockMustFoldTheHeadsRowsIntoItsLabels() {
        // 4 rows per example but a block of 3 choices: 3 examples' 12 rows reshaped to [4, 3]
        // would mix one example's choices with the next one's, and label 3 would pick past the scores
        try (NDManager m = NDManager.newBaseManager()) {
            TaskHead rows = HeadAdapter.grouped("choice(4)", 4, 4, hidden -> choices(hidden, 3), HeadAdapter.classes());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rows.initialize(m, HIDDEN));
            assertEquals("head choice(4): block MultipleChoiceHead(BERT, hidden=8, numChoices=3, dropout=0.0) folds 3"
                    + " rows into an example, the head gives it 4 rows per example", e.getMessage());
            // rows right, labels wrong: 3 choices scored, labels among 4
            TaskHead labels = HeadAdapter.grouped("choice(3)", 4, 3, hidden -> choices(hidden, 3), HeadAdapter.classes());
            e = assertThrows(IllegalArgumentException.class, () -> labels.initialize(m, HIDDEN));
            assertEquals("head choice(3): block MultipleChoiceHead(BERT, hidden=8, numChoices=3, dropout=0.0) scores 3"
                    + " choices, the head's labels pick among 4", e.getMessage());
            // what the formats make: the task's heads and the one-row choice scorer
            TaskFormat.CHOICE.newHead(2, HeadFamily.BERT, 1).initialize(m, HIDDEN);
            io.github.prefine.core.task.MultipleChoice.newChoiceScorer(HeadFamily.ROBERTA, 1).initialize(m, HIDDEN);
        }
    }

    private static io.github.prefine.heads.MultipleChoiceHead choices(int hidden, int n) {
        return io.github.prefine.heads.MultipleChoiceHead.builder().setFamily(HeadFamily.BERT).setHiddenSize(hidden)
                .setNumChoices(n).optDropout(0f).build();
    }

    @Test
    void maskPaddingKeepsSixteenBitLogitsInTheirType() {
        // the rule in float32, float16 and bfloat16 logits: unchanged where the mask is 1,
        // PADDING_LOGIT added where it is 0, the dtype kept
        try (NDManager m = NDManager.newBaseManager()) {
            float[] v = {1.5f, -2f, 0.25f, 3f, -1f, 2f};
            NDArray raw = m.create(v, new Shape(1, 3, 2));
            NDArray mask = m.create(new long[] {1, 1, 0}, new Shape(1, 3));
            for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT16, DataType.BFLOAT16}) {
                NDArray logits = io.github.prefine.core.precision.Casts.toType(raw, type);
                NDArray masked = HeadAdapter.maskPadding(logits, mask);
                assertEquals(type, io.github.prefine.core.precision.Casts.dataType(masked), type.toString());
                float[] got = io.github.prefine.core.precision.Casts.toType(masked, DataType.FLOAT32).toFloatArray();
                assertArrayEquals(new float[] {1.5f, -2f, 0.25f, 3f}, java.util.Arrays.copyOf(got, 4), type.toString());
                // within the type's spacing near 10^4: float16 8, bfloat16 64
                float spacing = type == DataType.FLOAT32 ? 1e-3f : type == DataType.FLOAT16 ? 8f : 64f;
                assertEquals(v[4] + HeadAdapter.PADDING_LOGIT, got[4], spacing, type + " padding");
                assertEquals(v[5] + HeadAdapter.PADDING_LOGIT, got[5], spacing, type + " padding");
            }
        }
    }

    @Test
    void aFloat16HeadRefusesABfloat16WeightItsCastWouldMakeInfinite() {
        // bfloat16 holds float32's range: 70000 in it (70144 after rounding) is past float16's 65504
        try (NDManager m = NDManager.newBaseManager()) {
            QuestionAnsweringHead head = QuestionAnsweringHead.builder().setHiddenSize(2).build();
            head.initialize(m, DataType.FLOAT16, new Shape(1, 3, 2));
            NDArray weight = io.github.prefine.core.precision.Casts.toType(
                    m.create(new float[] {1, 70000, 0, 1}, new Shape(2, 2)), DataType.BFLOAT16);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> head.loadHfWeights(java.util.Map.of("qa_outputs.weight", weight, "qa_outputs.bias",
                            m.zeros(new Shape(2)))));
            assertEquals("QuestionAnsweringHead: cannot load HF weights; beyond float16's largest finite value 65504,"
                    + " which the cast to this head's float16 would make infinite: [qa_outputs.weight has values up to"
                    + " 70144.0 in magnitude]", e.getMessage());
        }
    }
}
