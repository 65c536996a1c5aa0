package io.github.prefine.examples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataStatusTest {
    @TempDir
    Path data;

    @Test
    void handLaidPresentAndPartialTasksWithCountsOnlyWhenAsked() throws IOException {
        TestFiles.write(data, "cls/glue_rte/train.tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\tc\td\tnot_entailment\n");
        TestFiles.write(data, "cls/glue_rte/dev.tsv", "index\tsentence1\tsentence2\tlabel\n0\te\tf\tentailment\n");
        TestFiles.write(data, "cls/boolq/val.jsonl", "{\"question\":\"q\",\"passage\":\"p\",\"label\":true}\n");

        DataStatus.Row rte = DataStatus.row(data, TaskCatalog.task("rte"), true);
        DataStatus.Row boolq = DataStatus.row(data, TaskCatalog.task("boolq"), true);
        DataStatus.Row quick = DataStatus.row(data, TaskCatalog.task("rte"), false);

        assertEquals(DataStatus.State.PRESENT, rte.state());
        assertEquals(Map.of(Split.TRAIN, 2, Split.VALIDATION, 1), rte.counts());
        assertEquals("hand-laid", rte.source());
        assertEquals(DataStatus.State.PARTIAL, boolq.state());
        assertEquals(Map.of(Split.VALIDATION, 1), boolq.counts());
        assertEquals(DataStatus.Origin.HAND_LAID, boolq.origin());
        assertEquals("hand-laid, missing " + Path.of("cls/boolq/train.jsonl"), boolq.source());
        assertEquals(Map.of(), quick.counts(), "no file read when counts are not asked for");
        // the summary's counts add up to the 41 rows: a partial task is not counted as present
        // and hand-laid (it was: "1 of 41 tasks present (0 fetched from the Hub, 2 hand-laid)")
        String table = DataStatus.table(DataStatus.of(data, false));
        assertTrue(table.endsWith("1 of 41 tasks present (0 fetched from the Hub, 1 hand-laid), 1 partial, 39 missing\n"),
                table);
    }

    @Test
    void aTaskWithoutValidationFileShowsTheSplitsARunTrainsAndSelectsOn() throws IOException {
        // re3d has train and test files only: a run holds out a fifth of train for validation. The
        // status showed train 10, validation -, where a run trains on 8 and selects on 2.
        StringBuilder train = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            train.append("w").append(i).append("\tB-Person\nx\tO\n\n");
        }
        TestFiles.write(data, "sl/re3d/re3d-train.conll", train.toString());
        TestFiles.write(data, "sl/re3d/re3d-test.conll", "a\tO\n\nb\tB-Person\n\n");

        DataStatus.Row re3d = DataStatus.row(data, TaskCatalog.task("re3d"), true);

        assertEquals(Map.of(Split.TRAIN, 8, Split.VALIDATION, 2, Split.TEST, 2), re3d.counts());
    }

    @Test
    void anInterruptedFetchShowsAsIncomplete() throws IOException {
        TestFiles.write(data, "cls/glue_rte/train.tsv", "index\tsentence1\tsentence2\tlabel\n");
        TestFiles.write(data, ".prefine/fetched/rte.fetching", "c0ffee\n");

        DataStatus.Row r = DataStatus.row(data, TaskCatalog.task("rte"), true);

        assertEquals("incomplete fetch: run prefine data fetch --tasks rte again", r.source());
        assertEquals(Map.of(), r.counts());
    }

    /**
     * A fetch record cut short (an empty file, a disk that filled) or without its fields "cannot be
     * read" as {@link FetchRecord#read} documents: an IOException naming the file, which the
     * status line shows, never a NullPointerException out of {@code data status} or a record
     * silently taken as absent (the task then passed for hand-laid).
     */
    @Test
    void aDamagedFetchRecordIsNamedNotTakenForAbsent() throws IOException {
        TestFiles.write(data, "cls/glue_rte/train.tsv", "index\tsentence1\tsentence2\tlabel\n");
        TestFiles.write(data, "cls/glue_rte/dev.tsv", "index\tsentence1\tsentence2\tlabel\n");
        Path record = data.resolve(".prefine/fetched/rte.json");
        for (String text : List.of("", "{\"task\": \"rte\"}")) {
            TestFiles.write(data, ".prefine/fetched/rte.json", text);

            IOException e = assertThrows(IOException.class, () -> FetchRecord.read(data, "rte"));
            DataStatus.Row r = DataStatus.row(data, TaskCatalog.task("rte"), false);

            assertTrue(e.getMessage().startsWith(record + ": not a fetch record"), e.getMessage());
            assertTrue(r.source().startsWith("fetch record unreadable: " + record), r.source());
        }
    }
}
