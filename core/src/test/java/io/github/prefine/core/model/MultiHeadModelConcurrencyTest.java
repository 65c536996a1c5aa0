package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The Javadoc of {@code MultiHeadModel.Builder.build()}: it throws when "another open model owns the
 * encoder". Builders on several threads given one encoder race for it; exactly one may win.
 */
class MultiHeadModelConcurrencyTest {
    private static final int THREADS = 8;
    private static final int ROUNDS = 30;

    @Test
    void buildersOnManyThreadsGiveOneEncoderToOneModel() throws Exception {
        Path dir = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                try (NDManager root = NDManager.newBaseManager()) {
                    TransformerEncoder encoder = EncoderCheckpoint.load(dir, root).encoder();
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<MultiHeadModel>> builds = new ArrayList<>();
                    for (int t = 0; t < THREADS; t++) {
                        String task = "t" + t;
                        builds.add(pool.submit(() -> {
                            MultiHeadModel.Builder b = MultiHeadModel.builder().setManager(root).setEncoder(encoder)
                                    .addHead(task, TestHeads.sequence(2));
                            start.await();
                            try {
                                return b.build();
                            } catch (IllegalStateException e) {
                                assertTrue(e.getMessage().contains("belongs to another open model"), e.getMessage());
                                return null;
                            }
                        }));
                    }
                    start.countDown();
                    List<MultiHeadModel> built = new ArrayList<>();
                    for (Future<MultiHeadModel> f : builds) {
                        MultiHeadModel m = f.get();
                        if (m != null) {
                            built.add(m);
                        }
                    }
                    built.forEach(MultiHeadModel::close);
                    assertEquals(1, built.size(), "round " + round + ": models given the one encoder");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRefusedBuildLeavesTheEncoderFreeForTheNext() throws Exception {
        Path dir = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        try (NDManager root = NDManager.newBaseManager()) {
            TransformerEncoder encoder = EncoderCheckpoint.load(dir, root).encoder();
            // refused after the encoder was claimed: the claim must be given back
            assertEquals("head a: numLabels must be >= 2, found 1",
                    assertThrows(IllegalArgumentException.class, () -> model(root, encoder, 1)).getMessage());
            try (MultiHeadModel m = model(root, encoder, 2)) {
                assertEquals(1, m.numTasks());
            }
        }
    }

    private static MultiHeadModel model(NDManager root, TransformerEncoder encoder, int labels) {
        return MultiHeadModel.builder().setManager(root).setEncoder(encoder).addHead("a", TestHeads.sequence(labels)).build();
    }
}
