package io.github.prefine.core.features;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.IntUnaryOperator;

/**
 * The order evaluation and prediction run units in: shortest first, ties in index order. Each
 * batch is padded to its longest row, so consecutive units of this order pad to near their own
 * length instead of near the split's longest; callers put the outputs back in index order.
 */
public final class LengthOrder {
    private LengthOrder() {}

    /**
     * Sorts units by their length, stably.
     *
     * @param units the units, in their own order
     * @param length each unit's length in tokens (for a multiple-choice unit, its longest choice)
     * @return the same units, shortest first; units of one length keep their order in {@code units}
     */
    public static int[] of(int[] units, IntUnaryOperator length) {
        int[] lengths = new int[units.length];
        Integer[] at = new Integer[units.length];
        for (int i = 0; i < units.length; i++) {
            lengths[i] = length.applyAsInt(units[i]);
            at[i] = i;
        }
        // Arrays.sort on objects is stable: ties keep their order
        Arrays.sort(at, Comparator.comparingInt(i -> lengths[i]));
        int[] out = new int[units.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = units[at[i]];
        }
        return out;
    }
}
