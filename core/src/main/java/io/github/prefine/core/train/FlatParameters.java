package io.github.prefine.core.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.precision.Casts;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Predicate;

/**
 * One float32 buffer that every trainable parameter of a model is a view of, so that clipping,
 * AdamW and the loss-scale check are a constant number of whole-buffer operations per step,
 * whatever the number of parameter tensors (about 200 for XLM-R-base with a few heads, each a
 * native call and a kernel launch per operation when updated one by one).
 *
 * <p><b>Layout.</b> Parameters are grouped: group 0 is the encoder, groups 1.. are the task heads
 * in task order. The encoder's 16-bit parameters (see {@link
 * io.github.prefine.core.encoder.Encoder#halfPrecisionParameters()}) come first, so that one cast
 * of a prefix makes every 16-bit copy of a step. Each parameter's own array becomes a view of its
 * slice of the buffer ({@link #master()}); updates to the buffer are updates to the parameters,
 * and checkpoints, evaluation and saving read the parameters as before.
 *
 * <p><b>Gradients.</b> A training step calls {@link #newStep(NDManager)}: the step detaches the
 * buffer into a fresh autograd leaf (same storage, no copy), and the forward reads each parameter
 * as a slice of that leaf, made by one {@code split} per micro-batch. Back-propagation then
 * writes one flat gradient into the leaf (PyTorch's split backward concatenates the pieces, zero
 * for the parameters a batch did not use), and it needs no zeroing: the next step has a new leaf.
 *
 * <p>Not thread-safe. {@link #close()} gives every parameter an array of its own again (a copy
 * of its slice, owned by the manager the buffer was made from) and frees the buffer. A parameter
 * is a view of one open buffer at a time: {@link #of} refuses parameters that another buffer holds
 * until that one is closed.
 */
public final class FlatParameters implements AutoCloseable {
    private static final Field PARAMETER_ARRAY = parameterArrayField();
    /**
     * Each parameter that is a view of an open buffer, mapped to that buffer. A second buffer over
     * the same parameters (a second trainer on one model) would take the parameters from the first,
     * whose updates would then reach nothing the model reads. Weak keys and values: a model dropped
     * without closing its trainer does not stay reachable from here (a strong value would keep its
     * key reachable through the buffer's parameter list).
     */
    private static final Map<Parameter, WeakReference<FlatParameters>> HELD = new WeakHashMap<>();

    private final NDManager parent;
    private final NDManager manager;
    private final NDArray master;
    private final List<NamedParameter> parameters;
    private final Map<Parameter, Integer> index = new IdentityHashMap<>();
    private final long[] offsets;
    private final Shape[] shapes;
    private final int[] groupOf;
    private final long[] groupStart;
    private final long[] groupEnd;
    private final int halfCount;
    private final long halfEnd;
    private final long total;
    private boolean closed;

