package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.SquadReader;
import io.github.prefine.core.task.ExtractiveQa;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSource;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A QA task is told by its format's type, not by identity with {@code TaskFormat.QA}: a task built
 * with {@code new ExtractiveQa()} (a public record, equal to the constant but another object) has
 * its window {@code --qa-max-length} checked against the encoder's positions, and not
 * {@code --max-length}. The fixture's BERT has 64 positions (max_position_embeddings in its config.json).
 */
class LengthsFitEncoderTest {
    /** The fixture's encoder, or the test skipped with the reason printed where ../shared is absent. */
    private static Path encoder() {
        return SharedFixtures.require("fixtures/hf-reference/bert/encoder");
    }

    private static Task qa() {
        return Task.builder().setName("qa-own").setGroup(TaskGroup.QA).setFormat(new ExtractiveQa())
                .setMetric(MetricType.SQUAD_F1).setSource(TaskSource.builder()
                        .add(Split.TRAIN, "q/train.json", new SquadReader()).build()).build();
    }

    @Test
    void aQaWindowPastTheEncoderIsRefusedForAnExtractiveQaOfItsOwn() {
        Path encoder = encoder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptionChecks.lengthsFitEncoder(encoder, List.of(qa()), 64, 96));
        assertTrue(e.getMessage().startsWith("--qa-max-length 96: expected at most the 64 positions of the encoder"),
                e.getMessage());
    }

    @Test
    void maxLengthIsNotCheckedWhereTheOnlyTaskIsQa() throws Exception {
        // --max-length bears on no QA task: 128 past the encoder is no refusal here
        OptionChecks.lengthsFitEncoder(encoder(), List.of(qa()), 128, 64);
    }
    /** The encoder's 64 positions are a length it reads; 65 is the first it cannot. */
    @Test
    void aLengthOfExactlyThePositionsFitsAndOneMoreIsRefused() throws Exception {
        Path encoder = encoder();
        OptionChecks.lengthsFitEncoder(encoder, List.of(qa()), 64, 64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptionChecks.lengthsFitEncoder(encoder, List.of(qa()), 64, 65));
        assertTrue(e.getMessage().startsWith("--qa-max-length 65: expected at most the 64 positions of the encoder"),
                e.getMessage());
    }

    /** Two windows overlap by the stride, so it must be shorter than a window: equal is refused. */
    @Test
    void aQaStrideEqualToTheWindowIsRefusedAndOneLessIsNot() {
        OptionChecks.featureLengths(128, 64, 63);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptionChecks.featureLengths(128, 64, 64));
        assertEquals("--qa-stride: expected less than --qa-max-length 64, found 64; pass for example --qa-stride 21",
                e.getMessage());
    }
}
