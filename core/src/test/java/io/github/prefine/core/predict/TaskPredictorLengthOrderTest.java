package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.eval.qa.QaAnswer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A predictor runs its units shortest first, so that each batch pads little, and returns them in
 * input order: the outputs of a batch of several lengths are those of each input alone. Real
 * fixture BERT and tokenizer ({@link TinyFinetuning}); its words are single tokens, so a text of
 * w words is w + 2 tokens long.
 */
class TaskPredictorLengthOrderTest {
    /** Words per text: 7, 3, 7, 3, 7, 3 and 5 tokens. */
    private static final int[] WORDS = {5, 1, 5, 1, 5, 1, 3};

    private static List<String> texts() {
        List<String> out = new ArrayList<>();
        List<String> vocab = new ArrayList<>(TinyFinetuning.PEOPLE);
        vocab.addAll(TinyFinetuning.PLACES);
        vocab.addAll(TinyFinetuning.FILLER);
        for (int i = 0; i < WORDS.length; i++) {
            List<String> w = new ArrayList<>();
            for (int k = 0; k < WORDS[i]; k++) {
                w.add(vocab.get((3 * i + 5 * k) % vocab.size()));
            }
            out.add(String.join(" ", w));
        }
        return out;
    }

    /** Padded positions of the batches: each unit's row padded to its batch's longest. */
    private static int padded(Features f, List<int[]> batches) {
        int n = 0;
        for (int[] b : batches) {
            int longest = f.longestRow(b);
            for (int u : b) {
                n += longest - f.longestRow(new int[] {u});
            }
        }
        return n;
    }

    @Test
    void batchesRunShortestFirstAndPadLess() throws Exception {
        List<Example> examples = new ArrayList<>();
        List<String> texts = texts();
        for (int i = 0; i < texts.size(); i++) {
            examples.add(new TextExample("t" + i, texts.get(i), null, "person"));
        }
        try (SubwordTokenizer tok = TinyFinetuning.tokenizer()) {
            Features f = FeaturizedTask.featurize(InMemoryTasks.data(InMemoryTasks.task("topic", TaskGroup.C,
                    TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, List.of("person", "place")), examples, examples,
                    List.of()), tok, TinyFinetuning.SETTINGS).features().get(Split.VALIDATION);
            for (int i = 0; i < WORDS.length; i++) {
                assertEquals(WORDS[i] + 2, f.longestRow(new int[] {i}), "tokens of text " + i);
            }
            List<int[]> batches = BatchedForward.batches(f, 3, false);
            // lengths 7 3 7 | 3 7 3 | 5 would pad 4 + 8 + 0; shortest first, 3 3 3 | 5 7 7 | 7 pads 0 + 2 + 0
            assertEquals(12, padded(f, List.of(new int[] {0, 1, 2}, new int[] {3, 4, 5}, new int[] {6})));
            assertEquals(2, padded(f, batches), "padded positions of the predictor's batches");
            assertEquals(List.of(1, 3, 5, 6, 0, 2, 4), batches.stream().flatMapToInt(java.util.Arrays::stream).boxed()
                    .toList(), "units shortest first, ties in index order");
        }
    }

    @Test
    void outputsComeBackInInputOrder(@TempDir Path tmp) throws Exception {
        List<String> texts = texts();
        List<List<String>> sentences = new ArrayList<>();
        for (String t : texts) {
            sentences.add(List.of(t.split(" ")));
        }
        try (NDManager m = NDManager.newBaseManager();
                FinetunedModel model = FinetunedModel.load(TinyFinetuning.saveUntrained(tmp.resolve("m")), m)) {
            TaskPredictor topic = model.predictor("topic").withBatchSize(3);
            TaskPredictor ner = model.predictor("ner").withBatchSize(3);
            List<LabelPrediction> labels = topic.classify(texts);
            List<TagPrediction> tags = ner.tag(sentences);
            for (int i = 0; i < texts.size(); i++) {
                // alone, an input is its own batch: no padding, no order
                LabelPrediction alone = topic.withBatchSize(1).classify(List.of(texts.get(i))).get(0);
                assertEquals(alone.label(), labels.get(i).label(), "label of text " + i);
                for (String k : alone.probabilities().keySet()) {
                    assertEquals(alone.probabilities().get(k), labels.get(i).probabilities().get(k), 1e-5,
                            "probability of " + k + " for text " + i);
                }
                TagPrediction tagged = ner.withBatchSize(1).tag(List.of(sentences.get(i))).get(0);
                assertEquals(tagged.words(), tags.get(i).words(), "words of sentence " + i);
                assertEquals(tagged.tags(), tags.get(i).tags(), "tags of sentence " + i);
            }
        }
    }

    /**
     * A question whose context is longer than a window ({@link TinyFinetuning#SETTINGS}: 40 tokens,
     * stride 8) has several windows, which the length order may put in different batches among other
     * questions' windows: each answer, text and score, is still the question's answer alone, for
     * batches of one window, a few, and all.
     */
    @Test
    void qaWindowsOfOneQuestionSpreadOverBatchesGiveItsOwnAnswer(@TempDir Path tmp) throws Exception {
        List<String> vocab = new ArrayList<>(TinyFinetuning.PEOPLE);
        vocab.addAll(TinyFinetuning.PLACES);
        vocab.addAll(TinyFinetuning.FILLER);
        int[] words = {60, 3, 45, 10, 80, 2, 33};
        List<String> questions = new ArrayList<>();
        List<String> contexts = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            List<String> w = new ArrayList<>();
            for (int k = 0; k < words[i]; k++) {
                w.add(vocab.get((3 * i + 5 * k) % vocab.size()));
            }
            contexts.add(String.join(" ", w));
            questions.add(vocab.get(i % vocab.size()));
        }
        try (NDManager m = NDManager.newBaseManager();
                FinetunedModel model = FinetunedModel.load(TinyFinetuning.saveUntrained(tmp.resolve("m")), m)) {
            TaskPredictor qa = model.predictor("qa");
            List<QaAnswer> alone = new ArrayList<>();
            for (int i = 0; i < questions.size(); i++) {
                alone.add(qa.answer(List.of(questions.get(i)), List.of(contexts.get(i))).get(0));
            }
            for (int batchSize : new int[] {1, 2, 3, 64}) {
                List<QaAnswer> all = qa.withBatchSize(batchSize).answer(questions, contexts);
                for (int i = 0; i < questions.size(); i++) {
                    String at = "batch size " + batchSize + ", question " + i;
                    assertEquals(alone.get(i).text(), all.get(i).text(), at);
                    assertEquals(alone.get(i).score(), all.get(i).score(), 1e-4, at);
                }
            }
        }
    }
}
