/**
 * Scoring of prediction files: CoNLL token/gold/predicted columns ({@link
 * io.github.prefine.eval.files.ConllPredictions}), SQuAD predictions against a v1.1 dataset ({@link
 * io.github.prefine.eval.files.SquadPredictions}) and classification JSON lines ({@link
 * io.github.prefine.eval.files.ClassificationPredictions}); bad files raise {@link
 * io.github.prefine.eval.files.PredictionFileException}.
 */
package io.github.prefine.eval.files;
