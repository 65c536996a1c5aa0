package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.model.internal.TensorArchive;
import io.github.prefine.sampling.HeterogeneousSampler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Before the flat optimiser (2026-12-04), AdamW made a parameter's moments at its first update, so
 * a checkpoint's {@code optimizer.ndlist} held none for a head its sampler never drew, and
 * {@code state.json} no step count: zero moments and no steps are that head's exact state. The
 * all-or-nothing resume refused such a checkpoint as damaged ("m.heads.span.… is missing"), where
 * the flat optimiser's restore had taken it. The checkpoint here is a real one of a run whose
 * sampler never draws the span task, with that head's moments taken out as the older version
 * left them out; the ground truth is an uninterrupted run of a fresh model of the same seed.
 */
class TrainerResumeOlderMomentsTest {
    private static final SyntheticTasks TASKS = new SyntheticTasks(43, 24, 8, TrainerTest.THREE);
    /** The span task's head, which no batch reaches. */
    private static final String NEVER_DRAWN = "heads." + TASKS.name(2) + ".";

    /** Draws the first two tasks only, through a sampler over their sizes (one over a third of size 0 is refused). */
    private static BatchSampler sampler() {
        HeterogeneousBatchSampler two = new HeterogeneousBatchSampler(HeterogeneousSampler.builder()
                .setTaskSizes(24, 24).setBatchSize(8).optSeed(3).build());
        return new BatchSampler() {
            @Override
            public int batchesPerEpoch() {
                return two.batchesPerEpoch();
            }

            @Override
            public List<SampledBatch> nextEpoch() {
                return two.nextEpoch();
            }

            @Override
            public byte[] saveState() {
                return two.saveState();
            }

            @Override
            public void restoreState(byte[] state) {
                two.restoreState(state);
            }
        };
    }

    private static Trainer.Builder builder(MultiHeadModel model) {
        return Trainer.builder().setModel(model).setData(TASKS).optBatchSize(8).optLearningRate(1e-2).optMaxEpochs(2)
                .optSeed(5).optSampler(sampler());
    }

    private static List<byte[]> bytes(MultiHeadModel model) {
        List<byte[]> out = new ArrayList<>();
        for (NamedParameter p : model.parameters()) {
            out.add(p.parameter().getArray().toByteArray());
        }
        return out;
    }

    /** Writes the checkpoint of a run of 2 epochs killed after its first, and returns its folder. */
    private static Path killedAfterOneEpoch(Path dir) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel killed = TrainerTest.model(root, TASKS, 3)) {
            return TrainerResumeRefusalTest.killedAfterOneEpoch(builder(killed), dir);
        }
    }

    /** Rewrites the checkpoint's optimizer.ndlist without the never-drawn head's moments. */
    private static void asTheOlderVersionWroteIt(Path ckpt) throws IOException {
        Path opt = ckpt.resolve("optimizer.ndlist");
        JsonObject state = JsonParser.parseString(Files.readString(ckpt.resolve("state.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> kept = new LinkedHashMap<>();
            int dropped = 0;
            for (Map.Entry<String, NDArray> e : TensorArchive.read(opt, m).entrySet()) {
                String key = e.getKey().substring(2);
                if (key.startsWith(NEVER_DRAWN)) {
                    // the head was never updated: its moments are zero and it has no step count
                    assertFalse(state.getAsJsonObject("stepCounts").has(key), key);
                    assertEquals(0f, e.getValue().abs().sum().getFloat(), e.getKey());
                    dropped++;
                } else {
                    kept.put(e.getKey(), e.getValue());
                }
            }
            assertTrue(dropped > 0, "the span head has parameters");
            TensorArchive.write(opt, kept);
        }
    }

    @Test
    void aCheckpointWithoutMomentsForAHeadNeverUpdatedResumesAsTheWholeRun(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ckpt");
        asTheOlderVersionWroteIt(killedAfterOneEpoch(dir));

        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel resumed = TrainerTest.model(root, TASKS, 3);
                MultiHeadModel whole = TrainerTest.model(root, TASKS, 3)) {
            // the final weights are the best epoch's: they show the resumed epoch only where it is the best
            try (Trainer t = builder(resumed).optCheckpointDir(dir).build()) {
                assertEquals(1, t.fit().bestEpoch(), "best epoch of 2");
            }
            try (Trainer t = builder(whole).build()) {
                assertEquals(1, t.fit().bestEpoch(), "best epoch of 2");
            }
            List<byte[]> expected = bytes(whole);
            List<byte[]> actual = bytes(resumed);
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), actual.get(i), resumed.parameters().get(i).key());
            }
        }
    }

    @Test
    void aCheckpointWithoutMomentsForAnUpdatedParameterIsStillRefused(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ckpt");
        Path opt = killedAfterOneEpoch(dir).resolve("optimizer.ndlist");
        String gone;
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> all = TensorArchive.read(opt, m);
            // a moment of the encoder, which every step updates
            gone = all.keySet().stream().filter(k -> k.startsWith("m.") && !k.startsWith("m.heads.")).findFirst()
                    .orElseThrow();
            all.remove(gone);
            TensorArchive.write(opt, all);
        }
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TASKS, 3);
                Trainer t = builder(model).optCheckpointDir(dir).build()) {
            IOException e = assertThrows(IOException.class, t::fit);
            assertTrue(e.getMessage().startsWith(opt + ": " + gone + " is missing"), e.getMessage());
        }
    }
}
