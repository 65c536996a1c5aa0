package io.github.prefine.examples.data;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.hub.HubHttp;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.UnfeaturizableTaskException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The state of every catalogued task under a data root: present, partial or missing, the example
 * counts per split as the catalog reads them, and where the files came from (hand-laid, or
 * fetched from the Hub at a pinned commit).
 *
 * <p>Counts of an intact fetched task come from its {@link FetchRecord}; other present tasks are
 * read (leniently, as the pipeline reads them), so a status over large hand-laid sets takes as
 * long as reading them.
 */
public final class DataStatus {
    private DataStatus() {}

    /** Whether a task's files are there. */
    public enum State {
        /** Every file the catalog names exists. */
        PRESENT,
        /** Some files exist, others are missing. */
        PARTIAL,
        /** No file exists. */
        MISSING
    }

    /** Where a task's files came from. */
    public enum Origin {
        /** Laid out by hand: files without a fetch record. */
        HAND_LAID,
        /** Written by {@code prefine data fetch}: a fetch record exists. */
        FETCHED,
        /** A fetch stopped while it replaced the files; they may mix two versions. */
        INCOMPLETE_FETCH,
        /** No file at all. */
        NONE
    }

    /**
     * One task's line.
     *
     * @param task the task name
     * @param group its group
     * @param format its format
     * @param state present, partial or missing
     * @param origin where the files came from; the summary line counts by it
     * @param counts examples per split (train, validation, test), absent where not read
     * @param source where the files came from, or how to get them, in words
     */
    public record Row(String task, String group, String format, State state, Origin origin, Map<Split, Integer> counts,
            String source) {
        /**
         * Copies the map.
         *
         * @param task the task name
         * @param group its group
         * @param format its format
         * @param state present, partial or missing
         * @param origin where the files came from; the summary line counts by it
         * @param counts examples per split (train, validation, test), absent where not read
         * @param source where the files came from, or how to get them, in words
         */
        public Row {
            counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        }
    }

    /**
     * Computes the status of every catalogued task.
     *
     * @param dataRoot the data root
     * @return one row per task, in catalog order
     */
    public static List<Row> of(Path dataRoot) {
        return of(dataRoot, true);
    }

    /**
     * Computes the status of every catalogued task, optionally without reading hand-laid files.
     *
     * @param dataRoot the data root
     * @param readCounts true to read present tasks that have no intact fetch record, for their
     *     counts; false to show counts only from fetch records (fast: no data file is read)
     * @return one row per task, in catalog order
     */
    public static List<Row> of(Path dataRoot, boolean readCounts) {
        return of(dataRoot, readCounts, FeaturizationListener.NONE);
    }

    /**
     * Computes the status of every catalogued task, reporting the reads of hand-laid files.
     *
     * @param dataRoot the data root
     * @param readCounts true to read present tasks that have no intact fetch record, for their
     *     counts; false to show counts only from fetch records (fast: no data file is read)
     * @param reads hears each split read, in the steps {@link FeaturizationListener#onRead} documents
     * @return one row per task, in catalog order
     */
    public static List<Row> of(Path dataRoot, boolean readCounts, FeaturizationListener reads) {
        List<Row> rows = new ArrayList<>();
        for (Task t : TaskCatalog.all()) {
            rows.add(row(dataRoot, t, readCounts, reads));
        }
        return rows;
    }

    static Row row(Path dataRoot, Task t) {
        return row(dataRoot, t, true);
    }

    static Row row(Path dataRoot, Task t, boolean readCounts) {
        return row(dataRoot, t, readCounts, FeaturizationListener.NONE);
    }

