package io.github.prefine.core.task;

import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A non-empty set of task groups pre-finetuned together, named as in the paper: {@code Only-SL}
 * for one group, {@code SL+QA+C} for several (joined in group order).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the display name
 * @param groups the groups, in registry group order
 */
public record GroupCombination(String name, List<TaskGroup> groups) {
    /**
     * Copies the list and checks that the groups are distinct and the name is theirs.
     *
     * @param name the display name
     * @param groups the groups, in registry group order
     */
    public GroupCombination {
        groups = List.copyOf(groups);
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("a combination needs at least one group");
        }
        if (new HashSet<>(groups).size() != groups.size()) {
            throw new IllegalArgumentException("a combination's groups must be distinct, found " + groups);
        }
        if (!name.equals(nameOf(groups))) {
            throw new IllegalArgumentException("name must be " + nameOf(groups) + ", found " + name);
        }
    }

    /**
     * Makes the combination of the given groups.
     *
     * @param groups the groups, in order, distinct
     * @return the combination with its canonical name
     * @throws IllegalArgumentException if there are none or a group repeats
     */
    public static GroupCombination of(List<TaskGroup> groups) {
        return new GroupCombination(nameOf(groups), groups);
    }

    private static String nameOf(List<TaskGroup> groups) {
        if (groups.size() == 1) {
            return "Only-" + groups.get(0).name();
        }
        return groups.stream().map(TaskGroup::name).collect(Collectors.joining("+"));
    }
}
