package io.github.prefine.examples.cli;

import io.github.prefine.core.hub.HubSettings;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.examples.data.DataStatus;
import io.github.prefine.examples.data.DatasetFetcher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code data}: gets the paper's datasets from the Hugging Face Hub ({@code data fetch}) and shows
 * what a data root holds ({@code data status}). See {@code docs/data.md}. Without one of them it
 * prints its usage on standard error and exits 2, as {@code prefine} alone does.
 */
@Command(name = "data", mixinStandardHelpOptions = true, versionProvider = PrefineVersion.class,
        description = "Fetch the catalogued datasets from the Hugging Face Hub, or show their status.",
        subcommands = {DataCommand.Fetch.class, DataCommand.Status.class})
public final class DataCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** Creates the command; picocli fills the fields. */
    public DataCommand() {}

    @Override
    public Integer call() {
        // no subcommand: as prefine alone, a usage error (exit 0 let `prefine data && ...` go on with nothing fetched)
        spec.commandLine().usage(spec.commandLine().getErr());
        return CliErrors.BAD_INPUT;
    }

    /**
     * {@code data fetch}: downloads each task's Hub parquet files and converts them into the
     * catalog layout. Exit code 0 when every task was fetched, up to date, hand-laid or has no Hub
     * source; else, with one line per failed task on standard error, the {@linkplain CliErrors#worst
     * worst} of their {@link CliErrors} codes: 3 when every failure was the Hub's (unreachable, cut
     * off, 429 or 5xx: run again later), 2 when one was bad input or environment (a Hub refusal, an
     * unknown task, a {@code --data} that is a file or not writable, a full disk), 1 for an internal fault.
     */
    @Command(name = "fetch", mixinStandardHelpOptions = true, versionProvider = PrefineVersion.class,
            description = "Download the catalogued tasks' datasets from the Hub into the TaskCatalog layout "
                    + "(HF_TOKEN or the token file of hf auth login, unless HF_HUB_DISABLE_IMPLICIT_TOKEN=1, HF_ENDPOINT and"
                    + " HF_HUB_OFFLINE are honoured)."
                    + " Exit 3 when every failed task failed"
                    + " because the Hub did (unreachable, cut off, 429 or 5xx): run it again later.")
    public static final class Fetch implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--tasks", paramLabel = "all|NAME,...", defaultValue = "all", split = ",",
                preprocessor = OptionValues.ListValue.class,
                description = "tasks to fetch (default: all)")
        private List<String> tasks;

        @Option(names = "--data", paramLabel = "DIR", defaultValue = "../shared/data",
                description = "data root the catalog reads (default: ${DEFAULT-VALUE})")
        private Path data;

        @Option(names = "--force", description = "also replace hand-laid files")
        private boolean force;

        /** Creates the command; picocli fills the fields. */
        public Fetch() {}

        /** Checks {@code --tasks} against the catalog, reading no file; the documentation is checked through it. */
        void checkValues() {
            resolve(tasks);
        }

        @Override
        public Integer call() {
            List<String> names = resolve(tasks);
            // before any transfer: a file or read-only --data failed every task in turn, with exit 1
            OptionChecks.outputFolder("--data", data);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            // redrawn in place only on a terminal: System.console() also answers for `fetch 2> log` typed at one
            ByteProgress progress = new ByteProgress(err, ConsoleProgress.stderrIsTerminal(), System::nanoTime);
            DatasetFetcher fetcher = new DatasetFetcher(HubSettings.fromEnvironment(), data, force, progress::update);
            int failed = 0;
            int code = 0;
            for (String name : names) {
                progress.task(name);
                try {
                    DatasetFetcher.Result r = fetcher.fetch(name);
                    progress.finishLine();
                    out.println(name + ": " + r.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-') + " "
                            + r.detail());
                } catch (IOException | RuntimeException e) {
                    progress.finishLine();
                    failed++;
                    code = CliErrors.worst(code, CliErrors.classify(e).exitCode());
                    String m = e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' ');
                    err.println("prefine data fetch: " + name + ": " + m);
                    err.flush();
                }
            }
            out.flush();
            if (failed > 0) {
                err.println("prefine data fetch: " + failed + " of " + Counts.counted(names.size(), "task") + " failed"
                        + (code == CliErrors.SERVICE ? ", each because the Hub failed; run the same command again later" : ""));
                err.flush();
                return code;
            }
            return 0;
        }
    }

    /**
     * {@code data status}: a table of every catalogued task under a data root. Exit code 0, also
     * when no task is present; a {@code --data} that does not exist is a root with nothing fetched
     * yet, as {@code data fetch} takes it, and is named on one line of standard error before the
     * table, so that a mistyped path is not read as 41 missing tasks; 2 for a {@code --data} that
     * is a file or lies below one.
     */
    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = PrefineVersion.class,
            description = "Show each catalogued task: group, format, present or missing, split counts, source. "
                    + "Exit 0; a --data that does not exist is said first, on standard error; exit 2 when it is a file"
                    + " or lies below one.")
    public static final class Status implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--data", paramLabel = "DIR", defaultValue = "../shared/data",
                description = "data root the catalog reads (default: ${DEFAULT-VALUE})")
        private Path data;

        /** Creates the command; picocli fills the fields. */
        public Status() {}

        @Override
        public Integer call() {
            // an absent root is a root with nothing fetched yet; a file is a wrong --data, not 41 missing tasks
            if (java.nio.file.Files.exists(data) && !java.nio.file.Files.isDirectory(data)) {
                throw new IllegalArgumentException("--data " + data + ": expected a directory, found a file; pass the"
                        + " data root (docs/data.md)");
            }
            // below a file it can never be a root, not even one fetched later
            OptionChecks.folderCanExist("--data", data);
            if (!java.nio.file.Files.exists(data)) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("prefine data status: --data " + data.toAbsolutePath().normalize() + " does not exist, so no"
                        + " task is present; check the path, or fetch into it (prefine data fetch --data " + data + ")");
                err.flush();
            }
            PrintWriter out = spec.commandLine().getOut();
            // hand-laid tasks are read for their counts: SQuAD-sized files take seconds each
            out.print(DataStatus.table(DataStatus.of(data, true, TrainingProgress.featurization(ConsoleProgress.onStderr()))));
            out.flush();
            return 0;
        }
    }

    static List<String> resolve(List<String> tasks) {
        List<String> all = TaskCatalog.all().stream().map(Task::name).toList();
        if (tasks.size() == 1 && OptionValues.is(tasks.get(0), "all")) {
            return all;
        }
        if (tasks.isEmpty()) {
            // --tasks , splits into nothing: fetching nothing and exiting 0 hid the typo
            throw new IllegalArgumentException("--tasks: expected all or some of " + all + ", comma-separated, found"
                    + " none");
        }
        List<String> out = new ArrayList<>();
        for (String t : tasks) {
            String n = t.strip();
            if (!all.contains(n)) {
                throw new IllegalArgumentException("--tasks: no catalogued task '" + n + "'; expected all or some of " + all
                        + ", comma-separated");
            }
            out.add(n); // a name listed twice is refused when parsed (OptionValues.ListValue)
        }
        return out;
    }

    /**
     * A download progress line: file, bytes done of total, rate and ETA; redrawn in place on a
     * terminal, a plain line every few seconds otherwise. Not thread-safe.
     */
    static final class ByteProgress {
        private final PrintWriter out;
        private final boolean interactive;
        private final Pace pace;
        private String task = "";
        private String file;
        private boolean open;

        ByteProgress(PrintWriter out, boolean interactive, LongSupplier clock) {
            this.out = out;
            this.interactive = interactive;
            this.pace = new Pace(clock, interactive ? 200_000_000L : 5_000_000_000L);
        }

        void task(String name) {
            this.task = name;
        }

        void update(String f, long done, long total) {
            long now = pace.now();
            if (!f.equals(file)) {
                finishLine();
                file = f;
                // the first report of a file is the rate's baseline: a resumed download's bytes were not timed
                pace.start(now, done);
            }
            if (!pace.due(now, done >= total)) {
                return;
            }
            String line = render(done, total, now);
            if (interactive) {
                out.print("\r" + line);
                open = true;
            } else {
                out.println(line);
            }
            out.flush();
        }

        String render(long done, long total, long now) {
            double rate = pace.rate(done, now);
            return String.format(Locale.ROOT, "%s: %s %s / %s (%3.0f%%) | %s/s | ETA %s", task, file,
                    ConsoleProgress.bytes(done), ConsoleProgress.bytes(total), 100.0 * done / Math.max(1, total),
                    Double.isNaN(rate) ? "-- B" : ConsoleProgress.bytes((long) rate),
                    Pace.eta(done, total, rate, false));
        }

        void finishLine() {
            if (open) {
                out.println();
                open = false;
            }
            file = null;
        }
    }
}
