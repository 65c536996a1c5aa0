/**
 * Glue between tasks, features, the trainer and the metrics, for pipelines that pre-finetune and
 * finetune on {@link io.github.prefine.core.task.Task}s: {@link
 * io.github.prefine.core.pipeline.FeaturizedTask} (a task's features per split, and the trainer's
 * {@code FeatureBatchSource} over several), {@link
 * io.github.prefine.core.pipeline.FormatHeads} (one head per task format), {@link
 * io.github.prefine.core.pipeline.TaskScorer} (logits to predictions to the task's metric) and
 * {@link io.github.prefine.core.pipeline.TaskDataSource} (task data from files or memory).
 */
package io.github.prefine.core.pipeline;
