package io.github.prefine.examples.data;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Reads tasks from a data root as the commands do, refusing a task whose files a {@code prefine
 * data fetch} has not finished replacing.
 *
 * <p>A fetch publishes a new version of a task with one rename ({@link TaskVersions}), except where
 * it first lays the links of that layout over plain files (an older fetch's, hand-laid files
 * replaced with {@code --force}) or where the file system has no symbolic links: there it replaces
 * the files one rename at a time, and a fetch killed between two renames leaves a folder that mixes
 * the old and the new version, every file well-formed. The fetch's marker
 * ({@code DATA/.prefine/fetched/TASK.fetching}) exists while it does so; while it exists the task
 * is refused here with an {@link IncompleteFetchException} naming the folder. Stateless.
 */
public final class FetchedData {
    private FetchedData() {}

    /**
     * The data root as {@link TaskDataSource#dataRoot}, whose {@code load} first {@linkplain #check
     * checks} the task.
     *
     * @param root the data root
     * @param leniency strict or lenient reading
     * @return the source
     */
    public static TaskDataSource source(Path root, Leniency leniency) {
        TaskDataSource files = TaskDataSource.dataRoot(root, leniency);
        return new TaskDataSource() {
            @Override
            public List<String> missing(Task task) {
                return files.missing(task);
            }

            @Override
            public TaskData load(Task task) throws java.io.IOException {
                return load(task, FeaturizationListener.NONE);
            }

            @Override
            public TaskData load(Task task, FeaturizationListener listener) throws java.io.IOException {
                check(root, task);
                return files.load(task, listener);
            }

            @Override
            public List<Path> files(Task task) {
                return files.files(task);
            }
        };
    }

    /**
     * Refuses a task whose files a fetch is replacing or stopped replacing.
     *
     * @param root the data root
     * @param task the task
     * @throws IncompleteFetchException if the fetch's marker exists
     */
    public static void check(Path root, Task task) throws IncompleteFetchException {
        Objects.requireNonNull(task, "task");
        Path r = root.toAbsolutePath().normalize();
        Path marker = FetchRecord.marker(r, task.name());
        if (!Files.exists(marker)) {
            return;
        }
        List<Path> folders = task.source().files().stream().map(s -> TaskSource.resolve(r, s).getParent()).distinct()
                .toList();
        Path folder = folders.size() == 1 ? folders.get(0) : r;
        throw new IncompleteFetchException(folder, folder + ": a data fetch of task " + task.name() + " is replacing its"
                + " files, or was stopped while it replaced them (" + r.relativize(marker) + " is there), so they may mix"
                + " two versions of the dataset; run prefine data fetch --data " + r + " --tasks " + task.name()
                + " again");
    }
}
