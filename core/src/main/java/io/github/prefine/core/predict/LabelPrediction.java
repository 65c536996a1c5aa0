package io.github.prefine.core.predict;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A classification task's prediction for one text or text pair: the arg-max label and the softmax
 * probability of every label.
 *
 * <p>Immutable and thread-safe; equal when the label and every probability are equal (float32
 * softmax values widened to double, so runs on other devices may differ in the last bits).
 *
 * @param label the predicted label, the first of the largest logits (as the evaluation predicts it)
 * @param probabilities label name to softmax probability, in head order
 */
public record LabelPrediction(String label, Map<String, Double> probabilities) {
    /**
     * Checks that the label is one of the probabilities' and copies the map, keeping its order.
     *
     * @param label the predicted label
     * @param probabilities label name to softmax probability, in head order
     * @throws IllegalArgumentException if {@code label} has no probability
     */
    public LabelPrediction {
        Objects.requireNonNull(label, "label");
        probabilities = Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
        if (!probabilities.containsKey(label)) {
            throw new IllegalArgumentException("label " + label + " is not one of " + probabilities.keySet());
        }
    }

    /**
     * Returns the predicted label's probability.
     *
     * @return its softmax probability
     */
    public double probability() {
        return probabilities.get(label);
    }
}
