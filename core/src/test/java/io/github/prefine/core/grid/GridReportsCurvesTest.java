package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.RunRecord;
import io.github.prefine.eval.stats.SeedDifference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A setting's training curves change only with its {@code result.json}, so a rewrite of the
 * reports (every 30 s of a grid) redraws them only then, or when a plot is missing.
 */
class GridReportsCurvesTest {

    private static final String ONE_EPOCH = "{\"trainLoss\":1.0,\"averageValidationLoss\":0.9,\"validationLosses\":[0.9]}";

    private static void writeResult(Path result, String epochs) throws Exception {
        Files.writeString(result, "{\"history\":{\"tasks\":[\"conll2003\"],\"epochs\":[" + epochs + "]}}");
    }

    @Test
    void curvesAreRedrawnOnlyWhenTheirResultChangesOrAPlotIsMissing(@TempDir Path out) throws Exception {
        Path records = Files.createDirectories(out.resolve("records"));
        ResultLog.append(records.resolve("a.jsonl"), new RunRecord("Baseline", "wnut17", "SL", 1, 41));
        ResultLog.append(records.resolve("a.jsonl"), new RunRecord("Only-SL", "wnut17", "SL", 1, 46));
        Path result = Files.createDirectories(out.resolve("prefinetune").resolve("Only-SL")).resolve("result.json");
        writeResult(result, ONE_EPOCH);
        GridReports r = new GridReports(new GridLayout(out), List.of("Baseline", "Only-SL"),
                List.of(TaskCatalog.task("wnut17")), SeedDifference.ALPHA);
        r.write();
        Path png = out.resolve("curves-Only-SL.png");
        Path svg = out.resolve("curves-Only-SL.svg");
        assumeTrue(Files.exists(png), "this machine draws no charts (no fonts); GridReportsWithoutFontsTest covers that");

        // a plot not drawn again keeps whatever bytes it has: a marker shows whether it was
        byte[] marker = "not redrawn".getBytes(StandardCharsets.UTF_8);
        Files.write(png, marker);
        GridReports.Written again = r.write();
        assertArrayEquals(marker, Files.readAllBytes(png), "the result is unchanged: the curves are not drawn again");
        assertTrue(again.files().contains(png) && again.files().contains(svg),
                "the kept plots are still among the report files: " + again.files());

        Files.delete(svg);
        r.write();
        assertTrue(Files.exists(svg), "a missing plot is drawn again");

        writeResult(result, ONE_EPOCH + "," + ONE_EPOCH.replace("1.0", "0.5"));
        r.write();
        byte[] redrawn = Files.readAllBytes(png);
        assertFalse(Arrays.equals(marker, redrawn), "a changed result redraws its curves");
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(redrawn, 4), "a PNG again");
    }
}
