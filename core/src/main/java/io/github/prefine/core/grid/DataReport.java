package io.github.prefine.core.grid;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.core.data.ReadReport;
import io.github.prefine.core.data.SquadReader;
import io.github.prefine.core.data.SubjQaReader;
import io.github.prefine.core.features.QaFeaturizer;
import io.github.prefine.core.features.TokenClassificationFeaturizer;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.eval.internal.JsonShapes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What reading a grid's data dropped, flagged and repaired, per task: the readers' {@link
 * ReadReport}s (counts per reason, with up to {@value ReadReport#MAX_SAMPLES} located samples each)
 * and where each task's validation split came from.
 *
 * <p>A grid writes it twice from one source: as {@value #FILE} in its output folder and as the
 * {@code reads} section of {@code run.json}, each time after merging the tasks other processes
 * recorded. The JSON of a task ({@code "dropped"} counting examples, not {@link #PART_REASONS})
 * is {@code {"validation": rule, "dropped": n, "flagged": n, "trainingCounts": {label: n}, "files":
 * {relative path: report}}}, a report being {@code {"file", "records", "examples", "skipped",
 * "flagged", "repaired", "cleaned", "samples"}}, maps keyed by reason. Immutable; equal when the
 * tasks are.
 *
 * @param tasks per task name, in the order tasks were first read
 */
public record DataReport(Map<String, TaskReads> tasks) {
    /** The file name under a grid's output folder. */
    public static final String FILE = "data-report.json";

    /**
     * Skip reasons that drop a part of an example, not the example: an answer off its offset (the
     * question keeps its other answers, or is dropped under its own reason when none is left), an
     * {@code ANSWERNOTFOUND} row of a SubjQA question that other rows answer, and what
     * featurization took from kept examples: the words the maximum length cut off (no training
     * label, predicted {@code O}), a target answer (the first with text) in no single window
     * (trained as no answer) and the answers passed over before the target for covering no context
     * token. Counted apart, so that {@link TaskReads#dropped()} counts examples.
     */
    public static final Set<String> PART_REASONS = Set.of(SquadReader.ANSWER_NOT_AT_OFFSET,
            SubjQaReader.NOT_FOUND_BESIDE_ANSWERS, TokenClassificationFeaturizer.WORDS_CUT,
            QaFeaturizer.NO_SINGLE_WINDOW, QaFeaturizer.ANSWERS_PASSED_OVER);

    /**
     * Copies the map, keeping its order.
     *
     * @param tasks per task name, in the order tasks were first read
     */
    public DataReport {
        tasks = Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
    }

    /**
     * The reads of one task.
     *
     * @param validation where its validation split came from (see {@link TaskData#validation()})
     * @param files one report per file read, keyed by relative path, plus {@code "labels"} for the
     *     label check when it skipped or flagged anything
     * @param trainingCounts the training split's labels with their counts ({@link
     *     TaskData#labelCounts}), so that a typo'd label shows; empty for QA and multiple choice
     */
    public record TaskReads(String validation, Map<String, ReadReport> files, Map<String, Integer> trainingCounts) {
        /**
         * Copies the maps, keeping their order.
         *
         * @param validation where its validation split came from (see {@link TaskData#validation()})
         * @param files one report per file read, keyed by relative path, plus {@code "labels"} for the
         *     label check when it skipped or flagged anything
         * @param trainingCounts the training split's labels with their counts
         */
        public TaskReads {
            Objects.requireNonNull(validation, "validation");
            files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
            trainingCounts = Collections.unmodifiableMap(new LinkedHashMap<>(trainingCounts));
        }

        /**
         * Reads without label counts, as of a task without labels.
         *
         * @param validation where its validation split came from (see {@link TaskData#validation()})
         * @param files one report per file read, keyed by relative path
         */
        public TaskReads(String validation, Map<String, ReadReport> files) {
            this(validation, files, Map.of());
        }

        /**
         * Takes the reads of a task's data.
         *
         * @param data the data as loaded
         * @return its reports, validation rule and training label counts
         */
        public static TaskReads of(TaskData data) {
            return new TaskReads(data.validation(), data.reports(), data.labelCounts(io.github.prefine.core.task.Split.TRAIN));
        }

        /**
         * Returns the units dropped, over every file and reason but those of {@link #PART_REASONS}:
         * the sentences, rows, lines or questions a task lost, not the answers and annotation rows
         * dropped from its questions.
         *
         * @return the count
         */
        public int dropped() {
            return droppedByReason().values().stream().mapToInt(Integer::intValue).sum();
        }

        /**
         * Returns the units kept but flagged, over every file and reason.
         *
         * @return the count
         */
        public int flagged() {
            return files.values().stream().mapToInt(ReadReport::totalFlagged).sum();
        }

        /**
         * Returns the units dropped per reason, summed over files, in first-seen order.
         *
         * @return reason to count
         */
        public Map<String, Integer> droppedByReason() {
            return skippedByReason(false);
        }

        /**
         * Returns the parts of examples dropped per reason ({@link #PART_REASONS}: an answer off its
         * offset, an annotation row of an answered question), summed over files.
         *
         * @return reason to count
         */
        public Map<String, Integer> partsDroppedByReason() {
            return skippedByReason(true);
        }

        private Map<String, Integer> skippedByReason(boolean parts) {
            Map<String, Integer> m = new LinkedHashMap<>();
            files.values().forEach(r -> r.skipped().forEach((k, v) -> {
                if (PART_REASONS.contains(k) == parts) {
                    m.merge(k, v, Integer::sum);
                }
            }));
            return m;
        }

        /**
         * Returns the units flagged per reason, summed over files, in first-seen order.
         *
         * @return reason to count
         */
        public Map<String, Integer> flaggedByReason() {
            Map<String, Integer> m = new LinkedHashMap<>();
            files.values().forEach(r -> r.flagged().forEach((k, v) -> m.merge(k, v, Integer::sum)));
            return m;
        }
    }

    /**
     * Returns the units dropped over every task.
     *
     * @return the count
     */
    public int totalDropped() {
        return tasks.values().stream().mapToInt(TaskReads::dropped).sum();
    }

    /**
     * Returns this report merged with newer reads: a task in {@code newer} replaces the same task
     * here, other tasks keep their place.
     *
     * @param newer reads made later, for example by this process
     * @return the merged report
     */
    public DataReport merge(Map<String, TaskReads> newer) {
        Map<String, TaskReads> m = new LinkedHashMap<>(tasks);
        m.putAll(newer);
        return new DataReport(m);
    }

    /**
     * Writes the report as JSON: task name to task object (the layout is in the class doc).
     *
     * @return a new JSON object
     */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        tasks.forEach((name, t) -> o.add(name, task(t)));
        return o;
    }

    /**
     * Writes the content of {@value #FILE}: the format, the totals, and the tasks.
     *
     * @return a new JSON object
     */
    public JsonObject toFileJson() {
        JsonObject o = new JsonObject();
        o.addProperty("format", 1);
        o.addProperty("dropped", totalDropped());
        o.addProperty("flagged", tasks.values().stream().mapToInt(TaskReads::flagged).sum());
        o.add("tasks", toJson());
        return o;
    }

    /**
     * Reads a report back from {@link #toJson()}'s layout; a task in the layout of earlier
     * manifests (files directly under the task) is read with an unknown validation rule.
     *
     * @param json task name to task object
     * @return the report
     * @throws IllegalArgumentException if the JSON does not have that layout
     */
    public static DataReport fromJson(JsonObject json) {
        Map<String, TaskReads> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : json.entrySet()) {
            try {
                JsonObject t = e.getValue().getAsJsonObject();
                boolean current = t.has("files");
                JsonObject files = current ? t.getAsJsonObject("files") : t;
                Map<String, ReadReport> reports = new LinkedHashMap<>();
                files.entrySet().forEach(f -> reports.put(f.getKey(), report(f.getValue().getAsJsonObject())));
                // reports older than the label counts have none
                Map<String, Integer> trained = current ? counts(t, "trainingCounts") : Map.of();
                m.put(e.getKey(), new TaskReads(current ? t.get("validation").getAsString() : "unknown", reports, trained));
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException("data report: task " + e.getKey() + " is not in the expected layout ("
                        + ex.getMessage() + ")", ex);
            }
        }
        return new DataReport(m);
    }

    /**
     * Says what was dropped and flagged, in a few lines for the end of a run: the total, then one
     * line per task that dropped or flagged anything or fell back to a hold-out for validation.
     *
     * @param where how to name the report's file, for example its path
     * @return the lines, at least one
     */
    public List<String> summary(String where) {
        List<String> out = new ArrayList<>();
        int flagged = tasks.values().stream().mapToInt(TaskReads::flagged).sum();
        long fallbacks = tasks.values().stream().filter(t -> t.validation().startsWith(TaskData.FALLBACK)).count();
        boolean partsDropped = tasks.values().stream().anyMatch(t -> !t.partsDroppedByReason().isEmpty());
        if (totalDropped() == 0 && flagged == 0 && fallbacks == 0 && !partsDropped) {
            out.add("Data: nothing dropped or flagged in the " + Counts.counted(tasks.size(), "task") + " read (" + where + ")");
            return out;
        }
        out.add("Data: " + totalDropped() + " dropped, " + flagged + " kept but flagged, in "
                + Counts.counted(tasks.size(), "task") + " read"
                + (fallbacks > 0 ? "; " + Counts.counted(fallbacks, "validation fallback") : "")
                + "; samples with file and line in " + where);
        tasks.forEach((name, t) -> {
            List<String> parts = new ArrayList<>();
            if (t.dropped() > 0) {
                parts.add(t.dropped() + " dropped (" + joined(t.droppedByReason()) + ")");
            }
            if (!t.partsDroppedByReason().isEmpty()) {
                parts.add("parts of examples dropped: " + joined(t.partsDroppedByReason()));
            }
            if (t.flagged() > 0) {
                parts.add(t.flagged() + " flagged (" + joined(t.flaggedByReason()) + ")");
            }
            if (t.validation().startsWith(TaskData.FALLBACK)) {
                parts.add("validation: " + t.validation());
            }
            if (!parts.isEmpty()) {
                out.add("  " + name + ": " + String.join("; ", parts));
            }
        });
        return out;
    }

    private static String joined(Map<String, Integer> byReason) {
        List<String> s = new ArrayList<>();
        byReason.forEach((k, v) -> s.add(k + " " + v));
        return String.join(", ", s);
    }

    private static JsonObject task(TaskReads t) {
        JsonObject o = new JsonObject();
        o.addProperty("validation", t.validation());
        o.addProperty("dropped", t.dropped());
        o.addProperty("flagged", t.flagged());
        o.add("trainingCounts", counts(t.trainingCounts()));
        JsonObject files = new JsonObject();
        t.files().forEach((path, r) -> files.add(path, report(r)));
        o.add("files", files);
        return o;
    }

    private static JsonObject report(ReadReport r) {
        JsonObject o = new JsonObject();
        o.addProperty("file", r.file());
        o.addProperty("records", r.records());
        o.addProperty("examples", r.examples());
        o.add("skipped", counts(r.skipped()));
        o.add("flagged", counts(r.flagged()));
        o.add("repaired", counts(r.repaired()));
        o.add("cleaned", counts(r.cleaned()));
        JsonObject samples = new JsonObject();
        r.samples().forEach((reason, list) -> {
            JsonArray a = new JsonArray();
            list.forEach(a::add);
            samples.add(reason, a);
        });
        o.add("samples", samples);
        return o;
    }

    private static JsonObject counts(Map<String, Integer> m) {
        JsonObject o = new JsonObject();
        m.forEach(o::addProperty);
        return o;
    }

    private static ReadReport report(JsonObject o) {
        Map<String, List<String>> samples = new LinkedHashMap<>();
        if (o.has("samples")) {
            o.getAsJsonObject("samples").entrySet().forEach(e -> samples.put(e.getKey(),
                    e.getValue().getAsJsonArray().asList().stream().map(JsonElement::getAsString).toList()));
        }
        return new ReadReport(o.get("file").getAsString(), count(o.get("records"), "records"),
                count(o.get("examples"), "examples"),
                counts(o, "skipped"), counts(o, "repaired"), counts(o, "cleaned"), counts(o, "flagged"), samples);
    }

    private static Map<String, Integer> counts(JsonObject o, String key) {
        Map<String, Integer> m = new LinkedHashMap<>();
        if (o.has(key)) {
            o.getAsJsonObject(key).entrySet().forEach(e -> m.put(e.getKey(), count(e.getValue(), key + "." + e.getKey())));
        }
        return m;
    }

    /** A count: getAsInt would read 2.5 as 2; fromJson names the task around the message. */
    private static int count(JsonElement e, String field) {
        return JsonShapes.wholeInt(e, field,
                (at, expected, found) -> new IllegalArgumentException(at + ": expected " + expected + ", found " + found));
    }
}
