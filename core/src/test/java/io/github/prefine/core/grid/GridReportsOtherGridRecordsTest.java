package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.eval.report.Cell;
import io.github.prefine.eval.report.CostRecord;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.RunRecord;
import io.github.prefine.eval.report.Table;
import io.github.prefine.eval.stats.SeedDifference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code results.jsonl} and the tables hold the records of this grid's planned units only: every
 * {@code .jsonl} under {@code records/} was copied in, so another grid's records in the folder
 * (copied in beside this one's, say) put its settings in the cost table, its seeds in this grid's
 * cells and its precision in Table 1's title. The records left out are counted and named in the
 * log. Every expected figure is worked by hand from the records below.
 */
class GridReportsOtherGridRecordsTest {
    /** This grid's units: Only-SL pre-finetuned, both settings finetuned on wnut17 with seeds 1 and 2. */
    private static final List<String> PLAN = List.of("prefinetune-Only-SL", "run-Baseline-wnut17", "run-Only-SL-wnut17");

    /**
     * This grid: Baseline 41, 42 (mean 41.5, sample std sqrt(0.5)); Only-SL 46, 48 (mean 47, std
     * sqrt(2)); Only-SL's pre-finetuning 10 s and 100 examples per epoch, the only and so the most
     * expensive setting (relative cost 1). The other grid, a per-seed fp16 grid that pre-finetuned
     * Only-C for cola: Baseline on wnut17 with seed 3 (90), which would make this grid's Baseline
     * cell (41 + 42 + 90) / 3 = 57.67; Only-C on cola (70, 71); Only-C's 40 s and 300 examples per
     * epoch, which would add a cost row and make Only-SL's relative cost 10 / 40 = 0.25.
     */
    @Test
    void anotherGridsRecordsAreLeftOutOfResultsAndTablesAndNamedInTheLog(@TempDir Path out) throws Exception {
        Path records = Files.createDirectories(out.resolve("records"));
        StringBuilder ours = new StringBuilder();
        // this grid's records, in the sorted file order results.jsonl concatenates them in
        ours.append(write(records, "prefinetune-Only-SL", ResultLog.line(new CostRecord("Only-SL", 10.0, 100))));
        ours.append(write(records, "run-Baseline-wnut17", ResultLog.line(new RunRecord("Baseline", "wnut17", "SL", 1, 41)),
                ResultLog.line(new RunRecord("Baseline", "wnut17", "SL", 2, 42))));
        ours.append(write(records, "run-Only-SL-wnut17", ResultLog.line(new RunRecord("Only-SL", "wnut17", "SL", 1, 46)),
                ResultLog.line(new RunRecord("Only-SL", "wnut17", "SL", 2, 48))));
        // the other grid's
        write(records, "prefinetune-Only-C", ResultLog.line(new CostRecord("Only-C", 40.0, 300)));
        write(records, "run-Baseline-wnut17-seed3",
                ResultLog.line(new RunRecord("Baseline", "wnut17", "SL", 3, 90, "fp16-mixed")));
        write(records, "run-Only-C-cola-seed1", ResultLog.line(new RunRecord("Only-C", "cola", "C", 1, 70, "fp16-mixed")));
        write(records, "run-Only-C-cola-seed2", ResultLog.line(new RunRecord("Only-C", "cola", "C", 2, 71, "fp16-mixed")));

        GridReports reports = new GridReports(new GridLayout(out), List.of("Baseline", "Only-SL"),
                List.of(TaskCatalog.task("wnut17")), PLAN, SeedDifference.ALPHA);
        String[] logs = new String[1];
        GridReports.Written w = captureErr(reports::write, logs);

        assertEquals(ours.toString(), Files.readString(out.resolve("results.jsonl")));
        Table t1 = w.table1();
        assertEquals(List.of("Baseline", "Only-SL"), t1.columns());
        assertCell(41.5, Math.sqrt(0.5), t1.cell("wnut17", "Baseline"));
        assertCell(47, Math.sqrt(2), t1.cell("wnut17", "Only-SL"));
        assertEquals(41.5, t1.cell("Average", "Baseline").value(), 1e-12);
        assertEquals(47, t1.cell("Average", "Only-SL").value(), 1e-12);
        assertTrue(t1.title().contains("trained in fp32") && !t1.title().contains("fp16"), t1.title());
        assertFalse(t1.title().contains("seeds per cell"), t1.title());
        Table t2 = w.table2();
        assertEquals(41.5, t2.cell("SL", "Baseline").value(), 1e-12);
        assertEquals(47, t2.cell("SL", "Only-SL").value(), 1e-12);
        assertEquals(List.of("Only-SL"), w.cost().rows().stream().map(Table.Row::label).toList());
        assertEquals(10.0, w.cost().cell("Only-SL", "Seconds / epoch").value(), 1e-12);
        assertEquals(100.0, w.cost().cell("Only-SL", "Examples / epoch").value(), 1e-12);
        assertEquals(1.0, w.cost().cell("Only-SL", "Relative cost").value(), 1e-12);
        // the written files are the tables returned
        assertFalse(Files.readString(out.resolve("cost.csv")).contains("Only-C"));
        assertFalse(Files.readString(out.resolve("table1.md")).contains("57.7"));

        List<String> warnings = logs[0].lines().filter(l -> l.contains("WARN")).toList();
        assertEquals(1, warnings.size(), logs[0]);
        assertTrue(warnings.get(0).contains(records + ": left out 4 records (4 lines) of units not in this grid's"
                + " plan: prefinetune-Only-C, run-Baseline-wnut17-seed3, run-Only-C-cola-seed1, run-Only-C-cola-seed2;"
                + " results.jsonl and the tables hold this grid's units only"), warnings.get(0));
        List<String> other = List.of("prefinetune-Only-C", "run-Baseline-wnut17-seed3", "run-Only-C-cola-seed1",
                "run-Only-C-cola-seed2");
        assertEquals(other, w.leftOut());

        // a rewrite with the same records left out counts them again, without a second warning
        GridReports.Written again = captureErr(reports::write, logs);
        assertEquals(0, logs[0].lines().filter(l -> l.contains("WARN")).count(), logs[0]);
        assertEquals(other, again.leftOut());
        assertEquals(w.table1(), again.table1());
        // one more of the other grid's: the warning names the new set
        write(records, "run-Only-C-cola-seed3", ResultLog.line(new RunRecord("Only-C", "cola", "C", 3, 72, "fp16-mixed")));
        captureErr(reports::write, logs);
        assertTrue(logs[0].contains("left out 5 records (5 lines)") && logs[0].contains("run-Only-C-cola-seed3;"), logs[0]);
        assertEquals(ours.toString(), Files.readString(out.resolve("results.jsonl")));
    }

    /**
     * A grid run hands its plan's units to the reports: another grid's record of a seed this grid
     * did not run (seed 9 of its Baseline on c-target), found in the folder when the grid is run
     * again, leaves results.jsonl and Table 1 as the grid's own records made them.
     */
    @Test
    void aGridRunLeavesOutAnotherGridsRecordFoundInItsFolder(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        Task target = f.targets.get(1);
        f.tiny(List.of(target), out).setGroups(List.of(TaskGroup.C)).build().run();
        String ours = Files.readString(out.resolve("results.jsonl"));
        String table1 = Files.readString(out.resolve("table1.json"));
        assertTrue(ours.contains("\"setting\":\"Baseline\",\"target\":\"" + target.name() + "\""), ours);

        Grid again = f.tiny(List.of(target), out).setGroups(List.of(TaskGroup.C)).build();
        Files.writeString(again.layout().record("run-Baseline-" + target.name() + "-seed9"),
                ResultLog.line(new RunRecord("Baseline", target.name(), target.group().name(), 9, 99.0)));
        again.run();
        assertEquals(ours, Files.readString(out.resolve("results.jsonl")));
        assertEquals(table1, Files.readString(out.resolve("table1.json")));
    }

    /** One record of one line left out is counted in the singular (the summary line is INFO, off in tests). */
    @Test
    void oneRecordOfOneLineLeftOutIsCountedInTheSingular(@TempDir Path out) throws Exception {
        Path records = Files.createDirectories(out.resolve("records"));
        write(records, "run-Baseline-wnut17", ResultLog.line(new RunRecord("Baseline", "wnut17", "SL", 1, 41)));
        write(records, "run-Baseline-wnut17-seed3", ResultLog.line(new RunRecord("Baseline", "wnut17", "SL", 3, 90)));
        String[] logs = new String[1];
        captureErr(new GridReports(new GridLayout(out), List.of("Baseline"), List.of(TaskCatalog.task("wnut17")), PLAN,
                SeedDifference.ALPHA)::write, logs);
        assertTrue(logs[0].contains(records + ": left out 1 record (1 line) of units not in this grid's plan:"
                + " run-Baseline-wnut17-seed3;"), logs[0]);
        // two lines of one record
        write(records, "run-Baseline-wnut17-seed3", ResultLog.line(new RunRecord("Baseline", "wnut17", "SL", 3, 90)),
                ResultLog.line(new RunRecord("Baseline", "wnut17", "SL", 3, 91)));
        write(records, "run-Baseline-wnut17-seed4", ResultLog.line(new RunRecord("Baseline", "wnut17", "SL", 4, 92)));
        captureErr(new GridReports(new GridLayout(out), List.of("Baseline"), List.of(TaskCatalog.task("wnut17")), PLAN,
                SeedDifference.ALPHA)::write, logs);
        assertTrue(logs[0].contains(records + ": left out 2 records (3 lines) of units"), logs[0]);
    }

    /** Without a plan (a folder's reports rebuilt from its records alone) every record is taken, as before. */
    @Test
    void withoutAPlanEveryRecordIsTaken(@TempDir Path out) throws Exception {
        Path records = Files.createDirectories(out.resolve("records"));
        String a = write(records, "a", ResultLog.line(new RunRecord("Baseline", "wnut17", "SL", 1, 41)));
        String b = write(records, "b", ResultLog.line(new RunRecord("Baseline", "wnut17", "SL", 2, 42)));
        GridReports.Written w = new GridReports(new GridLayout(out), List.of("Baseline"),
                List.of(TaskCatalog.task("wnut17")), SeedDifference.ALPHA).write();
        assertEquals(a + b, Files.readString(out.resolve("results.jsonl")));
        assertCell(41.5, Math.sqrt(0.5), w.table1().cell("wnut17", "Baseline"));
        assertEquals(List.of(), w.leftOut());
    }

    private static void assertCell(double mean, double std, Cell c) {
        assertEquals(mean, c.value(), 1e-12);
        assertEquals(std, c.std(), 1e-12);
    }

    /** Writes a unit's record as the grid does, its lines whole; returns its text. */
    private static String write(Path records, String unit, String... lines) throws IOException {
        String text = String.join("", lines);
        Files.writeString(records.resolve(unit + ".jsonl"), text);
        return text;
    }

    private interface Write {
        GridReports.Written run() throws IOException;
    }

    /** Runs a report rewrite, keeping what it logged (slf4j-simple writes to stderr) in {@code logs[0]}. */
    private static GridReports.Written captureErr(Write write, String[] logs) throws IOException {
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            return write.run();
        } finally {
            System.setErr(realErr);
            logs[0] = captured.toString(StandardCharsets.UTF_8);
        }
    }
}
