package io.github.prefine.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableReaderTest {

    private static Table sample() {
        return new Table("Table 2: trained in fp32", "Group", List.of("Baseline", "Only-SL"), List.of(
                new Table.Row("SL", List.of(Cell.of(53.25, 0.5), Cell.empty())),
                new Table.Row("Average", List.of(Cell.of(1.0 / 3), Cell.of(-0.0, 0)))));
    }

    @Test
    void readsBackWhatTheWriterWrote(@TempDir Path dir) throws Exception {
        Table t = sample();
        Path json = TableWriter.standard().writeAll(t, dir, "table2").get(2);
        Table back = TableReader.read(json);
        // records compare doubles with Double.compare: NaN (empty cell, no std) equals NaN, every bit of 1/3 counts
        assertEquals(t, back);
        assertTrue(back.cell("SL", "Only-SL").isEmpty());
        assertTrue(!back.cell("Average", "Baseline").hasStd());
    }

    @Test
    void aLinkPlantedAtATablesNameIsReplacedNotWrittenThrough(@TempDir Path dir) throws Exception {
        Path victim = Files.writeString(dir.resolve("elsewhere.txt"), "someone's own file\n");
        Path out = Files.createDirectories(dir.resolve("shared-out"));
        Files.createSymbolicLink(out.resolve("table2.json"), victim);
        Path json = TableWriter.standard().writeAll(sample(), out, "table2").get(2);
        assertEquals("someone's own file\n", Files.readString(victim));
        assertTrue(Files.isRegularFile(json, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(sample(), TableReader.read(json));
    }

    @Test
    void malformedTablesNameFileAndPath(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.json");
        String good = TableWriter.standard().toJson(sample());

        Files.writeString(f, good.replace("\"value\": 53.25", "\"value\": \"53.25\""));
        MalformedTableException e = assertThrows(MalformedTableException.class, () -> TableReader.read(f));
        assertEquals(f + " $.rows[0].cells[0].value: expected a number or null, found \"53.25\"", e.getMessage());

        // past the double range: Gson reads 1e999 as Infinity, which no writer puts in a table and which
        // would print as "Infinity" and make every average it enters infinite
        Files.writeString(f, good.replace("\"value\": 53.25", "\"value\": 1e999"));
        e = assertThrows(MalformedTableException.class, () -> TableReader.read(f));
        assertEquals(f + " $.rows[0].cells[0].value: expected a finite number or null, found 1e999", e.getMessage());

        Files.writeString(f, "{\"title\": \"t\", \"corner\": \"Group\", \"columns\": [\"A\", \"B\"],"
                + " \"rows\": [{\"label\": \"SL\", \"cells\": [{\"value\": 1, \"std\": null}]}]}");
        e = assertThrows(MalformedTableException.class, () -> TableReader.read(f));
        assertEquals(f + " $.rows[0].cells: expected 2 cells, one per column, found 1", e.getMessage());

        Files.writeString(f, "{\"title\": \"t\", \"corner\": \"Group\", \"rows\": []}");
        e = assertThrows(MalformedTableException.class, () -> TableReader.read(f));
        assertEquals(f + " $.columns: expected an array, found nothing", e.getMessage());

        Files.writeString(f, "| Group | A |");
        e = assertThrows(MalformedTableException.class, () -> TableReader.read(f));
        assertTrue(e.getMessage().startsWith(f + " $: expected a JSON table written by prefine, found "), e.getMessage());
    }

    /**
     * A standard deviation is never negative, and the writer writes none beside an empty value:
     * either would print as a cell no run could have given ("53.25 ± -0.5", "± 0.5" alone).
     */
    @Test
    void aNegativeStdOrAStdBesideAnEmptyValueIsRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.json");
        String good = TableWriter.standard().toJson(sample());
        assertTrue(good.contains("\"std\": 0.5"), good);

        Files.writeString(f, good.replace("\"std\": 0.5", "\"std\": -0.5"));
        MalformedTableException e = assertThrows(MalformedTableException.class, () -> TableReader.read(f));
        assertEquals(f + " $.rows[0].cells[0].std: expected a standard deviation, 0 or more, or null, found -0.5",
                e.getMessage());

        Files.writeString(f, "{\"title\": \"t\", \"corner\": \"Group\", \"columns\": [\"A\"],"
                + " \"rows\": [{\"label\": \"SL\", \"cells\": [{\"value\": null, \"std\": 0.5}]}]}");
        e = assertThrows(MalformedTableException.class, () -> TableReader.read(f));
        assertEquals(f + " $.rows[0].cells[0].std: expected null beside an empty value, found 0.5", e.getMessage());
    }

    @Test
    void aTableBeingRewrittenIsReadWholeOldOrNew(@TempDir Path dir) throws Exception {
        // a grid rewrites its tables after every sweep while `prefine compare` may read them; a kill
        // or a full disk in the middle of a rewrite leaves the same state a reader sees here
        Table older = sample();
        Table newer = new Table(older.title(), older.corner(), older.columns(), List.of(older.rows().get(0)));
        Path json = TableWriter.standard().writeAll(older, dir, "table2").get(2);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                for (int n = 0; !stop.get(); n++) {
                    TableWriter.standard().writeAll(n % 2 == 0 ? newer : older, dir, "table2");
                }
            } catch (Throwable t) {
                writerFailed.set(t);
            }
        });
        writer.start();
        try {
            for (int i = 0; i < 3000; i++) {
                Table read = TableReader.read(json);
                assertTrue(read.equals(older) || read.equals(newer), "read " + read);
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertEquals(null, writerFailed.get());
    }

    @Test
    void aMalformedComparisonNamesItsPath(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.json");
        Table t = new Table("Table 1", "Target", List.of("Baseline", "A"), List.of(new Table.Row("T1",
                List.of(Cell.of(70, 1), Cell.of(71, 1).withVsBaseline(
                        io.github.prefine.eval.stats.SeedTTests.paired(new double[] {70, 71}, new double[] {71, 73})
                                .withAdjustedP(0.5))))));
        String good = TableWriter.standard().toJson(t);
        Files.writeString(f, good);
        assertEquals(t, TableReader.read(f));

        Files.writeString(f, good.replace("\"paired\"", "\"pooled\""));
        MalformedTableException e = assertThrows(MalformedTableException.class, () -> TableReader.read(f));
        assertEquals(f + " $.rows[0].cells[1].vsBaseline.test: expected \"paired\" or \"welch\", found \"pooled\"",
                e.getMessage());

        Files.writeString(f, good.replace("\"pHolm\": 0.5", "\"pHolm\": 0.01"));
        e = assertThrows(MalformedTableException.class, () -> TableReader.read(f));
        assertTrue(e.getMessage().startsWith(f + " $.rows[0].cells[1].vsBaseline: expected a consistent comparison"
                + " with the baseline, found an adjusted p-value is never below the raw one"), e.getMessage());

        Files.writeString(f, good.replace("\"nSetting\": 2", "\"nSetting\": 0"));
        e = assertThrows(MalformedTableException.class, () -> TableReader.read(f));
        assertEquals(f + " $.rows[0].cells[1].vsBaseline.nSetting: expected a whole number of runs, 1 or more, found 0",
                e.getMessage());
    }
}
