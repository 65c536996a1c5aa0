package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rows longer than the encoder's position table are refused when the model is built, not at the
 * first training step. The XLM-R fixture has {@code max_position_embeddings} 66 and pad id 1, so
 * it takes at most 66 - 1 - 1 = 64 tokens (HF's RoBERTa position ids start after the pad id);
 * {@link FeatureSettings#paper()} cuts rows at 128.
 */
class EncoderLengthCheckTest {
    private static final String LONG = "this is a rather long review sentence that goes on and on about the film and its"
            + " actors and the music and the plot and the ending which nobody expected at all";

    @Test
    void rowsLongerThanTheEncoderTakesAreRefusedAtBuildWithTheLengthToFeaturizeWith() throws Exception {
        Path dir = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/encoder");
        Task task = InMemoryTasks.task("reviews", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("neg", "pos"));
        List<TextExample> train = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            train.add(new TextExample("t" + i, i % 2 == 0 ? LONG : "short", null, i % 2 == 0 ? "pos" : "neg"));
        }
        List<TextExample> validation = List.of(new TextExample("v0", "short", null, "neg"));
        try (SubwordTokenizer tokenizer = SubwordTokenizer.builder()
                        .setTokenizerPath(dir.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build();
                NDManager root = NDManager.newBaseManager()) {
            var data = InMemoryTasks.data(task, train, validation, List.of());
            FeaturizedTask paper = FeaturizedTask.featurize(data, tokenizer, FeatureSettings.paper());
            int longest = paper.features().values().stream()
                    .mapToInt(f -> java.util.stream.IntStream.range(0, f.tokens().rowCount()).map(f.tokens()::length).max()
                            .orElse(0))
                    .max().orElseThrow();
            // the premise of the test: the paper's 128 leaves a row the fixture cannot take
            assertEquals(true, longest > 64 && longest <= 128, "longest row " + longest);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MultiHeadModel.builder()
                    .setManager(root).setEncoder(EncoderCheckpoint.load(dir, root).encoder()).addTask(paper).build());
            assertEquals("task reviews: rows of up to " + longest + " tokens, but this xlm-roberta encoder takes at most"
                    + " 64; featurize with lengths of at most 64 (FeatureSettings.withLengths)", e.getMessage());

            // featurized to the encoder's 64, the same task builds
            FeaturizedTask cut = FeaturizedTask.featurize(data, tokenizer, FeatureSettings.paper().withLengths(64, 64, 16));
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(root)
                    .setEncoder(EncoderCheckpoint.load(dir, root).encoder()).addTask(cut).build()) {
                assertEquals(List.of("reviews"), model.taskNames());
            }
        }
    }

    @Test
    void aForwardOfRowsTooLongNamesTheLengthToCutThemTo() throws Exception {
        // the grid adds hand-made heads, so its first sight of such rows is the encoder's forward
        Path dir = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/encoder");
        try (NDManager root = NDManager.newBaseManager()) {
            io.github.prefine.core.encoder.TransformerEncoder encoder = EncoderCheckpoint.load(dir, root).encoder();
            long[][] ids = new long[1][65];
            long[][] mask = new long[1][65];
            java.util.Arrays.fill(ids[0], 5);
            java.util.Arrays.fill(mask[0], 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.forward(
                    new ai.djl.training.ParameterStore(root, false),
                    new ai.djl.ndarray.NDList(root.create(ids), root.create(mask)), false));
            assertEquals("sequence length 65 exceeds the 64 positions of this xlm-roberta encoder; cut rows to at most 64"
                    + " tokens (FeatureSettings.withLengths)", e.getMessage());
        }
    }
}
