package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status line's ETA learns from the training runs that ended how far early stopping lets a
 * run of each kind go, and counts a unit whose runs partly ended by the runs it has left. The
 * runs' records are laid out as the grid writes them ({@code prefinetune/<setting>/lr-<rate>/history.json}
 * with one {@code epochs} entry per epoch trained, {@code finetune/<sweep>-seed<N>/lr-<rate>.json}
 * with one {@code validationLosses} entry per epoch). Every figure below is worked by hand.
 */
class RunStatusLearnedEpochsTest {
    /** One pre-finetuning run of at most 10 epochs; two finetuning runs (seeds) of at most 10. */
    private static final RunStatus.Shape SHAPE = new RunStatus.Shape(1, 10, 2, 10);

    /**
     * A pre-finetuning unit of work 100 (10 an epoch: 100 / 1 run / 10 epochs) and three
     * finetuning units of 40 (2 an epoch: 40 / 2 runs / 10 epochs), 220 planned in all.
     */
    private static final List<PlannedWork.Unit> PLAN = List.of(
            new PlannedWork.Unit("prefinetune-SL", "pre-finetune SL lr ", 100, List.of(Path.of("prefinetune", "SL"))),
            finetuning("a"), finetuning("b"), finetuning("c"));

    private static PlannedWork.Unit finetuning(String target) {
        return new PlannedWork.Unit("run-SL-" + target, "SL → " + target + " seed ", 40,
                List.of(Path.of("finetune", "run-SL-" + target + "-seed1"), Path.of("finetune", "run-SL-" + target + "-seed2")));
    }

    /**
     * One process. The pre-finetuning stops early at 5 of its 10 epochs, at 50 s: 5 x 10 = 50 work
     * in 50 s, 1 s a work. No finetuning run has ended, so each of the 6 is planned at its 10
     * epochs: 6 x 10 x 2 = 120 left, 120 s (planning at the limit throughout, the pace would be
     * 100 work in 50 s and the ETA 60 s). Target a's seed 1 stops at 4 epochs at 58 s: 58 work in
     * 58 s; finetuning runs train 4 / 10 of the limit, so the 5 runs left are 5 x 4 x 2 = 40, 40 s.
     * Two epochs into seed 2, at 62 s: 62 work in 62 s, 40 - 2 x 2 = 36 left. Past the 4 epochs
     * expected, at 6 epochs and 70 s: 70 in 70 s; the run is expected to end now, 40 - 4 x 2 = 32.
     */
    @Test
    void runsStillToComeTrainTheShareOfTheirLimitThatEndedRunsOfTheirKindTrained(@TempDir Path out) throws IOException {
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(out, 4, now::get, SHAPE, PLAN, 1);
        s.runStarted("pre-finetune SL lr 0.001");
        now.set(50_000_000_000L);
        s.steps(5, 0, 1);
        history(out, "SL", 5);
        record(out, "prefinetune-SL");
        s.runStarted("SL → a seed 1 lr 0.003");
        assertEquals("run: 1/4 units done, 3 left | elapsed 00:00:50 | ETA 00:02:00", s.line());
        now.set(58_000_000_000L);
        s.steps(4, 0, 1);
        trial(out, "run-SL-a-seed1", 4);
        s.runStarted("SL → a seed 2 lr 0.003");
        assertEquals("run: 1/4 units done, 3 left | elapsed 00:00:58 | ETA 00:00:40", s.line());
        now.set(62_000_000_000L);
        s.steps(2, 0, 1);
        assertEquals("run: 1/4 units done, 3 left | elapsed 00:01:02 | ETA 00:00:36", s.line());
        now.set(70_000_000_000L);
        s.steps(6, 0, 1);
        assertEquals("run: 1/4 units done, 3 left | elapsed 00:01:10 | ETA 00:00:32", s.line());
    }

    /**
     * A resumed run shared by two processes: the pre-finetuning ended at 5 epochs, target a's seed 1
     * at 4, and c's seed 1 diverged (its record gives no epochs: it counts as run, not in the
     * share). Finetuning runs train 4 / 10 of the limit; left are a's seed 2, b's two seeds and c's
     * seed 2, 4 runs of 4 epochs at 2 a work each, 32 (counting a and c whole at the limit, 120).
     * Three epochs into a's seed 2 at 6 s: 6 work here, times the 2 processes 12 in 6 s, and
     * 32 - 6 = 26 left, 13 s. The other process ends b's seed 1 at 6 epochs, seen at 10 s when a's
     * seed 2 ends at 4 epochs and this process starts c's seed 2: 12 + 8 = 20 run since the start
     * (this process's own 8 times 2 is less), 0.5 s a work; the share is now (4 + 6 + 4) / 30, and
     * the two runs left (b's seed 2, and c's, just begun) are 2 x 14 / 3 x 2 = 18.67, 9.33 s.
     */
    @Test
    void aUnitPartlyRunCountsByTheRunsItHasLeft(@TempDir Path out) throws IOException {
        history(out, "SL", 5);
        record(out, "prefinetune-SL");
        trial(out, "run-SL-a-seed1", 4);
        Path diverged = Files.createDirectories(out.resolve("finetune").resolve("run-SL-c-seed1")).resolve("lr-3e-03.json");
        Files.writeString(diverged, "{\"learningRate\": 0.003, \"validation\": NaN, \"evaluation\": NaN}");
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(out, 4, now::get, SHAPE, PLAN, 2);
        assertEquals("run: 1/4 units done, 3 left | elapsed 00:00:00 | ETA --:--", s.line());
        s.runStarted("SL → a seed 2 lr 0.003");
        now.set(6_000_000_000L);
        s.steps(3, 0, 1);
        assertEquals("run: 1/4 units done, 3 left | elapsed 00:00:06 | ETA 00:00:13", s.line());
        now.set(10_000_000_000L);
        s.steps(4, 0, 1);
        trial(out, "run-SL-b-seed1", 6);
        trial(out, "run-SL-a-seed2", 4);
        record(out, "run-SL-a");
        s.runStarted("SL → c seed 2 lr 0.003");
        assertEquals("run: 2/4 units done, 2 left | elapsed 00:00:10 | ETA 00:00:09", s.line());
    }

    /** A pre-finetuning run's history, {@code epochs} entries trained. */
    private static void history(Path out, String setting, int epochs) throws IOException {
        Path lr = Files.createDirectories(out.resolve("prefinetune").resolve(setting).resolve("lr-1e-03"));
        Files.writeString(lr.resolve("history.json"), "{\"learningRate\": 0.001, \"epochs\": [" + "{}, ".repeat(epochs - 1)
                + "{}]}");
    }

    /** A finetuning run's scores, {@code epochs} validation losses. */
    private static void trial(Path out, String folder, int epochs) throws IOException {
        Path dir = Files.createDirectories(out.resolve("finetune").resolve(folder));
        Files.writeString(dir.resolve("lr-3e-03.json"), "{\"learningRate\": 0.003, \"validationLosses\": ["
                + "0.5, ".repeat(epochs - 1) + "0.5]}");
    }

    /** A unit's record: it has ended. */
    private static void record(Path out, String id) throws IOException {
        Files.writeString(Files.createDirectories(out.resolve("records")).resolve(id + ".jsonl"), "{}\n");
    }
}
