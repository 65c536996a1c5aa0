package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rows longer than the encoder's position table are refused when the model is built, not at the
 * first batch that holds one, which may come deep into an epoch or only at its validation pass.
 * The fixture BERT has max_position_embeddings 64 (its config.json); HF's embedding lookup fails
 * on a position id of 64 or more.
 */
class EncoderPositionsTest {

    private static TaskSet qa(Path encoderDir, FeatureSettings settings) throws Exception {
        String context = "John Smith visited Paris in May and then went to Berlin. ".repeat(8).trim();
        List<QaExample> ex = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ex.add(new QaExample("q" + i, "who went?", context, List.of(new GoldAnswer("Berlin", context.indexOf("Berlin")))));
        }
        Task task = InMemoryTasks.task("trips", TaskGroup.QA, TaskFormat.QA, MetricType.SQUAD_F1, List.of());
        try (SubwordTokenizer tok = SubwordTokenizer.builder()
                .setTokenizerPath(encoderDir.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
            return TaskSet.featurize(List.of(InMemoryTasks.data(task, ex, ex.subList(0, 2), List.of())), tok, settings);
        }
    }

    @Test
    void aTaskWithRowsBeyondTheEncodersPositionsIsRefusedAtBuild() throws Exception {
        Path encoderDir = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        // the paper's QA windows of 384 tokens: this context makes rows of more than 64
        TaskSet paper = qa(encoderDir, FeatureSettings.paper());
        int longest = paper.tasks().get(0).features().get(Split.TRAIN).longestRow(new int[] {0});
        assertTrue(longest > 64, "the test needs rows beyond 64 tokens, found " + longest);
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MultiHeadModel.builder().setManager(manager)
                            .setEncoder(EncoderCheckpoint.load(encoderDir, manager).encoder()).addTasks(paper).build()
                            .close());
            // validation's rows are training's first two: the training split, first in split order, is named
            assertEquals("model: task trips: the train split has featurized rows of up to " + longest + " tokens,"
                    + " beyond the 64 positions of the encoder; featurize it with FeatureSettings lengths of at most 64"
                    + " (FeatureSettings.withLengths)",
                    e.getMessage());
            // windows that fit build as before
            TaskSet fitting = qa(encoderDir, new FeatureSettings(64, 64, 16, 0, 0, 1L));
            try (MultiHeadModel m = MultiHeadModel.builder().setManager(manager)
                    .setEncoder(EncoderCheckpoint.load(encoderDir, manager).encoder()).addTasks(fitting).build()) {
                assertEquals(List.of("trips"), m.taskNames());
            }
        }
    }
}
