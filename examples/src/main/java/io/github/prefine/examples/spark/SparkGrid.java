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
import io.github.prefine.eval.internal.JsonShapes;
import io.github.prefine.examples.cli.CliErrors;
import io.github.prefine.examples.cli.ConsoleEncoding;
import io.github.prefine.examples.cli.GridCommand;
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
 * same {@code --out} runs nothing. {@code --out} and {@code --data} are Hadoop URIs ({@link
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

    private final JavaSparkContext spark;
    private final SparkArgs args;
    private final PrintStream out;
    private int unitsRun;

    private SparkGrid(JavaSparkContext spark, SparkArgs args, PrintStream out) {
        this.spark = spark;
        this.args = args;
        this.out = out;
    }

    /**
     * Runs a command line under {@code spark-submit}, then exits: 0 done, 2 bad input or
     * environment, 1 internal fault, each failure one line on standard error.
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
     * @param exitCode 0 done, 2 bad input or environment, 1 internal fault
     * @param unitsRun units trained (or read back) by Spark tasks
     * @param summary the grid's summary, or null when it failed
     */
    public record Outcome(int exitCode, int unitsRun, GridSummary summary) {}

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
                return new Outcome(0, 0, null);
            }
            SparkGrid g = new SparkGrid(jsc, a, out);
            GridSummary s = g.drive();
            return new Outcome(0, g.unitsRun, s);
        } catch (CommandLine.ParameterException e) {
            err.println(prefix + CliErrors.oneLine(e.getMessage()) + "; see '" + SparkArgs.NAME + " " + a.command()
                    + " --help'");
            return new Outcome(CliErrors.BAD_INPUT, 0, null);
        } catch (Exception | Error e) {
            if (e instanceof SparkException) {
                // Scala declares nothing: a task that failed on every attempt surfaces here
                String m = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                err.println(prefix + "a unit failed on every attempt Spark allowed (" + m + "); the executor logs have"
                        + " its error; submit again to resume");
                printTrace(a, err, e);
                return new Outcome(CliErrors.INTERNAL, 0, null);
            }
            CliErrors.Outcome o = CliErrors.classify(e);
            err.println(prefix + CliErrors.oneLine(o.message()));
            printTrace(a, err, e);
            return new Outcome(o.exitCode(), 0, null);
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
        boolean mirror = "always".equals(setting(MIRROR, "auto"));
        boolean gpus = spark.getConf().getDouble("spark.task.resource.gpu.amount", 0) > 0;
        SparkArgs a = args.withAutoPrecision(gpus);
        HadoopConf conf = new HadoopConf(spark.hadoopConfiguration());
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
        UnitTask task = new UnitTask(a, conf, mirror, setting(FAIL_FIRST_ATTEMPT_OF, ""), lease);
        String before = fingerprint(folder.local().resolve("run.json"));
        boolean hadRecords = Files.isDirectory(layout.records());
        try (GridSession session = grid.open()) {
            if (!folder.direct() && (before == null ? hadRecords : !before.equals(fingerprint(folder.local().resolve("run.json"))))) {
                // a forced run cleared only the local copy: clear the folder itself too, or the old
                // run's unit files would count as done and its records as this run's
                clearForced(folder, layout);
            }
            folder.push("run.json");
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
            runUnits(task, folder, layout, pre, "pre-finetuning");
            for (PrefinetuningSweep s : pre) {
                finish(session, folder, layout, s, failures);
                keepOnlyWinner(folder, layout, s);
            }
            List<FinetuningSweep> ready = new ArrayList<>();
            for (FinetuningSweep s : fine) {
                Optional<String> failed = session.failure(s);
                if (failed.isPresent()) {
                    // its setting's pre-finetuning failed: it fails with it, once, under its lock
                    session.finishClaimed(s);
                    folder.push(UnitFiles.relative(layout, layout.failure(s.id())));
                    failures.add(s.id() + ": " + failed.get());
                } else {
                    ready.add(s);
                }
            }
            runUnits(task, folder, layout, ready, "finetuning");
            for (FinetuningSweep s : ready) {
                finish(session, folder, layout, s, failures);
                folder.push(UnitFiles.relative(layout, layout.finetuningDetail(s)));
            }
            GridReports.Written written = session.writeReports();
            pushReports(folder);
            GridSummary summary = new GridSummary(plan.missingTasks(), plan.settingNames(), pre.size() + fine.size(),
                    skipped, written, failures, session.dataReport(), SkippedSteps.collect(layout));
            ReproduceCommand.printSummary(out, summary, (System.nanoTime() - start) / 1e9);
            out.println("results in " + folder.uri());
            return summary;
        }
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

    /** The fingerprint in a run manifest, its text when unreadable, or null when there is none. */
    private static String fingerprint(Path runJson) throws IOException {
        if (!Files.exists(runJson)) {
            return null;
        }
        String text = Files.readString(runJson);
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

    /** A prefine setting: the caller thread's Spark local property, else the Spark configuration. */
    private String setting(String key, String otherwise) {
        String local = spark.getLocalProperty(key);
        return local != null ? local : spark.getConf().get(key, otherwise);
    }

    /** Runs the units of the sweeps whose files are not there yet, one Spark task each. */
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
        List<String> done = spark.parallelize(ids, ids.size()).map(task).collect();
        unitsRun += done.size();
    }

    /**
     * Pulls what a sweep's units wrote, picks its learning rate (or marks it failed) and pushes its
     * choice and record. The files are written under the sweep's lock, as a local run writes them,
     * so that what a driver killed mid-write left of them is deleted by the next one.
     */
    private static void finish(GridSession session, GridFolder folder, GridLayout layout, GridSweep sweep,
            List<String> failures) throws IOException {
        for (GridUnit u : sweep.units()) {
            folder.pull(UnitFiles.doneMarker(layout, u));
        }
        Optional<String> failed = session.finishClaimed(sweep);
        if (failed.isPresent()) {
            failures.add(sweep.id() + ": " + failed.get());
            folder.push(UnitFiles.relative(layout, layout.failure(sweep.id())));
            return;
        }
        if (sweep instanceof PrefinetuningSweep p) {
            folder.push(UnitFiles.relative(layout, layout.settingResult(p.setting())));
        }
        folder.push(UnitFiles.relative(layout, layout.record(sweep.id())));
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
