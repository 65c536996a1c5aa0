/**
 * Mixed-precision training support: {@link io.github.prefine.core.precision.Casts} (dtype casts
 * that keep the autograd graph), {@link io.github.prefine.core.precision.HalfPrecisionStore}
 * (float16 or bfloat16 compute copies of float32 master weights) and
 * {@link io.github.prefine.core.precision.LossScaler} (dynamic loss scaling with torch's
 * {@code GradScaler} rules, on the device).
 */
package io.github.prefine.core.precision;
