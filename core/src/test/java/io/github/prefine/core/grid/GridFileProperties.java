package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.prefine.core.testing.TestFiles;
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
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of a grid's own files as a resumed run, {@code status} and the reports read them back:
 * a pre-finetuning run's {@code history.json}, a finetuning trial's {@code lr-<rate>.json}, a
 * unit's training-loss curve, the folder's {@code run.json} and a sweep's record of runs and costs
 * ({@code records/<sweep>.jsonl}, read as {@code results.jsonl} is), written as the grid writes them
 * (its {@link PrefinetuningRunner#GSON} and {@link ResultLog#line}, NaN for a diverged run), then cut at any byte, with a byte
 * changed, a byte that is not UTF-8 or a NUL put in, a member removed or given a value of another
 * kind, either read or are refused naming the file and where in it (its line, a JSON path, the
 * member a manifest differs at, or the whole file's kind), never with a bare JDK or Gson exception.
 */
class GridFileProperties {
    /** Where a refusal points into the file: {@code file:LINE:}, {@code line N}, a JSON path, or a whole-file kind. */
    private static final Pattern PLACED = Pattern.compile(":\\d+: |: line \\d+ | \\$[.\\[]|: expected [^,]*, found |"
            + " was .*, now ", Pattern.DOTALL);
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
        HISTORY, TRIAL, CURVE, MANIFEST, RECORDS;

        byte[] bytes(boolean diverged) {
            // a record holds no NaN: RunRecord refuses one
            String text = this == RECORDS
                    ? ResultLog.line(new RunRecord("Only-C", "c-target", "C", 1, 40.5)) + "\n"
                            + ResultLog.line(new CostRecord("Only-C", 1.25, 64)) + "\n"
                    : PrefinetuningRunner.GSON.toJson(written(diverged));
            return text.getBytes(StandardCharsets.UTF_8);
        }

        JsonElement written(boolean diverged) {
            double loss = diverged ? Double.NaN : 0.6931;
            return switch (this) {
                case HISTORY -> {
                    JsonObject h = new JsonObject();
                    h.addProperty("learningRate", 1e-3);
                    h.addProperty("bestEpoch", 1);
                    h.addProperty("bestAverageValidationLoss", loss);
                    h.addProperty("stoppedEarly", false);
                    JsonArray tasks = new JsonArray();
                    tasks.add("c-a");
                    h.add("tasks", tasks);
                    JsonObject e = new JsonObject();
                    JsonArray v = new JsonArray();
                    v.add(loss);
                    e.add("validationLosses", v);
                    e.addProperty("averageValidationLoss", loss);
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
                    o.addProperty("validation", diverged ? Double.NaN : 50.0);
                    o.addProperty("evaluation", diverged ? Double.NaN : 51.0);
                    o.addProperty("evaluationSplit", "validation");
                    o.addProperty(SkippedSteps.FIELD, 0);
                    yield o;
                }
                case CURVE -> {
                    JsonArray a = new JsonArray();
                    a.add(0.9);
                    a.add(loss);
                    yield a;
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

        /** Reads the file as the grid does; the result is dropped. */
        void read(Path root, Path file) throws IOException {
            switch (this) {
                case HISTORY, TRIAL -> {
                    if (this == TRIAL) {
                        FinetuningRunner.storedScores(file);
                    } else {
                        PrefinetuningRunner.storedHistory(file);
                    }
                    SkippedSteps.collect(new GridLayout(root));
                }
                case CURVE -> PrefinetuningRunner.storedCurve(file);
                case MANIFEST -> RunManifest.check(file, written(false).getAsJsonObject(), false);
                case RECORDS -> ResultLog.load(file);
            }
        }

        String path() {
            return switch (this) {
                case HISTORY -> "prefinetune/Only-C/lr-1e-03/history.json";
                case TRIAL -> "finetune/run-Only-C-c-target-seed1/lr-3e-03.json";
                case CURVE -> "prefinetune/Only-C/lr-1e-03/train-loss.json";
                case MANIFEST -> "run.json";
                case RECORDS -> "records/run-Only-C-c-target-seed1.jsonl";
            };
        }
    }

    /** The files that hold one JSON value. */
    @Provide
    Arbitrary<Kind> jsonFiles() {
        return Arbitraries.of(Kind.HISTORY, Kind.TRIAL, Kind.CURVE, Kind.MANIFEST);
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
    void aFileCutOrWithAByteChangedReadsOrIsPlaced(@ForAll Kind kind, @ForAll boolean diverged,
            @ForAll @IntRange(min = 0, max = 10_000) int at, @ForAll @IntRange(min = 0, max = 3) int how,
            @ForAll @IntRange(min = 0, max = 255) int value) throws IOException {
        byte[] b = kind.bytes(diverged);
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
    void aMemberMissingOrOfAnotherKindReadsOrIsPlaced(@ForAll("jsonFiles") Kind kind, @ForAll boolean diverged,
            @ForAll @IntRange(min = 0, max = 1000) int which, @ForAll("values") JsonElement value,
            @ForAll boolean remove) throws IOException {
        JsonElement root = kind.written(diverged);
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
