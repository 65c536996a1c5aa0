package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.heads.HeadFamily;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The model's summed loss from host-prepared targets (the four built-in formats' heads) equals the
 * sum of the heads' per-example losses, and does not depend on where each task's rows sit in the
 * batch: contiguous in task order, contiguous in another order (both split once), or interleaved
 * (gathered by index).
 */
class HostTargetsTest {
    private static final int VOCAB = 11;
    private static final int SEQ = 5;
    private static final int[] NUM_ROWS = {2, 2, 2, 2}; // token, sequence, span, choice (1 example, 2 rows)
    private static final int[][] LABELS = {
        {2, -100, 0, 1, -100, -100, -100, -100, -100, -100}, // token [2, 5]: the second example has nothing
        {1, 0}, // sequence [2]
        {1, 3, 0, 9}, // span [2, 2]: the second end is past the sequence, ignored
        {1}, // choice [1]
    };
    private static final long[][] LABEL_SHAPES = {{2, SEQ}, {2}, {2, 2}, {1}};

    @Test
    void targetsGiveTheSumOfPerExampleLossesInEveryRowLayout() {
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = build(root)) {
            int[] taskOrder = {0, 1, 2, 3, 4, 5, 6, 7};
            int[] reversed = {6, 7, 4, 5, 2, 3, 0, 1}; // task 0's rows at the end
            int[] interleaved = {0, 2, 4, 6, 1, 3, 5, 7};
            float[][] a = forward(model, taskOrder);
            float[][] b = forward(model, reversed);
            float[][] c = forward(model, interleaved);
            for (int k = 0; k < 4; k++) {
                assertEquals(a[1][k], a[2][k], 1e-5f, "task " + k + ": targets vs per-example losses");
                assertEquals(a[1][k], b[1][k], 1e-5f, "task " + k + ": reversed row order");
                assertEquals(a[1][k], c[1][k], 1e-5f, "task " + k + ": interleaved rows");
            }
            assertEquals(a[0][0], b[0][0], 1e-5f);
            assertEquals(a[0][0], c[0][0], 1e-5f);
        }
    }

    private static MultiHeadModel build(NDManager m) {
        TaskFormat[] formats = {TaskFormat.TOKEN, TaskFormat.SINGLE_TEXT, TaskFormat.QA, TaskFormat.CHOICE};
        int[] classes = {3, 2, 2, 2};
        MultiHeadModel.Builder b = MultiHeadModel.builder().setManager(m)
                .setEncoder(new TinyEncoder(VOCAB, 8).init(m), 8);
        for (int t = 0; t < formats.length; t++) {
            b.addHead("task" + t, formats[t].newHead(classes[t], HeadFamily.BERT, 17 + t));
        }
        return b.build();
    }

    /**
     * Runs one batch whose logical row {@code r} (task rows in task order) sits at {@code place[r]}.
     *
     * @return {{lossSum}, per-task loss sums, per-task sums of the heads' exampleLosses}
     */
    private static float[][] forward(MultiHeadModel model, int[] place) {
        int rows = place.length;
        long[] ids = new long[rows * SEQ];
        long[] mask = new long[rows * SEQ];
        for (int r = 0; r < rows; r++) {
            int len = 3 + r % 3; // padding differs between rows
            for (int j = 0; j < SEQ; j++) {
                ids[place[r] * SEQ + j] = j < len ? 1 + (r * 7 + j * 3) % (VOCAB - 1) : 0;
                mask[place[r] * SEQ + j] = j < len ? 1 : 0;
            }
        }
        List<TaskSlice> slices = new ArrayList<>();
        int first = 0;
        for (int t = 0; t < 4; t++) {
            int[] taskRows = new int[NUM_ROWS[t]];
            for (int i = 0; i < taskRows.length; i++) {
                taskRows[i] = place[first + i];
            }
            int examples = (int) LABEL_SHAPES[t][0];
            int[] exampleIds = new int[examples];
            for (int i = 0; i < examples; i++) {
                exampleIds[i] = i;
            }
            slices.add(new TaskSlice(t, taskRows, exampleIds, LABELS[t], LABEL_SHAPES[t]));
            first += NUM_ROWS[t];
        }
        MultiTaskBatch batch = new MultiTaskBatch(rows, SEQ, ids, mask, null, slices);
        try (NDManager sm = model.getManager().newSubManager()) {
            MultiHeadModel.Output out = model.forward(sm, batch, false);
            float[] sums = new float[4];
            float[] reference = new float[4];
            for (int t = 0; t < 4; t++) {
                sums[t] = out.taskLossSums().get(t).getFloat();
                TaskHead head = model.head(t);
                assertNotNull(head.lossTargets(LABELS[t], LABEL_SHAPES[t], SEQ), "built-in heads prepare targets");
                NDArray labels = sm.create(LABELS[t], new Shape(LABEL_SHAPES[t]));
                reference[t] = head.exampleLosses(out.logits().get(t), labels).sum().getFloat();
            }
            return new float[][] {{out.lossSum().getFloat()}, sums, reference};
        }
    }
}
