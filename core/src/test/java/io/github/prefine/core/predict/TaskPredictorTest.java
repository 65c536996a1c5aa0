package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.ExtractiveQa;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.SequenceClassification;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.task.TokenClassification;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.train.TaskPredictions;
import io.github.prefine.core.train.Trainer;
import io.github.prefine.eval.evaluator.EvaluationResult;
import io.github.prefine.eval.evaluator.Evaluator;
import io.github.prefine.eval.metrics.SpanExtractor;
import io.github.prefine.eval.qa.QaAnswer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ground truth for prediction on raw text: after a small real finetuning of the tiny BERT fixture,
 * the model is saved with {@link ModelExport}, loaded into a fresh {@link FinetunedModel}, and its
 * predictors' outputs on the raw texts of each validation split equal what the evaluation path
 * ({@link Trainer#predict} and the formats' scoring) predicted and scored: the same label per
 * example, the same tags, the same answers, and the same metric value.
 */
class TaskPredictorTest {

    @Test
    void predictionsOnRawValidationInputsEqualTheEvaluationPath(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("model");
        Map<String, TaskPredictions> evaluated = new LinkedHashMap<>();
        Map<String, EvaluationResult> scored = new LinkedHashMap<>();
        try (SubwordTokenizer tok = TinyFinetuning.tokenizer(); NDManager trainManager = NDManager.newBaseManager()) {
            TaskSet tasks = TinyFinetuning.tasks(tok);
            try (MultiHeadModel model = TinyFinetuning.model(trainManager, tasks);
                    Trainer trainer = TinyFinetuning.train(model, tasks)) {
                for (int t = 0; t < tasks.size(); t++) {
                    TaskPredictions p = trainer.predict(t, Split.VALIDATION);
                    evaluated.put(tasks.get(t).name(), p);
                    scored.put(tasks.get(t).name(), tasks.get(t).score(Split.VALIDATION, p.logits(), p.width()));
                }
                ModelExport.builder().setModel(model).setTokenizer(tok).setFeatureSettings(TinyFinetuning.SETTINGS)
                        .addTasks(tasks).build().writeTo(dir);
            }
            // a fresh manager and model: nothing but the folder carries over
            try (NDManager fresh = NDManager.newBaseManager(); FinetunedModel loaded = FinetunedModel.load(dir, fresh)) {
                assertEquals(List.of("topic", "match", "ner", "qa"), loaded.tasks().stream().map(SavedTask::name).toList());
                checkTopic(tasks.get(0), evaluated.get("topic"), scored.get("topic"), loaded.predictor("topic"));
                checkMatch(tasks.get(1), evaluated.get("match"), scored.get("match"), loaded.predictor("match"));
                checkNer(tasks.get(2), evaluated.get("ner"), scored.get("ner"), loaded.predictor("ner"));
                checkQa(tasks.get(3), evaluated.get("qa"), scored.get("qa"), loaded.predictor("qa").withBatchSize(3));
            }
        }
    }

    private static List<Example> examples(FeaturizedTask task) {
        return task.scoringExamples().get(Split.VALIDATION);
    }

    private static Features features(FeaturizedTask task) {
        return task.features().get(Split.VALIDATION);
    }

    private static Evaluator evaluator(FeaturizedTask task) {
        return Evaluator.builder().setMetric(task.task().metric()).build();
    }

    private static void checkTopic(FeaturizedTask task, TaskPredictions p, EvaluationResult score, TaskPredictor predictor) {
        List<String> texts = new ArrayList<>();
        List<String> gold = new ArrayList<>();
        for (Example e : examples(task)) {
            texts.add(((TextExample) e).textA());
            gold.add(((TextExample) e).label());
        }
        List<LabelPrediction> got = predictor.withBatchSize(5).classify(texts);
        checkLabels(task, p, got);
        List<String> labels = got.stream().map(LabelPrediction::label).toList();
        assertEquals(score, evaluator(task).evaluateLabels(gold, labels));
    }

    private static void checkMatch(FeaturizedTask task, TaskPredictions p, EvaluationResult score, TaskPredictor predictor) {
        List<String> texts = new ArrayList<>();
        List<String> pairs = new ArrayList<>();
        List<String> gold = new ArrayList<>();
        for (Example e : examples(task)) {
            texts.add(((TextExample) e).textA());
            pairs.add(((TextExample) e).textB());
            gold.add(((TextExample) e).label());
        }
        List<LabelPrediction> got = predictor.classifyPairs(texts, pairs);
        checkLabels(task, p, got);
        assertEquals(score, evaluator(task).evaluateLabels(gold, got.stream().map(LabelPrediction::label).toList()));
    }

    /** Same arg-max label as the evaluation; probabilities are the softmax of the evaluation's logits. */
    private static void checkLabels(FeaturizedTask task, TaskPredictions p, List<LabelPrediction> got) {
        List<String> expected = ((SequenceClassification) task.task().format()).predictedLabels(features(task),
                examples(task), task.labels(), p.logits(), p.width());
        assertEquals(expected, got.stream().map(LabelPrediction::label).toList());
        for (int r = 0; r < p.logits().size(); r++) {
            double[] soft = softmax(p.logits().get(r));
            LabelPrediction lp = got.get(features(task).exampleIndex(r));
            assertEquals(task.labels(), List.copyOf(lp.probabilities().keySet()));
            for (int k = 0; k < soft.length; k++) {
                assertEquals(soft[k], lp.probabilities().get(task.labels().get(k)), 1e-5, "example " + r + " label " + k);
            }
        }
    }

    private static void checkNer(FeaturizedTask task, TaskPredictions p, EvaluationResult score, TaskPredictor predictor) {
        List<List<String>> sentences = new ArrayList<>();
        List<List<String>> gold = new ArrayList<>();
        for (Example e : examples(task)) {
            sentences.add(((TokenExample) e).tokens());
            gold.add(((TokenExample) e).tags());
        }
        List<List<String>> expected = ((TokenClassification) task.task().format()).predictedTags(features(task),
                examples(task), task.labels(), p.logits(), p.width());
        List<TagPrediction> got = predictor.tag(sentences);
        List<List<String>> tags = got.stream().map(TagPrediction::tags).toList();
        assertEquals(expected, tags);
        assertEquals(SpanExtractor.lenient(expected), got.stream().flatMap(t -> t.entities().stream()).toList());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(sentences.get(i), got.get(i).words());
        }
        assertEquals(score, evaluator(task).evaluateTags(gold, tags));
        assertTrue(got.stream().anyMatch(t -> !t.entities().isEmpty()), "a trained tagger finds some entity");
    }

    private static void checkQa(FeaturizedTask task, TaskPredictions p, EvaluationResult score, TaskPredictor predictor) {
        List<String> questions = new ArrayList<>();
        List<String> contexts = new ArrayList<>();
        List<List<String>> golds = new ArrayList<>();
        for (Example e : examples(task)) {
            questions.add(((QaExample) e).question());
            contexts.add(((QaExample) e).context());
            golds.add(((QaExample) e).references());
        }
        assertTrue(features(task).size() > examples(task).size(), "some context takes more than one window");
        List<QaAnswer> expected = ((ExtractiveQa) task.task().format()).answers(features(task), examples(task),
                p.logits());
        List<QaAnswer> got = predictor.answer(questions, contexts);
        List<String> answered = new ArrayList<>();
        for (int i = 0; i < got.size(); i++) {
            QaAnswer a = got.get(i);
            QaAnswer e = expected.get(i);
            assertEquals(e.text(), a.text(), "question " + i);
            assertEquals(e.charStart(), a.charStart(), "question " + i);
            assertEquals(e.charEnd(), a.charEnd(), "question " + i);
            assertEquals(e.score(), a.score(), 1e-4, "question " + i);
            if (a.found()) {
                assertEquals(contexts.get(i).substring(a.charStart(), a.charEnd()), a.text());
            }
            answered.add(a.found() ? a.text() : null);
        }
        assertEquals(score, evaluator(task).evaluateAnswers(answered, golds));
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] out = new double[logits.length];
        double z = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.exp(logits[i] - max);
            z += out[i];
        }
        final double sum = z;
        return Arrays.stream(out).map(v -> v / sum).toArray();
    }
}
