package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskSource;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link SeededSplit} against a split computed here from its documented rule alone: groups in order
 * of first appearance, shuffled by Fisher–Yates drawing from SplitMix64 (Steele, Lea and Flood
 * 2014, the generator {@link java.util.SplittableRandom} implements, written out below from the
 * paper's constants), and taken into validation until it holds {@code round(n / 5)} examples. A
 * JDK whose generator drew otherwise would move every catalogued hold-out; this pins the split on
 * any JDK the suite runs under, which the old check (the split equals itself) could not.
 */
class SeededSplitTest {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    /** SplitMix64 with the default gamma, as {@code new SplittableRandom(seed)} starts. */
    private static final class SplitMix {
        private long state;

        SplitMix(long seed) {
            state = seed;
        }

        int nextInt() {
            state += GOLDEN_GAMMA;
            long z = state;
            z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
            return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
        }

        /** A uniform int in [0, bound): a mask for powers of two, else rejection of the top remainder. */
        int nextInt(int bound) {
            int r = nextInt();
            int m = bound - 1;
            if ((bound & m) == 0) {
                return r & m;
            }
            for (int u = r >>> 1; u + m - (r = u % bound) < 0; u = nextInt() >>> 1) {
                // rejected: u lies in the incomplete last block of bound values
            }
            return r;
        }
    }

    /** The validation ids the documented rule gives. */
    private static <E extends Example> List<String> expectedValidation(List<E> xs, long seed, Function<E, String> key) {
        Map<String, List<E>> groups = new LinkedHashMap<>();
        for (E e : xs) {
            groups.computeIfAbsent(key.apply(e), k -> new ArrayList<>()).add(e);
        }
        List<List<E>> order = new ArrayList<>(groups.values());
        SplitMix rng = new SplitMix(seed);
        for (int i = order.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            List<E> t = order.get(i);
            order.set(i, order.get(j));
            order.set(j, t);
        }
        long target = Math.round(xs.size() / 5.0);
        Set<E> picked = new HashSet<>();
        long taken = 0;
        for (int i = 0; i < order.size() && taken < target; i++) {
            picked.addAll(order.get(i));
            taken += order.get(i).size();
        }
        List<String> ids = new ArrayList<>();
        for (E e : xs) {
            if (picked.contains(e)) {
                ids.add(e.id());
            }
        }
        return ids;
    }

    private static List<String> ids(List<? extends Example> xs) {
        return xs.stream().map(Example::id).toList();
    }

    @Test
    void theSplitIsTheDocumentedShuffleOfSplitMix64() {
        List<TextExample> xs = new ArrayList<>();
        for (int i = 0; i < 1003; i++) {
            xs.add(new TextExample("e" + i, "t", null, "0"));
        }
        // 1003 groups is no power of two, so the rejection branch is drawn as well as the mask
        for (long seed : new long[] {SeededSplit.DEFAULT_SEED, 7, 0, -1, Long.MIN_VALUE}) {
            SeededSplit<TextExample> s = SeededSplit.of(xs, seed);
            assertEquals(expectedValidation(xs, seed, Example::id), ids(s.validation()), "seed " + seed);
            assertEquals(Math.round(1003 / 5.0), s.validation().size());
            List<String> train = new ArrayList<>(ids(xs));
            train.removeAll(ids(s.validation()));
            assertEquals(train, ids(s.train()), "train keeps file order, seed " + seed);
        }
    }

    @Test
    void groupsOfUnequalSizeStayTogetherAndStopAtTheFirstThatReachesAFifth() {
        // group g holds g % 4 + 1 examples, interleaved with the next group's as the adversarial variants are
        List<TextExample> xs = new ArrayList<>();
        for (int g = 0; g < 150; g++) {
            for (int k = 0; k <= g % 4; k++) {
                xs.add(new TextExample("q" + g + "-v" + k, "t", null, "0"));
            }
        }
        Function<TextExample, String> byGroup = e -> e.id().substring(0, e.id().indexOf('-'));
        SeededSplit<TextExample> s = SeededSplit.of(xs, SeededSplit.DEFAULT_SEED, byGroup);
        assertEquals(expectedValidation(xs, SeededSplit.DEFAULT_SEED, byGroup), ids(s.validation()));
        Set<String> trainGroups = new HashSet<>();
        s.train().forEach(e -> trainGroups.add(byGroup.apply(e)));
        s.validation().forEach(e -> assertTrue(!trainGroups.contains(byGroup.apply(e)), e.id()));
        long target = Math.round(xs.size() / 5.0);
        assertTrue(s.validation().size() >= target && s.validation().size() < target + 4, "a fifth, at most one group over: "
                + s.validation().size() + " of " + xs.size());
    }

    @Test
    void theCataloguedHoldOutsAreTheDocumentedSplitsOfTheSharedFiles() throws IOException {
        var root = SharedFixtures.require("data");
        TaskData wg = TaskCatalog.task("wikigold").load(root, Leniency.STRICT);
        List<Example> all = new ArrayList<>(wg.split(Split.TRAIN));
        all.addAll(wg.split(Split.VALIDATION));
        all.sort((a, b) -> Integer.compare(line(a), line(b)));
        assertEquals(1696, all.size());
        assertEquals(expectedValidation(all, SeededSplit.DEFAULT_SEED, Example::id), ids(wg.split(Split.VALIDATION)));
        TaskData adv = TaskCatalog.task("squad-adversarial").load(root, Leniency.STRICT);
        var file = new SquadReader().read(root.resolve("qa/squad_adversarial/sample1k-HCVerifyAll.json")).examples();
        assertEquals(expectedValidation(file, SeededSplit.DEFAULT_SEED, TaskSource.BY_ID_PREFIX::apply),
                ids(adv.split(Split.VALIDATION)));
    }

    private static int line(Example e) {
        return Integer.parseInt(e.id().substring(e.id().lastIndexOf(':') + 1));
    }
}
