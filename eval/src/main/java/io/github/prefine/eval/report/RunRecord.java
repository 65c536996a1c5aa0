package io.github.prefine.eval.report;

import java.util.Objects;

/**
 * The headline score of one finished fine-tuning run: one line of the results log.
 *
 * <p>Immutable and thread-safe.
 *
 * @param setting pre-finetuning setting, e.g. {@code "Baseline"} or {@code "SL+QA"}
 * @param target target task, e.g. {@code "WNUT17"}
 * @param group the target's task group, e.g. {@code "SL"}, {@code "C"} or {@code "QA"}
 * @param seed the run's seed
 * @param value the metric value in percent
 * @param precision the training precision of the run, as the command line names it ({@code fp32},
 *     {@code fp16-mixed})
 * @param protocol the finetuning protocol in a few words (scored split, learning-rate selection,
 *     batch size, schedule), {@value #UNRECORDED} for older logs
 */
public record RunRecord(String setting, String target, String group, long seed, double value, String precision,
        String protocol) {

    /** The precision of records written before runs recorded theirs. */
    public static final String DEFAULT_PRECISION = "fp32";
    /** The protocol of records written before runs recorded theirs. */
    public static final String UNRECORDED = "not recorded";

    /**
     * A run whose protocol is not recorded.
     *
     * @param setting see the record description
     * @param target see the record description
     * @param group see the record description
     * @param seed see the record description
     * @param value see the record description
     * @param precision see the record description
     */
    public RunRecord(String setting, String target, String group, long seed, double value, String precision) {
        this(setting, target, group, seed, value, precision, UNRECORDED);
    }

    /**
     * A float32 run.
     *
     * @param setting see the record description
     * @param target see the record description
     * @param group see the record description
     * @param seed see the record description
     * @param value see the record description
     */
    public RunRecord(String setting, String target, String group, long seed, double value) {
        this(setting, target, group, seed, value, DEFAULT_PRECISION);
    }

    /**
     * Validates the fields.
     *
     * @param setting see the record description
     * @param target see the record description
     * @param group see the record description
     * @param seed see the record description
     * @param value see the record description
     * @param precision see the record description
     * @param protocol see the record description
     */
    public RunRecord {
        requireName("precision", precision);
        requireName("protocol", protocol);
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
