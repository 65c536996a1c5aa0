package io.github.prefine.examples.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Counts the operations in a trace written by PyTorch's legacy profiler (DJL's {@code
 * JniUtils.stopProfile}): the {@code aten::} events not nested in another {@code aten::} event of
 * the same thread. Those are the operations dispatched from the host (by a JNI call or by the
 * autograd engine); the GPU time of a small step follows their number.
 */
final class ProfileCounts {
    private ProfileCounts() {}

    /**
     * Counts the top-level operations of a trace.
     *
     * @param trace the trace file
     * @return {top-level aten operations, of which host-device copies ({@code aten::to},
     *     {@code aten::_to_copy}, {@code aten::copy_})}
     * @throws IOException if the file cannot be read or is not a trace
     */
    static long[] topLevelOps(Path trace) throws IOException {
        JsonElement root;
        try {
            root = JsonParser.parseString(Files.readString(trace));
        } catch (RuntimeException e) {
            throw new IOException(trace + ": not a profiler trace (" + e.getMessage() + ")", e);
        }
        Map<Long, List<double[]>> byThread = new HashMap<>();
        Map<double[], String> names = new HashMap<>();
        for (JsonElement e : root.getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            String name = o.get("name").getAsString();
            if (!name.startsWith("aten::")) {
                continue;
            }
            double[] span = {o.get("ts").getAsDouble(), o.get("dur").getAsDouble()};
            names.put(span, name);
            byThread.computeIfAbsent(o.get("tid").getAsLong(), k -> new ArrayList<>()).add(span);
        }
        long ops = 0;
        long copies = 0;
        Map<String, Integer> histogram = new java.util.TreeMap<>();
        for (List<double[]> spans : byThread.values()) {
            // outer events first: by start, then longest
            spans.sort(Comparator.<double[]>comparingDouble(s -> s[0]).thenComparingDouble(s -> -s[1]));
            Deque<Double> open = new ArrayDeque<>();
            for (double[] s : spans) {
                while (!open.isEmpty() && open.peek() <= s[0]) {
                    open.pop();
                }
                if (open.isEmpty()) {
                    ops++;
                    String n = names.get(s);
                    histogram.merge(n, 1, Integer::sum);
                    if (n.equals("aten::to") || n.equals("aten::_to_copy") || n.equals("aten::copy_")) {
                        copies++;
                    }
                }
                open.push(s[0] + s[1]);
            }
        }
        if (Boolean.getBoolean("prefine.profile.histogram")) {
            histogram.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(200)
                    .forEach(e -> System.out.printf(Locale.ROOT, "      %5d %s%n", e.getValue(), e.getKey()));
        }
        return new long[] {ops, copies};
    }
}
