package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.Task;
import io.github.prefine.eval.report.TableWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target added to a finished grid: only its finetuning runs, the rest is kept, and the tables
 * are those of a grid run with every target from the start.
 */
class GridAddedTargetTest {
    @TempDir
    Path dir;

    @Test
    void anAddedTargetRunsOnlyItsOwnSweeps() throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Task sl = f.targets.get(0);
        Task c = f.targets.get(1);
        Path out = dir.resolve("out");
        GridSummary first = f.tiny(List.of(sl), out).build().run();
        // Baseline, Only-SL, Only-C, SL+C: three pre-finetunings and four finetunings of sl-target
        assertEquals(7, first.sweepsRun());

        GridSummary added = f.tiny(List.of(sl, c), out).build().run();
        assertEquals(4, added.sweepsRun(), "only c-target's four finetunings run");
        assertEquals(7, added.sweepsSkipped());
        assertTrue(GridFixtures.json(out.resolve("run.json")).getAsJsonObject("fingerprint").getAsJsonObject("grid")
                .get("targets").getAsString().equals("sl-target,c-target"), "run.json names the added target");

        // ground truth: the same grid with both targets from the start, in another folder
        GridSummary fresh = f.tiny(List.of(sl, c), dir.resolve("fresh")).build().run();
        assertEquals(fresh.report().table1(), added.report().table1());
        assertEquals(fresh.report().table2(), added.report().table2());
        assertEquals(Files.readString(dir.resolve("fresh/table1.md")), Files.readString(out.resolve("table1.md")));
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
}
