package io.github.prefine.examples.data;

import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.ReadProgress;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.features.FeaturizationProgress;
import io.github.prefine.core.hub.HubException;
import io.github.prefine.core.hub.HubHttp;
import io.github.prefine.core.hub.HubSettings;
import io.github.prefine.core.hub.ResumableDownload;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.SplitSource;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches catalogued tasks from the Hugging Face Hub into a data root, converted into the
 * {@link TaskCatalog} layout so the existing readers and the pipeline read them unchanged.
 *
 * <p>Per task: the commit of the dataset's parquet conversion is pinned; each mapped split's
 * parquet files are downloaded (checked, resumable, see {@link HubClient}) into
 * {@code <data>/.prefine/hub/<org>--<name>/<commit>/}; the rows are written as the catalog's file
 * for that split into a staging folder of the task ({@link TaskVersions}); the catalog reads the
 * task back from there (lenient, as the pipeline does) and its counts go into the
 * {@link FetchRecord} beside the files; then the whole version is published with one rename, so a
 * fetch stopped at any point leaves the old version or the new one, and the next fetch of the
 * task deletes what it left (counted in the result). A task whose catalog files exist without a fetch record is
 * hand-laid and is left alone unless {@code force}. With {@code HF_HUB_OFFLINE} set, only files
 * already downloaded are used. Not thread-safe.
 */
