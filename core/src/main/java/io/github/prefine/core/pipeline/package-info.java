/**
 * Glue between tasks, features, the trainer and the metrics, for pipelines that pre-finetune and
 * finetune on {@link io.github.prefine.core.task.Task}s: {@link
 * io.github.prefine.core.pipeline.FeaturizedTask} (a task's features per split), {@link
 * io.github.prefine.core.pipeline.FeatureBatchSource} (the trainer's view of them), {@link
 * io.github.prefine.core.pipeline.FormatHeads} (one head per task format), {@link
 * io.github.prefine.core.pipeline.TaskScorer} (logits to predictions to the task's metric) and
 * {@link io.github.prefine.core.pipeline.SamplerBatches} (a {@code HeterogeneousSampler} driving
 * the trainer).
 */
package io.github.prefine.core.pipeline;
