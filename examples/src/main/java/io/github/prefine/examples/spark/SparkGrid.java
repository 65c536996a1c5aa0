package io.github.prefine.examples.spark;

import ai.djl.Device;
import com.google.gson.JsonParser;
import io.github.prefine.core.grid.FinetuningSweep;
import io.github.prefine.core.grid.Grid;
import io.github.prefine.core.grid.GridLayout;
import io.github.prefine.core.grid.GridPlan;
import io.github.prefine.core.grid.GridReports;
import io.github.prefine.core.grid.GridSession;
import io.github.prefine.core.grid.GridSummary;
import io.github.prefine.core.grid.GridSweep;
import io.github.prefine.core.grid.GridUnit;
import io.github.prefine.core.grid.PrefinetuningSweep;
import io.github.prefine.core.grid.PrefinetuningUnit;
import io.github.prefine.core.grid.SkippedSteps;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.eval.internal.JsonShapes;
import io.github.prefine.examples.cli.CliErrors;
import io.github.prefine.examples.cli.ConsoleEncoding;
import io.github.prefine.examples.cli.GridCommand;
import io.github.prefine.examples.cli.OptionValues;
import io.github.prefine.examples.cli.ReproduceCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The experiment grid on Apache Spark: {@code reproduce} or {@code demo}, with the same options
 * as the {@code prefine} commands, where every unit (a pre-finetuning run at one learning rate, a
 * finetuning run of one target, seed and rate) is a Spark task.
 *
 * <pre>{@code
 * spark-submit --class io.github.prefine.examples.spark.SparkGrid --jars <prefine's lib/*.jar> prefine.jar \
 *     reproduce --data hdfs:///prefine/data --out hdfs:///prefine/run --encoder minilm
 * }</pre>
 *
 * <p>The driver checks the options and data, plans the grid and writes {@code run.json}; stage one
 * runs the pre-finetuning units, the driver picks each setting's learning rate (keeping only the
 * winner's encoder); stage two runs the finetuning units, each reading its setting's encoder; the
 * driver picks the target learning rates and writes Table 1, Table 2, the cost table and the plots,
 * the same files as a local run. Finished units and sweeps are skipped, so a second submit on the
 * same {@code --out} runs nothing. A unit that fails on every attempt Spark allows is reported
 * ({@link Outcome#failedUnits}, exit 1) after the other sweeps are written up, and the next submit
 * runs only what is missing. {@code --out} and {@code --data} are Hadoop URIs ({@link
 * GridFolder}); Spark's configuration {@code spark.prefine.mirror=always} mirrors even a local
 * folder through the executors' local disks.
 *
 * <p>Spark is a {@code provided} dependency: the cluster supplies it, and neither the library nor
 * {@code prefine.jar}'s {@code lib/} carries it.
 */
public final class SparkGrid {
    private static final Logger LOG = LoggerFactory.getLogger(SparkGrid.class);

    /** Mirror even local folders: {@code always}, or {@code auto} (only remote ones). */
    public static final String MIRROR = "spark.prefine.mirror";
    /**
     * How often the holder of a unit's lease on a mirrored folder beats ({@link UnitLease}), such as
     * {@code 30s} (the default).
     */
    public static final String LEASE_HEARTBEAT = "spark.prefine.lease.heartbeat";
    /**
     * How long a unit's lease on a mirrored folder stays unchanged before a waiting attempt takes the
     * unit over, such as {@code 10m} (the default); at least four heartbeats, under {@code --claim-timeout}.
     */
    public static final String LEASE_EXPIRY = "spark.prefine.lease.expiry";
    /** Test hook: the id of a unit whose first attempt fails after its first checkpoint. */
    public static final String FAIL_FIRST_ATTEMPT_OF = "spark.prefine.test.failFirstAttemptOf";
    /** Test hook: the id of a failed sweep whose driver is killed after deleting its diverged runs from a mirrored folder, before pushing its marker. */
    public static final String KILL_MARKING_FAILED = "spark.prefine.test.killMarkingFailed";

    private final JavaSparkContext spark;
    private final SparkArgs args;
    private final PrintStream out;
    private int unitsRun;
    private final List<FailedUnit> failedUnits = new ArrayList<>();

    private SparkGrid(JavaSparkContext spark, SparkArgs args, PrintStream out) {
        this.spark = spark;
        this.args = args;
        this.out = out;
    }

    /**
     * Runs a command line under {@code spark-submit}, then exits: 0 done, 4 done with failed
     * sweeps, 2 bad input or environment, 1 internal fault or a failed unit, each failure one line
     * on standard error.
     *
     * @param argv {@code reproduce} or {@code demo} and its options
     */
    public static void main(String[] argv) {
        // as prefine's own main: a UTF-8 console in the C locale, and no folder named after U+FFFD
        ConsoleEncoding.useUtf8InAnAsciiLocale();
        Optional<String> undecodable = ConsoleEncoding.undecodable(argv);
        if (undecodable.isPresent()) {
            System.err.println(SparkArgs.NAME + ": " + undecodable.get());
            System.exit(CliErrors.BAD_INPUT);
            return;
        }
        SparkArgs a;
        try {
            a = SparkArgs.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println(SparkArgs.NAME + ": " + e.getMessage());
            System.exit(CliErrors.BAD_INPUT);
            return;
        }
        if (a.wantsHelp()) {
            System.out.print(a.usage());
            System.exit(0);
        }
        // before the context: its start is where an unsupported Java fails, deep inside Hadoop
        Optional<String> refusal = SupportedJava.refusalHere();
        if (refusal.isPresent()) {
            System.err.println(SparkArgs.NAME + ": " + refusal.get());
            System.exit(CliErrors.BAD_INPUT);
            return;
        }
        SupportedJava.warning(SupportedJava.sparkVersion(), Runtime.version().feature()).ifPresent(LOG::warn);
        int code;
        try (JavaSparkContext jsc = new JavaSparkContext(new SparkConf().setAppName("prefine " + a.command()))) {
            code = run(jsc, System.out, System.err, argv).exitCode();
        }
        System.exit(code);
    }

    /**
     * Parses a command line as {@link #main} does and checks its option values, without Spark,
     * files or the engine; the documentation's command lines are checked through it.
     *
     * @param argv {@code reproduce} or {@code demo} and its options
     */
    static void checkArguments(String... argv) {
        SparkArgs a = SparkArgs.parse(argv);
        if (!a.wantsHelp()) {
            a.local(Path.of("out"), a.command().equals("demo") ? null : Path.of("data")).checkValues();
        }
    }

    /**
     * What one submit did.
     *
     * @param exitCode 0 done, 4 done with failed sweeps ({@link CliErrors#SWEEPS_FAILED}), 2 bad input
     *     or environment, 1 internal fault or a unit failed on every attempt Spark allows
     * @param unitsRun units trained (or read back) by Spark tasks
     * @param summary the grid's summary (the sweeps written up), or null when the submit failed before
     * @param failedUnits the units that failed on every attempt Spark allows; their sweeps, and the
     *     sweeps that need their encoders, are left to the next submit
     */
    public record Outcome(int exitCode, int unitsRun, GridSummary summary, List<FailedUnit> failedUnits) {
        /**
         * Copies the list.
         *
         * @param exitCode 0 done, 4 done with failed sweeps, 2 bad input or environment, 1 internal
         *     fault or a failed unit
         * @param unitsRun units trained (or read back) by Spark tasks
         * @param summary the grid's summary, or null when the submit failed before it
         * @param failedUnits the units that failed on every attempt Spark allows
         */
        public Outcome {
            failedUnits = List.copyOf(failedUnits);
        }

        private Outcome(int exitCode) {
            this(exitCode, 0, null, List.of());
        }
    }

    /**
     * A unit that failed on every attempt Spark allows, as the driver reports it; the next submit
     * on the same {@code --out} runs it again.
     *
     * @param unit the unit's id
     * @param attempts the attempts Spark made of it; 0 when unknown (its stage was aborted)
     * @param lastError the last attempt's error, one line
     * @param where the last attempt: its process, host and Spark task attempt; empty when unknown
     */
    public record FailedUnit(String unit, int attempts, String lastError, String where) implements java.io.Serializable {
        /** What the report says of the unit: its id, attempts, where the last ran and its error. */
        String describe() {
            return "unit " + unit + (attempts > 0 ? " failed on all " + Counts.counted(attempts, "attempt") : " failed")
                    + " (" + (where.isEmpty() ? "" : "last on " + where + ": ") + lastError + ")";
        }
    }

    /**
     * Runs a command line on a Spark context, without exiting; for tests and for embedding.
     *
     * @param jsc the Spark context
     * @param out where the tables go
     * @param err where the one-line failure goes
     * @param argv {@code reproduce} or {@code demo} and its options
     * @return what was done
     */
    public static Outcome run(JavaSparkContext jsc, PrintStream out, PrintStream err, String... argv) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        SparkArgs a = null;
        String prefix = SparkArgs.NAME + ": ";
        try {
            a = SparkArgs.parse(argv);
            prefix = SparkArgs.NAME + " " + a.command() + ": ";
            if (a.wantsHelp()) {
                out.print(a.usage());
                return new Outcome(0);
            }
            SparkGrid g = new SparkGrid(jsc, a, out);
            GridSummary s = g.drive();
            if (!g.failedUnits.isEmpty()) {
                err.println(prefix + failedUnitsLine(g.failedUnits, a.out()));
                return new Outcome(CliErrors.INTERNAL, g.unitsRun, s, g.failedUnits);
            }
            return new Outcome(ReproduceCommand.exitCode(s), g.unitsRun, s, List.of());
        } catch (CommandLine.ParameterException e) {
            err.println(prefix + CliErrors.oneLine(e.getMessage()) + "; see '" + SparkArgs.NAME + " " + a.command()
                    + " --help'");
            return new Outcome(CliErrors.BAD_INPUT);
        } catch (Exception | Error e) {
            if (e instanceof SparkException) {
                // Scala declares nothing: a task that failed on every attempt surfaces here
                String m = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                err.println(prefix + "a unit failed on every attempt Spark allowed (" + m + "); the executor logs have"
                        + " its error; submit again to resume");
                printTrace(a, err, e);
                return new Outcome(CliErrors.INTERNAL);
            }
            CliErrors.Outcome o = CliErrors.classify(e);
            err.println(prefix + CliErrors.oneLine(o.message()));
            printTrace(a, err, e);
            return new Outcome(o.exitCode());
        }
    }

    private static void printTrace(SparkArgs a, PrintStream err, Throwable e) {
        if (a != null && a.verbose()) {
            e.printStackTrace(err);
        } else {
            LOG.debug("failed", e);
        }
    }

    private GridSummary drive() throws IOException {
        boolean mirror = mirrorEverything();
        boolean gpus = spark.getConf().getDouble("spark.task.resource.gpu.amount", 0) > 0;
        HadoopConf conf = new HadoopConf(spark.hadoopConfiguration());
        SparkArgs a = forUnits(args, gpus, conf.get());
        GridFolder.RunFolders folders = GridFolder.openRun(a, conf.get(), mirror,
                Path.of(SparkFiles.getRootDirectory()).resolve("prefine-driver"));
        GridFolder folder = folders.out();
        Path data = folders.data();
        UnitLease.Timing lease = leaseTiming(folder.direct());
        GridCommand command = a.local(folder.local(), data);
        command.check();
        folder.checkWritable("--out");
        folder.pull("run.json");
        folder.pull("records");
        // the driver plans, picks rates and writes reports; the executors train
        Grid grid = command.grid(Device.cpu()).build();
        GridLayout layout = grid.layout();
        long start = System.nanoTime();
        String before = fingerprint(folder.local().resolve("run.json"));
        boolean hadRecords = Files.isDirectory(layout.records());
        try (GridSession session = grid.open()) {
            boolean forced = clearsFolder(grid.force(), folder.direct(), before,
                    fingerprint(folder.local().resolve("run.json")), hadRecords);
            // first: a unit of a driver still working here checks run.json before each file it
            // pushes, so that nothing of its run lands in the cleared folder
            folder.push("run.json");
            if (forced) {
                // a forced run cleared only the local copy: clear the folder itself too, or the old
                // run's unit files would count as done and its records as this run's
                clearForced(folder, layout);
            }
            String run = fingerprint(folder.local().resolve("run.json"));
            UnitTask task = new UnitTask(a, conf, mirror, setting(FAIL_FIRST_ATTEMPT_OF, ""), lease,
                    attemptsAllowed(spark.getConf()), run);
            GridPlan plan = session.plan();
            int skipped = 0;
            List<String> failures = new ArrayList<>();
            List<PrefinetuningSweep> pre = new ArrayList<>();
            List<FinetuningSweep> fine = new ArrayList<>();
            for (GridSweep s : plan.sweeps()) {
                if (session.isDone(s)) {
                    skipped++;
                    session.failure(s).ifPresent(f -> failures.add(s.id() + ": " + f));
                    pullDone(folder, layout, s);
                } else if (s instanceof PrefinetuningSweep p) {
                    pre.add(p);
                } else {
                    fine.add((FinetuningSweep) s);
                }
            }
            // a sweep with a unit that failed on every attempt waits for the next submit, as do the
            // sweeps that need its encoder; every other sweep is written up
            List<String> waiting = new ArrayList<>();
            int finished = 0;
            runUnits(task, folder, layout, pre, "pre-finetuning");
            checkSameRun(folder, run);
            for (PrefinetuningSweep s : pre) {
                if (!unitsDone(folder, layout, s)) {
                    waiting.add(s.id());
                    noteMissing(folder, layout, s);
                    continue;
                }
                finish(session, folder, layout, s, failures);
                keepOnlyWinner(folder, layout, s);
                finished++;
            }
            List<FinetuningSweep> ready = new ArrayList<>();
            for (FinetuningSweep s : fine) {
                Optional<String> failed = session.failure(s);
                if (failed.isPresent()) {
                    // its setting's pre-finetuning failed: it fails with it, once, under its lock
                    session.finishClaimed(s);
                    folder.push(UnitFiles.relative(layout, layout.failure(s.id())));
                    failures.add(s.id() + ": " + failed.get());
                    finished++;
                } else if (!session.isReady(s)) {
                    waiting.add(s.id());
                } else {
                    ready.add(s);
                }
            }
            runUnits(task, folder, layout, ready, "finetuning");
            checkSameRun(folder, run);
            for (FinetuningSweep s : ready) {
                if (!unitsDone(folder, layout, s)) {
                    waiting.add(s.id());
                    noteMissing(folder, layout, s);
                    continue;
                }
                finish(session, folder, layout, s, failures);
                folder.push(UnitFiles.relative(layout, layout.finetuningDetail(s)));
                finished++;
            }
            GridReports.Written written = session.writeReports();
            checkSameRun(folder, run);
            pushReports(folder);
            GridSummary summary = new GridSummary(plan.missingTasks(), plan.settingNames(), finished,
                    skipped, written, failures, session.dataReport(), SkippedSteps.collect(layout));
            printFailedUnits(out, failedUnits, waiting);
            ReproduceCommand.printSummary(out, summary, (System.nanoTime() - start) / 1e9);
            out.println("results in " + folder.uri());
            return summary;
        }
    }

    /**
     * The command line as the driver sends it to every unit: {@code --precision auto} resolved
     * ({@link SparkArgs#withAutoPrecision}) and a relative {@code --out} or {@code --data} made
     * absolute ({@link SparkArgs#qualified}), once, here: each executor would resolve a relative one
     * against its own working directory.
     *
     * @param args the submitted line
     * @param gpus whether the executors get GPUs
     * @param conf the Hadoop configuration
     * @return the line every unit runs
     * @throws IOException if a file system cannot be reached
     */
    static SparkArgs forUnits(SparkArgs args, boolean gpus, org.apache.hadoop.conf.Configuration conf) throws IOException {
        return args.withAutoPrecision(gpus).qualified(conf);
    }

    /**
     * Whether the driver's session cleared its local copy of a mirrored folder as a forced run, so
     * that the folder itself must be cleared too: only a forced grid clears, and a changed
     * fingerprint without force is a run that targets were added to, whose results all stay.
     *
     * @param force whether the grid was forced
     * @param direct whether the folder is written in place (nothing to clear besides the session's)
     * @param before the folder's fingerprint before the session opened, null when it had none
     * @param after the fingerprint the session wrote
     * @param hadRecords whether the folder held records before
     * @return true when the folder must be cleared
     */
    static boolean clearsFolder(boolean force, boolean direct, String before, String after, boolean hadRecords) {
        return force && !direct && (before == null ? hadRecords : !before.equals(after));
    }

    /**
     * Deletes from a mirrored folder what a forced run clears in a local one: the records, the unit
     * files, the results log, the exported models (a later export on the folder would keep the old
     * run's as this run's) and the training curves (those of settings this run lacks would stay).
     *
     * @param folder the output folder
     * @param layout the grid's layout of its local copy
     * @throws IOException if the file system fails
     */
    static void clearForced(GridFolder folder, GridLayout layout) throws IOException {
        for (Path p : List.of(layout.records(), layout.root().resolve("finetune"), layout.root().resolve("prefinetune"),
                layout.models(), layout.results())) {
            folder.delete(UnitFiles.relative(layout, p));
        }
        folder.deleteSiblings(".", "curves-", null);
    }

    /**
     * Refuses to write more into a folder whose {@code run.json} holds another run than the one this
     * driver planned: another driver forced a new run there meanwhile (on a mirrored folder no lock
     * makes it wait), and this driver's records, reports and {@code run.json} would land in that run.
     *
     * @param folder the output folder
     * @param run the fingerprint this driver planned with
     * @throws IllegalStateException naming the file, when it holds another run
     * @throws IOException if it cannot be read
     */
    static void checkSameRun(GridFolder folder, String run) throws IOException {
        String found = fingerprint(folder.read("run.json"));
        if (!run.equals(found)) {
            throw new IllegalStateException(folder.uri() + "/run.json: expected the run this driver planned, found "
                    + (found == null ? "none" : "another run's settings")
                    + " (another driver forced a new run in --out, or added targets to it, meanwhile?);"
                    + " this driver writes nothing more there, so the results are that run's alone");
        }
    }

    /**
     * The fingerprint in a run manifest, its text when unreadable, or null when there is none.
     *
     * @param runJson the manifest
     * @return the fingerprint as JSON text, or null
     * @throws IOException if it cannot be read
     */
    static String fingerprint(Path runJson) throws IOException {
        return Files.exists(runJson) ? fingerprint(Files.readString(runJson)) : null;
    }

    /**
     * The fingerprint in a run manifest's text, the text itself when unreadable, or null without one.
     *
     * @param text the manifest's text, or null
     * @return the fingerprint as JSON text, or null
     */
    static String fingerprint(String text) {
        if (text == null) {
            return null;
        }
        try {
            return String.valueOf(JsonParser.parseString(text).getAsJsonObject().get("fingerprint"));
        } catch (RuntimeException e) {
            return text;
        }
    }

    /**
     * The lease timing from {@link #LEASE_HEARTBEAT} and {@link #LEASE_EXPIRY}; on a mirrored folder
     * the expiry must be under {@code --claim-timeout}, or a waiting attempt would give up on a dead
     * holder before it may take its unit over.
     */
    private UnitLease.Timing leaseTiming(boolean direct) {
        UnitLease.Timing d = UnitLease.Timing.DEFAULT;
        String beat = setting(LEASE_HEARTBEAT, null);
        String expiry = setting(LEASE_EXPIRY, null);
        UnitLease.Timing t = new UnitLease.Timing(beat == null ? d.heartbeat() : SparkArgs.duration(LEASE_HEARTBEAT, beat),
                expiry == null ? d.expiry() : SparkArgs.duration(LEASE_EXPIRY, expiry));
        if (!direct && t.expiry().compareTo(args.claimTimeout()) >= 0) {
            throw new IllegalArgumentException(LEASE_EXPIRY + " " + human(t.expiry()) + ": expected less than --claim-timeout ("
                    + human(args.claimTimeout()) + "), or a waiting attempt gives up on a dead holder before its lease"
                    + " expires; lower one or raise the other");
        }
        return t;
    }

    private static String human(java.time.Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Whether {@link #MIRROR} asks to mirror even local folders: {@code always}, or {@code auto}, in
     * any case as every keyword; any other value was taken for {@code auto} without a word, so a
     * {@code true} meant for node-local disks left each executor's units on its own disk.
     */
    private boolean mirrorEverything() {
        String v = setting(MIRROR, "auto");
        if (OptionValues.is(v, "always") || OptionValues.is(v, "auto")) {
            return OptionValues.is(v, "always");
        }
        throw new IllegalArgumentException(MIRROR + ": expected always or auto, found '" + v + "'; set always to mirror"
                + " even a local folder (node-local disks), or leave it out");
    }

    /** A prefine setting: the caller thread's Spark local property, else the Spark configuration. */
    private String setting(String key, String otherwise) {
        String local = spark.getLocalProperty(key);
        return local != null ? local : spark.getConf().get(key, otherwise);
    }

    /**
     * How many attempts Spark makes of a task before it gives the task up, as its scheduler reads
     * them: a {@code local[N,F]} master names F, {@code local} and {@code local[N]} allow one,
     * every other master {@code spark.task.maxFailures} (default 4).
     *
     * @param conf the Spark configuration, with its master
     * @return the attempts allowed, at least 1
     */
    static int attemptsAllowed(SparkConf conf) {
        String master = conf.get("spark.master", "");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[([0-9]+|\\*)\\s*,\\s*([0-9]+)\\]").matcher(master);
        if (m.matches()) {
            return Math.max(1, Integer.parseInt(m.group(2)));
        }
        if (master.equals("local") || master.matches("local\\[([0-9]+|\\*)\\]")) {
            return 1;
        }
        return Math.max(1, conf.getInt("spark.task.maxFailures", 4));
    }

    /**
     * Adds to {@link #failedUnits} each unit of a sweep that has no done marker and no failure yet,
     * so that no unit is left undone without a word and exit 0.
     */
    private void noteMissing(GridFolder folder, GridLayout layout, GridSweep sweep) throws IOException {
        for (GridUnit u : sweep.units()) {
            if (!folder.exists(UnitFiles.doneMarker(layout, u)) && failedUnits.stream().noneMatch(f -> f.unit().equals(u.id()))) {
                failedUnits.add(new FailedUnit(u.id(), 0, "its task ended, but " + UnitFiles.doneMarker(layout, u)
                        + " is not in the folder", ""));
            }
        }
    }

    /** Whether every unit of a sweep has its done marker in the folder itself. */
    private static boolean unitsDone(GridFolder folder, GridLayout layout, GridSweep sweep) throws IOException {
        for (GridUnit u : sweep.units()) {
            if (!folder.exists(UnitFiles.doneMarker(layout, u))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The one line a submit ends with when units failed on every attempt Spark allows: each unit,
     * its attempts, where the last ran and its error, and how to run them again.
     */
    static String failedUnitsLine(List<FailedUnit> failed, String out) {
        String units = failed.size() == 1 ? failed.get(0).describe()
                : failed.size() + " units failed on every attempt Spark allows: "
                        + String.join("; ", failed.stream().map(FailedUnit::describe).toList());
        return units + "; the executor logs have each attempt's error. The sweeps whose units are all done are written"
                + " up in " + out + "; fix the cause and submit again with the same options: only the missing units run";
    }

    /** The failed units and the sweeps that wait for them, before the summary's tables. */
    private static void printFailedUnits(PrintStream out, List<FailedUnit> failed, List<String> waiting) {
        if (failed.isEmpty() && waiting.isEmpty()) {
            return;
        }
        out.println(Counts.counted(failed.size(), "unit") + " failed on every attempt Spark allows; submit again to run "
                + (failed.size() == 1 ? "it" : "them") + " (only the missing units run):");
        failed.forEach(f -> out.println("  " + f.describe()));
        out.println(Counts.counted(waiting.size(), "sweep") + " not written up, waiting for them: "
                + String.join(", ", waiting));
    }

    /**
     * Runs the units of the sweeps whose files are not there yet, one Spark task each. A unit that
     * fails on every attempt Spark allows is added to {@link #failedUnits}, and the stage goes on;
     * a stage Spark aborted nonetheless (an executor lost on each attempt, a JVM error, a job
     * cancelled) adds every unit it left without its files.
     */
    private void runUnits(UnitTask task, GridFolder folder, GridLayout layout, List<? extends GridSweep> sweeps,
            String stage) throws IOException {
        List<String> ids = new ArrayList<>();
        for (GridSweep s : sweeps) {
            for (GridUnit u : s.units()) {
                if (!folder.exists(UnitFiles.doneMarker(layout, u))) {
                    ids.add(u.id());
                }
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        LOG.info("{}: {} units on Spark", stage, ids.size());
        spark.setJobDescription("prefine " + stage + ": " + ids.size() + " units");
        List<UnitTask.Result> results;
        try {
            results = spark.parallelize(ids, ids.size()).map(task).collect();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            if (!(e instanceof SparkException)) {
                throw e;
            }
            // Scala declares nothing: a stage Spark aborted surfaces here; write up what is done
            LOG.error("{}: Spark aborted the stage; the sweeps whose units are done are written up", stage, e);
            failedUnits.addAll(aborted(ids, firstLine(e), folder, layout, sweeps));
            return;
        }
        for (UnitTask.Result r : results) {
            if (r.failure() == null) {
                unitsRun++;
            } else {
                failedUnits.add(r.failure());
            }
        }
    }

    /**
     * The units a stage Spark aborted left without their files: the task Spark's message names
     * ({@code Task N in stage S failed K times, most recent failure: ...}, N the unit's place, as
     * each unit is its own partition) with its attempts and error, the others as cut off with it.
     */
    static List<FailedUnit> aborted(List<String> ids, String message, GridFolder folder, GridLayout layout,
            List<? extends GridSweep> sweeps) throws IOException {
        Optional<FailedUnit> named = namedByAbort(message, ids);
        List<FailedUnit> failed = new ArrayList<>();
        for (GridSweep s : sweeps) {
            for (GridUnit u : s.units()) {
                if (ids.contains(u.id()) && !folder.exists(UnitFiles.doneMarker(layout, u))) {
                    failed.add(named.filter(f -> f.unit().equals(u.id())).orElseGet(() -> new FailedUnit(u.id(), 0,
                            "not finished: Spark aborted its stage" + named.map(f -> " when unit " + f.unit() + " failed")
                                    .orElse(" (" + message + ")"), "")));
                }
            }
        }
        return failed;
    }

    /**
     * The unit an abort message of Spark's names ({@code Task N in stage S failed K times, most
     * recent failure: ...}), N its place in the stage's units, as each unit is its own partition.
     *
     * @param message the first line of Spark's message
     * @param ids the stage's units, in partition order
     * @return the unit with the attempts and the last error, or empty when the message names none
     */
    static Optional<FailedUnit> namedByAbort(String message, List<String> ids) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile(".*?Task ([0-9]{1,9}) in stage \\S+ failed ([0-9]{1,9}) times?, most recent failure: (.*)")
                .matcher(message);
        if (!m.matches() || Integer.parseInt(m.group(1)) >= ids.size()) {
            return Optional.empty();
        }
        return Optional.of(new FailedUnit(ids.get(Integer.parseInt(m.group(1))), Integer.parseInt(m.group(2)), m.group(3),
                ""));
    }

    private static String firstLine(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
    }

    /**
     * Pulls what a sweep's units wrote, picks its learning rate (or marks it failed) and pushes its
     * choice and record. The files are written under the sweep's lock, as a local run writes them,
     * so that what a driver killed mid-write left of them is deleted by the next one.
     */
    private void finish(GridSession session, GridFolder folder, GridLayout layout, GridSweep sweep,
            List<String> failures) throws IOException {
        for (GridUnit u : sweep.units()) {
            folder.pull(UnitFiles.doneMarker(layout, u));
        }
        Optional<String> failed = session.finishClaimed(sweep);
        if (failed.isPresent()) {
            failures.add(sweep.id() + ": " + failed.get());
            // runs first, as the session deletes them: a driver killed in between leaves no marker, and the sweep trains again
            forgetDiverged(folder, layout, sweep);
            killedMarkingFailed(sweep);
            folder.push(UnitFiles.relative(layout, layout.failure(sweep.id())));
            return;
        }
        if (sweep instanceof PrefinetuningSweep p) {
            folder.push(UnitFiles.relative(layout, layout.settingResult(p.setting())));
        }
        folder.push(UnitFiles.relative(layout, layout.record(sweep.id())));
        // a stale marker the session deleted from the copy only (GridSession#finish): the next submit would pull it back
        folder.delete(UnitFiles.relative(layout, layout.failure(sweep.id())));
    }

    /** Stops the driver where {@link #KILL_MARKING_FAILED} names the sweep, as a kill there would. */
    private void killedMarkingFailed(GridSweep sweep) throws IOException {
        if (sweep.id().equals(setting(KILL_MARKING_FAILED, ""))) {
            throw new IOException("driver killed marking " + sweep.id() + " failed (" + KILL_MARKING_FAILED + ")");
        }
    }

    /**
     * Deletes from a mirrored folder the runs that the session forgot on marking a sweep failed
     * ({@link GridSession#finishOrMarkFailed}: its diverged runs, whose done markers were pulled
     * before): left there, they would mark the sweep's units done, and the sweep would fail again
     * untrained once its marker is deleted to run it again.
     */
    private static void forgetDiverged(GridFolder folder, GridLayout layout, GridSweep sweep) throws IOException {
        for (GridUnit u : sweep.units()) {
            if (!Files.exists(layout.root().resolve(UnitFiles.doneMarker(layout, u)))) {
                folder.delete(u instanceof PrefinetuningUnit p ? UnitFiles.relative(layout, layout.learningRateDir(p))
                        : UnitFiles.doneMarker(layout, u));
            }
        }
    }

    /**
     * Pulls what the reports and the summary read of a sweep an earlier driver finished: its units'
     * done markers (their skipped-step counts) and a pre-finetuning setting's {@code result.json}
     * (its training curves). A new driver's copy of a mirrored folder starts empty, and without
     * them a resumed run's curves and counts would lack that sweep.
     */
    private static void pullDone(GridFolder folder, GridLayout layout, GridSweep sweep) throws IOException {
        for (GridUnit u : sweep.units()) {
            folder.pull(UnitFiles.doneMarker(layout, u));
        }
        if (sweep instanceof PrefinetuningSweep p) {
            folder.pull(UnitFiles.relative(layout, layout.settingResult(p.setting())));
        }
    }

    /** Deletes the encoders of a pre-finetuning sweep's losing rates from a mirrored folder, as a local run does. */
    private static void keepOnlyWinner(GridFolder folder, GridLayout layout, PrefinetuningSweep sweep) throws IOException {
        Path result = layout.settingResult(sweep.setting());
        if (!Files.exists(result)) {
            return;
        }
        double best = chosenRate(result);
        for (PrefinetuningUnit u : sweep.units()) {
            if (u.learningRate() != best) {
                folder.delete(UnitFiles.relative(layout, layout.learningRateDir(u).resolve("encoder")));
            }
        }
    }

    /**
     * The rate a setting's {@code result.json} chose: a finite number, as the grid writes it. A NaN
     * equals no rate, so that every encoder, the winner's too, would be deleted as a loser's.
     *
     * @param result the setting's {@code result.json}
     * @return its {@code learningRate}
     * @throws IOException naming the file, and the line or member that is not as written
     */
    static double chosenRate(Path result) throws IOException {
        return JsonShapes.finite(JsonFiles.object(result).get("learningRate"), "$.learningRate",
                (at, expected, found) -> new IOException(result + " " + at + ": expected " + expected + ", found " + found
                        + "; delete the file to pre-finetune the setting again"));
    }

    /** Pushes the tables, plots, result log and manifest at the top of the folder. */
    private static void pushReports(GridFolder folder) throws IOException {
        try (Stream<Path> s = Files.list(folder.local())) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && !name.endsWith(".tmp")) {
                    folder.push(name);
                }
            }
        }
    }
}
