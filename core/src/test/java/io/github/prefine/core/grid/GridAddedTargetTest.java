package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.eval.report.TableWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target added to a finished grid: only its finetuning runs, the rest is kept, and the tables
 * are those of a grid run with every target from the start.
 */
class GridAddedTargetTest {
    /*
     * The grids several cases start from are run once (37 sweeps in all instead of 95): one fixture
     * (so one encoder path, which run.json records), a grid on sl-target alone, that grid extended
     * by c-target, and a grid on both forced over a copy of the first, which runs all of it anew and
     * is the ground truth of the tables; a case copies the folder it starts from into its own.
     */
    @TempDir
    static Path shared;

    private static GridFixtures f;
    /** The fixture's SL and C targets. */
    private static Task sl;
    private static Task c;
    /** Run on sl-target alone, then that run extended by c-target, and both from the start. */
    private static GridSummary slOnly;
    private static GridSummary added;
    private static GridSummary fresh;

    @TempDir
    Path dir;
    /** The folder a case's run is extended in. */
    private Path out;

    @BeforeAll
    static void grids() throws Exception {
        f = new GridFixtures(shared);
        sl = f.targets.get(0);
        c = f.targets.get(1);
        slOnly = f.tiny(List.of(sl), shared.resolve("sl-only")).build().run();
        copy(shared.resolve("sl-only"), shared.resolve("added"));
        added = f.tiny(List.of(sl, c), shared.resolve("added")).build().run();
        // forced over a copy of the recorded run, which deletes its results: a grid on both targets
        // from the start, as aForcedGridThatAddsATargetStartsAnew checks
        copy(shared.resolve("sl-only"), shared.resolve("fresh"));
        Grid forced = f.tiny(List.of(sl, c), shared.resolve("fresh")).optForce(true).build();
        assertTrue(forced.force());
        fresh = forced.run();
    }

    @BeforeEach
    void output() {
        out = dir.resolve("out");
    }

    /** Copies a finished grid's folder, as a case's own to extend. */
    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    @Test
    void anAddedTargetRunsOnlyItsOwnSweeps() throws Exception {
        // Baseline, Only-SL, Only-C, SL+C: three pre-finetunings and four finetunings of sl-target
        assertEquals(7, slOnly.sweepsRun());

        assertEquals(4, added.sweepsRun(), "only c-target's four finetunings run");
        assertEquals(7, added.sweepsSkipped());
        copy(shared.resolve("added"), out);
        assertTrue(GridFixtures.json(out.resolve("run.json")).getAsJsonObject("fingerprint").getAsJsonObject("grid")
                .get("targets").getAsString().equals("sl-target,c-target"), "run.json names the added target");

        // ground truth: the same grid with both targets from the start (forced anew), in another folder
        assertEquals(fresh.report().table1(), added.report().table1());
        assertEquals(fresh.report().table2(), added.report().table2());
        assertEquals(Files.readString(shared.resolve("fresh/table1.md")), Files.readString(out.resolve("table1.md")));
        // the tables in code print as their files hold them (GridReports.Written's Javadoc)
        assertEquals(Files.readString(out.resolve("table1.md")), TableWriter.withDecimals(1).toMarkdown(added.report().table1()));
        assertEquals(Files.readString(out.resolve("cost.md")), TableWriter.standard().toMarkdown(added.report().cost()));

        // an added target with any other change is another run, refused as before
        RunMismatchException e = assertThrows(RunMismatchException.class,
                () -> f.tiny(List.of(sl, c), out).optSeeds(List.of(1L, 2L)).build().run());
        assertTrue(e.getMessage().contains("grid.seeds was [1], now [1, 2]"), e.getMessage());
        // and so is a target dropped
        assertThrows(RunMismatchException.class, () -> f.tiny(List.of(c), out).build().run());
    }

    @Test
    void aTargetAddedBeforeTheRecordedOnesKeepsThemAndItsDataIsChecked() throws Exception {
        assertEquals(7, f.tiny(List.of(c), out).build().run().sweepsRun());

        // sl-target put first, above the recorded c-target: its rows come first, as in a fresh grid
        GridSummary slAdded = f.tiny(List.of(sl, c), out).build().run();
        assertEquals(4, slAdded.sweepsRun(), "only sl-target's four finetunings run");
        assertEquals(fresh.report().table1(), slAdded.report().table1());
        assertEquals(Files.readString(shared.resolve("fresh/table1.md")), Files.readString(out.resolve("table1.md")));
        assertTrue(GridFixtures.json(out.resolve("run.json")).getAsJsonObject("fingerprint").getAsJsonObject("data")
                .has("in memory: sl-target"), "run.json holds the added target's data digest");

        // the added target's data changed afterwards: its kept results are another data's, refused
        List<TaskData> changed = new ArrayList<>();
        for (TaskData d : f.examples) {
            if (d.task().name().equals(sl.name())) {
                Map<Split, List<Example>> splits = new EnumMap<>(d.splits());
                splits.put(Split.TRAIN, d.splits().get(Split.TRAIN).subList(1, d.splits().get(Split.TRAIN).size()));
                d = new TaskData(d.task(), d.labels(), splits, d.reports(), d.validation());
            }
            changed.add(d);
        }
        RunMismatchException e = assertThrows(RunMismatchException.class,
                () -> f.tiny(List.of(sl, c), out).setData(TaskDataSource.inMemory(changed)).build().run());
        assertTrue(e.getMessage().contains("in memory: sl-target"), e.getMessage());
    }

