package io.github.prefine.core.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A seeded, machine-independent 4:1 train/validation split of a dataset that ships as one file
 * (QED dev, Adversarial SQuAD, Wikigold, XQuAD).
 *
 * <p>Examples are grouped by a key (by default the example id; for Adversarial SQuAD the original
 * question id, so a question and its adversarial variants never straddle the split), groups are
 * taken in order of first appearance in the file, and the group order is shuffled by Fisher–Yates
 * with a {@link SplittableRandom} of the given seed, whose algorithm the JDK specifies exactly, so
 * every machine and JDK gives the same split. Groups are then assigned to validation in shuffled
 * order until it holds at least {@code round(n / 5)} examples; all others stay in train, in file
 * order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param train the training part, in file order
 * @param validation the validation part, in file order
 * @param <E> the example type
 */
public record SeededSplit<E extends Example>(List<E> train, List<E> validation) {
    /** The seed prefine uses for its catalogued one-file datasets. */
    public static final long DEFAULT_SEED = 20230401L;

    /**
     * Copies the lists.
     *
     * @param train the training part, in file order
     * @param validation the validation part, in file order
     */
    public SeededSplit {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
    }

    /**
     * Splits by example id.
     *
     * @param examples the examples in file order
     * @param seed the seed
     * @param <E> the example type
     * @return the split
     */
    public static <E extends Example> SeededSplit<E> of(List<E> examples, long seed) {
        return of(examples, seed, Example::id);
    }

    /**
     * Splits keeping groups together.
     *
     * @param examples the examples in file order
     * @param seed the seed
     * @param groupKey maps an example to its group
     * @param <E> the example type
     * @return the split
     */
    public static <E extends Example> SeededSplit<E> of(
            List<E> examples, long seed, Function<? super E, String> groupKey) {
        Map<String, Integer> groupIndex = new LinkedHashMap<>();
        List<Integer> sizes = new ArrayList<>();
        int[] groupOf = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            String key = groupKey.apply(examples.get(i));
            Integer g = groupIndex.get(key);
            if (g == null) {
                g = groupIndex.size();
                groupIndex.put(key, g);
                sizes.add(0);
            }
            sizes.set(g, sizes.get(g) + 1);
            groupOf[i] = g;
        }
        int groups = sizes.size();
        int[] order = new int[groups];
        for (int i = 0; i < groups; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = groups - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        long target = Math.round(examples.size() / 5.0);
        boolean[] isValidation = new boolean[groups];
        long taken = 0;
        for (int i = 0; i < groups && taken < target; i++) {
            isValidation[order[i]] = true;
            taken += sizes.get(order[i]);
        }
        List<E> train = new ArrayList<>();
        List<E> validation = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            (isValidation[groupOf[i]] ? validation : train).add(examples.get(i));
        }
        return new SeededSplit<>(train, validation);
    }
}
