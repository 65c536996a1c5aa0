package io.github.prefine.examples.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.train.StepReport;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Replays a run status trace ({@link RunStatus#traceTo}) against a recorded clock, so that the
 * ETA's error over a whole run is measured the same way every time, whatever load the machine
 * had: the trace gives the plan and what the status was told when, and the run's output folder,
 * copied with its modification times kept ({@code cp -a}), gives when each unit's record, failure
 * marker and training-run record appeared. A fresh status in an empty folder is told the events
 * in order, the clock at each event's time, each file copied in once the clock passes its time;
 * at each status line its ETA is set against the time really left, until the last unit's record.
 * Run it as {@code java -cp ... RunStatusReplay TRACE FOLDER} to print the ratios per tenth of
 * the run.
 */
final class RunStatusReplay {
    private static final Pattern LINE = Pattern.compile("run: (\\d+)/(\\d+) units done, .*\\| ETA (\\S+)$");

    /**
     * A status line of the replay.
     *
     * @param nanos when, since the status started counting
     * @param recorded the line the run drew
     * @param replayed the line the replay drew
     * @param etaSeconds the replayed ETA in seconds, -1 when it shows none
     * @param leftSeconds the time really left until the last unit ended
     */
    record Sample(long nanos, String recorded, String replayed, double etaSeconds, double leftSeconds) {
        /**
         * The ETA over the time really left.
         *
         * @return the ratio, NaN without an ETA or with nothing left
         */
        double ratio() {
            return etaSeconds < 0 || leftSeconds <= 0 ? Double.NaN : etaSeconds / leftSeconds;
        }
    }

    private RunStatusReplay() {}

    /**
     * Refuses anything but a trace and a folder; the documentation's command lines are checked
     * through it.
     *
     * @param args the arguments
     */
    static void checkArguments(String... args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: RunStatusReplay TRACE FOLDER, found " + args.length + " arguments: "
                    + String.join(" ", args));
        }
    }

    /**
     * Prints the replay's ETA over the time really left per tenth of the run, and over the whole.
     *
     * @param args the trace and the copied output folder
     * @throws IOException when either cannot be read
     */
    public static void main(String[] args) throws IOException {
        checkArguments(args);
        Path work = Files.createTempDirectory("status-replay-");
        List<Sample> samples = replay(Path.of(args[0]), Path.of(args[1]), work);
        long same = samples.stream().filter(x -> x.recorded().equals(x.replayed())).count();
        System.out.printf(Locale.ROOT, "%d of %d lines replayed as the run drew them%n", same, samples.size());
        System.out.print(report(samples));
        // the run's own lines against the same time left: how far the replay strays from the run
        System.out.println("as the run drew them:");
        System.out.print(report(samples.stream().map(x -> new Sample(x.nanos(), x.recorded(), x.recorded(),
                etaSeconds(x.recorded()), x.leftSeconds())).toList()));
    }

    /**
     * Replays a trace.
     *
     * @param traceFile the trace
     * @param folder the run's output folder, modification times kept
     * @param work an empty folder to replay in
     * @return the status lines drawn, with their ETA and the time really left
     * @throws IOException when the trace or the folder cannot be read
     */
    static List<Sample> replay(Path traceFile, Path folder, Path work) throws IOException {
        List<String> lines = Files.readAllLines(traceFile);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(traceFile + ":1: expected the trace's start event, found an empty file");
        }
        JsonObject start = parse(traceFile, 1, lines.get(0));
        if (!"start".equals(start.get("e").getAsString())) {
            throw new IllegalArgumentException(traceFile + ":1: expected the start event, found " + lines.get(0));
        }
        long wallMillis = start.get("wallMillis").getAsLong();
        List<PlannedWork.Unit> units = new ArrayList<>();
        for (JsonElement e : start.getAsJsonArray("units")) {
            JsonObject u = e.getAsJsonObject();
            List<Path> folders = new ArrayList<>();
            u.getAsJsonArray("runFolders").forEach(f -> folders.add(Path.of(f.getAsString())));
            units.add(new PlannedWork.Unit(u.get("id").getAsString(), u.get("labelPrefix").getAsString(),
                    u.get("work").getAsDouble(), folders));
        }
        RunStatus.Shape shape = null;
        if (start.has("shape")) {
            JsonArray s = start.getAsJsonArray("shape");
            shape = new RunStatus.Shape(s.get(0).getAsInt(), s.get(1).getAsInt(), s.get(2).getAsInt(), s.get(3).getAsInt(),
                    s.get(4).getAsInt());
        }
        // the files the status reads, by when they appeared
        List<Appeared> files = appeared(folder, wallMillis);
        long end = files.stream().filter(a -> a.path().startsWith("records")).mapToLong(Appeared::nanos).max().orElse(0);
        AtomicLong now = new AtomicLong(0);
        RunStatus status = new RunStatus(work, start.get("total").getAsInt(), now::get, shape, units,
                start.get("processes").getAsInt());
        List<Sample> samples = new ArrayList<>();
        int copied = 0;
        for (int i = 1; i < lines.size(); i++) {
            JsonObject o = parse(traceFile, i + 1, lines.get(i));
            long t = o.get("t").getAsLong();
            now.set(t);
            while (copied < files.size() && files.get(copied).nanos() <= t) {
                Path to = work.resolve(files.get(copied).path());
                Files.createDirectories(to.getParent());
                Files.copy(folder.resolve(files.get(copied).path()), to, StandardCopyOption.REPLACE_EXISTING);
                copied++;
            }
            switch (o.get("e").getAsString()) {
                case "run" -> status.runStarted(o.get("label").getAsString());
                case "steps" -> status.steps(new StepReport(o.get("epoch").getAsInt(), o.get("step").getAsInt(),
                        o.get("steps").getAsInt(), 0, 0, 0, 0, o.get("elapsed").getAsDouble()));
                case "resumed" -> status.resumed(count(traceFile, i + 1, o, "epochs"));
                case "epoch" -> status.epochEnded(count(traceFile, i + 1, o, "epoch"));
                case "line" -> {
                    String replayed = status.line();
                    samples.add(new Sample(t, o.get("line").getAsString(), replayed, etaSeconds(replayed), (end - t) / 1e9));
                }
                default -> throw new IllegalArgumentException(traceFile + ":" + (i + 1)
                        + ": expected an event run, steps, resumed, epoch or line, found " + lines.get(i));
            }
        }
        return samples;
    }

    /**
     * Per tenth of the run (from the first line to the last unit's record), the least, median and
     * most ETA over the time really left of the lines drawn in it; then, over the lines with at
     * least 3 s left, the median ratio, the share of the time (each line standing until the next)
     * showing a ratio in [0.75, 1.3], and the time-weighted mean of |log2 ratio|.
     *
     * @param samples the replay's lines
     * @return the report, one row a line
     */
    static String report(List<Sample> samples) {
        List<Sample> s = samples.stream().filter(x -> !Double.isNaN(x.ratio())).toList();
        if (s.isEmpty()) {
            return "no line with an ETA and time left\n";
        }
        long first = s.get(0).nanos();
        double span = s.get(0).leftSeconds();
        StringBuilder b = new StringBuilder();
        for (int tenth = 0; tenth < 10; tenth++) {
            int k = tenth;
            List<Double> r = s.stream().filter(x -> Math.min(9, (int) ((x.nanos() - first) / 1e9 / span * 10)) == k)
                    .map(Sample::ratio).sorted().toList();
            b.append(String.format(Locale.ROOT, "tenth %d: %s%n", tenth, r.isEmpty() ? "-"
                    : String.format(Locale.ROOT, "n=%d min %.2f median %.2f max %.2f", r.size(), r.get(0), median(r),
                            r.get(r.size() - 1))));
        }
        double within = 0;
        double logErr = 0;
        double weight = 0;
        List<Double> late = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            Sample x = s.get(i);
            if (x.leftSeconds() < 3) {
                continue;
            }
            double stands = (i + 1 < s.size() ? s.get(i + 1).nanos() - x.nanos() : 0) / 1e9;
            late.add(x.ratio());
            weight += stands;
            within += x.ratio() >= 0.75 && x.ratio() <= 1.3 ? stands : 0;
            logErr += stands * Math.abs(Math.log(x.ratio()) / Math.log(2));
        }
        b.append(String.format(Locale.ROOT, "whole (>= 3 s left): n=%d median %.2f, in [0.75, 1.3] %.0f%% of the time,"
                + " mean |log2 ratio| %.3f%n", late.size(), late.isEmpty() ? Double.NaN : median(late.stream().sorted().toList()),
                weight > 0 ? 100 * within / weight : Double.NaN, weight > 0 ? logErr / weight : Double.NaN));
        return b.toString();
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The ETA of a status line in seconds; -1 for none ({@code --:--}). */
    static double etaSeconds(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.find()) {
            throw new IllegalArgumentException("expected a status line ending in '| ETA hh:mm:ss', found: " + line);
        }
        String eta = m.group(3);
        if (eta.startsWith("--")) {
            return -1;
        }
        double seconds = 0;
        for (String part : eta.split(":")) {
            seconds = seconds * 60 + Integer.parseInt(part);
        }
        return seconds;
    }

    /** A file the status reads, relative to the output folder, and when it appeared since the start. */
    private record Appeared(Path path, long nanos) {}

    /** The records folder's records and failure markers and the training runs' records, by when they appeared. */
    private static List<Appeared> appeared(Path folder, long wallMillis) throws IOException {
        List<Appeared> found = new ArrayList<>();
        for (String top : List.of("records", "prefinetune", "finetune")) {
            Path dir = folder.resolve(top);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    String n = p.getFileName().toString();
                    boolean read = top.equals("records") ? n.endsWith(".jsonl") || n.endsWith(".failed")
                            : top.equals("prefinetune") ? n.equals("history.json") : n.endsWith(".json");
                    if (read) {
                        long millis = Files.getLastModifiedTime(p).toMillis();
                        found.add(new Appeared(folder.relativize(p), (millis - wallMillis) * 1_000_000L));
                    }
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        found.sort(Comparator.comparingLong(Appeared::nanos));
        return found;
    }

    /**
     * An event's count: a JSON number, as {@link RunStatus} writes it, or the string of digits that
     * traces written before wrote, so that those still replay.
     */
    static int count(Path file, int line, JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            try {
                return Integer.parseInt(e.getAsString());
            } catch (NumberFormatException notDigits) {
                // refused below, naming the line
            }
        }
        return JsonShapes.wholeInt(e, key, (at, expected, found) -> new IllegalArgumentException(file + ":" + line + ": "
                + at + ": expected " + expected + " (a string of its digits in a trace written before), found " + found));
    }

    private static JsonObject parse(Path file, int line, String text) {
        try {
            return JsonParser.parseString(text).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ":" + line + ": expected one JSON object, found: " + text, e);
        }
    }
}
