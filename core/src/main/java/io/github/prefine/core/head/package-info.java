/**
 * The task-head contract the multi-head model trains through ({@link
 * io.github.prefine.core.head.TaskHead}), its one adapter over the {@code heads} module's blocks
 * ({@link io.github.prefine.core.head.HeadAdapter}, with the padding rule of span logits), and the
 * batch label layout a head's loss reads ({@link io.github.prefine.core.head.HeadLabels}).
 */
package io.github.prefine.core.head;
