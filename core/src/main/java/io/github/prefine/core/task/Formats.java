package io.github.prefine.core.task;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.head.HeadLabels;
import java.util.ArrayList;
import java.util.List;

/** Helpers the task formats share. Stateless. */
final class Formats {
    private Formats() {}

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
