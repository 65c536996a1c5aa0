package io.github.prefine.core.grid;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.eval.evaluator.StdKind;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.eval.plot.BestEffortCharts;
import io.github.prefine.eval.plot.Charts;
import io.github.prefine.eval.internal.JsonShapes;
import io.github.prefine.eval.report.CostRecord;
import io.github.prefine.eval.report.MalformedResultsException;
import io.github.prefine.eval.report.ReportLayout;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.ResultSet;
import io.github.prefine.eval.report.RunRecord;
import io.github.prefine.eval.report.Table;
import io.github.prefine.eval.report.TableWriter;
import io.github.prefine.eval.report.Tables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.knowm.xchart.XYChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds {@code results.jsonl}, the tables (Markdown, CSV, JSON) and the plots (PNG, SVG) of a
 * grid's output folder from its per-sweep records, with the eval module's table and chart
 * writers; {@link GridSession#writeReports()} calls it. Given the plan's units, only their records
 * are taken: another grid's in the folder are left out, counted in the log line of every rewrite
 * and named in a warning whenever the set left out changes. Plots are best effort ({@link
 * BestEffortCharts}): a machine without fonts gets one warning and the tables. Several processes
 * may share a folder: rebuilding holds {@code locks/reports.lock}. Not thread-safe.
 */
public final class GridReports {
    private static final Logger LOG = LoggerFactory.getLogger(GridReports.class);
    /** The end of a unit's record's name, after its id. */
    private static final String RECORD = ".jsonl";
    /** At most this many of the units whose records are left out are named; the rest are counted. */
    private static final int NAMED_UNITS = 8;
    /** The start of the name of each pre-finetuned setting's training curves. */
    private static final String CURVES = "curves-";
    /** The temp name of a report file of the output folder, as {@code WholeFiles.tempName} makes it. */
    private static final Pattern REPORT_TEMP = Pattern.compile(
            "\\.(results\\.jsonl|(table1|table2|cost)\\.(md|csv|json)|(table2|" + CURVES + ".+)\\.(png|svg))\\.[0-9a-z]+\\.tmp");

    private final GridLayout files;
    private final Path out;
    private final ReportLayout layout;
    /** The significance level of the tables' comparisons with the baseline. */
    private final double alpha;
    /** The plan's unit ids, whose records alone the reports take; null to take every record. */
    private final Set<String> units;
    /** The units whose records the last rewrite left out, so that the warning comes once per change. */
    private List<String> leftOutBefore = List.of();
    /** One per output folder and process: a machine that cannot draw charts says so once. */
    private final BestEffortCharts charts = new BestEffortCharts();
    /**
     * Per setting, the {@code result.json} its curves were last drawn from by this process: a
     * finished setting's curves never change, and redrawing every setting's at each rewrite took
     * most of a grid process's Java time outside training (PNG and SVG encoding).
     */
    private final Map<String, String> curvesDrawnFrom = new HashMap<>();
    /**
     * What the last rewrite by this object was made from (the records taken, then each setting's
     * {@code result.json}), and what it gave: a rewrite from the same inputs would write the same
     * files, so a run that recorded nothing since (a finished run started again) writes none.
     */
    private String writtenFrom;
    private Written lastWritten;

    /**
     * The tables as last written. They are also in the output folder as {@code table1.md},
     * {@code table2.md} and {@code cost.md} (with {@code .csv} and {@code .json}); in code, {@code
     * TableWriter.withDecimals(1).toMarkdown(table1())} prints Table 1 (or 2) as its file holds it,
     * and {@code TableWriter.standard()} the cost table.
     *
     * @param table1 per target and setting, mean ± std over seeds
     * @param table2 per group and setting
     * @param cost seconds and examples per pre-finetuning epoch
     * @param files every file written, and the training curves kept from an earlier write
     *     because their setting's result has not changed since
     * @param leftOut the ids of the units whose records were left out, not being in this grid's
     *     plan, in file-name order; empty when every record was taken
     * @param layout the layout the tables were made with, which says each target's group (for
     *     {@link Verdicts#relatedness(Table, Table, ReportLayout)}); null where not known
     */
    public record Written(Table table1, Table table2, Table cost, List<Path> files, List<String> leftOut,
            ReportLayout layout) {
        /**
         * Copies the lists.
         *
         * @param table1 per target and setting, mean ± std over seeds
         * @param table2 per group and setting
         * @param cost seconds and examples per pre-finetuning epoch
         * @param files every file written, and the curves kept from an earlier write
         * @param leftOut the ids of the units whose records were left out
         * @param layout the layout the tables were made with, or null
         */
        public Written {
            files = List.copyOf(files);
            leftOut = List.copyOf(leftOut);
        }

        /**
         * The tables without their layout, as before it was kept: the verdicts then tell settings
         * apart by the counts of targets they average only.
         *
         * @param table1 per target and setting, mean ± std over seeds
         * @param table2 per group and setting
         * @param cost seconds and examples per pre-finetuning epoch
         * @param files every file written, and the curves kept from an earlier write
         * @param leftOut the ids of the units whose records were left out
         */
        public Written(Table table1, Table table2, Table cost, List<Path> files, List<String> leftOut) {
            this(table1, table2, cost, files, leftOut, null);
        }
    }

    /** Reports over every record in the folder, as for a folder without its plan. */
    GridReports(GridLayout files, List<String> settings, List<Task> targets, double alpha) {
        this(files, settings, targets, null, alpha);
    }

    /**
     * Reports over the records of the plan's units alone: a record is named by its unit's id
     * ({@code records/<id>.jsonl}), and one of another id is another grid's (copied in beside this
     * one's, say), whose seeds would join this grid's cells and whose settings its cost table.
     *
     * @param units the plan's unit ids, or null to take every record
     */
    GridReports(GridLayout files, List<String> settings, List<Task> targets, Collection<String> units, double alpha) {
        this.units = units == null ? null : Set.copyOf(units);
        this.files = files;
        this.alpha = alpha;
        this.out = files.root();
        ReportLayout.Builder b = ReportLayout.builder().optBaseline(settings.get(0));
        for (String s : settings.subList(1, settings.size())) {
            b.addSetting(s);
        }
        for (Task t : targets) {
            b.addTarget(t.name(), t.group().name());
        }
        layout = b.build();
    }

    /**
     * Rewrites every report file from the records present now; a setting's training curves only
     * when its {@code result.json} differs from the one this object last drew them from, or a plot
     * of them is missing. Nothing is written when the records and every {@code result.json} are
     * those of this object's last rewrite and its files are all present: the files would come out
     * the same.
     *
     * @return the tables
     * @throws IOException if reading records or writing reports fails
     */
    Written write() throws IOException {
        return write(false);
    }

    /**
     * The tables of the records present now, written only where the output folder's {@code
     * results.jsonl} holds other records than those (as {@link #write()} otherwise): for a process
     * that joins a run whose starting process writes the reports, and that recorded nothing itself.
     *
     * @return the tables; {@link Written#files()} is empty when nothing was written
     * @throws IOException if reading records or writing reports fails
     */
    Written current() throws IOException {
        return write(true);
    }

    /**
     * The tables of this grid's records present now, writing nothing: for a process whose run
     * another process has since extended with targets, whose files hold their rows too.
     *
     * @return the tables; {@link Written#files()} is empty
     * @throws IOException if reading records fails
     */
    Written tablesOnly() throws IOException {
        return write(null);
    }

    /** Table 1, Table 2 and the cost table of the results, written to no file yet. */
    private Written tables(ResultSet results, List<String> leftOut) {
        Table t1 = Tables.table1(results, layout, StdKind.SAMPLE, alpha);
        return new Written(t1, Tables.table2(t1, results, layout, alpha), Tables.costTable(results, layout), List.of(),
                leftOut, layout);
    }

    /** Writes the reports; {@code unlessCurrent} null: writes nothing, only computes the tables. */
    private Written write(Boolean unlessCurrent) throws IOException {
        try (UnitLock l = UnitLock.acquire(files.lock("reports"))) {
            deleteKilledWritersTemps();
            Path records = files.records();
            StringBuilder all = new StringBuilder();
            List<RunRecord> runs = new ArrayList<>();
            List<CostRecord> costs = new ArrayList<>();
            List<String> leftOut = new ArrayList<>();
            long leftOutLines = 0;
            if (Files.isDirectory(records)) {
                List<Path> files;
                try (Stream<Path> s = Files.list(records)) {
                    files = s.filter(p -> p.getFileName().toString().endsWith(RECORD)).sorted().toList();
                }
                for (Path p : files) {
                    // read once: results.jsonl and the tables both come from these bytes, where a
                    // second read for the tables could find a record written in between
                    byte[] bytes = Files.readAllBytes(p);
                    // the JDK's decoder refusal ("Input length = 1") names neither the file nor the line
                    String bad = JsonFiles.notUtf8(bytes);
                    if (bad != null) {
                        throw new IOException(p + ": " + bad + "; expected run records, one JSON object a line, in UTF-8");
                    }
                    String text = new String(bytes, StandardCharsets.UTF_8);
                    String name = p.getFileName().toString();
                    String unit = name.substring(0, name.length() - RECORD.length());
                    if (units != null && !units.contains(unit)) {
                        leftOut.add(unit);
                        leftOutLines += text.lines().filter(line -> !line.isBlank()).count();
                    } else {
                        ResultSet read = readRecord(p, bytes, text);
                        runs.addAll(read.runs());
                        costs.addAll(read.costs());
                        all.append(text);
                        if (!text.isEmpty() && !text.endsWith("\n") && !text.endsWith("\r")) {
                            // else the next record's first line would be glued to this one's last
                            all.append('\n');
                        }
                    }
                }
            }
            if (!leftOut.isEmpty() && !leftOut.equals(leftOutBefore)) {
                LOG.warn("{}: left out {} ({}) of units not in this grid's plan: {}; results.jsonl and"
                        + " the tables hold this grid's units only", records, Counts.counted(leftOut.size(), "record"),
                        Counts.counted(leftOutLines, "line"), named(leftOut));
            }
            leftOutBefore = leftOut;
            Path log = files.results();
            Map<String, String> curveSources = curveSources();
            String from = all + "\u0000" + curveSources;
            // read from the records themselves, each checked before results.jsonl is rewritten
            ResultSet results = new ResultSet(runs, costs);
            if (unlessCurrent == null) {
                // the folder's results.jsonl is the extended run's: left as it is
                return tables(results, leftOut);
            }
            if (from.equals(writtenFrom) && lastWritten.files().stream().allMatch(Files::exists)) {
                LOG.debug("reports: records and results unchanged since the last rewrite; {} left as it is", out);
                return lastWritten;
            }
            boolean current = unlessCurrent && holds(log, all.toString());
            if (!current) {
                AtomicFiles.write(files.root(), log, all.toString());
            }
            Written computed = tables(results, leftOut);
            if (current) {
                return computed;
            }
            Table t1 = computed.table1();
            Table t2 = computed.table2();
            Table cost = computed.cost();
            TableWriter w = TableWriter.withDecimals(1);
            List<Path> written = new ArrayList<>();
            written.addAll(w.writeAll(t1, out, "table1"));
            written.addAll(w.writeAll(t2, out, "table2"));
            written.addAll(TableWriter.standard().writeAll(cost, out, "cost"));
            int tables = written.size();
            if (!results.runs().isEmpty()) {
                written.addAll(charts.write(() -> Charts.groupBars(t2, 900, 500), out, "table2"));
            }
            written.addAll(curves(curveSources));
            // one line per rewrite, not one per file
            LOG.info("reports: {} table files and {} charts in {} ({} runs{}){}", tables, (written.size() - tables) / 2,
                    out, results.runs().size(), leftOut.isEmpty() ? "" : "; " + Counts.counted(leftOut.size(), "record")
                            + " of units not in this grid's plan left out",
                    charts.renderingFailure() == null ? "" : "; charts skipped, see the warning above");
            lastWritten = new Written(t1, t2, cost, written, leftOut, layout);
            writtenFrom = from;
            return lastWritten;
        }
    }

    /**
     * Reads one sweep's record, so that a line that is no record is named in it (the file to fix or
     * delete), not in {@code results.jsonl}, which every rewrite rebuilds from the records. A
     * record is written whole, so a last line cut off is damage, refused here: read through the
     * log, where it could be the last line, it was skipped as an interrupted append, and its cell
     * silently lacked a seed of a sweep that counts as done.
     */
    private static ResultSet readRecord(Path record, byte[] bytes, String text) throws IOException {
        ResultSet read = ResultLog.read(record, bytes);
        List<String> lines = text.lines().toList();
        long whole = lines.stream().filter(line -> !line.isBlank()).count();
        if (read.runs().size() + read.costs().size() < whole) {
            // only an unterminated last line is ever skipped
            throw new MalformedResultsException(record, lines.size(), "expected a whole record, found an incomplete"
                    + " last line: " + JsonShapes.abbreviate(lines.get(lines.size() - 1)) + "; a record is written whole,"
                    + " so delete it to write it again from its sweep's runs", null);
        }
        return read;
    }

    /** Whether a file holds {@code text} in UTF-8 already, so that writing it again would change nothing. */
    static boolean holds(Path file, String text) throws IOException {
        return Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), text.getBytes(StandardCharsets.UTF_8));
    }

    /** The first {@value #NAMED_UNITS} ids, then how many more. */
    private static String named(List<String> ids) {
        String listed = String.join(", ", ids.subList(0, Math.min(NAMED_UNITS, ids.size())));
        return ids.size() > NAMED_UNITS ? listed + " and " + (ids.size() - NAMED_UNITS) + " more" : listed;
    }

    /**
     * Deletes the temp files of reports ({@code .NAME.RANDOM.tmp}, NAME one of the files this class
     * writes) that a killed writer left in the output folder. Every writer of the reports holds
     * {@code locks/reports.lock}, so one found while holding it belongs to no live process, however
     * young; the session's clean-up of temp files waits an hour, since elsewhere a young one may be
     * another process's.
     */
    private void deleteKilledWritersTemps() throws IOException {
        int deleted = ClaimedTemps.inDir(out, out, name -> REPORT_TEMP.matcher(name).matches());
        if (deleted > 0) {
            LOG.info("deleted {} temp files of reports that a killed run left in {}", deleted, out);
        }
    }

    /**
     * Deletes the training curves of every setting from an output folder: a forced run in place
     * draws only its own settings', so an old run's setting would keep its plot beside the new tables.
     *
     * @param files the output folder
     * @throws IOException if the folder cannot be listed or a plot deleted
     */
    static void deleteCurves(GridLayout files) throws IOException {
        if (!Files.isDirectory(files.root())) {
            return;
        }
        List<Path> plots;
        try (Stream<Path> s = Files.list(files.root())) {
            plots = s.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(CURVES) && (name.endsWith(".png") || name.endsWith(".svg"));
            }).toList();
        }
        for (Path p : plots) {
            Files.deleteIfExists(p);
        }
    }

    /** Per pre-finetuned setting whose {@code result.json} exists, its text, in layout order. */
    private Map<String, String> curveSources() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String setting : layout.settings()) {
            Path result = resultOf(setting);
            if (Files.exists(result)) {
                out.put(setting, JsonFiles.read(result));
            }
        }
        return out;
    }

    private Path resultOf(String setting) {
        return files.root().resolve("prefinetune").resolve(GridLayout.safe(setting)).resolve("result.json");
    }

    /** Draws the curves of each setting of {@code sources}, its {@code result.json} text. */
    private List<Path> curves(Map<String, String> sources) throws IOException {
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            String setting = source.getKey();
            Path result = resultOf(setting);
            String text = source.getValue();
            String base = CURVES + GridLayout.safe(setting);
            List<Path> plots = List.of(out.resolve(base + ".png"), out.resolve(base + ".svg"));
            if (text.equals(curvesDrawnFrom.get(setting)) && plots.stream().allMatch(Files::exists)) {
                written.addAll(plots);
                continue;
            }
            curvesDrawnFrom.remove(setting);
            StoredCurves stored = storedCurves(result, text);
            Map<String, List<Double>> series = stored.tasks();
            List<Double> train = stored.train();
            List<Double> avg = stored.average();
            // the trainer reports one training loss over all tasks, and a validation loss per task
            List<Path> drawn = charts.write(() -> {
                XYChart chart = Charts.trainingCurves(Map.of("all tasks", train), avg, 900, 500);
                chart.setTitle("Pre-finetuning " + setting + ": loss per epoch");
                for (Map.Entry<String, List<Double>> e : series.entrySet()) {
                    double[] x = new double[e.getValue().size()];
                    double[] y = new double[x.length];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = i + 1;
                        y[i] = e.getValue().get(i);
                    }
                    chart.addSeries(e.getKey() + " (validation)", x, y);
                }
                return chart;
            }, out, base);
            if (drawn.equals(plots)) {
                curvesDrawnFrom.put(setting, text);
            }
            written.addAll(drawn);
        }
        return written;
    }

    /**
     * A setting's training curves as its {@code result.json} holds them in its chosen run's history.
     *
     * @param train the training loss per epoch
     * @param average the average validation loss per epoch
     * @param tasks each task's validation loss per epoch, in the history's task order
     */
    record StoredCurves(List<Double> train, List<Double> average, Map<String, List<Double>> tasks) {}

    /**
     * Reads the curves of a setting's {@code result.json}: each loss a finite number, or NaN where
     * the trainer gives one (an epoch without a counted step, a task without validation examples),
     * never Infinity, which no run that did not diverge writes.
     *
     * @param result the file, for messages
     * @param text its text
     * @return the curves
     * @throws IOException naming the file and the JSON path of what is missing, of another type or
     *     non-finite where no NaN is written
     */
    static StoredCurves storedCurves(Path result, String text) throws IOException {
        JsonObject root = JsonFiles.object(text, result, false);
        Map<String, List<Double>> series = new LinkedHashMap<>();
        List<Double> train = new ArrayList<>();
        List<Double> avg = new ArrayList<>();
        // the member read last, for a refusal: Gson's casts name neither the file nor the member
        String at = "$.history";
        try {
            JsonObject h = root.getAsJsonObject("history");
            at = "$.history.tasks";
            JsonArray tasks = h.getAsJsonArray("tasks");
            at = "$.history.epochs";
            JsonArray epochs = h.getAsJsonArray("epochs");
            for (int e = 0; e < epochs.size(); e++) {
                String epoch = "$.history.epochs[" + e + "]";
                at = epoch;
                JsonObject ep = epochs.get(e).getAsJsonObject();
                at = epoch + ".trainLoss";
                train.add(loss(ep.get("trainLoss"), result, at, "an epoch without a counted step"));
                at = epoch + ".averageValidationLoss";
                avg.add(loss(ep.get("averageValidationLoss"), result, at, "an epoch no task had validation examples in"));
                at = epoch + ".validationLosses";
                JsonArray v = ep.getAsJsonArray("validationLosses");
                for (int t = 0; t < tasks.size(); t++) {
                    at = "$.history.tasks[" + t + "]";
                    String task = tasks.get(t).getAsString();
                    at = epoch + ".validationLosses[" + t + "]";
                    series.computeIfAbsent(task, k -> new ArrayList<>()).add(loss(v.get(t), result, at,
                            "a task without validation examples"));
                }
            }
        } catch (RuntimeException e) {
            throw new IOException(result + " " + at + ": missing or of another type; expected a history of task"
                    + " names and epochs, each with numbers trainLoss, averageValidationLoss and one validation loss a"
                    + " task; delete the file to pre-finetune the setting again", e);
        }
        return new StoredCurves(train, avg, series);
    }

    /**
     * A loss a history holds: a finite number, or the NaN the trainer gave for {@code nan};
     * getAsDouble alone took any string Java parses (Gson's lenient reader gives a bare {@code
     * 0.9f} as one), and Infinity, which no run that did not diverge writes.
     */
    private static double loss(JsonElement e, Path result, String at, String nan) throws IOException {
        if (!StoredNumbers.isNumber(e)) {
            // missing or of another type: the caller's refusal names the history's shape
            throw new IllegalStateException("not a number: " + e);
        }
        return StoredNumbers.finiteOrNaN(e, result, at, nan, "pre-finetune the setting again");
    }

}
