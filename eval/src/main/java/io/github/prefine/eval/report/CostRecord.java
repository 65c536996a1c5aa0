package io.github.prefine.eval.report;

/**
 * The cost of one pre-finetuning epoch of a setting: one line of the results log.
 *
 * <p>Immutable and thread-safe.
 *
 * @param setting pre-finetuning setting
 * @param secondsPerEpoch wall-clock seconds of one epoch
 * @param examplesPerEpoch training examples seen in one epoch
 */
public record CostRecord(String setting, double secondsPerEpoch, long examplesPerEpoch) {

    /**
     * Validates the fields.
     *
     * @param setting see the record description
     * @param secondsPerEpoch see the record description
     * @param examplesPerEpoch see the record description
     */
    public CostRecord {
        RunRecord.requireName("setting", setting);
        if (!(secondsPerEpoch >= 0) || Double.isInfinite(secondsPerEpoch) || examplesPerEpoch < 0) {
            throw new IllegalArgumentException("cost needs finite seconds >= 0 and examples >= 0, found "
                    + secondsPerEpoch + " s and " + examplesPerEpoch + " examples");
        }
    }
}
