package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.eval.report.Cell;
import io.github.prefine.eval.report.MalformedResultsException;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.RunRecord;
import io.github.prefine.eval.stats.SeedDifference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reports read each sweep's record on its own: {@code results.jsonl} is rebuilt from the
 * records at every rewrite, so a line it cannot read must be named in its record (the file to fix
 * or delete), a record whose last line lacks its line break must not be glued to the next record,
 * and a record cut off in its last line (a record is written whole, so that is damage) must not
 * leave its seed out of a cell of a sweep that counts as done. Expected cells are worked by hand.
 */
class GridRecordLinesTest {
    /** Both seeds of Baseline on wnut17, one sweep per seed. */
    private static final List<String> PLAN = List.of("run-Baseline-wnut17-seed1", "run-Baseline-wnut17-seed2");

    private static GridReports reports(Path out) {
        return new GridReports(new GridLayout(out), List.of("Baseline"), List.of(TaskCatalog.task("wnut17")), PLAN,
                SeedDifference.ALPHA);
    }

    private static String line(long seed, double value) {
        return ResultLog.line(new RunRecord("Baseline", "wnut17", "SL", seed, value));
    }

    /** Seed 1's record ends without its line break (written by hand, say): seeds 41 and 42 give 41.5 ± sqrt(0.5). */
    @Test
    void aRecordWithoutItsLastLineBreakIsNotGluedToTheNext(@TempDir Path out) throws Exception {
        Path records = Files.createDirectories(out.resolve("records"));
        String seed1 = line(1, 41);
        Files.writeString(records.resolve(PLAN.get(0) + ".jsonl"), seed1.strip());
        Files.writeString(records.resolve(PLAN.get(1) + ".jsonl"), line(2, 42));
        GridReports.Written w = reports(out).write();
        Cell c = w.table1().cell("wnut17", "Baseline");
        assertEquals(41.5, c.value(), 1e-12);
        assertEquals(Math.sqrt(0.5), c.std(), 1e-12);
        assertEquals(seed1 + line(2, 42), Files.readString(out.resolve("results.jsonl")));
    }

    /**
     * A line that is no record is named in its record, which is what to fix or delete: results.jsonl,
     * which the error named, is rebuilt from the records, so a fix made there was undone. The log
     * last written is left as it was.
     */
    @Test
    void aBadLineIsNamedInItsRecordAndTheLastLogIsKept(@TempDir Path out) throws Exception {
        Path records = Files.createDirectories(out.resolve("records"));
        Files.writeString(records.resolve(PLAN.get(0) + ".jsonl"), line(1, 41));
        reports(out).write();
        String before = Files.readString(out.resolve("results.jsonl"));
        Path second = records.resolve(PLAN.get(1) + ".jsonl");
        Files.writeString(second, line(2, 42).replace("42", "4x"));
        MalformedResultsException e = assertThrows(MalformedResultsException.class, () -> reports(out).write());
        assertEquals(second + ":1: value: expected a finite number, found \"4x.0\"", e.getMessage());
        assertEquals(before, Files.readString(out.resolve("results.jsonl")));
    }

    /**
     * A record whose last line is cut off is refused, naming that line: read through results.jsonl,
     * where it was the last line, it was skipped as an interrupted append, and the cell silently
     * lacked a seed of a sweep that counts as done.
     */
    @Test
    void aRecordCutOffInItsLastLineIsRefusedNotSkipped(@TempDir Path out) throws Exception {
        Path records = Files.createDirectories(out.resolve("records"));
        Files.writeString(records.resolve(PLAN.get(0) + ".jsonl"), line(1, 41));
        Path second = records.resolve(PLAN.get(1) + ".jsonl");
        Files.writeString(second, "\n" + line(2, 42).substring(0, 30));
        MalformedResultsException e = assertThrows(MalformedResultsException.class, () -> reports(out).write());
        assertEquals(second + ":2: expected a whole record, found an incomplete last line: "
                + line(2, 42).substring(0, 30) + "; a record is written whole, so delete it to write it again from its"
                + " sweep's runs", e.getMessage());
    }
}
