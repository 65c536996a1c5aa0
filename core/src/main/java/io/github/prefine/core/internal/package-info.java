/** Small rules shared by several of core's packages; not API. */
package io.github.prefine.core.internal;
