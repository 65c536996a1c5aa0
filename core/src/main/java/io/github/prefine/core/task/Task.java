package io.github.prefine.core.task;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.MalformedDatasetException;
import io.github.prefine.core.data.ReadReport;
import io.github.prefine.core.data.ReadResult;
import io.github.prefine.core.data.SeededSplit;
import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.internal.OneLineNames;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.eval.metrics.MetricType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A supervised task: its name, group, format, label set, metric and where its splits come from.
 *
 * <p>Immutable and thread-safe; two tasks are equal when their names are (a registry holds one
 * task per name). Built with {@link #builder()}; variants come from {@link #toBuilder()}.
 */
public final class Task {
    private static final Logger LOG = LoggerFactory.getLogger(Task.class);

    /**
     * Skip reason in the {@code "labels"} report: a label outside the task's declared label set,
     * or, in the training data, outside the learned one.
     */
    public static final String UNKNOWN_LABEL = "unknown label";

    /**
     * Flag reason in the {@code "labels"} report: a validation or test example whose label the
     * training data never showed, kept and scored as a wrong prediction (the head cannot predict
     * it).
     */
    public static final String UNSEEN_LABEL = "label unseen in training, scored as wrong";

    /**
     * Flag reason in the {@code "labels"} report: a training example holding a label of a learned
     * set that training shows at most {@value #RARE_AT_MOST} times (mentions, for an entity type)
     * while another label shows at least {@value #FREQUENT_AT_LEAST} times, as a typo'd tag or class
     * does, since it becomes a label of its own. Kept: a rare label may be real.
     */
    public static final String RARE_LABEL = "label rare in training";

    /**
     * Skip reason in the {@code "choices"} report (lenient mode): a multiple-choice example with
     * another number of choices than the task's {@link MultipleChoice#choices()}.
     */
    public static final String OTHER_CHOICE_COUNT = "other number of choices";

    private static final int RARE_AT_MOST = 2;
    private static final int FREQUENT_AT_LEAST = 20;
    private static final int MAX_NAMED = 10;

    private final String name;
    private final TaskGroup group;
    private final TaskFormat format;
    private final List<String> declaredLabels;
    private final MetricType metric;
    private final TaskSource source;
    private final java.util.Set<Split> learnFrom;

    private Task(Builder b) {
        this.learnFrom = java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(b.learnFrom));
        this.name = b.name;
        this.group = b.group;
        this.format = b.format;
        this.declaredLabels = b.labels;
        this.metric = b.metric;
        this.source = b.source;
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this task's settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder().setName(name).setGroup(group).setFormat(format).setMetric(metric).setSource(source);
        b.labels = declaredLabels;
        b.learnFrom = java.util.EnumSet.copyOf(learnFrom);
        return b;
    }

    /**
     * Returns the unique name, for example {@code conll2003-en}.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the group.
     *
     * @return the group
     */
    public TaskGroup group() {
        return group;
    }

    /**
     * Returns the format.
     *
     * @return the format
     */
    public TaskFormat format() {
        return format;
    }

    /**
     * Returns the declared label set; when empty, labels are learned from the training data on
     * {@link #load}: classification labels sorted; for tags, {@code O} first, then {@code B-T} for
     * every entity type {@code T} seen (sorted), then {@code I-T} (and {@code E-T}, {@code S-T}
     * when the data is BIOES).
     *
     * @return the declared labels, possibly empty
     */
    public List<String> labels() {
        return declaredLabels;
    }

    /**
     * Returns the headline metric.
     *
     * @return the metric
     */
    public MetricType metric() {
        return metric;
    }

    /**
     * Returns where the splits come from.
     *
     * @return the source
     */
    public TaskSource source() {
        return source;
    }

    /**
     * Returns the splits a learned label set is taken from.
     *
     * @return the splits, by default only {@link Split#TRAIN}
     */
    public java.util.Set<Split> learnLabelsFrom() {
        return learnFrom;
    }

    /**
     * Checks which of this task's files exist under a data root.
     *
     * @param dataRoot the data root
     * @return the availability, naming every missing path
     */
    public TaskAvailability availability(Path dataRoot) {
        return new TaskAvailability(name, source.missing(dataRoot));
    }

    /**
     * Reads every split whose file exists, and fixes the label set.
     *
     * <p>With a hold-out source the one file is split 4:1 into train and validation. Labels, when
     * not declared, are learned from the splits of {@link #learnLabelsFrom()} that were read (by
     * default train; when none of them was read, from every split read).
     *
     * <p>A label outside a declared set is a defect: an error in strict mode, skipped and counted
     * as {@link #UNKNOWN_LABEL} under the {@code "labels"} report in lenient mode. A label outside
     * a learned set is one the training data never showed: a training example holding it is
     * skipped the same way, while a validation or test example holding it is kept in both modes,
     * flagged as {@link #UNSEEN_LABEL}, and scored as a wrong prediction (dropping it would
     * inflate the score). A multiple-choice example with another number of choices than the
     * format's is a defect too: an error in strict mode, skipped and counted as {@link
     * #OTHER_CHOICE_COUNT} under the {@code "choices"} report in lenient mode.
     *
     * <p>The validation split comes from its file, from the hold-out, or, for a task without a
     * validation file, from a seeded 4:1 hold-out of train (made by {@link FeaturizedTask#featurize}).
     * When a declared validation file is absent or gives no example, strict mode refuses and
     * lenient mode falls back to that hold-out with a warning; {@link TaskData#validation()}
     * records the rule used.
     *
     * @param dataRoot the data root
     * @param leniency strict or lenient
     * @return the data
     * @throws NoSuchFileException if none of the task's files exists
     * @throws MalformedDatasetException if a file is malformed (see the readers), has a label
     *     outside the declared set, or (strict) a multiple-choice example with another number of
     *     choices than the format's, or the declared validation file is absent or empty
     * @throws IllegalArgumentException if labels are learned and the format refuses one (a token
     *     tag without a prefix and a type), naming the task, the example and the label
     * @throws IOException on read failure
     */
    public TaskData load(Path dataRoot, Leniency leniency) throws IOException {
        return load(dataRoot, leniency, FeaturizationListener.NONE);
    }

    /**
     * Reads as {@link #load(Path, Leniency)} does, reporting each split's bytes read to {@code
     * listener} in the steps {@link FeaturizationListener#onRead} documents (one report series per
     * file read, names {@code task/split}), so that an application can show progress before
     * featurization starts. What is read is the same.
     *
     * @param dataRoot the data root
     * @param leniency strict or lenient
     * @param listener hears each split's read progress
     * @return the data
     * @throws NoSuchFileException if none of the task's files exists
     * @throws MalformedDatasetException as {@link #load(Path, Leniency)}
     * @throws IOException on read failure
     */
    public TaskData load(Path dataRoot, Leniency leniency, FeaturizationListener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        Map<Split, List<Example>> splits = new EnumMap<>(Split.class);
        Map<Split, String> fileOf = new EnumMap<>(Split.class);
        Map<String, ReadReport> reports = new LinkedHashMap<>();
        List<Path> missing = source.missing(dataRoot);
        if (missing.size() == source.files().size()) {
            throw new NoSuchFileException(missing.get(0).toString(), null,
                    "task " + name + ": none of its files exists under " + dataRoot);
        }
        String validation = null;
        Optional<SplitSource> holdOut = source.holdOut();
        if (holdOut.isPresent() && !missing.contains(TaskSource.resolve(dataRoot, holdOut.get()))) {
            ReadResult<?> r = read(dataRoot, holdOut.get(), "train+validation", leniency, listener);
            reports.put(holdOut.get().path(), r.report());
            SeededSplit<Example> s = SeededSplit.of(new ArrayList<>(r.examples()), source.holdOutSeed(),
                    source.holdOutKey());
            splits.put(Split.TRAIN, s.train());
            splits.put(Split.VALIDATION, s.validation());
            fileOf.put(Split.TRAIN, holdOut.get().path());
            fileOf.put(Split.VALIDATION, holdOut.get().path());
            validation = "4:1 hold-out of " + holdOut.get().path() + " (seed " + source.holdOutSeed() + ")";
        }
        for (SplitSource s : source.splits().values()) {
            if (missing.contains(TaskSource.resolve(dataRoot, s))) {
                LOG.info("task {}: {} split absent ({})", name, s.split(), s.path());
                continue;
            }
            ReadResult<?> r = read(dataRoot, s, s.split().name().toLowerCase(java.util.Locale.ROOT), leniency, listener);
            reports.put(s.path(), r.report());
            splits.put(s.split(), new ArrayList<>(r.examples()));
            fileOf.put(s.split(), s.path());
        }
        List<String> labels = declaredLabels;
        java.util.Set<Split> learnedFrom = java.util.EnumSet.noneOf(Split.class);
        if (labels.isEmpty() && format.hasLabelSet()) {
            List<List<Example>> from = new ArrayList<>();
            for (Split s : learnFrom) {
                if (splits.containsKey(s)) {
                    from.add(splits.get(s));
                    learnedFrom.add(s);
                }
            }
            if (from.isEmpty()) {
                learnedFrom.addAll(splits.keySet());
            }
            try {
                labels = format.learnLabels(from.isEmpty() ? new ArrayList<>(splits.values()) : from);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("task " + name + ": " + e.getMessage(), e);
            }
        }
        if (!labels.isEmpty()) {
            ReadReport.Builder labelReport = new ReadReport.Builder("labels");
            boolean declared = !declaredLabels.isEmpty();
            for (Map.Entry<Split, List<Example>> e : splits.entrySet()) {
                // a learned set cannot hold what evaluation data alone shows: score it as wrong
                boolean keepUnseen = !declared && e.getKey() != Split.TRAIN && !learnedFrom.contains(e.getKey());
                e.setValue(checkLabels(e.getValue(), labels, fileOf.get(e.getKey()), keepUnseen ? Leniency.LENIENT
                        : leniency, keepUnseen, labelReport));
            }
            String rare = declared ? null : flagRare(splits, fileOf, labelReport);
            ReadReport lr = labelReport.build();
            if (lr.totalSkipped() > 0) {
                LOG.warn("task {}: skipped {} with labels outside {}, e.g. {}", name,
                        Counts.counted(lr.totalSkipped(), "example"), labels,
                        lr.samples(UNKNOWN_LABEL).get(0));
            }
            if (lr.flagged(UNSEEN_LABEL) > 0) {
                int unseen = lr.flagged(UNSEEN_LABEL);
                LOG.warn("task {}: {} {} labels the training data never showed; kept and scored as wrong, e.g. {}",
                        name, Counts.counted(unseen, "evaluation example"), unseen == 1 ? "has" : "have",
                        lr.samples(UNSEEN_LABEL).get(0));
            }
            if (rare != null) {
                LOG.warn("task {}: {}; kept and flagged, e.g. {}", name, rare, lr.samples(RARE_LABEL).get(0));
            }
            if (lr.totalSkipped() > 0 || lr.totalFlagged() > 0) {
                reports.put("labels", lr);
            }
        }
        if (format instanceof MultipleChoice mc) {
            ReadReport.Builder choiceReport = new ReadReport.Builder("choices");
            for (Map.Entry<Split, List<Example>> e : splits.entrySet()) {
                e.setValue(checkChoices(e.getValue(), mc, fileOf.get(e.getKey()), leniency, choiceReport));
            }
            ReadReport cr = choiceReport.build();
            if (cr.totalSkipped() > 0) {
                LOG.warn("task {}: skipped {} with another number of choices than {}, e.g. {}", name,
                        Counts.counted(cr.totalSkipped(), "example"), mc.choices(), cr.samples(OTHER_CHOICE_COUNT).get(0));
                reports.put("choices", cr);
            }
        }
        if (validation == null) {
            validation = validationRule(splits, reports, missing, dataRoot, leniency);
        }
        return new TaskData(this, labels, splits, reports, validation);
    }

    /** Where validation comes from; refuses (strict) or announces (lenient) a fallback to a hold-out of train. */
    private String validationRule(Map<Split, List<Example>> splits, Map<String, ReadReport> reports, List<Path> missing,
            Path dataRoot, Leniency leniency) throws MalformedDatasetException {
        SplitSource declared = source.splits().get(Split.VALIDATION);
        String holdOut = "4:1 hold-out of train (seed " + SeededSplit.DEFAULT_SEED + ")";
        if (declared == null) {
            return holdOut + ": the task has no validation file";
        }
        if (!splits.getOrDefault(Split.VALIDATION, List.of()).isEmpty()) {
            return declared.path();
        }
        String why;
        if (missing.contains(TaskSource.resolve(dataRoot, declared))) {
            why = "the file is absent";
        } else {
            ReadReport r = reports.get(declared.path());
            // examples the reader returned are gone only if the label check dropped them
            // a reader of the user's own may count the empty file without a located sample
            List<String> empty = r.samples(Defects.EMPTY_FILE);
            why = r.skipped(Defects.EMPTY_FILE) > 0
                    // no record at all: "0 records, 1 skipped" would count the file as a record
                    ? "the file held no records" + (empty.isEmpty() ? "" : ": " + empty.get(0))
                    : "the file gave no examples: " + r.records() + " records, " + r.totalSkipped() + " skipped"
                    + (r.examples() > 0 ? ", " + r.examples() + " with labels outside the set" : "");
        }
        if (leniency == Leniency.STRICT) {
            throw new MalformedDatasetException(declared.path(), "", "validation examples of task " + name,
                    "none (" + why + "); fix the file, or read leniently to fall back to a " + holdOut);
        }
        String rule = TaskData.FALLBACK + holdOut + ", because " + declared.path() + " gave none (" + why + ")";
        LOG.warn("task {}: validation from a {}", name, rule);
        return rule;
    }

    private ReadResult<?> read(Path dataRoot, SplitSource s, String split, Leniency leniency,
            FeaturizationListener listener) throws IOException {
        if (!format.exampleType().equals(s.reader().exampleType())) {
            throw new IllegalStateException("task " + name + ": reader of " + s.path() + " gives "
                    + s.reader().exampleType().getSimpleName() + ", format needs " + format.exampleType().getSimpleName());
        }
        Path file = TaskSource.resolve(dataRoot, s);
        if (listener == FeaturizationListener.NONE) {
            return s.reader().read(file, leniency);
        }
        long total = 0;
        for (Path f : s.reader().files(file)) {
            total += Files.size(f);
        }
        ReadSteps steps = new ReadSteps(listener, name + "/" + split, total);
        ReadResult<?> r = s.reader().read(file, leniency, steps);
        steps.finish();
        return r;
    }

    /**
     * Flags the training examples holding a label rare in training (see {@link #RARE_LABEL});
     * returns what the warning says of the labels, or null when none is rare.
     */
    private String flagRare(Map<Split, List<Example>> splits, Map<Split, String> fileOf,
            ReadReport.Builder report) {
        List<Example> train = splits.getOrDefault(Split.TRAIN, List.of());
        Map<String, Integer> counts = TaskData.count(format, train);
        Map.Entry<String, Integer> top = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(null);
        if (top == null || top.getValue() < FREQUENT_AT_LEAST) {
            return null;
        }
        // without a validation split yet (a hold-out of train comes later) no validation count is given
        Map<String, Integer> validation = splits.containsKey(Split.VALIDATION)
                ? TaskData.count(format, splits.get(Split.VALIDATION)) : null;
        Map<String, String> rare = new LinkedHashMap<>();
        counts.forEach((label, n) -> {
            if (n <= RARE_AT_MOST) {
                rare.put(label, "'" + label + "' (" + n + " in training"
                        + (validation == null ? "" : ", " + validation.getOrDefault(label, 0) + " in validation") + ")");
            }
        });
        if (rare.isEmpty()) {
            return null;
        }
        String expected = "a label of task " + name + " that training shows more than " + RARE_AT_MOST + " times, as '"
                + top.getKey() + "' (" + top.getValue() + ")";
        for (Example e : train) {
            TaskData.countedLabels(format, e).stream().filter(rare::containsKey).findFirst().ifPresent(label ->
                    report.flag(RARE_LABEL, defect(e, fileOf.get(Split.TRAIN), expected, rare.get(label)).getMessage()));
        }
        List<String> named = new ArrayList<>(rare.values());
        String more = named.size() > MAX_NAMED ? "; and " + (named.size() - MAX_NAMED) + " more" : "";
        return Counts.counted(rare.size(), "label") + " rare in training, perhaps typos (a typo makes a label of its own): "
                + String.join("; ", named.subList(0, Math.min(MAX_NAMED, named.size()))) + more + ", while '"
                + top.getKey() + "' has " + top.getValue();
    }

    /** A defect of an example, located at its line where its id is {@code file:line} (line-based readers). */
    private static MalformedDatasetException defect(Example e, String file, String expected, String found) {
        String id = e.id();
        int colon = id.lastIndexOf(':');
        String where = colon > 0 ? id.substring(colon + 1) : "";
        String f = colon > 0 ? id.substring(0, colon) : file;
        if (!where.chars().allMatch(Character::isDigit)) {
            where = "";
            f = file + " (example " + id + ")";
        }
        return new MalformedDatasetException(f, where, expected, found);
    }

    /**
     * Refuses (strict) or skips (lenient) choice examples whose number of choices is not the
     * format's: its head folds exactly that many rows into each example, and a batch holding
     * another count could only be refused when built, naming no file or line.
     */
    private List<Example> checkChoices(List<Example> examples, MultipleChoice mc, String file, Leniency leniency,
            ReadReport.Builder report) throws MalformedDatasetException {
        List<Example> kept = new ArrayList<>(examples.size());
        for (Example e : examples) {
            int found = ((io.github.prefine.core.data.ChoiceExample) e).choices().size();
            if (found == mc.choices()) {
                kept.add(e);
                continue;
            }
            MalformedDatasetException defect = defect(e, file, mc.choices() + " choices (the number task " + name
                    + "'s multiple-choice head scores)", found + " choices");
            if (leniency == Leniency.STRICT) {
                throw defect;
            }
            report.skip(OTHER_CHOICE_COUNT, defect.getMessage());
        }
        return kept;
    }

    private List<Example> checkLabels(List<Example> examples, List<String> labels, String file,
            Leniency leniency, boolean keepUnseen, ReadReport.Builder report) throws MalformedDatasetException {
        java.util.Set<String> known = new java.util.HashSet<>(labels);
        List<Example> kept = new ArrayList<>(examples.size());
        for (Example e : examples) {
            String bad = null;
            for (String label : format.labelsOf(e)) {
                if (!known.contains(label)) {
                    bad = label;
                    break;
                }
            }
            if (bad == null) {
                kept.add(e);
                continue;
            }
            MalformedDatasetException defect = defect(e, file, "a label of task " + name + " " + labels, "'" + bad + "'");
            if (keepUnseen) {
                kept.add(e);
                report.flag(UNSEEN_LABEL, defect.getMessage());
                continue;
            }
            if (leniency == Leniency.STRICT) {
                throw defect;
            }
            report.skip(UNKNOWN_LABEL, defect.getMessage());
        }
        return kept;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Task t && t.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name + " (" + group + ", " + format + ", " + metric + ")";
    }

    /** Builder for {@link Task}; mutable and single-threaded. */
    public static final class Builder {
        private String name;
        private TaskGroup group;
        private TaskFormat format;
        private List<String> labels = List.of();
        private MetricType metric;
        private TaskSource source;
        private java.util.Set<Split> learnFrom = java.util.EnumSet.of(Split.TRAIN);

        private Builder() {}

        /**
         * Sets the splits a learned label set is taken from; use more than train only where the
         * data has label types missing from train (ATIS test), and say so in the task's docs.
         *
         * @param splits default {@code {TRAIN}}; non-empty
         * @return this builder
         */
        public Builder optLearnLabelsFrom(java.util.Set<Split> splits) {
            if (splits.isEmpty()) {
                throw new IllegalArgumentException("learnLabelsFrom needs at least one split");
            }
            this.learnFrom = java.util.EnumSet.copyOf(splits);
            return this;
        }

        /**
         * Sets the unique task name.
         *
         * @param name required, non-blank, without {@code '/'} (the name keys the task's head
         *     parameters in {@link io.github.prefine.core.model.MultiHeadModel})
         * @return this builder
         */
        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        /**
         * Sets the group.
         *
         * @param group required
         * @return this builder
         */
        public Builder setGroup(TaskGroup group) {
            this.group = group;
            return this;
        }

        /**
         * Sets the format.
         *
         * @param format required
         * @return this builder
         */
        public Builder setFormat(TaskFormat format) {
            this.format = format;
            return this;
        }

        /**
         * Sets the metric.
         *
         * @param metric required
         * @return this builder
         */
        public Builder setMetric(MetricType metric) {
            this.metric = metric;
            return this;
        }

        /**
         * Sets where the splits come from.
         *
         * @param source required
         * @return this builder
         */
        public Builder setSource(TaskSource source) {
            this.source = source;
            return this;
        }

        /**
         * Declares the label set, in head order.
         *
         * @param labels default empty: learned from the training data
         * @return this builder
         * @throws NullPointerException if the list or a label is null, naming it
         */
        public Builder optLabels(List<String> labels) {
            Objects.requireNonNull(labels, "labels");
            for (int i = 0; i < labels.size(); i++) {
                Objects.requireNonNull(labels.get(i), "labels[" + i + "]");
            }
            this.labels = List.copyOf(labels);
            return this;
        }

        /**
         * Builds the task.
         *
         * @return the task
         * @throws IllegalStateException if a required field is missing
         * @throws IllegalArgumentException if the name contains {@code '/'} or a control character
         *     (a tab, a line break), labels repeat, are declared for QA or multiple
         *     choice, the metric is not one the format scores ({@link TaskFormat#metrics()}), a
         *     reader's example type does not fit the format, or a file's path leads out of the data
         *     root ({@link SplitSource#leavesRoot})
         */
        public Task build() {
            if (name == null || name.isBlank()) {
                throw new IllegalStateException("setName is required (non-blank)");
            }
            if (name.contains("/")) {
                // the model refuses it too, but only after every file was read and featurized
                throw new IllegalArgumentException(name + ": a task name must not contain '/' (it keys the task's head"
                        + " parameters), found '" + name + "'");
            }
            int control = OneLineNames.controlCharacterAt(name);
            if (control >= 0) {
                // the grid's run names hold it, and the trainer refuses them only once the run starts
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: a task name must be one line of"
                        + " text (the grid's run names and log lines hold it), found control character U+%04X at"
                        + " index %d", name, (int) name.charAt(control), control));
            }
            require(group, "setGroup");
            require(format, "setFormat");
            require(metric, "setMetric");
            require(source, "setSource");
            if (new java.util.HashSet<>(labels).size() != labels.size()) {
                throw new IllegalArgumentException(name + ": labels must be distinct, found " + labels);
            }
            if (!format.metrics().contains(metric)) {
                // the format's scorer cannot compute it: scoring would fail only after training
                throw new IllegalArgumentException(name + ": format " + describe(format) + " is scored with one of "
                        + format.metrics() + ", found metric " + metric);
            }
            if (!labels.isEmpty() && !format.hasLabelSet()) {
                throw new IllegalArgumentException(name + ": format " + describe(format) + " takes no label set, found " + labels);
            }
            for (SplitSource s : source.files()) {
                if (SplitSource.leavesRoot(s.path())) {
                    // refused here, not when the grid reads it: the path would read any file the user can
                    throw new IllegalArgumentException(name + ": " + (s == source.holdOut().orElse(null) ? "hold-out"
                            : s.split().name().toLowerCase(Locale.ROOT)) + " file " + TaskSource.outsideRoot(s.path()));
                }
                if (!format.exampleType().equals(s.reader().exampleType())) {
                    throw new IllegalArgumentException(name + ": " + s.path() + " is read as "
                            + s.reader().exampleType().getSimpleName() + ", format " + describe(format) + " needs "
                            + format.exampleType().getSimpleName());
                }
            }
            return new Task(this);
        }

        /**
         * Names a format as the caller wrote it: its label and, for a built-in one, the constant
         * ({@code text (TaskFormat.SINGLE_TEXT)}), not the record's {@code SequenceClassification[pair=false]}.
         */
        private static String describe(TaskFormat format) {
            String constant = format.equals(TaskFormat.SINGLE_TEXT) ? "SINGLE_TEXT"
                    : format.equals(TaskFormat.TEXT_PAIR) ? "TEXT_PAIR"
                    : format.equals(TaskFormat.TOKEN) ? "TOKEN"
                    : format.equals(TaskFormat.QA) ? "QA"
                    : format.equals(TaskFormat.CHOICE) ? "CHOICE" : null;
            return constant == null ? format.label() : format.label() + " (TaskFormat." + constant + ")";
        }

        private void require(Object value, String setter) {
            if (value == null) {
                throw new IllegalStateException(name + ": " + setter + " is required");
            }
        }
    }
}
