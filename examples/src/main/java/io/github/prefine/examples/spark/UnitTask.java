package io.github.prefine.examples.spark;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.grid.Grid;
import io.github.prefine.core.grid.GridLayout;
import io.github.prefine.core.grid.GridSession;
import io.github.prefine.core.grid.GridUnit;
import io.github.prefine.core.grid.PrefinetuningUnit;
import io.github.prefine.core.grid.UnitBusyException;
import io.github.prefine.core.train.EpochReport;
import io.github.prefine.core.train.EvaluationProgress;
import io.github.prefine.core.train.GradMode;
import io.github.prefine.core.train.StepReport;
import io.github.prefine.core.train.TrainingListener;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.examples.cli.ConsoleProgress;
import io.github.prefine.examples.cli.DeviceOption;
import io.github.prefine.examples.cli.GridCommand;
import io.github.prefine.examples.cli.TrainingProgress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One grid unit as a Spark task: builds the grid from the command line in the executor, stages the
 * unit's inputs, trains on the GPU Spark assigned (or the {@code --device} option), and pushes the
 * unit's files. A unit whose files are already there is read back, not trained again, so a retried
 * task gives what the first try would have.
 *
 * <p>On a folder used in place (a shared mount), a unit runs under its own lock ({@link
 * GridSession#runClaimed}), so that a speculative copy, or a retry while the attempt Spark gave
 * up on is still alive, waits for the live attempt and then reads the unit back instead of
 * training into the same files at once; it gives up after {@code --claim-timeout} (a live holder
 * that long is taken as stuck), failing with a message that names the unit and its holder. On a
 * mirrored folder the unit's lease in the folder itself ({@link UnitLease}) does the same across
 * executors, and an attempt whose lease expired and was taken over pushes nothing more.
 *
 * <p>A unit that fails on the last attempt Spark allows ({@code spark.task.maxFailures}, or the
 * count a {@code local[N,F]} master names) is not thrown to Spark, which would abort the stage and
 * with it the driver's write-up of every other sweep: the attempt returns the failure ({@link
 * Result#failure}) and the driver reports it, finishes the sweeps whose units are all done and
 * leaves the unit to the next submit. Errors of the JVM itself ({@link VirtualMachineError}) are
 * thrown as ever.
 *
 * <p>Units of one executor run one at a time: the PyTorch engine's random generator, which dropout
 * draws from, is process-wide, and a unit's results are reproducible only if no other unit reseeds
 * it meanwhile. Give each executor one GPU.
 */
final class UnitTask implements Function<String, UnitTask.Result> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(UnitTask.class);
    /** One unit at a time per executor JVM, for the process-wide random generator. */
    private static final Object ENGINE = new Object();

    private final SparkArgs args;
    private final HadoopConf conf;
    private final boolean mirror;
    private final String failFirstAttemptOf;
    private final UnitLease.Timing lease;
    private final int attemptsAllowed;
    private final String run;

    /**
     * What an attempt of a unit gives the driver.
     *
     * @param unit the unit's id
     * @param failure how the unit failed on the last attempt Spark allows, or null when it is done
     */
    record Result(String unit, SparkGrid.FailedUnit failure) implements java.io.Serializable {}

    /**
     * @param args the command line, with the URIs of the folders
     * @param conf the driver's Hadoop configuration
     * @param mirror true to mirror even local folders
     * @param failFirstAttemptOf a unit id whose first attempt is killed after its first checkpoint
     *     (the fault-injection hook of the tests), or empty
     * @param lease heartbeat and expiry of a unit's lease on a mirrored folder
     * @param attemptsAllowed how many attempts Spark makes of a task ({@link SparkGrid#attemptsAllowed})
     * @param run the fingerprint of the run the driver planned, as its {@code run.json} holds it
     *     ({@link SparkGrid#fingerprint}): a unit of a folder that holds another run by now trains
     *     and pushes nothing
     */
    UnitTask(SparkArgs args, HadoopConf conf, boolean mirror, String failFirstAttemptOf, UnitLease.Timing lease,
            int attemptsAllowed, String run) {
        this.args = args;
        this.conf = conf;
        this.mirror = mirror;
        this.failFirstAttemptOf = failFirstAttemptOf;
        this.lease = lease;
        this.attemptsAllowed = attemptsAllowed;
        this.run = run;
    }

    @Override
    public Result call(String unitId) throws Exception {
        TaskContext ctx = TaskContext.get();
        try {
            synchronized (ENGINE) {
                run(unitId);
            }
            return new Result(unitId, null);
        } catch (Exception | Error e) {
            if (e instanceof VirtualMachineError || ctx == null || ctx.attemptNumber() + 1 < attemptsAllowed) {
                throw e;
            }
            // thrown, it would abort the stage, and the driver would write up none of its sweeps
            LOG.error("unit {} failed on its last attempt ({} of {} Spark allows); the driver reports it and goes on",
                    unitId, ctx.attemptNumber() + 1, attemptsAllowed, e);
            return new Result(unitId, new SparkGrid.FailedUnit(unitId, ctx.attemptNumber() + 1,
                    io.github.prefine.examples.cli.CliErrors.oneLine(e.toString()), owner(ctx)));
        }
    }

    private void run(String unitId) throws Exception {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // a task thread starts with PyTorch recording gradients
        GradMode.offInThisThread(Engine.getInstance());
        TaskContext ctx = TaskContext.get();
        GridFolder.RunFolders folders = GridFolder.openRun(args, conf.get(), mirror,
                Path.of(SparkFiles.getRootDirectory()).resolve("prefine"));
        GridFolder out = folders.out();
        Path data = folders.data();
        out.pull("run.json");
        checkSameRun(out, SparkGrid.fingerprint(out.local().resolve("run.json")));
        boolean kill = ctx != null && ctx.attemptNumber() == 0 && unitId.equals(failFirstAttemptOf);
        watchNext = ctx != null && ctx.attemptNumber() > 0 && unitId.equals(failFirstAttemptOf);
        Worker w = worker(out, data, ctx);
        long start = System.nanoTime();
        GridUnit unit = w.session().plan().units().stream().filter(u -> u.id().equals(unitId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("unit " + unitId + " is not in the grid built on this"
                        + " executor; the driver and the executors must see the same data and options"));
        try {
            killNext = kill;
            if (out.direct()) {
                // a shared folder: a speculative copy, or a retry while the attempt Spark gave up on
                // still runs, would train into the same files; it waits for the unit, then reads it back
                try {
                    w.session().runClaimed(unit);
                } catch (UnitBusyException e) {
                    throw e.naming(claimTimeoutOption());
                }
            } else {
                runLeased(out, w, unit, ctx);
            }
        } catch (Exception | Error e) {
            // a session cut off mid-unit is not reused: the retry builds it afresh
            closeWorker();
            if (kill && !out.direct() && unit instanceof PrefinetuningUnit p) {
                // the test hook's executor loses its disk too: the retry has only what was pushed
                AtomicFiles.deleteTree(w.grid().layout().learningRateDir(p));
            }
            throw e;
        } finally {
            killNext = false;
            watchNext = false;
        }
        Device device = w.device();
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info("unit {} done on {} in {} s", unitId, device, Math.round(seconds));
    }

    /**
     * Runs a unit of a mirrored folder under its lease ({@link UnitLease}): a speculative copy, or a
     * retry while the attempt Spark gave up on still runs, trains in its own executor's copy, so
     * only a claim in the folder itself keeps it from training the unit again and pushing over the
     * live attempt's files; it waits, then reads the unit back (or takes over an expired lease,
     * resuming from the checkpoint its holder pushed last).
     */
    private void runLeased(GridFolder out, Worker w, GridUnit unit, TaskContext ctx) throws IOException {
        GridLayout layout = w.grid().layout();
        Optional<UnitLease> claimed;
        try {
            claimed = UnitLease.claim(out, unit.id(), UnitFiles.doneMarker(layout, unit), owner(ctx), lease,
                    args.claimTimeout());
        } catch (UnitBusyException e) {
            throw e.naming(claimTimeoutOption());
        }
        // the unit as the folder has it now: done, or as far as its last holder pushed it
        UnitFiles.pull(out, layout, unit);
        if (claimed.isEmpty()) {
            w.session().run(unit);
            return;
        }
        try (UnitLease l = claimed.get()) {
            // another driver may force a new run in the folder meanwhile: nothing of this one goes there
            GridFolder.Fence fence = () -> {
                l.check();
                checkSameRun(out, SparkGrid.fingerprint(out.read("run.json")));
            };
            held = l;
            heldFence = fence;
            w.session().run(unit);
            UnitFiles.push(out, layout, unit, fence);
        } finally {
            held = null;
            heldFence = null;
        }
    }

    /**
     * Refuses to go on with a unit of a folder whose {@code run.json} holds another run than the
     * one the driver planned: a second driver forced a new run there (a mirrored folder has no
     * lock that a forced run waits for), and this unit's files would count as that run's.
     */
    private void checkSameRun(GridFolder out, String found) throws UnitLease.LostLeaseException {
        if (!run.equals(found)) {
            throw new UnitLease.LostLeaseException(out.uri() + "/run.json: expected the run this driver planned, found "
                    + (found == null ? "none" : "another run's settings")
                    + " (another driver forced a new run in --out, or added targets to it, meanwhile?);"
                    + " this attempt trains and pushes nothing into it");
        }
    }

    /** This attempt as its lease names it: process, host and Spark task attempt. */
    private static String owner(TaskContext ctx) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "an unknown host";
        }
        String attempt = ctx == null ? "outside a Spark task" : "Spark task " + ctx.taskAttemptId() + " (stage "
                + ctx.stageId() + ", partition " + ctx.partitionId() + ", attempt " + ctx.attemptNumber() + ")";
        return "process " + ProcessHandle.current().pid() + " on " + host + ", " + attempt;
    }

    private String claimTimeoutOption() {
        return SparkArgs.NAME + " --claim-timeout (now " + args.claimTimeout().toString().substring(2)
                .toLowerCase(java.util.Locale.ROOT) + ")";
    }

    /** The grid and session this executor keeps between units of one submit; one at a time. */
    private record Worker(String key, Device device, Grid grid, GridSession session) {}

    private static Worker worker;
    /** The lease of the mirrored unit this executor is running, or null. */
    private static volatile UnitLease held;
    /** What the mirrored unit this executor is running checks before each file it pushes, or null. */
    private static volatile GridFolder.Fence heldFence;
    /** Whether the unit about to run is the test hook's victim. */
    private static boolean killNext;
    /** Whether the unit about to run is the retry of the test hook's victim. */
    private static boolean watchNext;
    /** For tests: the epochs (from 0) the retry of the test hook's victim trained, in order. */
    static final List<Integer> EPOCHS_OF_RETRY = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The session of this command line and device, built once per executor rather than once per unit. */
    private Worker worker(GridFolder out, Path data, TaskContext ctx) throws Exception {
        GridCommand command = args.local(out.local(), data);
        Device device = device(ctx == null ? Map.of() : ctx.resourcesJMap(), command.device());
        String key = args + "|" + out.local() + "|" + data + "|" + device;
        if (worker != null && worker.key().equals(key)) {
            return worker;
        }
        closeWorker();
        ConsoleProgress bar = ConsoleProgress.onStderr();
        Grid grid = command.grid(device).optClaimTimeout(args.claimTimeout()).optProgress(label -> new UnitListener(out,
                killNext ? new KillAfterCheckpoint(label) : new TrainingProgress(bar, label), watchNext))
                .optFeaturizationListener(TrainingProgress.featurization(bar)).build();
        worker = new Worker(key, device, grid, grid.openWorker());
        return worker;
    }

    private static void closeWorker() {
        if (worker != null) {
            Worker w = worker;
            worker = null;
            w.session().close();
        }
    }

    /**
     * The GPU Spark assigned to this task, else what {@code --device} says.
     *
     * @param resources the task's resources ({@code TaskContext.resourcesJMap()})
     * @param option the {@code --device} option
     */
    static Device device(Map<String, ResourceInformation> resources, String option) {
        ResourceInformation gpu = resources.get("gpu");
        if (gpu != null && gpu.addresses().length > 0) {
            return Device.gpu(Integer.parseInt(gpu.addresses()[0].trim()));
        }
        refuseGpuCount(option);
        return DeviceOption.parse(option);
    }

    /**
     * Refuses a GPU count for {@code --device}: on Spark each task gets its GPU from Spark.
     *
     * @param option the {@code --device} value
     * @throws IllegalArgumentException for a count
     */
    static void refuseGpuCount(String option) {
        if (DeviceOption.gpuCount(option) > 0) {
            throw new IllegalArgumentException("--device " + option + ": on Spark each task gets its GPU from"
                    + " spark.task.resource.gpu.amount; pass --device auto, cpu or gpu:K instead of a count");
        }
    }

    /**
     * Pushes each checkpoint of a mirrored run as it is published (see {@link
     * UnitFiles#pushCheckpoint}) and, for the retry of the test hook's victim, records the epochs
     * it trains; tells the next listener everything.
     */
    private record UnitListener(GridFolder out, TrainingListener next, boolean watchRetry) implements TrainingListener {
        @Override
        public void onSteps(StepReport report) {
            stopIfLost();
            next.onSteps(report);
        }

        @Override
        public void onResume(int epochsDone) {
            next.onResume(epochsDone);
        }

        @Override
        public void onEpoch(EpochReport report) {
            stopIfLost();
            if (watchRetry) {
                EPOCHS_OF_RETRY.add(report.epoch());
            }
            next.onEpoch(report);
        }

        @Override
        public void onEvaluation(EvaluationProgress progress) {
            next.onEvaluation(progress);
        }

        @Override
        public void onCheckpoint(Path dir, int epochsDone) {
            GridFolder.Fence fence = heldFence;
            try {
                UnitFiles.pushCheckpoint(out, dir, fence == null ? GridFolder.Fence.NONE : fence);
            } catch (UnitLease.LostLeaseException e) {
                throw new IllegalStateException(e.getMessage(), e);
            } catch (IOException e) {
                // the run goes on; a retry elsewhere would start from an older checkpoint
                LOG.warn("{}: could not push checkpoint {}: {}", out, dir.getFileName(), e.toString());
            }
            next.onCheckpoint(dir, epochsDone);
        }

        /** Ends a unit whose lease another attempt has taken over: its training would be thrown away. */
        private static void stopIfLost() {
            UnitLease l = held;
            if (l != null && l.lost().isPresent()) {
                throw new IllegalStateException("unit stopped: this attempt lost its claim (" + l.lost().get()
                        + "); another attempt runs it");
            }
        }
    }

    /** The test hook: ends a unit's first attempt as a killed executor would, after its first checkpoint. */
    private record KillAfterCheckpoint(String run) implements TrainingListener {
        @Override
        public void onCheckpoint(Path dir, int epochsDone) {
            throw new IllegalStateException("fault injected into " + run + " after " + Counts.counted(epochsDone, "epoch"));
        }
    }
}
