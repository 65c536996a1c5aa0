package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.testing.TestFiles;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.eval.report.CostRecord;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.RunRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of a grid's own files as a resumed run, {@code status}, the reports and the export read
 * them back: a pre-finetuning run's {@code history.json}, a finetuning trial's {@code lr-<rate>.json},
 * a unit's training-loss curve, a setting's {@code result.json}, a finetuning sweep's choice, an
 * exported model's {@code prefine-export.json}, the folder's {@code run.json} and a sweep's record
 * of runs and costs ({@code records/<sweep>.jsonl}, read as {@code results.jsonl} is), written as the
 * grid writes them (its {@link PrefinetuningRunner#GSON} and {@link ResultLog#line}, with the NaN it
 * writes for a diverged run), then cut at any byte, with a byte changed, a byte that is not UTF-8
 * or a NUL put in, a member removed or given a value of another kind, either read or are refused
 * naming the file and where in it (its line, a JSON path, the member a manifest differs at, or the
 * whole file's kind), never with a bare JDK or Gson exception; and a number made NaN or infinite
 * reads only where the grid writes that value.
 */
class GridFileProperties {
    /**
     * Where a refusal points into the file: {@code file:LINE:}, {@code line N}, a JSON path, a whole-file
     * kind, or a manifest's fingerprint member (one it differs at, or one this version does not know,
     * as a byte changed in a member's name makes it).
     */
    private static final Pattern PLACED = Pattern.compile(":\\d+: |: line \\d+ | \\$[.\\[]|: expected [^,]*, found |"
            + " was .*, now | this prefine does not know \\(", Pattern.DOTALL);
    /** The target of the sweep files. */
    private static final Task TARGET = InMemoryTasks.task("c-target", TaskGroup.C, TaskFormat.SINGLE_TEXT,
            MetricType.ACCURACY, List.of("no", "yes"));
    private static Path dir;
    private static int serial;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("grid-file-properties");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        TestFiles.deleteTree(dir);
    }

    /** The files, as the grid writes them. */
    enum Kind {
        HISTORY, TRIAL, CURVE, RESULT, DETAIL, EXPORT, MANIFEST, RECORDS;

        /** The file's bytes; {@code withNaN}: with the NaN the grid writes in it, where it writes one. */
        byte[] bytes(boolean withNaN) {
            // a record holds no NaN: RunRecord refuses one
            String text = this == RECORDS
                    ? ResultLog.line(new RunRecord("Only-C", "c-target", "C", 1, 40.5)) + "\n"
                            + ResultLog.line(new CostRecord("Only-C", 1.25, 64)) + "\n"
                    : PrefinetuningRunner.GSON.toJson(written(withNaN));
            return text.getBytes(StandardCharsets.UTF_8);
        }

        /**
         * The file's value as the grid's writers build it; {@code withNaN}: with the NaN they write
         * in it (a diverged run's history or trial, a diverged rate or seed in a sweep's choice, an
         * epoch without a counted step in a loss curve), where they write one.
         */
        JsonElement written(boolean withNaN) {
            double loss = withNaN ? Double.NaN : 0.6931;
            return switch (this) {
                case HISTORY -> {
                    JsonObject h = new JsonObject();
                    h.addProperty("learningRate", 1e-3);
                    if (withNaN) {
                        // PrefinetuningRunner's history of a diverged run
                        h.addProperty("bestAverageValidationLoss", Double.NaN);
                        h.addProperty("error", "non-finite loss at step 3 (epoch 0) of c-a");
                        yield h;
                    }
                    h.addProperty("bestEpoch", 1);
                    h.addProperty("bestAverageValidationLoss", 0.6931);
                    h.addProperty("stoppedEarly", false);
                    JsonArray tasks = new JsonArray();
                    tasks.add("c-a");
                    h.add("tasks", tasks);
                    JsonObject e = new JsonObject();
                    JsonArray v = new JsonArray();
                    v.add(0.6931);
                    e.add("validationLosses", v);
                    e.addProperty("averageValidationLoss", 0.6931);
                    e.addProperty("trainLoss", 0.9);
                    e.addProperty("trainSeconds", 1.25);
                    e.addProperty("trainExamples", 64);
                    JsonArray epochs = new JsonArray();
                    epochs.add(e);
                    h.add("epochs", epochs);
                    h.addProperty(SkippedSteps.FIELD, 2);
                    yield h;
                }
                case TRIAL -> {
                    JsonObject o = new JsonObject();
                    o.addProperty("learningRate", 3e-3);
                    o.addProperty("validation", withNaN ? Double.NaN : 50.0);
                    o.addProperty("evaluation", withNaN ? Double.NaN : 51.0);
                    o.addProperty("evaluationSplit", "validation");
                    if (!withNaN) {
                        // a trial that trained keeps its curve; a diverged one has none
                        o.addProperty("bestEpoch", 0);
                        JsonArray losses = new JsonArray();
                        losses.add(0.6931);
                        o.add("validationLosses", losses);
                    }
                    o.addProperty(SkippedSteps.FIELD, 0);
                    yield o;
                }
                case CURVE -> {
                    JsonArray a = new JsonArray();
                    a.add(0.9);
                    a.add(loss);
                    yield a;
                }
                case RESULT -> {
                    // PrefinetuningRunner.finish: the chosen rate's history, each rate's best loss
                    JsonObject r = new JsonObject();
                    r.addProperty("setting", "Only-C");
                    r.addProperty("learningRate", 1e-3);
                    r.addProperty("encoder", "lr-1e-03/encoder");
                    r.add("tasksLeftOut", new JsonArray());
                    JsonArray sweep = new JsonArray();
                    for (double[] g : new double[][] {{1e-3, 0.6931}, {3e-3, withNaN ? Double.NaN : 0.8}}) {
                        JsonObject trial = new JsonObject();
                        trial.addProperty("learningRate", g[0]);
                        trial.addProperty("bestAverageValidationLoss", g[1]);
                        sweep.add(trial);
                    }
                    r.add("sweep", sweep);
                    JsonObject h = HISTORY.written(false).getAsJsonObject();
                    h.getAsJsonArray("epochs").get(0).getAsJsonObject().addProperty("trainLoss", withNaN ? Double.NaN : 0.9);
                    r.add("history", h);
                    yield r;
                }
                case DETAIL -> {
                    // FinetuningRunner.finish: seed 2 diverged at the chosen rate
                    JsonObject d = new JsonObject();
                    d.addProperty("setting", "Only-C");
                    d.addProperty("target", "c-target");
                    JsonArray seeds = new JsonArray();
                    seeds.add(1);
                    seeds.add(2);
                    d.add("seeds", seeds);
                    d.addProperty("metric", "ACCURACY");
                    d.addProperty("evaluationSplit", "VALIDATION");
                    d.addProperty("learningRateSelection", "mean");
                    d.addProperty("learningRate", 3e-3);
                    JsonArray trials = new JsonArray();
                    for (double[] g : new double[][] {{1, 1e-3, 40.0}, {2, 1e-3, 41.0}, {1, 3e-3, 50.0},
                            {2, 3e-3, withNaN ? Double.NaN : 49.0}}) {
                        JsonObject trial = new JsonObject();
                        trial.addProperty("seed", (long) g[0]);
                        trial.addProperty("learningRate", g[1]);
                        trial.addProperty("validation", g[2]);
                        trial.addProperty("evaluation", g[2]);
                        trials.add(trial);
                    }
                    d.add("sweep", trials);
                    yield d;
                }
                case EXPORT -> {
                    // GridExporter's record of an exported folder: no NaN, a diverged run exports nothing
                    JsonObject m = new JsonObject();
                    m.addProperty("target", "c-target");
                    m.addProperty("setting", "Only-C");
                    m.addProperty("seed", 1);
                    m.addProperty("learningRate", 3e-3);
                    m.addProperty("metric", "ACCURACY");
                    m.addProperty("validation", 50.0);
                    m.addProperty("reproducedValidation", 50.0);
                    m.addProperty("validationExamples", 8);
                    m.addProperty("export", "best");
                    yield m;
                }
                case RECORDS -> throw new IllegalArgumentException("a log of lines, not one JSON value");
                case MANIFEST -> {
                    JsonObject grid = new JsonObject();
                    grid.addProperty("targetBatchSize", 32);
                    grid.addProperty("reportSplit", "validation");
                    JsonObject f = new JsonObject();
                    f.add("grid", grid);
                    JsonObject m = new JsonObject();
                    m.add("fingerprint", f);
                    m.add("options", new JsonObject());
                    yield m;
                }
            };
        }

        /** Reads the file as the grid does; returns what the reader gave. */
        Object read(Path root, Path file) throws IOException {
            return switch (this) {
                case HISTORY, TRIAL -> {
                    JsonObject o = this == TRIAL ? FinetuningRunner.storedScores(file)
                            : PrefinetuningRunner.storedHistory(file);
                    SkippedSteps.collect(new GridLayout(root));
                    yield o;
                }
                case CURVE -> PrefinetuningRunner.storedCurve(file);
                case RESULT -> GridReports.storedCurves(file, JsonFiles.read(file));
                case DETAIL -> GridExporter.storedCandidates(file, Setting.baseline(), TARGET);
                case EXPORT -> GridExporter.storedExport(file);
                case MANIFEST -> RunManifest.check(file, written(false).getAsJsonObject(), false);
                case RECORDS -> ResultLog.load(file);
            };
        }

        /**
         * Whether the grid's reader of the file takes the number at {@code path}, and of the
         * non-finite values which it takes there: what the writer can write there (a loss-like
         * member's NaN, a best loss's Infinity) and nothing else. From the writers, not the readers.
         *
         * @return null where the reader takes no number, else whether {@code value} is one it takes
         */
        Boolean takes(String path, double value, JsonElement root) {
            boolean nan = Double.isNaN(value);
            return switch (this) {
                case HISTORY -> {
                    if (path.equals("$.bestAverageValidationLoss")) {
                        // a diverged run's is NaN, with its error; another's is Infinity where no epoch scored
                        yield root.getAsJsonObject().has("error") ? nan : value == Double.POSITIVE_INFINITY;
                    }
                    yield path.matches("\\$\\.epochs\\[\\d+]\\.(trainSeconds|trainExamples)|\\$\\.skippedSteps")
                            ? false : null;
                }
                case TRIAL -> {
                    if (path.equals("$.validation") || path.equals("$.evaluation")) {
                        // NaN in both or neither: a diverged trial
                        String other = path.equals("$.validation") ? "evaluation" : "validation";
                        yield nan && Double.isNaN(root.getAsJsonObject().get(other).getAsDouble());
                    }
                    yield path.equals("$.skippedSteps") ? false : null;
                }
                case CURVE -> nan;
                case RESULT -> path.matches("\\$\\.history\\.epochs\\[\\d+]\\.(trainLoss|averageValidationLoss"
                        + "|validationLosses\\[\\d+])") ? (Boolean) nan : null;
                case DETAIL -> path.matches("\\$\\.sweep\\[\\d+]\\.validation") ? (Boolean) nan
                        : path.matches("\\$\\.learningRate|\\$\\.sweep\\[\\d+]\\.(learningRate|seed)") ? false : null;
                case EXPORT -> path.matches("\\$\\.(learningRate|validation|reproducedValidation)") ? false : null;
                // the fingerprint's numbers are compared with this grid's, which are finite
                case MANIFEST -> path.startsWith("$.fingerprint.") ? false : null;
                // RunRecord and CostRecord: finite values, whole seeds and counts
                case RECORDS -> false;
            };
        }

        String path() {
            return switch (this) {
                case HISTORY -> "prefinetune/Only-C/lr-1e-03/history.json";
                case TRIAL -> "finetune/run-Only-C-c-target-seed1/lr-3e-03.json";
                case CURVE -> "prefinetune/Only-C/lr-1e-03/train-loss.json";
                case RESULT -> "prefinetune/Only-C/result.json";
                case DETAIL -> "finetune/run-Only-C-c-target-seed1.json";
                case EXPORT -> "models/c-target/Only-C-seed1/prefine-export.json";
                case MANIFEST -> "run.json";
                case RECORDS -> "records/run-Only-C-c-target-seed1.jsonl";
            };
        }
    }

    /** The files that hold one JSON value. */
    @Provide
    Arbitrary<Kind> jsonFiles() {
        return Arbitraries.of(Kind.HISTORY, Kind.TRIAL, Kind.CURVE, Kind.RESULT, Kind.DETAIL, Kind.EXPORT, Kind.MANIFEST);
    }

    /** Values of every JSON kind, for a member of another kind. */
    @Provide
    Arbitrary<JsonElement> values() {
        return Arbitraries.of(JsonNull.INSTANCE, new JsonPrimitive("x"), new JsonPrimitive(1.5), new JsonPrimitive(-1),
                new JsonPrimitive(true), new JsonArray(), new JsonObject(), new JsonPrimitive("\u0000"));
    }

    private static Path write(Kind kind, byte[] bytes) throws IOException {
        return TestFiles.write(dir.resolve("g" + serial++), kind.path(), bytes);
    }

    /** The grid folder a written file lies in. */
    private static Path root(Path file) {
        return dir.resolve(file.getName(dir.getNameCount()).toString());
    }

    /**
     * Reads it: it reads, or the refusal is an IOException or mismatch naming the file and the place.
     * Returns whether it read.
     */
    private static boolean readsOrIsPlaced(Kind kind, Path file) {
        try {
            kind.read(root(file), file);
            return true;
        } catch (IOException | RunMismatchException e) {
            String m = String.valueOf(e.getMessage());
            assertTrue(m.contains(file.toString()) && PLACED.matcher(m).find(), e.getClass().getName() + ": " + m);
            return false;
        } catch (RuntimeException e) {
            throw new AssertionError("bare " + e, e);
        }
    }

    @Property(tries = 400)
    void aFileCutOrWithAByteChangedReadsOrIsPlaced(@ForAll Kind kind, @ForAll boolean withNaN,
            @ForAll @IntRange(min = 0, max = 10_000) int at, @ForAll @IntRange(min = 0, max = 3) int how,
            @ForAll @IntRange(min = 0, max = 255) int value) throws IOException {
        byte[] b = kind.bytes(withNaN);
        int i = at % b.length;
        byte[] changed = switch (how) {
            case 0 -> Arrays.copyOf(b, i);
            case 1 -> {
                byte[] c = b.clone();
                c[i] = (byte) value;
                yield c;
            }
            default -> {
                // a byte put in: 0x80..0xFF is never UTF-8 alone, NUL is UTF-8 but no JSON outside a string
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, i);
                c[i] = how == 2 ? (byte) (0x80 | value) : 0;
                System.arraycopy(b, i, c, i + 1, b.length - i);
                yield c;
            }
        };
        readsOrIsPlaced(kind, write(kind, changed));
    }

    @Property(tries = 400)
    void aMemberMissingOrOfAnotherKindReadsOrIsPlaced(@ForAll("jsonFiles") Kind kind, @ForAll boolean withNaN,
            @ForAll @IntRange(min = 0, max = 1000) int which, @ForAll("values") JsonElement value,
            @ForAll boolean remove) throws IOException {
        JsonElement root = kind.written(withNaN);
        List<JsonElement> parents = new ArrayList<>();
        collect(root, parents);
        JsonElement parent = parents.get(which % parents.size());
        if (parent.isJsonObject()) {
            JsonObject o = parent.getAsJsonObject();
            List<String> names = new ArrayList<>(o.keySet());
            if (names.isEmpty()) {
                return;
            }
            String name = names.get(which % names.size());
            if (remove) {
                o.remove(name);
            } else {
                o.add(name, value.deepCopy());
            }
        } else {
            JsonArray a = parent.getAsJsonArray();
            if (a.isEmpty()) {
                return;
            }
            if (remove) {
                a.remove(which % a.size());
            } else {
                a.set(which % a.size(), value.deepCopy());
            }
        }
        readsOrIsPlaced(kind, write(kind, PrefinetuningRunner.GSON.toJson(root).getBytes(StandardCharsets.UTF_8)));
    }

    /** Non-finite numbers as a file may hold them: the literals Gson's lenient reader takes, quoted, or past a double's range. */
    @Provide
    Arbitrary<String> nonFinite() {
        return Arbitraries.of("NaN", "\"NaN\"", "Infinity", "-Infinity", "\"-Infinity\"", "1e400", "-1e400");
    }

    /** A number in a file, by its JSON path, and how to put another value in its place. */
    private record Leaf(String path, Consumer<JsonElement> replace) {}

    /** The numbers in a value, NaN included, in document order. */
    private static void numbers(JsonElement e, String path, List<Leaf> out) {
        if (e.isJsonObject()) {
            JsonObject o = e.getAsJsonObject();
            for (String name : List.copyOf(o.keySet())) {
                JsonElement v = o.get(name);
                if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
                    out.add(new Leaf(path + "." + name, x -> o.add(name, x)));
                } else {
                    numbers(v, path + "." + name, out);
                }
            }
        } else if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                int at = i;
                JsonElement v = a.get(i);
                if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
                    out.add(new Leaf(path + "[" + i + "]", x -> a.set(at, x)));
                } else {
                    numbers(v, path + "[" + i + "]", out);
                }
            }
        }
    }

    /**
     * A number of a file replaced by NaN, Infinity or a number past a double's range (bare, quoted
     * or as a literal) is taken only where the grid's writer writes that value (the NaN of a
     * diverged run or of an epoch without a counted step); elsewhere where the reader takes a
     * number it is refused naming the file, the member (and a record's line) and what was expected,
     * rather than flowing into a sweep's choice or the tables. A number no reader takes may hold it.
     */
    @Property(tries = 500)
    void aNonFiniteNumberIsTakenOnlyWhereTheGridWritesOne(@ForAll Kind kind, @ForAll boolean withNaN,
            @ForAll @IntRange(min = 0, max = 1000) int which, @ForAll("nonFinite") String literal) throws IOException {
        double value = Double.parseDouble(literal.replace("\"", ""));
        String marker = "@non-finite@";
        String text;
        String member;
        Boolean takes;
        if (kind == Kind.RECORDS) {
            List<Leaf> leaves = new ArrayList<>();
            List<JsonObject> records = new ArrayList<>();
            for (String line : new String(kind.bytes(false), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                    records.add(o);
                    // written back one a line, without the blank lines between
                    numbers(o, records.size() + ": ", leaves);
                }
            }
            Leaf leaf = leaves.get(which % leaves.size());
            leaf.replace().accept(new JsonPrimitive(marker));
            StringBuilder b = new StringBuilder();
            records.forEach(o -> b.append(o).append('\n'));
            text = b.toString();
            // "line: .name" as numbers() names it, a refusal as "FILE:line: name: expected"
            member = ":" + leaf.path().replace(": .", ": ") + ": expected";
            takes = kind.takes(leaf.path(), value, null);
        } else {
            JsonElement root = kind.written(withNaN);
            List<Leaf> leaves = new ArrayList<>();
            numbers(root, "$", leaves);
            Leaf leaf = leaves.get(which % leaves.size());
            takes = kind.takes(leaf.path(), value, root.deepCopy());
            leaf.replace().accept(new JsonPrimitive(marker));
            text = PrefinetuningRunner.GSON.toJson(root);
            // a manifest's diff names the member within the fingerprint
            member = leaf.path().substring(kind == Kind.MANIFEST ? "$.fingerprint.".length()
                    : leaf.path().startsWith("$.") ? 2 : 1);
        }
        text = text.replace("\"" + marker + "\"", literal);
        Path file = write(kind, text.getBytes(StandardCharsets.UTF_8));
        String where = kind + " " + member + " = " + literal + ":\n" + text;
        try {
            kind.read(root(file), file);
            if (Boolean.FALSE.equals(takes)) {
                throw new AssertionError("read, not refused: " + where);
            }
        } catch (IOException | RunMismatchException e) {
            String m = String.valueOf(e.getMessage());
            if (!Boolean.FALSE.equals(takes)) {
                throw new AssertionError("refused, though the grid writes it there: " + m + "\n" + where, e);
            }
            assertTrue(m.contains(file.toString()) && m.contains(member) && (m.contains("expected") || m.contains(" was ")),
                    m + "\n" + where);
        }
    }

    /** What the grid writes, its NaN included, reads back as written: NaN as NaN, a diverged seed left out. */
    @Example
    void theNaNTheGridWritesReadsBack() throws IOException {
        for (boolean withNaN : new boolean[] {false, true}) {
            double loss = withNaN ? Double.NaN : 0.6931;
            Path history = write(Kind.HISTORY, Kind.HISTORY.bytes(withNaN));
            assertEquals(loss, ((JsonObject) Kind.HISTORY.read(root(history), history)).get("bestAverageValidationLoss")
                    .getAsDouble());
            Path trial = write(Kind.TRIAL, Kind.TRIAL.bytes(withNaN));
            JsonObject scores = (JsonObject) Kind.TRIAL.read(root(trial), trial);
            assertEquals(withNaN ? Double.NaN : 50.0, scores.get("validation").getAsDouble());
            assertEquals(withNaN ? Double.NaN : 51.0, scores.get("evaluation").getAsDouble());
            Path curve = write(Kind.CURVE, Kind.CURVE.bytes(withNaN));
            assertEquals(List.of(0.9, loss), Kind.CURVE.read(root(curve), curve));
            Path result = write(Kind.RESULT, Kind.RESULT.bytes(withNaN));
            assertEquals(new GridReports.StoredCurves(List.of(withNaN ? Double.NaN : 0.9), List.of(0.6931),
                    Map.of("c-a", List.of(0.6931))), Kind.RESULT.read(root(result), result));
            Path detail = write(Kind.DETAIL, Kind.DETAIL.bytes(withNaN));
            List<GridExporter.Candidate> chosen = new ArrayList<>();
            chosen.add(new GridExporter.Candidate(Setting.baseline(), TARGET, 1, 3e-3, 50.0));
            if (!withNaN) {
                chosen.add(new GridExporter.Candidate(Setting.baseline(), TARGET, 2, 3e-3, 49.0));
            }
            assertEquals(chosen, Kind.DETAIL.read(root(detail), detail));
        }
    }

    /** The file's objects and arrays, the whole first. */
    private static void collect(JsonElement e, List<JsonElement> out) {
        if (e.isJsonObject()) {
            out.add(e);
            e.getAsJsonObject().entrySet().forEach(m -> collect(m.getValue(), out));
        } else if (e.isJsonArray()) {
            out.add(e);
            e.getAsJsonArray().forEach(x -> collect(x, out));
        }
    }

    /** The whole file replaced by a value of another kind, as a file cut to one token might read. */
    @Property(tries = 60)
    void aFileHoldingAnotherKindIsPlaced(@ForAll("jsonFiles") Kind kind, @ForAll("values") JsonElement value) throws IOException {
        Path file = write(kind, PrefinetuningRunner.GSON.toJson(value).getBytes(StandardCharsets.UTF_8));
        JsonElement own = kind.written(false);
        // the file's own kind, empty, may read: an empty curve is what a run cut before its first epoch left;
        // another kind is never taken for the file, which would drop what it held
        boolean sameKind = value.isJsonObject() == own.isJsonObject() && value.isJsonArray() == own.isJsonArray();
        if (readsOrIsPlaced(kind, file) && !sameKind) {
            throw new AssertionError(kind + " holding " + value + " was read, not refused");
        }
    }

}
