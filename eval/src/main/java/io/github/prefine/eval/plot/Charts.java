package io.github.prefine.eval.plot;

import io.github.prefine.eval.internal.WholeFiles;
import io.github.prefine.eval.report.Cell;
import io.github.prefine.eval.report.Table;
import io.github.prefine.eval.report.Tables;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws the report's charts with XChart and writes each as PNG and SVG.
 *
 * <p>Rendering needs fonts (fontconfig and at least one font on Linux); {@link BestEffortCharts}
 * turns a machine without them into one warning instead of a failed run. Rendering is headless: loading this class sets {@code java.awt.headless=true} unless the
 * property was already set, so it works on machines without a display. Stateless; chart writing
 * is thread-safe as far as Java2D is.
 */
public final class Charts {
    private static final Logger LOG = LoggerFactory.getLogger(Charts.class);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {}

    /**
     * Table 2 as grouped bars: settings on the x-axis, one bar per target group (the "Average" row
     * is left out).
     *
     * @param table2 a table made by {@link Tables#table2}
     * @param width image width in pixels
     * @param height image height in pixels
     * @return the chart
     */
    public static CategoryChart groupBars(Table table2, int width, int height) {
        CategoryChart chart = new CategoryChartBuilder().width(width).height(height)
                .title("Average target score per group and pre-finetuning setting")
                .xAxisTitle("Pre-finetuning setting").yAxisTitle("Score").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(30);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        // XChart formats tick labels in the JVM's locale: ar-EG drew Arabic-Indic digits, de-DE commas
        chart.getStyler().setLocale(Locale.ROOT);
        for (Table.Row row : table2.rows()) {
            if (row.label().equals(Tables.AVERAGE)) {
                continue;
            }
            List<Number> y = new ArrayList<>();
            for (Cell c : row.cells()) {
                y.add(c.isEmpty() ? null : c.value());
            }
            chart.addSeries(row.label(), table2.columns(), y);
        }
        return chart;
    }

    /**
     * Training curves: loss per epoch for each task, and the average validation loss that drives
     * early stopping (dashed).
     *
     * @param trainLoss per task, its loss at epochs 1, 2, ... (insertion order is legend order)
     * @param averageValidationLoss average validation loss at epochs 1, 2, ...; may be empty
     * @param width image width in pixels
     * @param height image height in pixels
     * @return the chart
     * @throws IllegalArgumentException if there is nothing to draw
     */
    public static XYChart trainingCurves(Map<String, List<Double>> trainLoss, List<Double> averageValidationLoss,
            int width, int height) {
        Objects.requireNonNull(trainLoss, "trainLoss");
        Objects.requireNonNull(averageValidationLoss, "averageValidationLoss");
        XYChart chart = new XYChartBuilder().width(width).height(height).title("Pre-finetuning loss per epoch")
                .xAxisTitle("Epoch").yAxisTitle("Loss").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setLocale(Locale.ROOT);
        int series = 0;
        for (Map.Entry<String, List<Double>> e : trainLoss.entrySet()) {
            if (!e.getValue().isEmpty()) {
                chart.addSeries(e.getKey() + " (train)", epochs(e.getValue().size()), toArray(e.getValue()));
                series++;
            }
        }
        if (!averageValidationLoss.isEmpty()) {
            chart.addSeries("average validation", epochs(averageValidationLoss.size()), toArray(averageValidationLoss))
                    .setLineStyle(new java.awt.BasicStroke(2.5f, java.awt.BasicStroke.CAP_BUTT,
                            java.awt.BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 6f}, 0f));
            series++;
        }
        if (series == 0) {
            throw new IllegalArgumentException("training curves need at least one non-empty series, found none");
        }
        return chart;
    }

    /**
     * Writes a chart as {@code base.png} and {@code base.svg}.
     *
     * @param chart the chart
     * @param dir directory, created if absent
     * @param base file name without extension
     * @return the PNG and SVG paths
     * @throws java.nio.file.FileSystemException naming the PNG or SVG file if writing it fails (a
     *     full disk, say); the files then keep their old content
     * @throws IOException if a rename fails
     */
    public static List<Path> writePngAndSvg(Chart<?, ?> chart, Path dir, String base) throws IOException {
        Files.createDirectories(dir);
        Path png = dir.resolve(base + ".png");
        Path svg = dir.resolve(base + ".svg");
        // complete files or none: a reader, a kill or a full disk never sees half an image
        Path pngTmp = WholeFiles.tempName(png);
        Path svgTmp = WholeFiles.tempName(svg);
        try {
            // a full disk surfaces as the encoders' own wrappers of an unnamed OS error: name the file
            try (OutputStream os = Files.newOutputStream(pngTmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
            } catch (IOException e) {
                throw WholeFiles.naming(png, e);
            }
            try (OutputStream os = Files.newOutputStream(svgTmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                VectorGraphicsEncoder.saveVectorGraphic(chart, os, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            } catch (IOException e) {
                throw WholeFiles.naming(svg, e);
            }
            WholeFiles.replace(pngTmp, png);
            WholeFiles.replace(svgTmp, svg);
        } finally {
            Files.deleteIfExists(pngTmp);
            Files.deleteIfExists(svgTmp);
        }
        LOG.debug("wrote {} and {}", png, svg);
        return List.of(png, svg);
    }

    private static double[] epochs(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
        }
        return x;
    }

    private static double[] toArray(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
