package io.github.prefine.core.pipeline;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a pipeline gets each task's examples: the task's files under a data root ({@link
 * #dataRoot}), or data already in memory ({@link #inMemory}, for generated or user-built tasks).
 * Implementations are immutable and thread-safe.
 */
public interface TaskDataSource {
    /**
     * Tells what keeps a task from loading.
     *
     * @param task the task
     * @return missing files or a reason, empty when the task can be loaded
     */
    List<String> missing(Task task);

    /**
     * Loads a task's examples.
     *
     * @param task the task
     * @return its data
     * @throws IOException if reading fails or the data is missing
     */
    TaskData load(Task task) throws IOException;

    /**
     * Lists the files a task is read from, for a run's manifest.
     *
     * @param task the task
     * @return its existing files; empty for data not read from files (the default)
     */
    default List<Path> files(Task task) {
        return List.of();
    }

    /**
     * Reads tasks from their files under a data root ({@link io.github.prefine.core.task.TaskCatalog}'s
     * layout), skipping and counting malformed records in lenient mode.
     *
     * @param root the data root
     * @param leniency strict or lenient reading
     * @return the source
     */
    static TaskDataSource dataRoot(Path root, Leniency leniency) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(leniency, "leniency");
        return new TaskDataSource() {
            @Override
            public List<String> missing(Task task) {
                return task.availability(root).missing().stream().map(Path::toString).toList();
            }

            @Override
            public TaskData load(Task task) throws IOException {
                return task.load(root, leniency);
            }

            @Override
            public List<Path> files(Task task) {
                return task.source().files().stream().map(f -> TaskSource.resolve(root, f)).filter(Files::isRegularFile)
                        .toList();
            }
        };
    }

    /**
     * Serves data held in memory, by task name.
     *
     * @param data the tasks' data
     * @return the source; a task not among them is reported missing
     */
    static TaskDataSource inMemory(List<TaskData> data) {
        Map<String, TaskData> byName = new LinkedHashMap<>();
        for (TaskData d : data) {
            byName.put(d.task().name(), d);
        }
        return new TaskDataSource() {
            @Override
            public List<String> missing(Task task) {
                return byName.containsKey(task.name()) ? List.of() : List.of("no in-memory data for " + task.name());
            }

            @Override
            public TaskData load(Task task) throws IOException {
                TaskData d = byName.get(task.name());
                if (d == null) {
                    throw new IOException("task " + task.name() + ": no in-memory data");
                }
                return d;
            }
        };
    }
}
