package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.testing.CapturedLogs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fp16-mixed checkpoint written before the count of steps skipped for overflow was kept
 * (versions of 2026-11-26 to 2026-12-04: {@code state.json} without {@code skippedSteps} and
 * {@code overflowStreak}) resumed with the update count at 0, so the learning-rate schedule
 * started over (its warm-up again), and the run reported only the steps skipped after the resume.
 * A skipped step leaves the optimiser's step counts as they were, and the encoder is updated at
 * every step that is not skipped, so the count is the steps run less the encoder's step count.
 * The checkpoint here is a real one (of {@link MixedPrecisionTrainingTest}'s poisoned run: 2 epochs of
 * 40 steps) whose {@code state.json} is rewritten with only the members the older version wrote;
 * the ground truth is the uninterrupted run, and the 5 steps poisoned.
 */
class TrainerResumeOlderSkipCountTest {
    /** Steps 10 to 14 of the first epoch's 40 overflow; the checkpoint after step 39 is outside the streak. */
    private static final long FIRST_BAD = 10;
    private static final long LAST_BAD = 14;
    /** The members of state.json that versions before 2026-12-04 did not write. */
    private static final Set<String> LATER = Set.of("skippedSteps", "overflowStreak");

    /** Rewrites the checkpoint's state.json with the members the older version wrote, and returns the file. */
    private static Path asTheOlderVersionWroteIt(Path ckpt) throws Exception {
        Path file;
        try (var folders = Files.list(ckpt)) {
            file = folders.filter(p -> p.getFileName().toString().startsWith("ckpt-epoch-")).findFirst().orElseThrow()
                    .resolve("state.json");
        }
        JsonObject now = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        // the members documented in TrainState: the format's first ones, the loss scale (2026-11-26), and the two later
        Set<String> first = Set.of("format", "epochsDone", "globalStep", "learningRate", "seed", "samplerState", "scores",
                "epochs", "stepCounts", "finished", "stoppedEarly", "manifest", "lossScale", "lossScaleGrowthTracker");
        Set<String> all = new TreeSet<>(first);
        all.addAll(LATER);
        assertEquals(all, new TreeSet<>(now.keySet()), "the members of state.json this version writes");
        assertEquals(LAST_BAD - FIRST_BAD + 1, now.get("skippedSteps").getAsLong(), "this version's own count");
        JsonObject older = new JsonObject();
        for (String k : now.keySet()) {
            if (!LATER.contains(k)) {
                older.add(k, now.get(k));
            }
        }
        Files.writeString(file, older.toString(), StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void anOlderCheckpointWithoutTheSkipCountResumesAsTheWholeRunAndSaysWhereTheCountCameFrom(@TempDir Path tmp)
            throws Exception {
        MixedPrecisionTrainingTest.Outcome whole = MixedPrecisionTrainingTest.poisonedRun(tmp.resolve("whole"),
                FIRST_BAD, LAST_BAD, -1);
        assertEquals(LAST_BAD - FIRST_BAD + 1, whole.skipped(), "the steps poisoned");

        Path ckpt = tmp.resolve("killed");
        assertEquals("killed", assertThrows(IllegalStateException.class,
                () -> MixedPrecisionTrainingTest.poisonedRun(ckpt, FIRST_BAD, LAST_BAD, 1)).getMessage());
        Path state = asTheOlderVersionWroteIt(ckpt);
        MixedPrecisionTrainingTest.Outcome[] resumed = new MixedPrecisionTrainingTest.Outcome[1];
        String logs = CapturedLogs.of(() -> resumed[0] = MixedPrecisionTrainingTest.poisonedRun(ckpt, FIRST_BAD, LAST_BAD,
                -1));

        assertEquals("finished", resumed[0].end());
        assertEquals(whole.skipped(), resumed[0].skipped(), "skipped steps of the resumed run");
        assertEquals(whole.scores(), resumed[0].scores(), "each epoch's validation loss, the second's after the resume");
        assertArrayEquals(whole.weights(), resumed[0].weights(), "the resumed run's final weights");
        // 40 steps before the checkpoint, 5 of them skipped: the encoder was updated 35 times
        assertTrue(logs.lines().anyMatch(l -> l.contains("WARN") && l.contains(state + ": no skippedSteps")
                && l.contains("5 of the 40 steps were skipped") && l.contains("continues at update 35")), logs);
        assertTrue(logs.lines().anyMatch(l -> l.contains("WARN") && l.contains(state + ": no overflowStreak")), logs);
    }
}
