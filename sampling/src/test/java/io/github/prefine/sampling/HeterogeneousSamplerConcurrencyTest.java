package io.github.prefine.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The class Javadoc of {@link HeterogeneousSampler}: "immutable and thread-safe" (its iterators are
 * confined to one thread each). One sampler per strategy, over twelve task sizes
 * from 964 to 15,806 examples, hands 16 threads that open iterators at once the batches one thread gets.
 */
class HeterogeneousSamplerConcurrencyTest {
    private static final int THREADS = 16;
    private static final int ROUNDS = 24;

    @Test
    void iteratorsOfOneSamplerOnManyThreadsDrawAsOnOne() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (SamplingStrategy strategy : SamplingStrategy.values()) {
                HeterogeneousSampler.Builder b = HeterogeneousSampler.builder()
                        .setTaskSizes(14041, 8323, 15806, 4978, 3394, 7816, 2395, 1452, 964, 1726, 12013, 9781)
                        .setBatchSize(32).optStrategy(strategy).optSeed(42);
                if (!strategy.isEpochExact()) {
                    b.optEpochSize(20_000);
                }
                HeterogeneousSampler sampler = b.build();
                List<String> alone = draws(sampler);
                for (int round = 0; round < ROUNDS; round++) {
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<List<String>>> each = new ArrayList<>();
                    for (int t = 0; t < THREADS; t++) {
                        each.add(pool.submit(() -> {
                            go.await();
                            return draws(sampler);
                        }));
                    }
                    go.countDown();
                    for (Future<List<String>> f : each) {
                        assertEquals(alone, f.get(), strategy + " round " + round);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The first 300 batches (more than one epoch of some strategies) as task and example ids. */
    private static List<String> draws(HeterogeneousSampler sampler) {
        List<String> out = new ArrayList<>();
        BatchIterator it = sampler.iterator();
        for (int k = 0; k < 300 && it.hasNext(); k++) {
            Batch batch = it.next();
            StringBuilder sb = new StringBuilder().append(batch.epoch()).append('/').append(batch.index()).append(':');
            for (int p = 0; p < batch.size(); p++) {
                sb.append(batch.taskId(p)).append('.').append(batch.exampleIndex(p)).append(' ');
            }
            out.add(sb.toString());
        }
        return out;
    }
}
