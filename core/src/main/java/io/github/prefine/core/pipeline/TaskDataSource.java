package io.github.prefine.core.pipeline;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskSource;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a pipeline gets each task's examples: the task's files under a data root ({@link
 * #dataRoot}), or data already in memory ({@link #inMemory}, for generated or user-built tasks).
 * Implementations are immutable and thread-safe.
 */
public interface TaskDataSource {
    /**
     * Tells what keeps a task from loading.
     *
     * @param task the task
     * @return missing files or a reason, empty when the task can be loaded
     */
    List<String> missing(Task task);

    /**
     * Loads a task's examples.
     *
     * @param task the task
     * @return its data
     * @throws IOException if reading fails or the data is missing
     */
    TaskData load(Task task) throws IOException;

    /**
     * Loads a task's examples, reporting how the reading of its files advances.
     *
     * @param task the task
     * @param listener hears each split's bytes read, in the steps {@link FeaturizationListener#onRead}
     *     documents; data not read from files reports nothing (the default)
     * @return its data, the same as {@link #load(Task)} gives
     * @throws IOException if reading fails or the data is missing
     */
    default TaskData load(Task task, FeaturizationListener listener) throws IOException {
        return load(task);
    }

    /**
     * Lists the files a task is read from, for a run's manifest.
     *
     * @param task the task
     * @return its existing files; empty for data not read from files (the default)
     */
    default List<Path> files(Task task) {
        return List.of();
    }

    /**
     * A digest of a task's examples where they are not read from files, for a run's manifest, so
     * that other data in the same output folder is refused as another run, as other files are.
     *
     * @param task the task
     * @return a hex SHA-256 of its splits' examples; empty for data read from {@link #files} (the
     *     default), which the manifest hashes itself
     * @throws IOException if the data cannot be loaded
     */
    default Optional<String> digest(Task task) throws IOException {
        return Optional.empty();
    }

    /**
     * Reads tasks from their files under a data root ({@link io.github.prefine.core.task.TaskCatalog}'s
     * layout), skipping and counting malformed records in lenient mode.
     *
     * @param root the data root
     * @param leniency strict or lenient reading
     * @return the source
     */
    static TaskDataSource dataRoot(Path root, Leniency leniency) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(leniency, "leniency");
        return new TaskDataSource() {
            @Override
            public List<String> missing(Task task) {
                return task.availability(root).missing().stream().map(Path::toString).toList();
            }

            @Override
            public TaskData load(Task task) throws IOException {
                return task.load(root, leniency);
            }

            @Override
            public TaskData load(Task task, FeaturizationListener listener) throws IOException {
                return task.load(root, leniency, listener);
            }

            @Override
            public List<Path> files(Task task) {
                return task.source().files().stream().map(f -> TaskSource.resolve(root, f)).filter(Files::isRegularFile)
                        .toList();
            }
        };
    }

    /**
     * Serves data held in memory, by task name.
     *
     * @param data the tasks' data, one per task name
     * @return the source; a task not among them is reported missing
     * @throws IllegalArgumentException if two entries hold data of one task name (only one could be
     *     served)
     */
    static TaskDataSource inMemory(List<TaskData> data) {
        Objects.requireNonNull(data, "data");
        Map<String, TaskData> byName = new LinkedHashMap<>();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < data.size(); i++) {
            TaskData d = Objects.requireNonNull(data.get(i), "data[" + i + "]");
            Integer before = index.putIfAbsent(d.task().name(), i);
            if (before != null) {
                // served by name: keeping one would train and score the other's examples unseen
                throw new IllegalArgumentException("in-memory data: entries " + before + " and " + i
                        + " both hold data of task " + d.task().name() + "; give one per task name");
            }
            byName.put(d.task().name(), d);
        }
        return new TaskDataSource() {
            @Override
            public List<String> missing(Task task) {
                return byName.containsKey(task.name()) ? List.of() : List.of("no in-memory data for " + task.name());
            }

            @Override
            public TaskData load(Task task) throws IOException {
                TaskData d = byName.get(task.name());
                if (d == null) {
                    throw new IOException("task " + task.name() + ": no in-memory data");
                }
                return d;
            }

            @Override
            public Optional<String> digest(Task task) {
                // a task without data is reported by missing(), not here
                TaskData d = byName.get(task.name());
                return d == null ? Optional.empty() : Optional.of(examplesDigest(d));
            }
        };
    }

    /**
     * SHA-256 over a task's labels and each split's examples in order, by their record text (every
     * field: ids, texts, labels, answers). Where no label and no example text holds a newline, the
     * parts are joined with newlines, as since the digest was added (run manifests written before
     * still match); otherwise every part is prefixed with its length, so that newlines inside parts
     * cannot make two data sets hash the same text, and the text ends without a newline, so that it
     * is never the newline-joined text of other data. Where an example's record text could also be
     * another example's (a choice or reference holding {@code ", "}, so that {@code ["a, b", "c"]}
     * and {@code ["a", "b, c"]} both read {@code [a, b, c]}; a text holding {@code =}, which can
     * spell a field boundary; the text {@code null}, which reads as a missing field), or where a
     * label is empty or reads as a split header (the newline-joined text does not count the labels),
     * every field of every example is hashed apart instead, tagged and length-prefixed, ending in a
     * text neither other form ends in.
     *
     * @param data the task's data
     * @return the hex digest
     */
    static String examplesDigest(TaskData data) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        List<String> parts = new ArrayList<>(data.labels());
        int labels = parts.size();
        for (List<Example> split : data.splits().values()) {
            for (Example x : split) {
                parts.add(x.toString());
            }
        }
        boolean framed = parts.stream().anyMatch(p -> p.indexOf('\n') >= 0);
        boolean textsAmbiguous = data.splits().values().stream().flatMap(List::stream)
                .anyMatch(x -> !recordTextIsUnambiguous(x));
        if (textsAmbiguous || !labelsAreUnambiguous(data.labels())) {
            return fieldedDigest(md, data);
        }
        if (framed) {
            // marked apart from the newline-joined text, which starts with the first label
            md.update(("\n\nlength-prefixed " + labels + "\n").getBytes(StandardCharsets.UTF_8));
            for (String l : data.labels()) {
                update(md, l);
            }
        } else {
            md.update((String.join("\n", data.labels()) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        for (Map.Entry<Split, List<Example>> e : data.splits().entrySet()) {
            md.update((e.getKey() + " " + e.getValue().size() + "\n").getBytes(StandardCharsets.UTF_8));
            for (Example x : e.getValue()) {
                if (framed) {
                    update(md, x.toString());
                } else {
                    md.update((x + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        if (framed) {
            // the newline-joined text always ends with a newline: this, ending without one, is never it
            md.update("\nend of length-prefixed parts".getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Whether an example's record text names it alone: a boundary of that text ({@code ", name="},
     * a list's {@code ", "}) can only move, or a null read as the text {@code null}, where a text
     * holds {@code =}, equals {@code null}, or is a list element holding {@code ", "} or empty.
     */
    private static boolean recordTextIsUnambiguous(Object value) {
        if (value instanceof String s) {
            return s.indexOf('=') < 0 && !s.equals("null");
        }
        if (value instanceof List<?> list) {
            for (Object e : list) {
                if (e instanceof String s && (s.isEmpty() || s.contains(", ")) || !recordTextIsUnambiguous(e)) {
                    return false;
                }
            }
            return true;
        }
        if (value instanceof Record r) {
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                if (!recordTextIsUnambiguous(component(r, c))) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether the newline-joined text, which does not count the labels, ends them where they end: no
     * label is empty (labels {@code []} and {@code [""]} both read as one empty line) and none reads
     * as the split header after them (labels {@code ["yes", "TRAIN 0"]} read as {@code ["yes"]} and
     * an empty train split).
     */
    private static boolean labelsAreUnambiguous(List<String> labels) {
        for (String l : labels) {
            if (l.isEmpty()) {
                return false;
            }
            for (Split s : Split.values()) {
                String count = l.startsWith(s + " ") ? l.substring(s.toString().length() + 1) : "";
                if (!count.isEmpty() && count.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The digest where some example's record text could be another example's: every label, split
     * and example field length-prefixed and tagged, ending in a text that no other form ends in.
     */
    private static String fieldedDigest(MessageDigest md, TaskData data) {
        md.update(("\n\nfielded " + data.labels().size() + "\n").getBytes(StandardCharsets.UTF_8));
        for (String l : data.labels()) {
            update(md, l);
        }
        for (Map.Entry<Split, List<Example>> e : data.splits().entrySet()) {
            update(md, e.getKey().name());
            update(md, Integer.toString(e.getValue().size()));
            for (Example x : e.getValue()) {
                field(md, x);
            }
        }
        md.update("\nend of fielded parts".getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md.digest());
    }

    /** A value tagged with its kind: N null, S text, L list, R record (type and components), V other. */
    private static void field(MessageDigest md, Object value) {
        if (value == null) {
            md.update((byte) 'N');
        } else if (value instanceof String s) {
            md.update((byte) 'S');
            update(md, s);
        } else if (value instanceof List<?> list) {
            md.update((byte) 'L');
            update(md, Integer.toString(list.size()));
            for (Object e : list) {
                field(md, e);
            }
        } else if (value instanceof Record r) {
            md.update((byte) 'R');
            update(md, r.getClass().getName());
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                field(md, component(r, c));
            }
        } else {
            // numbers: their text is unambiguous once length-prefixed
            md.update((byte) 'V');
            update(md, value.toString());
        }
    }

    private static Object component(Record r, RecordComponent c) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("digest: cannot read " + r.getClass().getName() + "." + c.getName(), e);
        }
    }

    /** One part, prefixed with its UTF-8 length in bytes. */
    private static void update(MessageDigest md, String part) {
        byte[] b = part.getBytes(StandardCharsets.UTF_8);
        md.update((b.length + ":").getBytes(StandardCharsets.UTF_8));
        md.update(b);
    }
}
