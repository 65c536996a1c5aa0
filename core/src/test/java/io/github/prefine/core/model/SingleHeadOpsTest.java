package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.NativeOps;
import io.github.prefine.heads.HeadFamily;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch of three tasks whose heads run one by one (one task per format, nothing to stack): the
 * span head's padding rule comes with the batch as host offsets, one addition on the device, where
 * building it from the device mask took four more operations (cast, subtraction, multiplication,
 * new axis), and as no head reads the device mask it is not split per head either. The span
 * logits are bitwise those of the head's own path from the device mask.
 */
class SingleHeadOpsTest {
    private static final int VOCAB = 11;
    private static final int SEQ = 5;
    private static final int ROWS = 6; // 2 token rows, 2 sequence rows, 2 span rows

    /**
     * The forward's operations: 49 when the span head built its padding from the device mask, less
     * that path's cast, subtraction, multiplication and new axis, and the mask's split per head
     * (the offsets' cast to float32 is no operation in float32).
     */
    private static final int FORWARD_OPS = 44;

    @Test
    void spanPaddingComesAsHostOffsetsAndTheMaskIsNotSplit(@TempDir Path dir) {
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = build(root)) {
            long[] ids = new long[ROWS * SEQ];
            long[] mask = new long[ROWS * SEQ];
            for (int r = 0; r < ROWS; r++) {
                int len = 2 + r % 3; // every row but the third and sixth has padding
                for (int j = 0; j < SEQ; j++) {
                    ids[r * SEQ + j] = j < len ? 1 + (r * 5 + j * 3) % (VOCAB - 1) : 0;
                    mask[r * SEQ + j] = j < len ? 1 : 0;
                }
            }
            List<TaskSlice> slices = List.of(
                    new TaskSlice(0, new int[] {0, 1}, new int[] {0, 1}, new int[] {2, -100, 0, 1, -100, 1, 0, 2, -100,
                        -100}, new long[] {2, SEQ}),
                    new TaskSlice(1, new int[] {2, 3}, new int[] {0, 1}, new int[] {1, 0}, new long[] {2}),
                    new TaskSlice(2, new int[] {4, 5}, new int[] {0, 1}, new int[] {1, 3, 0, 1}, new long[] {2, 2}));
            MultiTaskBatch batch = new MultiTaskBatch(ROWS, SEQ, ids, mask, null, slices);
            try (NDManager sm = root.newSubManager()) {
                ParameterStore ps = new ParameterStore(sm, false);
                model.forward(sm, batch, false, ps); // warm: first calls may make one-off arrays
                MultiHeadModel.Output[] out = new MultiHeadModel.Output[1];
                Map<String, Integer> ops = NativeOps.during(dir, () -> out[0] = model.forward(sm, batch, false, ps));
                assertFalse(ops.containsKey("aten::sub"), "no padding built from the device mask: " + ops);
                assertEquals(1, ops.getOrDefault("aten::split_with_sizes", 0),
                        "only the encoder output is split per head, not the mask: " + ops);
                assertEquals(FORWARD_OPS, NativeOps.total(ops), "forward operations " + ops);

                // the head's own path: its logits over the encoder output, padding from the device mask
                NDArray hidden = model.encoder().forward(ps, new NDList(sm.create(ids, new Shape(ROWS, SEQ)),
                        sm.create(mask, new Shape(ROWS, SEQ))), false).head();
                NDArray spanMask = sm.create(mask, new Shape(ROWS, SEQ)).get("4:6");
                NDArray expected = model.head(2).logits(ps, hidden.get("4:6"), spanMask, false);
                assertArrayEquals(expected.toFloatArray(), out[0].logits().get(2).toFloatArray(), 0f,
                        "span logits, padding included");
                // row 4 (the span task's first) has 3 real tokens: positions 3 and 4 take -10^4, the others not
                float[] logits = out[0].logits().get(2).toFloatArray();
                for (int j = 0; j < SEQ; j++) {
                    for (int side = 0; side < 2; side++) {
                        float v = logits[j * 2 + side];
                        assertEquals(j >= 3, v < -5_000f, "position " + j + " side " + side + ": " + v);
                    }
                }
            }
        }
    }

    /**
     * A head of its own that is not built in (here a test span head whose padding rule reads the
     * device mask) still receives its rows' mask when the batch's built-in heads need none.
     */
    @Test
    void aHeadThatIsNotBuiltInStillReceivesItsRowsMask() {
        try (NDManager root = NDManager.newBaseManager()) {
            MultiHeadModel model = MultiHeadModel.builder().setManager(root)
                    .setEncoder(new TinyEncoder(VOCAB, 8).init(root), 8)
                    .addHead("token", TaskFormat.TOKEN.newHead(3, HeadFamily.BERT, 31))
                    .addHead("span", TestHeads.span())
                    .build();
            try (model; NDManager sm = root.newSubManager()) {
                int rows = 4;
                long[] ids = new long[rows * SEQ];
                long[] mask = new long[rows * SEQ];
                // rows 2 and 3 (the span task's) have 2 and 4 real tokens, the token rows are full
                int[] lengths = {SEQ, SEQ, 2, 4};
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < SEQ; j++) {
                        ids[r * SEQ + j] = j < lengths[r] ? 1 + (r * 5 + j * 3) % (VOCAB - 1) : 0;
                        mask[r * SEQ + j] = j < lengths[r] ? 1 : 0;
                    }
                }
                List<TaskSlice> slices = List.of(
                        new TaskSlice(0, new int[] {0, 1}, new int[] {0, 1}, new int[] {2, 0, 1, 1, 0, 0, 2, 1, 1, 0},
                                new long[] {2, SEQ}),
                        new TaskSlice(1, new int[] {2, 3}, new int[] {0, 1}, new int[] {0, 1, 1, 2}, new long[] {2, 2}));
                ParameterStore ps = new ParameterStore(sm, false);
                float[] logits = model.forward(sm, new MultiTaskBatch(rows, SEQ, ids, mask, null, slices), false, ps)
                        .logits().get(1).toFloatArray();
                for (int r = 0; r < 2; r++) {
                    for (int j = 0; j < SEQ; j++) {
                        for (int side = 0; side < 2; side++) {
                            float v = logits[(r * SEQ + j) * 2 + side];
                            assertEquals(j >= lengths[2 + r], v < -5_000f,
                                    "span row " + r + " position " + j + " side " + side + ": " + v);
                        }
                    }
                }
            }
        }
    }

    private static MultiHeadModel build(NDManager m) {
        TaskFormat[] formats = {TaskFormat.TOKEN, TaskFormat.SINGLE_TEXT, TaskFormat.QA};
        int[] classes = {3, 2, 2};
        MultiHeadModel.Builder b = MultiHeadModel.builder().setManager(m)
                .setEncoder(new TinyEncoder(VOCAB, 8).init(m), 8);
        for (int t = 0; t < formats.length; t++) {
            b.addHead("task" + t, formats[t].newHead(classes[t], HeadFamily.BERT, 31 + t));
        }
        return b.build();
    }
}
