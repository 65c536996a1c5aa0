package io.github.prefine.core.predict;

import java.util.List;

/**
 * A multiple-choice task's prediction for one premise and its choices: the arg-max choice and the
 * softmax over the choices.
 *
 * <p>Immutable and thread-safe; equal when the choice and every probability are equal (float32
 * softmax values widened to double, so runs on other devices may differ in the last bits).
 *
 * @param choice the index of the chosen choice, the first of the largest logits (as the evaluation
 *     predicts it)
 * @param probabilities the softmax probability of each choice, in the order given
 */
public record ChoicePrediction(int choice, List<Double> probabilities) {
    /**
     * Checks that the choice indexes the probabilities and copies them.
     *
     * @param choice the index of the chosen choice
     * @param probabilities the softmax probability of each choice
     * @throws IllegalArgumentException if {@code choice} is outside the probabilities
     */
    public ChoicePrediction {
        probabilities = List.copyOf(probabilities);
        if (choice < 0 || choice >= probabilities.size()) {
            throw new IllegalArgumentException("choice " + choice + " is outside [0, " + probabilities.size() + ")");
        }
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
