/** Non-API helpers of the eval module: NumPy-order summation ({@link io.github.prefine.eval.internal.NumpySum}), the JSON shape checks of its file readers ({@link io.github.prefine.eval.internal.JsonShapes}) and the whole-file writes of its report writers ({@link io.github.prefine.eval.internal.WholeFiles}). */
package io.github.prefine.eval.internal;
