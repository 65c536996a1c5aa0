/**
 * The multi-task model: one shared encoder and one head per task ({@link
 * io.github.prefine.core.model.MultiHeadModel}), fed heterogeneous batches ({@link
 * io.github.prefine.core.model.MultiTaskBatch}) whose rows go to their task's {@link
 * io.github.prefine.core.head.TaskHead}.
 */
package io.github.prefine.core.model;
