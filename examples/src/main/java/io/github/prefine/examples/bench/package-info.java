/**
 * Benchmarks and long checks: {@link io.github.prefine.examples.bench.BenchCommand} ({@code bench}:
 * training steps, or with {@code --part DATA} reading and featurizing), and mains run with {@code
 * java -cp}: {@link io.github.prefine.examples.bench.FeaturizeBench}, {@link
 * io.github.prefine.examples.bench.TextEmbBench}, {@link io.github.prefine.examples.bench.ReadCost}
 * and {@link io.github.prefine.examples.bench.ReadHeap} (readers' bytes and heap), {@link
 * io.github.prefine.examples.bench.GridSoak} (what a process holds across the demo's units) and
 * {@link io.github.prefine.examples.bench.LearningCheck} (real-data learning) and {@link
 * io.github.prefine.examples.bench.EvaluationOrderBench} (evaluation in index order and shortest
 * first).
 */
package io.github.prefine.examples.bench;
