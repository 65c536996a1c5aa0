package io.github.prefine.core.grid;

import io.github.prefine.core.task.GroupCombination;
import io.github.prefine.core.task.TaskGroup;
import java.util.List;
import java.util.Objects;

/**
 * One column of the paper's tables: the encoder a target is finetuned from. Either the baseline
 * (the encoder as given) or the encoder pre-finetuned on one combination of task groups, named as
 * {@link GroupCombination} names it ({@code Only-SL}, {@code SL+QA+C}).
 *
 * @param name the display name, {@value #BASELINE} for the baseline
 * @param groups the pre-finetuning groups, empty for the baseline
 */
public record Setting(String name, List<TaskGroup> groups) {
    /** The name of finetuning without pre-finetuning. */
    public static final String BASELINE = "Baseline";

    /** Copies the list and checks that the name matches the groups. */
    public Setting {
        Objects.requireNonNull(name, "name");
        groups = List.copyOf(groups);
        String expected = groups.isEmpty() ? BASELINE : GroupCombination.of(groups).name();
        if (!name.equals(expected)) {
            throw new IllegalArgumentException("setting: name must be " + expected + ", found " + name);
        }
    }

    /**
     * Returns the baseline setting.
     *
     * @return the setting with no pre-finetuning
     */
    public static Setting baseline() {
        return new Setting(BASELINE, List.of());
    }

    /**
     * Returns the setting pre-finetuned on a group combination.
     *
     * @param combination the groups
     * @return the setting, named after the combination
     */
    public static Setting of(GroupCombination combination) {
        return new Setting(combination.name(), combination.groups());
    }

    /**
     * Tells whether this is the baseline.
     *
     * @return true when nothing is pre-finetuned
     */
    public boolean isBaseline() {
        return groups.isEmpty();
    }

    /**
     * Returns the group combination pre-finetuned.
     *
     * @return the combination
     * @throws IllegalStateException for the baseline
     */
    public GroupCombination combination() {
        if (isBaseline()) {
            throw new IllegalStateException("the baseline has no group combination");
        }
        return GroupCombination.of(groups);
    }

    /**
     * Returns the name as used in file and folder names.
     *
     * @return the name with every character outside {@code [A-Za-z0-9._+-]} replaced by {@code _}
     */
    public String fileName() {
        return GridLayout.safe(name);
    }
}
