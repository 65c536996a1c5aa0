package io.github.prefine.core.features;

/**
 * Extractive-QA features: one row per window ({@code [CLS] question [SEP] context-slice [SEP]}),
 * its answer span in token positions, and what post-processing needs to map token spans back to
 * context text.
 *
 * <p>Per row: the example index, start and end positions (inclusive; both 0, the {@code
 * [CLS]}/{@code <s>} position, when the target answer (see {@link QaFeaturizer}) is not wholly inside the window or the
 * example is unlabelled), and the range {@code [contextStart, contextEnd)} of positions that hold
 * context tokens (contiguous, since only the context is truncated). For each context position,
 * the UTF-16 character span in the context: the tokenizer's offsets (HF's {@code offset_mapping}),
 * the end past any combining marks the normalizer removed right after the token (see {@link
 * QaFeaturizer}). Storage: ids (2 or 3 bytes) plus 8 bytes of offsets
 * per context position, and 20 bytes per row. Immutable and thread-safe.
 */
public final class QaFeatures extends FeaturesBase implements Features {
    private final int[] startPos;
    private final int[] endPos;
    private final int[] contextStart;
    private final int[] contextEnd;
    private final int[] offsetBase;
    private final int[] charStarts;
    private final int[] charEnds;

    QaFeatures(
            TokenRows tokens,
            int[] exampleIndex,
            int[] startPos,
            int[] endPos,
            int[] contextStart,
            int[] contextEnd,
            int[] offsetBase,
            int[] charStarts,
            int[] charEnds,
            FeatureReport report) {
        super(tokens, exampleIndex, report);
        this.startPos = startPos;
        this.endPos = endPos;
        this.contextStart = contextStart;
        this.contextEnd = contextEnd;
        this.offsetBase = offsetBase;
        this.charStarts = charStarts;
        this.charEnds = charEnds;
    }

    /**
     * Returns the answer's first token position in a window.
     *
     * @param row the window
     * @return the position, 0 when the answer is not wholly inside the window
     */
    public int startPosition(int row) {
        return startPos[row];
    }

    /**
     * Returns the answer's last token position (inclusive) in a window.
     *
     * @param row the window
     * @return the position, 0 when the answer is not wholly inside the window
     */
    public int endPosition(int row) {
        return endPos[row];
    }

    /**
     * Returns the first position holding a context token.
     *
     * @param row the window
     * @return the position
     */
    public int contextStart(int row) {
        return contextStart[row];
    }

    /**
     * Returns the position after the last context token.
     *
     * @param row the window
     * @return the exclusive end position
     */
    public int contextEnd(int row) {
        return contextEnd[row];
    }

    /**
     * Tells whether a position holds a context token (and so may start or end an answer).
     *
     * @param row the window
     * @param pos the position
     * @return true inside {@code [contextStart, contextEnd)}
     */
    public boolean isContext(int row, int pos) {
        return pos >= contextStart[row] && pos < contextEnd[row];
    }

    /**
     * Returns where a context token starts in the context string.
     *
     * @param row the window
     * @param pos a context position
     * @return the UTF-16 start offset
     * @throws IndexOutOfBoundsException when {@code pos} is not a context position
     */
    public int charStart(int row, int pos) {
        return charStarts[offsetIndex(row, pos)];
    }

    /**
     * Returns where a context token ends (exclusive) in the context string.
     *
     * @param row the window
     * @param pos a context position
     * @return the UTF-16 end offset
     * @throws IndexOutOfBoundsException when {@code pos} is not a context position
     */
    public int charEnd(int row, int pos) {
        return charEnds[offsetIndex(row, pos)];
    }

    private int offsetIndex(int row, int pos) {
        if (!isContext(row, pos)) {
            throw new IndexOutOfBoundsException(
                    "row " + row + ": position " + pos + " is outside the context [" + contextStart[row] + ", "
                            + contextEnd[row] + ")");
        }
        return offsetBase[row] + pos - contextStart[row];
    }

    /**
     * {@inheritDoc}
     *
     * <p>Targets are start and end positions of shape {@code [rows]}.
     */
    @Override
    public PaddedBatch batch(int[] units, int seqLen) {
        long[] s = new long[units.length];
        long[] e = new long[units.length];
        for (int i = 0; i < units.length; i++) {
            s[i] = startPos[units[i]];
            e[i] = endPos[units[i]];
        }
        return PaddedBatch.inputsOf(tokens, units, seqLen).withSpans(s, e);
    }
}
