package io.github.prefine.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one comparison of the device and engine a run was recorded on with those it continues on,
 * for the trainer's checkpoints and the grid's {@code run.json}: a move is allowed, as results
 * differ only by rounding, but each caller warns of it, since an uninterrupted run's bits are
 * promised only on the same ones. Not API.
 */
public final class MovedEnvironment {
    /** The recorded keys compared, in the order they are named. */
    private static final List<String> KEYS = List.of("device", "engine");

    private MovedEnvironment() {}

    /**
     * Names each of the device and the engine that was recorded and differs from the current one,
     * as {@code KEY: BEFORE RECORDED, AFTER CURRENT}, joined by {@code "; "}.
     *
     * @param recorded a key's recorded value; null where none was recorded, which is not compared
     * @param current a key's current value
     * @param before the words before the recorded value, for example {@code written on}
     * @param after the words before the current value, for example {@code resumed on}
     * @return the differences, or empty where there are none
     */
    public static Optional<String> differences(Function<String, String> recorded, Function<String, String> current,
            String before, String after) {
        List<String> moved = new ArrayList<>();
        for (String key : KEYS) {
            String was = recorded.apply(key);
            if (was != null && !was.equals(current.apply(key))) {
                moved.add(key + ": " + before + " " + was + ", " + after + " " + current.apply(key));
            }
        }
        return moved.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", moved));
    }
}
