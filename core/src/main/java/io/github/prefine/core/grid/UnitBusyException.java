package io.github.prefine.core.grid;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Thrown by {@link GridSession#runClaimed} when another live process still holds a unit after the
 * claim timeout: that process may be stuck (hung, or paused and never resumed), or only slower than
 * the timeout allows. The message names the unit, the holder where it noted itself, how long was
 * waited and the setting to raise.
 */
public final class UnitBusyException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String unit;
    private final String holder;
    private final transient Duration waited;

    /**
     * Creates the exception.
     *
     * @param unit the unit's id
     * @param holder who holds it, as it noted itself ("process 1234 on host-a since ..."), or null
     * @param waited how long was waited
     * @param option the setting that raises the timeout, as the caller knows it (an option or a
     *     builder method)
     */
    public UnitBusyException(String unit, String holder, Duration waited, String option) {
        super("unit " + unit + ": still held by " + (holder == null ? "another process (it left no note of who it is)"
                : holder) + " after waiting " + human(waited) + " for it; if that process is stuck, stop it and run again;"
                + " if it is only slow, raise " + option);
        this.unit = unit;
        this.holder = holder;
        this.waited = waited;
    }

    /**
     * The unit waited for.
     *
     * @return its id
     */
    public String unit() {
        return unit;
    }

    /**
     * Who holds the unit, as it noted itself.
     *
     * @return the note, or empty when the holder left none
     */
    public Optional<String> holder() {
        return Optional.ofNullable(holder);
    }

    /**
     * How long was waited.
     *
     * @return the claim timeout
     */
    public Duration waited() {
        return waited;
    }

    /**
     * The same failure, naming another setting to raise (a command-line option for a setting the
     * command passes to the grid).
     *
     * @param option the setting
     * @return a new exception
     */
    public UnitBusyException naming(String option) {
        UnitBusyException e = new UnitBusyException(unit, holder, waited, option);
        e.initCause(this);
        return e;
    }

    private static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
