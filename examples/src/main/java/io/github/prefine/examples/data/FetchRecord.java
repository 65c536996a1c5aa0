package io.github.prefine.examples.data;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.github.prefine.core.checkpoint.PlainFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one fetch of one task produced, read at {@code <data>/.prefine/fetched/<task>.json} (a link into
 * the task's published version, see {@link TaskVersions}): the
 * dataset and the pinned commit of its parquet conversion, the files downloaded with their checks,
 * the catalog files written, and the examples the catalog's readers found in them.
 *
 * @param task the catalog task
 * @param repo the Hub dataset id
 * @param config the config
 * @param revision the 40-digit commit of {@code refs/convert/parquet} that was fetched
 * @param rule the split rule
 * @param fetchedAt when, ISO-8601 UTC
 * @param sources the downloaded parquet files
 * @param outputs the catalog files written, relative to the data root, with their sizes
 * @param counts examples per split as the catalog reads them (after a 4:1 hold-out)
 * @param repairs text replaced or rows skipped while converting, by rule
 */
public record FetchRecord(String task, String repo, String config, String revision, String rule, String fetchedAt,
        List<Source> sources, List<Output> outputs, Map<String, Integer> counts, Map<String, Integer> repairs) {

    /**
     * A downloaded file.
     *
     * @param path repository path
     * @param size bytes
     * @param sha256 checked hash, or null
     */
    public record Source(String path, long size, String sha256) {}

    /**
     * A written catalog file.
     *
     * @param path relative to the data root
     * @param size bytes
     */
    public record Output(String path, long size) {}

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /**
     * Copies the collections.
     *
     * @param task the catalog task
     * @param repo the Hub dataset id
     * @param config the config
     * @param revision the 40-digit commit of {@code refs/convert/parquet} that was fetched
     * @param rule the split rule
     * @param fetchedAt when, ISO-8601 UTC
     * @param sources the downloaded parquet files
     * @param outputs the catalog files written, relative to the data root, with their sizes
     * @param counts examples per split as the catalog reads them (after a 4:1 hold-out)
     * @param repairs text replaced or rows skipped while converting, by rule
     */
    public FetchRecord {
        sources = List.copyOf(sources);
        outputs = List.copyOf(outputs);
        counts = Map.copyOf(counts);
        repairs = Map.copyOf(repairs);
    }

    static Path dir(Path dataRoot) {
        return dataRoot.resolve(".prefine").resolve("fetched");
    }

    static Path file(Path dataRoot, String task) {
        return dir(dataRoot).resolve(task + ".json");
    }

    /** The marker that exists while a task's files are being replaced. */
    static Path marker(Path dataRoot, String task) {
        return dir(dataRoot).resolve(task + ".fetching");
    }

    /**
     * Reads the record of a task, if it was fetched.
     *
     * @param dataRoot the data root
     * @param task the task
     * @return the record, or empty
     * @throws IOException if the record exists but cannot be read
     */
    public static Optional<FetchRecord> read(Path dataRoot, String task) throws IOException {
        Path f = file(dataRoot, task);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        FetchRecord r;
        try {
            r = GSON.fromJson(Files.readString(f, StandardCharsets.UTF_8), FetchRecord.class);
        } catch (RuntimeException e) {
            // JSON errors, and a missing list: null reaches the constructor, whose exception Gson wraps
            throw new IOException(f + ": not a fetch record: " + e.getMessage(), e);
        }
        // an empty file parses as null, and a missing field as null: both were a NullPointerException later
        String missing = r == null ? "the file is empty" : missingField(r);
        if (missing != null) {
            throw new IOException(f + ": not a fetch record: " + missing + "; delete it and run prefine data fetch --force"
                    + " --tasks " + task + " to fetch the task afresh");
        }
        return Optional.of(r);
    }

    /** The first required field a parsed record lacks, as a phrase, or null. */
    private static String missingField(FetchRecord r) {
        String[][] named = {{"task", r.task}, {"repo", r.repo}, {"config", r.config}, {"revision", r.revision},
            {"rule", r.rule}, {"fetchedAt", r.fetchedAt}};
        for (String[] n : named) {
            if (n[1] == null) {
                return "no string '" + n[0] + "'";
            }
        }
        for (Output o : r.outputs) {
            if (o == null || o.path() == null) {
                return "an output without a path";
            }
        }
        return null;
    }

    /** Writes the record into a version being staged ({@link TaskVersions}), which publishes it with its files. */
    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        PlainFiles.writeString(file, GSON.toJson(this));
    }

    /**
     * Tells whether every output still has the size it was written with.
     *
     * @param dataRoot the data root
     * @return true when the files are as fetched
     */
    public boolean intact(Path dataRoot) {
        for (Output o : outputs) {
            Path p = dataRoot.resolve(o.path());
            try {
                if (!Files.isRegularFile(p) || Files.size(p) != o.size()) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
