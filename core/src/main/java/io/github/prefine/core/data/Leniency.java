package io.github.prefine.core.data;

/**
 * How a reader treats a defect in its input.
 *
 * <p>In {@link #STRICT} mode the first defect throws a {@link MalformedDatasetException}. In
 * {@link #LENIENT} mode the smallest unit holding the defect (a sentence, a row, a JSON line, a
 * question, an answer) is skipped and counted per reason in the {@link ReadReport}. Defects that
 * leave no unit to skip (a whole JSON document that does not parse, invalid UTF-8 inside a JSON
 * document) throw in both modes.
 *
 * <p>Immutable and thread-safe.
 */
public enum Leniency {
    /** Throw on the first defect. */
    STRICT,
    /** Skip defective units and count them per reason. */
    LENIENT
}
