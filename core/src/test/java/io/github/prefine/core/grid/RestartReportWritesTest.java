package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.testing.FileWrites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A finished run started again, as the CLI's {@code --workers 2} starts it (the starting process
 * checks {@code run.json}, then it runs the grid beside a worker), has nothing to do: each report
 * file is written at most once, by the starting process, not by each process at its start and end.
 * The writes are counted with the OS's file watcher ({@link FileWrites}).
 */
class RestartReportWritesTest {

    /** The files {@link GridReports} and {@link GridSession#writeDataReport()} write in the output folder. */
    static boolean isReport(String name) {
        return !name.startsWith(".") && (name.equals("results.jsonl") || name.equals("run.json")
                || name.equals(DataReport.FILE) || name.startsWith("table") || name.startsWith("cost.")
                || name.startsWith("curves-"));
    }

    /** The report files of a folder now, by name. */
    static List<String> reports(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out)) {
            return s.map(p -> p.getFileName().toString()).filter(RestartReportWritesTest::isReport).sorted().toList();
        }
    }

    @Test
    void aFinishedRunStartedAgainWithAWorkerWritesEachReportAtMostOnce(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Grid grid = f.tiny(List.of(f.targets.get(1)), out).setGroups(List.of(TaskGroup.C)).build();
        GridSummary first = grid.run();
        assertEquals(1 + 2, first.sweepsRun());
        List<String> files = reports(out);
        assertTrue(files.containsAll(List.of("results.jsonl", "table1.md", "table2.csv", "cost.json", "run.json")),
                files.toString());

        Map<String, Integer> writes;
        GridSummary here;
        GridSummary worker;
        try (FileWrites watched = new FileWrites(out)) {
            // as Workers.run: the starting process checks run.json, then runs; the worker joins the run
            grid.open().close();
            here = grid.run();
            worker = grid.runAsWorker();
            writes = watched.counts(RestartReportWritesTest::isReport);
        }

        assertEquals(0, here.sweepsRun() + worker.sweepsRun());
        assertEquals(3, here.sweepsSkipped());
        assertEquals(3, worker.sweepsSkipped());
        for (String file : files) {
            assertTrue(writes.getOrDefault(file, 0) <= 1, file + " written " + writes.get(file) + " times: " + writes);
        }
        // the worker, which wrote nothing, still reports the tables the records give
        assertEquals(first.report().table1(), worker.report().table1());
        assertEquals(first.report().table2(), worker.report().table2());
        assertEquals(here.report().cost(), worker.report().cost());
    }
}
