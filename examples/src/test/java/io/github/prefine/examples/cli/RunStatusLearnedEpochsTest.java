package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.train.EpochReport;
import io.github.prefine.core.train.StepReport;
import io.github.prefine.core.train.TrainingListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
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
    static final RunStatus.Shape SHAPE = new RunStatus.Shape(1, 10, 2, 10);

    /**
     * A pre-finetuning unit of work 100 (10 an epoch: 100 / 1 run / 10 epochs) and three
     * finetuning units of 40 (2 an epoch: 40 / 2 runs / 10 epochs), 220 planned in all.
     */
    static final List<PlannedWork.Unit> PLAN = List.of(
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
        assertEquals(List.of("run: 1/4 units done, 3 left | elapsed 00:00:50 | ETA 00:02:00",
                "run: 1/4 units done, 3 left | elapsed 00:00:58 | ETA 00:00:40"), preAt5ThenSeed1At4(out, s, now));
        now.set(62_000_000_000L);
        s.steps(2, 0, 1);
        assertEquals("run: 1/4 units done, 3 left | elapsed 00:01:02 | ETA 00:00:36", s.line());
        now.set(70_000_000_000L);
        s.steps(6, 0, 1);
        assertEquals("run: 1/4 units done, 3 left | elapsed 00:01:10 | ETA 00:00:32", s.line());
    }

    /**
     * A finetuning unit's runs are expected to train the share of their limit that its target's
     * ended runs trained, its kind's share counting as one run more; a target none of whose runs
     * has ended, its kind's. After {@link #preAt5ThenSeed1At4}, target a's seed 2 stops at 8
     * epochs at 66 s and b's seed 1 at 2 epochs at 70 s: run are 50 + 2 x (4 + 8 + 2) = 78 in 70
     * s. Finetuning runs trained 14 / 30 of their limits; b's, (14 / 30 x 10 + 2) / 20 = 1 / 3.
     * Left are b's seed 2, 2 x 10 / 3 = 6.67, and c's two seeds, 2 x 2 x 14 / 3 = 18.67: 25.33,
     * 22.7 s (every run at the kind's share, 3 x 2 x 14 / 3 = 28: 25.1 s). Two epochs into b's seed
     * 2, at 72 s: 82 run, and 25.33 - 2 x 2 = 21.33 left, 18.7 s (at the kind's share, 21.1 s).
     */
    @Test
    void runsStillToComeTrainTheShareTheirTargetsEndedRunsTrained(@TempDir Path out) throws IOException {
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(out, 4, now::get, SHAPE, PLAN, 1);
        preAt5ThenSeed1At4(out, s, now);
        now.set(66_000_000_000L);
        s.steps(8, 0, 1);
        trial(out, "run-SL-a-seed2", 8);
        record(out, "run-SL-a");
        s.runStarted("SL → b seed 1 lr 0.003");
        now.set(70_000_000_000L);
        s.steps(2, 0, 1);
        trial(out, "run-SL-b-seed1", 2);
        s.runStarted("SL → b seed 2 lr 0.003");
        assertEquals("run: 2/4 units done, 2 left | elapsed 00:01:10 | ETA 00:00:22", s.line());
        now.set(72_000_000_000L);
        s.steps(2, 0, 1);
        assertEquals("run: 2/4 units done, 2 left | elapsed 00:01:12 | ETA 00:00:18", s.line());
        assertEquals("b", PLAN.get(2).target());
        assertEquals(null, PLAN.get(0).target());
    }

    /**
     * A resumed run shared by two processes: the pre-finetuning ended at 5 epochs, target a's seed 1
     * at 4, and c's seed 1 diverged (its record gives no epochs: it counts as run, not in the
     * share). Finetuning runs train 4 / 10 of the limit; left are a's seed 2, b's two seeds and c's
     * seed 2, 4 runs of 4 epochs at 2 a work each, 32 (counting a and c whole at the limit, 120).
     * Three epochs into a's seed 2 at 6 s: 6 work here, times the 2 processes 12 in 6 s, and
     * 32 - 6 = 26 left, 13 s. The other process ends b's seed 1 at 6 epochs, seen at 10 s when a's
     * seed 2 ends at 4 epochs and this process starts c's seed 2: 12 + 8 = 20 run since the start
     * (this process's own 8 times 2 is less), 0.5 s a work; the kind's share is now (4 + 6 + 4) /
     * 30, b's (14 / 3 + 6) / 20 = 8 / 15 (its ended seed's 6 epochs, the kind's share counting as one
     * run more; c's diverged seed says nothing), and the two runs left, b's seed 2 and c's, just
     * begun, are 2 x 8 / 15 x 10 + 2 x 14 / 3 = 20, 10 s (both at the kind's share, 18.67, 9.33 s).
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
        assertEquals("run: 2/4 units done, 2 left | elapsed 00:00:10 | ETA 00:00:10", s.line());
    }

    /**
     * What a run takes outside its epochs (loading the model, the last prediction, saving) is
     * learned in epochs, and a finetuning epoch's pace against a pre-finetuning epoch's, from the
     * runs this process ended. Timeline: the pre-finetuning run's epochs begin at 1 s and take 5 s
     * each (10 work: 0.5 s a work); it stops at 5 epochs at 26 s and the next run starts at 30 s:
     * 4 s outside 25 s of epochs, 5 s each, is 1 epoch more. Its 5 + 1 epochs of 10 are 60 work in
     * 30 s, 0.5 s a work; with no finetuning run ended, each of the 6 is expected to train its 10
     * epochs plus the pre-finetuning's 1 outside, at weight 1: 6 x 11 x 2 = 132 left, 66 s (counting
     * epochs only: 50 work in 30 s, 120 left, 72 s). Target a's seed 1 trains from 31 s, 4 epochs
     * of 2 s (2 work each: 1 s a work, twice the pre-finetuning's), the last ending at 39 s; seed 2
     * starts at 42 s: 12 s less 8 in epochs is 2 epochs more. The finetuning weight, the
     * pre-finetuning's pace counting as one unit of 40 work more, is (8 / 0.5 + 40) / (8 + 40) =
     * 7 / 6. Run so far: 60 + 2 x 7 / 6 x (4 + 2) = 74 in 42 s; finetuning runs train 4 / 10 of the
     * limit, so the 5 left are 5 x 2 x 7 / 6 x (4 + 2) = 70 work, 39.7 s (on seed 1's pace alone,
     * weight 2: 84 in 42 s, 120 left, 60 s, 12 s a run as seed 1 took; counting epochs only: 58
     * work in 42 s, 5 x 4 x 2 = 40 left, 28.97 s).
     */
    @Test
    void aRunsTimeOutsideItsEpochsAndAFinetuningEpochsPaceAreLearnedFromTheRunsThatEnded(@TempDir Path out)
            throws IOException {
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(out, 4, now::get, SHAPE, PLAN, 1);
        Function<String, TrainingListener> runs = listeners(s, now);
        prefinetuneFor5Epochs(out, runs, now, 1);
        now.set(30_000_000_000L);
        TrainingListener seed1 = runs.apply("SL → a seed 1 lr 0.003");
        assertEquals("run: 1/4 units done, 3 left | elapsed 00:00:30 | ETA 00:01:06", s.line());
        epochs(seed1, now, 31, 2, 0, 4);
        trial(out, "run-SL-a-seed1", 4);
        now.set(42_000_000_000L);
        runs.apply("SL → a seed 2 lr 0.003");
        assertEquals("run: 1/4 units done, 3 left | elapsed 00:00:42 | ETA 00:00:39", s.line());
    }

    /**
     * What a finetuning run takes outside its epochs (loading the encoder, the last prediction,
     * saving) is much the same whatever its target's size, so a small target's first run does not
     * set it, in its own short epochs, for a target ten times the size. The plan: the
     * pre-finetuning unit of 100 (10 an epoch), targets a and c of 40 (2 an epoch) and b of 400 (20
     * an epoch), two seeds each, 10 epochs at most. Every run takes 1 s a work in its epochs and
     * stops at 4. The pre-finetuning trains 5 epochs of 10 s from 0 s, and a's seed 1 starts at 54
     * s: 4 s outside 50 s of epochs, 0.4 of its 10-work epochs, 4 work; 54 work in 54 s. No
     * finetuning run has ended, so each is expected at its limit and, as the pre-finetuning, 0.4
     * epochs outside: (2 + 20 + 2) x 2 x 10.4 = 499.2 left, 8:19. Seed 1 trains from 57 s to
     * 65 s and seed 2 starts at 68 s: 6 s outside 8 s of epochs, 3 of its 2-work epochs, 6 work.
     * The finetuning weight is 1 (8 s for 8 work). Run so far: 50 + 4 + 8 + 6 = 68 work in 68 s.
     * Left, each run at 4 / 10 of its limit and 6 work outside: a's seed 2, 4 x 2 + 6 = 14; b's
     * two, 2 x (4 x 20 + 6) = 172; c's two, 28: 214 work, 214 s, the time the runs left take (3
     * epochs outside a run of b, 3 x 20 = 60 work, made b's two 280 and the ETA 322 s). When a's
     * seed 2 ends alike and b's seed 1 starts at 82 s: 82 in 82 s, 172 + 28 = 200 left, 200 s;
     * when b's seed 1 (6 s outside its 80 s of epochs) ends and seed 2 starts at 168 s: 86 + 28 =
     * 114 left, 114 s; at c's seed 1's start, 254 s, 28 s; at c's seed 2's, 268 s, 14 s. The run
     * ends at 282 s: each ETA is the time left.
     */
    @Test
    void aRunsTimeOutsideItsEpochsIsNotScaledByItsTargetsSize(@TempDir Path out) throws IOException {
        List<PlannedWork.Unit> plan = List.of(PLAN.get(0), finetuning("a"),
                new PlannedWork.Unit("run-SL-b", "SL → b seed ", 400,
                        List.of(Path.of("finetune", "run-SL-b-seed1"), Path.of("finetune", "run-SL-b-seed2"))),
                finetuning("c"));
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(out, 4, now::get, SHAPE, plan, 1);
        Function<String, TrainingListener> runs = listeners(s, now);
        prefinetuneFor5Epochs(out, runs, now, 0, 10);
        List<String> lines = new ArrayList<>();
        int start = 54;
        for (String target : List.of("a", "b", "c")) {
            int epochSeconds = target.equals("b") ? 20 : 2;
            for (int seed = 1; seed <= 2; seed++) {
                now.set(start * 1_000_000_000L);
                TrainingListener run = runs.apply("SL → " + target + " seed " + seed + " lr 0.003");
                lines.add(s.line());
                epochs(run, now, start + 3, epochSeconds, 0, 4);
                trial(out, "run-SL-" + target + "-seed" + seed, 4);
                start += 3 + 4 * epochSeconds + 3;
            }
            record(out, "run-SL-" + target);
        }
        assertEquals(282, start, "the run's end");
        assertEquals(List.of("run: 1/4 units done, 3 left | elapsed 00:00:54 | ETA 00:08:19",
                "run: 1/4 units done, 3 left | elapsed 00:01:08 | ETA 00:03:34",
                "run: 2/4 units done, 2 left | elapsed 00:01:22 | ETA 00:03:20",
                "run: 2/4 units done, 2 left | elapsed 00:02:48 | ETA 00:01:54",
                "run: 3/4 units done, 1 left | elapsed 00:04:14 | ETA 00:00:28",
                "run: 3/4 units done, 1 left | elapsed 00:04:28 | ETA 00:00:14"), lines);
    }

    /**
     * The finetuning weight is learned with the pre-finetuning's pace counting as one finetuning
     * unit more (40 work: a unit's 2 runs x 10 epochs x 2, the patience unknown), so that the
     * first finetuning runs of a process, which warm up, do not set the pace of every run left.
     * The pre-finetuning trains 5 epochs of 5 s from 0 s (10 work each: 0.5 s a work) and target
     * a's seed 1 starts at 25 s: nothing outside the epochs. Seed 1 warms up: 4 epochs of 4 s (2
     * work each: 2 s a work), seed 2 starting at 41 s. The weight is (16 / 0.5 + 40) / (8 + 40) =
     * 1.5; run are 50 + 2 x 1.5 x 4 = 62 in 41 s, and the 5 runs left, each expected to train the
     * 4 / 10 of its limit that seed 1 did, 5 x 2 x 1.5 x 4 = 60: 39.7 s (seed 1 alone made the
     * weight 4 and the ETA 41 / 82 x 160 = 80 s). Seed 2 trains 4 epochs of 1 s, at the
     * pre-finetuning's pace, and b's seed 1 starts at 45 s: the weight is (20 / 0.5 + 40) / (16 +
     * 40) = 10 / 7; run are 50 + 2 x 10 / 7 x 8 = 72.86 in 45 s, and b's and c's 4 runs left 4 x 2
     * x 10 / 7 x 4 = 45.71: 28.2 s (the two runs alone, weight 2.5: 45 / 90 x 80 = 40 s; at the
     * pace seed 2 trained, the runs left take 16 s).
     */
    @Test
    void theFirstFinetuningRunsDoNotSetTheFinetuningPaceAlone(@TempDir Path out) throws IOException {
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(out, 4, now::get, SHAPE, PLAN, 1);
        Function<String, TrainingListener> runs = listeners(s, now);
        prefinetuneFor5Epochs(out, runs, now, 0);
        epochs(runs.apply("SL → a seed 1 lr 0.003"), now, 25, 4, 0, 4);
        trial(out, "run-SL-a-seed1", 4);
        TrainingListener seed2 = runs.apply("SL → a seed 2 lr 0.003");
        assertEquals("run: 1/4 units done, 3 left | elapsed 00:00:41 | ETA 00:00:39", s.line());
        epochs(seed2, now, 41, 1, 0, 4);
        trial(out, "run-SL-a-seed2", 4);
        record(out, "run-SL-a");
        runs.apply("SL → b seed 1 lr 0.003");
        assertEquals("run: 2/4 units done, 2 left | elapsed 00:00:45 | ETA 00:00:28", s.line());
    }

    /**
     * Without the plan's units there is no finetuning unit to weigh the prior by: the weight stays
     * 1, as before a finetuning run has ended, where 0 work over 0 made it NaN and the ETA 0. One
     * pre-finetuning run of 4 epochs of 30 s makes the first of 4 units (1 work, by the unit), its
     * record there at 120 s; a finetuning run then starts, and at 150 s it is 2 of its 4 epochs in:
     * 1 + 2 / 4 = 1.5 units in 150 s, 100 s a unit, times the 3 - 0.5 = 2.5 left, 250 s.
     */
    @Test
    void withoutThePlansUnitsTheFinetuningWeightStaysOne(@TempDir Path out) throws IOException {
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(out, 4, now::get, new RunStatus.Shape(1, 4, 1, 4));
        Function<String, TrainingListener> runs = listeners(s, now);
        epochs(runs.apply("pre-finetune SL lr 0.001"), now, 0, 30, 0, 4);
        record(out, "prefinetune-SL");
        runs.apply("SL → a seed 1 lr 0.003");
        now.set(150_000_000_000L);
        s.steps(2, 0, 1);
        assertEquals("run: 1/4 units done, 3 left | elapsed 00:02:30 | ETA 00:04:10", s.line());
    }

    /**
     * A pre-finetuning run resumed from its checkpoint after 3 epochs: its progress and its record
     * count those epochs as trained, but they were not trained here. It trains its 4th epoch from
     * 0 s to 5 s: 1 epoch of 10 work here, 0.5 s a work; left are its 6 epochs, 60, and the 6
     * finetuning runs at their limit, 120: 90 s (counting the 4 epochs as run here: 40 in 5 s,
     * 22.5 s). It stops after 6 epochs at 15 s, and the next run starts then: 30 run here in 15 s,
     * the 120 left take 60 s (counting its record's 6 epochs as run here: 60 in 15 s, 30 s).
     */
    @Test
    void aResumedRunsEpochsBeforeTheRestartAreNotCountedAsRunHere(@TempDir Path out) throws IOException {
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(out, 4, now::get, SHAPE, PLAN, 1);
        Function<String, TrainingListener> runs = listeners(s, now);
        TrainingListener resumed = runs.apply("pre-finetune SL lr 0.001");
        epochs(resumed, now, 0, 5, 3, 4);
        assertEquals("run: 0/4 units done, 4 left | elapsed 00:00:05 | ETA 00:01:30", s.line());
        epochs(resumed, now, 5, 5, 4, 6);
        history(out, "SL", 6);
        record(out, "prefinetune-SL");
        runs.apply("SL → a seed 1 lr 0.003");
        assertEquals("run: 1/4 units done, 3 left | elapsed 00:00:15 | ETA 00:01:00", s.line());
    }

    /**
     * A pre-finetuning run killed during its last prediction or save resumes from its final
     * checkpoint, after its 6 epochs: the trainer reports those epochs restored and trains none, so
     * the run sends no step report. It ends at 2 s with its record of 6 epochs, none run here: the
     * pace is unknown. Target a's seed 1 then trains 4 epochs of 2 s from 2 s to 10 s: 8 work run
     * here in 10 s, 1.25 s a work; finetuning runs train 4 / 10 of the limit, so the 5 left are 5 x
     * 4 x 2 = 40 work, 50 s (counting the record's 6 epochs as run here: 68 in 10 s, 5.9 s).
     */
    @Test
    void aRunResumedFromItsFinalCheckpointCountsNoneOfItsEpochsAsRunHere(@TempDir Path out) throws IOException {
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(out, 4, now::get, SHAPE, PLAN, 1);
        Function<String, TrainingListener> runs = listeners(s, now);
        runs.apply("pre-finetune SL lr 0.001").onResume(6);
        now.set(2_000_000_000L);
        history(out, "SL", 6);
        record(out, "prefinetune-SL");
        TrainingListener seed1 = runs.apply("SL → a seed 1 lr 0.003");
        assertEquals("run: 1/4 units done, 3 left | elapsed 00:00:02 | ETA --:--", s.line());
        epochs(seed1, now, 2, 2, 0, 4);
        trial(out, "run-SL-a-seed1", 4);
        runs.apply("SL → a seed 2 lr 0.003");
        assertEquals("run: 1/4 units done, 3 left | elapsed 00:00:10 | ETA 00:00:50", s.line());
    }

    /**
     * With the patience known, a run of a kind none of which has ended is expected to stop halfway
     * between the earliest epoch the patience allows and its limit: patience 3, limit 10, (4 + 10)
     * / 2 = 7 epochs. That prior counts as one ended run more. The pre-finetuning stops at 5 of its
     * 10 epochs at 50 s: 50 work in 50 s; its kind's share is (7 + 5) / 20 = 0.6, and the 6
     * finetuning runs are expected to train 7 epochs: 6 x 7 x 2 = 84 left, 84 s (at the limit, 120
     * s). Target a's seed 1 stops at 4 epochs at 58 s: 58 in 58 s, and finetuning runs are expected
     * to train (7 + 4) / 20 of the limit, 5.5 epochs, a's seed 2 (5.5 + 4) / 20 of it, 4.75: 4 x
     * 5.5 x 2 + 4.75 x 2 = 53.5 s (every run at 5.5 epochs, 55 s; on the one run alone, 40 s).
     */
    @Test
    void beforeARunOfItsKindEndsARunIsExpectedToStopHalfwayFromItsPatienceToItsLimit(@TempDir Path out)
            throws IOException {
        RunStatus.Shape shape = new RunStatus.Shape(1, 10, 2, 10, 3);
        assertEquals(0.7, shape.priorShare(10), 1e-12);
        // the earliest stop is the limit itself when the patience reaches it
        assertEquals(1.0, shape.priorShare(4), 1e-12);
        assertEquals(1.0, SHAPE.priorShare(10), 1e-12);
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(out, 4, now::get, shape, PLAN, 1);
        assertEquals(List.of("run: 1/4 units done, 3 left | elapsed 00:00:50 | ETA 00:01:24",
                "run: 1/4 units done, 3 left | elapsed 00:00:58 | ETA 00:00:53"), preAt5ThenSeed1At4(out, s, now));
    }

    /**
     * The pre-finetuning stops at 5 of its epochs at 50 s and target a's seed 1 starts; seed 1
     * stops at 4 epochs at 58 s and seed 2 starts.
     *
     * @return the status line after each start
     */
    private static List<String> preAt5ThenSeed1At4(Path out, RunStatus s, AtomicLong now) throws IOException {
        s.runStarted("pre-finetune SL lr 0.001");
        now.set(50_000_000_000L);
        s.steps(5, 0, 1);
        history(out, "SL", 5);
        record(out, "prefinetune-SL");
        s.runStarted("SL → a seed 1 lr 0.003");
        String first = s.line();
        now.set(58_000_000_000L);
        s.steps(4, 0, 1);
        trial(out, "run-SL-a-seed1", 4);
        s.runStarted("SL → a seed 2 lr 0.003");
        return List.of(first, s.line());
    }

    /**
     * The pre-finetuning run trains 5 epochs of 5 s (10 work each), the first beginning at {@code
     * startSeconds}, and leaves its history and its unit's record.
     */
    private static void prefinetuneFor5Epochs(Path out, Function<String, TrainingListener> runs, AtomicLong now,
            int startSeconds) throws IOException {
        prefinetuneFor5Epochs(out, runs, now, startSeconds, 5);
    }

    /** {@link #prefinetuneFor5Epochs(Path, Function, AtomicLong, int)} with epochs of {@code epochSeconds}. */
    private static void prefinetuneFor5Epochs(Path out, Function<String, TrainingListener> runs, AtomicLong now,
            int startSeconds, int epochSeconds) throws IOException {
        epochs(runs.apply("pre-finetune SL lr 0.001"), now, startSeconds, epochSeconds, 0, 5);
        history(out, "SL", 5);
        record(out, "prefinetune-SL");
    }

    /** The grid's listeners of a run status, drawing on a console nobody reads. */
    private static Function<String, TrainingListener> listeners(RunStatus s, AtomicLong now) {
        ConsoleProgress bar = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                false, now::get);
        return TrainingProgress.withStatus(bar, s);
    }

    /**
     * Drives a run's listener through its epochs {@code from} (0, or where it resumed) to {@code
     * to} (exclusive), the first beginning at {@code startSeconds}, each taking {@code epochSeconds}:
     * one step report and one epoch report per epoch, the clock at each epoch's end.
     */
    private static void epochs(TrainingListener run, AtomicLong now, int startSeconds, int epochSeconds, int from, int to) {
        for (int epoch = from; epoch < to; epoch++) {
            now.set((startSeconds + (long) epochSeconds * (epoch - from + 1)) * 1_000_000_000L);
            run.onSteps(new StepReport(epoch, 1, 1, epoch + 1, 0.5, 1e-3, 100, epochSeconds));
            run.onEpoch(new EpochReport(epoch, List.of(0.4), 0.4, true, epochSeconds, 100));
        }
    }

    /** A pre-finetuning run's history, {@code epochs} entries trained. */
    static Path history(Path out, String setting, int epochs) throws IOException {
        Path lr = Files.createDirectories(out.resolve("prefinetune").resolve(setting).resolve("lr-1e-03"));
        return Files.writeString(lr.resolve("history.json"), "{\"learningRate\": 0.001, \"epochs\": [" + "{}, ".repeat(epochs - 1)
                + "{}]}");
    }

    /** A finetuning run's scores, {@code epochs} validation losses. */
    static Path trial(Path out, String folder, int epochs) throws IOException {
        Path dir = Files.createDirectories(out.resolve("finetune").resolve(folder));
        return Files.writeString(dir.resolve("lr-3e-03.json"), "{\"learningRate\": 0.003, \"validationLosses\": ["
                + "0.5, ".repeat(epochs - 1) + "0.5]}");
    }

    /** A unit's record: it has ended. */
    static Path record(Path out, String id) throws IOException {
        return Files.writeString(Files.createDirectories(out.resolve("records")).resolve(id + ".jsonl"), "{}\n");
    }
}
