package io.github.prefine.core.grid;

import io.github.prefine.core.task.GroupCombination;
import io.github.prefine.core.task.TaskGroup;
import java.util.List;
import java.util.Objects;

/**
 * One column of the paper's tables: the encoder a target is finetuned from. Either the baseline
 * (the encoder as given) or the encoder pre-finetuned on one combination of task groups, named as
 * {@link GroupCombination} names it ({@code Only-SL}, {@code SL+QA+C}). A setting run although
 * some of its groups have no data says so in its name ({@code SL+QA (no QA data)}), so that no
 * column passes for what it is not.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the display name, {@value #BASELINE} for the baseline
 * @param groups the pre-finetuning groups, empty for the baseline
 */
public record Setting(String name, List<TaskGroup> groups) {
    /** The name of finetuning without pre-finetuning. */
    public static final String BASELINE = "Baseline";

    /**
     * Copies the list and checks that the name matches the groups.
     *
     * @param name the display name, {@value #BASELINE} for the baseline
     * @param groups the pre-finetuning groups, empty for the baseline
     */
    public Setting {
        Objects.requireNonNull(name, "name");
        groups = List.copyOf(groups);
        String expected = groups.isEmpty() ? BASELINE : GroupCombination.of(groups).name();
        if (!name.equals(expected) && !(name.startsWith(expected + " (no ") && name.endsWith(" data)"))) {
            throw new IllegalArgumentException("setting: name must be " + expected + " or " + expected
                    + " (no <groups> data), found " + name);
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
     * Returns the setting pre-finetuned on a group combination some of whose groups have no data.
     *
     * @param combination the groups named
     * @param missing the groups of the combination without data, non-empty
     * @return the setting, named for example {@code SL+QA (no QA data)}
     */
    public static Setting partial(GroupCombination combination, List<TaskGroup> missing) {
        if (missing.isEmpty() || !combination.groups().containsAll(missing)) {
            throw new IllegalArgumentException("setting: the missing groups " + missing + " must be some of "
                    + combination.groups());
        }
        return new Setting(combination.name() + " (no " + String.join(" and ", missing.stream().map(TaskGroup::name).toList())
                + " data)", combination.groups());
    }

    /**
     * Tells whether some of the setting's groups had no data.
     *
     * @return true for a setting made by {@link #partial}
     */
    public boolean isPartial() {
        return !isBaseline() && !name.equals(combination().name());
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
