package io.github.prefine.eval.report;

import java.util.Objects;

/**
 * The headline score of one finished fine-tuning run: one line of the results log.
 *
 * @param setting pre-finetuning setting, e.g. {@code "Baseline"} or {@code "SL+QA"}
 * @param target target task, e.g. {@code "WNUT17"}
 * @param group the target's task group, e.g. {@code "SL"}, {@code "C"} or {@code "QA"}
 * @param seed the run's seed
 * @param value the metric value in percent
 */
public record RunRecord(String setting, String target, String group, long seed, double value) {

    /**
     * Validates the fields.
     *
     * @param setting see the record description
     * @param target see the record description
     * @param group see the record description
     * @param seed see the record description
     * @param value see the record description
     */
    public RunRecord {
        requireName("setting", setting);
        requireName("target", target);
        requireName("group", group);
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("run value must be finite, found " + value);
        }
    }

    static void requireName(String field, String v) {
        Objects.requireNonNull(v, field);
        if (v.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank, found \"" + v + "\"");
        }
    }
}
