/** Non-API helpers of the model package: named tensor archives and in-place array copies. */
package io.github.prefine.core.model.internal;
