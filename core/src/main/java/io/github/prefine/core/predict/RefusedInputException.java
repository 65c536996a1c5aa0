package io.github.prefine.core.predict;

/**
 * An input that a {@link TaskPredictor} refuses (an empty text, a word holding whitespace, a text
 * the tokenizer rejects, a question that leaves no room for its context), with its index among the
 * call's inputs, so that a caller reading inputs from a file can name the line it came from. The
 * predictor throws the first, or passes each to the {@code onRefused} of its methods' overloads.
 *
 * <p>The message reads {@code predictor: task T: input I: REASON}, where a refusal found while
 * featurizing adds how many of the call's inputs were refused; {@link #reason()} is the reason
 * alone. Immutable and thread-safe.
 */
public final class RefusedInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The task whose predictor refused the input. */
    private final String task;
    /** The input's index among the call's inputs. */
    private final int index;
    /** Why it was refused, without the task, the index or the call's count. */
    private final String reason;

    RefusedInputException(String task, int index, String reason, String callNote) {
        super("predictor: task " + task + ": input " + index + ": " + reason + callNote);
        this.task = task;
        this.index = index;
        this.reason = reason;
    }

    /**
     * Returns the refused input's index among the inputs of the call that threw.
     *
     * @return the index, from 0
     */
    public int index() {
        return index;
    }

    /**
     * Returns the same refusal for the input at another index, for a caller that split its inputs
     * over several calls (single texts and pairs) and names them by their place in its own list.
     *
     * @param inputIndex the input's index in the caller's list, from 0
     * @return a refusal with that index and the same reason, without the call's count
     */
    public RefusedInputException at(int inputIndex) {
        RefusedInputException e = new RefusedInputException(task, inputIndex, reason, "");
        e.initCause(this);
        return e;
    }

    /**
     * Returns why the input was refused, without the task, the index or the call's count.
     *
     * @return the reason, ending with what was expected where the check says it
     */
    public String reason() {
        return reason;
    }
}
