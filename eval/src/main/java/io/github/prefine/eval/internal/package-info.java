/** Non-API helpers of the eval module, such as NumPy-order summation ({@link io.github.prefine.eval.internal.NumpySum}). */
package io.github.prefine.eval.internal;
