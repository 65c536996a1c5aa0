package io.github.prefine.eval.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.eval.report.Cell;
import io.github.prefine.eval.report.Table;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class ChartsTest {

    static Table table2() {
        List<String> settings = List.of("Baseline", "Only-SL", "SL+QA");
        return new Table("t2", "Group", settings, List.of(
                new Table.Row("SL", List.of(Cell.of(80.1), Cell.of(81.3), Cell.of(81.2))),
                new Table.Row("C", List.of(Cell.of(62.0), Cell.of(60.4), Cell.empty())),
                new Table.Row("QA", List.of(Cell.of(52.3), Cell.of(50.9), Cell.of(55.0))),
                new Table.Row("Average", List.of(Cell.of(64.8), Cell.of(64.2), Cell.of(68.1)))));
    }

    /** Parses without fetching the SVG DTD (no network here, and none needed). */
    static Document parseOffline(java.io.File f) throws Exception {
        DocumentBuilderFactory f0 = DocumentBuilderFactory.newInstance();
        f0.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f0.newDocumentBuilder().parse(f);
    }

    @Test
    void groupBarsWritePngOfRightSizeAndParsableSvg(@TempDir Path dir) throws Exception {
        List<Path> files = Charts.writePngAndSvg(Charts.groupBars(table2(), 800, 500), dir, "table2");
        BufferedImage img = ImageIO.read(files.get(0).toFile());
        assertEquals(800, img.getWidth());
        assertEquals(500, img.getHeight());
        // non-trivial: the image is not one flat colour
        int first = img.getRGB(0, 0);
        boolean varied = false;
        for (int y = 0; y < img.getHeight() && !varied; y += 5) {
            for (int x = 0; x < img.getWidth(); x += 5) {
                if (img.getRGB(x, y) != first) {
                    varied = true;
                    break;
                }
            }
        }
        assertTrue(varied);
        Document svg = parseOffline(files.get(1).toFile());
        assertEquals("svg", svg.getDocumentElement().getTagName());
        assertTrue(Files.size(files.get(1)) > 1000);
    }

    @Test
    void trainingCurvesWriteBothFormats(@TempDir Path dir) throws Exception {
        Map<String, List<Double>> loss = new LinkedHashMap<>();
        loss.put("conll2003", List.of(1.2, 0.8, 0.6, 0.5));
        loss.put("squad", List.of(3.1, 2.2, 1.9, 1.8));
        List<Path> files = Charts.writePngAndSvg(
                Charts.trainingCurves(loss, List.of(2.0, 1.5, 1.4, 1.45), 640, 400), dir, "curves");
        BufferedImage img = ImageIO.read(files.get(0).toFile());
        assertEquals(640, img.getWidth());
        assertEquals(400, img.getHeight());
        parseOffline(files.get(1).toFile());
        assertThrows(IllegalArgumentException.class, () -> Charts.trainingCurves(Map.of(), List.of(), 10, 10));
    }

    @Test
    void groupBarsHaveOneSeriesPerGroupAndAGapForAnEmptyCell() {
        var chart = Charts.groupBars(table2(), 800, 500);
        // the Average row is no group
        assertEquals(List.of("SL", "C", "QA"), List.copyOf(chart.getSeriesMap().keySet()));
        assertEquals(List.of("Baseline", "Only-SL", "SL+QA"), List.copyOf(chart.getSeriesMap().get("C").getXData()));
        assertEquals(java.util.Arrays.asList(62.0, 60.4, null), new java.util.ArrayList<>(chart.getSeriesMap().get("C").getYData()));
    }

    @Test
    void trainingCurvesPlotEpochsFromOneAndSkipEmptySeries() {
        Map<String, List<Double>> loss = new LinkedHashMap<>();
        loss.put("conll2003", List.of(1.2, 0.8, 0.6));
        loss.put("empty", List.of());
        var chart = Charts.trainingCurves(loss, List.of(2.0, 1.5), 640, 400);
        assertEquals(List.of("conll2003 (train)", "average validation"), List.copyOf(chart.getSeriesMap().keySet()));
        assertArrayEquals(new double[] {1, 2, 3}, chart.getSeriesMap().get("conll2003 (train)").getXData());
        assertArrayEquals(new double[] {1.2, 0.8, 0.6}, chart.getSeriesMap().get("conll2003 (train)").getYData());
        assertArrayEquals(new double[] {1, 2}, chart.getSeriesMap().get("average validation").getXData());
        // either kind of series alone is something to draw
        assertEquals(1, Charts.trainingCurves(Map.of("t", List.of(1.0)), List.of(), 10, 10).getSeriesMap().size());
        assertEquals(1, Charts.trainingCurves(Map.of(), List.of(1.0), 10, 10).getSeriesMap().size());
    }

    @Test
    void aLinkPlantedAtATempNameOfAnEarlierVersionIsNotWrittenThrough(@TempDir Path dir) throws Exception {
        // earlier versions wrote .BASE.png.tmp and .BASE.svg.tmp in place, so a link at either name
        // had the chart overwrite the file it led to
        Path victim = Files.writeString(dir.resolve("elsewhere.txt"), "someone's own file\n");
        Path out = Files.createDirectories(dir.resolve("shared-out"));
        Files.createSymbolicLink(out.resolve(".table2.png.tmp"), victim);
        Files.createSymbolicLink(out.resolve(".table2.svg.tmp"), victim);
        // and the final names too: the rename replaces a link there
        Files.createSymbolicLink(out.resolve("table2.png"), victim);

        List<Path> files = Charts.writePngAndSvg(Charts.groupBars(table2(), 400, 300), out, "table2");

        assertEquals("someone's own file\n", Files.readString(victim));
        assertEquals(400, ImageIO.read(files.get(0).toFile()).getWidth());
        assertTrue(Files.isRegularFile(files.get(0), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }
}
