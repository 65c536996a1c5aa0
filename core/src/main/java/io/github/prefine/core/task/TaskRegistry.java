package io.github.prefine.core.task;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * The tasks of an experiment, looked up by name or group, with the group combinations the paper
 * compares.
 *
 * <p>Group order: the built-in groups {@code SL}, {@code QA}, {@code C} in that order (those that
 * have tasks), then user-defined groups in order of first registration. Tasks keep registration
 * order. Immutable and thread-safe.
 *
 * <pre>{@code
 * TaskRegistry registry = TaskRegistry.builder()
 *         .registerAll(TaskCatalog.prefinetuning())
 *         .register(myTask)
 *         .build();
 * }</pre>
 */
public final class TaskRegistry {
    private static final List<TaskGroup> BUILT_IN = List.of(TaskGroup.SL, TaskGroup.QA, TaskGroup.C);

    private final Map<String, Task> tasks;
    private final List<TaskGroup> groups;

    private TaskRegistry(Builder b) {
        this.tasks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.tasks));
        List<TaskGroup> g = new ArrayList<>();
        for (TaskGroup builtIn : BUILT_IN) {
            if (tasks.values().stream().anyMatch(t -> t.group().equals(builtIn))) {
                g.add(builtIn);
            }
        }
        for (Task t : tasks.values()) {
            if (!g.contains(t.group())) {
                g.add(t.group());
            }
        }
        this.groups = List.copyOf(g);
    }

    /**
     * Starts an empty builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this registry's tasks.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder().registerAll(tasks.values());
    }

    /**
     * Returns the task of the given name.
     *
     * @param name the name
     * @return the task
     * @throws NoSuchElementException if no task has that name
     * @throws NullPointerException if {@code name} is null
     */
    public Task task(String name) {
        Task t = tasks.get(Objects.requireNonNull(name, "name"));
        if (t == null) {
            throw new NoSuchElementException("no task named '" + name + "'; known: " + tasks.keySet());
        }
        return t;
    }

    /**
     * Looks a task up by name.
     *
     * @param name the name
     * @return the task, or empty
     * @throws NullPointerException if {@code name} is null
     */
    public Optional<Task> find(String name) {
        return Optional.ofNullable(tasks.get(Objects.requireNonNull(name, "name")));
    }

    /**
     * Returns all tasks in registration order.
     *
     * @return the tasks
     */
    public List<Task> tasks() {
        return List.copyOf(tasks.values());
    }

    /**
     * Returns the tasks of one group, in registration order.
     *
     * @param group the group
     * @return its tasks, empty when the group has none
     */
    public List<Task> tasks(TaskGroup group) {
        Objects.requireNonNull(group, "group");
        return tasks.values().stream().filter(t -> t.group().equals(group)).toList();
    }

    /**
     * Returns the groups that have tasks, in group order (see the class documentation).
     *
     * @return the groups
     */
    public List<TaskGroup> groups() {
        return groups;
    }

    /**
     * Returns every non-empty combination of this registry's groups.
     *
     * @return the combinations in the order of {@link #combinations(List)}
     */
    public List<GroupCombination> combinations() {
        return combinations(groups);
    }

    /**
     * Returns every non-empty subset of the given groups: by size (singles, then pairs, then
     * triples...), and within one size in lexicographic order of the groups' positions in the list.
     * For {@code [SL, QA, C]}: Only-SL, Only-QA, Only-C, SL+QA, SL+C, QA+C, SL+QA+C.
     *
     * @param groups distinct groups, at most 20
     * @return the 2<sup>n</sup>-1 combinations
     * @throws IllegalArgumentException if groups repeat or there are more than 20
     */
    public static List<GroupCombination> combinations(List<TaskGroup> groups) {
        Objects.requireNonNull(groups, "groups");
        for (int i = 0; i < groups.size(); i++) {
            Objects.requireNonNull(groups.get(i), "groups[" + i + "]");
        }
        if (groups.size() > 20) {
            throw new IllegalArgumentException("at most 20 groups, found " + groups.size());
        }
        if (new java.util.HashSet<>(groups).size() != groups.size()) {
            throw new IllegalArgumentException("groups must be distinct, found " + groups);
        }
        List<GroupCombination> out = new ArrayList<>();
        for (int size = 1; size <= groups.size(); size++) {
            addCombinations(groups, size, 0, new ArrayList<>(), out);
        }
        return out;
    }

    private static void addCombinations(List<TaskGroup> groups, int size, int from, List<TaskGroup> chosen,
            List<GroupCombination> out) {
        if (chosen.size() == size) {
            out.add(GroupCombination.of(chosen));
            return;
        }
        for (int i = from; i < groups.size(); i++) {
            chosen.add(groups.get(i));
            addCombinations(groups, size, i + 1, chosen, out);
            chosen.remove(chosen.size() - 1);
        }
    }

    /**
     * Returns the tasks of a combination, in registration order.
     *
     * <p>A group of the combination that has no task here adds none, without an error: a
     * combination of {@link #combinations(List)} over groups this registry lacks gives fewer tasks
     * than its name says, or none (check {@link #groups()} first; the grid refuses or renames such a
     * setting).
     *
     * @param combination the combination
     * @return its tasks, empty when none of its groups has a task here
     */
    public List<Task> tasks(GroupCombination combination) {
        Objects.requireNonNull(combination, "combination");
        return tasks.values().stream().filter(t -> combination.groups().contains(t.group())).toList();
    }

    /**
     * Checks every task's files under a data root; never throws for missing files.
     *
     * @param dataRoot the data root
     * @return one availability per task, in registration order
     */
    public List<TaskAvailability> availability(Path dataRoot) {
        Objects.requireNonNull(dataRoot, "dataRoot");
        return tasks.values().stream().map(t -> t.availability(dataRoot)).toList();
    }

    /**
     * Returns the tasks whose files all exist under a data root.
     *
     * @param dataRoot the data root
     * @return the available tasks, in registration order
     */
    public List<Task> available(Path dataRoot) {
        Objects.requireNonNull(dataRoot, "dataRoot");
        return tasks.values().stream().filter(t -> t.availability(dataRoot).available()).toList();
    }

    /** Builder for {@link TaskRegistry}; mutable and single-threaded. */
    public static final class Builder {
        private final Map<String, Task> tasks = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Registers a task.
         *
         * @param task the task
         * @return this builder
         * @throws IllegalArgumentException if a task of the same name is registered
         */
        public Builder register(Task task) {
            checkNew(task);
            tasks.put(task.name(), task);
            return this;
        }

        private void checkNew(Task task) {
            Objects.requireNonNull(task, "task");
            if (tasks.containsKey(task.name())) {
                throw new IllegalArgumentException("task '" + task.name() + "' is already registered");
            }
        }

        /**
         * Registers tasks in iteration order, all or none: when it throws, the builder is as before
         * the call.
         *
         * @param tasks the tasks
         * @return this builder
         * @throws IllegalArgumentException if a task of the same name is registered or a name
         *     repeats among the tasks
         * @throws NullPointerException if a task is null
         */
        public Builder registerAll(Collection<Task> tasks) {
            Objects.requireNonNull(tasks, "tasks");
            Map<String, Task> added = new LinkedHashMap<>();
            for (Task t : tasks) {
                checkNew(t);
                if (added.putIfAbsent(t.name(), t) != null) {
                    throw new IllegalArgumentException("task '" + t.name() + "' appears twice in the tasks to register");
                }
            }
            this.tasks.putAll(added);
            return this;
        }

        /**
         * Builds the registry.
         *
         * @return the registry
         */
        public TaskRegistry build() {
            return new TaskRegistry(this);
        }
    }
}
