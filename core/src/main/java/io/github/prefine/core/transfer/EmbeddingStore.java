package io.github.prefine.core.transfer;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.PlainFolders;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.stream.Stream;

/**
 * A folder of computed task embeddings, so each is computed once: {@code <name>.safetensors}
 * holds the values (one float32 tensor {@code embedding}), {@code <name>.json} the metadata (task,
 * method, encoder hash, settings, example count, seconds, Java and OS). The name is the task, the
 * method and a short hash of the full key (task, method, encoder hash, settings), so an embedding
 * of another encoder or other settings never answers a lookup. A task name longer than 128
 * characters is cut in the file name (never in the key), so a name stays within 255 bytes.
 *
 * <p>Resumable: each embedding is written as soon as it is computed, the JSON file last and by an
 * atomic rename, so a run that stops half-way leaves only complete entries and the next run
 * computes only what is missing. Holds no native memory. Thread-safe, and processes may share a
 * folder: two writers of one key each replace the entry whole (the values of one key are the same
 * whoever computed them).
 */
public final class EmbeddingStore {
    private static final String TENSOR = "embedding";
    private static final String FORMAT = "prefine-task-embedding/1";

    private final Path anchor;
    private final Path folder;

    private EmbeddingStore(Path anchor, Path folder) {
        this.anchor = anchor;
        this.folder = folder;
    }

    /**
     * Opens (and creates) a store folder that the user named; links in it and above it are followed.
     *
     * @param folder the folder
     * @return the store
     * @throws IOException if the folder cannot be created
     */
    public static EmbeddingStore open(Path folder) throws IOException {
        return open(folder, folder);
    }

    /**
     * Opens (and creates) a store folder below one the user named ({@code recommend --out}): a
     * symbolic link in place of it or of a folder between is refused, and every entry is written
     * whole relative to the folder so entered ({@code PlainFolders}).
     *
     * @param anchor the folder the user named; links in it and above it are followed
     * @param folder the store's folder, the anchor or inside it
     * @return the store
     * @throws java.nio.file.FileSystemException naming the link and its target if there is one
     * @throws IOException if the folder cannot be created
     */
    public static EmbeddingStore open(Path anchor, Path folder) throws IOException {
        Objects.requireNonNull(anchor, "anchor");
        return new EmbeddingStore(anchor, PlainFolders.create(anchor, Objects.requireNonNull(folder, "folder")));
    }

    /**
     * Returns the store's folder.
     *
     * @return the folder
     */
    public Path folder() {
        return folder;
    }

