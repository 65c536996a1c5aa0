package io.github.prefine.eval.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failures are the real exceptions a chart builder throws (no mock): Java2D without fonts
 * throws an InternalError "Fontconfig head is null", a chart of bad data an IllegalArgumentException.
 */
class BestEffortChartsTest {

    @Test
    void aChartThatDrawsIsWrittenAndCounted(@TempDir Path dir) throws Exception {
        BestEffortCharts charts = new BestEffortCharts();
        List<Path> files = charts.write(() -> Charts.groupBars(ChartsTest.table2(), 400, 300), dir, "t2");
        assertEquals(List.of(dir.resolve("t2.png"), dir.resolve("t2.svg")), files);
        assertTrue(Files.size(files.get(0)) > 0);
        assertEquals(1, charts.written());
        assertEquals(0, charts.skipped());
        assertNull(charts.renderingFailure());
    }

    @Test
    void aRenderingFailureSkipsThatChartAndEveryLaterOne(@TempDir Path dir) throws Exception {
        BestEffortCharts charts = new BestEffortCharts();
        assertEquals(List.of(), charts.write(() -> {
            throw new InternalError("Fontconfig head is null", new RuntimeException("  no\\n  fonts  "));
        }, dir, "a"));
        // the root cause's message, whitespace collapsed
        assertEquals("no\\n fonts", charts.renderingFailure().replace("\n", "\\n"));
        assertEquals(List.of(), charts.write(() -> Charts.groupBars(ChartsTest.table2(), 400, 300), dir, "b"));
        assertEquals(2, charts.skipped());
        assertEquals(0, charts.written());
        assertFalse(Files.exists(dir.resolve("b.png")));
    }

    @Test
    void aFailureOfOneChartsDataSkipsOnlyThatChart(@TempDir Path dir) throws Exception {
        BestEffortCharts charts = new BestEffortCharts();
        assertEquals(List.of(), charts.write(() -> {
            throw new IllegalArgumentException("no series");
        }, dir, "a"));
        assertNull(charts.renderingFailure());
        assertEquals(1, charts.skipped());
        assertEquals(2, charts.write(() -> Charts.groupBars(ChartsTest.table2(), 400, 300), dir, "b").size());
        assertEquals(1, charts.written());
        // an I/O failure concerns the tables too: it propagates (here the directory is a file)
        Path notADirectory = Files.createFile(dir.resolve("file"));
        assertThrows(IOException.class,
                () -> charts.write(() -> Charts.groupBars(ChartsTest.table2(), 400, 300), notADirectory, "c"));
    }

    @Test
    void renderingFailuresAreToldApartFromDataFailures() {
        assertTrue(BestEffortCharts.isRendering(new InternalError("x")));
        assertTrue(BestEffortCharts.isRendering(new NoClassDefFoundError("sun/awt/X11FontManager")));
        assertTrue(BestEffortCharts.isRendering(new RuntimeException("wrap", new IllegalStateException("Java2D pipeline"))));
        assertTrue(BestEffortCharts.isRendering(new IllegalStateException("cannot load font")));
        assertFalse(BestEffortCharts.isRendering(new IllegalArgumentException("series must not be empty")));
        assertFalse(BestEffortCharts.isRendering(new RuntimeException((String) null)));
    }
}
