package io.github.prefine.eval.plot;

import java.awt.AWTError;
import java.awt.HeadlessException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.knowm.xchart.internal.chartpart.Chart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes charts without ever failing the work they illustrate: a chart that cannot be drawn is
 * skipped with a warning, and tables and results are written as usual.
 *
 * <p>The common cause is a server without fontconfig or fonts, where Java2D cannot measure text
 * ("Fontconfig head is null"). The first such failure logs one warning that names the fix, and
 * every later chart of this writer is skipped silently (and counted), since it would fail the same
 * way. Any other failure of one chart is logged once for that chart. I/O errors (a full disk)
 * still propagate: they concern the tables too. Not thread-safe; one instance per run.
 */
public final class BestEffortCharts {
    private static final Logger LOG = LoggerFactory.getLogger(BestEffortCharts.class);

    /** What to install, for the warning. */
    static final String FIX = "install fontconfig and a font (Debian/Ubuntu: apt-get install fontconfig fonts-dejavu-core;"
            + " RHEL/Fedora: dnf install fontconfig dejavu-sans-fonts) and run again to get the PNG and SVG charts";

    private String renderingFailure;
    private int written;
    private int skipped;

    /** Creates a writer that has drawn nothing yet. */
    public BestEffortCharts() {}

    /**
     * Builds and writes one chart as PNG and SVG, or skips it.
     *
     * @param chart builds the chart (building may already need fonts)
     * @param dir directory, created if absent
     * @param base file name without extension
     * @return the PNG and SVG paths, or an empty list when the chart was skipped
     * @throws IOException if writing fails for a reason other than rendering
     */
    public List<Path> write(Supplier<? extends Chart<?, ?>> chart, Path dir, String base) throws IOException {
        if (renderingFailure != null) {
            skipped++;
            return List.of();
        }
        try {
            List<Path> files = Charts.writePngAndSvg(chart.get(), dir, base);
            written++;
            return files;
        } catch (IOException | VirtualMachineError e) {
            if (e instanceof InternalError ie && isRendering(ie)) {
                return renderingFailed(ie);
            }
            throw e;
        } catch (RuntimeException | LinkageError | AWTError e) {
            if (isRendering(e)) {
                return renderingFailed(e);
            }
            skipped++;
            LOG.warn("chart {} skipped: {}; tables and results are written as usual", base, rootMessage(e));
            return List.of();
        }
    }

    /**
     * Charts written by this writer.
     *
     * @return the count
     */
    public int written() {
        return written;
    }

    /**
     * Charts skipped by this writer.
     *
     * @return the count
     */
    public int skipped() {
        return skipped;
    }

    /**
     * Why charts cannot be drawn on this machine, once a chart has failed that way.
     *
     * @return the root cause's message, or null while charts work
     */
    public String renderingFailure() {
        return renderingFailure;
    }

    private List<Path> renderingFailed(Throwable e) {
        renderingFailure = rootMessage(e);
        skipped++;
        LOG.warn("charts skipped: Java cannot draw text on this machine ({}); {}; tables and results are written"
                + " as usual", renderingFailure, FIX);
        return List.of();
    }

    /** Failures of the font and graphics stack rather than of one chart's data. */
    static boolean isRendering(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof AWTError || t instanceof HeadlessException || t instanceof UnsatisfiedLinkError
                    || t instanceof NoClassDefFoundError || t instanceof InternalError
                    || m.contains("font") || m.contains("awt") || m.contains("java2d")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("\\s+", " ").strip();
    }
}
