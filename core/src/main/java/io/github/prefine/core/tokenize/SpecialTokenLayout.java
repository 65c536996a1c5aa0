package io.github.prefine.core.tokenize;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where a tokenizer's post-processor puts special tokens around one sequence or a pair, and the
 * token type ids of every part, read from probe encodings of the tokenizer itself.
 *
 * <p>A single input is {@code singlePrefix A singleSuffix}; a pair is {@code pairPrefix A
 * pairMiddle B pairSuffix} (BERT: {@code [CLS] A [SEP] B [SEP]}; XLM-R: {@code <s> A </s></s> B
 * </s>}). Each part has one type id (BERT: 0 up to the middle, 1 from B on; XLM-R: all 0). Arrays
 * are not copied; callers must not modify them.
 *
 * <p>Safe to read from several threads under that contract.
 *
 * @param singlePrefix ids before a single sequence
 * @param singleSuffix ids after a single sequence
 * @param singleType type id of every position of a single input
 * @param pairPrefix ids before the first sequence of a pair
 * @param pairMiddle ids between the two sequences
 * @param pairSuffix ids after the second sequence
 * @param firstType type id of the prefix, the first sequence and the middle
 * @param secondType type id of the second sequence and the suffix
 */
public record SpecialTokenLayout(
        int[] singlePrefix,
        int[] singleSuffix,
        int singleType,
        int[] pairPrefix,
        int[] pairMiddle,
        int[] pairSuffix,
        int firstType,
        int secondType) {
    /**
     * Returns the number of special tokens around a single sequence.
     *
     * @return prefix plus suffix length
     */
    public int singleAdded() {
        return singlePrefix.length + singleSuffix.length;
    }

    /**
     * Returns the number of special tokens in a pair.
     *
     * @return prefix, middle and suffix lengths
     */
    public int pairAdded() {
        return pairPrefix.length + pairMiddle.length + pairSuffix.length;
    }

    /**
     * Reads the layout from the encodings of the probes "a" and ("a", "b"): their ids, special-token
     * masks, type ids and (for the pair) sequence ids.
     *
     * @return the layout, or empty when the template does not have the simple form this record
     *     describes
     */
    static Optional<SpecialTokenLayout> fromProbes(int[] sIds, int[] sSpecial, int[] sTypes, int[] pIds,
            int[] pSpecial, int[] pTypes, int[] pSeq) {
        int first = 0;
        while (first < sIds.length && sSpecial[first] == 1) {
            first++;
        }
        int last = sIds.length - 1;
        while (last >= first && sSpecial[last] == 1) {
            last--;
        }
        if (first > last) {
            return Optional.empty();
        }
        for (int i = first; i <= last; i++) {
            if (sSpecial[i] == 1) {
                return Optional.empty();
            }
        }
        for (int t : sTypes) {
            if (t != sTypes[0]) {
                return Optional.empty();
            }
        }
        int n = pIds.length;
        int a0 = indexOf(pSeq, 0, 0);
        int a1 = a0 < 0 ? -1 : runEnd(pSeq, a0, 0);
        int b0 = a1 < 0 ? -1 : indexOf(pSeq, 1, a1);
        int b1 = b0 < 0 ? -1 : runEnd(pSeq, b0, 1);
        if (b1 < 0) {
            return Optional.empty();
        }
        for (int i = 0; i < n; i++) {
            boolean inSeq = (i >= a0 && i < a1) || (i >= b0 && i < b1);
            if (inSeq == (pSpecial[i] == 1)) {
                return Optional.empty();
            }
            int expected = i < b0 ? pTypes[0] : pTypes[n - 1];
            if (pTypes[i] != expected) {
                return Optional.empty();
            }
        }
        return Optional.of(new SpecialTokenLayout(
                Arrays.copyOfRange(sIds, 0, first), Arrays.copyOfRange(sIds, last + 1, sIds.length), sTypes[0],
                Arrays.copyOfRange(pIds, 0, a0), Arrays.copyOfRange(pIds, a1, b0), Arrays.copyOfRange(pIds, b1, n),
                pTypes[0], pTypes[n - 1]));
    }

    private static int indexOf(int[] a, int v, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static int runEnd(int[] a, int from, int v) {
        int i = from;
        while (i < a.length && a[i] == v) {
            i++;
        }
        return i;
    }

}