    /**
     * A process opened on the recorded run, still working while another adds c-target, and a worker
     * ({@code --workers}) of the recorded run, which rewrites the reports after the sweeps it runs
     * and at its end when it ran none unless {@code results.jsonl} holds its records already: opened
     * before another process added c-target, each rewrite dropped c-target's rows. Both are opened
     * before the one extension (four sweeps), as two processes of the recorded run would be.
     */
    @Test
    void aProcessOrAWorkerStillOnTheRecordedTargetsLeavesTheExtendedRunsReports() throws Exception {
        copy(shared.resolve("sl-only"), out);
        try (GridSession old = f.tiny(List.of(sl), out).build().open();
                GridSession worker = f.tiny(List.of(sl), out).build().openWorker()) {
            leavesTheExtendedRunsReports(old::writeReports, worker::writeReports, worker::currentReports);
        }
    }

    /** A rewrite of the reports by a process opened on the recorded run. */
    @FunctionalInterface
    private interface Rewrite {
        GridReports.Written run() throws java.io.IOException;
    }

    /**
     * Adds c-target to the run in another grid, then checks that each rewrite of a session opened
     * before leaves the extended run's files as they are and returns its own grid's tables.
     */
    private void leavesTheExtendedRunsReports(Rewrite... rewrites) throws Exception {
        GridSummary extended = f.tiny(List.of(sl, c), out).build().run();
        assertEquals(4, extended.sweepsRun());
        String table1 = Files.readString(out.resolve("table1.md"));
        String results = Files.readString(out.resolve("results.jsonl"));
        assertTrue(table1.contains("c-target"), table1);
        for (Rewrite rewrite : rewrites) {
            GridReports.Written stale = rewrite.run();
            assertEquals(table1, Files.readString(out.resolve("table1.md")), "the added target's rows stay");
            assertEquals(results, Files.readString(out.resolve("results.jsonl")));
            assertTrue(stale.files().isEmpty(), "nothing written: " + stale.files());
            // its own tables are still this process's grid's: sl-target's row as the extended run has it
            assertEquals(extended.report().table1().cell("sl-target", "Baseline"),
                    stale.table1().cell("sl-target", "Baseline"));
        }
    }

    /**
     * The CLI starts its workers after its own open, so another process may add c-target in between:
     * a worker on sl-target alone then opens with the extended run.json, whose fingerprint it
     * trusts, and its rewrite dropped c-target's rows. A worker of the extending run itself, opened
     * on both targets, still writes the reports.
     */
    @Test
    void aWorkerOpenedAfterTheRunWasExtendedLeavesTheReportsUnlessItPlansTheAddedTargets() throws Exception {
        copy(shared.resolve("added"), out); // sl-target's run, then c-target added
        String table1 = Files.readString(out.resolve("table1.md"));
        String results = Files.readString(out.resolve("results.jsonl"));
        assertTrue(table1.contains("c-target"), table1);
        try (GridSession worker = f.tiny(List.of(sl), out).build().openWorker()) {
            GridReports.Written stale = worker.writeReports();
            assertEquals(table1, Files.readString(out.resolve("table1.md")), "the added target's rows stay");
            assertEquals(results, Files.readString(out.resolve("results.jsonl")));
            assertTrue(stale.files().isEmpty(), "nothing written: " + stale.files());
            assertTrue(worker.currentReports().files().isEmpty(), "nothing written");
        }
        try (GridSession worker = f.tiny(List.of(sl, c), out).build().openWorker()) {
            assertTrue(worker.writeReports().files().contains(out.resolve("table1.md")), "the extending run's own");
            assertEquals(table1, Files.readString(out.resolve("table1.md")));
        }
    }

    @Test
    void aForcedGridThatAddsATargetStartsAnew() throws Exception {
        // the fixture's grid on both targets, forced over a copy of the run on sl-target: the folder's
        // results are deleted as for any other change, so all eleven sweeps run again
        assertEquals(11, fresh.sweepsRun());
        assertEquals(0, fresh.sweepsSkipped());
    }
}
