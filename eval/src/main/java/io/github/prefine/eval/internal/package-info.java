/** Non-API helpers of the eval module: NumPy-order summation ({@link io.github.prefine.eval.internal.NumpySum}) and the JSON shape checks of its file readers ({@link io.github.prefine.eval.internal.JsonShapes}). */
package io.github.prefine.eval.internal;
