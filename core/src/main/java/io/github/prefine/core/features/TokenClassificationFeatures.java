package io.github.prefine.core.features;

import java.util.Map;

/**
 * Token-classification (sequence labelling) features: one row per kept sentence and one label
 * byte per token position.
 *
 * <p>Label byte: bit 7 marks the first sub-token of a word; the low 7 bits hold the label id, or
 * 127 for "ignored" (-100 for the loss: special tokens, and non-first sub-tokens unless every
 * sub-token is labelled). With 2-byte ids this stores 3 bytes per position plus 8 bytes per row.
 *
 * <p>Mapping predictions back to words: the k-th first sub-token of a row belongs to word k of the
 * sentence, except in rows where some word produced no sub-token (rare: a word of characters the
 * normalizer removes), for which {@link #firstTokenWords(int)} uses a stored exception list.
 * Immutable and thread-safe.
 */
public final class TokenClassificationFeatures extends FeaturesBase implements Features {
    static final int IGNORE = 127;
    static final int FIRST = 0x80;

    private final byte[] labels;
    private final Map<Integer, int[]> gappedRows;

    TokenClassificationFeatures(
            TokenRows tokens, byte[] labels, int[] exampleIndex, Map<Integer, int[]> gappedRows, FeatureReport report) {
        super(tokens, exampleIndex, report);
        this.labels = labels;
        this.gappedRows = gappedRows;
    }

    /**
     * Returns the training label at a position.
     *
     * @param row the row index
     * @param pos the position in the row
     * @return the label id, or -100 where the loss ignores the position
     */
    public int label(int row, int pos) {
        int b = labels[tokens.rowStart(row) + pos] & 0x7F;
        return b == IGNORE ? -100 : b;
    }

    /**
     * Tells whether a position is the first sub-token of a word.
     *
     * @param row the row index
     * @param pos the position in the row
     * @return true for the position that carries the word's prediction
     */
    public boolean isFirstSubToken(int row, int pos) {
        return (labels[tokens.rowStart(row) + pos] & FIRST) != 0;
    }

    /**
     * Returns, for each first sub-token of a row in order, the index of its word in the sentence.
     *
     * @param row the row index
     * @return word indices, one per first sub-token
     */
    public int[] firstTokenWords(int row) {
        int[] gapped = gappedRows.get(row);
        if (gapped != null) {
            return gapped.clone();
        }
        int n = 0;
        int from = tokens.rowStart(row);
        for (int i = 0; i < tokens.length(row); i++) {
            n += (labels[from + i] & FIRST) != 0 ? 1 : 0;
        }
        int[] words = new int[n];
        for (int k = 0; k < n; k++) {
            words[k] = k;
        }
        return words;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Labels have shape {@code [rows, seqLen]}, -100 on ignored positions and padding.
     */
    @Override
    public PaddedBatch batch(int[] units) {
        PaddedBatch b = PaddedBatch.inputsOf(tokens, units);
        int t = b.seqLen();
        long[] l = new long[units.length * t];
        java.util.Arrays.fill(l, -100L);
        for (int i = 0; i < units.length; i++) {
            int from = tokens.rowStart(units[i]);
            int len = tokens.length(units[i]);
            for (int p = 0; p < len; p++) {
                int v = labels[from + p] & 0x7F;
                if (v != IGNORE) {
                    l[i * t + p] = v;
                }
            }
        }
        return b.withLabels(l);
    }
}
