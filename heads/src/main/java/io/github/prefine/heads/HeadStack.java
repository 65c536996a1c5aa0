package io.github.prefine.heads;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import io.github.prefine.kernels.FastDropout;
import java.util.List;
import java.util.Objects;

/**
 * The heads of several tasks of one kind run as one: a multi-task batch whose rows belong to
 * different token (or sequence, or span) heads goes through one concatenated layer instead of one
 * small layer per head, so a step makes the same number of native operations for 2 heads of a
 * kind as for 20.
 *
 * <p>Every row is computed against every head's weights, and each row then keeps its own head's
 * part: sequence and span stacks select it with a one-hot {@link #choice} per row; token and
 * sequence stacks push the other heads' label columns down by {@link #MASKED_LOGIT} ({@link
 * #columnMask}), so a softmax over the label axis gives them exactly zero weight (and zero
 * gradient) and a row's log-softmax over its own columns is its head's. The extra work is one
 * small matrix product per head over the rows of its kind, tiny next to the encoder; each head keeps
 * its own parameters, which take gradients only from their own rows.
 *
 * <p>Dropout is drawn once for the stacked rows instead of once per head: the same distribution
 * per element, not the same draw. Holds no arrays of its own; its outputs and intermediates join the
 * manager of the hidden state, as a head's do.
 *
 * <p>Immutable. A forward reads the heads' parameters and moves none of their arrays to another
 * manager: the concatenations are made in the hidden state's manager behind an empty array of it.
 * So forwards over the same heads may run on several threads at once, through one stack or two,
 * each with its own hidden state and manager, as a head's own forward may under DJL's rules for
 * blocks.
 */
public final class HeadStack {
    /** Added to the logits of another head's columns: far below any real logit, finite in float16. */
    public static final float MASKED_LOGIT = -10_000f;

    private final List<Head> heads;
    private final int[] offsets;

    private HeadStack(List<Head> heads) {
        this.heads = heads;
        this.offsets = new int[heads.size() + 1];
        for (int i = 0; i < heads.size(); i++) {
            offsets[i + 1] = offsets[i] + columns(heads.get(i));
        }
    }

