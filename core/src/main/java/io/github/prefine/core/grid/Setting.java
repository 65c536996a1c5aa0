package io.github.prefine.core.grid;

import io.github.prefine.core.task.GroupCombination;
import io.github.prefine.core.task.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One column of the paper's tables: the encoder a target is finetuned from. Either the baseline
 * (the encoder as given) or the encoder pre-finetuned on one combination of task groups, named as
 * {@link GroupCombination} names it ({@code Only-SL}, {@code SL+QA+C}). A setting run although
 * some of its groups have no data says so in its name ({@code SL+QA (no QA data)}), so that no
 * column passes for what it is not. {@link #parse} reads a name back: every reader of setting names
 * (the verdicts, {@code recommend}'s agreement) goes through it, so that all read them alike.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the display name, {@value #BASELINE} for the baseline
 * @param groups the pre-finetuning groups, empty for the baseline
 */
public record Setting(String name, List<TaskGroup> groups) {
    /** The name of finetuning without pre-finetuning. */
    public static final String BASELINE = "Baseline";
    private static final String ONLY = "Only-";
    private static final String NO = " (no ";
    private static final String DATA = " data)";
    private static final String AND = " and ";

    /**
     * Copies the list and checks that the name matches the groups: their combination's name, or
     * that name followed by {@code (no G data)}, where G is some of the groups joined with {@code
     * and}, each once.
     *
     * @param name the display name, {@value #BASELINE} for the baseline
     * @param groups the pre-finetuning groups, empty for the baseline
     */
    public Setting {
        Objects.requireNonNull(name, "name");
        groups = List.copyOf(groups);
        String expected = groups.isEmpty() ? BASELINE : GroupCombination.of(groups).name();
        if (!name.equals(expected) && missing(name, expected, groups) == null) {
            throw new IllegalArgumentException("setting: name must be " + expected + " or " + expected
                    + " (no <groups> data), the groups some of " + groups + ", found " + name);
        }
    }

    /**
     * Reads a setting's name, as {@link #name()} gives it, back into the setting: {@value
     * #BASELINE}, {@code Only-G} for one group, the groups joined with {@code +} for several, either
     * followed by {@code (no G and H data)} for a partial setting. The name is split at its {@code
     * +}, which no group name holds; a group's name may hold {@code (}, {@code and} or begin
     * {@code Only-} ({@code Only-X+C} is the groups {@code Only-X} and {@code C}). A trailing
     * {@code (no ... data)} is read as the partial suffix where it names groups of the setting,
     * and as part of the last group's name otherwise; a name that reads both ways (a group named
     * {@code C (no QA data)} beside QA) is read as the partial setting, the grid's own form.
     *
     * @param name a setting's name
     * @return the setting
     * @throws IllegalArgumentException if the name is none the grid gives a setting (a single group
     *     without {@code Only-}, an empty or repeated group)
     */
    public static Setting parse(String name) {
        Objects.requireNonNull(name, "name");
        if (name.equals(BASELINE)) {
            return baseline();
        }
        List<String> parts = new ArrayList<>(List.of(name.split("\\+", -1)));
        if (parts.size() == 1 && name.startsWith(ONLY)) {
            parts.set(0, name.substring(ONLY.length()));
        }
        int last = parts.size() - 1;
        String tail = parts.get(last);
        for (int at = tail.indexOf(NO); at >= 0 && name.endsWith(DATA); at = tail.indexOf(NO, at + 1)) {
            List<String> cut = new ArrayList<>(parts);
            cut.set(last, tail.substring(0, at));
            Setting s = settingOrNull(name, cut);
            if (s != null) {
                return s;
            }
        }
        Setting s = parts.size() == 1 && !name.startsWith(ONLY) ? null : settingOrNull(name, parts);
        if (s == null) {
            throw new IllegalArgumentException("setting name: expected " + BASELINE + ", Only-<group> or <group>+<group>..."
                    + " of distinct non-blank groups, optionally followed by \" (no <groups> data)\", found '" + name + "'");
        }
        return s;
    }

    /** The setting of these group names under this name, or null where they or the name are not one. */
    private static Setting settingOrNull(String name, List<String> groupNames) {
        try {
            return new Setting(name, groupNames.stream().map(TaskGroup::of).toList());
        } catch (IllegalArgumentException notOne) {
            return null;
        }
    }

    /**
     * The groups a partial name's suffix names, in its order, or null where {@code name} is not
     * {@code combination (no G and ... data)} with each G one of {@code groups}, once.
     */
    private static List<TaskGroup> missing(String name, String combination, List<TaskGroup> groups) {
        String head = combination + NO;
        if (!name.startsWith(head) || !name.endsWith(DATA) || name.length() < head.length() + DATA.length()) {
            return null;
        }
        return namedIn(name.substring(head.length(), name.length() - DATA.length()), groups, List.of());
    }

    /** Splits {@code text} into names of {@code groups} not yet {@code taken} joined with " and ", or null. */
    private static List<TaskGroup> namedIn(String text, List<TaskGroup> groups, List<TaskGroup> taken) {
        for (TaskGroup g : groups) {
            if (taken.contains(g)) {
                continue;
            }
            List<TaskGroup> with = new ArrayList<>(taken);
            with.add(g);
            if (text.equals(g.name())) {
                return List.copyOf(with);
            }
            // a group's own name may hold " and ": every split is tried
            if (text.startsWith(g.name() + AND)) {
                List<TaskGroup> rest = namedIn(text.substring(g.name().length() + AND.length()), groups, with);
                if (rest != null) {
                    return rest;
                }
            }
        }
        return null;
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
        return new Setting(combination.name() + NO + String.join(AND, missing.stream().map(TaskGroup::name).toList())
                + DATA, combination.groups());
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
     * Returns the groups the name says had no data, so that the setting was pre-finetuned without them.
     *
     * @return the groups of a partial setting's {@code (no ... data)}, in its order; empty for any other
     */
    public List<TaskGroup> missingGroups() {
        return isPartial() ? missing(name, combination().name(), groups) : List.of();
    }

    /**
     * Returns the groups the setting was pre-finetuned on: its groups but those it had no data for.
     *
     * @return the groups with data, in the setting's order; empty for the baseline
     */
    public List<TaskGroup> groupsWithData() {
        List<TaskGroup> lacking = missingGroups();
        return groups.stream().filter(g -> !lacking.contains(g)).toList();
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
