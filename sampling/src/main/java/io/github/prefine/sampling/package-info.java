/**
 * Multi-task batch samplers over task sizes: {@link io.github.prefine.sampling.HeterogeneousSampler}
 * draws heterogeneous batches from the pooled examples of several tasks under a {@link
 * io.github.prefine.sampling.SamplingStrategy}, emits them as primitive {@link
 * io.github.prefine.sampling.Batch} values through a {@link io.github.prefine.sampling.BatchIterator},
 * and checkpoints its position as a {@link io.github.prefine.sampling.SamplerState}.
 *
 * <p>The package is pure Java (JDK and Guava): it knows task names and example counts,
 * never datasets or tensors, so {@code core} adapts it to its tasks.
 */
package io.github.prefine.sampling;
