/** Decoding, JSON, CSV and template helpers of the readers; not API. */
package io.github.prefine.core.data.internal;
