/** Non-API helpers of training: the atomic checkpoint folder store and its state record. */
package io.github.prefine.core.train.internal;
