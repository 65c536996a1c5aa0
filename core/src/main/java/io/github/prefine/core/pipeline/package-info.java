/**
 * Glue between tasks, the trainer and the metrics, for pipelines that pre-finetune and finetune
 * on {@link io.github.prefine.core.task.Task}s: {@link io.github.prefine.core.pipeline.TaskScorer}
 * (a trainer's logits to the task's metric), {@link io.github.prefine.core.pipeline.TaskDataSource}
 * (task data from files or memory), {@link io.github.prefine.core.pipeline.InMemoryTasks} and
 * {@link io.github.prefine.core.pipeline.TaskFinetuning} (a target finetuned from an encoder folder,
 * wired as the grid wires it).
 */
package io.github.prefine.core.pipeline;
