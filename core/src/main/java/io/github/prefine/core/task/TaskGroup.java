package io.github.prefine.core.task;

import io.github.prefine.core.internal.OneLineNames;
import java.util.Locale;
import java.util.Objects;

/**
 * A named family of tasks that is switched on or off as a whole in pre-finetuning (the paper's
 * "SL", "QA" and "C").
 *
 * <p>Equal by name only; users may define further groups with {@link #of(String)}. Immutable.
 */
public final class TaskGroup {
    /** Sequence labelling (NER, slot filling). */
    public static final TaskGroup SL = new TaskGroup("SL");
    /** Extractive question answering. */
    public static final TaskGroup QA = new TaskGroup("QA");
    /** Sequence classification (GLUE, SuperGLUE). */
    public static final TaskGroup C = new TaskGroup("C");

    private final String name;

    private TaskGroup(String name) {
        this.name = name;
    }

    /**
     * Returns the group of the given name, the built-in constant when it is one.
     *
     * @param name a non-blank name without {@code +} (it joins names of combinations), one line
     * @return the group
     * @throws IllegalArgumentException if the name is blank or contains {@code +} or a control
     *     character
     */
    public static TaskGroup of(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.contains("+")) {
            throw new IllegalArgumentException("group name must be non-blank without '+', found '" + name + "'");
        }
        int control = OneLineNames.controlCharacterAt(name);
        if (control >= 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "group name must be one line of text (the"
                    + " grid's run names and log lines hold it), found control character U+%04X at index %d of '%s'",
                    (int) name.charAt(control), control, name));
        }
        return switch (name) {
            case "SL" -> SL;
            case "QA" -> QA;
            case "C" -> C;
            default -> new TaskGroup(name);
        };
    }

    /**
     * Returns the name.
     *
     * @return the name, for example {@code SL}
     */
    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskGroup g && g.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
