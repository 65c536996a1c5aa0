package io.github.prefine.examples.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.github.prefine.core.grid.GridLayout;
import io.github.prefine.core.grid.GridSession;
import io.github.prefine.core.train.StepReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole run in one line: units done, failed and left, time elapsed and the time left at the
 * pace of this process, counting the part of the unit now running that its training runs report
 * (so that the first unit, hours on a real run, gives an ETA before it ends). Given the plan's
 * units ({@link PlannedWork}) the pace and the time left are in work, so that a heavy
 * pre-finetuning unit and a light finetuning one do not count alike; the units shown stay units.
 * The plan puts every training run at its epoch limit, but early stopping ends most sooner: once
 * training runs of a kind (pre-finetuning, finetuning) have ended, the runs of that kind still to
 * come are expected to train the mean share of the limit those trained (their records under
 * {@code prefinetune/} and {@code finetune/} give the epochs), and a finetuning run the share its
 * own target's ended runs trained once it has some, the pace counts the epochs trained,
 * not the limits, and a unit whose runs partly ended (a resumed run) counts by the runs it has left.
 * Before a run of a kind ends, its runs are expected to stop halfway between the earliest epoch
 * the patience allows and the limit (at the limit where the patience is not known), and that
 * prior counts as one ended run more after. What a run takes outside its epochs (loading the
 * model, the last prediction, saving) and how much slower a finetuning epoch runs than its planned
 * work says against a pre-finetuning one are learned from the runs this process ended, the first
 * in its kind's work (much alike for a small target and a large one), the second as a weight on
 * finetuning work, to which the pre-finetuning's pace contributes as one finetuning unit more (a process's first finetuning runs warm up, and
 * alone they made every finetuning run left look twice as long); the epochs a resumed run
 * trained before its restart count as done, not as run here.
 * A unit is done when its record is in {@code --out/records}, and failed when its failure marker
 * is, whoever ran it (an earlier run, another process sharing the folder), so the count is right
 * after a resume; given the plan, only the plan's units count, so another grid's records in the
 * folder are not taken for this grid's (a record is named by its unit's id; without a plan every
 * record counts). A forced restart clears the folder after this starts counting: of the units
 * ended when this started, only those still there count as ended before this process ran any. Not
 * thread-safe, but for {@link #done()} and {@link #total()}: they read only what the constructor
 * set and the records folder, so {@link StopNotice}'s shutdown hook calls them from its own thread
 * while the command's thread updates the rest.
 */
final class RunStatus {
    private static final Logger LOG = LoggerFactory.getLogger(RunStatus.class);
    private final Path records;
    private final int total;
    private final LongSupplier clock;
    private final long startNanos;
    private final Shape shape;
    /** Planned work by unit id, in plan order; null to weigh every unit 1. */
    private final Map<String, Double> work;
    private final List<PlannedWork.Unit> units;
    private final Map<String, PlannedWork.Unit> unitsById = new HashMap<>();
    private final double meanWork;
    /** The plan's work, or the unit count without a plan. */
    private final double totalWork;
    /**
     * The planned epoch work of one finetuning unit of the plan (their mean), at the share of its
     * limit a run is expected to train before one has ended ({@link Shape#priorShare}): how much
     * finetuning work the pre-finetuning's pace counts as in the finetuning weight; 0 without a plan.
     */
    private final double finetuningPrior;
    /** Units ended (record or failure marker) when this started, less those a forced restart cleared since. */
    private final Set<String> endedAtStart;
    /** Units ended when the running training run started; a change means it belongs to a new unit. */
    private int endedAtRun = -1;
    private boolean runIsPrefinetuning;
    /** The running unit's id, or null when the plan does not name it. */
    private String runningId;
    /** The 0-based training run of the running unit, -1 before the first. */
    private int run = -1;
    /** The running training run's progress: its epoch, steps done in it and steps of an epoch. */
    private int runEpoch;
    private int runStep;
    private int runStepsPerEpoch = 1;
    /** Processes sharing the run, this one included. */
    private final int processes;
    /** Work of the units this process ran that have ended, and their ids. */
    private double ownRan;
    private final Set<String> ownEnded = new HashSet<>();
    /** The output folder's layout, for the training runs' records. */
    private final GridLayout layout;
    /** The plan's units by the folder their training runs' records are in (absolute). */
    private final Map<Path, PlannedWork.Unit> unitByFolder = new HashMap<>();
    /** Epochs trained by each training-run record read (-1 when it does not say): each is written once, whole. */
    private final Map<Path, Integer> epochsRead = new HashMap<>();
    /** The training-run records found at the last look, with their unit. */
    private Map<Path, PlannedWork.Unit> runRecords = Map.of();
    /** The ended units at the last look at the runs' records; null to look again. */
    private Set<String> runRecordsEnded;
    /** Training-run records there when this started, less those a forced restart cleared since. */
    private final Set<Path> runsAtStart;
    /** The units of the plan this process has run a training run of. */
    private final Set<String> ownUnits = new HashSet<>();
    /** When the running run started, and when its epochs trained here began (-1 before its first step report). */
    private long runStartNanos;
    private long trainStartNanos = -1;
    /** The epoch the running run resumed at (its resume report, else its first step report): above 0 for a run resumed from a checkpoint. */
    private int runFirstEpoch;
    /** Whether the running run's resumed epochs are counted in {@link #resumedWork}. */
    private boolean runResumeCounted;
    /** When the running run's last epoch ended here, and how many ended here. */
    private long lastEpochEndNanos;
    private int epochsHere;
    /**
     * This process's ended runs, by kind (pre-finetuning, finetuning): seconds in their epochs, and
     * the planned work of those epochs (a run's epoch work times the epochs it trained here).
     */
    private final double[] epochSeconds = new double[2];
    private final double[] epochWorkTrained = new double[2];
    /** Per ended run of this process, by kind: its seconds outside its epochs over its mean epoch's (loading, the last prediction, saving). */
    private final List<List<Double>> overheadEpochs = List.of(new ArrayList<>(), new ArrayList<>());
    /** The same, times the run's planned epoch work: its time outside its epochs in its kind's work. */
    private final List<List<Double>> overheadWork = List.of(new ArrayList<>(), new ArrayList<>());
    /** Planned work of the epochs resumed runs of this process trained before their restart, by kind: in their records, not run here. */
    private final double[] resumedWork = new double[2];
    /**
     * Training runs started for a unit that had already ended, so finetuning again to export a
     * model ({@code --export-models}); 0 while the grid's own units run or once the grid returned.
     */
    private int exportRuns;
    /** Where the events this status sees are appended for a replay ({@link #traceTo}); null when not traced. */
    private Path trace;

    /**
     * The training runs a unit is made of, for the share of the running unit that its reports
     * give: a pre-finetuning unit trains once per learning rate, a finetuning unit once per
     * learning rate and seed of its sweep; each run trains at most its epoch limit (early stopping
     * ends some sooner: the status learns by how much from the runs that ended; before one of a
     * kind has ended, a run is expected to stop halfway between the earliest epoch its patience
     * lets it stop at, {@code patience + 1}, and its limit).
     *
     * @param prefinetuningRuns training runs of a pre-finetuning unit
     * @param prefinetuningEpochs their epoch limit
     * @param finetuningRuns training runs of a finetuning unit
     * @param finetuningEpochs their epoch limit
     * @param patience the early-stopping patience in epochs of both kinds; 0 when not known (a
     *     run is then expected to train its limit until one of its kind has ended)
     */
    record Shape(int prefinetuningRuns, int prefinetuningEpochs, int finetuningRuns, int finetuningEpochs, int patience) {
        /**
         * A shape whose patience is not known.
         *
         * @param prefinetuningRuns training runs of a pre-finetuning unit
         * @param prefinetuningEpochs their epoch limit
         * @param finetuningRuns training runs of a finetuning unit
         * @param finetuningEpochs their epoch limit
         */
        Shape(int prefinetuningRuns, int prefinetuningEpochs, int finetuningRuns, int finetuningEpochs) {
            this(prefinetuningRuns, prefinetuningEpochs, finetuningRuns, finetuningEpochs, 0);
        }

        /**
         * The share of its epoch limit a run is expected to train before a run of its kind has
         * ended: early stopping ends it at {@code patience + 1} epochs at the soonest and at the
         * limit at the latest, and nothing yet says where between, so the middle.
         *
         * @param limit the epoch limit, at least 1
         * @return the share, in (0, 1]; 1 when the patience is not known
         */
        double priorShare(int limit) {
            if (patience <= 0) {
                return 1;
            }
            return (Math.min(limit, patience + 1) + limit) / (2.0 * limit);
        }
    }

    /**
     * Starts counting, without the shape of a unit: the ETA comes from ended units only, each
     * weighing the same.
     *
     * @param out the output folder
     * @param total units planned
     * @param clock nanosecond clock
     */
    RunStatus(Path out, int total, LongSupplier clock) {
        this(out, total, clock, null, null, 1);
    }

    /**
     * Starts counting, every unit weighing the same.
     *
     * @param out the output folder
     * @param total units planned
     * @param clock nanosecond clock
     * @param shape the training runs of a unit, or null to count ended units only
     */
    RunStatus(Path out, int total, LongSupplier clock, Shape shape) {
        this(out, total, clock, shape, null, 1);
    }

    /**
     * Starts counting. With the plan's units, the ETA is in work ({@link PlannedWork}), one epoch
     * of a unit's training run weighing its work over its runs and epoch limit (times the learned
     * weight of its kind): the time this process took per work run since it started (the epochs the
     * ended training runs' records give plus the epochs' worth their kind takes outside its epochs,
     * and the running run's epochs trained here) times the work expected to be left. A unit not
     * ended is expected to train its runs without a record, each at the share of its epoch limit
     * that the ended runs of its kind trained (with the patience's prior), plus what a run of its
     * kind takes outside its epochs, less the running run's epochs. A unit whose runs' folders the
     * plan does not give counts whole, at the limit, when it ends. Work ended before this started
     * (an earlier run's, another process's) leaves the work left but is not counted as run here. A
     * record or failure marker whose id the plan lacks is another grid's (its records copied into
     * the folder, say) and counts for nothing.
     * With several processes sharing the run ({@code --workers}, several GPUs) only this process's
     * running run reports its epochs, the others' count when they end: the pace is then at least
     * this process's own (the runs it ended and the running one) times the processes that still
     * have a unit to run ({@code min(processes, units left)}).
     *
     * @param out the output folder
     * @param total units planned, as the line shows them
     * @param clock nanosecond clock
     * @param shape the training runs of a unit, or null to count ended units only
     * @param units the plan's units with their work, or null to weigh every unit 1
     * @param processes the processes sharing the run, this one included, at least 1
     */
    RunStatus(Path out, int total, LongSupplier clock, Shape shape, List<PlannedWork.Unit> units, int processes) {
        if (processes < 1) {
            throw new IllegalArgumentException("run status: processes must be at least 1, found " + processes);
        }
        this.processes = processes;
        this.records = out.resolve("records");
        this.total = total;
        this.clock = clock;
        this.shape = shape;
        if (units == null || units.isEmpty()) {
            this.units = List.of();
            this.work = null;
            this.meanWork = 1;
            this.totalWork = total;
            this.finetuningPrior = 0;
        } else {
            this.units = List.copyOf(units);
            Map<String, Double> w = new LinkedHashMap<>();
            units.forEach(u -> w.put(u.id(), u.work()));
            units.forEach(u -> unitsById.put(u.id(), u));
            units.forEach(u -> u.runFolders().forEach(f -> unitByFolder.put(out.resolve(f).normalize(), u)));
            this.work = w;
            this.meanWork = w.values().stream().mapToDouble(Double::doubleValue).average().orElse(1);
            this.totalWork = w.values().stream().mapToDouble(Double::doubleValue).sum();
            this.finetuningPrior = units.stream().filter(u -> !u.prefinetuning())
                    .mapToDouble(u -> u.work() * (shape == null ? 1 : shape.priorShare(limit(u)))).average().orElse(0);
        }
        this.layout = new GridLayout(out);
        this.startNanos = clock.getAsLong();
        Set<String> ended = ended().ids();
        this.endedAtStart = new HashSet<>(ended);
        this.runsAtStart = new HashSet<>(runRecords(ended).keySet());
        String traced = System.getProperty(TRACE_PROPERTY);
        if (traced != null && !traced.isBlank()) {
            traceTo(Path.of(traced));
        }
    }

    /** The system property naming a file to trace the status's events to ({@link #traceTo}): a debugging aid. */
    static final String TRACE_PROPERTY = "prefine.statusTrace";

    /**
     * From now on appends what this status is told, and each line it draws, to {@code file}, one
     * JSON object a line with {@code t}, nanoseconds since it started counting: first the plan
     * (wall-clock start, units, shape, processes), then {@code run}, {@code steps}, {@code resumed},
     * {@code epoch} and {@code line} events, counts as JSON numbers (a {@code resumed} event's
     * {@code epochs}, an {@code epoch} event's {@code epoch}; traces before wrote these two as strings). With the output folder copied after the run (the
     * records' modification times say when each appeared), {@code RunStatusReplay} in the tests
     * replays them against a recorded clock, so that the ETA's error can be measured without
     * running again. Set by {@code -Dprefine.statusTrace=FILE} on the command line.
     *
     * @param file the trace, created or replaced
     * @return this status
     */
    RunStatus traceTo(Path file) {
        JsonObject o = new JsonObject();
        o.addProperty("e", "start");
        o.addProperty("wallMillis", System.currentTimeMillis() - (clock.getAsLong() - startNanos) / 1_000_000);
        o.addProperty("total", total);
        o.addProperty("processes", processes);
        if (shape != null) {
            JsonArray sh = new JsonArray();
            for (int v : new int[] {shape.prefinetuningRuns(), shape.prefinetuningEpochs(), shape.finetuningRuns(),
                    shape.finetuningEpochs(), shape.patience()}) {
                sh.add(v);
            }
            o.add("shape", sh);
        }
        JsonArray us = new JsonArray();
        for (PlannedWork.Unit u : units) {
            JsonObject j = new JsonObject();
            j.addProperty("id", u.id());
            j.addProperty("labelPrefix", u.labelPrefix());
            j.addProperty("work", u.work());
            JsonArray folders = new JsonArray();
            u.runFolders().forEach(f -> folders.add(f.toString()));
            j.add("runFolders", folders);
            us.add(j);
        }
        o.add("units", us);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("run status trace " + file + ": cannot replace it", e);
        }
        trace = file;
        trace(o);
        return this;
    }

    /** Appends an event to the trace, if one is kept, stamped with the time since the start. */
    private void trace(JsonObject o) {
        if (trace == null) {
            return;
        }
        o.addProperty("t", clock.getAsLong() - startNanos);
        try {
            Files.writeString(trace, o + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // a debugging aid: losing it must not cost the run it watches
            LOG.warn("run status trace {}: cannot append an event ({}); tracing stops here, the run goes on", trace,
                    e.toString());
            trace = null;
        }
    }

    /** An event of one member: a string, or a count as a JSON number (traces before wrote counts as strings). */
    private void trace(String event, String key, JsonPrimitive value) {
        if (trace != null) {
            JsonObject o = new JsonObject();
            o.addProperty("e", event);
            o.add(key, value);
            trace(o);
        }
    }

    /**
     * A training run starts: the next of the running unit, or the first of a new one when it
     * belongs to another unit of the plan, or, where the plan does not name it, when a unit has
     * ended since the last run began or the run is of another kind.
     *
     * @param label the run's label, as the grid gives it
     */
    void runStarted(String label) {
        trace("run", "label", new JsonPrimitive(label));
        boolean prefinetuning = label.startsWith(TrainingProgress.PREFINETUNING_LABEL);
        String id = unitOf(label);
        long nanos = clock.getAsLong();
        closeRun(nanos);
        Ended now = ended();
        noteOwnEnded(now.ids());
        int ended = now.done() + now.failed();
        // every unit ended, or this run's own: the grid finetunes a finished unit again only to export its model
        if (total > 0 && ended >= total || id != null && now.ids().contains(id)) {
            exportRuns++;
        }
        // a run the plan names belongs to a new unit when the name changes, whatever other processes end
        boolean newUnit = id != null ? !id.equals(runningId)
                : ended != endedAtRun || prefinetuning != runIsPrefinetuning || runningId != null;
        if (newUnit) {
            run = 0;
        } else {
            run++;
        }
        endedAtRun = ended;
        runIsPrefinetuning = prefinetuning;
        runningId = id;
        if (id != null) {
            ownUnits.add(id);
        }
        // the run before this one has left its record
        runRecordsEnded = null;
        runStartNanos = nanos;
        trainStartNanos = -1;
        runFirstEpoch = 0;
        runResumeCounted = false;
        epochsHere = 0;
        steps(0, 0, 1);
    }

    /**
     * The run before the one starting now has ended: what it took outside its epochs (loading the
     * model before, the last prediction and saving after, until this run starts) is learned per
     * kind, in its epochs and in its kind's work, like the epochs themselves.
     */
    private void closeRun(long nanos) {
        if (run < 0 || trainStartNanos < 0 || epochsHere < 1 || lastEpochEndNanos <= trainStartNanos) {
            return;
        }
        int k = runIsPrefinetuning ? 0 : 1;
        double epochs = (lastEpochEndNanos - trainStartNanos) / 1e9;
        double whole = (nanos - runStartNanos) / 1e9;
        epochSeconds[k] += epochs;
        epochWorkTrained[k] += runEpochWork() * epochsHere;
        double outside = Math.max(0, whole - epochs) / (epochs / epochsHere);
        overheadEpochs.get(k).add(outside);
        overheadWork.get(k).add(outside * runEpochWork());
    }

    /**
     * The running run's step report: the first one says when its epochs began and the epoch it
     * starts at (above 0 when it resumed from a checkpoint: the epochs before count as done, not
     * as run here).
     *
     * @param r the report
     */
    void steps(StepReport r) {
        if (trace != null) {
            JsonObject o = new JsonObject();
            o.addProperty("e", "steps");
            o.addProperty("epoch", r.epoch());
            o.addProperty("step", r.stepInEpoch());
            o.addProperty("steps", r.stepsPerEpoch());
            o.addProperty("elapsed", r.epochElapsedSeconds());
            trace(o);
        }
        if (trainStartNanos < 0 && run >= 0) {
            trainStartNanos = clock.getAsLong() - (long) (r.epochElapsedSeconds() * 1e9);
            // a trainer that did not report its resume: its first step's epoch says where it resumed
            resumed(r.epoch());
        }
        steps(r.epoch(), r.stepInEpoch(), r.stepsPerEpoch());
    }

    /**
     * The running run restored a checkpoint of {@code epochsDone} epochs: they count as done, not
     * as run here. A run resumed from its final checkpoint trains nothing and sends no step report,
     * so without this its record would count all its epochs as run here.
     *
     * @param epochsDone the epochs the checkpoint covers
     */
    void resumed(int epochsDone) {
        trace("resumed", "epochs", new JsonPrimitive(epochsDone));
        if (run < 0 || runResumeCounted) {
            return;
        }
        runResumeCounted = true;
        runFirstEpoch = epochsDone;
        resumedWork[runIsPrefinetuning ? 0 : 1] += runEpochWork() * epochsDone;
        steps(epochsDone, 0, 1);
    }

    /**
     * The running run's epoch has ended (its validation pass included).
     *
     * @param epoch the 0-based epoch
     */
    void epochEnded(int epoch) {
        trace("epoch", "epoch", new JsonPrimitive(epoch));
        lastEpochEndNanos = clock.getAsLong();
        epochsHere = Math.max(0, epoch + 1 - runFirstEpoch);
        steps(epoch + 1, 0, 1);
    }

    /** The planned work of one epoch of the running run: its unit's (the plan's mean where it lacks it) over its runs and limit. */
    private double runEpochWork() {
        PlannedWork.Unit u = runningId == null ? null : unitsById.get(runningId);
        return (u == null ? meanWork : u.work()) / Math.max(1, runningRuns()) / Math.max(1, runningLimit());
    }

    /** The running run's epoch limit, by its kind; 1 without a shape. */
    private int runningLimit() {
        return shape == null ? 1 : runIsPrefinetuning ? shape.prefinetuningEpochs() : shape.finetuningEpochs();
    }

    /** The training runs of the running run's unit, by its kind; 1 without a shape. */
    private int runningRuns() {
        return shape == null ? 1 : runIsPrefinetuning ? shape.prefinetuningRuns() : shape.finetuningRuns();
    }

    /**
     * Counts this process's running unit as run by it once its record or failure marker is there,
     * where its runs leave no record the plan knows (those count run by run).
     */
    private void noteOwnEnded(Set<String> endedNow) {
        PlannedWork.Unit u = runningId == null ? null : unitsById.get(runningId);
        if (u != null && u.runFolders().isEmpty() && endedNow.contains(runningId) && ownEnded.add(runningId)) {
            ownRan += weight(runningId);
        }
    }

    /** The plan's unit a run's label belongs to: the longest label prefix that begins it, or null. */
    private String unitOf(String label) {
        PlannedWork.Unit best = null;
        for (PlannedWork.Unit u : units) {
            if (label.startsWith(u.labelPrefix()) && (best == null || u.labelPrefix().length() > best.labelPrefix().length())) {
                best = u;
            }
        }
        return best == null ? null : best.id();
    }

    /**
     * The running training run's progress, from its step reports.
     *
     * @param epoch the 0-based epoch
     * @param stepInEpoch steps done in it
     * @param stepsPerEpoch steps of an epoch
     */
    void steps(int epoch, int stepInEpoch, int stepsPerEpoch) {
        runEpoch = epoch;
        runStep = stepInEpoch;
        runStepsPerEpoch = stepsPerEpoch;
    }

    /**
     * Whether the running training run has epochs left after the given one, so that a status line
     * then says something new (the last epoch is followed by the next run's line).
     *
     * @param epoch the 0-based epoch that ended
     * @return true when its epoch limit is further on; false without a shape
     */
    boolean epochsLeftAfter(int epoch) {
        if (shape == null || run < 0) {
            return false;
        }
        return epoch + 1 < (runIsPrefinetuning ? shape.prefinetuningEpochs() : shape.finetuningEpochs());
    }

    /**
     * The time left, at the pace of the work run here: elapsed over the work run, times the work left.
     *
     * @param elapsedNanos time since this process started counting
     * @param ran work run since then (ended runs' and the running run's)
     * @param left work expected to be left, the running run's done part deducted
     * @return the time left, or null when nothing has been run yet
     */
    static Duration eta(long elapsedNanos, double ran, double left) {
        if (ran <= 0) {
            return null;
        }
        return Duration.ofNanos((long) (elapsedNanos / ran * Math.max(0, left)));
    }

    /**
     * Units of the reproduction grid: one pre-finetuning per group combination, then every setting
     * (the baseline and each combination) times every target times every seed.
     *
     * @param combinations group combinations with data
     * @param targets targets with data
     * @param seeds seeds
     * @return the unit count
     */
    static int plannedUnits(int combinations, int targets, int seeds) {
        return combinations + (combinations + 1) * targets * seeds;
    }

    /**
     * Units planned.
     *
     * @return the count
     */
    int total() {
        return total;
    }

    /**
     * Units with a record now.
     *
     * @return the count, at most the total
     */
    int done() {
        return ended().done();
    }

    /**
     * Units with a failure marker now (every learning rate diverged, or their setting's
     * pre-finetuning did): they end without a record and are not run again.
     *
     * @return the count, at most the total
     */
    int failed() {
        return ended().failed();
    }

    /**
     * The status line, for example {@code run: 12/96 units done, 84 left | elapsed 01:02:03 | ETA 07:30:00}; while
     * a model is finetuned again for {@code --export-models} after every unit ended, {@code run: 96/96 units done,
     * 0 left | elapsed 08:31:00 | exporting model 2 (finetuned again) | ETA --:--}.
     *
     * @return the line
     */
    String line() {
        Ended now = ended();
        int done = now.done();
        int failed = now.failed();
        int ended = Math.min(total, done + failed);
        Set<String> endedNow = now.ids();
        // a forced restart clears the folder: what it cleared was not run here, what comes back is
        endedAtStart.retainAll(endedNow);
        Map<Path, PlannedWork.Unit> runs = runRecords(endedNow);
        runsAtStart.retainAll(runs.keySet());
        long elapsed = clock.getAsLong() - startNanos;
        // what this process's ended runs of each kind took: the weight of an epoch's planned work, the epochs' worth outside them
        double[] weight = epochWeights();
        // the ended training runs: the share of their epoch limit each kind trained, and the epochs of each unit
        double[] epochs = new double[2];
        double[] limits = new double[2];
        Map<String, Integer> recorded = new HashMap<>();
        // per finetuning target: the epochs its ended runs trained and the sum of their limits
        Map<String, double[]> byTarget = new HashMap<>();
        double ranHere = 0;
        double ownRuns = 0;
        for (Map.Entry<Path, PlannedWork.Unit> r : runs.entrySet()) {
            PlannedWork.Unit u = r.getValue();
            int k = u.prefinetuning() ? 0 : 1;
            int n = epochsOf(r.getKey());
            if (n >= 0) {
                epochs[k] += Math.min(n, limit(u));
                limits[k] += limit(u);
                if (u.target() != null) {
                    double[] t = byTarget.computeIfAbsent(u.target(), x -> new double[2]);
                    t[0] += Math.min(n, limit(u));
                    t[1] += limit(u);
                }
            }
            recorded.merge(u.id(), 1, Integer::sum);
            if (!runsAtStart.contains(r.getKey())) {
                // a record that does not say counts as trained to the limit, as planned
                double w = epochWork(u) * weight[k] * ((n >= 0 ? Math.min(n, limit(u)) : limit(u)) + overhead(k, epochWork(u)));
                ranHere += w;
                if (ownUnits.contains(u.id())) {
                    ownRuns += w;
                }
            }
        }
        double[] share = {share(true, epochs[0], limits[0]), share(false, epochs[1], limits[1])};
        for (String id : endedNow) {
            PlannedWork.Unit u = unitsById.get(id);
            // a unit whose runs leave no record the plan knows counts whole when it ends
            if ((u == null || u.runFolders().isEmpty()) && !endedAtStart.contains(id)) {
                ranHere += weight(id);
            }
        }
        // the work left: each unit not ended, by its training runs not ended at the share its target or kind trains
        double left;
        if (work == null) {
            left = total - ended;
        } else {
            left = 0;
            for (PlannedWork.Unit u : this.units) {
                if (!endedNow.contains(u.id())) {
                    int k = u.prefinetuning() ? 0 : 1;
                    left += epochWork(u) * weight[k] * Math.max(0, runsOf(u) - recorded.getOrDefault(u.id(), 0))
                            * (shareOf(u, share[k], byTarget) * limit(u) + overhead(k, epochWork(u)));
                }
            }
        }
        // the running unit's part done: one the plan does not name counts while no unit has ended since it began
        boolean running = runningId != null ? !endedNow.contains(runningId) : ended == endedAtRun;
        double runDone = 0;
        if (running && shape != null && run >= 0) {
            int k = runIsPrefinetuning ? 0 : 1;
            PlannedWork.Unit u = runningId == null ? null : unitsById.get(runningId);
            int limit = runningLimit();
            double perEpoch = runEpochWork() * weight[k];
            double inRun = Math.min(limit, runEpoch + runStep / (double) Math.max(1, runStepsPerEpoch));
            // runs of the unit this process ended that leave no record the plan knows, each at its limit
            int before = u == null || u.runFolders().isEmpty() ? Math.min(run, Math.max(1, runningRuns()) - 1) : 0;
            double expected = (u == null ? share[k] : shareOf(u, share[k], byTarget)) * limit;
            double outside = overhead(k, runEpochWork());
            runDone = perEpoch * (before * (limit + outside) + inRun);
            left -= perEpoch * (before * (expected + outside) + Math.min(inRun, expected));
        }
        noteOwnEnded(endedNow);
        // epochs a resumed run trained before its restart are in its progress and its record, but were not run here
        double resumed = resumedWork[0] * weight[0] + resumedWork[1] * weight[1];
        // the others' running units are unseen until they end: this process's pace times those still running
        double own = (ownRan + ownRuns + runDone - resumed) * Math.min(processes, Math.max(1, total - ended));
        Duration eta = eta(elapsed, Math.max(ranHere + runDone - resumed, own), left);
        // exports finetune again after every unit ended: "ETA 00:00" while they train would say the run is over
        String line = String.format(Locale.ROOT, "run: %d/%d units done, %s%d left | elapsed %s | %sETA %s", done, total,
                failed > 0 ? failed + " failed, " : "", total - ended, format(Duration.ofNanos(elapsed)),
                exportRuns > 0 ? "exporting model " + exportRuns + " (finetuned again) | " : "",
                exportRuns > 0 ? "--:--" : ended >= total ? "00:00" : eta != null ? format(eta) : "--:--");
        trace("line", "line", new JsonPrimitive(line));
        return line;
    }

    /**
     * The grid has returned: no training run is going on, so the line no longer says a model is
     * being exported.
     */
    void gridReturned() {
        exportRuns = 0;
    }

    /**
     * The weight of a unit of planned epoch work, by kind: 1 for pre-finetuning, and for finetuning
     * the seconds this process's finetuning epochs took per planned work over its pre-finetuning
     * epochs' (small batches make a finetuning epoch slower than its examples say), with the
     * pre-finetuning's pace counting as one finetuning unit more ({@link #finetuningPrior}): the
     * first finetuning runs of a process warm up (on two demo traces the first two ran twice as
     * slow per planned work as the third), and learned from them alone the weight put every
     * finetuning run left at their pace, the ETA up to 2.8 times the time left where they ended. 1
     * for both until this process has ended a pre-finetuning run, and, without the plan's units,
     * a finetuning run.
     */
    private double[] epochWeights() {
        // without the plan's units no prior: 1 until a finetuning run has ended, where 0 over 0 was NaN
        if (epochWorkTrained[0] <= 0 || epochSeconds[0] <= 0 || epochWorkTrained[1] + finetuningPrior <= 0) {
            return new double[] {1, 1};
        }
        double pace = epochSeconds[0] / epochWorkTrained[0];
        return new double[] {1, (epochSeconds[1] / pace + finetuningPrior) / (epochWorkTrained[1] + finetuningPrior)};
    }

    /**
     * What a run of a kind takes outside its epochs, in epochs of the given planned work: the
     * median over this process's ended runs of that kind (a run that waited for another process's
     * unit does not move it) of that time in the kind's work, which loading the encoder, the last
     * prediction and saving take much alike whatever the target's size (in epochs of the run that
     * took it, a small target's first run put ten times its time outside on each run of a target
     * ten times the size); before one of this kind has ended, the median over those of the other
     * kind in epochs of their runs, whose work does not compare; 0 before any has.
     *
     * @param kind 0 for pre-finetuning, 1 for finetuning
     * @param epochWork the planned work of an epoch of the run it is for
     */
    private double overhead(int kind, double epochWork) {
        if (!overheadWork.get(kind).isEmpty()) {
            // a unit planned at no work weighs nothing, its time outside its epochs included
            return epochWork > 0 ? median(overheadWork.get(kind)) / epochWork : 0;
        }
        return median(overheadEpochs.get(1 - kind));
    }

    /** The median of some values, 0 for none. */
    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * The share of its limit a run of a kind is expected to train: the share the ended runs of its
     * kind trained, with the patience's prior ({@link Shape#priorShare}) counting as one run more
     * (so that the first run to end does not swing it whole); without a patience, the ended runs'
     * share alone, or the whole limit before one has ended.
     *
     * @param epochs epochs the ended runs of the kind trained
     * @param limits the sum of their limits
     */
    private double share(boolean prefinetuning, double epochs, double limits) {
        if (shape == null || shape.patience() <= 0) {
            return limits > 0 ? epochs / limits : 1;
        }
        int limit = Math.max(1, prefinetuning ? shape.prefinetuningEpochs() : shape.finetuningEpochs());
        return (shape.priorShare(limit) * limit + epochs) / (limit + limits);
    }

    /**
     * The share of its limit a unit's runs are expected to train: for a finetuning unit whose
     * target has ended runs (under any setting), the share those trained, with its kind's share
     * counting as one run more; otherwise its kind's. Early stopping ends a target's runs at much
     * the same epoch whatever the setting, and targets differ (on the demo, medians of 4 to 15 of
     * 20 epochs), so the kind's share, learned first from the targets run first, misjudged the others.
     */
    private double shareOf(PlannedWork.Unit u, double kindShare, Map<String, double[]> byTarget) {
        double[] trained = u.target() == null ? null : byTarget.get(u.target());
        if (trained == null) {
            return kindShare;
        }
        return (kindShare * limit(u) + trained[0]) / (limit(u) + trained[1]);
    }

    /** A unit's training runs, by its kind; 1 without a shape. */
    private int runsOf(PlannedWork.Unit u) {
        return shape == null ? 1 : Math.max(1, u.prefinetuning() ? shape.prefinetuningRuns() : shape.finetuningRuns());
    }

    /** A unit's epoch limit, by its kind; 1 without a shape. */
    private int limit(PlannedWork.Unit u) {
        return shape == null ? 1 : Math.max(1, u.prefinetuning() ? shape.prefinetuningEpochs() : shape.finetuningEpochs());
    }

    /** The planned work of one epoch of one of a unit's training runs. */
    private double epochWork(PlannedWork.Unit u) {
        return u.work() / runsOf(u) / limit(u);
    }

    /**
     * The plan's training runs that have ended, by their records: looked for again when the ended
     * units change or a run of this process starts (so after each of its runs ends), not at each
     * line; another process's runs are seen then.
     */
    private Map<Path, PlannedWork.Unit> runRecords(Set<String> endedNow) {
        if (unitByFolder.isEmpty() || endedNow.equals(runRecordsEnded)) {
            return runRecords;
        }
        Map<Path, PlannedWork.Unit> found = new HashMap<>();
        try {
            for (Path r : layout.trainingRunRecords()) {
                // prefinetune/<setting>/lr-<rate>/history.json, finetune/<sweep>-seed<N>/lr-<rate>.json
                Path folder = r.getFileName().toString().equals(GridLayout.HISTORY) ? r.getParent().getParent() : r.getParent();
                PlannedWork.Unit u = unitByFolder.get(folder.normalize());
                if (u != null) {
                    found.put(r, u);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // a forced restart deletes records, and a new run may write one where one was
        epochsRead.keySet().retainAll(found.keySet());
        runRecords = found;
        runRecordsEnded = Set.copyOf(endedNow);
        return found;
    }

    /**
     * The epochs a training run's record says it trained: a pre-finetuning history's {@code epochs},
     * a finetuning run's {@code validationLosses} (one per epoch); -1 where the record does not say
     * (a run that diverged, a record unreadable), which then counts as trained to its limit.
     */
    private int epochsOf(Path record) {
        return epochsRead.computeIfAbsent(record, r -> {
            try {
                JsonElement e = JsonParser.parseString(Files.readString(r));
                JsonObject o = e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
                String field = r.getFileName().toString().equals(GridLayout.HISTORY) ? "epochs" : "validationLosses";
                return o.has(field) && o.get(field).isJsonArray() ? o.getAsJsonArray(field).size() : -1;
            } catch (IOException | RuntimeException ex) {
                // a status line does not stop the run: the record is read again by whoever needs it
                return -1;
            }
        });
    }

    /** A unit's planned work: 1 without a plan; the plan's mean for a unit it lacks, which no ended unit is. */
    private double weight(String id) {
        return work == null ? 1 : work.getOrDefault(id, meanWork);
    }

    /**
     * The units ended now, from one listing of the records folder.
     *
     * @param ids the units with a record or a failure marker
     * @param done records, at most the total
     * @param failed failure markers, at most the total
     */
    private record Ended(Set<String> ids, int done, int failed) {}

    /**
     * Lists the records folder once: the ended units' ids and the counts of records and failure
     * markers, of the plan's units only where there is a plan (a record is named by its unit's id);
     * without one, every record counts, as before the plan was known. A unit with both is done
     * only: a failed sweep run again writes its record before it deletes its old marker, and a
     * process killed between the two leaves both, which counted the unit twice. A stale marker
     * ({@link GridSession#isStaleFailure}) is no ended unit: the grid runs its sweep again.
     */
    private Ended ended() {
        Set<String> ids = new HashSet<>();
        if (!Files.isDirectory(records)) {
            return new Ended(ids, 0, 0);
        }
        Set<String> recorded = new HashSet<>();
        Set<String> marked = new HashSet<>();
        try (Stream<Path> s = Files.list(records)) {
            for (String n : s.map(p -> p.getFileName().toString()).toList()) {
                boolean record = n.endsWith(".jsonl");
                if (!record && !n.endsWith(".failed")) {
                    continue;
                }
                String id = n.substring(0, n.lastIndexOf('.'));
                // another grid's record in the folder is none of this grid's units
                if (!unitsById.isEmpty() && !unitsById.containsKey(id)) {
                    continue;
                }
                ids.add(id);
                (record ? recorded : marked).add(id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        marked.removeAll(recorded);
        // a stale "no encoder" marker: its setting's pre-finetuning is recorded now, and the grid runs
        // the sweep again (GridSession#isDone), so it is left, not failed
        for (String id : List.copyOf(marked)) {
            String reason;
            try {
                reason = Files.readString(layout.failure(id), java.nio.charset.StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                // deleted meanwhile (run again), or unreadable: a status line leaves it counted as listed
                continue;
            }
            if (GridSession.isStaleFailure(layout, id, reason)) {
                marked.remove(id);
                ids.remove(id);
            }
        }
        return new Ended(ids, Math.min(total, recorded.size()), Math.min(total, marked.size()));
    }

    private static String format(Duration d) {
        long s = d.getSeconds();
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
    }
}
