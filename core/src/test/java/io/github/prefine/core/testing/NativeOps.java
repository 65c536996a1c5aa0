package io.github.prefine.core.testing;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The native operations a piece of work dispatches, counted as {@code bench --profile} counts them:
 * the {@code aten::} events of PyTorch's legacy profiler not nested in another (each a native call
 * and, on a GPU, at least one kernel launch), by name.
 */
public final class NativeOps {
    private NativeOps() {}

    /**
     * Runs the work under PyTorch's profiler and returns its top-level operations by name.
     *
     * @param dir a folder for the trace
     * @param work the work; the arrays it reads should be made before, so that only it is counted
     * @return operation name to count, sorted by name
     */
    public static Map<String, Integer> during(Path dir, Runnable work) {
        Path trace = dir.resolve("ops-" + System.nanoTime() + ".json");
        JniUtils.startProfile(false, false, false);
        try {
            work.run();
        } finally {
            JniUtils.stopProfile(trace.toString());
        }
        try {
            return topLevel(trace);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sums a histogram.
     *
     * @param ops operation name to count
     * @return the number of operations
     */
    public static int total(Map<String, Integer> ops) {
        return ops.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * Counts the top-level {@code aten::} operations of a trace by name.
     *
     * @param trace a trace written by {@code JniUtils.stopProfile}
     * @return operation name to count, sorted by name
     * @throws IOException if the trace cannot be read
     */
    public static Map<String, Integer> topLevel(Path trace) throws IOException {
        List<double[]> spans = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (JsonElement e : JsonParser.parseString(Files.readString(trace)).getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            String name = o.get("name").getAsString();
            if (name.startsWith("aten::")) {
                double ts = o.get("ts").getAsDouble();
                spans.add(new double[] {ts, ts + o.get("dur").getAsDouble(), names.size()});
                names.add(name);
            }
        }
        // outer events first: by start, then longest; one is top-level when it starts after the last one ends
        spans.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(b[1], a[1]));
        Map<String, Integer> top = new TreeMap<>();
        double end = Double.NEGATIVE_INFINITY;
        for (double[] s : spans) {
            if (s[0] >= end) {
                top.merge(names.get((int) s[2]), 1, Integer::sum);
                end = s[1];
            }
        }
        return top;
    }
}
