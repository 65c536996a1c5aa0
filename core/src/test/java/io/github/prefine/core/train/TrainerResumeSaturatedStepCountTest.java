package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.sampling.HeterogeneousSampler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AdamW keeps its step counts in float32, where 2^24 + 1 rounds back to 2^24: after more than
 * 2^24 steps the encoder's count stays at {@link AdamW#MAX_STEP_COUNT} while the global step goes
 * on, and the checkpoint's check that the encoder's count is the steps not skipped refused every
 * such run's checkpoint. The uninterrupted run goes on from the saturated count too, so a resume
 * from it continues that run. The state is a real finished run's checkpoint rewritten as one after
 * 2^24 + 7 steps would read (the 2^24 real steps are out of reach of a test): its global step, the
 * encoder's saturated count, and the schedule of a sampler of that many batches an epoch.
 */
class TrainerResumeSaturatedStepCountTest {
    private static final SyntheticTasks TASKS = new SyntheticTasks(43, 24, 8, TrainerTest.THREE);
    private static final int TRAIN = 24;
    /** Batches an epoch of the rewritten run: past the 2^24 steps a float32 count holds. */
    private static final int STEPS = (1 << 24) + 7;

    private static HeterogeneousBatchSampler sampler() {
        return new HeterogeneousBatchSampler(HeterogeneousSampler.builder().setTaskSizes(TRAIN, TRAIN, TRAIN)
                .setBatchSize(8).optSeed(3).build());
    }

    private static Trainer.Builder builder(MultiHeadModel model, BatchSampler sampler, Path dir) {
        return Trainer.builder().setModel(model).setData(TASKS).optBatchSize(8).optLearningRate(1e-2).optMaxEpochs(1)
                .optSeed(5).optSampler(sampler).optCheckpointDir(dir);
    }

    /** The real sampler's state, claiming {@link #STEPS} batches an epoch; a finished run plans none. */
    private static final class Claiming implements BatchSampler {
        private final HeterogeneousBatchSampler real = sampler();

        @Override
        public int batchesPerEpoch() {
            return STEPS;
        }

        @Override
        public List<SampledBatch> nextEpoch() {
            throw new IllegalStateException("a finished run plans no epoch");
        }

        @Override
        public byte[] saveState() {
            return real.saveState();
        }

        @Override
        public void restoreState(byte[] state) {
            real.restoreState(state);
        }
    }

    @Test
    void aRunPastTwoToThe24StepsResumesFromItsSaturatedEncoderCount(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ckpt");
        Set<String> encoderKeys;
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TASKS, 3);
                Trainer t = builder(model, sampler(), dir).build()) {
            t.fit();
            encoderKeys = model.encoderParameters().stream().map(NamedParameter::key).collect(Collectors.toSet());
        }
        Path state = dir.resolve(Files.readString(dir.resolve("LATEST"), StandardCharsets.UTF_8).trim()).resolve("state.json");
        JsonObject st = JsonParser.parseString(Files.readString(state, StandardCharsets.UTF_8)).getAsJsonObject();
        assertEquals(1, st.get("epochsDone").getAsInt());
        assertTrue(st.get("finished").getAsBoolean());
        st.addProperty("globalStep", STEPS);
        JsonObject counts = st.getAsJsonObject("stepCounts");
        for (String k : encoderKeys) {
            counts.addProperty(k, AdamW.MAX_STEP_COUNT);
        }
        st.getAsJsonObject("manifest").addProperty("schedule", LinearSchedule.ofRun(1e-2, 0, true, 1, STEPS).toString());
        Files.writeString(state, st.toString(), StandardCharsets.UTF_8);

        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TASKS, 3);
                Trainer t = builder(model, new Claiming(), dir).build()) {
            assertEquals(1, t.fit().epochs().size());
            assertEquals(STEPS, t.globalStep());
            String encoderKey = encoderKeys.iterator().next();
            assertEquals(AdamW.MAX_STEP_COUNT, t.trainingStep().optimizer().stepCount(encoderKey));
        }
    }
}
