package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.MultipleChoice;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.train.TaskPredictions;
import io.github.prefine.core.train.Trainer;
import io.github.prefine.eval.evaluator.EvaluationResult;
import io.github.prefine.eval.evaluator.Evaluator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ground truth for multiple-choice prediction on raw text, as {@link TaskPredictorTest} for the
 * other formats: after a small real finetuning of the tiny BERT fixture on a two-choice task, the
 * saved and reloaded model's {@link TaskPredictor#choose} picks, on the raw validation inputs, the
 * choice the evaluation path ({@link Trainer#predict} and {@link MultipleChoice}'s scoring)
 * picked, with the softmax of its logits over the choices, and scores the same accuracy.
 */
class TaskPredictorChoiceTest {

    @Test
    void choicesOnRawValidationInputsEqualTheEvaluationPath(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("model");
        TaskPredictions evaluated;
        EvaluationResult scored;
        try (SubwordTokenizer tok = TinyFinetuning.tokenizer(); NDManager trainManager = NDManager.newBaseManager()) {
            TaskSet tasks = TinyFinetuning.choiceTasks(tok);
            FeaturizedTask task = tasks.get(0);
            try (MultiHeadModel model = TinyFinetuning.model(trainManager, tasks);
                    Trainer trainer = TinyFinetuning.train(model, tasks)) {
                evaluated = trainer.predict(0, Split.VALIDATION);
                scored = task.score(Split.VALIDATION, evaluated.logits(), evaluated.width());
                ModelExport.builder().setModel(model).setTokenizer(tok).setFeatureSettings(TinyFinetuning.SETTINGS)
                        .addTasks(tasks).build().writeTo(dir);
            }
            List<Example> examples = task.scoringExamples().get(Split.VALIDATION);
            Features features = task.features().get(Split.VALIDATION);
            List<String> premises = new ArrayList<>();
            List<String> questions = new ArrayList<>();
            List<List<String>> choices = new ArrayList<>();
            List<String> gold = new ArrayList<>();
            for (Example e : examples) {
                ChoiceExample c = (ChoiceExample) e;
                premises.add(c.premise());
                questions.add(c.question());
                choices.add(c.choices());
                gold.add(Integer.toString(c.label()));
            }
            List<Integer> expected = ((MultipleChoice) task.task().format()).predictedChoices(features, examples,
                    evaluated.logits(), evaluated.width());
            try (NDManager fresh = NDManager.newBaseManager(); FinetunedModel loaded = FinetunedModel.load(dir, fresh)) {
                List<ChoicePrediction> got = loaded.predictor("copa").withBatchSize(3).choose(premises, questions, choices);
                assertEquals(expected, got.stream().map(ChoicePrediction::choice).toList());
                for (int u = 0; u < evaluated.logits().size(); u++) {
                    float[] lg = evaluated.logits().get(u);
                    double z = Math.exp(lg[0]) + Math.exp(lg[1]);
                    ChoicePrediction p = got.get(features.exampleIndex(u));
                    assertEquals(Math.exp(lg[0]) / z, p.probabilities().get(0), 1e-5, "example " + u);
                    assertEquals(Math.exp(lg[1]) / z, p.probabilities().get(1), 1e-5, "example " + u);
                }
                List<String> predicted = got.stream().map(p -> Integer.toString(p.choice())).toList();
                assertEquals(scored, Evaluator.builder().setMetric(task.task().metric()).build()
                        .evaluateLabels(gold, predicted));
                // not a degenerate head: it beats chance and picks both first and second choices
                assertTrue(scored.fraction() > 0.5, scored.toString());
                assertEquals(Set.of(0, 1), Set.copyOf(expected), expected.toString());

                IllegalArgumentException three = assertThrows(IllegalArgumentException.class,
                        () -> loaded.predictor("copa").choose(List.of("john read paris"), List.of(""),
                                List.of(List.of("paris", "rome", "tokyo"))));
                assertEquals("predictor: task copa: input 0: 3 choices; expected the 2 choices the task was trained with",
                        three.getMessage());
                // one choice is "1 choice", where it said "1 choices"
                IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                        () -> loaded.predictor("copa").choose(List.of("john read paris"), List.of(""),
                                List.of(List.of("paris"))));
                assertEquals("predictor: task copa: input 0: 1 choice; expected the 2 choices the task was trained with",
                        one.getMessage());
                IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                        () -> loaded.predictor("copa").choose(List.of("john read paris"), List.of(""),
                                List.of(List.of("paris", " "))));
                assertEquals("predictor: task copa: input 0: choice 1 is only whitespace; expected a non-empty choice",
                        empty.getMessage());
            }
        }
    }
}
