package io.github.prefine.core.pipeline;

import io.github.prefine.core.features.Features;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.core.train.TaskPredictions;
import io.github.prefine.core.train.Trainer;
import io.github.prefine.eval.evaluator.EvaluationResult;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Scores a trainer's predictions with a task's metric: the bridge from {@link TaskPredictions} to
 * {@link FeaturizedTask#score}, where each task format turns logits into predictions in its own
 * terms. Stateless and thread-safe.
 */
public final class TaskScorer {
    private TaskScorer() {}

    /**
     * Scores a split's predictions.
     *
     * @param task the featurized task
     * @param split the split that was predicted
     * @param predictions one logits entry per unit of the split, in unit order (as {@link
     *     io.github.prefine.core.train.Trainer#predict} returns them)
     * @return the metric over the split's examples
     * @throws IllegalArgumentException if the predictions are of another split or do not cover the
     *     split's units, or the split has no labelled example (a test split with hidden labels)
     */
    public static EvaluationResult score(FeaturizedTask task, Split split, TaskPredictions predictions) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(predictions, "predictions");
        Objects.requireNonNull(split, "split");
        if (predictions.split() != null && predictions.split() != split) {
            // two splits of equal size would otherwise score one split's logits against the other's gold
            throw new IllegalArgumentException("scorer: task " + task.name() + ": predictions of the "
                    + predictions.split() + " split cannot be scored as " + split);
        }
        return task.score(split, predictions.logits(), predictions.width());
    }

    /**
     * Predicts a task's split with a trainer's current weights and scores it; the task is found in
     * the trainer's model by name.
     *
     * @param trainer the trainer (its model holds the task's head)
     * @param task the featurized task
     * @param split the split to predict and score
     * @return the metric over the split's examples
     * @throws IllegalArgumentException if the model has no head of that name, the task lacks the
     *     split, the split has no labelled example, or the trainer's {@link FeatureBatchSource} holds another featurization of the task
     *     (other examples or settings), whose units it would predict
     */
    public static EvaluationResult score(Trainer trainer, FeaturizedTask task, Split split) {
        Objects.requireNonNull(trainer, "trainer");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(split, "split");
        int index = trainer.model().taskNames().indexOf(task.name());
        if (index < 0) {
            throw new IllegalArgumentException("scorer: the model has no head for task " + task.name() + ", only "
                    + trainer.model().taskNames());
        }
        if (trainer.data() instanceof FeatureBatchSource source && source.tasks().names().contains(task.name())) {
            Features trained = source.tasks().get(task.name()).features().get(split);
            Features given = task.features().get(split);
            // features are the units predicted: another instance is another featurization, and a
            // same-sized one would be scored against other examples' gold without a word
            if (trained != null && given != null && trained != given) {
                throw new IllegalArgumentException("scorer: task " + task.name() + ": the trainer predicts the " + split
                        + " units of the task set it was given, and this FeaturizedTask is another featurization of "
                        + task.name() + ", whose gold they would be scored against; score the trainer's own task (its"
                        + " FeatureBatchSource's tasks())");
            }
        }
        return score(task, split, trainer.predict(index, split));
    }

    /**
     * Scores every task of a set on its {@link FeaturizedTask#evaluationSplit()} (test when
     * present with labels, else validation) with a trainer's current weights.
     *
     * @param trainer the trainer whose model was built from {@code tasks}, and whose data is
     *     {@code FeatureBatchSource.of(tasks)}
     * @param tasks the tasks
     * @return task name to result, in the set's order; every result in percent (see {@link EvaluationResult})
     */
    public static Map<String, EvaluationResult> scoreAll(Trainer trainer, TaskSet tasks) {
        Objects.requireNonNull(trainer, "trainer");
        Objects.requireNonNull(tasks, "tasks");
        Map<String, EvaluationResult> out = new LinkedHashMap<>();
        for (FeaturizedTask t : tasks.tasks()) {
            out.put(t.name(), score(trainer, t, t.evaluationSplit()));
        }
        return Collections.unmodifiableMap(out);
    }
}
