package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DataCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new DataCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void statusOfAnEmptyRootListsEveryTaskAsMissing(@TempDir Path dir) {
        assertEquals(0, run("status", "--data", dir.toString()), err.toString());
        String s = out.toString();
        assertTrue(s.startsWith("task               group format      state        train     valid      test  source"), s);
        assertTrue(s.contains("rte                C     text-pair   missing          -         -         -  "
                + "not fetched: Hub nyu-mll/glue (rte)"), s);
        assertTrue(s.contains("ontonotes-en       SL    token       missing"), s);
        assertTrue(s.endsWith("0 of 41 tasks present (0 fetched from the Hub, 0 hand-laid), 0 partial, 41 missing\n"), s);
        assertEquals(43, s.split("\n").length);
    }

    @Test
    void statusOfAnAbsentRootSaysSoFirst(@TempDir Path dir) {
        Path absent = dir.resolve("no-such-folder");
        assertEquals(0, run("status", "--data", absent.toString()), err.toString());
        assertEquals("prefine data status: --data " + absent + " does not exist, so no task is present; check the"
                + " path, or fetch into it (prefine data fetch --data " + absent + ")\n", err.toString());
        assertTrue(out.toString().endsWith("0 of 41 tasks present (0 fetched from the Hub, 0 hand-laid), 0 partial, "
                + "41 missing\n"), out.toString());
        assertTrue(out.toString().startsWith("task "), out.toString());
        // an empty folder that exists is not called absent
        err.getBuffer().setLength(0);
        assertEquals(0, run("status", "--data", dir.toString()));
        assertEquals("", err.toString());
    }

    @Test
    void fetchRejectsAnUnknownTaskAsAUsageError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataCommand.resolve(List.of("rte", "nope")));
        assertTrue(e.getMessage().startsWith("--tasks: no catalogued task 'nope'; expected all or some of [conll2003-en,"),
                e.getMessage());
        assertEquals(List.of("rte", "cb"), DataCommand.resolve(List.of("rte", " cb")));
        // a task listed twice was fetched once without a word; the list parser refuses it, before any fetch
        assertEquals(2, PrefineCli.execute("data", "fetch", "--tasks", "rte, cb,rte", "--data", "."));
        assertEquals(41, DataCommand.resolve(List.of("all")).size());
        assertEquals(2, PrefineCli.execute("data", "fetch", "--tasks", "nope", "--data", "."));
    }

    @Test
    void progressLineShowsBytesRateAndEta() {
        StringWriter w = new StringWriter();
        long[] now = {0};
        DataCommand.ByteProgress p = new DataCommand.ByteProgress(new PrintWriter(w), false, () -> now[0]);
        p.task("rte");
        p.update("rte/train/0000.parquet", 1L << 20, 4L << 20); // resumed at 1 MiB: the rate counts from here
        now[0] = 2_000_000_000L;
        String line = p.render(2L << 20, 4L << 20, now[0]);
        // 1 MiB in 2 s = 512 KiB/s; 2 MiB left = 4 s
        assertEquals("rte: rte/train/0000.parquet 2.0 MiB / 4.0 MiB ( 50%) | 512.0 KiB/s | ETA 0:04", line);
        // the first report is the baseline: no rate yet, where it had said 0 B/s with data flowing
        assertEquals("rte: rte/train/0000.parquet 1.0 MiB / 4.0 MiB ( 25%) | -- B/s | ETA --:--\n", w.toString());
        assertEquals("1023 B", ConsoleProgress.bytes(1023));
        assertEquals("1.5 GiB", ConsoleProgress.bytes(3L << 29));
    }
}
