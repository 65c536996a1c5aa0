package io.github.prefine.core.predict;

import java.util.List;

/**
 * A multiple-choice task's prediction for one premise and its choices: the arg-max choice, the
 * softmax over the choices, and whether the task's maxLength cut any of its choice rows.
 *
 * <p>Immutable and thread-safe; equal when the choice, every probability and the cut are equal
 * (float32 softmax values widened to double, so runs on other devices may differ in the last bits).
 *
 * @param choice the index of the chosen choice, the first of the largest logits (as the evaluation
 *     predicts it)
 * @param probabilities the softmax probability of each choice, in the order given
 * @param cut whether a choice's row (the premise, with its question, and the choice) was longer
 *     than the task's {@code maxLength} and cut there, the longer of the two first, so that the
 *     prediction did not read its end, as {@link LabelPrediction#cut()} tells of a text pair
 */
public record ChoicePrediction(int choice, List<Double> probabilities, boolean cut) {
    /**
     * Checks that the choice indexes the probabilities and copies them.
     *
     * @param choice the index of the chosen choice
     * @param probabilities the softmax probability of each choice
     * @param cut whether the task's maxLength cut a choice's row
     * @throws IllegalArgumentException if {@code choice} is outside the probabilities
     */
    public ChoicePrediction {
        probabilities = List.copyOf(probabilities);
        if (choice < 0 || choice >= probabilities.size()) {
            throw new IllegalArgumentException("choice " + choice + " is outside [0, " + probabilities.size() + ")");
        }
    }

    /**
     * A prediction of choice rows read whole, as before {@code cut} was recorded; kept so that code
     * built against the two-component record still links.
     *
     * @param choice the index of the chosen choice
     * @param probabilities the softmax probability of each choice
     * @throws IllegalArgumentException if {@code choice} is outside the probabilities
     */
    public ChoicePrediction(int choice, List<Double> probabilities) {
        this(choice, probabilities, false);
    }

    /**
     * Returns the chosen choice's probability.
     *
     * @return its softmax probability
     */
    public double probability() {
        return probabilities.get(choice);
    }
}
