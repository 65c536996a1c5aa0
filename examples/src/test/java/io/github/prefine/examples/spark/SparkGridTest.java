package io.github.prefine.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.grid.FinetuningUnit;
import io.github.prefine.core.grid.Grid;
import io.github.prefine.core.grid.GridSession;
import io.github.prefine.core.testing.ChildProcesses;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grid on Spark in local mode ({@code local[2,2]}, each task retried once): the demo's synthetic
 * grid gives the local demo's records, a unit killed mid-run is retried (from its pushed
 * checkpoint, on a mirrored folder) to the same records, a
 * second submit runs nothing, a second attempt of a unit on a shared folder waits for the live
 * first one and reads the unit back, and bad input is one line with exit 2.
 *
 * <p>The grid is the demo's cut down ({@link SmallGrid}): the baseline and the setting C, one target,
 * smaller splits, three units in all, where the whole demo has 55; each property needs no more.
 * One Spark run on a folder used in place and one on a mirrored folder (with a unit killed mid-run)
 * are made once; the cases that start from a finished run work on copies of them. The mirrored run
 * is itself forced over a copy of the first whose run.json names another run, so that it also shows
 * a forced run starting anew.
 */
class SparkGridTest {
    /** Small enough for CI, with two pre-finetuning epochs so that a unit can be killed between them. */
    private static final String[] DEMO = {"demo", "--seeds", "1", "--epochs", "2", "--target-epochs", "2"};

    /** A lease that expires after ten heartbeats of 200 ms, for tests that wait out an expiry. */
    private static final UnitLease.Timing FAST_LEASE = new UnitLease.Timing(java.time.Duration.ofMillis(200),
            java.time.Duration.ofSeconds(2));

    /** The unit of the mirrored run whose first attempt is killed after its first epoch's checkpoint. */
    private static final String KILLED = "prefinetune-Only-C-lr-1e-03";

    private static JavaSparkContext spark;

    @TempDir
    static Path dir;

    private static Map<String, List<String>> local;
    /** The first submit on the folder used in place ({@code direct}), made once for the cases that read it. */
    private static SparkGrid.Outcome direct;
    /**
     * The first submit on the mirrored folder ({@code mirrored}), whose pre-finetuning unit is killed
     * once: forced, over a copy of the direct run whose run.json names other seeds.
     */
    private static SparkGrid.Outcome mirrored;
    /** The epochs the killed unit's retry trained. */
    private static List<Integer> epochsOfRetry;

    @BeforeAll
    static void start() throws IOException {
        // first: the context would fail on a Java where Spark cannot start
        SparkAssumptions.assumeSparkStartsHere(SparkGridTest.class);
        SparkArgs.narrowGrid = SmallGrid.ONE_TARGET;
        Path out = dir.resolve("local");
        runLocally(with(DEMO, "--out", out.toString()));
        local = records(out);
        spark = new JavaSparkContext(new SparkConf().setMaster("local[2,2]").setAppName("prefine-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.local.dir", dir.resolve("spark-local").toString()));
        // checked by the cases, which copy the finished folders
        direct = submitFailing(with(DEMO, "--out", dir.resolve("direct").toString()));
        // another run: the finished direct run, whose run.json says it had other seeds. Its files are
        // this run's, so only a folder cleared for real by --force trains every unit again
        Path other = copyOf("direct", "mirrored");
        JsonObject manifest = JsonParser.parseString(Files.readString(other.resolve("run.json"))).getAsJsonObject();
        manifest.getAsJsonObject("fingerprint").getAsJsonObject("grid").addProperty("seeds", "[7]");
        Files.writeString(other.resolve("run.json"), manifest.toString());
        spark.setLocalProperty(SparkGrid.MIRROR, "always");
        spark.setLocalProperty(SparkGrid.FAIL_FIRST_ATTEMPT_OF, KILLED);
        UnitTask.EPOCHS_OF_RETRY.clear();
        try {
            mirrored = submitFailing(with(DEMO, "--force", "--out", other.toUri().toString()));
        } finally {
            spark.setLocalProperty(SparkGrid.MIRROR, null);
            spark.setLocalProperty(SparkGrid.FAIL_FIRST_ATTEMPT_OF, null);
        }
        epochsOfRetry = List.copyOf(UnitTask.EPOCHS_OF_RETRY);
    }

    /** Back to the class's grid after a case that cut it otherwise. */
    @AfterEach
    void oneTargetAgain() {
        SparkArgs.narrowGrid = SmallGrid.ONE_TARGET;
    }

    @AfterAll
    static void stop() {
        SparkArgs.narrowGrid = null;
        if (spark != null) {
            spark.close();
        }
    }

    /** Runs a demo line's grid here, without Spark, as the local demo does (its tables do not depend on the workers). */
    private static void runLocally(String... line) throws IOException {
        SparkArgs args = SparkArgs.parse(line);
        Path out = Path.of(args.out());
        args.local(out, null).grid(Device.cpu()).build().run();
    }

    /** A copy of a finished run's folder: its run.json names no folder, so the copy holds the same run. */
    private static Path copyOf(String run, String name) throws IOException {
        Path from = dir.resolve(run);
        Path to = dir.resolve(name);
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
        return to;
    }

