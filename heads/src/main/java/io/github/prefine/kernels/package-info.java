/**
 * Low-level DJL kernels shared by the heads and the encoder: dropout masks filled in Java
 * ({@link io.github.prefine.kernels.FastDropout}) and scalar constants held in engine memory
 * ({@link io.github.prefine.kernels.EngineScalars}). Nothing here knows about tasks, heads or
 * encoders, so both {@code prefine-heads} and {@code prefine-core} may depend on it.
 */
package io.github.prefine.kernels;
