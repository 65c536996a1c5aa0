package io.github.prefine.core.grid;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.checkpoint.PlainFolders;
import io.github.prefine.core.data.internal.TextFiles;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.internal.MovedEnvironment;
import io.github.prefine.core.predict.ModelExport;
import io.github.prefine.core.task.GroupCombination;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskRegistry;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's work on a {@link Grid}: plans it, runs units and finishes sweeps one at a time,
 * and rewrites the reports. {@link Grid#run()} drives a session over the whole plan with locks;
 * another scheduler (one unit per worker, say) can drive it directly:
 *
 * <pre>{@code
 * try (GridSession session = grid.open()) {
 *     for (GridSweep sweep : session.plan().sweeps()) {
 *         if (!session.isDone(sweep) && session.isReady(sweep)) {
 *             session.finish(sweep);   // runs the units that are not done, then records the choice
 *         }
 *     }
 *     session.writeReports();
 * }
 * }</pre>
 *
 * <p>Units and sweeps are idempotent (their outcomes are files under the output folder), but
 * {@link #run(GridUnit)} and {@link #finish(GridSweep)} take no locks: two processes must not run
 * the same unit at once. {@link Grid#run()} prevents that with one lock per sweep; a scheduler
 * that hands single units to several processes runs each with {@link #runClaimed(GridUnit)}.
 *
 * <p>Opening a session checks the output folder's {@code run.json} against the grid (refusing a
 * folder that holds another run, unless forced) and writes it; {@link #writeReports()} adds the
 * {@link DataReport} of the tasks read so far to it and writes it as {@value DataReport#FILE}.
 *
 * <p>Owns native memory: an engine manager on the grid's device (the parent of every model it
 * trains) and the tokenizer. Close it. Not thread-safe; it seeds the process-wide engine before
 * every model it builds.
 */
public final class GridSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GridSession.class);

    private final Grid grid;
    private final EncoderConfig config;
    private final GridTasks tasks;
    private final NDManager root;
    private final PrefinetuningRunner prefinetuning;
    private final FinetuningRunner finetuning;
    private final JsonObject manifest;
    /** A session that joins a run another process drives, and leaves the run's files to it. */
    private final boolean worker;
    private GridPlan plan;
    private GridReports reports;
    /** This session's share of {@code locks/run.lock}, which keeps a forced run in place out. */
    private Closeable inUse;
    private DataReport dataReport = new DataReport(Map.of());
    /** Called between a failed sweep's two steps (forgetting its diverged runs, writing its marker): a kill there, for tests. */
    FailedSweepStep betweenFailedSteps = sweep -> { };

    /** What happens between a failed sweep's two steps (a process killed there, in a test). */
    @FunctionalInterface
    interface FailedSweepStep {
        void between(GridSweep sweep) throws IOException;
    }

    /** How long a temp file must lie untouched before a new session deletes it as orphaned. */
    static final java.time.Duration STALE_TEMP_AGE = java.time.Duration.ofHours(1);

    GridSession(Grid grid, boolean worker) throws IOException {
        // the line cap, a setting, refused here: a pre-finetuning task's files are read when its
        // first setting runs, after the baseline sweeps
        TextFiles.maxLineBytes();
        this.grid = grid;
        this.worker = worker;
        Files.createDirectories(grid.layout.root());
        int stale = AtomicFiles.deleteStaleTemps(grid.layout.root(), STALE_TEMP_AGE);
        if (stale > 0) {
            LOG.info("deleted {} temp files that interrupted writers left in {}", stale, grid.layout.root());
        }
        this.config = EncoderConfig.fromJson(grid.config.encoder.resolve(EncoderCheckpoint.CONFIG_FILE));
        if (grid.config.exportModels != ModelExports.NONE) {
            // ModelExport's refusals, here rather than once every sweep has run
            String refused = "grid: the models optExportModels asks for could not be written after the sweeps: ";
            try {
                for (Task target : grid.config.targets) {
                    ModelExport.checkLength(target.name(), target.format(), grid.config.features,
                            config.maxSequenceLength());
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(refused + e.getMessage(), e);
            }
            // the exporter writes the encoder folder's tokenizer.json beside an encoder of this config
            try (SubwordTokenizer tokenizer = SubwordTokenizer.builder()
                    .setTokenizerPath(grid.config.encoder.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
                try {
                    ModelExport.checkTokenizer(config, tokenizer);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(refused + e.getMessage() + "; the grid featurizes and exports"
                            + " with the encoder folder's tokenizer.json, so it and the folder's config.json must agree",
                            e);
                }
            }
        }
        this.tasks = new GridTasks(grid.config.encoder, config, grid.config.data, grid.config.targets,
                grid.config.features, grid.config.featurization);
        // the session is an entry point: it owns the parent manager of everything it trains
        this.root = NDManager.newBaseManager(grid.config.device);
        this.prefinetuning = new PrefinetuningRunner(this);
        this.finetuning = new FinetuningRunner(this);
        try {
            if (worker) {
                // a worker holds locks/run.lock shared too, from before it reads run.json: a forced
                // run in place must not clear the folder under it
                this.inUse = UnitLock.holdShared(grid.layout.lock("run")).orElse(null);
                this.manifest = workerManifest();
            } else {
                // one opener at a time checks, clears and writes run.json; every session then holds
                // locks/run.lock shared for its life (sessions of one JVM sharing the JVM's claim),
                // so that a forced clear sees it is not alone
                try (UnitLock l = UnitLock.acquire(grid.layout.lock("manifest"))) {
                    deleteKilledManifestTemps();
                    this.manifest = openManifest();
                    this.inUse = UnitLock.holdShared(grid.layout.lock("run")).orElse(null);
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Deletes the temp files of {@code run.json} and {@value DataReport#FILE} that a killed writer
     * left: every writer of the two holds {@code locks/manifest.lock}, as the caller does, so none is
     * a live process's, however young, where the session's clean-up waits an hour.
     */
    private void deleteKilledManifestTemps() throws IOException {
        int deleted = ClaimedTemps.of(grid.layout.root(), grid.layout.manifest())
                + ClaimedTemps.of(grid.layout.root(), grid.layout.dataReport());
        if (deleted > 0) {
            LOG.info("deleted {} temp files of {} and {} that a killed run left", deleted, grid.layout.manifest(),
                    grid.layout.dataReport().getFileName());
        }
    }

    /** The manifest the checking process wrote; a worker trusts it rather than hashing data again. */
    private JsonObject workerManifest() throws IOException {
        Path file = grid.layout.manifest();
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " is missing: a worker session joins a run whose manifest the"
                    + " driving process has checked and written; open the grid with open() there first");
        }
        JsonObject m = JsonFiles.strictObject(file);
        // trusted without its fingerprint checked, but only in a format this version reads
        RunManifest.readFormat(file, m);
        return m;
    }

    /** Checks the folder's run.json against this grid before any work, and writes it. */
    private JsonObject openManifest() throws IOException {
        Path file = grid.layout.manifest();
        JsonObject fresh = RunManifest.of(grid, RunManifest.fingerprint(grid), root.getEngine());
        boolean existed = Files.exists(file);
        boolean unrecorded = !existed && hasRecords();
        if (unrecorded && !grid.config.force) {
            throw new RunMismatchException(file + " is missing but " + grid.layout.records() + " holds results of a run"
                    + " made before run manifests, whose settings cannot be checked; choose another output folder, or"
                    + " force a new run in place (--force)");
        }
        List<String> added = existed && !grid.config.force ? RunManifest.addedTargets(file, grid) : List.of();
        JsonObject kept;
        if (added.isEmpty()) {
            kept = RunManifest.check(file, fresh, grid.config.force);
        } else {
            // the recorded run's units are all this grid's: keep them, and record the grid with its new targets
            kept = JsonFiles.strictObject(file);
            kept.add("fingerprint", fresh.get("fingerprint"));
            LOG.info("{}: the same run with {} added as {}; its finished units are kept and only the added"
                    + " targets' finetuning runs", file, added.size() == 1 ? "a target" : added.size() + " targets",
                    String.join(", ", added));
        }
        if (unrecorded || (existed && kept == fresh)) {
            try (UnitLock alone = claimAlone(grid.layout, file)) {
                clearForced(file);
            }
        }
        if (existed && kept != fresh) {
            warnIfMoved(file, kept.get("environment"), fresh.getAsJsonObject("environment"));
        }
        // this process's options and environment; the fingerprint is the same, or extends the recorded one
        kept.add("options", fresh.get("options"));
        kept.add("environment", fresh.get("environment"));
        writeIfChanged(file, PrefinetuningRunner.GSON.toJson(kept));
        return kept;
    }

    /**
     * Warns when the run continues on another device or engine than the one its manifest names:
     * allowed, as their results differ only by rounding, but the units trained before and after
     * are then not bit for bit what one machine would have made, and run.json keeps only this
     * process's environment.
     */
    private static void warnIfMoved(Path file, JsonElement was, JsonObject now) {
        if (was == null || !was.isJsonObject()) {
            return;
        }
        JsonObject recorded = was.getAsJsonObject();
        MovedEnvironment.differences(key -> recorded.get(key) instanceof JsonPrimitive p ? p.getAsString() : null,
                key -> now.get(key).getAsString(), "was", "now").ifPresent(moved -> LOG.warn("{}: this run continues"
                + " elsewhere than it was last run ({}); units trained before and after can differ by rounding from"
                + " what one machine would have made", file, moved));
        // the fingerprint holds the settings, not the code: another version goes on, but not unsaid
        String version = recorded.get("prefine") instanceof JsonPrimitive p ? p.getAsString() : null;
        String current = now.get("prefine").getAsString();
        if (version != null && !version.equals("unknown") && !version.equals(current)) {
            LOG.warn("{}: this run was last run by prefine {} and continues under prefine {}; its settings and data are"
                    + " the same, but units trained by the two versions can differ where the code changed: finish a run"
                    + " with the version that started it, or force a new one (--force)", file, version, current);
        }
    }

    /**
     * Claims an output folder for a forced replacement in place: holds its {@code locks/run.lock}
     * alone, which no session can while another works there (each holds it shared for its life).
     * A command that rebuilds something sessions read, as the demo rebuilds its encoder for another
     * suite, replaces it inside this claim, as a forced run clears its results inside it.
     *
     * @param out the output folder
     * @param subject what is to be replaced, named in the refusal
     * @return the claim; close it when the replacement is done
     * @throws IOException if the lock file cannot be opened
     * @throws RunMismatchException if another process (or this one) is working in the folder; the message
     *     says which
     */
    public static Closeable claimAlone(Path out, Path subject) throws IOException {
        return claimAlone(new GridLayout(out), subject);
    }

    private static UnitLock claimAlone(GridLayout layout, Path subject) throws IOException {
        Path lock = layout.lock("run");
        Optional<UnitLock> alone = UnitLock.tryAcquire(lock);
        if (alone.isEmpty()) {
            throw new RunMismatchException(subject + ": forced, but " + UnitLock.holderKind(lock) + " is still working"
                    + " in this folder (" + lock + " is held); stop it first, or choose another output folder");
        }
        return alone.get();
    }

    /** Deletes a forced folder's results; the caller holds {@code locks/run.lock} alone. */
    private void clearForced(Path file) throws IOException {
        LOG.warn("{}: other settings or data; forced, so its results are deleted and the grid starts anew", file);
        PlainFolders.deleteTree(grid.layout.root(), grid.layout.records());
        PlainFolders.deleteTree(grid.layout.root(), grid.layout.root().resolve("finetune"));
        PlainFolders.deleteTree(grid.layout.root(), grid.layout.root().resolve("prefinetune"));
        // models finetuned under the old settings
        PlainFolders.deleteTree(grid.layout.root(), grid.layout.models());
        Files.deleteIfExists(grid.layout.results());
        GridReports.deleteCurves(grid.layout);
    }

    /**
     * Plans the grid, once per session: checks every task's data, featurizes the targets, drops
     * what cannot be used (with a warning) and lists the sweeps.
     *
     * @return the plan
     * @throws IOException if reading data fails
     * @throws IllegalStateException with {@code strict} when a task's data is missing, or (without
     *     {@code allowPartial}) when a chosen group has no data
     * @throws IllegalArgumentException when no target can be used (its files missing, or its data
     *     refused at featurization), naming each target's reason
     */
    public GridPlan plan() throws IOException {
        if (plan == null) {
            plan = makePlan();
        }
        return plan;
    }

    private GridPlan makePlan() throws IOException {
        Map<String, List<String>> missing = new LinkedHashMap<>();
        Set<TaskGroup> chosen = new LinkedHashSet<>(grid.config.groups);
        List<Task> usablePool = new ArrayList<>();
        for (Task t : grid.config.pool) {
            if (!chosen.contains(t.group())) {
                continue;
            }
            List<String> m = tasks.missing(t);
            if (m.isEmpty()) {
                usablePool.add(t);
            } else {
                missing.put(t.name(), m);
            }
        }
        List<Task> usableTargets = new ArrayList<>();
        Map<String, List<String>> unfeaturizable = new LinkedHashMap<>();
        for (Task t : grid.config.targets) {
            List<String> m = tasks.missing(t);
            if (m.isEmpty()) {
                m = tasks.featurizable(t);
                if (!m.isEmpty()) {
                    unfeaturizable.put(t.name(), m);
                }
            }
            if (m.isEmpty()) {
                usableTargets.add(t);
            } else {
                missing.put(t.name(), m);
            }
        }
        if (!missing.isEmpty()) {
            missing.forEach((k, v) -> LOG.warn("task {} skipped, {}: {}", k,
                    unfeaturizable.containsKey(k) ? "its data cannot be used" : "data missing", v));
            if (grid.config.strict) {
                throw new IllegalStateException("strict: data missing for " + missing.keySet());
            }
        }
        if (usableTargets.isEmpty()) {
            // bad input (data, encoder or settings), not a fault: each target's reason says what to change
            List<String> why = new ArrayList<>();
            grid.config.targets.forEach(t -> why.add(t.name() + ": " + String.join("; ", missing.get(t.name()))));
            throw new IllegalArgumentException("no target task can be used: " + String.join(" | ", why));
        }
        TaskRegistry registry = TaskRegistry.builder().registerAll(usablePool).build();
        List<Setting> settings = new ArrayList<>();
        settings.add(Setting.baseline());
        Map<String, List<Task>> settingTasks = new LinkedHashMap<>();
        List<PrefinetuningSweep> pre = new ArrayList<>();
        Set<TaskGroup> withData = new LinkedHashSet<>();
        usablePool.forEach(t -> withData.add(t.group()));
        List<TaskGroup> empty = grid.config.groups.stream().filter(g -> !withData.contains(g)).toList();
        if (!empty.isEmpty() && !grid.config.allowPartial) {
            throw new IllegalStateException("no pre-finetuning task of " + Counts.noun(empty.size(), "group") + " " + empty
                    + " has data, so settings naming them would silently run without them; add the data (missing: "
                    + missing.keySet() + "), leave "
                    + empty + " out of the groups, or allow partial settings (--allow-partial), named for what they lack");
        }
        for (GroupCombination c : TaskRegistry.combinations(grid.config.groups)) {
            List<Task> ts = registry.tasks(c);
            if (ts.isEmpty()) {
                LOG.warn("setting {} skipped: none of its tasks has data", c.name());
                continue;
            }
            List<TaskGroup> lacking = c.groups().stream().filter(empty::contains).toList();
            Setting s = lacking.isEmpty() ? Setting.of(c) : Setting.partial(c, lacking);
            settings.add(s);
            settingTasks.put(s.name(), ts);
            pre.add(new PrefinetuningSweep(s, grid.config.learningRates, grid.config.prefinetuneSeed));
        }
        List<FinetuningSweep> fine = new ArrayList<>();
        for (Setting s : settings) {
            for (Task t : usableTargets) {
                if (grid.config.lrSelection == LearningRateSelection.PER_TARGET) {
                    fine.add(new FinetuningSweep(s, t, grid.config.seeds, grid.targetLearningRates()));
                } else {
                    for (long seed : grid.config.seeds) {
                        fine.add(new FinetuningSweep(s, t, List.of(seed), grid.targetLearningRates()));
                    }
                }
            }
        }
        LOG.info("plan: {} pre-finetuning settings, {} targets, {} seeds: {} sweeps", pre.size(), usableTargets.size(),
                grid.config.seeds.size(), pre.size() + fine.size());
        return new GridPlan(settings, usableTargets, missing, settingTasks, pre, fine);
    }

    /**
     * Runs one unit unless its outcome is on disk, and returns its outcome.
     *
     * @param unit a pre-finetuning or finetuning unit
     * @return a {@link PrefinetuningResult} or a {@link FinetuningResult}
     * @throws IOException if data, checkpoints or the unit's files fail
     * @throws IllegalStateException if a finetuning unit's setting has no pre-finetuned encoder yet
     */
    public Record run(GridUnit unit) throws IOException {
        // GridUnit is sealed: these are the only two kinds
        return unit instanceof PrefinetuningUnit u ? run(u) : run((FinetuningUnit) unit);
    }

    /**
     * Runs one unit as {@link #run(GridUnit)} does, holding the unit's own lock ({@code
     * locks/<unit id>.lock}) meanwhile, for schedulers that hand single units of one shared output
     * folder to several processes: a Spark task and its speculative copy, or a retry while the
     * attempt Spark gave up on still runs. A unit another process holds is waited for, polling
     * every poll interval ({@link Grid.Builder#optPollMillis}), for at most the claim timeout
     * ({@link Grid.Builder#optClaimTimeout}); once claimed, a unit whose outcome is on disk by then
     * is read back, not trained again. The holder notes who it is beside the lock file
     * ({@code locks/<unit id>.lock.holder}), which the waiting message and the exception name.
     *
     * <p>{@link Grid#run()} locks whole sweeps instead, and the two locks do not exclude each
     * other: do not drive one folder with both at once.
     *
     * @param unit a pre-finetuning or finetuning unit
     * @return a {@link PrefinetuningResult} or a {@link FinetuningResult}
     * @throws UnitBusyException if another process still holds the unit after the claim timeout
     * @throws IOException if the lock file cannot be opened, the wait is interrupted, or data,
     *     checkpoints or the unit's files fail
     * @throws IllegalStateException if a finetuning unit's setting has no pre-finetuned encoder yet
     */
    public Record runClaimed(GridUnit unit) throws IOException {
        Path file = grid.layout.lock(unit.id());
        // a timeout past a long's nanoseconds (about 292 years) is no limit: toNanos would overflow
        long timeoutNanos = grid.config.claimTimeout.compareTo(java.time.Duration.ofNanos(Long.MAX_VALUE)) >= 0
                ? Long.MAX_VALUE : grid.config.claimTimeout.toNanos();
        Optional<UnitLock> claimed = UnitLock.await(file, grid.config.pollMillis, timeoutNanos,
                () -> LOG.info("unit {} is being run by {} ({} is held); waiting for it, at most {}", unit.id(),
                        UnitLock.holderName(file), file, grid.config.claimTimeout));
        if (claimed.isEmpty()) {
            throw new UnitBusyException(unit.id(), UnitLock.holder(file).orElse(null), grid.config.claimTimeout,
                    "Grid.Builder.optClaimTimeout");
        }
        try (UnitLock lock = claimed.get()) {
            lock.noteHolder();
            return run(unit);
        }
    }

    /**
     * Runs one pre-finetuning unit unless its history is on disk; a run cut off earlier continues
     * from its last epoch checkpoint.
     *
     * @param unit the unit
     * @return its best average validation loss (NaN when it diverged)
     * @throws IOException if data or checkpoints fail
     */
    public PrefinetuningResult run(PrefinetuningUnit unit) throws IOException {
        return prefinetuning.run(unit);
    }

    /**
     * Runs one finetuning unit unless its scores are on disk.
     *
     * @param unit the unit
     * @return its validation and evaluation scores (NaN when it diverged)
     * @throws IOException if data or checkpoints fail
     * @throws IllegalStateException if the unit's setting has no pre-finetuned encoder yet
     */
    public FinetuningResult run(FinetuningUnit unit) throws IOException {
        return finetuning.run(unit);
    }

    /**
     * Tells whether a sweep's record or its failure marker ({@link #markFailed}) exists: a failed
     * sweep is done too, as running it again would fail again; {@link #failure} tells the two apart.
     * A marker saying that the setting's pre-finetuning failed does not count once that
     * pre-finetuning is recorded (it ran again after its own marker was deleted).
     *
     * @param sweep the sweep
     * @return true when it is finished or marked failed
     */
    public boolean isDone(GridSweep sweep) {
        if (Files.exists(grid.layout.record(sweep.id()))) {
            return true;
        }
        Path own = grid.layout.failure(sweep.id());
        if (!Files.exists(own)) {
            return false;
        }
        try {
            return !isStale(sweep, Files.readString(own, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            // a marker is there: failure() reports what cannot be read
            return true;
        }
    }

    /** Why a finetuning sweep fails when its setting's pre-finetuning failed, leaving it no encoder. */
    private static String noEncoder(Setting s) {
        return "setting " + s.name() + " has no encoder: its pre-finetuning failed";
    }

    /**
     * Whether a sweep's failure marker says its setting's pre-finetuning failed while that is now
     * recorded: its marker was deleted and it ran again (see {@link #finishOrMarkFailed}), and the
     * sweep must run rather than stay failed for a reason that no longer holds.
     */
    private boolean isStale(GridSweep sweep, String reason) {
        Setting s = sweep.setting();
        return sweep instanceof FinetuningSweep && !s.isBaseline() && reason.equals(noEncoder(s))
                && isStaleFailure(grid.layout, sweep.id(), reason);
    }

    /** {@link #noEncoder}'s reason, its setting's name the group. */
    private static final java.util.regex.Pattern NO_ENCODER = java.util.regex.Pattern.compile(
            java.util.regex.Pattern.quote("setting ") + "(.+)" + java.util.regex.Pattern.quote(" has no encoder: its pre-finetuning failed"));

    /**
     * Whether a failure marker is stale as {@link #isDone} judges it, for a reader of the records
     * folder that has no grid (a status line): its reason says the sweep's setting has no encoder,
     * while that setting's pre-finetuning is recorded now, so the grid runs the sweep again rather
     * than count it failed.
     *
     * @param layout the run's folders
     * @param sweepId the id of the sweep whose marker it is
     * @param reason the marker's content, stripped
     * @return whether the sweep is to run again, neither done nor failed
     */
    public static boolean isStaleFailure(GridLayout layout, String sweepId, String reason) {
        java.util.regex.Matcher m = NO_ENCODER.matcher(reason);
        if (!m.matches()) {
            return false;
        }
        String setting = GridLayout.safe(m.group(1));
        // a finetuning sweep of that setting (FinetuningSweep#id), whose encoder is its pre-finetuning's
        return sweepId.startsWith("run-" + setting + "-")
                && Files.exists(layout.record("prefinetune-" + setting));
    }

    /**
     * Returns why a sweep failed: every learning rate diverged, or its setting's pre-finetuning
     * failed so it has no encoder. A sweep with its record has not failed, whatever marker is left.
     *
     * @param sweep the sweep
     * @return the reason, or empty when the sweep has not failed
     * @throws IOException if the marker cannot be read
     */
    public Optional<String> failure(GridSweep sweep) throws IOException {
        if (Files.exists(grid.layout.record(sweep.id()))) {
            // done: a sweep run again writes its record before it deletes its old marker (finish), so a
            // process killed between the two leaves both
            return Optional.empty();
        }
        Path own = grid.layout.failure(sweep.id());
        if (Files.exists(own)) {
            String reason = Files.readString(own, StandardCharsets.UTF_8).strip();
            if (!isStale(sweep, reason)) {
                return Optional.of(reason);
            }
        }
        Setting s = sweep.setting();
        if (!(sweep instanceof PrefinetuningSweep) && !s.isBaseline()
                && Files.exists(grid.layout.failure(PrefinetuningSweep.id(s)))
                && !Files.exists(grid.layout.record(PrefinetuningSweep.id(s)))) {
            return Optional.of(noEncoder(s));
        }
        return Optional.empty();
    }

    /**
     * Marks a sweep as failed with its reason (atomically), so that the grid goes on without it and
     * a resumed grid does not run the identical sweep again.
     *
     * @param sweep the sweep
     * @param reason what went wrong, one line
     * @throws IOException if the marker cannot be written
     */
    public void markFailed(GridSweep sweep, String reason) throws IOException {
        AtomicFiles.write(grid.layout.root(), grid.layout.failure(sweep.id()), reason + "\n");
    }

    /**
     * Tells whether a sweep can run now: pre-finetuning always can; finetuning needs its
     * setting's encoder, so the baseline or a finished pre-finetuning sweep.
     *
     * @param sweep the sweep
     * @return true when its inputs exist
     */
    public boolean isReady(GridSweep sweep) {
        Setting s = sweep.setting();
        return sweep instanceof PrefinetuningSweep || s.isBaseline()
                || Files.exists(grid.layout.record(PrefinetuningSweep.id(s)));
    }

    /**
     * Finishes a sweep, or marks it failed, as the grid's own scheduler does, for a caller that
     * drives the sweeps itself (the Spark driver, whose executors run the units): under the sweep's
     * lock, waiting while another process holds it, and after deleting the temp files that writers
     * of the sweep's record, failure marker and choice left when killed (every writer of them holds
     * that lock, so none is a live one's, where the session's clean-up waits an hour). A sweep
     * recorded meanwhile is left as it is; one whose setting's pre-finetuning failed is marked
     * failed with it, once.
     *
     * @param sweep the sweep
     * @return why it failed, or empty when it is recorded
     * @throws IOException if data, checkpoints, files or the lock fail
     * @throws IllegalStateException if the sweep is not ready and has not failed
     */
    public Optional<String> finishClaimed(GridSweep sweep) throws IOException {
        try (UnitLock l = UnitLock.acquire(grid.layout.lock(sweep.id()))) {
            // so that a process waiting for the sweep can say which one holds it
            l.noteHolder();
            Optional<String> failed = failure(sweep);
            if (failed.isPresent()) {
                if (!Files.exists(grid.layout.failure(sweep.id()))) {
                    deleteKilledSweepTemps(sweep);
                    markFailed(sweep, failed.get());
                }
                return failed;
            }
            if (Files.exists(grid.layout.record(sweep.id()))) {
                return Optional.empty();
            }
            deleteKilledSweepTemps(sweep);
            return finishOrMarkFailed(sweep);
        }
    }

    /**
     * Finishes a sweep: runs its units that are not done, picks the winning learning rate and
     * writes the sweep's files and record (pre-finetuning: keeps only the winner's encoder).
     *
     * @param sweep the sweep
     * @throws IOException if data, checkpoints or files fail
     * @throws SweepFailedException if every learning rate diverged, or no task of a pre-finetuning
     *     setting can be featurized
     * @throws IllegalStateException if the sweep is not ready
     */
    public void finish(GridSweep sweep) throws IOException {
        if (!isReady(sweep)) {
            throw new IllegalStateException("sweep " + sweep.id() + " is not ready: setting " + sweep.setting().name()
                    + " is not pre-finetuned yet");
        }
        if (sweep instanceof PrefinetuningSweep s) {
            prefinetuning.finish(s);
        } else {
            finetuning.finish((FinetuningSweep) sweep);
        }
        // a stale marker (see isStale), now that the record says the sweep is done
        PlainFolders.deleteTree(grid.layout.root(), grid.layout.failure(sweep.id()));
    }

    /**
     * Finishes a sweep, or marks it failed when every learning rate diverged: a failed sweep never
     * aborts a grid, and running it again in the same run would diverge again. Before it is marked,
     * its diverged runs' outcomes are deleted (a pre-finetuning run's folder, a finetuning trial's
     * file holding NaN; the marker holds the reason): they were kept so that a sweep cut off mid-way
     * does not train them again, but read back they would fail the sweep again, untrained, after its
     * marker is deleted to run it again (as the CLI's summary says), on a device whose kernels are
     * not deterministic, say. Deleted first, a process killed in between leaves neither them nor a
     * marker, and the sweep trains again.
     *
     * @param sweep the sweep
     * @return why it failed, or empty when it finished
     * @throws IOException if data, checkpoints or files fail
     */
    public Optional<String> finishOrMarkFailed(GridSweep sweep) throws IOException {
        try {
            finish(sweep);
            return Optional.empty();
        } catch (SweepFailedException e) {
            LOG.warn("{} failed: {}; the grid goes on without it", sweep.id(), e.getMessage());
            // runs first: a kill in between leaves neither runs nor marker, and the sweep trains again
            forgetDiverged(sweep);
            betweenFailedSteps.between(sweep);
            markFailed(sweep, e.getMessage());
            return Optional.of(e.getMessage());
        }
    }

    /** Deletes the outcomes of a failed sweep's diverged runs, before its marker is written (see {@link #finishOrMarkFailed}). */
    private void forgetDiverged(GridSweep sweep) throws IOException {
        Path root = grid.layout.root();
        for (GridUnit unit : sweep.units()) {
            if (unit instanceof PrefinetuningUnit u) {
                Path history = grid.layout.history(u);
                // a diverged run's history holds its error, and its folder no encoder
                if (Files.exists(history) && JsonFiles.object(history).has("error")) {
                    PlainFolders.deleteTree(root, grid.layout.learningRateDir(u));
                }
            } else {
                Path trial = grid.layout.finetuningTrial((FinetuningUnit) unit);
                if (Files.exists(trial) && Double.isNaN(FinetuningRunner.storedScores(trial).get("validation").getAsDouble())) {
                    PlainFolders.deleteTree(root, trial);
                }
            }
        }
    }

    /**
     * Writes the finetuned models the grid exports ({@link Grid.Builder#optExportModels}) from the
     * sweeps finished now, each finetuned again at its chosen rate, and lists the folders present in
     * {@code run.json} under {@code models}; {@link Grid#run()} calls it once every sweep is finished.
     * Folders already there are kept as they are; each export holds its own lock, so processes
     * sharing the output folder write each folder once.
     *
     * @return the exported folders, present now, in target, setting, seed order; none with {@link
     *     ModelExports#NONE}
     * @throws IOException if finetuning or writing fails
     */
    public List<Path> exportModels() throws IOException {
        return exportModels(GridScheduler.WAIT_REMINDER_NANOS);
    }

    /** {@link #exportModels()}, saying every {@code remindNanos} that it still waits for another process's export. */
    List<Path> exportModels(long remindNanos) throws IOException {
        return new GridExporter(this, finetuning, remindNanos).export();
    }

    /**
     * Rewrites {@code results.jsonl}, the tables and the plots from the records present now, of
     * the plan's units only: another grid's records in {@code records/} are left out and logged.
     * Where another process has added targets to the run since this session opened (for a worker:
     * or the run it joined records targets its grid lacks), nothing is written, as the files would
     * lose the added targets' rows, and the tables are this grid's.
     *
     * @return the tables
     * @throws IOException if reading records or writing reports fails
     */
    public GridReports.Written writeReports() throws IOException {
        writeDataReport();
        return extendedSinceOpened() ? reports().tablesOnly() : reports().write();
    }

    /**
     * The tables of the records present now, for a worker session that recorded nothing: the files
     * are written ({@link #writeReports()}) only where {@code results.jsonl} holds other records,
     * since the process that drives the run writes them, and not where another process has added
     * targets to the run since this session opened.
     */
    GridReports.Written currentReports() throws IOException {
        return extendedSinceOpened() ? reports().tablesOnly() : reports().current();
    }

    /**
     * Whether {@code run.json} records another fingerprint than the one this session opened with,
     * or, for a worker, which trusts the file it opened with, other targets than its own grid's:
     * another process added targets, and the reports, which hold their rows, are left to it. A
     * worker checks too: it rewrites the reports after the sweeps it runs, from the plan it opened with.
     */
    private boolean extendedSinceOpened() throws IOException {
        String mine = String.join(",", grid.config.targets.stream().map(Task::name).toList());
        JsonElement opened = manifest.get("fingerprint");
        JsonElement recorded = opened instanceof JsonObject o && o.get("grid") instanceof JsonObject g ? g.get("targets") : null;
        if (recorded != null && !recorded.equals(new JsonPrimitive(mine))) {
            // a worker opened after the run was extended: the file it trusts names targets its plan lacks
            LOG.warn("{}: the run records targets {}, this process plans {}; the reports are left as the process that"
                    + " added targets writes them, with their rows", grid.layout.manifest(), recorded.getAsString(), mine);
            return true;
        }
        if (!Files.exists(grid.layout.manifest())) {
            return false;
        }
        JsonElement now = JsonFiles.strictObject(grid.layout.manifest()).get("fingerprint");
        if (opened.equals(now)) {
            return false;
        }
        // another process added targets since this one opened: its tables hold their rows, these would not
        LOG.warn("{}: another process added targets to this run since this one opened it; the reports are"
                + " left as that process writes them, with the added targets' rows", grid.layout.manifest());
        return true;
    }

    private GridReports reports() throws IOException {
        if (reports == null) {
            // every requested target, so that one without data is an empty row and Table 2 counts it as missing
            reports = new GridReports(grid.layout, plan().settingNames(), grid.config.targets,
                    plan().sweeps().stream().map(GridSweep::id).toList(), grid.config.alpha);
        }
        return reports;
    }

    /**
     * Writes what reading the data dropped and flagged so far, merged with what other processes
     * recorded, into {@code run.json} and {@value DataReport#FILE}.
     *
     * @return the merged report
     * @throws IOException if a file cannot be read or written
     */
    public DataReport writeDataReport() throws IOException {
        try (UnitLock l = UnitLock.acquire(grid.layout.lock("manifest"))) {
            deleteKilledManifestTemps();
            JsonObject current = Files.exists(grid.layout.manifest())
                    ? JsonFiles.strictObject(grid.layout.manifest()) : manifest;
            JsonObject recorded = current.has("reads") ? current.getAsJsonObject("reads") : new JsonObject();
            Map<String, DataReport.TaskReads> read = tasks.reads();
            DataReport merged = DataReport.fromJson(recorded).merge(read);
            JsonObject reads = merged.toJson();
            // a task this process did not read stays as its reader wrote it: members of a newer version
            // inside it, unknown here, are kept (docs/protocol.md), as toJson(fromJson) would drop them
            for (String name : List.copyOf(reads.keySet())) {
                if (!read.containsKey(name) && recorded.has(name)) {
                    reads.add(name, recorded.get(name));
                }
            }
            current.add("reads", reads);
            // a run that read nothing new since (a finished run started again) leaves both as they are
            writeIfChanged(grid.layout.manifest(), PrefinetuningRunner.GSON.toJson(current));
            writeIfChanged(grid.layout.dataReport(), PrefinetuningRunner.GSON.toJson(merged.toFileJson()));
            dataReport = merged;
            return merged;
        }
    }

    /**
     * Writes the data report as soon as tasks have been read for a sweep, before the sweep can be
     * recorded done: a restarted grid never reads the tasks of a finished sweep again, so what a
     * process killed before its next report rewrite had read would be missing from the report for
     * good. A worker session leaves the run's files to the process that drives it.
     *
     * @throws IOException if a file cannot be read or written
     */
    void recordReads() throws IOException {
        if (!worker) {
            writeDataReport();
        }
    }

    /** Writes a file of the output folder unless it holds {@code text} already. */
    private void writeIfChanged(Path file, String text) throws IOException {
        if (!GridReports.holds(file, text)) {
            AtomicFiles.write(grid.layout.root(), file, text);
        }
    }

    /**
     * Returns the data report as this session last wrote it.
     *
     * @return the report; empty before the first write
     */
    public DataReport dataReport() {
        return dataReport;
    }

    private boolean hasRecords() throws IOException {
        if (!Files.isDirectory(grid.layout.records())) {
            return false;
        }
        try (Stream<Path> s = Files.list(grid.layout.records())) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".jsonl"));
        }
    }

    /** The run's manifest as opened, for the encoder folders' manifests. */
    JsonObject manifest() {
        return manifest;
    }

    @Override
    public void close() {
        try {
            if (inUse != null) {
                inUse.close();
                inUse = null;
            }
        } catch (IOException e) {
            LOG.warn("could not release {}: {}", grid.layout.lock("run"), e.toString());
        }
        try {
            tasks.close();
        } finally {
            root.close();
        }
    }

    // ---------------------------------------------------------------- for the runners

    Grid grid() {
        return grid;
    }

    /** Whether this session joins a run another process drives, leaving its {@code run.json} to it. */
    boolean isWorker() {
        return worker;
    }

    GridTasks tasks() {
        return tasks;
    }

    NDManager root() {
        return root;
    }

    EncoderConfig config() {
        return config;
    }

    long warmupSteps(int batchesPerEpoch, int epochs) {
        return warmupSteps(grid.config.warmupRatio, (long) batchesPerEpoch * epochs);
    }

    /** HF's {@code TrainingArguments.get_warmup_steps}: {@code ceil(steps * ratio)}, the product in doubles. */
    static long warmupSteps(double ratio, long steps) {
        return (long) Math.ceil(steps * ratio);
    }

    /** The encoder folder a setting's targets are finetuned from. */
    Path encoderOf(Setting setting) throws IOException {
        if (setting.isBaseline()) {
            return grid.config.encoder;
        }
        Path result = grid.layout.settingResult(setting);
        if (!Files.exists(result)) {
            throw new IllegalStateException("setting " + setting.name() + " is not pre-finetuned yet: " + result + " is missing");
        }
        JsonElement encoder = JsonFiles.object(result).get("encoder");
        if (encoder == null || !encoder.isJsonPrimitive() || !encoder.getAsJsonPrimitive().isString()) {
            // Gson's cast would fail naming neither the file nor the member
            throw new IOException(result + " $.encoder: expected the encoder folder's name, found "
                    + JsonShapes.describe(encoder) + "; delete the file to pre-finetune the setting again");
        }
        return grid.layout.settingDir(setting).resolve(encoder.getAsString());
    }

    /**
     * Deletes the temp files that killed writers of a sweep's own files left: of its record, its
     * failure marker, and its choice ({@code prefinetune/<setting>/result.json} or {@code
     * finetune/<sweep>.json}). For {@link GridScheduler} and {@link #finishClaimed}, which write those
     * files only under the sweep's lock and call this holding it, so none is a live process's, however young, where the
     * session's clean-up waits an hour; the units' own temp files are their runners'.
     *
     * @param sweep the sweep, claimed by the caller
     * @return how many were deleted
     * @throws IOException if a folder cannot be listed or a temp file deleted
     */
    int deleteKilledSweepTemps(GridSweep sweep) throws IOException {
        Path root = grid.layout.root();
        Path choice = sweep instanceof PrefinetuningSweep p ? grid.layout.settingResult(p.setting())
                : grid.layout.finetuningDetail((FinetuningSweep) sweep);
        int deleted = 0;
        for (Path file : List.of(grid.layout.record(sweep.id()), grid.layout.failure(sweep.id()), choice)) {
            deleted += ClaimedTemps.of(root, file);
        }
        if (deleted > 0) {
            LOG.info("deleted {} temp files of sweep {} that a killed run left", deleted, sweep.id());
        }
        return deleted;
    }

    /**
     * Writes a sweep's record whole, so that its presence means complete: the lines are made in
     * memory and written through a temporary file created and renamed in the entered records folder.
     * A temporary file made by name there (as before) was redirected with the folder swapped for a link.
     */
    void writeRecord(String sweepId, String lines) throws IOException {
        AtomicFiles.write(grid.layout.root(), grid.layout.record(sweepId), lines);
    }
}
