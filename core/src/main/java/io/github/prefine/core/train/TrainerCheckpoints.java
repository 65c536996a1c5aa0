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
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's epoch checkpoints: the model, the optimiser's moments and step counts, the loss
 * scale and skipped steps, the best weights, the sampler state and the trainer's progress, with a
 * run manifest in {@code state.json}; and the reverse, for a resumed run.
 */
final class TrainerCheckpoints {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerCheckpoints.class);
    /** Manifest keys, besides the optimiser's, that change the trajectory. */
    private static final Set<String> TRAJECTORY = Set.of("schedule", "precision", "accumulation");

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
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.putAll(step.optimizer().settings());
        this.settings = Map.copyOf(all);
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
        m.putAll(new TreeMap<>(settings));
        return m;
    }

    /**
     * Refuses a checkpoint written under settings that change the trajectory, naming each that
     * differs: continuing it under these would make a run that is neither. Patience and the epoch
     * cap only say when to stop. A checkpoint written before a setting was recorded resumes, with a
     * warning that names what could not be checked.
     */
    private void checkSettings(Path dir, TrainState st) throws IOException {
        List<String> differ = new ArrayList<>();
        if (st.seed() != seed) {
            differ.add("seed: recorded " + st.seed() + ", requested " + seed);
        }
        if (Double.compare(st.learningRate(), learningRate) != 0) {
            differ.add("learning rate: recorded " + st.learningRate() + ", requested " + learningRate);
        }
        Map<String, String> recorded = st.manifest() == null ? Map.of() : st.manifest();
        List<String> unchecked = new ArrayList<>();
        for (String key : new TreeMap<>(settings).keySet()) {
            boolean optimizer = key.startsWith("optimizer.");
            if (!optimizer && !TRAJECTORY.contains(key)) {
                continue;
            }
            String stored = recorded.get(key);
            if (stored == null) {
                // an older checkpoint: the optimiser's settings were not recorded before
                if (optimizer) {
                    unchecked.add(key);
                }
            } else if (!stored.equals(settings.get(key))) {
                differ.add(key + ": recorded " + stored + ", requested " + settings.get(key));
            }
        }
        if (!differ.isEmpty()) {
            throw new IOException(dir + ": checkpoint written under other settings than this run's, so resuming it"
                    + " would make a run that is neither: " + String.join("; ", differ) + ". Resume with the recorded"
                    + " settings, or start a fresh run in another output folder (--out) or checkpoint folder");
        }
        if (!unchecked.isEmpty()) {
            LOG.warn("{}: checkpoint written before the optimiser's settings were recorded, so they could not be"
                    + " checked; the run resumes under this run's, which must be the checkpoint's for the run to be"
                    + " the one it continues: {}", dir,
                    unchecked.stream().map(k -> k + "=" + settings.get(k)).collect(Collectors.joining(", ")));
        }
    }

    /**
     * Puts a checkpoint's model, optimiser, loss scale and best weights back, and returns its state
     * for the trainer's own progress and its sampler state, which the trainer restores itself once
     * it has claimed the sampler.
     */
    TrainState restore(Path dir) throws IOException {
        TrainState st;
        try {
            st = TrainState.read(dir.resolve("state.json"));
        } catch (IOException e) {
            // nothing is restored yet: emptying the store's folder starts the run as if it never ran
            throw new IOException(e.getMessage() + "; this checkpoint cannot be resumed: empty the checkpoint folder "
                    + dir.getParent() + ", or give the trainer another one, to start the run afresh", e);
        }
        checkSettings(dir, st);
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
        return st;
    }
}
