package io.github.prefine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@link EngineScalars} shares its constants across the process. Each round asks 16 threads at
 * once, each with arrays in a manager of its own, for constants none has asked for before, so the
 * first use of a constant races; every result must equal Java's float32 arithmetic, which IEEE 754
 * rounds as PyTorch does for one multiplication, addition or division.
 */
class EngineScalarsConcurrencyTest {
    private static final int THREADS = 16;
    private static final int ROUNDS = 24;

    @Test
    void constantsFirstUsedOnManyThreadsAtOnceGiveExactResults() throws Exception {
        float[] x = {-3.5f, -1f, 0f, 0.1f, 1f, 2.75f, 1e-3f, 12345.678f};
        List<String> failures = new java.util.ArrayList<>();
        try (NDManager root = NDManager.newBaseManager()) {
            for (int round = 0; round < ROUNDS; round++) {
                float c = 1.0f + round / 7f;
                CountDownLatch start = new CountDownLatch(1);
                CountDownLatch done = new CountDownLatch(THREADS);
                ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
                ConcurrentLinkedQueue<float[][]> results = new ConcurrentLinkedQueue<>();
                for (int t = 0; t < THREADS; t++) {
                    Thread th = new Thread(() -> {
                        try (NDManager own = root.newSubManager()) {
                            NDArray a = own.create(x);
                            start.await();
                            results.add(new float[][] {EngineScalars.mul(a, c).toFloatArray(),
                                EngineScalars.add(a, c).toFloatArray(), EngineScalars.div(a, c).toFloatArray()});
                        } catch (Throwable e) {
                            thrown.add(e);
                        } finally {
                            done.countDown();
                        }
                    });
                    th.start();
                }
                start.countDown();
                done.await();
                for (Throwable e : thrown) {
                    failures.add("round " + round + ": " + e);
                }
                float[] mul = new float[x.length];
                float[] add = new float[x.length];
                float[] div = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    mul[i] = x[i] * c;
                    add[i] = x[i] + c;
                    div[i] = x[i] / c;
                }
                for (float[][] r : results) {
                    assertArrayEquals(mul, r[0], "round " + round + " mul");
                    assertArrayEquals(add, r[1], "round " + round + " add");
                    assertArrayEquals(div, r[2], "round " + round + " div");
                }
            }
        }
        assertEquals(List.of(), failures);
    }
}
