package io.github.prefine.eval.metrics;

/**
 * The result of scoring SQuAD-style questions, in percent as the official script prints it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param exactMatch 100 times the mean exact match
 * @param f1 100 times the mean token F1
 * @param total number of questions scored (answered or not)
 * @param unanswered questions without a prediction, each scored 0
 */
public record SquadScore(double exactMatch, double f1, int total, int unanswered) {
}
