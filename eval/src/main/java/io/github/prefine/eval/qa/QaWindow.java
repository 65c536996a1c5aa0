package io.github.prefine.eval.qa;

import java.util.Objects;

/**
 * The model outputs and offsets of one window (one feature) of a QA example.
 *
 * <p>All arrays are indexed by token position in the window (length seqLen). The arrays are held
 * without copying: callers must not modify them while the window is in use. That keeps
 * post-processing free of per-token boxing; the trade-off is that equality is by identity.
 *
 * <p>Safe to read from several threads under that contract.
 */
public final class QaWindow {
    private final float[] startLogits;
    private final float[] endLogits;
    private final int[] charStart;
    private final int[] charEnd;
    private final boolean[] contextMask;

    /**
     * Wraps one window's arrays.
     *
     * @param startLogits start logit per token, float32 [seqLen]
     * @param endLogits end logit per token, float32 [seqLen]
     * @param charStart first character of each token in the context, [seqLen]
     * @param charEnd character after the last of each token in the context (exclusive), [seqLen]
     * @param contextMask true for tokens that belong to the context, [seqLen]
     * @throws IllegalArgumentException if the lengths differ
     */
    public QaWindow(float[] startLogits, float[] endLogits, int[] charStart, int[] charEnd, boolean[] contextMask) {
        this.startLogits = Objects.requireNonNull(startLogits, "startLogits");
        this.endLogits = Objects.requireNonNull(endLogits, "endLogits");
        this.charStart = Objects.requireNonNull(charStart, "charStart");
        this.charEnd = Objects.requireNonNull(charEnd, "charEnd");
        this.contextMask = Objects.requireNonNull(contextMask, "contextMask");
        int n = startLogits.length;
        if (endLogits.length != n || charStart.length != n || charEnd.length != n || contextMask.length != n) {
            throw new IllegalArgumentException("window arrays must have one length, found startLogits " + n
                    + ", endLogits " + endLogits.length + ", charStart " + charStart.length + ", charEnd "
                    + charEnd.length + ", contextMask " + contextMask.length);
        }
    }

    /**
     * Returns the number of tokens in the window.
     *
     * @return the number of tokens in the window
     */
    public int length() {
        return startLogits.length;
    }

    float[] startLogits() {
        return startLogits;
    }

    float[] endLogits() {
        return endLogits;
    }

    int[] charStart() {
        return charStart;
    }

    int[] charEnd() {
        return charEnd;
    }

    boolean[] contextMask() {
        return contextMask;
    }
}
