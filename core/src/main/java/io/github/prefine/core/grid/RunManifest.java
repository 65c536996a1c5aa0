package io.github.prefine.core.grid;

import ai.djl.engine.Engine;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What produced a grid's output folder, kept in {@code run.json}: the {@code fingerprint} (every
 * grid setting that changes a result, the base encoder's hash, each data file's size and sha256),
 * the command-line options as given, the environment (prefine, DJL, PyTorch and Java versions, OS,
 * device, precision) and, under {@code reads}, the {@link DataReport} of the tasks read so far
 * (drop counts per reason with located samples, and each task's validation rule).
 *
 * <p>A session opened on a folder whose fingerprint differs refuses with a one-line diff, unless
 * the grid is forced, which clears the folder's results and starts anew in place, or the grid
 * only adds targets to the recorded run ({@link #addedTargets}), which keeps every result. Each saved
 * encoder folder gets {@value #ENCODER_FILE}, naming its run, so that it can be traced after the
 * checkpoints are cleaned. Stateless.
 */
final class RunManifest {
    /** The manifest of every pre-finetuned encoder folder. */
    static final String ENCODER_FILE = "prefine-manifest.json";
    /**
     * The {@code run.json} format this version writes, and the newest it reads. It is raised only
     * when a version that reads the lower one would misread the file; members added beside the
     * existing ones leave it as it is (see {@link #check}).
     */
    static final int FORMAT = 1;
    /**
     * The {@code grid} settings of the fingerprint this version writes, some only where set
     * ({@code sampling}): a member of a newer version's fingerprint outside these is a setting this
     * version cannot honour. {@link #fingerprint} asserts it writes none other.
     */
    private static final Set<String> GRID_SETTINGS = Set.of("groups", "prefinetuningTasks", "targets", "seeds",
            "learningRates", "targetLearningRates", "batchSize", "targetBatchSize", "maxEpochs", "targetMaxEpochs",
            "scheduleEpochs", "targetScheduleEpochs", "patience", "warmupRatio", "sampling", "prefinetuneSeed",
            "features", "precision", "reportSplit", "learningRateSelection");

    private RunManifest() {}

    /** Every grid setting that changes a result, the encoder's hash and the data files' hashes. */
    static JsonObject fingerprint(Grid g) throws IOException {
        JsonObject f = new JsonObject();
        JsonObject s = new JsonObject();
        s.addProperty("groups",
                String.join(",", g.config.groups.stream().map(io.github.prefine.core.task.TaskGroup::name).toList()));
        s.addProperty("prefinetuningTasks", String.join(",", g.config.pool.stream().map(Task::name).toList()));
        s.addProperty("targets", String.join(",", g.config.targets.stream().map(Task::name).toList()));
        s.addProperty("seeds", g.config.seeds.toString());
        s.addProperty("learningRates", g.config.learningRates.toString());
        s.addProperty("targetLearningRates", g.targetLearningRates().toString());
        s.addProperty("batchSize", g.config.batchSize);
        s.addProperty("targetBatchSize", g.targetBatchSize());
        s.addProperty("maxEpochs", g.config.maxEpochs);
        s.addProperty("targetMaxEpochs", g.config.targetMaxEpochs);
        s.addProperty("scheduleEpochs", g.config.scheduleEpochs);
        s.addProperty("targetScheduleEpochs", g.config.targetScheduleEpochs);
        s.addProperty("patience", g.config.patience);
        s.addProperty("warmupRatio", g.config.warmupRatio);
        if (!g.config.sampling.isDefault()) {
            // only where set, so that the runs made before the option keep their fingerprint
            s.addProperty("sampling", g.config.sampling.describe());
        }
        s.addProperty("prefinetuneSeed", g.config.prefinetuneSeed);
        s.addProperty("features", g.config.features.toString());
        s.addProperty("precision", g.config.precision.optionName());
        s.addProperty("reportSplit", g.config.reportSplit.name().toLowerCase(java.util.Locale.ROOT));
        s.addProperty("learningRateSelection", g.config.lrSelection.optionName());
        // strict and allowPartial are left out (GATES): with the same data each changes nothing or refuses the plan
        assert GRID_SETTINGS.containsAll(s.keySet()) : "a fingerprint setting missing from GRID_SETTINGS: " + s.keySet();
        f.add("grid", s);
        JsonObject enc = new JsonObject();
        enc.addProperty("sha256", folderHash(g.config.encoder));
        f.add("encoder", enc);
        JsonObject data = new JsonObject();
        Set<Path> files = new LinkedHashSet<>();
        for (Task t : tasks(g)) {
            g.config.data.files(t).forEach(p -> files.add(p.toAbsolutePath().normalize()));
        }
        // named relative to their common folder: the same files under another --data path are the same run
        Path common = commonFolder(files);
        for (Path p : files) {
            JsonObject d = new JsonObject();
            d.addProperty("size", Files.size(p));
            d.addProperty("sha256", sha256(p));
            String name = common == null ? p.toString() : common.relativize(p).toString();
            data.add(name.replace(java.io.File.separatorChar, '/'), d);
        }
        // data held in memory (the demo's synthetic suite) by a digest of its examples
        for (Task t : tasks(g)) {
            Optional<String> digest = g.config.data.digest(t);
            if (digest.isPresent()) {
                JsonObject d = new JsonObject();
                d.addProperty("sha256", digest.get());
                data.add("in memory: " + t.name(), d);
            }
        }
        f.add("data", data);
        return f;
    }

    /** The tasks a grid reads: the pool's tasks of its groups, then its targets. */
    private static List<Task> tasks(Grid g) {
        List<Task> tasks = new ArrayList<>();
        for (Task t : g.config.pool) {
            if (g.config.groups.contains(t.group())) {
                tasks.add(t);
            }
        }
        tasks.addAll(g.config.targets);
        return tasks;
    }

    /** The deepest folder holding every file, or null when there are none. */
    static Path commonFolder(Set<Path> files) {
        Path common = null;
        for (Path p : files) {
            Path parent = p.getParent();
            if (common == null) {
                common = parent;
            } else {
                while (common != null && !parent.startsWith(common)) {
                    common = common.getParent();
                }
            }
        }
        return common;
    }

    /** The whole manifest: the fingerprint, the options as given, the environment and the encoder's source. */
    static JsonObject of(Grid g, JsonObject fingerprint, Engine engine) {
        JsonObject m = new JsonObject();
        m.addProperty("format", FORMAT);
        m.add("fingerprint", fingerprint);
        JsonObject options = new JsonObject();
        g.config.options.forEach(options::addProperty);
        m.add("options", options);
        JsonObject env = new JsonObject();
        env.addProperty("prefine", prefineVersion());
        env.addProperty("djl", Engine.getDjlVersion());
        env.addProperty("engine", engine.getEngineName() + " " + engine.getVersion());
        env.addProperty("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        env.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        env.addProperty("device", g.config.device.toString());
        env.addProperty("precision", g.config.precision.optionName());
        m.add("environment", env);
        m.addProperty("encoder", g.config.encoder.toAbsolutePath().normalize().toString());
        m.add("reads", new JsonObject());
        return m;
    }

    /**
     * Checks a folder's manifest against this grid's fingerprint before any work.
     *
     * <p>A manifest of a newer version is read by these rules: a member this version does not know
     * outside the fingerprint (a new section, a new environment entry) is ignored and kept in the
     * file; a fingerprint member it does not know is a setting that may change results, which this
     * version cannot reproduce, so the run is refused naming it (new settings are recorded only
     * where set, so that the runs before keep their fingerprint: such a member is one set); and a
     * {@code format} above {@value #FORMAT} says the file means something else than this version
     * reads, and is refused naming both formats.
     *
     * @return the manifest to keep (the folder's when it matches, else {@code fresh})
     * @throws RunMismatchException with a one-line diff when they differ and {@code force} is off,
     *     or naming the newer format or the settings this version does not know
     */
    static JsonObject check(Path file, JsonObject fresh, boolean force) throws IOException {
        if (!Files.exists(file)) {
            return fresh;
        }
        JsonObject old;
        int format;
        try {
            // strictly: prefine wrote it, and a lenient read made a NUL part of a name; the JDK's decoder refusal named no file
            old = JsonFiles.strictObject(file);
            // what the diff walks: Gson's cast would fail bare, naming neither the file nor the member
            JsonShapes.object(old.get("fingerprint"), "$.fingerprint",
                    (at, expected, found) -> new IOException(at + ": expected " + expected + ", found " + found));
            format = formatOf(old);
        } catch (IOException | RuntimeException e) {
            if (force) {
                return fresh;
            }
            throw new RunMismatchException(file + ": not a run manifest (" + e.getMessage() + "); remove it, choose"
                    + " another output folder, or force a new run in place (--force)");
        }
        if (format > FORMAT) {
            if (force) {
                return fresh;
            }
            throw newerFormat(file, old, format);
        }
        List<String> diff = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        diff(old.getAsJsonObject("fingerprint"), fresh.getAsJsonObject("fingerprint"), List.of(), diff, unknown);
        if (diff.isEmpty() && unknown.isEmpty()) {
            return old;
        }
        if (!force && !unknown.isEmpty()) {
            throw new RunMismatchException(file + ": recorded by " + writer(old) + " with "
                    + (unknown.size() == 1 ? "a setting" : unknown.size() + " settings") + " this prefine does not know ("
                    + String.join("; ", unknown) + "), which may change results this version cannot reproduce; continue"
                    + " the run with that version, choose another output folder, or force a new run in place (--force)");
        }
        if (!force) {
            throw new RunMismatchException(file + ": this folder holds a run with other settings or data ("
                    + String.join("; ", diff.subList(0, Math.min(3, diff.size())))
                    + (diff.size() > 3 ? "; and " + (diff.size() - 3) + " more" : "")
                    + "); rerun with the same options and data, choose another output folder, or force a new run in place"
                    + " (--force)");
        }
        return fresh;
    }

    /**
     * Reads a manifest's {@code format} for a process that trusts the file without checking its
     * fingerprint (a worker joining the run): absent is format 1, which every manifest before the
     * member was.
     *
     * @param file the manifest, for messages
     * @param manifest its content
     * @return the format, at most {@value #FORMAT}
     * @throws IOException naming the member when it is no whole number of at least 1
     * @throws RunMismatchException when the format is newer than this version reads
     */
    static int readFormat(Path file, JsonObject manifest) throws IOException {
        int format;
        try {
            format = formatOf(manifest);
        } catch (IOException e) {
            throw new IOException(file + " " + e.getMessage(), e);
        }
        if (format > FORMAT) {
            throw newerFormat(file, manifest, format);
        }
        return format;
    }

    private static int formatOf(JsonObject manifest) throws IOException {
        JsonElement f = manifest.get("format");
        if (f == null) {
            return 1;
        }
        int format = JsonShapes.wholeInt(f, "$.format", (at, expected, found) -> new IOException(at
                + ": expected a whole number of at least 1, found " + found));
        if (format < 1) {
            throw new IOException("$.format: expected a whole number of at least 1, found " + format);
        }
        return format;
    }

    private static RunMismatchException newerFormat(Path file, JsonObject manifest, int format) {
        return new RunMismatchException(file + ": written by " + writer(manifest) + " in run.json format " + format
                + ", newer than format " + FORMAT + ", the newest this prefine reads; continue the run with that version,"
                + " choose another output folder, or force a new run in place (--force)");
    }

    /** The prefine version a manifest's environment names, for messages. */
    private static String writer(JsonObject manifest) {
        return manifest.get("environment") instanceof JsonObject env && env.get("prefine") instanceof JsonPrimitive p
                && p.isString() ? "prefine " + p.getAsString() : "another prefine version";
    }

    /**
     * The targets a grid adds to the run recorded in {@code file}: empty unless the grid, without
     * them, has exactly the recorded fingerprint (same settings, pool, encoder and data, the
     * recorded targets in the same order), so that every recorded unit is one of this grid's and
     * only the added targets' finetuning is new. A manifest that cannot be read adds nothing (the
     * check that follows names what is wrong with it).
     */
    static List<String> addedTargets(Path file, Grid g) throws IOException {
        JsonObject recorded;
        List<String> before;
        try {
            JsonObject manifest = JsonFiles.strictObject(file);
            if (formatOf(manifest) > FORMAT) {
                // the check that follows refuses it
                return List.of();
            }
            recorded = manifest.getAsJsonObject("fingerprint");
            String names = recorded.getAsJsonObject("grid").get("targets").getAsString();
            before = names.isEmpty() ? List.of() : List.of(names.split(",", -1));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        List<Task> kept = g.config.targets.stream().filter(t -> before.contains(t.name())).toList();
        if (kept.isEmpty() || kept.size() != before.size() || kept.size() == g.config.targets.size()) {
            return List.of();
        }
        List<String> diff = new ArrayList<>();
        diff(recorded, fingerprint(g.toBuilder().setTargets(kept).build()), List.of(), diff, diff);
        if (!diff.isEmpty()) {
            return List.of();
        }
        return g.config.targets.stream().map(Task::name).filter(n -> !before.contains(n)).toList();
    }

    /**
     * Options that earlier versions recorded in the fingerprint though they change no result: given
     * the same data, strict reading and partial settings either leave the plan as it is or refuse it
     * (a missing task, a defect, a group without data), so a resumed run that turns one on or off is
     * the same run. A manifest that records them still matches.
     */
    private static final Set<String> GATES = Set.of("grid.strict", "grid.allowPartial");

    /**
     * Walks two fingerprints: a member that differs goes to {@code out} ({@code grid.batchSize was
     * 32, now 16}), one recorded that this version never writes to {@code unknown} with its value.
     *
     * @param at the member's names from the fingerprint's root (a data file's name may hold dots)
     */
    private static void diff(JsonElement was, JsonElement now, List<String> at, List<String> out, List<String> unknown) {
        String path = String.join(".", at);
        if (GATES.contains(path)) {
            return;
        }
        if (was != null && now == null && !known(at)) {
            unknown.add(path + " " + brief(was));
        } else if (was != null && now != null && was.isJsonObject() && now.isJsonObject()) {
            Set<String> keys = new TreeSet<>(was.getAsJsonObject().keySet());
            keys.addAll(now.getAsJsonObject().keySet());
            for (String k : keys) {
                List<String> member = new ArrayList<>(at);
                member.add(k);
                diff(was.getAsJsonObject().get(k), now.getAsJsonObject().get(k), member, out, unknown);
            }
        } else if (was == null || now == null || !was.equals(now)) {
            out.add(path + " was " + brief(was) + ", now " + brief(now));
        }
    }

    /** Whether this version writes the fingerprint member named by {@code at}, at least where set. */
    private static boolean known(List<String> at) {
        return switch (at.size()) {
            case 1 -> Set.of("grid", "encoder", "data").contains(at.get(0));
            case 2 -> switch (at.get(0)) {
                case "grid" -> GRID_SETTINGS.contains(at.get(1));
                case "encoder" -> at.get(1).equals("sha256");
                // a data file by its name, or data held in memory
                default -> at.get(0).equals("data");
            };
            case 3 -> at.get(0).equals("data") && Set.of("size", "sha256").contains(at.get(2));
            default -> false;
        };
    }

    private static String brief(JsonElement e) {
        if (e == null) {
            return "absent";
        }
        String s = e.isJsonPrimitive() ? e.getAsString() : e.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** The manifest of a saved encoder folder: which run, setting, tasks and rate made it. */
    static JsonObject encoder(JsonObject run, PrefinetuningUnit u, List<String> tasks, int epochs) {
        JsonObject m = new JsonObject();
        m.addProperty("setting", u.setting().name());
        JsonArray ts = new JsonArray();
        tasks.forEach(ts::add);
        m.add("tasks", ts);
        m.addProperty("learningRate", u.learningRate());
        m.addProperty("seed", u.seed());
        m.addProperty("epochs", epochs);
        m.addProperty("baseEncoder", run.get("encoder").getAsString());
        m.add("run", run.deepCopy());
        m.getAsJsonObject("run").remove("reads");
        return m;
    }

    /** sha256 over a folder's regular files, in name order, each as its relative name and its bytes' hash. */
    static String folderHash(Path folder) throws IOException {
        MessageDigest all = digest();
        List<Path> files;
        try (Stream<Path> s = Files.walk(folder)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path p : files) {
            all.update((folder.relativize(p).toString().replace('\\', '/') + "\0" + sha256(p) + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(all.digest());
    }

    static String sha256(Path file) throws IOException {
        MessageDigest d = digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static String prefineVersion() {
        String v = RunManifest.class.getPackage().getImplementationVersion();
        if (v != null) {
            return v;
        }
        try (InputStream in = RunManifest.class.getResourceAsStream(
                "/META-INF/maven/io.github.prefine/prefine-core/pom.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through: the version is informative only
        }
        return "unknown (not a packaged build)";
    }
}