public final class DatasetFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetFetcher.class);

    /** What happened to one task. */
    public enum Outcome {
        /** Downloaded (or taken from the download cache) and converted. */
        FETCHED,
        /** The fetch record matches the current revision and the files are intact. */
        UP_TO_DATE,
        /** Hand-laid files are present; left alone. */
        HAND_LAID,
        /** The task has no Hub source. */
        NO_SOURCE
    }

    /**
     * The result of one task.
     *
     * @param task the task
     * @param outcome what happened
     * @param detail a short note
     */
    public record Result(String task, Outcome outcome, String detail) {}

    /** The Hub's listing of one split folder, kept beside its downloads for an offline fetch. */
    private static final String LISTING = ".hub-listing";

    private final HubClient hub;
    private final Path dataRoot;
    private final boolean force;
    private final ResumableDownload.Progress listener;
    private final Map<String, String> revisions = new HashMap<>();
    private final TaskVersions.SymbolicLinks links;

    /** The check read's progress, handed to the download listener as bytes of {@code read task/split}. */
    private FeaturizationListener reads() {
        return new FeaturizationListener() {
            @Override
            public void onFeaturization(FeaturizationProgress p) {
                // a fetch featurizes nothing
            }

            @Override
            public void onRead(ReadProgress p) {
                listener.progress("read " + p.name(), p.done(), p.total());
            }
        };
    }

    /**
     * Creates a fetcher.
     *
     * @param settings endpoint, token and offline flag, for example {@link HubSettings#fromEnvironment()}
     * @param dataRoot the data root the catalog reads
     * @param force replace hand-laid files too
     * @param listener receives download progress
     */
    public DatasetFetcher(HubSettings settings, Path dataRoot, boolean force, Listener listener) {
        this(settings, dataRoot, force, listener, Duration.ofSeconds(60));
    }

    DatasetFetcher(HubSettings settings, Path dataRoot, boolean force, Listener listener, Duration stall) {
        this(settings, dataRoot, force, listener, stall, TaskVersions.SymbolicLinks.FILE_SYSTEM);
    }

    DatasetFetcher(HubSettings settings, Path dataRoot, boolean force, Listener listener, Duration stall,
            TaskVersions.SymbolicLinks links) {
        this(settings, dataRoot, force, listener, stall, links, null);
    }

    /**
     * As above; a non-null sleeper replaces the real waits between retries and resumes, so that the
     * tests check the backoff instead of sleeping through it.
     */
    DatasetFetcher(HubSettings settings, Path dataRoot, boolean force, Listener listener, Duration stall,
            TaskVersions.SymbolicLinks links, HubHttp.Sleeper sleeper) {
        this.links = Objects.requireNonNull(links, "links");
        this.hub = new HubClient(settings, Duration.ofSeconds(60), stall, 3, sleeper);
        this.dataRoot = dataRoot.toAbsolutePath().normalize();
        this.force = force;
        Objects.requireNonNull(listener, "listener");
        this.listener = listener::progress;
    }

    /**
     * Receives download progress: bytes on disk of one file (resumed bytes included) and its size;
     * then the conversion of each split, as parquet bytes decoded, under the name {@code convert
     * task/split}; then the check read of the converted files, one split at a time, under the name
     * {@code read task/split}.
     */
    public interface Listener {
        /**
         * Reports progress.
         *
         * @param file the file's path in the dataset repository, {@code convert task/split} for a
         *     split's conversion, or {@code read task/split} for the check read of a converted split
         * @param done bytes so far
         * @param total the file's size
         */
        void progress(String file, long done, long total);
    }

    /**
     * Fetches one task.
     *
     * @param taskName a catalog task name
     * @return what happened
     * @throws IOException with a one-line message on any failure (Hub refusal, network, disk,
     *     conversion, another fetch of the task running); the published version stays as it was
     */
    public Result fetch(String taskName) throws IOException {
        Task task = TaskCatalog.task(taskName);
        var mapping = HubDatasets.forTask(taskName);
        if (mapping.isEmpty()) {
            return new Result(taskName, Outcome.NO_SOURCE, HubDatasets.handLaidOnly().getOrDefault(taskName, "no Hub source"));
        }
        HubDataset d = mapping.get();
        var old = FetchRecord.read(dataRoot, taskName);
        Map<Split, String> targets = targets(task, d);
        if (old.isEmpty() && !force && !Files.exists(FetchRecord.marker(dataRoot, taskName))) {
            List<String> present = new ArrayList<>();
            for (String p : targets.values()) {
                if (Files.exists(dataRoot.resolve(p))) {
                    present.add(p);
                }
            }
            if (!present.isEmpty()) {
                return new Result(taskName, Outcome.HAND_LAID, "hand-laid files present (" + String.join(", ", present)
                        + "); --force replaces them");
            }
        }
        try (TaskVersions versions = TaskVersions.open(dataRoot, taskName, links)) {
            Result r = fetch(task, d, old, targets, versions);
            String stale = versions.staleRemoved();
            return stale.isEmpty() ? r : new Result(r.task(), r.outcome(), r.detail() + "; deleted " + stale
                    + " a stopped fetch left");
        }
    }

    private Result fetch(Task task, HubDataset d, java.util.Optional<FetchRecord> old, Map<Split, String> targets,
            TaskVersions versions) throws IOException {
        String taskName = task.name();
        String commit = revision(d, old.map(FetchRecord::revision).orElse(null));
        if (old.isPresent() && old.get().revision().equals(commit) && old.get().intact(dataRoot)
                && !Files.exists(FetchRecord.marker(dataRoot, taskName))) {
            return new Result(taskName, Outcome.UP_TO_DATE, d.repo() + "@" + commit.substring(0, 7));
        }
        Path cache = dataRoot.resolve(".prefine").resolve("hub").resolve(d.repo().replace("/", "--")).resolve(commit);
        Map<String, List<Path>> files = new LinkedHashMap<>();
        List<FetchRecord.Source> sources = new ArrayList<>();
        for (String split : d.splits().keySet()) {
            String folder = d.config() + "/" + split;
            List<Path> local = new ArrayList<>();
            for (HubClient.RemoteFile f : remoteFiles(d, commit, folder, cache)) {
                Path target = cache.resolve(f.path());
                if (!hub.settings().offline()) {
                    hub.download(d.repo(), commit, f, target, listener);
                }
                local.add(target);
                sources.add(new FetchRecord.Source(f.path(), f.size(), f.sha256()));
            }
            files.put(split, local);
        }
        // the new version is written whole beside the published one, then published by one rename
        Path staging = versions.newStaging(commit);
        CatalogWriter writer = new CatalogWriter(d, task);
        List<String> written = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Integer> repairs = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Split> e : d.splits().entrySet()) {
                String target = targets.get(e.getValue());
                Path out = staging.resolve(target);
                convert(writer, taskName + "/" + e.getValue().name().toLowerCase(java.util.Locale.ROOT), e.getKey(), files.get(e.getKey()), out);
                written.add(target);
                Path gold = CatalogWriter.wicGold(out);
                if (d.conversion() instanceof HubDataset.Wic && !gold.equals(out) && Files.exists(gold)) {
                    written.add(staging.relativize(gold).toString().replace('\\', '/'));
                }
            }
            TaskData data = task.load(staging, Leniency.LENIENT, reads());
            data.splits().forEach((s, ex) -> counts.put(s.name().toLowerCase(java.util.Locale.ROOT), ex.size()));
            repairs.putAll(writer.repairs());
            data.reports().forEach((file, r) -> {
                if (r.totalSkipped() > 0) {
                    repairs.merge("skipped by the catalog reader", r.totalSkipped(), Integer::sum);
                }
            });
            List<FetchRecord.Output> outputs = new ArrayList<>();
            for (String w : written) {
                outputs.add(new FetchRecord.Output(w, Files.size(staging.resolve(w))));
            }
            new FetchRecord(taskName, d.repo(), d.config(), commit, d.rule().name(),
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), sources, outputs, counts, repairs)
                    .write(staging.resolve(TaskVersions.RECORD));
            List<String> dropped = old.map(o -> o.outputs().stream().map(FetchRecord.Output::path)
                    .filter(p -> !written.contains(p)).toList()).orElse(List.of());
            versions.publish(staging, written, dropped);
        } finally {
            AtomicFiles.deleteTree(staging); // gone once published; a failure leaves the old version as it was
        }
        LOG.info("{}: fetched {}@{}: {}", taskName, d.repo(), commit, counts);
        return new Result(taskName, Outcome.FETCHED, d.repo() + "@" + commit.substring(0, 7) + " " + counts
                + (repairs.isEmpty() ? "" : " repaired/skipped " + repairs));
    }

    /**
     * Converts one split, reporting the parquet bytes decoded under the name {@code convert
     * task/split}: decoding a large split's columns takes seconds to minutes.
     */
    private void convert(CatalogWriter writer, String name, String hubSplit, List<Path> splitFiles, Path out)
            throws IOException {
        String line = "convert " + name;
        writer.convert(hubSplit, splitFiles, out, (done, total) -> listener.progress(line, done, total));
    }

    /** The catalog file each mapped split is written to. */
    static Map<Split, String> targets(Task task, HubDataset d) {
        TaskSource src = task.source();
        Map<Split, String> out = new LinkedHashMap<>();
        for (Split s : d.splits().values()) {
            if (d.rule() == HubDataset.SplitRule.HOLD_OUT_4_1) {
                out.put(s, src.holdOut().orElseThrow(() -> new IllegalStateException(
                        task.name() + ": the mapping says 4:1 hold-out, the catalog has none")).path());
            } else {
                SplitSource ss = src.splits().get(s);
                if (ss == null) {
                    throw new IllegalStateException(task.name() + ": the catalog has no " + s + " file for the mapping");
                }
                out.put(s, ss.path());
            }
        }
        return out;
    }

    private String revision(HubDataset d, String recorded) throws IOException {
        if (!hub.settings().offline()) {
            String r = revisions.get(d.repo());
            if (r == null) {
                r = hub.parquetRevision(d.repo());
                revisions.put(d.repo(), r);
            }
            return r;
        }
        if (recorded != null) {
            return recorded;
        }
        Path repoCache = dataRoot.resolve(".prefine").resolve("hub").resolve(d.repo().replace("/", "--"));
        List<String> commits = new ArrayList<>();
        if (Files.isDirectory(repoCache)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(repoCache)) {
                ds.forEach(p -> commits.add(p.getFileName().toString()));
            }
        }
        if (commits.size() != 1) {
            throw new IOException(d.repo() + ": offline (" + hub.settings().offlineVariable() + " is set) and it has "
                    + (commits.isEmpty() ? "no downloaded revision" : "several downloaded revisions " + commits)
                    + " under " + repoCache + "; unset HF_HUB_OFFLINE to fetch");
        }
        return commits.get(0);
    }

    private List<HubClient.RemoteFile> remoteFiles(HubDataset d, String commit, String folder, Path cache)
            throws IOException {
        if (hub.settings().offline()) {
            Path dir = cache.resolve(folder);
            List<HubClient.RemoteFile> out = new ArrayList<>();
            Path listing = dir.resolve(LISTING);
            if (Files.isRegularFile(listing)) {
                // the Hub's listing, kept by the online fetch: every file it named must be here
                List<String> lines = Files.readAllLines(listing, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String[] f = lines.get(i).split("\t", -1);
                    if (f.length != 3 || !f[1].matches("\\d{1,18}")) {
                        throw new IOException(listing + ":" + (i + 1) + ": expected path, size and sha256 separated by"
                                + " tabs, found '" + lines.get(i) + "'; unset HF_HUB_OFFLINE to fetch the listing again");
                    }
                    HubClient.RemoteFile r = new HubClient.RemoteFile(f[0], Long.parseLong(f[1]), f[2].isEmpty() ? null : f[2]);
                    Path p = cache.resolve(r.path());
                    if (!Files.isRegularFile(p) || Files.size(p) != r.size()) {
                        throw new IOException(d.repo() + ": offline (" + hub.settings().offlineVariable() + " is set) and " + r.path() + ", one of the "
                                + "split's files, was not downloaded completely to " + p + "; unset HF_HUB_OFFLINE to fetch");
                    }
                    out.add(r);
                }
            } else if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.parquet")) {
                    for (Path p : ds) {
                        out.add(new HubClient.RemoteFile(folder + "/" + p.getFileName(), Files.size(p), null));
                    }
                }
            }
            if (out.isEmpty()) {
                throw new IOException(d.repo() + ": offline (" + hub.settings().offlineVariable() + " is set) and no downloaded files in " + dir
                        + "; unset HF_HUB_OFFLINE to fetch");
            }
            out.sort(java.util.Comparator.comparing(HubClient.RemoteFile::path));
            return out;
        }
        try {
            List<HubClient.RemoteFile> files = hub.list(d.repo(), commit, folder);
            if (files.isEmpty()) {
                throw new HubException(-1, d.repo() + ": " + folder + ": the parquet conversion lists no .parquet file");
            }
            StringBuilder b = new StringBuilder();
            for (HubClient.RemoteFile f : files) {
                b.append(f.path()).append('\t').append(f.size()).append('\t')
                        .append(f.sha256() == null ? "" : f.sha256()).append('\n');
            }
            // under a temp name of its own: a fixed one let a link planted there redirect the write
            AtomicFiles.write(cache.resolve(folder).resolve(LISTING), b.toString());
            return files;
        } catch (HubException e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            List<String> have;
            try {
                have = hub.folders(d.repo(), commit, d.config());
            } catch (HubException inner) {
                throw new HubException(404, d.repo() + ": the parquet conversion has no config '" + d.config()
                        + "' (" + e.getMessage() + ")");
            }
            String split = folder.substring(folder.indexOf('/') + 1);
            if (have.contains("partial-" + split)) {
                throw new HubException(404, d.repo() + ": " + d.config() + "/" + split + ": the Hub converted only part of "
                        + "this split to parquet (partial-" + split + "); fetch the original files by hand");
            }
            throw new HubException(404, d.repo() + ": " + d.config() + " has no split '" + split + "' in its parquet "
                    + "conversion; it has " + have);
        }
    }
}
