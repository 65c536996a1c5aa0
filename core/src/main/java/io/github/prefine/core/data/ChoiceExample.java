package io.github.prefine.core.data;

import java.util.List;
import java.util.Objects;

/**
 * A multiple-choice example (COPA-like): a premise, an optional question, and the choices.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id unique within its split
 * @param premise the context every choice is paired with
 * @param question the question or connective (COPA's {@code cause}/{@code effect}); may be empty
 * @param choices two or more candidate texts
 * @param label index of the correct choice, or -1 when unlabelled
 */
public record ChoiceExample(String id, String premise, String question, List<String> choices, int label)
        implements Example {
    /**
     * Checks the fields and copies the choices.
     *
     * @param id unique within its split
     * @param premise the context every choice is paired with
     * @param question the question or connective (COPA's {@code cause}/{@code effect}); may be empty
     * @param choices two or more candidate texts
     * @param label index of the correct choice, or -1 when unlabelled
     */
    public ChoiceExample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(premise, "premise");
        Objects.requireNonNull(question, "question");
        choices = List.copyOf(choices);
        if (choices.size() < 2) {
            throw new IllegalArgumentException(id + ": needs at least 2 choices, found " + choices.size());
        }
        if (label < -1 || label >= choices.size()) {
            throw new IllegalArgumentException(
                    id + ": label " + label + " is outside [0, " + choices.size() + ")");
        }
    }
}
