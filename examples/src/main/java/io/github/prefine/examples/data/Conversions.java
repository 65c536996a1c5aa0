package io.github.prefine.examples.data;

import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the conversion records. */
final class Conversions {
    private Conversions() {}

    static List<String> sourceColumns(List<String> sources, String label) {
        List<String> out = new ArrayList<>();
        for (String s : sources) {
            if (s.startsWith("col:") && !out.contains(s.substring(4))) {
                out.add(s.substring(4));
            }
        }
        if (label != null && !out.contains(label)) {
            out.add(label);
        }
        return List.copyOf(out);
    }
}
