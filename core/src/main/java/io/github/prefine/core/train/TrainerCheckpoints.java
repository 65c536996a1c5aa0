package io.github.prefine.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.internal.TensorArchive;
import io.github.prefine.core.precision.LossScaler;
import io.github.prefine.core.train.internal.TrainState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's epoch checkpoints: the model, the optimiser's moments and step counts, the loss
 * scale and skipped steps, the best weights, the sampler state and the trainer's progress, with a
 * run manifest in {@code state.json}; and the reverse, for a resumed run.
 */
final class TrainerCheckpoints {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerCheckpoints.class);

    /** What the trainer's loop knows at a checkpoint. */
    record Progress(int epochsDone, long globalStep, boolean finished, boolean stoppedEarly, List<Double> scores,
            List<EpochReport> epochs, Integer overflowStreak) {}

    private final MultiHeadModel model;
    private final TrainingStep step;
    private final BestWeights best;
    private final BatchSampler sampler;
    private final NDManager manager;
    private final long seed;
    private final double learningRate;
    private final Map<String, String> settings;

    TrainerCheckpoints(MultiHeadModel model, TrainingStep step, BestWeights best, BatchSampler sampler,
            NDManager manager, long seed, double learningRate, Map<String, String> settings) {
        this.model = model;
        this.step = step;
        this.best = best;
        this.sampler = sampler;
        this.manager = manager;
        this.seed = seed;
        this.learningRate = learningRate;
        this.settings = Map.copyOf(settings);
    }

    /** Writes a checkpoint's files into {@code dir}, each relative to the folder entered from the anchor. */
    void write(Path anchor, Path dir, Progress p) throws IOException {
        TensorArchive.write(anchor, dir.resolve("model.ndlist"), MultiHeadModel.arrays(model.parameters()));
        try (NDManager views = manager.newSubManager()) {
            Map<String, NDArray> moments = step.optimizer().momentArrays(views);
            if (!moments.isEmpty()) {
                TensorArchive.write(anchor, dir.resolve("optimizer.ndlist"), moments);
            }
        }
        best.write(anchor, dir.resolve("best.ndlist"));
        List<TrainState.EpochRecord> recs = new ArrayList<>();
        for (EpochReport r : p.epochs()) {
            recs.add(new TrainState.EpochRecord(r.validationLosses(), r.averageValidationLoss(), r.improved(),
                    r.trainSeconds(), r.trainExamples()));
        }
        LossScaler scaler = step.scaler();
        new TrainState(TrainState.FORMAT, p.epochsDone(), p.globalStep(), learningRate, seed, sampler.saveState(),
                p.scores(), recs, step.optimizer().stepCounts(), p.finished(), p.stoppedEarly(), manifest(),
                scaler == null ? null : scaler.readScale(), scaler == null ? null : scaler.readGrowthTracker(),
                scaler == null ? null : step.skippedSteps(), p.overflowStreak()).write(anchor, dir.resolve("state.json"));
    }

    private Map<String, String> manifest() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("arch", System.getProperty("os.arch"));
        Engine e = model.getManager().getEngine();
        m.put("engine", e.getEngineName() + " " + e.getVersion());
        m.put("device", model.getManager().getDevice().toString());
        m.put("tasks", String.join(",", model.taskNames()));
        m.putAll(new java.util.TreeMap<>(settings));
        return m;
    }

    /**
     * Puts a checkpoint's model, optimiser, loss scale, best weights and sampler state back, and
     * returns its state for the trainer's own progress.
     */
    TrainState restore(Path dir) throws IOException {
        TrainState st = TrainState.read(dir.resolve("state.json"));
        if (st.seed() != seed || Double.compare(st.learningRate(), learningRate) != 0) {
            throw new IOException(dir + ": checkpoint of seed " + st.seed() + " and learning rate " + st.learningRate()
                    + " cannot resume a run of seed " + seed + " and learning rate " + learningRate);
        }
        // settings that change the trajectory; patience and the epoch cap only say when to stop
        for (String key : List.of("schedule", "precision", "accumulation")) {
            String stored = st.manifest() == null ? null : st.manifest().get(key);
            if (stored != null && !stored.equals(settings.get(key))) {
                throw new IOException(dir + ": checkpoint of " + key + " " + stored + " cannot resume a run of " + key
                        + " " + settings.get(key));
            }
        }
        try (NDManager tmp = manager.newSubManager()) {
            Map<String, NDArray> values = TensorArchive.read(dir.resolve("model.ndlist"), tmp);
            Map<String, NDArray> all = MultiHeadModel.arrays(model.parameters());
            model.setValues(values, all.keySet(), dir.toString());
            Path opt = dir.resolve("optimizer.ndlist");
            Map<String, NDArray> moments = Files.exists(opt) ? TensorArchive.read(opt, tmp) : Map.of();
            step.optimizer().restore(moments, st.stepCounts());
        }
        LossScaler scaler = step.scaler();
        if (scaler != null) {
            if (st.lossScale() != null && st.lossScaleGrowthTracker() != null) {
                scaler.restore(st.lossScale(), st.lossScaleGrowthTracker());
            } else {
                LOG.warn("{}: checkpoint holds no loss scale (a float32 run or an older checkpoint); "
                        + "the mixed-precision run resumes from the initial scale", dir);
            }
        }
        if (st.skippedSteps() != null) {
            step.restoreSteps(st.globalStep(), st.skippedSteps());
        }
        best.read(dir.resolve("best.ndlist"));
        sampler.restoreState(st.samplerState());
        return st;
    }
}
