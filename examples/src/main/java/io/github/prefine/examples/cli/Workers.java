package io.github.prefine.examples.cli;

import ai.djl.Device;
import io.github.prefine.core.grid.Grid;
import io.github.prefine.core.grid.GridSummary;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Worker processes that share a grid run with this one: the same command, each with its own
 * {@code --device}, writing to the same output folder, whose unit locks split the work. {@code
 * --device N} starts one per further GPU; {@code --workers K} runs K processes on each device. A
 * tiny model leaves a GPU idle between the kernels one process launches, and a CPU core idle
 * while one process works on one thread, so several processes finish the same units sooner; each
 * unit seeds its own training, so the tables do not depend on which process ran what. A worker
 * prints no progress and no tables (this process does), and ends when this process ends, however
 * it ends ({@link ParentWatch}).
 */
final class Workers {
    /** Environment variable that marks a worker process. */
    static final String WORKER = "PREFINE_WORKER";

    private static final Logger LOG = LoggerFactory.getLogger(Workers.class);
    /** Options the parent sets for each worker itself. */
    private static final Set<String> REPLACED = Set.of("--device", "--workers", "--threads");
    /**
     * Most workers per GPU: each holds its own CUDA context (about half a GiB) and a full model on
     * the device, and beyond a few the kernels of more processes only take turns.
     */
    static final int MAX_PER_GPU = 16;
    /**
     * Most workers per CPU core: each is a JVM with a full model, and beyond this each one's turn on
     * a core is a quarter of it or less.
     */
    static final int MAX_PER_CORE = 4;
    /** The help text's sentence on the limit, shared by the commands that take {@code --workers}. */
    static final String LIMIT_HELP = "At most the units the run plans (divided among the devices), and at most "
            + MAX_PER_CORE + " per core on a CPU or " + MAX_PER_GPU + " per GPU.";
    /** How long a stopped worker may take to release its locks and exit before it is killed. */
    private static final long STOP_SECONDS = 30;

    private Workers() {}

    /**
     * Tells whether this process is a worker started by {@link #start}.
     *
     * @return true in a worker
     */
    static boolean isWorker() {
        return "1".equals(System.getenv(WORKER));
    }

