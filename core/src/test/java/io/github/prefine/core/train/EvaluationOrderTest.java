package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.pipeline.TaskScorer;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.evaluator.EvaluationResult;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Evaluation runs each split shortest first: its batches pad little, and its losses, logits and
 * scores are those of index order. Real fixture BERT ({@code ../shared/fixtures/hf-reference/bert})
 * and tokenizer; the words are single tokens of its vocabulary, so a text of w words is w + 2
 * tokens long ([CLS] and [SEP]).
 */
class EvaluationOrderTest {
    private static final List<String> WORDS = List.of("john", "mary", "paris", "london", "tokyo", "rome", "walked",
            "game", "team", "film", "week", "people");
    /** Words per validation text of the classification task: 7, 3, 7, 3, 7, 3 and 5 tokens. */
    private static final int[] TOPIC_WORDS = {5, 1, 5, 1, 5, 1, 3};

    private static Path bert() {
        return SharedFixtures.require("fixtures/hf-reference/bert");
    }

    private static String words(int n, SplittableRandom rnd) {
        List<String> w = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            w.add(WORDS.get(rnd.nextInt(WORDS.size())));
        }
        return String.join(" ", w);
    }

    private static TaskSet tasks(SubwordTokenizer tok) throws Exception {
        SplittableRandom rnd = new SplittableRandom(17);
        List<Example> topic = new ArrayList<>();
        for (int i = 0; i < TOPIC_WORDS.length; i++) {
            topic.add(new TextExample("t" + i, words(TOPIC_WORDS[i], rnd), null, i % 2 == 0 ? "person" : "place"));
        }
        // sentences of 1 to 14 words, so that index-order batches of 3 mix lengths
        List<Example> ner = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<String> w = List.of(words(1 + rnd.nextInt(14), rnd).split(" "));
            List<String> tags = new ArrayList<>();
            for (String s : w) {
                tags.add(s.equals("john") || s.equals("mary") ? "B-PER" : rnd.nextInt(5) == 0 ? "B-LOC" : "O");
            }
            ner.add(new TokenExample("s" + i, w, tags));
        }
        FeatureSettings settings = FeatureSettings.paper();
        return TaskSet.of(
                FeaturizedTask.featurize(InMemoryTasks.data(InMemoryTasks.task("topic", TaskGroup.C,
                        TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, List.of("person", "place")), topic, topic,
                        List.of()), tok, settings),
                FeaturizedTask.featurize(InMemoryTasks.data(InMemoryTasks.task("ner", TaskGroup.SL, TaskFormat.TOKEN,
                        MetricType.SPAN_F1, List.of("O", "B-PER", "B-LOC")), ner, ner, List.of()), tok, settings));
    }

    /** The real source, counting the padded positions (attention mask 0) of the batches it assembles. */
    private static class Counting extends ResizedSource {
        long padded;

        Counting(FeatureBatchSource inner) {
            super(inner, (task, split, size) -> size);
        }

        @Override
        public MultiTaskBatch assemble(Split split, int[] tasks, int[] examples) {
            MultiTaskBatch b = super.assemble(split, tasks, examples);
            for (long m : b.attentionMask()) {
                padded += m == 0 ? 1 : 0;
            }
            return b;
        }
    }

    /** The real source with every example of one length to the evaluation: it runs in index order. */
    private static final class IndexOrder extends Counting {
        IndexOrder(FeatureBatchSource inner) {
            super(inner);
        }

        // no @Override: this class reads the old interface too, where evaluation ran in index order
        public int rowLength(int task, Split split, int example) {
            return 1;
        }
    }

    private record Run(double[] losses, List<List<float[]>> logits, int[] widths, List<EvaluationResult> scores,
            long padded) {}

    private static Run evaluate(MultiHeadModel model, TaskSet tasks, Counting source) throws Exception {
        try (Trainer trainer = Trainer.builder().setModel(model).setData(source).optBatchSize(3).optEvalBatchSize(3)
                .build()) {
            double[] losses = trainer.validationLosses();
            List<List<float[]>> logits = new ArrayList<>();
            List<EvaluationResult> scores = new ArrayList<>();
            int[] widths = new int[tasks.size()];
            for (int t = 0; t < tasks.size(); t++) {
                TaskPredictions p = trainer.predict(t, Split.VALIDATION);
                logits.add(p.logits());
                widths[t] = p.width();
                scores.add(TaskScorer.score(tasks.get(t), Split.VALIDATION, p));
            }
            return new Run(losses, logits, widths, scores, source.padded);
        }
    }

    @Test
    void lengthOrderPadsLessAndGivesIndexOrdersOutputs() throws Exception {
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(bert().resolve("tokenizer.json"))
                .build();
                NDManager m = NDManager.newBaseManager()) {
            TaskSet tasks = tasks(tok);
            Features topic = tasks.get(0).features().get(Split.VALIDATION);
            for (int i = 0; i < TOPIC_WORDS.length; i++) {
                assertEquals(TOPIC_WORDS[i] + 2, topic.longestRow(new int[] {i}), "tokens of topic text " + i);
            }
            FeatureBatchSource data = FeatureBatchSource.of(tasks);
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(m)
                    .setEncoder(EncoderCheckpoint.load(bert().resolve("encoder"), m).encoder()).optHeadSeed(3)
                    .addTasks(tasks).build()) {
                // the topic task's padding alone: one logits pass over its validation split
                Counting indexTopic = new IndexOrder(data);
                Counting sortedTopic = new Counting(data);
                try (Trainer a = Trainer.builder().setModel(model).setData(indexTopic).optEvalBatchSize(3).build()) {
                    a.predict(0, Split.VALIDATION);
                }
                try (Trainer b = Trainer.builder().setModel(model).setData(sortedTopic).optEvalBatchSize(3).build()) {
                    b.predict(0, Split.VALIDATION);
                }
                // lengths 7 3 7 | 3 7 3 | 5 pad 4 + 8 + 0; shortest first, 3 3 3 | 5 7 7 | 7 pad 0 + 2 + 0
                assertEquals(12, indexTopic.padded, "padded positions in index order");
                assertEquals(2, sortedTopic.padded, "padded positions shortest first");

                Run index = evaluate(model, tasks, new IndexOrder(data));
                Run sorted = evaluate(model, tasks, new Counting(data));
                System.out.printf("padded positions over the losses and logits of both tasks: index order %d, "
                        + "shortest first %d%n", index.padded, sorted.padded);
                assertTrue(sorted.padded < index.padded, index.padded + " -> " + sorted.padded);
                for (int t = 0; t < tasks.size(); t++) {
                    String task = tasks.get(t).name();
                    assertEquals(index.losses[t], sorted.losses[t], 1e-6 * Math.abs(index.losses[t]), task + " loss");
                    assertEquals(index.scores.get(t), sorted.scores.get(t), task + " score");
                    List<float[]> want = index.logits.get(t);
                    List<float[]> got = sorted.logits.get(t);
                    assertEquals(want.size(), got.size(), task + " examples");
                    Features f = tasks.get(t).features().get(Split.VALIDATION);
                    for (int e = 0; e < want.size(); e++) {
                        // a token entry spans its batch's padded length: only its own positions are read
                        int own = want.get(e).length == index.widths[t] ? index.widths[t]
                                : f.longestRow(new int[] {e}) * index.widths[t];
                        assertTrue(got.get(e).length >= own, task + " example " + e + " entry too short");
                        for (int k = 0; k < own; k++) {
                            assertEquals(want.get(e)[k], got.get(e)[k], 1e-5, task + " example " + e + " logit " + k);
                        }
                    }
                }
            }
        }
    }
}
