package io.github.prefine.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.prefine.core.kernels.HostToDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The host arrays of one forward (ids, mask, segment ids, row indices, targets, labels), sent to
 * the device together. Packed, the arrays of each data type are concatenated on the host and
 * reach the device in one {@link HostToDevice} copy, which does not wait for the device, then
 * are cut apart there with one {@code split} (views). A batch of the paper's 29 tasks would
 * otherwise make some sixty blocking copies per step, each waiting for the device. Direct, each
 * array is made on the device by itself, as DJL makes it.
 *
 * <p>Packed on GPUs, direct on CPUs (where a copy costs nothing to wait for); the system property
 * {@value #PROPERTY} ({@code auto}, {@code packed} or {@code direct}) overrides that. Not
 * thread-safe; one per forward.
 */
final class BatchUpload {
    /** The system property that chooses the upload: {@code auto}, {@code packed} or {@code direct}. */
    static final String PROPERTY = "prefine.batchUpload";

    private final NDManager target;
    private final boolean packed;
    private final List<Object> values = new ArrayList<>();
    private final List<Shape> shapes = new ArrayList<>();
    private int copies;

    /**
     * Starts an upload to the device of {@code target}.
     *
     * @param target the manager that owns the device arrays
     * @throws IllegalArgumentException if the property holds another value
     */
    BatchUpload(NDManager target) {
        this.target = target;
        this.packed = packedOn(target.getDevice());
    }

    /** Whether uploads to a device are packed, by the property or else by the device kind. */
    static boolean packedOn(Device device) {
        String choice = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (choice) {
            case "auto" -> device.isGpu();
            case "packed" -> true;
            case "direct" -> false;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + " must be auto, packed or direct, found "
                    + choice);
        };
    }

    /** Says how uploads reach a device: direct, or packed with a non-blocking or blocking copy. */
    static String describe(Device device) {
        if (!packedOn(device)) {
            return "direct (one copy per array)";
        }
        return HostToDevice.nonBlockingOn(device) ? "packed, non-blocking (one copy per data type)"
                : "packed, blocking (one copy per data type)";
    }

    /**
     * Adds int64 values.
     *
     * @return the array's number, for {@link #send}'s result
     */
    int add(long[] v, Shape shape) {
        return put(v, shape);
    }

    /**
     * Adds float32 values.
     *
     * @return the array's number, for {@link #send}'s result
     */
    int add(float[] v, Shape shape) {
        return put(v, shape);
    }

    /**
     * Adds int32 values.
     *
     * @return the array's number, for {@link #send}'s result
     */
    int add(int[] v, Shape shape) {
        return put(v, shape);
    }

    private int put(Object v, Shape shape) {
        values.add(v);
        shapes.add(shape);
        return values.size() - 1;
    }

    /**
     * Makes the device arrays.
     *
     * @return the arrays in the order they were added, owned by the target manager
     */
    NDArray[] send() {
        NDArray[] out = new NDArray[values.size()];
        if (!packed) {
            for (int i = 0; i < out.length; i++) {
                out[i] = create(target, values.get(i), shapes.get(i));
            }
            copies = out.length;
            return out;
        }
        for (DataType type : new DataType[] {DataType.INT64, DataType.FLOAT32, DataType.INT32}) {
            List<Integer> members = new ArrayList<>();
            long total = 0;
            for (int i = 0; i < out.length; i++) {
                if (typeOf(values.get(i)) == type) {
                    members.add(i);
                    total += shapes.get(i).size();
                }
            }
            if (members.isEmpty()) {
                continue;
            }
            NDArray all;
            try (NDManager host = NDManager.newBaseManager(Device.cpu())) {
                all = HostToDevice.copy(create(host, concatenated(type, members, total), new Shape(total)), target);
            }
            copies++;
            NDList pieces;
            if (members.size() == 1) {
                pieces = new NDList(all);
            } else {
                long[] points = new long[members.size() - 1];
                long at = 0;
                for (int j = 0; j < points.length; j++) {
                    at += shapes.get(members.get(j)).size();
                    points[j] = at;
                }
                pieces = all.split(points);
                pieces.attach(target);
            }
            for (int j = 0; j < members.size(); j++) {
                int i = members.get(j);
                NDArray piece = pieces.get(j).reshape(shapes.get(i));
                piece.attach(target);
                out[i] = piece;
            }
        }
        return out;
    }

    /** How many host-to-device copies {@link #send} made (for tests). */
    int copies() {
        return copies;
    }

    private static DataType typeOf(Object v) {
        if (v instanceof long[]) {
            return DataType.INT64;
        }
        return v instanceof float[] ? DataType.FLOAT32 : DataType.INT32;
    }

    private Object concatenated(DataType type, List<Integer> members, long total) {
        int n = Math.toIntExact(total);
        Object all = switch (type) {
            case INT64 -> new long[n];
            case FLOAT32 -> new float[n];
            default -> new int[n];
        };
        int at = 0;
        for (int i : members) {
            Object v = values.get(i);
            int length = java.lang.reflect.Array.getLength(v);
            System.arraycopy(v, 0, all, at, length);
            at += length;
        }
        return all;
    }

    private static NDArray create(NDManager m, Object v, Shape shape) {
        if (v instanceof long[] l) {
            return m.create(l, shape);
        }
        return v instanceof float[] f ? m.create(f, shape) : m.create((int[]) v, shape);
    }
}