    static Row row(Path dataRoot, Task t, boolean readCounts, FeaturizationListener reads) {
        List<Path> missing = t.source().missing(dataRoot);
        int files = t.source().files().size();
        State state = missing.isEmpty() ? State.PRESENT : missing.size() == files ? State.MISSING : State.PARTIAL;
        Map<Split, Integer> counts = new LinkedHashMap<>();
        String source;
        Optional<FetchRecord> rec;
        String unreadable = null;
        try {
            rec = FetchRecord.read(dataRoot, t.name());
        } catch (IOException e) {
            // said, not taken for absent: the task then passed for hand-laid
            rec = Optional.empty();
            unreadable = "fetch record unreadable: " + HubHttp.oneLine(e);
        }
        boolean marker = Files.exists(FetchRecord.marker(dataRoot, t.name()));
        var hub = HubDatasets.forTask(t.name());
        Origin origin;
        if (unreadable != null && !marker) {
            origin = Origin.FETCHED;
            source = unreadable;
        } else if (marker) {
            origin = Origin.INCOMPLETE_FETCH;
            source = "incomplete fetch: run prefine data fetch --tasks " + t.name() + " again";
        } else if (rec.isPresent()) {
            origin = Origin.FETCHED;
            FetchRecord r = rec.get();
            boolean intact = r.intact(dataRoot);
            source = "fetched " + r.repo() + "@" + r.revision().substring(0, Math.min(12, r.revision().length()))
                    + " " + r.fetchedAt().substring(0, Math.min(10, r.fetchedAt().length()))
                    + (intact ? "" : ", files changed since");
            if (intact) {
                for (Split s : Split.values()) {
                    Integer n = r.counts().get(s.name().toLowerCase(Locale.ROOT));
                    if (n != null) {
                        counts.put(s, n);
                    }
                }
            }
        } else if (state == State.PRESENT) {
            origin = Origin.HAND_LAID;
            source = "hand-laid";
        } else if (state == State.PARTIAL) {
            // said here, not only in the state column: the reader of the line needs the file names
            origin = Origin.HAND_LAID;
            Path root = dataRoot.toAbsolutePath().normalize();
            source = "hand-laid, missing " + String.join(", ", missing.stream().map(p -> p.toAbsolutePath().normalize())
                    .map(p -> p.startsWith(root) ? root.relativize(p).toString() : p.toString()).toList());
        } else if (hub.isPresent()) {
            origin = Origin.NONE;
            source = "not fetched: Hub " + hub.get().repo() + " (" + hub.get().config() + ")";
        } else {
            origin = Origin.NONE;
            source = "no Hub source: " + HubDatasets.handLaidOnly().getOrDefault(t.name(), "lay out by hand");
        }
        if (readCounts && counts.isEmpty() && state != State.MISSING && !marker) {
            try {
                TaskData d = t.load(dataRoot, Leniency.LENIENT, reads);
                Map<Split, ? extends List<?>> splits = d.splits();
                if (!d.split(Split.TRAIN).isEmpty()) {
                    try {
                        // as a run splits them: a task without validation examples holds out a fifth of train
                        splits = FeaturizedTask.sampledExamples(d, FeatureSettings.paper());
                    } catch (UnfeaturizableTaskException e) {
                        // too few training examples to hold some out: the files' counts, as read
                    }
                }
                splits.forEach((split, examples) -> counts.put(split, examples.size()));
            } catch (IOException | RuntimeException e) {
                source = source + "; unreadable: " + HubHttp.oneLine(e);
            }
        }
        return new Row(t.name(), t.group().name(), formatName(t), state, origin, counts, source);
    }

    private static String formatName(Task t) {
        return t.format().label();
    }

    /**
     * Formats the rows as a plain-text table with a summary line whose counts add up to the rows:
     * present tasks split by origin (fetched, hand-laid, and any incomplete fetch), then partial
     * and missing tasks.
     *
     * @param rows the rows
     * @return the table, lines ending with a newline
     */
    public static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        String fmt = "%-18s %-5s %-11s %-8s %9s %9s %9s  %s%n";
        b.append(String.format(Locale.ROOT, fmt, "task", "group", "format", "state", "train", "valid", "test", "source"));
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, fmt, r.task(), r.group(), r.format(),
                    r.state().name().toLowerCase(Locale.ROOT), count(r, Split.TRAIN), count(r, Split.VALIDATION),
                    count(r, Split.TEST), r.source()));
        }
        long incomplete = count(rows, State.PRESENT, Origin.INCOMPLETE_FETCH);
        b.append(String.format(Locale.ROOT, "%d of %d tasks present (%d fetched from the Hub, %d hand-laid%s), %d partial, "
                + "%d missing%n", rows.stream().filter(r -> r.state() == State.PRESENT).count(), rows.size(),
                count(rows, State.PRESENT, Origin.FETCHED), count(rows, State.PRESENT, Origin.HAND_LAID),
                incomplete == 0 ? "" : ", " + incomplete + " incomplete fetch", count(rows, State.PARTIAL, null),
                count(rows, State.MISSING, null)));
        return b.toString();
    }

    private static long count(List<Row> rows, State state, Origin origin) {
        return rows.stream().filter(r -> r.state() == state && (origin == null || r.origin() == origin)).count();
    }

    private static String count(Row r, Split s) {
        Integer n = r.counts().get(s);
        return n == null ? "-" : String.format(Locale.ROOT, "%,d", n);
    }
}
