/**
 * Tasks, their formats and their registry: {@link io.github.prefine.core.task.Task}, {@link
 * io.github.prefine.core.task.TaskGroup}, {@link io.github.prefine.core.task.TaskFormat} (one class
 * per format owning its labels, featurizer, head, batch labels and scoring), {@link
 * io.github.prefine.core.task.TaskSource}, {@link io.github.prefine.core.task.TaskRegistry}, the
 * built-in {@link io.github.prefine.core.task.TaskCatalog}, a task's features ({@link
 * io.github.prefine.core.task.FeaturizedTask}) and the ordered tasks of a run ({@link
 * io.github.prefine.core.task.TaskSet}).
 */
package io.github.prefine.core.task;
