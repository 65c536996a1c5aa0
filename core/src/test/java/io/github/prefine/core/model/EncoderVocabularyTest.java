package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Token ids beyond the encoder's vocabulary are refused when the model is built, not in the first
 * forward that holds one. The fixtures' configs give the ground truth: the XLM-R encoder has
 * {@code vocab_size} 257, and the BERT tokenizer's 362 entries reach past it.
 */
class EncoderVocabularyTest {

    @Test
    void anotherModelsTokenizerIsRefusedAtBuildNamingTheIdAndTheVocabulary() throws Exception {
        Path xlmr = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/encoder");
        Path bert = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        Task task = InMemoryTasks.task("reviews", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("neg", "pos"));
        List<TextExample> train = List.of(new TextExample("t0", "the film was good", null, "pos"),
                new TextExample("t1", "the plot was bad", null, "neg"), new TextExample("t2", "fine music", null, "pos"));
        List<TextExample> validation = List.of(new TextExample("v0", "a bad ending", null, "neg"));
        var data = InMemoryTasks.data(task, train, validation, List.of());
        FeatureSettings settings = FeatureSettings.paper().withLengths(64, 64, 16);
        try (NDManager root = NDManager.newBaseManager()) {
            FeaturizedTask wrong;
            try (SubwordTokenizer tok = SubwordTokenizer.builder()
                    .setTokenizerPath(bert.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
                wrong = FeaturizedTask.featurize(data, tok, settings);
            }
            // the premise: BERT's ids for these words reach past XLM-R's 257 entries
            assertTrue(wrong.largestTokenId() >= 257, "largest id " + wrong.largestTokenId());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MultiHeadModel.builder()
                    .setManager(root).setEncoder(EncoderCheckpoint.load(xlmr, root).encoder()).addTask(wrong).build()
                    .close());
            // the largest of them is in the training split ("the film was good", ...), not validation's "a bad ending"
            assertEquals(wrong.largestTokenId(), wrong.features().get(Split.TRAIN).tokens().largestId());
            assertEquals("model: task reviews: the train split has token id " + wrong.largestTokenId() + ", beyond the"
                    + " 257-entry vocabulary of the encoder; featurize it with the encoder's own tokenizer, the"
                    + " tokenizer.json its model was trained with", e.getMessage());

            // the encoder's own tokenizer builds, and its largest id is below the vocabulary
            FeaturizedTask own;
            try (SubwordTokenizer tok = SubwordTokenizer.builder()
                    .setTokenizerPath(xlmr.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
                own = FeaturizedTask.featurize(data, tok, settings);
            }
            assertTrue(own.largestTokenId() < 257, "largest id " + own.largestTokenId());
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(root)
                    .setEncoder(EncoderCheckpoint.load(xlmr, root).encoder()).addTask(own).build()) {
                assertEquals(List.of("reviews"), model.taskNames());
            }
        }
    }
}