    @Test
    void theDemoOnSparkGivesTheLocalRecordsAndASecondSubmitRunsNothing() throws IOException {
        // submitted once, before the cases (start), as others start from a copy of the folder
        Path out = dir.resolve("direct");
        SparkGrid.Outcome first = direct;
        assertEquals(0, first.exitCode());
        assertEquals(3, first.unitsRun(), "every unit ran as a Spark task: pre-finetuning C, then each setting's target");
        assertEquals(local, records(out));
        for (String f : List.of("table1.csv", "table2.csv", "results.jsonl", "run.json")) {
            assertTrue(Files.exists(out.resolve(f)), f + " is written by the driver");
        }
        SparkGrid.Outcome second = submit(with(DEMO, "--out", out.toString()));
        assertEquals(0, second.exitCode());
        assertEquals(0, second.unitsRun(), "a second submit on the same --out runs no unit");
        assertEquals(0, second.summary().sweepsRun());
        assertEquals(first.summary().sweepsRun(), second.summary().sweepsSkipped());
        assertEquals(local, records(out));
    }

    /**
     * The driver finishes each sweep under the sweep's lock, as a local run does: the temp files a
     * driver killed while it wrote a sweep's record and choice left beside them ({@code
     * .NAME.RANDOM.tmp}, as every whole-file write names them; the sweep then has no record) are
     * deleted when the next submit finishes the sweep, instead of waiting for the session's
     * hour-old rule. Its units are done, so no task runs.
     */
    @Test
    void theTempFilesADriverKilledMidWriteLeftAreDeletedByTheNextSubmit() throws IOException {
        Path out = copyOf("direct", "killed-driver");
        String id;
        try (Stream<Path> s = Files.list(out.resolve("records"))) {
            id = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("run-Baseline-") && n.endsWith(".jsonl"))
                    .sorted().findFirst().orElseThrow().replace(".jsonl", "");
        }
        Path record = out.resolve("records").resolve(id + ".jsonl");
        Path choice = out.resolve("finetune").resolve(id + ".json");
        Files.delete(record);
        Files.delete(choice);
        List<Path> cut = List.of(record.resolveSibling("." + id + ".jsonl.k1ll3d.tmp"),
                choice.resolveSibling("." + id + ".json.k1ll3d.tmp"));
        for (Path temp : cut) {
            Files.writeString(temp, "{\"kind\":");
        }
        SparkGrid.Outcome again = submit(with(DEMO, "--out", out.toString()));
        assertEquals(0, again.unitsRun(), "the sweep's units are done");
        assertEquals(1, again.summary().sweepsRun(), "the cut sweep is finished again");
        for (Path temp : cut) {
            assertFalse(Files.exists(temp), temp + " is deleted by the driver that finishes its sweep");
        }
        assertTrue(Files.exists(choice));
        assertEquals(local, records(out));
    }

    @Test
    void aMirroredFolderWithAUnitKilledMidRunGivesTheSameRecords() throws IOException {
        // submitted once, before the cases (start), as others start from a copy of the folder
        Path out = dir.resolve("mirrored");
        assertEquals(0, mirrored.exitCode());
        assertEquals(local, records(out), "the retried unit and the pushed files give the local records");
        // the killed attempt's local files were wiped, as on a lost executor: the retry resumed from
        // the checkpoint pushed after epoch 1 and trained epoch 2 (index 1) only
        assertEquals(List.of(1), epochsOfRetry, "epochs the retry trained");
        // once units are done, a mirrored folder holds only what later steps need: no checkpoints,
        // no temporary files
        try (Stream<Path> s = Files.walk(out)) {
            List<String> names = s.map(p -> out.relativize(p).toString()).toList();
            assertFalse(names.stream().anyMatch(n -> n.contains("checkpoints") || n.endsWith(".tmp")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.endsWith("encoder/model.safetensors")), "the winners' encoders are pushed");
        }
    }

    /**
     * A failed sweep whose marker is deleted, as the summary says to run it again, trains again on a
     * mirrored folder too: the driver deletes from the folder the diverged runs its session forgot
     * on marking the sweep, which the sweep's units would otherwise find done there and read back,
     * failing it again untrained. 1e300 is infinite in float32: every pre-finetuning run (one rate,
     * so one unit per sweep) diverges.
     */
    @Test
    void aDivergedSweepWhoseMarkerIsDeletedTrainsAgainOnAMirroredFolder() throws IOException {
        Path out = dir.resolve("diverged");
        String[] line = with(DEMO, "--out", out.toUri().toString(), "--lr", "1e300");
        spark.setLocalProperty(SparkGrid.MIRROR, "always");
        try {
            assertEquals(io.github.prefine.examples.cli.CliErrors.SWEEPS_FAILED, submitFailing(line).exitCode());
            List<Path> markers;
            try (Stream<Path> s = Files.list(out.resolve("records"))) {
                markers = s.filter(p -> p.getFileName().toString().startsWith("prefinetune-")
                        && p.getFileName().toString().endsWith(".failed")).toList();
            }
            assertFalse(markers.isEmpty(), "the pre-finetuning sweeps failed");
            for (Path m : markers) {
                Files.delete(m);
            }
            SparkGrid.Outcome again = submitFailing(line);
            assertEquals(markers.size(), again.unitsRun(), "each failed sweep's unit is trained again, not read back");
            assertEquals(io.github.prefine.examples.cli.CliErrors.SWEEPS_FAILED, again.exitCode());
        } finally {
            spark.setLocalProperty(SparkGrid.MIRROR, null);
        }
    }

    /**
     * A finetuning sweep marked failed because its setting's pre-finetuning failed, whose setting is
     * pre-finetuned since (its marker is stale), runs and is recorded, and its marker is gone from
     * the mirrored folder too: it was deleted from the driver's copy only, so every later submit
     * pulled it back beside the sweep's record (the status line counted the sweep as failed).
     */
    @Test
    void aStaleNoEncoderMarkerIsDeletedFromAMirroredFolderOnceItsSweepIsRecorded() throws IOException {
        Path out = copyOf("mirrored", "stale-marker");
        String[] line = with(DEMO, "--out", out.toUri().toString());
        spark.setLocalProperty(SparkGrid.MIRROR, "always");
        try {
            Path record;
            try (Stream<Path> s = Files.list(out.resolve("records"))) {
                record = s.filter(p -> p.getFileName().toString().startsWith("run-")
                        && !p.getFileName().toString().startsWith("run-Baseline-")).sorted().findFirst().orElseThrow();
            }
            String recorded = Files.readString(record);
            String setting = JsonParser.parseString(recorded.lines().findFirst().orElseThrow()).getAsJsonObject()
                    .get("setting").getAsString();
            String name = record.getFileName().toString();
            Path marker = record.resolveSibling(name.substring(0, name.length() - ".jsonl".length()) + ".failed");
            // what an earlier try left, whose pre-finetuning failed and ran again after its marker was deleted
            Files.delete(record);
            Files.writeString(marker, "setting " + setting + " has no encoder: its pre-finetuning failed\n");

            SparkGrid.Outcome again = submit(line);
            assertEquals(0, again.unitsRun(), "the sweep's runs are read back, not trained again");
            assertEquals(recorded, Files.readString(record));
            assertFalse(Files.exists(marker), "the stale marker is gone from the folder");
        } finally {
            spark.setLocalProperty(SparkGrid.MIRROR, null);
        }
    }

    /**
     * A driver killed while marking a sweep failed on a mirrored folder, between deleting its
     * diverged runs there and pushing its marker: deleting the marker (if any) trains the sweep
     * again. With the marker pushed first, the kill left it and the runs, which read back failed the
     * sweep again untrained. 1e300 is infinite in float32: every finetuning run diverges, and the
     * sweep killed has one unit (one rate, one seed); every other unit ran before the kill.
     */
    @Test
    void aDriverKilledMarkingASweepFailedLeavesItToTrainAgain() throws IOException {
        Path out = dir.resolve("killed-marking");
        String[] line = with(DEMO, "--out", out.toUri().toString(), "--target-lr", "1e300");
        String sweep = local.keySet().stream().filter(n -> n.startsWith("run-Baseline-")).findFirst().orElseThrow()
                .replace(".jsonl", "");
        spark.setLocalProperty(SparkGrid.MIRROR, "always");
        spark.setLocalProperty(SparkGrid.KILL_MARKING_FAILED, sweep);
        try {
            // the kill is an I/O failure: exit 2, as a lost folder's is
            assertEquals(io.github.prefine.examples.cli.CliErrors.BAD_INPUT, submitFailing(line).exitCode());
            spark.setLocalProperty(SparkGrid.KILL_MARKING_FAILED, null);
            // as the summary says: delete the marker, if the kill left one, to run the sweep again
            Files.deleteIfExists(out.resolve("records").resolve(sweep + ".failed"));
            SparkGrid.Outcome again = submitFailing(line);
            assertEquals(1, again.unitsRun(), "the killed sweep's unit is trained again, not read back");
            assertEquals(io.github.prefine.examples.cli.CliErrors.SWEEPS_FAILED, again.exitCode());
        } finally {
            spark.setLocalProperty(SparkGrid.KILL_MARKING_FAILED, null);
            spark.setLocalProperty(SparkGrid.MIRROR, null);
        }
    }

    /**
     * A unit that fails on every attempt Spark allows (here its checkpoint pointer names a checkpoint
     * that is not there, as a store that lost it leaves it) no longer keeps the stage's other sweeps
     * from being written up: their records, results and tables are there, the failed unit is named
     * with its attempts and last error, its sweep and the sweeps that need its encoder wait, and the
     * next submit runs only the units that are missing, to the local run's records.
     */
    @Test
    void aUnitFailingEveryAttemptLeavesTheOtherSweepsWrittenUpAndTheNextSubmitRunsOnlyWhatIsMissing() throws IOException {
        Path out = dir.resolve("failed-unit").toAbsolutePath();
        String[] argv = with(DEMO, "--out", out.toUri().toString());
        SparkArgs args = SparkArgs.parse(argv);
        String id = KILLED;
        io.github.prefine.core.grid.PrefinetuningUnit unit;
        Path latest;
        int waiting;
        try (GridSession driver = args.local(out, null).grid(Device.cpu()).build().open()) {
            unit = driver.plan().units().stream().filter(u -> u.id().equals(id))
                    .map(io.github.prefine.core.grid.PrefinetuningUnit.class::cast).findFirst().orElseThrow();
            latest = args.local(out, null).grid(Device.cpu()).build().layout().checkpoints(unit)
                    .resolve(io.github.prefine.core.train.internal.CheckpointStore.LATEST);
            waiting = (int) driver.plan().units().stream()
                    .filter(u -> u instanceof FinetuningUnit f && f.setting().equals(unit.setting())).count();
        }
        assertTrue(waiting > 0, "finetuning units need the setting's encoder");
        Files.createDirectories(latest.getParent());
        Files.writeString(latest, "ckpt-lost\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        SparkGrid.Outcome first;
        spark.setLocalProperty(SparkGrid.MIRROR, "always");
        try {
            first = SparkGrid.run(spark, new PrintStream(summary, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), argv);
        } finally {
            spark.setLocalProperty(SparkGrid.MIRROR, null);
        }
        String line = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, first.exitCode(), line);
        assertEquals(1, line.strip().lines().count(), "one line: " + line);
        // local[2,2]: Spark allows each task two attempts
        String missing = "names checkpoint 'ckpt-lost', which does not exist";
        assertTrue(line.contains("unit " + id + " failed on all 2 attempts"), line);
        assertTrue(line.contains(missing), "the last error: " + line);
        assertTrue(line.contains("submit again"), "how to retry: " + line);
        assertEquals(1, first.failedUnits().size(), first.failedUnits().toString());
        SparkGrid.FailedUnit failed = first.failedUnits().get(0);
        assertEquals(id, failed.unit());
        assertEquals(2, failed.attempts());
        assertTrue(failed.lastError().contains(missing), failed.lastError());
        // its last attempt reported the failure itself, naming where it ran: thrown to Spark, it
        // would have aborted the stage, cutting off every other unit of it
        assertTrue(failed.where().startsWith("process "), failed.where());
        assertTrue(summary.toString(StandardCharsets.UTF_8).contains(id), "the summary names the unit");
        // every sweep but the failed unit's, and those that need its setting's encoder, as the local run wrote it
        String setting = unit.setting().fileName();
        Map<String, List<String>> written = new TreeMap<>(local);
        written.keySet().removeIf(n -> n.startsWith("prefinetune-" + setting + ".") || n.startsWith("run-" + setting + "-"));
        assertTrue(written.size() < local.size() && !written.isEmpty(), written.keySet().toString());
        assertEquals(written, records(out));
        for (String f : List.of("table1.csv", "table2.csv", "results.jsonl")) {
            assertTrue(Files.exists(out.resolve(f)), f + " is written for the finished sweeps");
        }
        assertEquals(written.values().stream().mapToInt(List::size).sum(), Files.readAllLines(out.resolve("results.jsonl"))
                .size(), "results.jsonl holds the written sweeps' records");
        // the cause removed, the next submit runs only what is missing
        Files.delete(latest);
        Files.deleteIfExists(latest.resolveSibling("." + latest.getFileName() + ".crc"));
        spark.setLocalProperty(SparkGrid.MIRROR, "always");
        SparkGrid.Outcome again;
        try {
            again = submit(argv);
        } finally {
            spark.setLocalProperty(SparkGrid.MIRROR, null);
        }
        assertEquals(1 + waiting, again.unitsRun(), "the failed unit and the units that waited for its encoder");
        assertEquals(List.of(), again.failedUnits());
        assertEquals(local, records(out));
    }

    /**
     * A driver that died after the sweeps were done but before it wrote the reports (or in stage
     * two, after stage one) leaves a mirrored folder whose sweeps the next driver skips: that
     * driver starts with an empty local copy, yet its reports and summary must be the folder's,
     * the training curves of every pre-finetuned setting and the skipped steps of every run.
     */
    @Test
    void aNewDriverOnAMirroredFolderReportsTheSweepsAnEarlierOneDid() throws IOException {
        // the earlier driver's finished run
        Path out = copyOf("mirrored", "new-driver");
        spark.setLocalProperty(SparkGrid.MIRROR, "always");
        try {
            List<String> curves;
            try (Stream<Path> s = Files.list(dir.resolve("local"))) {
                curves = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("curves-")).sorted().toList();
            }
            assertFalse(curves.isEmpty(), "the local demo draws each setting's curves");
            for (String c : curves) {
                Files.delete(out.resolve(c));
            }
            // one finetuning run that (under fp16-mixed) skipped 3 steps: the folder's only count
            Path trial;
            try (Stream<Path> s = Files.walk(out.resolve("finetune"))) {
                trial = s.filter(p -> p.getFileName().toString().startsWith("lr-")).sorted().findFirst().orElseThrow();
            }
            JsonObject o = JsonParser.parseString(Files.readString(trial)).getAsJsonObject();
            o.addProperty("skippedSteps", 3);
            Files.writeString(trial, o.toString());
            // as rewritten through Hadoop's local file system, whose checksum of the old text would refuse it
            Files.deleteIfExists(trial.resolveSibling("." + trial.getFileName() + ".crc"));
            // the next driver is a new application: its local copy starts empty
            io.github.prefine.core.checkpoint.AtomicFiles.deleteTree(Path.of(org.apache.spark.SparkFiles.getRootDirectory()).resolve("prefine-driver"));
            SparkGrid.Outcome again = submit(with(DEMO, "--out", out.toUri().toString()));
            assertEquals(0, again.unitsRun(), "every unit is done");
            for (String c : curves) {
                assertTrue(Files.exists(out.resolve(c)), c + " is drawn again from the setting's result.json");
            }
            assertEquals(new io.github.prefine.core.grid.SkippedSteps(1, 1, 3, 3), again.summary().skippedSteps(),
                    "the summary counts the runs of sweeps an earlier driver did");
        } finally {
            spark.setLocalProperty(SparkGrid.MIRROR, null);
        }
        assertEquals(local, records(out));
    }

    @Test
    void aForcedRunOnAMirroredFolderHoldingAnotherRunStartsAnew() throws IOException {
        // docs/spark.md: --force starts anew; mirrored, the folder itself must be cleared, not only its copy.
        // Submitted once, before the cases (start): the mirrored run is forced over a copy of the
        // direct run whose run.json names other seeds
        assertEquals(0, mirrored.exitCode());
        assertEquals(3, mirrored.unitsRun(), "every unit trained anew");
        assertEquals(local, records(dir.resolve("mirrored")), "the records of a fresh run with these options");
    }

    @Test
    void aSecondAttemptOnASharedFolderWaitsForTheLiveOneAndReadsItsUnitBack() throws Exception {
        // a speculative copy, or a retry while the attempt Spark gave up on still runs, on a shared --out
        // two targets: two baseline units, one to start the executor's grid and session with
        SparkArgs.narrowGrid = SmallGrid.TWO_TARGETS;
        Path out = dir.resolve("claimed").toAbsolutePath();
        SparkArgs args = SparkArgs.parse(with(DEMO, "--out", out.toString()));
        Grid grid = args.local(out, null).grid(Device.cpu()).build();
        List<FinetuningUnit> baseline = baselineUnits(args, out);
        UnitTask task = new UnitTask(args, new HadoopConf(spark.hadoopConfiguration()), false, "", UnitLease.Timing.DEFAULT, 1, runOf(out));
        // builds the executor's grid and session, so that the unit below starts training at once
        task.call(baseline.get(0).id());
        FinetuningUnit unit = baseline.get(1);
        Path trial = grid.layout().finetuningTrial(unit);
        Process first = holdLock(grid.layout().lock(unit.id()));
        ExecutorService second = Executors.newSingleThreadExecutor();
        try {
            Future<String> attempt = second.submit(() -> task.call(unit.id()).unit());
            // an attempt that ignored the lock would have trained the unit by then: its grid is built,
            // and a unit of this grid trains in well under a second
            Thread.sleep(1500);
            assertFalse(Files.exists(trial), "the second attempt trained while the first held the unit");
            // the first attempt ends: its scores, then its lock goes with its process
            String scores = scoresNoTrainingGives(unit);
            Files.createDirectories(trial.getParent());
            Files.writeString(trial, scores);
            first.getOutputStream().close();
            assertEquals(0, first.waitFor(), "the lock holder exits");
            assertEquals(unit.id(), attempt.get(60, TimeUnit.SECONDS));
            assertEquals(scores, Files.readString(trial), "the second attempt read the unit back, not trained it again");
        } finally {
            second.shutdownNow();
            first.destroy();
        }
    }

    @Test
    void aSecondAttemptOnAMirroredFolderWaitsForTheLiveOneAndReadsItsUnitBack() throws Exception {
        // the same on a mirrored --out (HDFS, S3...), where each attempt trains in its own executor's copy
        // two targets: two baseline units, one to start the executor's grid and session with
        SparkArgs.narrowGrid = SmallGrid.TWO_TARGETS;
        Path out = dir.resolve("leased").toAbsolutePath();
        SparkArgs args = SparkArgs.parse(with(DEMO, "--out", out.toUri().toString()));
        List<FinetuningUnit> baseline = baselineUnits(args, out);
        UnitTask task = new UnitTask(args, new HadoopConf(spark.hadoopConfiguration()), true, "", FAST_LEASE, 1, runOf(out));
        task.call(baseline.get(0).id());
        FinetuningUnit unit = baseline.get(1);
        Path trial = args.local(out, null).grid(Device.cpu()).build().layout().finetuningTrial(unit);
        String done = out.relativize(trial).toString().replace('\\', '/');
        // the first attempt, on another executor, holds the unit and beats
        GridFolder firstExecutor = GridFolder.open(out.toUri().toString(), spark.hadoopConfiguration(), true,
                dir.resolve("first-executor"));
        UnitLease first = UnitLease.claim(firstExecutor, unit.id(), done, "the first attempt", FAST_LEASE,
                java.time.Duration.ofMinutes(1)).orElseThrow();
        ExecutorService second = Executors.newSingleThreadExecutor();
        try {
            Future<String> attempt = second.submit(() -> task.call(unit.id()).unit());
            // longer than the expiry: a lease that beats is not taken over
            Thread.sleep(3000);
            assertFalse(Files.exists(trial), "the second attempt trained while the first held the unit");
            // the first attempt pushes its scores, then lets its lease go
            String scores = scoresNoTrainingGives(unit);
            Path pushed = firstExecutor.local().resolve(done);
            Files.createDirectories(pushed.getParent());
            Files.writeString(pushed, scores);
            firstExecutor.push(done, first::check);
            first.close();
            assertEquals(unit.id(), attempt.get(60, TimeUnit.SECONDS));
            assertEquals(scores, Files.readString(trial), "the second attempt read the unit back, not trained it again");
            assertFalse(Files.exists(out.resolve("locks").resolve(unit.id() + ".lease")), "no lease is left behind");
        } finally {
            second.shutdownNow();
            first.close();
        }
    }

    @Test
    void aMirroredUnitWhoseHolderWasKilledIsTakenOverAfterTheExpiryAndTrained() throws Exception {
        Path out = dir.resolve("taken-over").toAbsolutePath();
        SparkArgs args = SparkArgs.parse(with(DEMO, "--out", out.toUri().toString()));
        FinetuningUnit unit = baselineUnits(args, out).get(0);
        Path trial = args.local(out, null).grid(Device.cpu()).build().layout().finetuningTrial(unit);
        String done = out.relativize(trial).toString().replace('\\', '/');
        // the first attempt's executor claimed the unit and was lost: its lease stays, unchanged
        Process holder = UnitLeaseTest.holder(out, dir.resolve("lost-executor"), unit.id(), done, FAST_LEASE);
        holder.destroyForcibly();
        holder.waitFor();
        assertTrue(Files.exists(out.resolve("locks").resolve(unit.id() + ".lease")), "the lost attempt's lease");
        // it was killed while pushing its scores: their temp file is left beside them
        Path cut = trial.resolveSibling("." + trial.getFileName() + ".k1ll3d.tmp");
        Files.createDirectories(cut.getParent());
        Files.writeString(cut, "{\"learningRate\":");
        UnitTask task = new UnitTask(args, new HadoopConf(spark.hadoopConfiguration()), true, "", FAST_LEASE, 1, runOf(out));
        assertEquals(unit.id(), task.call(unit.id()).unit());
        JsonObject scores = JsonParser.parseString(Files.readString(trial)).getAsJsonObject();
        assertTrue(scores.get("validation").getAsDouble() >= 0, "the retry trained the unit: " + scores);
        assertFalse(Files.exists(out.resolve("locks").resolve(unit.id() + ".lease")), "no lease is left behind");
        assertFalse(Files.exists(cut), "the killed push's temp file is deleted once the unit is pushed");
    }

    @Test
    void aUnitShowsItsTasksFeaturizationOnTheExecutorsConsole() throws Exception {
        // before, the executor's grid had no featurization listener: a unit went from its start to
        // its first training step without a line, however long its tasks took to featurize
        Path out = dir.resolve("featurized").toAbsolutePath();
        SparkArgs args = SparkArgs.parse(with(DEMO, "--out", out.toString()));
        FinetuningUnit unit = baselineUnits(args, out).get(0);
        UnitTask task = new UnitTask(args, new HadoopConf(spark.hadoopConfiguration()), false, "", UnitLease.Timing.DEFAULT, 1, runOf(out));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        // the executor's bar writes to System.err as it is when the executor builds its grid, in this call
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(unit.id(), task.call(unit.id()).unit());
        } finally {
            System.setErr(stderr);
        }
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("featurize ")).toList();
        String train = "featurize " + unit.target().name() + "/train [";
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(train) && l.contains(" 100% ")),
                "a finished bar for the target's training split: " + lines);
    }

    /** The fingerprint of the run in a folder, as its driver passes it to the units. */
    private static String runOf(Path out) throws IOException {
        return SparkGrid.fingerprint(out.resolve("run.json"));
    }

    /**
     * A second driver that forces a new run in a mirrored folder (where no lock makes it wait for the
     * first) replaces its {@code run.json}: a unit of the first driver then trains and pushes
     * nothing, since its files would count as the new run's, and the first driver writes nothing
     * more there.
     */
    @Test
    void aMirroredUnitOfAFolderThatNowHoldsAnotherRunPushesNothing() throws Exception {
        Path out = dir.resolve("replaced").toAbsolutePath();
        SparkArgs args = SparkArgs.parse(with(DEMO, "--out", out.toUri().toString()));
        FinetuningUnit unit = baselineUnits(args, out).get(0);
        String planned = runOf(out);
        Path trial = args.local(out, null).grid(Device.cpu()).build().layout().finetuningTrial(unit);
        // the second driver's run.json: other seeds
        JsonObject manifest = JsonParser.parseString(Files.readString(out.resolve("run.json"))).getAsJsonObject();
        manifest.getAsJsonObject("fingerprint").getAsJsonObject("grid").addProperty("seeds", "[7]");
        Files.writeString(out.resolve("run.json"), manifest.toString());
        Files.deleteIfExists(out.resolve(".run.json.crc"));
        UnitTask task = new UnitTask(args, new HadoopConf(spark.hadoopConfiguration()), true, "", FAST_LEASE, 1, planned);
        Exception e = assertThrows(Exception.class, () -> task.call(unit.id()));
        assertTrue(e.getMessage().contains("run.json: expected the run this driver planned, found another run's settings"),
                e.getMessage());
        assertFalse(Files.exists(trial), "the unit's scores were pushed into the other run");
        assertFalse(Files.exists(out.resolve("locks").resolve(unit.id() + ".lease")), "no lease is left behind");
        // the first driver, too, checks before it writes its records, reports and run.json there
        GridFolder folder = GridFolder.open(out.toUri().toString(), spark.hadoopConfiguration(), true,
                dir.resolve("replaced-driver"));
        IllegalStateException d = assertThrows(IllegalStateException.class, () -> SparkGrid.checkSameRun(folder, planned));
        assertTrue(d.getMessage().contains("run.json: expected the run this driver planned, found another run's settings"),
                d.getMessage());
        SparkGrid.checkSameRun(folder, runOf(out));
    }

    /** A finetuning unit's scores as its first attempt wrote them, with values no training gives. */
    private static String scoresNoTrainingGives(FinetuningUnit unit) {
        return "{\"learningRate\": " + unit.learningRate() + ", \"validation\": 0.125, \"evaluation\": 0.375,"
                + " \"evaluationSplit\": \"VALIDATION\"}";
    }

    /** As the driver before stage one: run.json checked and written; the baseline's finetuning units. */
    private static List<FinetuningUnit> baselineUnits(SparkArgs args, Path out) throws IOException {
        try (GridSession driver = args.local(out, null).grid(Device.cpu()).build().open()) {
            return driver.plan().units().stream().filter(u -> u instanceof FinetuningUnit f && f.setting().isBaseline())
                    .map(FinetuningUnit.class::cast).toList();
        }
    }

    @Test
    void aSecondAttemptGivesUpOnAStuckHolderAfterTheClaimTimeoutNamingTheUnitAndTheOption() throws Exception {
        Path out = dir.resolve("stuck").toAbsolutePath();
        SparkArgs args = SparkArgs.parse(with(DEMO, "--claim-timeout", "1s", "--out", out.toString()));
        assertEquals(java.time.Duration.ofSeconds(1), args.claimTimeout());
        assertFalse(args.options().contains("--claim-timeout"), "the runner's own option reached the command");
        Grid grid = args.local(out, null).grid(Device.cpu()).build();
        FinetuningUnit unit;
        try (GridSession driver = grid.open()) {
            unit = driver.plan().units().stream().filter(u -> u instanceof FinetuningUnit f && f.setting().isBaseline())
                    .map(FinetuningUnit.class::cast).findFirst().orElseThrow();
        }
        UnitTask task = new UnitTask(args, new HadoopConf(spark.hadoopConfiguration()), false, "", UnitLease.Timing.DEFAULT, 1, runOf(out));
        Process stuck = holdLock(grid.layout().lock(unit.id()));
        try {
            long start = System.nanoTime();
            io.github.prefine.core.grid.UnitBusyException e = assertThrows(io.github.prefine.core.grid.UnitBusyException.class,
                    () -> task.call(unit.id()));
            assertTrue(System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(1), "gave up before the timeout");
            assertTrue(e.getMessage().startsWith("unit " + unit.id() + ": still held by another process"), e.getMessage());
            assertTrue(e.getMessage().endsWith("raise prefine-spark --claim-timeout (now 1s)"), e.getMessage());
            assertFalse(Files.exists(grid.layout().finetuningTrial(unit)), "the waiting attempt trained the unit");
        } finally {
            stuck.destroy();
        }
    }

    /** Another process holding a lock file until its standard input closes, as a live first attempt holds its unit. */
    private static Process holdLock(Path lock) throws IOException {
        // compiled with the tests: a source-file launch compiled it in the child first, each time
        Process p = ChildProcesses.builder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                HoldLock.class.getName(), lock.toString()).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (!"locked".equals(line)) {
            p.destroy();
            throw new AssertionError("the lock holder did not start: " + line);
        }
        return p;
    }

    /** The lock holder's process: locks the file named first, says so, and holds it until its input closes. */
    static final class HoldLock {
        private HoldLock() {}

        public static void main(String[] args) throws IOException {
            Path f = Path.of(args[0]);
            Files.createDirectories(f.getParent());
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock l = ch.lock()) {
                System.out.println("locked");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // held until the test closes the pipe or ends the process
                }
            }
        }
    }

    @Test
    void badInputIsOneLineWithExitTwo() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        List<String[]> cases = List.of(
                new String[] {"reproduce", "--data", dir.resolve("no-such-data").toString(), "--out", dir.resolve("o1").toString()},
                new String[] {"demo", "--seeds", "1", "--out", file.toString()},
                new String[] {"demo", "--bogus", "--out", dir.resolve("o2").toString()},
                new String[] {"train", "--out", dir.resolve("o3").toString()},
                new String[] {"demo", "--workers", "2", "--out", dir.resolve("o4").toString()},
                new String[] {"demo", "--device", "2", "--out", dir.resolve("o5").toString()},
                new String[] {"demo", "--claim-timeout", "0m", "--out", dir.resolve("o6").toString()},
                new String[] {"demo", "--export-models", "best", "--out", dir.resolve("o7").toString()});
        List<String> expected = List.of("--data", "--out", "Unknown option: '--bogus'", "expected a command, reproduce or demo",
                "--workers: on Spark the executors' tasks run the units", "--device 2: on Spark each task gets its GPU",
                "--claim-timeout: expected a positive whole number and a unit (s, m, h or d), such as 30m, 6h or 2d, found"
                        + " '0m'", "--export-models: SparkGrid writes no models");
        for (int i = 0; i < cases.size(); i++) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            SparkGrid.Outcome o = SparkGrid.run(spark, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8), cases.get(i));
            String line = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, o.exitCode(), String.join(" ", cases.get(i)) + " -> " + line);
            assertEquals(1, line.strip().lines().count(), "one line: " + line);
            assertTrue(line.contains(expected.get(i)), line);
            assertFalse(line.contains("\tat "), "no stack frame: " + line);
        }
        assertFalse(Files.exists(dir.resolve("o5")), "a GPU count is refused before anything is written");
        assertFalse(Files.exists(dir.resolve("o7")), "an export is refused before anything is written");
    }

    /**
     * docs/spark.md: {@code spark.prefine.mirror=always} mirrors even a local folder. Any other value
     * than always and auto ran unmirrored without a word, so {@code =true} on node-local disks left
     * each executor's units on its own disk. The {@code --out} that is a file shows the refusal comes
     * first: the old code went on to refuse that instead.
     */
    @Test
    void aMirrorSettingOtherThanAutoOrAlwaysIsOneLineWithExitTwo() throws Exception {
        Path aFile = Files.writeString(dir.resolve("mirror-out-file"), "x");
        for (String value : List.of("true", "alwys", "")) {
            spark.setLocalProperty(SparkGrid.MIRROR, value);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try {
                SparkGrid.Outcome o = SparkGrid.run(spark, new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8), with(DEMO, "--out", aFile.toString()));
                String line = err.toString(StandardCharsets.UTF_8);
                assertEquals(2, o.exitCode(), line);
                assertEquals(1, line.strip().lines().count(), "one line: " + line);
                assertTrue(line.contains("spark.prefine.mirror: expected always or auto, found '" + value + "'"), line);
            } finally {
                spark.setLocalProperty(SparkGrid.MIRROR, null);
            }
        }
    }

    @Test
    void badLeaseSettingsOnAMirroredFolderAreOneLineWithExitTwo() {
        // docs/spark.md: the expiry is at least four heartbeats, and under --claim-timeout
        String[][] cases = {{"1h", null, "30m"}, {"10m", "5m", "24h"}};
        String[] expected = {"spark.prefine.lease.expiry 1h: expected less than --claim-timeout (30m)",
            "spark.prefine.lease.expiry: expected at least four heartbeats (spark.prefine.lease.heartbeat 5m), found 10m"};
        for (int i = 0; i < cases.length; i++) {
            spark.setLocalProperty(SparkGrid.MIRROR, "always");
            spark.setLocalProperty(SparkGrid.LEASE_EXPIRY, cases[i][0]);
            spark.setLocalProperty(SparkGrid.LEASE_HEARTBEAT, cases[i][1]);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try {
                SparkGrid.Outcome o = SparkGrid.run(spark, new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8), with(DEMO, "--claim-timeout", cases[i][2], "--out",
                                dir.resolve("lease-" + i).toUri().toString()));
                String line = err.toString(StandardCharsets.UTF_8);
                assertEquals(2, o.exitCode(), line);
                assertEquals(1, line.strip().lines().count(), "one line: " + line);
                assertTrue(line.contains(expected[i]), line);
            } finally {
                spark.setLocalProperty(SparkGrid.MIRROR, null);
                spark.setLocalProperty(SparkGrid.LEASE_EXPIRY, null);
                spark.setLocalProperty(SparkGrid.LEASE_HEARTBEAT, null);
            }
        }
    }

    private static SparkGrid.Outcome submit(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SparkGrid.Outcome o = SparkGrid.run(spark, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        if (o.exitCode() != 0) {
            throw new AssertionError("submit failed: " + err.toString(StandardCharsets.UTF_8));
        }
        return o;
    }

    /** A submit whose exit code the test checks itself (a grid with failed sweeps exits 4). */
    private static SparkGrid.Outcome submitFailing(String... args) {
        return SparkGrid.run(spark, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), args);
    }

    private static String[] with(String[] base, String... more) {
        List<String> a = new ArrayList<>(List.of(base));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** Every sweep's record lines, without wall-clock times, which no two runs share. */
    private static Map<String, List<String>> records(Path out) throws IOException {
        Map<String, List<String>> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(out.resolve("records"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                List<String> lines = new ArrayList<>();
                for (String line : Files.readAllLines(p)) {
                    JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                    o.remove("secondsPerEpoch");
                    lines.add(o.toString());
                }
                m.put(p.getFileName().toString(), lines);
            }
        }
        assertFalse(m.isEmpty(), "records in " + out);
        return m;
    }
}
