/**
 * Metrics identical to the Python references: classification ({@link
 * io.github.prefine.eval.metrics.ClassificationMetrics}, scikit-learn), entity spans ({@link
 * io.github.prefine.eval.metrics.SpanF1}, seqeval) and SQuAD v1.1 ({@link
 * io.github.prefine.eval.metrics.SquadMetrics}, the official script).
 */
package io.github.prefine.eval.metrics;