    private FlatParameters(NDManager parent, List<List<NamedParameter>> groups, Set<Parameter> half,
            Predicate<String> decays) {
        List<NamedParameter> ordered = new ArrayList<>();
        List<Integer> groupIds = new ArrayList<>();
        int halves = 0;
        for (int g = 0; g < groups.size(); g++) {
            List<NamedParameter> group = groups.get(g);
            for (NamedParameter p : group) {
                if (g > 0 && half.contains(p.parameter())) {
                    throw new IllegalArgumentException("flat parameters: only the encoder (group 0) may hold "
                            + "16-bit parameters, found " + p.key() + " in group " + g);
                }
            }
            // 16-bit first (one cast per step), and decayed before the rest within each part, so
            // that weight decay is a few contiguous ranges
            for (int part = 0; part < 4; part++) {
                for (NamedParameter p : group) {
                    boolean isHalf = half.contains(p.parameter());
                    boolean decayed = decays.test(p.key());
                    if ((part < 2) == isHalf && (part % 2 == 0) == decayed) {
                        ordered.add(p);
                        groupIds.add(g);
                        if (isHalf) {
                            halves++;
                        }
                    }
                }
            }
        }
        this.parameters = List.copyOf(ordered);
        this.halfCount = halves;
        int n = ordered.size();
        this.offsets = new long[n + 1];
        this.shapes = new Shape[n];
        this.groupOf = new int[n];
        this.groupStart = new long[groups.size()];
        this.groupEnd = new long[groups.size()];
        if (n == 0) {
            throw new IllegalArgumentException("flat parameters: no parameters");
        }
        Device device = null;
        for (int i = 0; i < n; i++) {
            NamedParameter p = ordered.get(i);
            NDArray a = p.parameter().getArray();
            if (a.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("flat parameters: " + p.key() + " is " + a.getDataType()
                        + ", expected float32");
            }
            if (device != null && !device.equals(a.getDevice())) {
                throw new IllegalArgumentException("flat parameters: " + p.key() + " is on " + a.getDevice()
                        + ", the others on " + device);
            }
            if (index.put(p.parameter(), i) != null) {
                throw new IllegalArgumentException("flat parameters: " + p.key() + " is listed twice");
            }
            device = a.getDevice();
            shapes[i] = a.getShape();
            groupOf[i] = groupIds.get(i);
            offsets[i + 1] = offsets[i] + a.size();
        }
        this.total = offsets[n];
        this.halfEnd = offsets[halfCount];
        java.util.Arrays.fill(groupStart, -1);
        for (int i = 0; i < n; i++) {
            int g = groupOf[i];
            if (groupStart[g] < 0) {
                groupStart[g] = offsets[i];
            }
            groupEnd[g] = offsets[i + 1];
        }
        for (int g = 0; g < groups.size(); g++) {
            if (groupStart[g] < 0) {
                // an empty group (a head without parameters) occupies an empty range
                groupStart[g] = g == 0 ? 0 : groupEnd[g - 1];
                groupEnd[g] = groupStart[g];
            }
        }
        this.parent = parent;
        synchronized (HELD) {
            for (NamedParameter p : ordered) {
                if (anyHeld(List.of(p))) {
                    throw new IllegalStateException("flat parameters: " + p.key() + " is already trained by another"
                            + " open trainer or training step; close it before training the model again (one at a time)");
                }
            }
            WeakReference<FlatParameters> self = new WeakReference<>(this);
            for (NamedParameter p : ordered) {
                HELD.put(p.parameter(), self);
            }
        }
        try {
            this.manager = parent.newSubManager(device);
            NDList pieces = new NDList(n);
            for (NamedParameter p : ordered) {
                pieces.add(p.parameter().getArray().reshape(-1));
            }
            this.master = concat(pieces);
            master.attach(manager);
            pieces.close();
            NDList views = views(master);
            for (int i = 0; i < n; i++) {
                replaceArray(ordered.get(i).parameter(), views.get(i), manager).close();
            }
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    /**
     * Makes {@code array} the parameter's array, owned by {@code owner}, with the old array's name
     * and gradient flag (kept for callers that read a parameter's own gradient; training reads the
     * leaf's).
     *
     * @return the old array, which the caller closes or lets its manager free
     */
    private static NDArray replaceArray(Parameter p, NDArray array, NDManager owner) {
        NDArray old = p.getArray();
        boolean grad = old.hasGradient();
        array.attach(owner);
        array.setName(old.getName());
        rebind(p, array);
        if (grad) {
            array.setRequiresGradient(true);
        }
        return old;
    }

    private static NDArray concat(NDList pieces) {
        return pieces.size() == 1 ? pieces.get(0).duplicate() : ai.djl.ndarray.NDArrays.concat(pieces);
    }

    /**
     * Makes the buffer of a model's parameters, in groups: the encoder first, then each head.
     * Every parameter's array is replaced by a view of the buffer; the old arrays are closed.
     *
     * @param parent the manager the buffer's own sub-manager is opened from (normally the model's)
     * @param groups the encoder's parameters, then each head's, float32 on one device
     * @param half the encoder parameters to put first, for one 16-bit cast (identity set; may be empty)
     * @param decays the optimiser's weight-decay filter on keys: decayed parameters are laid out
     *     contiguously within each part of a group
     * @return the flat parameters, which the caller must close after the model is done with them
     * @throws IllegalArgumentException if a parameter is not float32, devices differ, a parameter
     *     is listed twice, or a head holds a 16-bit parameter
     * @throws IllegalStateException if a parameter is already a view of another open buffer
     */
    public static FlatParameters of(NDManager parent, List<List<NamedParameter>> groups, Set<Parameter> half,
            Predicate<String> decays) {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(groups, "groups");
        Objects.requireNonNull(decays, "decays");
        Set<Parameter> h = Collections.newSetFromMap(new IdentityHashMap<>());
        h.addAll(half);
        return new FlatParameters(parent, groups, h, decays);
    }

    /** The slices of {@code flat} (the buffer, a leaf of it, or a replica), shaped as the parameters. */
    NDList views(NDArray flat) {
        return pieces(flat, 0, parameters.size(), 0);
    }

    /**
     * Parameters [from, to) as shaped slices of {@code src}, which holds exactly them starting
     * at element {@code base}: one {@code split} (whose backward is one concatenation), then a
     * view per parameter. {@code src} itself is left open.
     */
    private NDList pieces(NDArray src, int from, int to, long base) {
        // src and the pieces of its split are vectors of the parameters' sizes: a piece already
        // has its parameter's shape when that is a vector (known here, where asking each piece
        // would be a native query per parameter and step)
        if (to - from == 1) {
            return new NDList(shapes[from].dimension() == 1 ? src : src.reshape(shapes[from]));
        }
        NDList split = src.split(splitPoints(from, to, base));
        NDList out = new NDList(split.size());
        for (int i = 0; i < split.size(); i++) {
            NDArray piece = split.get(i);
            if (shapes[from + i].dimension() == 1) {
                // vectors (biases, norms) need no view: one native call less each way
                out.add(piece);
            } else {
                out.add(piece.reshape(shapes[from + i]));
                piece.close();
            }
        }
        return out;
    }

    /** Split points of parameters [from, to) relative to {@code base}, without the leading 0. */
    private long[] splitPoints(int from, int to, long base) {
        long[] points = new long[Math.max(0, to - from - 1)];
        for (int i = from + 1; i < to; i++) {
            points[i - from - 1] = offsets[i] - base;
        }
        return points;
    }

    /**
     * Returns a parameter store over a leaf of this buffer (or of a replica of it): each
     * parameter is a slice of {@code leaf}, the 16-bit ones read from one cast of the prefix when
     * {@code computeType} is not float32. Call inside the gradient collector, once per forward.
     *
     * @param stepManager the manager owning the slices
     * @param leaf a float32 array of {@link #size()} elements
     * @param computeType FLOAT32, or FLOAT16 or BFLOAT16 for mixed precision
     * @return the store
     */
    ParameterStore store(NDManager stepManager, NDArray leaf, DataType computeType) {
        NDList pieces;
        if (computeType == DataType.FLOAT32 || halfCount == 0) {
            pieces = views(leaf);
        } else {
            NDList two = leaf.split(new long[] {halfEnd});
            // DJL's toType cuts the graph; this cast is recorded, so the gradient reaches the leaf
            NDArray halfCopy = Casts.toType(two.get(0), computeType, stepManager);
            pieces = new NDList(parameters.size());
            pieces.addAll(pieces(halfCopy, 0, halfCount, 0));
            if (halfCount < parameters.size()) {
                pieces.addAll(pieces(two.get(1), halfCount, parameters.size(), halfEnd));
            }
            two.attach(stepManager);
            halfCopy.attach(stepManager);
        }
        pieces.attach(stepManager);
        return new SliceStore(stepManager, index, pieces);
    }

    /**
     * Starts the gradient side of a training step: a fresh autograd leaf sharing this buffer's
     * storage.
     *
     * @param stepManager the step's manager; the leaf and its gradient die with it
     * @return the step
     */
    public Step newStep(NDManager stepManager) {
        checkOpen();
        NDArray leaf = master.stopGradient();
        leaf.attach(stepManager);
        leaf.setRequiresGradient(true);
        return new Step(stepManager, leaf);
    }

    /** The gradient side of one training step over the buffer. */
    public final class Step {
        private final NDManager stepManager;
        private final NDArray leaf;

        private Step(NDManager stepManager, NDArray leaf) {
            this.stepManager = stepManager;
            this.leaf = leaf;
        }

        /**
         * Returns a store for one forward of this step (call inside the gradient collector; once
         * per micro-batch, since each backward frees the graph of its slices).
         *
         * @param computeType FLOAT32, or FLOAT16 or BFLOAT16 to read the 16-bit parameters through one cast
         * @return the store
         */
        public ParameterStore store(DataType computeType) {
            return FlatParameters.this.store(stepManager, leaf, computeType);
        }

        /**
         * Returns the flat gradient accumulated by the backward passes of this step, zero for
         * parameters no forward used.
         *
         * @return float32 array of {@link #size()} elements, owned by the step's manager
         * @throws IllegalStateException if no backward ran
         */
        public NDArray gradient() {
            NDArray g = gradientOrNull(leaf);
            if (g == null) {
                // no part of the batch ran on this device
                g = leaf.zerosLike();
            }
            g.attach(stepManager);
            return g;
        }
    }

    /**
     * Returns the buffer itself (live; the parameters are views of it).
     *
     * @return the float32 buffer of {@link #size()} elements
     */
    public NDArray master() {
        checkOpen();
        return master;
    }

    /**
     * Returns the number of elements.
     *
     * @return the total size of all parameters
     */
    public long size() {
        return total;
    }

    /**
     * Returns the number of groups.
     *
     * @return 1 + the number of heads
     */
    public int numGroups() {
        return groupStart.length;
    }

    /**
     * Returns where a group starts in the buffer.
     *
     * @param group the group
     * @return its first element
     */
    public long groupStart(int group) {
        return groupStart[group];
    }

    /**
     * Returns where a group ends in the buffer.
     *
     * @param group the group
     * @return one past its last element
     */
    public long groupEnd(int group) {
        return groupEnd[group];
    }

    /**
     * Returns the parameters in buffer order.
     *
     * @return the parameters
     */
    public List<NamedParameter> parameters() {
        return parameters;
    }

    /**
     * Returns the group of a parameter, by its position in {@link #parameters()}.
     *
     * @param position the position
     * @return its group
     */
    public int groupOf(int position) {
        return groupOf[position];
    }

    /**
     * Returns where a parameter starts in the buffer.
     *
     * @param position its position in {@link #parameters()}
     * @return its first element
     */
    public long offset(int position) {
        return offsets[position];
    }

    /**
     * Returns the slice of a flat array that holds one parameter, in its shape (a view).
     *
     * @param flat an array laid out as this buffer (moments, gradients)
     * @param position the parameter's position in {@link #parameters()}
     * @return a view, in {@code flat}'s manager
     */
    public NDArray slice(NDArray flat, int position) {
        NDArray part = flat.get(new NDIndex().addSliceDim(offsets[position], offsets[position + 1]));
        NDArray shaped = part.reshape(shapes[position]);
        part.close();
        return shaped;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("flat parameters: already closed");
        }
    }

    /**
     * Gives each parameter its own copy of its values and frees the buffer; later calls do nothing.
     * When the parent manager (the model's) is already closed, the buffer and the parameters died
     * with it and there is nothing left to copy.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                if (parent.isOpen()) {
                    for (NamedParameter np : parameters) {
                        // the views die with the buffer below
                        replaceArray(np.parameter(), np.parameter().getArray().duplicate(), parent);
                    }
                }
                manager.close();
            } finally {
                release();
            }
        }
    }

    /**
     * Whether some parameter is a view of an open buffer, for the builders' check, which names the
     * model rather than the parameter key the constructor's refusal names.
     */
    static boolean anyHeld(List<NamedParameter> parameters) {
        synchronized (HELD) {
            for (NamedParameter p : parameters) {
                WeakReference<FlatParameters> holder = HELD.get(p.parameter());
                if (holder != null && holder.get() != null) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Lets another buffer take this one's parameters. */
    private void release() {
        synchronized (HELD) {
            HELD.values().removeIf(f -> f.get() == this);
        }
    }

    /** A leaf's gradient, or null before any backward reached it. */
    static NDArray gradientOrNull(NDArray leaf) {
        try {
            return leaf.getGradient();
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /** Replaces a parameter's array; DJL's {@code setArray} refuses once a shape is set. */
    private static void rebind(Parameter p, NDArray view) {
        try {
            PARAMETER_ARRAY.set(p, view);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("flat parameters: cannot rebind " + p.getName(), e);
        }
    }

    private static Field parameterArrayField() {
        try {
            Field f = Parameter.class.getDeclaredField("array");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException | RuntimeException e) {
            throw new ExceptionInInitializerError("flat parameters need DJL's Parameter.array field (DJL 0.36): " + e);
        }
    }

    /** Serves slices of a leaf to the blocks of one forward. */
    private static final class SliceStore extends ParameterStore {
        private final Map<Parameter, Integer> index;
        private final NDList slices;

        SliceStore(NDManager manager, Map<Parameter, Integer> index, NDList slices) {
            super(manager, false);
            this.index = index;
            this.slices = slices;
        }

        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            if (parameter == null) {
                return null;
            }
            Integer i = index.get(parameter);
            if (i == null) {
                throw new IllegalStateException("flat parameters: " + parameter.getName() + " is not in the buffer");
            }
            return slices.get(i);
        }
    }
}
