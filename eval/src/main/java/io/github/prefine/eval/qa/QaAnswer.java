package io.github.prefine.eval.qa;

/**
 * The answer chosen for a QA example.
 *
 * <p>Immutable and thread-safe.
 *
 * @param text the answer text, {@code context.substring(charStart, charEnd)}: from the start
 *     token's start to the end token's end, as the offsets the windows give (prefine's QA
 *     featurizer gives the tokenizer's, its ends past the combining marks the normalizer removed);
 *     empty when no valid span exists
 * @param score start logit plus end logit (float32 sum); negative infinity when none exists
 * @param window index of the window the answer came from, -1 when none
 * @param startToken start token in that window, -1 when none
 * @param endToken end token (inclusive) in that window, -1 when none
 * @param charStart first character in the context, a Java {@code char} (UTF-16) index as {@link
 *     String#substring(int, int)} takes it, not a code point: an emoji before the answer counts 2;
 *     -1 when none
 * @param charEnd character after the last (exclusive), a {@code char} index as {@code charStart};
 *     -1 when none
 */
public record QaAnswer(String text, float score, int window, int startToken, int endToken, int charStart, int charEnd) {

    /**
     * The empty answer given when no window has a valid span.
     *
     * @return the empty answer
     */
    public static QaAnswer none() {
        return new QaAnswer("", Float.NEGATIVE_INFINITY, -1, -1, -1, -1, -1);
    }

    /**
     * Returns whether a span was found.
     *
     * @return whether a span was found
     */
    public boolean found() {
        return window >= 0;
    }
}
