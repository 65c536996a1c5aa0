package io.github.prefine.eval.metrics;

/**
 * The metric a task reports, as the paper uses them.
 *
 * <p>Each constant names the headline number of a task; the metric classes in this package
 * compute it.
 *
 * <p>Immutable and thread-safe.
 */
public enum MetricType {
    /** Fraction of examples whose predicted label equals the gold label. */
    ACCURACY,
    /** F1 of the positive class of a binary task. */
    BINARY_F1,
    /** Unweighted mean of per-class F1 (what CB reports). */
    MACRO_F1,
    /** Entity-level micro F1 as seqeval computes it in its default mode. */
    SPAN_F1,
    /** SQuAD v1.1 token-overlap F1, max over gold answers. */
    SQUAD_F1,
    /** SQuAD v1.1 exact match after normalisation. */
    SQUAD_EM
}
