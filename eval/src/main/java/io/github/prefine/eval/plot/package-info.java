/** Headless XChart plots of the report, written as PNG and SVG ({@link io.github.prefine.eval.plot.Charts}). */
package io.github.prefine.eval.plot;
