package io.github.prefine.core.grid;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which finetuned models a grid writes as {@code core.predict.ModelExport} folders under {@code
 * OUT/models/<target>/<setting>-seed<N>}, once its sweeps are finished ({@link GridExporter}):
 * none, each target's best, or every (target, setting, seed). Exports change no score, so the
 * choice is not part of a run's fingerprint: a finished run restarted with another value writes
 * what the new value adds and deletes nothing.
 *
 * <p>Immutable and thread-safe.
 */
public enum ModelExports {
    /** No model is written (the default: a grid keeps only scores). */
    NONE,
    /**
     * Per target, the setting with the highest mean validation score over the seeds (at each
     * seed's chosen learning rate), and of it the seed with the highest validation score; ties go to
     * the setting first in table order (the baseline, then the combinations) and to the seed first
     * in {@code --seeds} order.
     */
    BEST,
    /** Every (target, setting, seed) that finished, each at its chosen learning rate. */
    ALL;

    /**
     * Returns the command-line name.
     *
     * @return {@code none}, {@code best} or {@code all}
     */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a command-line name.
     *
     * @param name {@code none}, {@code best} or {@code all}, case-insensitive
     * @return the choice
     * @throws IllegalArgumentException naming the valid values
     */
    public static ModelExports parse(String name) {
        return Arrays.stream(values()).filter(v -> v.optionName().equalsIgnoreCase(name.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--export-models: expected none, best or all, found '"
                        + name + "'"));
    }
}
