package io.github.prefine.core.data;

import java.util.List;
import java.util.Objects;

/**
 * An extractive question-answering example: a question about a context, with the gold answers
 * found in that context.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the question id, as the file gives it; a file may repeat one (the readers flag it), and
 *     scoring goes by position, never by id
 * @param question the question text
 * @param context the passage the answer is extracted from
 * @param answers gold answers, each checked against the context; the first with text other than
 *     whitespace that maps to a context token is the training target; empty for unlabelled data
 * @param references the answer texts a prediction is scored against (the dataset's own
 *     evaluation's ground truths): the answers' texts, except where a format lists answers apart
 *     from the spans found in the context (MRQA's {@code answers}, which may name aliases the
 *     context does not hold)
 */
public record QaExample(String id, String question, String context, List<GoldAnswer> answers, List<String> references)
        implements Example {
    /**
     * An example scored against its answers' texts.
     *
     * @param id the question id, as the file gives it; a file may repeat one (the readers flag it),
     *     and scoring goes by position, never by id
     * @param question the question text
     * @param context the passage
     * @param answers gold answers in the context
     */
    public QaExample(String id, String question, String context, List<GoldAnswer> answers) {
        this(id, question, context, answers, answers.stream().map(GoldAnswer::text).toList());
    }

    /**
     * Checks that every answer stands at its offset in the context, and copies the lists.
     *
     * @param id the question id, as the file gives it; a file may repeat one (the readers flag it),
     *     and scoring goes by position, never by id
     * @param question the question text
     * @param context the passage the answer is extracted from
     * @param answers gold answers, each checked against the context; the first with text other than
     *     whitespace that maps to a context token is the training target; empty for unlabelled data
     * @param references the answer texts a prediction is scored against (the dataset's own
     *     evaluation's ground truths): the answers' texts, except where a format lists answers apart
     *     from the spans found in the context (MRQA's {@code answers}, which may name aliases the
     *     context does not hold)
     */
    public QaExample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(context, "context");
        answers = List.copyOf(answers);
        references = List.copyOf(references);
        for (GoldAnswer a : answers) {
            if (a.end() > context.length()
                    || !context.regionMatches(a.start(), a.text(), 0, a.text().length())) {
                throw new IllegalArgumentException(
                        id + ": answer '" + a.text() + "' is not at offset " + a.start() + " of the context");
            }
        }
    }
}
