package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.testing.ServingChild;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ended a run: early stopping only when patience ran out before the epoch limit. Patience that
 * runs out on the last allowed epoch saves no epoch, so the limit ended that run, and the flag, the
 * final log line and the checkpoint of the finished run say so. The runs are real (in {@link
 * TrainerStoppingChild}): a tiny encoder trained on a keyword rule whose validation labels are
 * flipped, so that every epoch after the first raises the validation loss (checked, not assumed).
 * One child serves every run, one after another, each run's lines read between its begin and end.
 */
class TrainerStoppingTest {
    /** What a child's run printed and logged. */
    private record Run(String result, String lastLine, String log) {}

    /** One child JVM serves every run of this class: each child start cost more than its runs. */
    private static ServingChild child;

    @BeforeAll
    static void startChild(@TempDir Path dir) throws Exception {
        child = ServingChild.start(TrainerStoppingChild.class, dir.resolve("child.log"));
    }

    @AfterAll
    static void stopChild() throws Exception {
        child.close();
    }

    private static Run fit(Path dir, String name, int maxEpochs, Path checkpoints) throws Exception {
        return fit(dir, name, maxEpochs, checkpoints, 0);
    }

    /** A run whose schedule spans {@code scheduleEpochs} (0: maxEpochs), so a lower limit can resume it. */
    private static Run fit(Path dir, String name, int maxEpochs, Path checkpoints, int scheduleEpochs) throws Exception {
        String id = dir.getFileName() + "/" + name; // each test's temporary folder is its own
        child.request(id, Integer.toString(maxEpochs), checkpoints.toString(), Integer.toString(scheduleEpochs));
        String log = child.await(id);
        String result = log.lines().filter(l -> l.startsWith("result: ")).findFirst().orElseThrow(() -> new AssertionError(log));
        List<String> lines = log.lines().filter(l -> l.contains("INFO " + Trainer.class.getName() + " - rising: ")).toList();
        return new Run(result, lines.get(lines.size() - 1).replaceFirst(".* - ", ""), log);
    }

    private static Path finalStateFile(Path checkpoints) throws Exception {
        try (var folders = Files.list(checkpoints)) {
            return folders.filter(p -> p.getFileName().toString().startsWith("ckpt-final-")).findFirst().orElseThrow()
                    .resolve("state.json");
        }
    }

    private static JsonObject finalState(Path checkpoints) throws Exception {
        return JsonParser.parseString(Files.readString(finalStateFile(checkpoints), StandardCharsets.UTF_8))
                .getAsJsonObject();
    }

    @Test
    void patienceRunningOutOnTheLastAllowedEpochIsTheEpochLimitNotEarlyStopping(@TempDir Path tmp) throws Exception {
        // patience 2: epochs 2 and 3 do not improve on epoch 1, and 3 is the limit: the limit ended the run
        Path ckpt = tmp.resolve("ckpt");
        Run r = fit(tmp, "first", 3, ckpt);
        assertEquals("result: stoppedEarly=false epochs=3 best=0 rising=true", r.result(), r.log());
        assertEquals("rising: reached the epoch limit after 3 of 3 epochs (patience 2 ran out on the last epoch as"
                + " well, which saved no epoch); best epoch 1 restored", r.lastLine(), r.log());
        assertEquals(false, finalState(ckpt).get("stoppedEarly").getAsBoolean());
        // the finished run asked again answers from its checkpoint, the same
        assertEquals(r.result(), fit(tmp, "again", 3, ckpt).result());
        // as versions before this one recorded it: stopped early, though all 3 allowed epochs ran
        JsonObject older = finalState(ckpt);
        older.addProperty("stoppedEarly", true);
        Files.writeString(finalStateFile(ckpt), older.toString(), StandardCharsets.UTF_8);
        assertEquals(r.result(), fit(tmp, "older", 3, ckpt).result(), "the run's own limit, 3, was reached");
    }

    @Test
    void resumingUnderALowerCapThanTheCheckpointTrainedSaysSo(@TempDir Path tmp) throws Exception {
        // 2 epochs (patience 2 does not run out), left unfinished, which a trainer capped at 1 epoch
        // resumes and trains no further
        Path ckpt = tmp.resolve("ckpt");
        fit(tmp, "first", 2, ckpt, 2);
        // as a run killed before its final checkpoint would leave it: the same state, unfinished
        JsonObject state = finalState(ckpt);
        state.addProperty("finished", false);
        Files.writeString(finalStateFile(ckpt), state.toString(), StandardCharsets.UTF_8);
        Files.move(finalStateFile(ckpt).getParent(), ckpt.resolve("ckpt-epoch-000002"));
        Files.writeString(ckpt.resolve("LATEST"), "ckpt-epoch-000002", StandardCharsets.UTF_8);
        Run r = fit(tmp, "lower", 1, ckpt, 2);
        assertTrue(r.log().contains("resuming from ") && r.log().contains("after 2 epochs"), r.log());
        assertEquals("rising: trained no further: the checkpoint had already trained 2 epochs, past the epoch"
                + " limit of 1 epoch; best epoch 1 restored", r.lastLine(), r.log());
    }

    @Test
    void patienceRunningOutOneEpochBeforeTheLimitIsEarlyStopping(@TempDir Path tmp) throws Exception {
        Path ckpt = tmp.resolve("ckpt");
        Run r = fit(tmp, "first", 4, ckpt);
        assertEquals("result: stoppedEarly=true epochs=3 best=0 rising=true", r.result(), r.log());
        assertEquals("rising: stopped early after 3 of 4 epochs: the average validation loss did not improve for 2"
                + " epochs (patience 2); best epoch 1 restored", r.lastLine(), r.log());
        assertEquals(true, finalState(ckpt).get("stoppedEarly").getAsBoolean());
        assertEquals(r.result(), fit(tmp, "again", 4, ckpt).result());
    }
}
