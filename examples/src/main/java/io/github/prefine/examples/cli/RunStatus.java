package io.github.prefine.examples.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The whole run in one line: units done, failed and left, time elapsed and the time left at the
 * pace of this process, counting the part of the unit now running that its training runs report
 * (so that the first unit, hours on a real run, gives an ETA before it ends). Given the plan's
 * units ({@link PlannedWork}) the pace and the time left are in planned work, so that a heavy
 * pre-finetuning unit and a light finetuning one do not count alike; the units shown stay units.
 * A unit is done when its record is in {@code --out/records}, and failed when its failure marker
 * is, whoever ran it (an earlier run, another process sharing the folder), so the count is right
 * after a resume. A forced restart clears the folder after this starts counting: of the units
 * ended when this started, only those still there count as ended before this process ran any. Not
 * thread-safe.
 */
final class RunStatus {
    private final Path records;
    private final int total;
    private final LongSupplier clock;
    private final long startNanos;
    private final Shape shape;
    /** Planned work by unit id, in plan order; null to weigh every unit 1. */
    private final Map<String, Double> work;
    private final List<PlannedWork.Unit> units;
    private final double meanWork;
    /** The plan's work, or the unit count without a plan. */
    private final double totalWork;
    /** Units ended (record or failure marker) when this started, less those a forced restart cleared since. */
    private final Set<String> endedAtStart;
    /** Units ended when the running training run started; a change means it belongs to a new unit. */
    private int endedAtRun = -1;
    private boolean runIsPrefinetuning;
    /** The running unit's id, or null when the plan does not name it. */
    private String runningId;
    /** The 0-based training run of the running unit, -1 before the first. */
    private int run = -1;
    /** Fraction of the running unit done, 0 to 1. */
    private double running;
    /** Processes sharing the run, this one included. */
    private final int processes;
    /** Work of the units this process ran that have ended, and their ids. */
    private double ownRan;
    private final Set<String> ownEnded = new HashSet<>();

