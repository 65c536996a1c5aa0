package io.github.prefine.core.task;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.head.HeadLabels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Helpers the task formats share. Stateless. */
final class Formats {
    private Formats() {}

    /**
     * Code-point order, as Python's {@code sorted} orders the labels of HF's {@code run_glue.py} and
     * {@code run_ner.py}: String's own order compares UTF-16 units, which puts a character past
     * U+FFFF (its surrogates, D800–DFFF) before one of U+E000–U+FFFF, so label ids differed from HF's.
     */
    static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    };

    /** Checks and narrows a list of examples to a format's example type. */
    static <E extends Example> List<E> typed(List<Example> examples, Class<E> type, TaskFormat format) {
        List<E> out = new ArrayList<>(examples.size());
        for (Example e : examples) {
            if (!type.isInstance(e)) {
                throw new ClassCastException("format " + format + ": example " + e.id() + " is a "
                        + e.getClass().getSimpleName() + ", expected a " + type.getSimpleName());
            }
            out.add(type.cast(e));
        }
        return out;
    }

    /** One label per unit, a negative one (unlabelled) becoming the ignore label. */
    static HeadLabels perUnit(long[] labels) {
        int[] out = new int[labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels[i] < 0 ? HeadLabels.IGNORE : (int) labels[i];
        }
        return new HeadLabels(out, new long[] {out.length});
    }

    /** The index of the largest of {@code width} values from {@code from}; the first on ties. */
    static int argmax(float[] v, int from, int width) {
        int best = 0;
        for (int i = 1; i < width; i++) {
            if (v[from + i] > v[from + best]) {
                best = i;
            }
        }
        return best;
    }
}
