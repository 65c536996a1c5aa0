package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.SystemProperties;
import io.github.prefine.heads.HeadFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * The packed upload (one copy per data type, cut apart on the device) gives the arrays, and so
 * the forward, of the direct one bit for bit. GPUs pack by default; here the property forces it.
 */
class BatchUploadTest {
    private static final int VOCAB = 11;
    private static final int SEQ = 5;

    static <T> T withUpload(String choice, Callable<T> body) throws Exception {
        return SystemProperties.with(BatchUpload.PROPERTY, choice, body);
    }

    @Test
    void packedArraysEqualDirectOnesInValueShapeAndType() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            List<Object[]> packed = withUpload("packed", () -> upload(m));
            List<Object[]> direct = withUpload("direct", () -> upload(m));
            assertEquals(direct.size(), packed.size());
            for (int i = 0; i < direct.size(); i++) {
                assertArrayEquals(direct.get(i), packed.get(i), "array " + i);
            }
            // the expected values, independently of either path
            assertArrayEquals(new Object[] {DataType.INT64, new Shape(2, 3), "[1, 2, 3, 4, 5, 6]"}, direct.get(0));
            assertArrayEquals(new Object[] {DataType.FLOAT32, new Shape(2), "[0.5, -1.25]"}, direct.get(1));
            assertArrayEquals(new Object[] {DataType.INT64, new Shape(1), "[9]"}, direct.get(2));
            assertArrayEquals(new Object[] {DataType.INT32, new Shape(1, 2), "[-100, 7]"}, direct.get(3));
            assertArrayEquals(new Object[] {DataType.FLOAT32, new Shape(1, 1), "[3.0]"}, direct.get(4));
        }
    }

    /** Five arrays of three types, interleaved: {type, shape, values} of each as sent. */
    private static List<Object[]> upload(NDManager m) {
        try (NDManager sm = m.newSubManager()) {
            BatchUpload u = new BatchUpload(sm);
            u.add(new long[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
            u.add(new float[] {0.5f, -1.25f}, new Shape(2));
            u.add(new long[] {9}, new Shape(1));
            u.add(new int[] {-100, 7}, new Shape(1, 2));
            u.add(new float[] {3f}, new Shape(1, 1));
            List<Object[]> out = new ArrayList<>();
            NDArray[] sent = u.send();
            // one copy per data type when packed, one per array when direct
            assertEquals(BatchUpload.packedOn(sm.getDevice()) ? 3 : 5, u.copies());
            for (NDArray a : sent) {
                assertEquals(sm, a.getManager());
                String values = switch (a.getDataType()) {
                    case INT64 -> java.util.Arrays.toString(a.toLongArray());
                    case INT32 -> java.util.Arrays.toString(a.toIntArray());
                    default -> java.util.Arrays.toString(a.toFloatArray());
                };
                out.add(new Object[] {a.getDataType(), a.getShape(), values});
            }
            return out;
        }
    }

    @Test
    void aForwardThroughThePackedUploadEqualsTheDirectOneBitForBit() throws Exception {
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = build(root)) {
            float[][] packed = withUpload("packed", () -> forward(model));
            float[][] direct = withUpload("direct", () -> forward(model));
            assertEquals(6, direct.length);
            for (int i = 0; i < direct.length; i++) {
                assertArrayEquals(direct[i], packed[i], "output " + i);
            }
        }
    }

    @Test
    void theDefaultPacksOnGpusOnly() throws Exception {
        assertEquals(false, withUpload("auto", () -> BatchUpload.packedOn(ai.djl.Device.cpu())));
        assertEquals(true, withUpload("auto", () -> BatchUpload.packedOn(ai.djl.Device.gpu(0))));
        assertEquals(true, withUpload("packed", () -> BatchUpload.packedOn(ai.djl.Device.cpu())));
        assertEquals(false, withUpload("direct", () -> BatchUpload.packedOn(ai.djl.Device.gpu(0))));
    }

    @Test
    void anUnknownChoiceIsRefusedByName() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> withUpload("pinned", () -> new BatchUpload(m)));
            assertEquals("-Dprefine.batchUpload must be auto, packed or direct, found pinned", e.getMessage());
        }
    }

    /** Built-in heads (targets prepared on the host: int64 and float32) and a test head (int32 labels). */
    private static MultiHeadModel build(NDManager m) {
        MultiHeadModel.Builder b = MultiHeadModel.builder().setManager(m).setEncoder(new TinyEncoder(VOCAB, 8).init(m), 8)
                .addHead("token", TaskFormat.TOKEN.newHead(3, HeadFamily.BERT, 17))
                .addHead("span", TaskFormat.QA.newHead(2, HeadFamily.BERT, 18))
                .addHead("labels", TestHeads.sequence(2));
        return b.build();
    }

    /** One batch with interleaved rows (row indices go up too): the total, then each task's loss and logits. */
    private static float[][] forward(MultiHeadModel model) {
        int rows = 6;
        long[] ids = new long[rows * SEQ];
        long[] mask = new long[rows * SEQ];
        for (int r = 0; r < rows; r++) {
            int len = 3 + r % 3;
            for (int j = 0; j < SEQ; j++) {
                ids[r * SEQ + j] = j < len ? 1 + (r * 7 + j * 3) % (VOCAB - 1) : 0;
                mask[r * SEQ + j] = j < len ? 1 : 0;
            }
        }
        List<TaskSlice> slices = List.of(
                new TaskSlice(0, new int[] {0, 3}, new int[] {0, 1},
                        new int[] {2, -100, 0, 1, -100, 1, 1, -100, -100, 0}, new long[] {2, SEQ}),
                new TaskSlice(1, new int[] {1, 4}, new int[] {0, 1}, new int[] {1, 3, 0, 2}, new long[] {2, 2}),
                new TaskSlice(2, new int[] {2, 5}, new int[] {0, 1}, new int[] {1, 0}, new long[] {2}));
        MultiTaskBatch batch = new MultiTaskBatch(rows, SEQ, ids, mask, null, slices);
        try (NDManager sm = model.getManager().newSubManager()) {
            MultiHeadModel.Output out = model.forward(sm, batch, false);
            List<float[]> all = new ArrayList<>();
            all.add(new float[] {out.lossSum().getFloat()});
            for (int t = 0; t < 3; t++) {
                all.add(new float[] {out.taskLossSums().get(t).getFloat()});
            }
            all.add(out.logits().get(0).toFloatArray());
            all.add(out.logits().get(2).toFloatArray());
            return all.toArray(new float[0][]);
        }
    }
}
