package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import io.github.prefine.core.testing.CapturedLogs;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.testing.TestFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output folder's run.json: what it records, the refusal to mix runs, --force, and the encoders' manifests. */
class RunManifestTest {
    /** A C pre-finetuning task whose files no data root holds: the grids below fingerprint cb's data alone. */
    private static final Task C_WITHOUT_DATA = io.github.prefine.core.pipeline.InMemoryTasks.task("c-without-data",
            TaskGroup.C, io.github.prefine.core.task.TaskFormat.SINGLE_TEXT, io.github.prefine.eval.metrics.MetricType.ACCURACY,
            List.of("no", "yes"));

    private static JsonObject json(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    @Test
    void recordsTheRunRefusesOtherSettingsWithADiffAndStartsAnewWhenForced(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Grid grid = f.tiny(List.of(f.targets.get(1)), out).setGroups(List.of(TaskGroup.C))
                .optOptions(Map.of("--target-batch-size", "32")).build();
        grid.run();
        JsonObject m = json(out.resolve("run.json"));
        assertEquals(32, m.getAsJsonObject("fingerprint").getAsJsonObject("grid").get("targetBatchSize").getAsInt());
        assertEquals("validation", m.getAsJsonObject("fingerprint").getAsJsonObject("grid").get("reportSplit").getAsString());
        assertEquals("32", m.getAsJsonObject("options").get("--target-batch-size").getAsString());
        JsonObject env = m.getAsJsonObject("environment");
        assertEquals(System.getProperty("java.version"), env.get("java").getAsString().split(" ")[0]);
        assertTrue(env.get("engine").getAsString().startsWith("PyTorch "), env.toString());
        assertFalse(env.get("djl").getAsString().isBlank());
        assertEquals("fp32", env.get("precision").getAsString());
        assertEquals(64, m.getAsJsonObject("fingerprint").getAsJsonObject("encoder").get("sha256").getAsString().length());
        // every task read is listed with its readers' counts
        assertTrue(m.getAsJsonObject("reads").keySet().containsAll(List.of("c-target", "c-a", "c-b")),
                m.getAsJsonObject("reads").keySet().toString());
        // the kept encoder says what made it, after its checkpoints are cleaned
        Path enc = out.resolve("prefinetune/Only-C/lr-1e-03/encoder");
        assertFalse(Files.exists(out.resolve("prefinetune/Only-C/lr-1e-03/checkpoints")));
        JsonObject em = json(enc.resolve(RunManifest.ENCODER_FILE));
        assertEquals("Only-C", em.get("setting").getAsString());
        assertEquals(List.of("c-a", "c-b"), em.getAsJsonArray("tasks").asList().stream().map(e -> e.getAsString()).toList());
        assertEquals(m.get("fingerprint"), em.getAsJsonObject("run").get("fingerprint"));

        // the same grid resumes; another batch size is refused with a one-line diff
        assertEquals(0, grid.run().sweepsRun());
        // the significance level changes the reports only: a run resumed at 0.01 is the same run
        assertEquals(0, grid.toBuilder().optAlpha(0.01).build().run().sweepsRun());
        for (String table : List.of("table1.json", "table2.json")) {
            String t = Files.readString(out.resolve(table));
            assertTrue(t.contains("\"alpha\": 0.01") && !t.contains("\"alpha\": 0.05"), table + ": " + t);
        }
        assertThrows(IllegalArgumentException.class, () -> grid.toBuilder().optAlpha(1.0));
        Grid other = grid.toBuilder().optTargetBatchSize(16).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, other::run);
        assertTrue(e.getMessage().contains("grid.targetBatchSize was 32, now 16") && !e.getMessage().contains("\n"),
                e.getMessage());
        // so is a changed encoder
        Files.writeString(f.encoder.resolve("config.json"), Files.readString(f.encoder.resolve("config.json")) + " ");
        e = assertThrows(IllegalStateException.class, grid::run);
        assertTrue(e.getMessage().contains("encoder.sha256 was "), e.getMessage());
        // forced while another process works in the folder (it holds locks/run.lock shared): refused, nothing deleted
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(out.resolve("locks/run.lock"),
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE);
                java.nio.channels.FileLock shared = ch.lock(0, Long.MAX_VALUE, true)) {
            e = assertThrows(RunMismatchException.class, () -> other.toBuilder().optForce(true).build().run());
            assertTrue(e.getMessage().contains("forced, but another process is still working in this folder"),
                    e.getMessage());
            assertTrue(Files.exists(out.resolve("results.jsonl")));
        }
        // forced: the old results go, the grid runs anew in place
        GridSummary forced = other.toBuilder().optForce(true).build().run();
        assertEquals(1 + 2, forced.sweepsRun());
        assertEquals(16, json(out.resolve("run.json")).getAsJsonObject("fingerprint").getAsJsonObject("grid")
                .get("targetBatchSize").getAsInt());
        // a folder of results without run.json (made before manifests) cannot be checked: refused, or cleared when forced
        Files.delete(out.resolve("run.json"));
        e = assertThrows(RunMismatchException.class, other::run);
        assertTrue(e.getMessage().contains("made before run manifests"), e.getMessage());
        assertEquals(1 + 2, other.toBuilder().optForce(true).build().run().sweepsRun());
        assertTrue(Files.exists(out.resolve("run.json")));
    }

    /**
     * A run continued on another device or engine goes on (they differ only by rounding), with a
     * warning naming both, as run.json then keeps only the new process's environment; a restart
     * on the same machine says nothing.
     */
    @Test
    void aRunContinuedOnAnotherDeviceOrEngineWarnsNamingBoth(@TempDir Path dir) throws Exception {
        Grid grid = tinyGridRunOnce(dir);
        Path file = dir.resolve("out").resolve("run.json");
        JsonObject m = json(file);
        JsonObject env = m.getAsJsonObject("environment");
        String device = env.get("device").getAsString();
        String engine = env.get("engine").getAsString();
        env.addProperty("device", "gpu(1)");
        env.addProperty("engine", "PyTorch 9.9.9");
        Files.writeString(file, m.toString());
        String moved = CapturedLogs.of(() -> assertEquals(0, grid.run().sweepsRun()));
        assertTrue(moved.lines().anyMatch(l -> l.contains("WARN") && l.contains(file + ": this run continues elsewhere"
                + " than it was last run (device: was gpu(1), now " + device + "; engine: was PyTorch 9.9.9, now "
                + engine + ")")), moved);
        assertEquals(device, json(file).getAsJsonObject("environment").get("device").getAsString());
        String same = CapturedLogs.of(() -> assertEquals(0, grid.run().sweepsRun()));
        assertFalse(same.contains("continues elsewhere"), same);
    }

    /**
     * A run continued by another prefine version is not refused (the fingerprint holds the settings
     * that change a result, not the code), but was mixed silently: it now warns naming both
     * versions, and a restart by the same version says nothing.
     */
    @Test
    void aRunContinuedByAnotherPrefineVersionWarnsNamingBoth(@TempDir Path dir) throws Exception {
        Grid grid = tinyGridRunOnce(dir);
        Path file = dir.resolve("out").resolve("run.json");
        JsonObject m = json(file);
        String version = m.getAsJsonObject("environment").get("prefine").getAsString();
        m.getAsJsonObject("environment").addProperty("prefine", "0.0.1-older");
        Files.writeString(file, m.toString());
        String other = CapturedLogs.of(() -> assertEquals(0, grid.run().sweepsRun()));
        assertTrue(other.lines().anyMatch(l -> l.contains("WARN") && l.contains(file + ": this run was last run by prefine"
                + " 0.0.1-older and continues under prefine " + version)), other);
        String same = CapturedLogs.of(() -> assertEquals(0, grid.run().sweepsRun()));
        assertFalse(same.contains("last run by prefine"), same);
    }

    /**
     * Strict reading and partial settings are gates, not settings: given the same data (which the
     * fingerprint holds), each either changes nothing or refuses the run at its plan, so a run
     * resumed with {@code strict} or {@code allowPartial} turned on or off is the same run, where it
     * was refused as "other settings", with {@code --force} (deleting every result) offered. A
     * manifest written before, which records both in its fingerprint, still matches.
     */
    @Test
    void aRunResumedWithStrictOrAllowPartialChangedIsTheSameRun(@TempDir Path dir) throws Exception {
        Grid grid = tinyGridRunOnce(dir);
        Path out = dir.resolve("out");
        String results = Files.readString(out.resolve("results.jsonl"));
        assertEquals(0, grid.toBuilder().optStrict(true).build().run().sweepsRun());
        assertEquals(0, grid.toBuilder().optAllowPartial(true).build().run().sweepsRun());
        JsonObject m = json(out.resolve("run.json"));
        JsonObject recorded = m.getAsJsonObject("fingerprint").getAsJsonObject("grid");
        assertFalse(recorded.has("strict") || recorded.has("allowPartial"), recorded.toString());
        // as the manifests of earlier versions record them
        recorded.addProperty("strict", true);
        recorded.addProperty("allowPartial", true);
        Files.writeString(out.resolve("run.json"), m.toString());
        assertEquals(0, grid.run().sweepsRun());
        assertEquals(results, Files.readString(out.resolve("results.jsonl")));
        // a setting that changes results is still refused
        RunMismatchException e = assertThrows(RunMismatchException.class,
                () -> grid.toBuilder().optTargetBatchSize(16).build().run());
        assertTrue(e.getMessage().contains("grid.targetBatchSize was 32, now 16") && !e.getMessage().contains("strict"),
                e.getMessage());
    }

    /*
     * Three cases start from the same finished one-target grid: it is run once for the class (one
     * fixture, so one encoder path, which run.json records), and a case runs it again on its own
     * copy of the output folder.
     */
    @TempDir
    static Path shared;
    private static GridFixtures sharedFixture;
    private static Path sharedRun;

    /** A one-target grid run once into {@code dir/out}, to be run again on the same folder. */
    private static synchronized Grid tinyGridRunOnce(Path dir) throws Exception {
        if (sharedRun == null) {
            sharedFixture = new GridFixtures(shared);
            Path out = shared.resolve("run-once");
            tinyGrid(out).run();
            sharedRun = out;
        }
        return tinyGrid(TestFolders.copy(sharedRun, dir.resolve("out")));
    }

    private static Grid tinyGrid(Path out) {
        return sharedFixture.tiny(List.of(sharedFixture.targets.get(1)), out).setGroups(List.of(TaskGroup.C)).build();
    }

    @Test
    void aWorkerStartedOnTheFolderLeavesTheManifestOfTheCommandThatStartedIt(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Grid started = f.tiny(List.of(f.targets.get(1)), out).setGroups(List.of(TaskGroup.C))
                .optOptions(Map.of("--workers", "2", "--force", "true")).build();
        // as the CLI's --workers: the starting process checks and writes run.json, then its workers
        // run with --workers and --force left out of their command lines
        started.open().close();
        GridSummary s = started.toBuilder().optOptions(Map.of("--workers", "1", "--force", "false")).build().runAsWorker();
        assertEquals(1 + 2, s.sweepsRun());
        JsonObject m = json(out.resolve("run.json"));
        assertEquals("2", m.getAsJsonObject("options").get("--workers").getAsString(), m.toString());
        assertEquals("true", m.getAsJsonObject("options").get("--force").getAsString());
        // what the worker read still reaches the data report
        assertTrue(m.getAsJsonObject("reads").keySet().containsAll(List.of("c-target", "c-a", "c-b")),
                m.getAsJsonObject("reads").keySet().toString());
    }

    /**
     * Every session working in a folder keeps a forced run in place out (locks/run.lock shared): a
     * worker session did not take the lock at all, and a second session of one JVM got none (the JVM
     * held it already), so once the first closed, a forced run cleared the folder under the second.
     * Real sessions on one folder; the forced run opens with another batch size, and is told that a
     * session of this process, not another process, holds the folder.
     */
    @Test
    void aWorkerSessionAndASecondSessionOfOneJvmKeepAForcedRunOut(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Grid grid = f.tiny(List.of(f.targets.get(1)), out).setGroups(List.of(TaskGroup.C)).build();
        Grid forced = grid.toBuilder().optTargetBatchSize(16).optForce(true).build();
        grid.open().close();
        String manifest = Files.readString(out.resolve("run.json"));
        try (GridSession worker = grid.openWorker()) {
            RunMismatchException e = assertThrows(RunMismatchException.class, forced::open);
            // the holder is this JVM: "another process" sent the user looking for one that is not there
            assertTrue(e.getMessage().contains("forced, but a session of this process is still working in this folder"),
                    e.getMessage());
        }
        GridSession first = grid.open();
        try (GridSession second = grid.open()) {
            first.close();
            RunMismatchException e = assertThrows(RunMismatchException.class, forced::open);
            // the holder is this JVM: "another process" sent the user looking for one that is not there
            assertTrue(e.getMessage().contains("forced, but a session of this process is still working in this folder"),
                    e.getMessage());
        }
        assertEquals(manifest, Files.readString(out.resolve("run.json")));
        // once every session has closed, the forced run goes ahead
        forced.open().close();
        assertEquals(16, json(out.resolve("run.json")).getAsJsonObject("fingerprint").getAsJsonObject("grid")
                .get("targetBatchSize").getAsInt());
    }

    @Test
    void aForcedRunInPlaceLeavesNoPlotOfTheOldRunsSettings(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Grid grid = f.tiny(List.of(f.targets.get(1)), out).build();
        grid.run();
        // the curves the first run drew (GridReports writes one PNG and one SVG per pre-finetuned setting)
        for (String old : List.of("curves-Only-SL.png", "curves-SL+C.svg")) {
            assertTrue(Files.exists(out.resolve(old)), old);
        }
        grid.toBuilder().setGroups(List.of(TaskGroup.C)).optForce(true).build().run();
        List<String> curves;
        try (var s = Files.list(out)) {
            curves = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("curves-")).sorted().toList();
        }
        // only the forced run's one setting: Only-SL's and SL+C's belong to a run that is gone
        assertEquals(List.of("curves-Only-C.png", "curves-Only-C.svg"), curves);
    }

    @Test
    void theSameDataUnderAnotherRootIsTheSameRunAndAChangedFileIsNot(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Task cb = TaskCatalog.targets().stream().filter(t -> t.name().equals("cb")).findFirst().orElseThrow();
        Path a = cbData(dir.resolve("data-a"), "neutral");
        Path b = cbData(dir.resolve("moved/data-b"), "neutral");
        Path c = cbData(dir.resolve("data-c"), "contradiction");
        Path file = dir.resolve("run.json");
        Files.writeString(file, manifest(f, cb, a).toString());
        assertEquals(manifest(f, cb, a), RunManifest.check(file, manifest(f, cb, b), false));
        RunMismatchException e = assertThrows(RunMismatchException.class,
                () -> RunManifest.check(file, manifest(f, cb, c), false));
        assertTrue(e.getMessage().contains("data.val.jsonl"), e.getMessage());
        assertEquals(dir.resolve("x"), RunManifest.commonFolder(new java.util.LinkedHashSet<>(
                List.of(dir.resolve("x/y/a"), dir.resolve("x/b"), dir.resolve("x/y/z/c")))));
    }

    @Test
    void aDamagedManifestIsRefusedUnlessTheRunIsForced(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("run.json"), "{ truncated");
        JsonObject fresh = JsonParser.parseString("{\"fingerprint\":{\"grid\":{}}}").getAsJsonObject();
        RunMismatchException e = assertThrows(RunMismatchException.class, () -> RunManifest.check(file, fresh, false));
        assertTrue(e.getMessage().startsWith(file + ": not a run manifest"), e.getMessage());
        assertTrue(RunManifest.check(file, fresh, true) == fresh, "forced: the fresh manifest, so the folder is cleared");
    }

    private static Path cbData(Path root, String label) throws java.io.IOException {
        Files.createDirectories(root.resolve("cls/cb"));
        Files.writeString(root.resolve("cls/cb/train.jsonl"), "{\"premise\":\"a\",\"hypothesis\":\"b\",\"label\":\"entailment\"}\n");
        Files.writeString(root.resolve("cls/cb/val.jsonl"), "{\"premise\":\"c\",\"hypothesis\":\"d\",\"label\":\"" + label + "\"}\n");
        return root;
    }

    private static JsonObject manifest(GridFixtures f, Task cb, Path data) throws java.io.IOException {
        Grid grid = Grid.builder().setEncoder(f.encoder).setData(TaskDataSource.dataRoot(data, Leniency.LENIENT))
                .setPrefinetuningTasks(List.of(C_WITHOUT_DATA)).setGroups(List.of(TaskGroup.C)).setTargets(List.of(cb))
                .setOutput(f.encoder.resolveSibling("out")).build();
        JsonObject m = new JsonObject();
        m.add("fingerprint", RunManifest.fingerprint(grid));
        return m;
    }

    @Test
    void listsEachDataFileWithItsSizeAndSha256(@TempDir Path dir) throws Exception {
        Path data = SharedFixtures.require("data");
        Task cb = TaskCatalog.targets().stream().filter(t -> t.name().equals("cb")).findFirst().orElseThrow();
        TaskDataSource source = TaskDataSource.dataRoot(data, Leniency.LENIENT);
        assumeTrue(source.missing(cb).isEmpty(), "no shared cb data at " + data);
        GridFixtures f = new GridFixtures(dir);
        Grid grid = Grid.builder().setEncoder(f.encoder).setData(source).setPrefinetuningTasks(List.of(C_WITHOUT_DATA))
                .setGroups(List.of(TaskGroup.C)).setTargets(List.of(cb)).setOutput(dir.resolve("out")).build();
        JsonObject files = RunManifest.fingerprint(grid).getAsJsonObject("data");
        assertFalse(files.keySet().isEmpty());
        for (String name : files.keySet()) {
            // named within the folder the files share, here the task's own
            Path p = data.resolve("cls/cb").resolve(name);
            assertTrue(Files.isRegularFile(p), name);
            assertEquals(Files.size(p), files.getAsJsonObject(name).get("size").getAsLong());
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
            assertEquals(sha, files.getAsJsonObject(name).get("sha256").getAsString(), name);
        }
    }
}