    /**
     * The {@code --device} values of the workers to start besides this process: {@code workers}
     * per device, this process taking the first slot of the first device.
     *
     * @param gpus the GPU count of {@code --device N}, else 0
     * @param device the device this process runs on
     * @param workers processes per device, at least 1
     * @return one value per worker, such as {@code gpu:1} or {@code cpu}
     */
    static List<String> devices(int gpus, Device device, int workers) {
        List<String> out = new ArrayList<>();
        List<String> all = new ArrayList<>();
        if (gpus > 0) {
            for (int k = 0; k < gpus; k++) {
                all.add("gpu:" + k);
            }
        } else {
            all.add(device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu");
        }
        for (String d : all) {
            for (int w = 0; w < workers; w++) {
                out.add(d);
            }
        }
        out.remove(0);
        return out;
    }

    /**
     * Starts one worker per value of {@code devices}: this JVM's options and this command with its
     * options as given, but {@code --device} set to that value and {@code --force} left out (this
     * process has already cleared a forced folder; a worker must not clear it under it).
     *
     * @param devices the workers' {@code --device} values
     * @param spec this command
     * @param threads PyTorch intra-op threads per worker, or null for the command's own default
     * @return the started processes
     * @throws IOException if one cannot be started
     */
    static List<Process> start(List<String> devices, CommandLine.Model.CommandSpec spec, Integer threads)
            throws IOException {
        List<Process> out = new ArrayList<>();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        if (!original.contains(spec.name())) {
            throw new IllegalStateException("workers need the command line that named '" + spec.name() + "', found " + original);
        }
        try {
            for (String device : devices) {
                // this JVM's options (-Xmx, -Dprefine.attention=...), as the malloc re-launch passes them
                List<String> cmd = ChildJvm.command(java, jvmArguments(ManagementFactory.getRuntimeMXBean()
                        .getInputArguments(), out.size() + 1), System.getProperty("java.class.path"),
                        arguments(original, device, threads));
                LOG.info("starting a worker on {}", device);
                out.add(ParentWatch.start(cmd, Map.of(WORKER, "1")));
            }
        } catch (IOException | RuntimeException e) {
            // those already started would otherwise run on without the run that needs them
            stop(out);
            throw e;
        }
        return out;
    }

    /**
     * A worker's JVM options: this JVM's, but without a debugger agent, whose port this JVM holds,
     * and with a status trace ({@code -Dprefine.statusTrace=FILE}) of its own, {@code
     * FILE.worker<n>}, since each process replaces its trace file when it starts.
     *
     * @param input this JVM's input arguments
     * @param worker the worker's number, from 1
     * @return the options to start a worker with
     */
    static List<String> jvmArguments(List<String> input, int worker) {
        String trace = "-D" + RunStatus.TRACE_PROPERTY + "=";
        return input.stream().filter(a -> !ParentWatch.isDebuggerOption(a))
                .map(a -> a.startsWith(trace) ? a + ".worker" + worker : a).toList();
    }

    /**
     * A worker's arguments: the whole command line as given (the command's name included), but
     * {@code --device}, {@code --workers} and {@code --threads} replaced and {@code --force} left
     * out.
     *
     * @param original the arguments this process was given
     * @param device the worker's {@code --device}
     * @param threads its {@code --threads}, or null to leave the option out
     * @return the worker's arguments
     */
    static List<String> arguments(List<String> original, String device, Integer threads) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < original.size(); i++) {
            String a = original.get(i);
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (REPLACED.contains(name)) {
                i += a.contains("=") ? 0 : 1;
            } else if (!a.equals("--force")) {
                out.add(a);
            }
        }
        out.add("--device");
        out.add(device);
        if (threads != null) {
            out.add("--threads");
            out.add(threads.toString());
        }
        return out;
    }

    /**
     * The most {@code --workers} that can help: a process beyond the planned units would start a
     * JVM and load a model only to find no unit to run, and more than {@link #MAX_PER_CORE} per
     * core on a CPU or {@link #MAX_PER_GPU} per GPU only share the device thinner.
     *
     * @param gpus the GPU count of {@code --device N}, else 0
     * @param device the device this process runs on
     * @param units the units the run plans
     * @param cores the CPU cores, {@link Runtime#availableProcessors()}
     * @return the limit per device, at least 1
     */
    static int limit(int gpus, Device device, int units, int cores) {
        int devices = Math.max(1, gpus);
        int perDevice = device.isGpu() || gpus > 0 ? MAX_PER_GPU : MAX_PER_CORE * Math.max(1, cores);
        return Math.max(1, Math.min(perDevice, units / devices));
    }

    /**
     * Refuses a {@code --workers} count above {@link #limit}, naming the option, the limit and why.
     *
     * @param workers processes per device asked for
     * @param gpus the GPU count of {@code --device N}, else 0
     * @param device the device this process runs on
     * @param units the units the run plans
     * @throws IllegalArgumentException if {@code workers} is above the limit
     */
    static void checkCount(int workers, int gpus, Device device, int units) {
        int cores = Runtime.getRuntime().availableProcessors();
        int limit = limit(gpus, device, units, cores);
        if (workers <= limit) {
            return;
        }
        int devices = Math.max(1, gpus);
        String why;
        if (limit == Math.max(1, units / devices)) {
            why = "the " + units + " units this run plans" + (devices > 1 ? " over " + devices + " GPUs" : "")
                    + "; a worker beyond them would load a model and find nothing to run";
        } else if (device.isGpu() || gpus > 0) {
            why = MAX_PER_GPU + " per GPU; each holds a CUDA context and a full model on the device";
        } else {
            why = MAX_PER_CORE + " per core on this " + cores + "-core CPU; each is a JVM with a full model";
        }
        throw new IllegalArgumentException("--workers " + workers + ": at most " + limit + (devices > 1 ? " per GPU" : "")
                + ", " + why);
    }

    /**
     * PyTorch intra-op threads for each process on a CPU: as asked, or with several workers each
     * one's share of the cores, so that they do not contend for them.
     *
     * @param threads the {@code --threads} option, or null where not given
     * @param workers processes per device
     * @return the threads, or null for the engine's default
     */
    static Integer threadsPerWorker(Integer threads, int workers) {
        if (threads != null || workers <= 1) {
            return threads;
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
    }

    /**
     * Sets the engine's thread counts; call before anything starts the engine (parsing {@code
     * --device auto} does), which reads them once.
     *
     * @param threads intra-op threads, or null to leave the engine's default
     */
    static void useThreads(Integer threads) {
        if (threads != null) {
            System.setProperty("ai.djl.pytorch.num_threads", threads.toString());
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    /**
     * Runs a grid here and in the workers on {@code devices}, and waits for all of them. The
     * folder's {@code run.json} is checked (and with {@code --force} the folder cleared) here,
     * once, before any worker starts. When this process's part fails, the workers still running
     * are stopped before the exception leaves, as the launcher's exit would stop them.
     *
     * @param grid the grid this process runs
     * @param devices the workers' {@code --device} values; none to run alone
     * @param spec the command
     * @param threads the workers' {@code --threads}, or null to leave the option out
     * @return this process's summary, once every worker has ended
     * @throws Exception as {@link Grid#run()}, or if a worker cannot be started
     */
    static GridSummary run(Grid grid, List<String> devices, CommandLine.Model.CommandSpec spec, Integer threads)
            throws Exception {
        if (!devices.isEmpty()) {
            grid.open().close();
        }
        List<Process> workers = start(devices, spec, threads);
        try {
            GridSummary s = grid.run();
            await(workers);
            return s;
        } finally {
            // when this process failed (or was interrupted) before they ended: the run has failed,
            // and outside the launcher (PrefineCli.execute) no exit would end them
            stop(workers);
        }
    }

    /**
     * Waits for the workers, warning about any that failed. A worker that exits {@link
     * CliErrors#SWEEPS_FAILED} did not: it ran its part to the end, and the sweeps that failed are the
     * run's, which this process counts from their markers and exits with itself.
     *
     * @param workers the processes {@link #start} returned
     * @throws InterruptedException if interrupted while waiting
     */
    static void await(List<Process> workers) throws InterruptedException {
        for (Process p : workers) {
            int rc = p.waitFor();
            if (rc != 0 && rc != CliErrors.SWEEPS_FAILED) {
                LOG.warn("worker {} exited with {}", p.pid(), rc);
            }
        }
    }

    /**
     * Ends the workers that are still running (SIGTERM, so that they release their unit locks) and
     * waits for them; does nothing to those that have ended.
     *
     * @param workers the processes {@link #start} returned
     */
    static void stop(List<Process> workers) {
        boolean interrupted = false;
        for (Process p : workers) {
            if (p.isAlive()) {
                LOG.warn("stopping worker {}: this process ends its part of the run", p.pid());
                p.destroy();
            }
        }
        for (Process p : workers) {
            while (true) {
                try {
                    if (!p.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        p.waitFor();
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    p.destroyForcibly();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
