package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.ParameterManagers;
import io.github.prefine.core.testing.SystemProperties;
import io.github.prefine.heads.HeadFamily;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Heads of one kind run stacked give what the same heads give one after another: the loss, each
 * task's loss sum and logits, and every parameter's gradient, on a batch that mixes two or three
 * heads of each kind with a multiple-choice head and a test head (which never stack), rows
 * interleaved across tasks.
 */
class StackedHeadsTest {
    private static final int VOCAB = 13;
    private static final int SEQ = 6;
    private static final int HIDDEN = 8;
    private static final int IGNORE = -100;

    static <T> T withHeads(String choice, Callable<T> body) throws Exception {
        return SystemProperties.with(MultiHeadModel.HEADS_PROPERTY, choice, body);
    }

    @ParameterizedTest
    @EnumSource(HeadFamily.class)
    void stackedHeadsGiveTheLossesLogitsAndGradientsOfSeparateOnes(HeadFamily family) throws Exception {
        for (TaskLossWeighting weighting : TaskLossWeighting.values()) {
            try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = build(root, family, weighting)) {
                MultiTaskBatch batch = batch(false);
                // the grouping the stacked forward uses: three token heads, two sequence heads and
                // two span heads stack; the choice and test heads stay alone
                assertEquals("[[0, 2, 8], [1, 5], [3, 6], [4], [7]]", units(model, batch));
                Map<String, float[]> stacked = withHeads("stacked", () -> run(model, batch));
                Map<String, float[]> separate = withHeads("separate", () -> run(model, batch));
                assertEquals(separate.keySet(), stacked.keySet());
                for (String k : separate.keySet()) {
                    float[] want = separate.get(k);
                    float[] got = stacked.get(k);
                    assertEquals(want.length, got.length, k);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], got[i], 1e-5 + 1e-5 * Math.abs(want[i]), weighting + " " + k + "[" + i + "]");
                    }
                }
                // the comparison has something to compare: losses and every head's gradient are non-zero
                assertTrue(Math.abs(separate.get("lossSum")[0]) > 0.1f);
                for (String k : separate.keySet()) {
                    if (k.startsWith("grad heads.") && k.endsWith("weight")) {
                        assertNotEquals(0f, maxAbs(separate.get(k)), k);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(HeadFamily.class)
    void anotherHeadsRowsGiveAStackedHeadExactlyZeroGradient(HeadFamily family) throws Exception {
        // every label of the first token task is ignored: its head scores nothing, so its weights
        // must get exactly zero gradient although the stacked layer ran them over the other
        // token tasks' rows (masked columns: zero softmax weight)
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = build(root, family, TaskLossWeighting.NONE)) {
            Map<String, float[]> stacked = withHeads("stacked", () -> run(model, batch(true)));
            assertEquals(0f, maxAbs(stacked.get("grad heads.tok3.classifier.weight")));
            assertEquals(0f, maxAbs(stacked.get("grad heads.tok3.classifier.bias")));
            assertNotEquals(0f, maxAbs(stacked.get("grad heads.tok5.classifier.weight")));
        }
    }

    @ParameterizedTest
    @EnumSource(HeadFamily.class)
    void trainingWithDropoutStaysFiniteAndTrainsOnlyThePresentHeads(HeadFamily family) throws Exception {
        // tok5, seq4 and spanB are absent: each stacks with a present head of its kind, whose
        // stacked layer must not reach the absent one's weights
        Set<String> absent = Set.of("tok5", "seq4", "spanB");
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = build(root, family, TaskLossWeighting.NONE);
                NDManager sm = model.getManager().newSubManager()) {
            for (NamedParameter p : model.parameters()) {
                p.parameter().getArray().setRequiresGradient(true);
            }
            MultiTaskBatch batch = without(batch(false), Set.of(2, 5, 6));
            float loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray sum = withHeads("stacked", () -> model.forward(sm, batch, true).lossSum());
                loss = sum.getFloat();
                gc.backward(sum);
            }
            assertTrue(Float.isFinite(loss) && loss > 0f, "loss " + loss);
            int absentSeen = 0;
            int presentSeen = 0;
            for (NamedParameter p : model.parameters()) {
                float[] g = p.parameter().getArray().getGradient().toFloatArray();
                for (float v : g) {
                    assertTrue(Float.isFinite(v), p.key());
                }
                String[] parts = p.key().split("\\.");
                if (!parts[0].equals("heads")) {
                    continue;
                }
                if (absent.contains(parts[1])) {
                    absentSeen++;
                    assertEquals(0f, maxAbs(g), family + ": absent head's " + p.key() + " got a gradient");
                } else if (p.key().endsWith("weight")) {
                    presentSeen++;
                    assertNotEquals(0f, maxAbs(g), family + ": present head's " + p.key() + " got no gradient");
                }
            }
            assertTrue(absentSeen >= 3 && presentSeen >= 6, "absent " + absentSeen + ", present " + presentSeen);
        }
    }

    /** The batch without the given tasks: their slices and rows left out, the other rows renumbered. */
    private static MultiTaskBatch without(MultiTaskBatch b, Set<Integer> tasks) {
        int seq = b.seqLen();
        int[] newRow = new int[b.rows()];
        Arrays.fill(newRow, -1);
        List<Integer> kept = new ArrayList<>();
        for (TaskSlice s : b.slices()) {
            if (!tasks.contains(s.task())) {
                for (int r : s.rows()) {
                    newRow[r] = kept.size();
                    kept.add(r);
                }
            }
        }
        long[] ids = new long[kept.size() * seq];
        long[] mask = new long[ids.length];
        for (int i = 0; i < kept.size(); i++) {
            System.arraycopy(b.inputIds(), kept.get(i) * seq, ids, i * seq, seq);
            System.arraycopy(b.attentionMask(), kept.get(i) * seq, mask, i * seq, seq);
        }
        List<TaskSlice> slices = new ArrayList<>();
        for (TaskSlice s : b.slices()) {
            if (!tasks.contains(s.task())) {
                int[] rows = Arrays.stream(s.rows()).map(r -> newRow[r]).toArray();
                slices.add(new TaskSlice(s.task(), rows, s.exampleIndices(), s.labels(), s.labelShape()));
            }
        }
        return new MultiTaskBatch(kept.size(), seq, ids, mask, null, slices);
    }

    /**
     * A stacked forward concatenates its heads' weights, which DJL puts in the manager of the
     * first weight, the parameters': a training step (forward, loss, backward) through the model's
     * own parameters must leave that manager, which lives as long as the model, with the very
     * arrays it held before, whatever the step's manager.
     */
    @ParameterizedTest
    @EnumSource(HeadFamily.class)
    void aTrainingStepLeavesTheParametersManagerWithTheSameArrays(HeadFamily family) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = build(root, family, TaskLossWeighting.NONE);
                NDManager elsewhere = NDManager.newBaseManager()) {
            for (NamedParameter p : model.parameters()) {
                p.parameter().getArray().setRequiresGradient(true);
            }
            for (NDManager step : List.of(model.getManager(), elsewhere)) {
                Set<NDArray> before = ParameterManagers.arrays(model);
                try (NDManager sm = step.newSubManager()) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray sum = withHeads("stacked", () -> model.forward(sm, batch(false), true).lossSum());
                        assertTrue(Float.isFinite(sum.getFloat()));
                        gc.backward(sum);
                    }
                }
                Set<NDArray> after = ParameterManagers.arrays(model);
                assertEquals(List.of(), ParameterManagers.added(before, after), family + ": arrays a step in a"
                        + " sub-manager of "
                        + (step == elsewhere ? "another manager" : "the model's") + " left with the parameters");
                assertEquals(before, after, family.toString());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(HeadFamily.class)
    void anUnknownChoiceIsRefusedByName(HeadFamily family) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = build(root, family, TaskLossWeighting.NONE);
                NDManager sm = model.getManager().newSubManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> withHeads("fused", () -> model.forward(sm, batch(false), false)));
            assertEquals("-Dprefine.heads must be stacked or separate, found 'fused'", e.getMessage());
        }
    }

    private static String units(MultiHeadModel model, MultiTaskBatch batch) throws Exception {
        List<String> out = new ArrayList<>();
        for (int[] u : withHeads("stacked", () -> model.units(batch.slices()))) {
            out.add(Arrays.toString(u));
        }
        return out.toString();
    }

    /** Token heads of 3, 5 and 4 labels, sequence heads of 2 and 4, two span heads, choice and test heads. */
    private static MultiHeadModel build(NDManager m, HeadFamily family, TaskLossWeighting weighting) {
        return MultiHeadModel.builder().setManager(m).setEncoder(new TinyEncoder(VOCAB, HIDDEN).init(m), HIDDEN)
                .optTaskLossWeighting(weighting)
                .addHead("tok3", TaskFormat.TOKEN.newHead(3, family, 11))
                .addHead("seq2", TaskFormat.SINGLE_TEXT.newHead(2, family, 12))
                .addHead("tok5", TaskFormat.TOKEN.newHead(5, family, 13))
                .addHead("spanA", TaskFormat.QA.newHead(2, family, 14))
                .addHead("choice", TaskFormat.CHOICE.newHead(2, family, 15))
                .addHead("seq4", TaskFormat.TEXT_PAIR.newHead(4, family, 16))
                .addHead("spanB", TaskFormat.QA.newHead(2, family, 17))
                .addHead("test", TestHeads.sequence(2))
                .addHead("tok4", TaskFormat.TOKEN.newHead(4, family, 18))
                .build();
    }

    /**
     * 20 rows dealt to nine tasks out of order. With {@code tok3Ignored}, every label of task 0
     * is the ignore index.
     */
    private static MultiTaskBatch batch(boolean tok3Ignored) {
        int[][] rows = {{7, 1}, {0, 12}, {3, 16, 9}, {5, 18}, {2, 10, 6, 14}, {11}, {4, 19, 13}, {8, 15}, {17}};
        int total = 20;
        long[] ids = new long[total * SEQ];
        long[] mask = new long[total * SEQ];
        for (int r = 0; r < total; r++) {
            int len = 2 + r % 5;
            for (int j = 0; j < SEQ; j++) {
                ids[r * SEQ + j] = j < len ? 1 + (r * 5 + j * 7) % (VOCAB - 1) : 0;
                mask[r * SEQ + j] = j < len ? 1 : 0;
            }
        }
        List<TaskSlice> slices = new ArrayList<>();
        int[] tokenLabels = {3, 0, 5, 0, 0, 0, 0, 0, 4};
        for (int t = 0; t < rows.length; t++) {
            int n = rows[t].length;
            int[] examples = new int[t == 4 ? n / 2 : n];
            for (int e = 0; e < examples.length; e++) {
                examples[e] = e;
            }
            int[] labels;
            long[] shape;
            switch (t) {
                case 0, 2, 8 -> {
                    labels = new int[n * SEQ];
                    for (int i = 0; i < labels.length; i++) {
                        boolean real = mask[rows[t][i / SEQ] * SEQ + i % SEQ] == 1;
                        labels[i] = !real || (t == 0 && tok3Ignored) ? IGNORE : (i * 7 + t) % tokenLabels[t];
                    }
                    shape = new long[] {n, SEQ};
                }
                case 3, 6 -> {
                    labels = new int[n * 2];
                    for (int e = 0; e < n; e++) {
                        labels[2 * e] = e % 2;
                        // one end past the window: ignored, as HF clamps it
                        labels[2 * e + 1] = e == 1 ? SEQ : 1 + e % 2;
                    }
                    shape = new long[] {n, 2};
                }
                case 4 -> {
                    labels = new int[] {1, 0};
                    shape = new long[] {2};
                }
                default -> {
                    int classes = t == 5 ? 4 : 2;
                    labels = new int[n];
                    for (int e = 0; e < n; e++) {
                        labels[e] = (e + t) % classes;
                    }
                    shape = new long[] {n};
                }
            }
            slices.add(new TaskSlice(t, rows[t], examples, labels, shape));
        }
        return new MultiTaskBatch(total, SEQ, ids, mask, null, slices);
    }

    /** An eval-mode forward and its backward: the loss, each task's loss sum and logits, every gradient. */
    private static Map<String, float[]> run(MultiHeadModel model, MultiTaskBatch batch) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (NamedParameter p : model.parameters()) {
            p.parameter().getArray().setRequiresGradient(true);
        }
        try (NDManager sm = model.getManager().newSubManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                MultiHeadModel.Output o = model.forward(sm, batch, false);
                out.put("lossSum", new float[] {o.lossSum().getFloat()});
                gc.backward(o.lossSum());
                for (int k = 0; k < batch.slices().size(); k++) {
                    out.put("taskLossSum " + k, new float[] {o.taskLossSums().get(k).getFloat()});
                    NDArray lg = o.logits().get(k);
                    out.put("logits " + k + " " + lg.getShape(), lg.toFloatArray());
                }
            }
            for (NamedParameter p : model.parameters()) {
                NDArray g = p.parameter().getArray().getGradient();
                out.put("grad " + p.key(), g.toFloatArray());
                g.subi(g);
            }
        }
        return out;
    }

    private static float maxAbs(float[] v) {
        float m = 0f;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
