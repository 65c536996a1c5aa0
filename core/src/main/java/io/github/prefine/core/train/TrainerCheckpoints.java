package io.github.prefine.core.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.prefine.core.checkpoint.HostTensors;
import io.github.prefine.core.internal.MovedEnvironment;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.internal.TensorArchive;
import io.github.prefine.core.precision.LossScaler;
import io.github.prefine.core.train.internal.TrainState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    /** The manifest key of the number of replicas (devices) a batch is split over. */
    static final String REPLICAS = "replicas";
    /** The manifest key of the evaluation batch size. */
    static final String EVAL_BATCH_SIZE = "evalBatchSize";
    /**
     * Manifest keys, besides the optimiser's, that change the trajectory and were recorded later
     * than the rest (2026-12-07): refused where they differ, warned about where absent.
     */
    private static final Set<String> LATER_TRAJECTORY = Set.of(REPLICAS);
    /** The decay's length in a recorded schedule ({@code LinearSchedule[..., totalSteps=N]}). */
    private static final Pattern TOTAL_STEPS = Pattern.compile("totalSteps=(\\d+)");
    /** At most this many of a file's problems are named; the rest are counted. */
    private static final int NAMED_PROBLEMS = 4;

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
        if (step.scaler() != null) {
            all.putAll(step.scaler().settings());
        }
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
     * Refuses a checkpoint of a model with other tasks, another run's folder given by mistake,
     * before its keys are compared: the first unknown key said nothing of another model. A
     * manifest without the tasks (none is known) leaves it to the keys.
     */
    private void checkTasks(Path dir, TrainState st) throws IOException {
        String recorded = st.manifest().get("tasks");
        String now = String.join(",", model.taskNames());
        if (recorded != null && !recorded.equals(now)) {
            throw new IOException(dir.resolve("state.json") + ": written for a model with heads ["
                    + String.join(", ", recorded.split(",", -1)) + "], but this model has heads " + model.taskNames()
                    + "; it holds another run's checkpoint" + cannotResume(dir));
        }
    }

    /**
     * Refuses a checkpoint written under settings that change the trajectory, naming each that
     * differs: continuing it under these would make a run that is neither. Patience and the epoch
     * cap only say when to stop (a finished run that they would extend is refused by the trainer). The schedule, precision and accumulation are in every checkpoint's
     * manifest since the format's first version, so one missing is refused; a checkpoint written
     * before the optimiser's (or, under fp16-mixed, the loss scaler's) settings, the replicas or
     * the evaluation batch size were recorded resumes, with a warning that names what could not be
     * checked. Another evaluation batch size resumes with a warning: it changes the validation
     * losses, and so the stopping, by rounding only, as another device does.
     *
     * @return the warnings, to be logged only once the checkpoint is applied ({@link Staged#apply}):
     *     each says that the run continues, which a checkpoint refused before (by these checks, the
     *     sampler, or a finished run's caps) does not; none for a finished run, which is read back
     *     with its recorded epochs, nothing trained or evaluated again
     */
    private List<Runnable> checkSettings(Path dir, TrainState st) throws IOException {
        List<Runnable> warnings = new ArrayList<>();
        List<String> differ = new ArrayList<>();
        if (st.seed() != seed) {
            differ.add("seed: recorded " + st.seed() + ", requested " + seed);
        }
        if (Double.compare(st.learningRate(), learningRate) != 0) {
            differ.add("learning rate: recorded " + st.learningRate() + ", requested " + learningRate);
        }
        // TrainState.read refuses a state without its manifest
        Map<String, String> recorded = st.manifest();
        List<String> unchecked = new ArrayList<>();
        for (String key : new TreeMap<>(settings).keySet()) {
            // the optimiser's and the loss scaler's settings and the replicas, recorded since later
            // versions than the rest; the evaluation batch size too, which rounds only
            boolean rounding = key.equals(EVAL_BATCH_SIZE);
            boolean later = key.startsWith("optimizer.") || key.startsWith("lossScaler.")
                    || LATER_TRAJECTORY.contains(key) || rounding;
            if (!later && !TRAJECTORY.contains(key)) {
                continue;
            }
            String stored = recorded.get(key);
            if (stored != null && rounding) {
                if (!stored.equals(settings.get(key))) {
                    String requested = settings.get(key);
                    warnings.add(() -> LOG.warn("{}: {}: written with {}, resumed with {}; the run continues, but its"
                            + " validation losses, and so its early stopping and best epoch, can differ by rounding"
                            + " from those of a run not interrupted", dir, key, stored, requested));
                }
                continue;
            }
            if (stored == null && !later) {
                // without it the check was skipped without a word
                throw new IOException(dir.resolve("state.json") + ": expected a training state (JSON), found no member"
                        + " $.manifest." + key + " (expected the " + key + " the checkpoint was trained under), which"
                        + " every training state holds" + cannotResume(dir));
            }
            if (stored == null) {
                // an older checkpoint: these settings were not recorded before
                unchecked.add(key);
            } else if (!stored.equals(settings.get(key))) {
                differ.add(key + ": recorded " + stored + ", requested " + settings.get(key)
                        + (key.equals("schedule") ? horizonHint(recorded) : ""));
            }
        }
        if (!differ.isEmpty()) {
            throw new IOException(dir + ": checkpoint written under other settings than this run's, so resuming it"
                    + " would make a run that is neither: " + String.join("; ", differ) + ". Resume with the recorded"
                    + " settings, or start a fresh run in another output folder (--out) or checkpoint folder");
        }
        // another device or engine resumes, but rounds otherwise: the promise of an uninterrupted run's bits lapses
        Map<String, String> now = manifest();
        MovedEnvironment.differences(recorded::get, now::get, "written on", "resumed on").ifPresent(moved ->
                warnings.add(() -> LOG.warn("{}: {}; the run continues, but its results can differ by rounding from"
                        + " those of a run not interrupted, which resumes to the same bits only on the device and"
                        + " engine it was written on", dir, moved)));
        if (!unchecked.isEmpty()) {
            String named = unchecked.stream().map(k -> k + "=" + settings.get(k)).collect(Collectors.joining(", "));
            warnings.add(() -> LOG.warn("{}: checkpoint written before these settings were recorded (the optimiser's,"
                    + " the loss scaler's, the replicas, the evaluation batch size), so they could not be checked; the"
                    + " run resumes under this run's, which must be the checkpoint's for the run to be the one it"
                    + " continues: {}", dir, named));
        }
        // a finished run is read back as recorded: these settings and the device change none of it
        return st.finished() ? List.of() : warnings;
    }

    /**
     * Names the option that resumes a run whose schedules differ in the decay's length alone, where
     * the recorded decay ran to the recorded epoch cap and this trainer's to another cap: a user who
     * raised the cap to train on saw only two step counts. Empty where that is not the difference.
     */
    private String horizonHint(Map<String, String> recorded) {
        String before = recorded.get("schedule");
        String after = settings.get("schedule");
        Matcher was = TOTAL_STEPS.matcher(before);
        Matcher now = TOTAL_STEPS.matcher(after);
        if (!was.find() || !now.find() || !before.replace(was.group(), "").equals(after.replace(now.group(), ""))) {
            return "";
        }
        long total = Long.parseLong(was.group(1));
        long perEpoch = sampler.batchesPerEpoch();
        String cap = recorded.get("maxEpochs");
        String newCap = settings.get("maxEpochs");
        if (total % perEpoch != 0 || !Long.toString(total / perEpoch).equals(cap) || cap.equals(newCap)
                || !Long.toString(Long.parseLong(now.group(1)) / perEpoch).equals(newCap)) {
            return "";
        }
        // under a higher cap the recorded decay has ended by the old cap: the epochs past it change nothing
        String past = Long.parseLong(newCap) > Long.parseLong(cap)
                ? ", where epochs after epoch " + cap + " train at rate 0 (to train longer, start a fresh run)"
                : "";
        return " (its linear decay ran to its epoch cap of " + cap + " epochs, and this trainer's to its cap of "
                + newCap + "; optScheduleEpochs(" + cap + ") keeps the recorded decay under the new cap" + past + ")";
    }

    /**
     * Reads a checkpoint and checks all of it against this run before anything changes: the state
     * (settings, counts, sampler state present), the model's weights, the optimiser's moments and
     * step counts and the best weights (every key, shape and dtype, and finite values; no moments
     * only where the state records no step, as checkpoints before 2026-12-04 left them out). The arrays are read into host
     * memory, one extra copy of the checkpoint held until {@link Staged#apply} or {@link
     * Staged#close}; a checkpoint refused here has changed nothing.
     *
     * @throws IOException naming the file, what it should hold and what to do
     */
    Staged stage(Path dir) throws IOException {
        TrainState st;
        try {
            st = TrainState.read(dir.resolve("state.json"));
        } catch (IOException e) {
            throw new IOException(e.getMessage() + cannotResume(dir), e);
        }
        checkTasks(dir, st);
        List<Runnable> warnings = checkSettings(dir, st);
        checkState(dir, st);
        // host memory, not the device's: the copy is checked and then copied in once per resume
        NDManager host = manager.newSubManager(Device.cpu());
        try {
            Map<String, Layout> weights = new LinkedHashMap<>();
            MultiHeadModel.arrays(model.parameters()).forEach((k, a) -> weights.put(k, Layout.of(a)));
            int n = weights.size();
            Map<String, NDArray> values = readArchive(dir, "model.ndlist", host, weights, Set.of(),
                    "the model's weights, one array for each of its " + n + " parameters");
            Path opt = dir.resolve("optimizer.ndlist");
            Map<String, NDArray> moments = Map.of();
            String momentsHeld = "the optimiser's moments, m.<key> and v.<key> for each of the model's " + n
                    + " parameters";
            if (Files.exists(opt)) {
                Map<String, Layout> expected = new LinkedHashMap<>();
                DataType type = step.optimizer().momentType();
                step.optimizer().momentShapes().forEach((k, shape) -> expected.put(k, new Layout(shape, type)));
                // before the flat optimiser (2026-12-04) a parameter's moments were made at its first
                // update, so a head no batch had reached has none: zero, as the restore makes them
                Set<String> neverUpdated = new HashSet<>();
                for (String k : expected.keySet()) {
                    Long c = st.stepCounts().get(k.substring(2));
                    if (c == null || c == 0) {
                        neverUpdated.add(k);
                    }
                }
                moments = readArchive(dir, opt.getFileName().toString(), host, expected, neverUpdated, momentsHeld);
            } else if (!st.stepCounts().isEmpty()) {
                // without it the steps went on from zero moments, silently
                Map.Entry<String, Long> most = st.stepCounts().entrySet().stream().max(Map.Entry.comparingByValue())
                        .orElseThrow();
                throw new IOException(opt + ": is missing, while state.json records optimiser steps (" + most.getValue()
                        + " for " + most.getKey() + "); the file should hold " + momentsHeld + cannotResume(dir));
            }
            Path bestFile = dir.resolve("best.ndlist");
            String bestHeld = "the best epoch's weights, one array for each of the model's " + n + " parameters";
            Map<String, NDArray> bestValues = null;
            if (Files.exists(bestFile)) {
                bestValues = readArchive(dir, bestFile.getFileName().toString(), host, weights, Set.of(), bestHeld);
            } else {
                for (int e = 0; e < st.epochs().size(); e++) {
                    if (st.epochs().get(e).improved()) {
                        // without it the run ended with its last epoch's weights as if they were the best's
                        throw new IOException(bestFile + ": is missing, while state.json records an epoch that improved"
                                + " (epoch " + (e + 1) + "); the file should hold " + bestHeld + cannotResume(dir));
                    }
                }
            }
            return new Staged(dir, st, host, values, moments, bestValues, warnings);
        } catch (IOException | RuntimeException e) {
            host.close();
            throw e;
        }
    }

    /**
     * Checks the state's own fields: those every state holds, counts that agree, and values the
     * optimiser, the loss scaler and the step counter take.
     */
    private void checkState(Path dir, TrainState st) throws IOException {
        Path file = dir.resolve("state.json");
        List<String> missing = new ArrayList<>();
        if (st.samplerState() == null) {
            missing.add("samplerState");
        }
        if (st.scores() == null || st.scores().contains(null)) {
            missing.add("scores");
        }
        if (st.epochs() == null || st.epochs().stream().anyMatch(r -> r == null || r.validationLosses() == null
                || r.validationLosses().contains(null))) {
            missing.add("epochs");
        }
        if (st.stepCounts() == null || st.stepCounts().containsValue(null)) {
            missing.add("stepCounts");
        }
        if (!missing.isEmpty()) {
            throw new IOException(file + ": " + String.join(", ", missing) + " missing or with empty entries, which every"
                    + " training state holds" + cannotResume(dir));
        }
        List<String> wrong = new ArrayList<>();
        if (st.epochsDone() != st.epochs().size() || st.epochsDone() != st.scores().size()) {
            wrong.add("epochsDone is " + st.epochsDone() + " with " + st.epochs().size() + " epoch reports and "
                    + st.scores().size() + " scores, expected one of each per epoch");
        }
        if (st.globalStep() < 0) {
            wrong.add("globalStep is " + st.globalStep() + ", expected 0 or more");
        }
        if (st.skippedSteps() != null && (st.skippedSteps() < 0 || st.skippedSteps() > st.globalStep())) {
            wrong.add("skippedSteps is " + st.skippedSteps() + ", expected 0 to globalStep " + st.globalStep());
        }
        st.stepCounts().forEach((k, c) -> {
            if (c < 0 || c > st.globalStep()) {
                wrong.add("step count of " + k + " is " + c + ", expected 0 to globalStep " + st.globalStep());
            }
        });
        LossScaler scaler = step.scaler();
        try {
            step.optimizer().groupSteps(st.stepCounts());
            checkStepRelations(st, scaler, wrong);
        } catch (IllegalArgumentException e) {
            wrong.add(e.getMessage());
        }
        if (scaler != null && st.lossScale() != null && st.lossScaleGrowthTracker() != null) {
            try {
                scaler.checkRestorable(st.lossScale(), st.lossScaleGrowthTracker());
            } catch (IllegalArgumentException e) {
                wrong.add(e.getMessage());
            }
        }
        if (!wrong.isEmpty()) {
            throw new IOException(file + ": " + String.join("; ", wrong) + cannotResume(dir));
        }
    }

    /**
     * Checks the relations every checkpoint's counts hold, so that a hand-edited or damaged state
     * cannot resume the schedule at another step without a word: a checkpoint is written at an
     * epoch's end, after the sampler's batches per epoch of steps each; every step not skipped for
     * overflow updates the encoder once (its count held as at most {@link AdamW#MAX_STEP_COUNT},
     * where the optimiser's float32 counts stop); a head is updated only on those of them whose
     * batch holds its task. A fp16-mixed checkpoint without {@code skippedSteps} (before 2026-12-04) derives
     * them from the encoder's count, so its encoder's count is not checked.
     */
    private void checkStepRelations(TrainState st, LossScaler scaler, List<String> wrong) {
        long perEpoch = sampler.batchesPerEpoch();
        if (st.globalStep() != (long) st.epochsDone() * perEpoch) {
            wrong.add("globalStep is " + st.globalStep() + ", expected epochsDone x batches per epoch = "
                    + st.epochsDone() + " x " + perEpoch + " = " + (long) st.epochsDone() * perEpoch
                    + " (a checkpoint is written at an epoch's end; this run's sampler plans " + perEpoch
                    + " batches an epoch)");
        }
        if (st.skippedSteps() == null && scaler != null) {
            return;
        }
        long skipped = st.skippedSteps() == null ? 0 : st.skippedSteps();
        long updates = st.globalStep() - skipped;
        String relation = "globalStep - skippedSteps = " + st.globalStep() + " - " + skipped + " = " + updates;
        OptionalLong encoder = step.optimizer().encoderSteps(st.stepCounts());
        // the optimiser's float32 counts stop at 2^24, where the uninterrupted run's stopped too
        long counted = Math.min(updates, AdamW.MAX_STEP_COUNT);
        if (encoder.isPresent() && encoder.getAsLong() != counted) {
            wrong.add("the encoder's step count (stepCounts) is " + encoder.getAsLong() + ", expected " + relation
                    + (counted < updates ? ", which the optimiser's float32 counts hold as " + counted : "")
                    + " (every step not skipped for overflow updates the encoder)");
        }
        Set<String> encoderKeys = model.encoderParameters().stream().map(p -> p.key()).collect(Collectors.toSet());
        st.stepCounts().forEach((k, c) -> {
            if (!encoderKeys.contains(k) && c > updates && c <= st.globalStep()) {
                // above globalStep is named by the range check already
                wrong.add("step count of " + k + " is " + c + ", expected at most " + relation
                        + " (a head is updated only on steps not skipped whose batch holds its task)");
            }
        });
    }

    /** A tensor's shape and dtype, as a checkpoint must hold it. */
    private record Layout(Shape shape, DataType type) {
        static Layout of(NDArray a) {
            return new Layout(a.getShape(), a.getDataType());
        }
    }

    /**
     * Reads a checkpoint's archive into {@code host} and checks it holds exactly the {@code
     * expected} keys, shapes and dtypes, but for the keys in {@code mayLack}, which it may leave out.
     */
    private static Map<String, NDArray> readArchive(Path dir, String name, NDManager host, Map<String, Layout> expected,
            Set<String> mayLack, String holds) throws IOException {
        Path file = dir.resolve(name);
        String should = "; the file should hold " + holds + cannotResume(dir);
        if (!Files.exists(file)) {
            throw new IOException(file + ": is missing" + should);
        }
        Map<String, NDArray> found;
        try {
            found = TensorArchive.read(file, host);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": cannot be read as a tensor archive (" + reason(file, e) + ")" + should, e);
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Layout> e : expected.entrySet()) {
            NDArray a = found.get(e.getKey());
            if (a == null) {
                if (!mayLack.contains(e.getKey())) {
                    problems.add(e.getKey() + " is missing");
                }
            } else if (!a.getShape().equals(e.getValue().shape())) {
                problems.add(e.getKey() + " has shape " + a.getShape() + ", expected " + e.getValue().shape());
            } else if (a.getDataType() != e.getValue().type()) {
                problems.add(e.getKey() + " is " + a.getDataType() + ", expected " + e.getValue().type());
            } else if (a.getDataType().isFloating() && !HostTensors.allFinite(a)) {
                // here, not in apply's setValues: the sampler has taken its state by then
                problems.add(e.getKey() + " holds NaN or infinite values, expected finite values");
            }
        }
        for (String k : found.keySet()) {
            if (!expected.containsKey(k)) {
                problems.add(k + " matches none of this model's parameters");
            }
        }
        if (!problems.isEmpty()) {
            String named = String.join("; ", problems.subList(0, Math.min(NAMED_PROBLEMS, problems.size())));
            if (problems.size() > NAMED_PROBLEMS) {
                named += "; and " + (problems.size() - NAMED_PROBLEMS) + " more";
            }
            throw new IOException(file + ": " + named + should);
        }
        return found;
    }

    /** A read failure's own words: its cause's, or its own without the file name the caller puts first. */
    private static String reason(Path file, Exception e) {
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null) {
            return cause.getMessage();
        }
        String m = e.getMessage();
        if (m == null || m.equals(file.toString())) {
            return e.getClass().getSimpleName();
        }
        return m.startsWith(file + ": ") ? m.substring(file.toString().length() + 2) : m;
    }

    /** What to do with a checkpoint that cannot be resumed; nothing of it has been restored. */
    private static String cannotResume(Path dir) {
        return "; this checkpoint cannot be resumed, and nothing was restored: empty the checkpoint folder "
                + dir.getParent() + ", or give the trainer another one, to start the run afresh";
    }

    /**
     * A checkpoint read and checked in full ({@link #stage}), held in host memory: {@link
     * #restoreSampler} puts it into the sampler, then {@link #apply} into the model, the optimiser,
     * the loss scaler, the step counts and the best weights; {@link #close} frees what is left of
     * the copy.
     */
    final class Staged implements AutoCloseable {
        private final Path dir;
        private final TrainState state;
        private final NDManager host;
        private final Map<String, NDArray> values;
        private final Map<String, NDArray> moments;
        private final Map<String, NDArray> bestValues;
        /** The settings' "the run continues" warnings: the trainer may still refuse the checkpoint before {@link #apply}. */
        private final List<Runnable> warnings;

        private Staged(Path dir, TrainState state, NDManager host, Map<String, NDArray> values,
                Map<String, NDArray> moments, Map<String, NDArray> bestValues, List<Runnable> warnings) {
            this.dir = dir;
            this.state = state;
            this.host = host;
            this.values = values;
            this.moments = moments;
            this.bestValues = bestValues;
            this.warnings = warnings;
        }

        /** The state, for the trainer's own progress. */
        TrainState state() {
            return state;
        }

        /**
         * Restores the sampler, before {@link #apply}: it takes its state all or nothing, so a
         * state it refuses leaves everything as it was.
         *
         * @throws IOException if the sampler refuses its state, naming the file and what to do
         */
        void restoreSampler() throws IOException {
            try {
                sampler.restoreState(state.samplerState());
            } catch (RuntimeException e) {
                throw new IOException(dir.resolve("state.json") + ": the sampler cannot take its samplerState ("
                        + e.getMessage() + ")" + cannotResume(dir), e);
            }
        }

        /**
         * Logs the settings' warnings, the checkpoint no longer refusable, and applies the checked
         * model, optimiser, loss-scale and best-weight state; after {@link #restoreSampler}.
         */
        void apply() throws IOException {
            warnings.forEach(Runnable::run);
            model.setValues(values, values.keySet(), dir.toString());
            step.optimizer().restore(moments, state.stepCounts());
            LossScaler scaler = step.scaler();
            if (scaler != null) {
                if (state.lossScale() != null && state.lossScaleGrowthTracker() != null) {
                    scaler.restore(state.lossScale(), state.lossScaleGrowthTracker());
                } else {
                    LOG.warn("{}: checkpoint holds no loss scale (a float32 run or an older checkpoint); "
                            + "the mixed-precision run resumes from the initial scale", dir);
                }
            }
            if (state.skippedSteps() != null) {
                step.restoreSteps(state.globalStep(), state.skippedSteps());
            } else if (scaler != null) {
                step.restoreSteps(state.globalStep(), olderSkipCount());
            }
            if (scaler != null && state.overflowStreak() == null) {
                LOG.warn("{}: no overflowStreak (a checkpoint written before 2026-12-05); the streak of steps skipped"
                        + " for overflow in a row, {} of which declare the run diverged, is counted from 0 at the"
                        + " resume", dir.resolve("state.json"), LossWatch.OVERFLOW_LIMIT);
            }
            best.take(bestValues);
        }

        /**
         * The steps a fp16-mixed checkpoint written before 2026-12-04 skipped for overflow, which
         * its state does not hold: a skipped step leaves the optimiser's step counts, and every
         * other step updates the encoder, so the steps run less the encoder's count. Without it the
         * update count, and with it the learning-rate schedule, started over at 0.
         */
        private long olderSkipCount() {
            Path file = dir.resolve("state.json");
            long steps = state.globalStep();
            OptionalLong updates = step.optimizer().encoderSteps(state.stepCounts());
            if (updates.isEmpty()) {
                LOG.warn("{}: no skippedSteps (a checkpoint written before 2026-12-04), and no encoder step count to"
                        + " derive it from; the count is unknown and taken as 0, so the learning-rate schedule continues"
                        + " at update {} and the steps reported skipped are only those after the resume", file, steps);
                return 0;
            }
            long skipped = steps - updates.getAsLong();
            LOG.warn("{}: no skippedSteps (a checkpoint written before 2026-12-04); derived from the optimiser's step"
                    + " counts, which a skipped step leaves: {} of the {} steps were skipped for overflow (the encoder"
                    + " was updated {} times), and the learning-rate schedule continues at update {}", file, skipped,
                    steps, updates.getAsLong(), updates.getAsLong());
            return skipped;
        }

        @Override
        public void close() {
            host.close();
        }
    }
}
