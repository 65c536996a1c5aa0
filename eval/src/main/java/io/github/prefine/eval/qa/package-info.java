/**
 * Extractive QA post-processing: from per-window start/end logits and character offsets to answer
 * text ({@link io.github.prefine.eval.qa.QaPostProcessor}, {@link io.github.prefine.eval.qa.QaWindow}).
 */
package io.github.prefine.eval.qa;
