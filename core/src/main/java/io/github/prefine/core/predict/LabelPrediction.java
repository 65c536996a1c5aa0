package io.github.prefine.core.predict;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A classification task's prediction for one text or text pair: the arg-max label, the softmax
 * probability of every label, and whether the task's maxLength cut the input (its end unread).
 *
 * <p>Immutable and thread-safe; equal when the label, every probability and the cut are equal (float32
 * softmax values widened to double, so runs on other devices may differ in the last bits).
 *
 * @param label the predicted label, the first of the largest logits (as the evaluation predicts it)
 * @param probabilities label name to softmax probability, in head order
 * @param cut whether the input was longer than the task's {@code maxLength} and cut there, so that
 *     the prediction did not read its end (for a pair, the longer text is cut first), as {@link
 *     TagPrediction#wordsCut()} counts a sentence's words
 */
public record LabelPrediction(String label, Map<String, Double> probabilities, boolean cut) {
    /**
     * Checks that the label is one of the probabilities' and copies the map, keeping its order.
     *
     * @param label the predicted label
     * @param probabilities label name to softmax probability, in head order
     * @param cut whether the task's maxLength cut the input
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
     * A prediction of an input read whole, as before {@code cut} was recorded; kept so that code
     * built against the two-component record still links.
     *
     * @param label the predicted label
     * @param probabilities label name to softmax probability, in head order
     * @throws IllegalArgumentException if {@code label} has no probability
     */
    public LabelPrediction(String label, Map<String, Double> probabilities) {
        this(label, probabilities, false);
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
