/**
 * The fluent {@link io.github.prefine.eval.evaluator.Evaluator}: scores a task's predictions by its
 * {@link io.github.prefine.eval.metrics.MetricType} into immutable results and aggregates seeds into
 * {@link io.github.prefine.eval.evaluator.SeedSummary} (mean ± sample or population std).
 */
package io.github.prefine.eval.evaluator;
