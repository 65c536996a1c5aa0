package io.github.prefine.core.task;

import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The featurized tasks of one training run, in the one order that the model's heads, the batch
 * source and the sampler all follow: task {@code t} of a batch is {@code get(t)}, so no index is
 * ever matched by hand.
 *
 * <p>Build the model with {@code MultiHeadModel.builder().addTasks(taskSet)} and the trainer's
 * data with {@code FeatureBatchSource.of(taskSet)}; the trainer's default sampler draws from the
 * same sizes. Immutable and thread-safe; holds no native memory. Equality is that of the task
 * list.
 */
public final class TaskSet {
    private final List<FeaturizedTask> tasks;
    private final Map<String, Integer> index;

    private TaskSet(List<FeaturizedTask> tasks) {
        for (int t = 0; t < tasks.size(); t++) {
            if (tasks.get(t) == null) {
                throw new NullPointerException("task set: task " + t + " is null");
            }
        }
        this.tasks = List.copyOf(tasks);
        if (this.tasks.isEmpty()) {
            throw new IllegalArgumentException("task set: at least one task is required");
        }
        Map<String, Integer> idx = new LinkedHashMap<>();
        for (int t = 0; t < this.tasks.size(); t++) {
            if (idx.putIfAbsent(this.tasks.get(t).name(), t) != null) {
                throw new IllegalArgumentException("task set: task " + this.tasks.get(t).name() + " appears twice");
            }
        }
        this.index = idx;
    }

    /**
     * Makes a task set in the given order.
     *
     * @param tasks the tasks, distinct by name; at least one
     * @return the set
     * @throws IllegalArgumentException if the list is empty or a name repeats
     */
    public static TaskSet of(List<FeaturizedTask> tasks) {
        return new TaskSet(Objects.requireNonNull(tasks, "tasks"));
    }

    /**
     * Makes a task set in the given order.
     *
     * @param tasks the tasks, distinct by name; at least one
     * @return the set
     * @throws IllegalArgumentException if there are none or a name repeats
     */
    public static TaskSet of(FeaturizedTask... tasks) {
        return of(Arrays.asList(tasks));
    }

    /**
     * Featurizes every task's data, in the given order.
     *
     * @param data the tasks' examples
     * @param tokenizer the encoder's tokenizer (not owned)
     * @param settings lengths and example caps
     * @return the set
     * @throws IOException if the tokenizer fails
     * @throws IllegalArgumentException if a task has no training examples or a name repeats
     */
    public static TaskSet featurize(List<TaskData> data, SubwordTokenizer tokenizer, FeatureSettings settings)
            throws IOException {
        return featurize(data, tokenizer, settings, FeaturizationListener.NONE);
    }

    /**
     * Featurizes every task's data, in the given order, reporting each task's splits in the steps
     * {@link FeaturizationListener} documents (the progress names are {@code task/split}).
     *
     * @param data the tasks' examples
     * @param tokenizer the encoder's tokenizer (not owned)
     * @param settings lengths and example caps
     * @param listener told of each split's progress, on the calling thread
     * @return the set
     * @throws IOException if the tokenizer fails
     * @throws IllegalArgumentException if a task has no training examples or a name repeats
     */
    public static TaskSet featurize(List<TaskData> data, SubwordTokenizer tokenizer, FeatureSettings settings,
            FeaturizationListener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        List<FeaturizedTask> out = new ArrayList<>(data.size());
        for (TaskData d : data) {
            out.add(FeaturizedTask.featurize(d, tokenizer, settings, listener));
        }
        return of(out);
    }

    /**
     * Returns the tasks in order.
     *
     * @return the tasks
     */
    public List<FeaturizedTask> tasks() {
        return tasks;
    }

    /**
     * Returns the task at a position.
     *
     * @param task the position, in {@code [0, size())}
     * @return the task
     * @throws IndexOutOfBoundsException if the position is out of range, naming the tasks
     */
    public FeaturizedTask get(int task) {
        if (task < 0 || task >= tasks.size()) {
            throw new IndexOutOfBoundsException("task set: task " + task + " is out of range [0, " + tasks.size()
                    + ") of " + index.keySet());
        }
        return tasks.get(task);
    }

    /**
     * Returns the task of a name.
     *
     * @param name the task name
     * @return the task
     * @throws IllegalArgumentException if no task has that name
     */
    public FeaturizedTask get(String name) {
        return tasks.get(indexOf(name));
    }

    /**
     * Returns the position of a task.
     *
     * @param name the task name
     * @return its position
     * @throws IllegalArgumentException if no task has that name
     * @throws NullPointerException if {@code name} is null
     */
    public int indexOf(String name) {
        Integer t = index.get(Objects.requireNonNull(name, "name"));
        if (t == null) {
            throw new IllegalArgumentException("task set: no task " + name + " among " + index.keySet());
        }
        return t;
    }

    /**
     * Returns the number of tasks.
     *
     * @return the task count
     */
    public int size() {
        return tasks.size();
    }

    /**
     * Returns the task names in order.
     *
     * @return the names
     */
    public List<String> names() {
        return List.copyOf(index.keySet());
    }

    /**
     * Returns how many units each task has in a split, in order (what a sampler draws from).
     *
     * @param split the split
     * @return one count per task, 0 where the split is absent
     * @throws NullPointerException if {@code split} is null (it gave zeros, as for an absent split)
     */
    public int[] sizes(Split split) {
        Objects.requireNonNull(split, "split");
        int[] s = new int[tasks.size()];
        for (int t = 0; t < s.length; t++) {
            var f = tasks.get(t).features().get(split);
            s[t] = f == null ? 0 : f.size();
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskSet other && other.tasks.equals(tasks);
    }

    @Override
    public int hashCode() {
        return tasks.hashCode();
    }

    @Override
    public String toString() {
        return "TaskSet" + names();
    }
}