    /**
     * Looks an embedding up.
     *
     * @param task the task's name
     * @param method the method
     * @param encoderHash the encoder's {@link EncoderHash}
     * @param settings the settings string the embedder would record
     * @return the stored embedding, or empty when none was stored under that key
     * @throws IOException naming the file and what was expected there, if an entry exists but cannot
     *     be read, does not match its key, or holds a value that is not a finite number
     */
    public Optional<TaskEmbedding> find(String task, EmbeddingMethod method, String encoderHash, String settings)
            throws IOException {
        String base = baseName(task, method, encoderHash, settings);
        Path json = folder.resolve(base + ".json");
        if (!Files.exists(json)) {
            return Optional.empty();
        }
        JsonObject o;
        try {
            o = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            // Gson's message says where (line and column)
            throw new IOException(json + ": expected a JSON object written by EmbeddingStore (" + e.getMessage() + ")", e);
        }
        JsonShapes.Mismatch<IOException> at = (field, exp, found) -> new IOException(json + ": field " + field
                + " should be " + exp + ", found " + found);
        String[][] expected = {{"task", task}, {"method", method.cliName()}, {"encoderHash", encoderHash},
            {"settings", settings}};
        for (String[] kv : expected) {
            JsonElement v = o.get(kv[0]);
            if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw at.at(kv[0], "a string '" + kv[1] + "'", JsonShapes.describe(v));
            }
            if (!kv[1].equals(v.getAsString())) {
                throw at.at(kv[0], "'" + kv[1] + "'", "'" + v.getAsString() + "'");
            }
        }
        int numExamples = JsonShapes.wholeInt(o.get("numExamples"), "numExamples", at);
        double seconds = JsonShapes.finite(o.get("seconds"), "seconds", at);
        int dimension = JsonShapes.wholeInt(o.get("dimension"), "dimension", at);
        float[] values;
        Path st = folder.resolve(base + ".safetensors");
        try (SafetensorsReader r = SafetensorsReader.open(st)) {
            HostTensor t = r.read(TENSOR);
            if (t.dtype() != HostTensor.DType.F32 || t.shape().length != 1) {
                throw new IOException(st + ": tensor " + TENSOR + " should be F32 of rank 1, found " + t);
            }
            FloatBuffer fb = t.data().asFloatBuffer();
            values = new float[fb.remaining()];
            fb.get(values);
        }
        // the two files of an entry are written apart: a pair of two writes must not pass as one
        if (values.length != dimension) {
            throw new IOException(st + ": tensor " + TENSOR + " has " + values.length + " values, but "
                    + json.getFileName() + " says dimension " + dimension);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IOException(st + ": tensor " + TENSOR + ": value " + i + " is " + values[i]
                        + ", expected a finite number");
            }
        }
        try {
            return Optional.of(new TaskEmbedding(task, method, encoderHash, settings, values, numExamples, seconds));
        } catch (IllegalArgumentException outOfRange) {
            // a negative count or time: damaged, as the other checks above report
            throw new IOException(json + ": " + outOfRange.getMessage(), outOfRange);
        }
    }

    /**
     * The keys this store holds a task's embedding by one method under, for a caller that found
     * none under its own key to say why it computes the embedding again (another encoder, other
     * settings) rather than for the first time. An entry whose metadata cannot be read is left out
     * here: it answers no lookup either, and {@link #find} names what is wrong with it.
     *
     * @param task the task's name
     * @param method the method
     * @return each stored entry's encoder hash and settings, in file-name order
     * @throws IOException if the folder cannot be listed
     */
    public List<StoredKey> storedKeys(String task, EmbeddingMethod method) throws IOException {
        String prefix = baseName(task, method, "", "");
        prefix = prefix.substring(0, prefix.lastIndexOf('.') + 1);
        List<StoredKey> out = new ArrayList<>();
        List<Path> jsons;
        try (Stream<Path> files = Files.list(folder)) {
            String p = prefix;
            jsons = files.filter(f -> {
                String n = f.getFileName().toString();
                return n.startsWith(p) && n.endsWith(".json") && n.length() == p.length() + 12 + ".json".length();
            }).sorted().toList();
        }
        for (Path json : jsons) {
            try {
                JsonObject o = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8)).getAsJsonObject();
                // a cut task name or a hash shared by two names: the metadata, not the file name, says whose it is
                if (task.equals(string(o, "task")) && method.cliName().equals(string(o, "method"))
                        && string(o, "encoderHash") != null && string(o, "settings") != null) {
                    out.add(new StoredKey(string(o, "encoderHash"), string(o, "settings")));
                }
            } catch (IOException | JsonParseException | IllegalStateException unreadable) {
                // see the Javadoc: find reports it when its key is asked for
            }
        }
        return out;
    }

    private static String string(JsonObject o, String member) {
        JsonElement v = o.get(member);
        return v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isString() ? v.getAsString() : null;
    }

    /**
     * The key of a stored entry besides its task and method.
     *
     * @param encoderHash the encoder hash it was computed with
     * @param settings the settings it was computed with
     */
    public record StoredKey(String encoderHash, String settings) {
        /**
         * Checks the two parts.
         *
         * @param encoderHash the encoder hash it was computed with
         * @param settings the settings it was computed with
         */
        public StoredKey {
            Objects.requireNonNull(encoderHash, "encoderHash");
            Objects.requireNonNull(settings, "settings");
        }

        /**
         * What differs from another key, for a log line: the encoder hash, or the settings' fields
         * ({@code ;}-separated) that differ, each as {@code stored (now new)}.
         *
         * @param encoderHash the key's encoder hash asked for now
         * @param settings the settings asked for now
         * @return the difference, or "" when the keys are equal
         */
        public String differenceFrom(String encoderHash, String settings) {
            if (!this.encoderHash.equals(encoderHash)) {
                return "encoder " + this.encoderHash + " (now " + encoderHash + ")";
            }
            String[] was = this.settings.split(";", -1);
            String[] now = settings.split(";", -1);
            if (was.length != now.length) {
                return "settings " + this.settings + " (now " + settings + ")";
            }
            StringJoiner d = new StringJoiner(", ");
            for (int i = 0; i < was.length; i++) {
                if (!was[i].equals(now[i])) {
                    d.add(was[i] + " (now " + now[i] + ")");
                }
            }
            return d.toString();
        }
    }

    /**
     * Stores an embedding, replacing one under the same key.
     *
     * @param e the embedding
     * @throws IOException if writing fails
     */
    public void put(TaskEmbedding e) throws IOException {
        String base = baseName(e.task(), e.method(), e.encoderHash(), e.settings());
        // both writes go through temp files of their own (random names): with one fixed temp name
        // per entry, two writers of one key (two runs sharing the folder) moved each other's file
        SafetensorsWriter.write(anchor, folder.resolve(base + ".safetensors"), List.of(HostTensor.ofFloats(TENSOR,
                new long[] {e.dimension()}, e.values())), Map.of("format", FORMAT));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("task", e.task());
        m.put("method", e.method().cliName());
        m.put("encoderHash", e.encoderHash());
        m.put("settings", e.settings());
        m.put("dimension", e.dimension());
        m.put("numExamples", e.numExamples());
        m.put("seconds", e.seconds());
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        AtomicFiles.write(anchor, folder.resolve(base + ".json"), gson.toJson(m));
    }

    /**
     * The longest task part of an entry's name: with the method, the hash, {@code .safetensors} and
     * a writer's temp name around it ({@code .<name>.<random>.tmp}) a name stays far below the 255
     * bytes file systems allow. Names cut there stay apart: the hash is of the whole task name.
     */
    static final int MAX_TASK_CHARS = 128;

    /**
     * An entry's file name without extension: the task (characters other than ASCII letters,
     * digits, {@code .}, {@code _} and {@code -} as {@code _}, cut to {@link #MAX_TASK_CHARS}), the
     * method, and 12 hex digits of the SHA-256 of the whole key.
     */
    static String baseName(String task, EmbeddingMethod method, String encoderHash, String settings) {
        String safe = task.replaceAll("[^A-Za-z0-9._-]", "_");
        // one ASCII character a byte: a long task name gave a name over 255 bytes, which no write could create
        safe = safe.length() > MAX_TASK_CHARS ? safe.substring(0, MAX_TASK_CHARS) : safe;
        String key = task + "\n" + method.cliName() + "\n" + encoderHash + "\n" + settings;
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return safe + "." + method.cliName() + "." + HexFormat.of().formatHex(d, 0, 6).toLowerCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", ex);
        }
    }
}
