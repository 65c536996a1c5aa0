/**
 * Tasks and their registry: {@link io.github.prefine.core.task.Task}, {@link
 * io.github.prefine.core.task.TaskGroup}, {@link io.github.prefine.core.task.TaskFormat}, {@link
 * io.github.prefine.core.task.TaskSource}, {@link io.github.prefine.core.task.TaskRegistry} and the
 * built-in {@link io.github.prefine.core.task.TaskCatalog}.
 */
package io.github.prefine.core.task;