    /**
     * Says whether two heads can run in one stack: sequence, token or span heads of the same class,
     * hidden size and dropout (and family, for sequence heads). Multiple-choice heads never stack.
     *
     * @param a a head
     * @param b another head
     * @return true if they stack
     */
    public static boolean stackable(Head a, Head b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.getClass() != b.getClass() || a.hiddenSize() != b.hiddenSize()) {
            return false;
        }
        if (a instanceof SequenceClassificationHead s && b instanceof SequenceClassificationHead t) {
            return s.family() == t.family() && s.dropout() == t.dropout();
        }
        if (a instanceof TokenClassificationHead s && b instanceof TokenClassificationHead t) {
            return s.dropout() == t.dropout();
        }
        return a instanceof QuestionAnsweringHead;
    }

    /**
     * Stacks heads, in the order given (the order of {@link #choice}'s columns).
     *
     * @param heads initialized heads, pairwise {@link #stackable}
     * @return the stack
     * @throws IllegalArgumentException if the list is empty or two heads do not stack
     */
    public static HeadStack of(List<? extends Head> heads) {
        List<Head> copy = List.copyOf(heads);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("HeadStack: needs at least one head");
        }
        for (Head h : copy) {
            if (!stackable(copy.get(0), h)) {
                throw new IllegalArgumentException("HeadStack: " + h + " does not stack with " + copy.get(0));
            }
        }
        return new HeadStack(copy);
    }

    /**
     * Says whether this is a stack of span heads, whose logits run over positions.
     *
     * @return true for span (extractive QA) heads
     */
    public boolean spans() {
        return heads.get(0) instanceof QuestionAnsweringHead;
    }

    /**
     * Says whether {@link #logits} reads the rows' {@link #choice}: sequence and span stacks do,
     * token stacks, whose rows keep their heads' columns through the column mask alone, do not.
     *
     * @return true unless this is a stack of token heads
     */
    public boolean readsChoice() {
        return !(heads.get(0) instanceof TokenClassificationHead);
    }

    /**
     * Returns the number of heads.
     *
     * @return the head count
     */
    public int size() {
        return heads.size();
    }

    /**
     * Returns the last axis of {@link #logits}: the heads' label counts summed (token and sequence
     * stacks), or 2 (span stacks: each row's own start and end).
     *
     * @return the width
     */
    public int width() {
        return spans() ? 2 : offsets[heads.size()];
    }

    /**
     * Returns where a head's columns start in {@link #logits}: its labels are columns {@code
     * offset(i)} to {@code offset(i) + numLabels - 1}; 0 for span heads, whose rows keep their own
     * two columns.
     *
     * @param head the head's position in the stack
     * @return the first column
     * @throws IllegalArgumentException if {@code head} is outside {@code [0, size())}
     */
    public int offset(int head) {
        int h = check(head);
        return spans() ? 0 : offsets[h];
    }

    /**
     * Returns the one-hot choice of each row's head, which {@link #logits} reads.
     *
     * @param headOfRow each row's head (position in the stack)
     * @return row-major float32 {@code [rows, size()]}, 1 at the row's head, else 0
     * @throws IllegalArgumentException if a head is outside the stack
     */
    public float[] choice(int[] headOfRow) {
        float[] out = new float[headOfRow.length * heads.size()];
        for (int r = 0; r < headOfRow.length; r++) {
            out[r * heads.size() + check(headOfRow[r])] = 1f;
        }
        return out;
    }

    /**
     * Returns the mask {@link #logits} adds to each row's label columns.
     *
     * @param headOfRow each row's head (position in the stack)
     * @return row-major float32 {@code [rows, width()]}: 0 on the row's own head's columns,
     *     {@link #MASKED_LOGIT} on every other head's (all 0 for a span stack)
     * @throws IllegalArgumentException if a head is outside the stack
     */
    public float[] columnMask(int[] headOfRow) {
        int width = width();
        float[] out = new float[headOfRow.length * width];
        if (spans()) {
            return out;
        }
        for (int r = 0; r < headOfRow.length; r++) {
            int h = check(headOfRow[r]);
            for (int c = 0; c < width; c++) {
                if (c < offsets[h] || c >= offsets[h + 1]) {
                    out[r * width + c] = MASKED_LOGIT;
                }
            }
        }
        return out;
    }

    /**
     * Computes the stacked logits of rows that each belong to one of the heads.
     *
     * @param store the parameter store of the forward
     * @param hidden the rows' encoder output {@code [rows, seqLen, hidden]}
     * @param choice {@link #choice} as float32 {@code [rows, size()]} where {@link #readsChoice},
     *     else ignored (null allowed)
     * @param columnMask {@link #columnMask} as {@code [rows, width()]} in the logits' type; read by
     *     token and sequence stacks (null allowed for span stacks)
     * @param training true for a training forward (dropout on)
     * @return {@code [rows, seqLen, width()]} for token stacks, {@code [rows, width()]} for
     *     sequence stacks (other heads' columns masked), {@code [rows, seqLen, 2]} for span stacks
     *     (the row's own head's start and end logits)
     * @throws IllegalArgumentException if the input is not {@code [rows, seqLen, hidden]} or not of
     *     the weights' dtype
     */
    public NDArray logits(ParameterStore store, NDArray hidden, NDArray choice, NDArray columnMask,
            boolean training) {
        Head first = heads.get(0);
        first.checkHidden(hidden);
        long rows = hidden.getShape().get(0);
        NDArray[] leaders = new NDArray[2];
        if (first instanceof TokenClassificationHead t) {
            NDArray x = FastDropout.apply(hidden, t.dropout(), training);
            NDArray logits = linear(store, "classifier", x, training, leaders);
            return logits.add(columnMask.reshape(rows, 1, width()));
        }
        if (first instanceof QuestionAnsweringHead) {
            long seqLen = hidden.getShape().get(1);
            NDArray all = linear(store, "qa_outputs", hidden, training, leaders);
            return selected(all.reshape(rows, seqLen, heads.size(), 2), choice.reshape(rows, 1, heads.size(), 1), 2);
        }
        SequenceClassificationHead s = (SequenceClassificationHead) first;
        NDArray cls = hidden.get(":, 0, :");
        NDArray x;
        if (s.family() == HeadFamily.ROBERTA) {
            x = FastDropout.apply(cls, s.dropout(), training);
            x = own(linear(store, "classifier.dense", x, training, leaders), choice, rows).tanh();
            x = FastDropout.apply(x, s.dropout(), training);
            return linear(store, "classifier.out_proj", x, training, leaders).add(columnMask);
        }
        x = own(linear(store, "bert.pooler.dense", cls, training, leaders), choice, rows).tanh();
        x = FastDropout.apply(x, s.dropout(), training);
        return linear(store, "classifier", x, training, leaders).add(columnMask);
    }

    /** Each row's own head's block of a {@code [rows, size * hidden]} dense output. */
    private NDArray own(NDArray dense, NDArray choice, long rows) {
        return selected(dense.reshape(rows, heads.size(), heads.get(0).hiddenSize()),
                choice.reshape(rows, heads.size(), 1), 1);
    }

    /** Sums the head axis weighted by the one-hot choice: exact, as the other heads' terms are 0. */
    private static NDArray selected(NDArray perHead, NDArray choice, int axis) {
        return perHead.mul(choice.toType(perHead.getDataType(), false)).sum(new int[] {axis});
    }

    /**
     * One linear layer over every head's weights under {@code prefix}, concatenated by output.
     * {@code leaders} holds the call's empty leading arrays ({@link #stepConcat}), made by the first
     * layer that needs them and shared by the call's others: every stacked layer reads {@code
     * hidden} inputs.
     */
    private NDArray linear(ParameterStore store, String prefix, NDArray x, boolean training, NDArray[] leaders) {
        Device device = x.getDevice();
        NDList weights = new NDList(heads.size());
        NDList biases = new NDList(heads.size());
        for (Head h : heads) {
            NDArray w = store.getValue(h.hfParameters().get(prefix + ".weight"), device, training);
            Head.checkInputType("HeadStack", prefix, x, w);
            weights.add(w);
            biases.add(store.getValue(h.hfParameters().get(prefix + ".bias"), device, training));
        }
        if (heads.size() == 1) {
            return Linear.linear(x, weights.get(0), biases.get(0)).singletonOrThrow();
        }
        if (leaders[0] == null) {
            NDArray w = weights.get(0);
            leaders[0] = x.getManager().create(new Shape(0, w.getShape().get(1)), w.getDataType(), device);
            leaders[1] = x.getManager().create(new Shape(0), biases.get(0).getDataType(), device);
        }
        return Linear.linear(x, stepConcat(leaders[0], weights), stepConcat(leaders[1], biases)).singletonOrThrow();
    }

    /**
     * Concatenates parameter values along axis 0 behind {@code leader}, an empty array of the
     * forward's manager. DJL makes a concatenation in its first array's manager: with a parameter
     * first, that is the parameters', which outlives the step (it would keep every step's copy)
     * and may be capped against new arrays. An empty leader of the forward's puts it there instead
     * without moving any parameter's array to another manager (lending one to the step's would let
     * two forwards over the same heads at once hand it back to a closed manager, which frees it);
     * it adds no values, no memory and no gradient, and leaves the autograd graph of the values as
     * it was.
     */
    private static NDArray stepConcat(NDArray leader, NDList values) {
        NDList all = new NDList(values.size() + 1);
        all.add(leader);
        all.addAll(values);
        return NDArrays.concat(all, 0);
    }

    private int check(int head) {
        if (head < 0 || head >= heads.size()) {
            throw new IllegalArgumentException("HeadStack: head " + head + " is outside [0, " + heads.size() + ")");
        }
        return head;
    }

    private static int columns(Head h) {
        if (h instanceof TokenClassificationHead t) {
            return t.numLabels();
        }
        if (h instanceof SequenceClassificationHead s) {
            return s.numLabels();
        }
        return 2;
    }
}