    /**
     * The training runs a unit is made of, for the share of the running unit that its reports
     * give: a pre-finetuning unit trains once per learning rate, a finetuning unit once per
     * learning rate and seed of its sweep; each run trains at most its epoch limit (early stopping
     * ends some sooner, so the share, and the ETA with it, errs long).
     *
     * @param prefinetuningRuns training runs of a pre-finetuning unit
     * @param prefinetuningEpochs their epoch limit
     * @param finetuningRuns training runs of a finetuning unit
     * @param finetuningEpochs their epoch limit
     */
    record Shape(int prefinetuningRuns, int prefinetuningEpochs, int finetuningRuns, int finetuningEpochs) {}

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
     * Starts counting. With the plan's units, the ETA is in planned work ({@link PlannedWork}): the
     * time this process took per unit of work it ran (units it ended and the share of the running
     * one, times that unit's work) times the work of the units not ended, less the running unit's
     * share. Units ended before this started (an earlier run's, another process's) leave the work
     * left but are not counted as run here. A record whose id the plan lacks weighs the plan's mean.
     * With several processes sharing the run ({@code --workers}, several GPUs) only this process's
     * running unit reports its share, the others' count when they end: the pace is then at least
     * this process's own (the units it ran and its share of the running one) times the processes
     * that still have a unit to run ({@code min(processes, units left)}).
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
        } else {
            this.units = List.copyOf(units);
            Map<String, Double> w = new LinkedHashMap<>();
            units.forEach(u -> w.put(u.id(), u.work()));
            this.work = w;
            this.meanWork = w.values().stream().mapToDouble(Double::doubleValue).average().orElse(1);
            this.totalWork = w.values().stream().mapToDouble(Double::doubleValue).sum();
        }
        this.startNanos = clock.getAsLong();
        this.endedAtStart = new HashSet<>(ended().ids());
    }

    /**
     * A training run starts: the next of the running unit, or the first of a new one when it
     * belongs to another unit of the plan, or, where the plan does not name it, when a unit has
     * ended since the last run began or the run is of another kind.
     *
     * @param label the run's label, as the grid gives it
     */
    void runStarted(String label) {
        boolean prefinetuning = label.startsWith(TrainingProgress.PREFINETUNING_LABEL);
        String id = unitOf(label);
        Ended now = ended();
        noteOwnEnded(now.ids());
        int ended = now.done() + now.failed();
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
        steps(0, 0, 1);
    }

    /** Counts this process's running unit as run by it once its record or failure marker is there. */
    private void noteOwnEnded(Set<String> endedNow) {
        if (runningId != null && endedNow.contains(runningId) && ownEnded.add(runningId)) {
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
        if (shape == null || run < 0) {
            return;
        }
        running = runIsPrefinetuning
                ? unitFraction(run, shape.prefinetuningRuns(), epoch, stepInEpoch, stepsPerEpoch, shape.prefinetuningEpochs())
                : unitFraction(run, shape.finetuningRuns(), epoch, stepInEpoch, stepsPerEpoch, shape.finetuningEpochs());
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
     * The share of a unit done: its finished training runs, and of the running one the epochs done
     * over its epoch limit. A run past the unit's count (a retry from a checkpoint) counts as its last.
     *
     * @param run the 0-based training run within the unit
     * @param runs training runs of the unit
     * @param epoch the running run's 0-based epoch
     * @param stepInEpoch steps done in that epoch
     * @param stepsPerEpoch steps of an epoch
     * @param maxEpochs the run's epoch limit
     * @return the share, 0 to 1
     */
    static double unitFraction(int run, int runs, int epoch, int stepInEpoch, int stepsPerEpoch, int maxEpochs) {
        double inRun = Math.min(1.0, (epoch + stepInEpoch / (double) Math.max(1, stepsPerEpoch)) / Math.max(1, maxEpochs));
        int r = Math.max(1, runs);
        return (Math.min(run, r - 1) + inRun) / r;
    }

    /**
     * The time left, at the pace of the work run here: elapsed over the work run (ended units' and
     * the running unit's share of its own), times the work left (less that share).
     *
     * @param elapsedNanos time since this process started counting
     * @param ranHere work of the units ended since then
     * @param running work of the running unit done
     * @param left work of the units not ended, the running one whole
     * @return the time left, or null when nothing has been run yet
     */
    static Duration eta(long elapsedNanos, double ranHere, double running, double left) {
        double ran = ranHere + running;
        if (ran <= 0) {
            return null;
        }
        return Duration.ofNanos((long) (elapsedNanos / ran * Math.max(0, left - running)));
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
     * The status line, for example {@code run: 12/96 units done, 84 left | elapsed 01:02:03 | ETA 07:30:00}.
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
        long elapsed = clock.getAsLong() - startNanos;
        double ranHere = 0;
        double endedWork = 0;
        for (String id : endedNow) {
            endedWork += weight(id);
            if (!endedAtStart.contains(id)) {
                ranHere += weight(id);
            }
        }
        // the running unit's share counts until it ends; one the plan does not name, while no unit has ended since it began
        boolean runs = runningId != null ? !endedNow.contains(runningId) : ended == endedAtRun;
        double share = runs ? running * (runningId == null ? meanWork : weight(runningId)) : 0;
        noteOwnEnded(endedNow);
        // the others' running units are unseen until they end: this process's pace times those still running
        double own = (ownRan + share) * Math.min(processes, Math.max(1, total - ended));
        Duration left = eta(elapsed, Math.max(ranHere, own - share), share, Math.max(0, totalWork - endedWork));
        String eta = left != null && ended < total ? format(left) : "--:--";
        return String.format(Locale.ROOT, "run: %d/%d units done, %s%d left | elapsed %s | ETA %s", done, total,
                failed > 0 ? failed + " failed, " : "", total - ended, format(Duration.ofNanos(elapsed)),
                ended >= total ? "00:00" : eta);
    }

    /** A unit's planned work: 1 without a plan, the plan's mean for a unit it lacks. */
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

    /** Lists the records folder once: the ended units' ids and the counts of records and failure markers. */
    private Ended ended() {
        Set<String> ids = new HashSet<>();
        if (!Files.isDirectory(records)) {
            return new Ended(ids, 0, 0);
        }
        int done = 0;
        int failed = 0;
        try (Stream<Path> s = Files.list(records)) {
            for (String n : s.map(p -> p.getFileName().toString()).toList()) {
                if (n.endsWith(".jsonl")) {
                    ids.add(n.substring(0, n.length() - ".jsonl".length()));
                    done++;
                } else if (n.endsWith(".failed")) {
                    ids.add(n.substring(0, n.length() - ".failed".length()));
                    failed++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Ended(ids, Math.min(total, done), Math.min(total, failed));
    }

    private static String format(Duration d) {
        long s = d.getSeconds();
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
    }
}
