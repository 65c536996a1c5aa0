package io.github.prefine.core.tokenize;

/**
 * Where a tokenizer's post-processor puts special tokens around one sequence or a pair, and the
 * token type ids of every part, read from probe encodings of the tokenizer itself.
 *
 * <p>A single input is {@code singlePrefix A singleSuffix}; a pair is {@code pairPrefix A
 * pairMiddle B pairSuffix} (BERT: {@code [CLS] A [SEP] B [SEP]}; XLM-R: {@code <s> A </s></s> B
 * </s>}). Each part has one type id (BERT: 0 up to the middle, 1 from B on; XLM-R: all 0). Arrays
 * are not copied; callers must not modify them.
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
}
