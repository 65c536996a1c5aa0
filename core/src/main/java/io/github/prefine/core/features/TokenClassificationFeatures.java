package io.github.prefine.core.features;

import io.github.prefine.heads.HeadLosses;
import java.util.Map;

/**
 * Token-classification (sequence labelling) features: one row per kept sentence and one label
 * byte per token position.
 *
 * <p>Label byte, when only first sub-tokens are labelled (the default): the label id (0 to 253) on
 * the first sub-token of each word, 254 on the first sub-token of a word whose tag is outside the
 * labels (ignored by the loss, yet the word keeps its place for scoring), 255 for "ignored" (-100
 * for the loss: special tokens and the other sub-tokens), so up to 254 labels. When every
 * sub-token is labelled, bit 7 marks the first sub-token and the low 7 bits hold the label id or
 * 127 for "ignored", so up to 127 labels. Either way one byte per position.
 *
 * <p>Mapping predictions back to words: the k-th first sub-token of a row belongs to word k of the
 * sentence, except in rows where some word produced no sub-token (rare: a word of characters the
 * normalizer removes), for which {@link #firstTokenWords(int)} uses a stored exception list.
 * Immutable and thread-safe.
 */
public final class TokenClassificationFeatures extends FeaturesBase implements Features {
    /** The loss's ignore label, {@link HeadLosses#IGNORE_INDEX}. */
    private static final int IGNORE = HeadLosses.IGNORE_INDEX;
    private static final int IGNORE_FLAGGED = 127;
    private static final int FIRST = 0x80;
    private static final int IGNORE_PLAIN = 0xFF;
    /** First sub-token of a word whose tag is outside the list: ignored by the loss, still a first sub-token. */
    private static final int IGNORE_FIRST_PLAIN = 0xFE;

    private final boolean labelAll;
    private final byte[] labels;
    private final Map<Integer, int[]> gappedRows;
    /** Rows the maximum length truncated, to the index of the first word cut off. */
    private final Map<Integer, Integer> cutRows;

    TokenClassificationFeatures(TokenRows tokens, boolean labelAll, byte[] labels, int[] exampleIndex,
            Map<Integer, int[]> gappedRows, Map<Integer, Integer> cutRows, FeatureReport report) {
        super(tokens, exampleIndex, report);
        this.labelAll = labelAll;
        this.labels = labels;
        this.gappedRows = gappedRows;
        this.cutRows = cutRows;
    }

    /** How many labels the label byte can hold in a labelling mode. */
    static int maxLabels(boolean labelAll) {
        return labelAll ? IGNORE_FLAGGED : IGNORE_FIRST_PLAIN;
    }

    /** The byte of an ignored position. */
    static byte ignored(boolean labelAll) {
        return (byte) (labelAll ? IGNORE_FLAGGED : IGNORE_PLAIN);
    }

    /** The byte of a word's first sub-token whose tag is outside the label list. */
    static byte ignoredFirst(boolean labelAll) {
        return (byte) (labelAll ? FIRST | IGNORE_FLAGGED : IGNORE_FIRST_PLAIN);
    }

    /** The byte of a word's first sub-token carrying label id {@code label}. */
    static byte first(boolean labelAll, int label) {
        return (byte) (labelAll ? FIRST | label : label);
    }

    /** Decodes a label byte to a label id, or -100 where the loss ignores the position. */
    private int decode(byte b) {
        int v = labelAll ? b & 0x7F : b & 0xFF;
        boolean ignored = labelAll ? v == IGNORE_FLAGGED : v == IGNORE_PLAIN || v == IGNORE_FIRST_PLAIN;
        return ignored ? IGNORE : v;
    }

    private boolean isFirst(byte b) {
        return labelAll ? (b & FIRST) != 0 : (b & 0xFF) != IGNORE_PLAIN;
    }

    /**
     * Returns the training label at a position.
     *
     * @param row the row index
     * @param pos the position in the row
     * @return the label id, or -100 where the loss ignores the position
     */
    public int label(int row, int pos) {
        return decode(labels[tokens.rowStart(row) + pos]);
    }

    /**
     * Tells whether a position is the first sub-token of a word.
     *
     * @param row the row index
     * @param pos the position in the row
     * @return true for the position that carries the word's prediction
     */
    public boolean isFirstSubToken(int row, int pos) {
        return isFirst(labels[tokens.rowStart(row) + pos]);
    }

    /**
     * Returns where the maximum length cut a row's sentence: the words from that index on have no
     * sub-token in the row (a word whose first sub-token fits is not cut).
     *
     * @param row the row index
     * @return the index of the first word cut off, or -1 when the row holds the whole sentence
     */
    public int firstCutWord(int row) {
        return cutRows.getOrDefault(row, -1);
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
            n += isFirst(labels[from + i]) ? 1 : 0;
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
    public PaddedBatch batch(int[] units, int seqLen) {
        PaddedBatch b = PaddedBatch.inputsOf(tokens, units, seqLen);
        int t = b.seqLen();
        long[] l = new long[units.length * t];
        java.util.Arrays.fill(l, IGNORE);
        for (int i = 0; i < units.length; i++) {
            int from = tokens.rowStart(units[i]);
            int len = tokens.length(units[i]);
            for (int p = 0; p < len; p++) {
                int v = decode(labels[from + p]);
                if (v != IGNORE) {
                    l[i * t + p] = v;
                }
            }
        }
        return b.withLabels(l);
    }
}
