package io.github.prefine.core.task;

import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.SeededSplit;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.features.FeatureReport;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.evaluator.EvaluationResult;
import io.github.prefine.eval.evaluator.Evaluator;
import io.github.prefine.heads.HeadFamily;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task ready for training and scoring: its features per split, the examples of the splits it
 * can score, and its label set.
 *
 * <p>Splits: training always; validation from the task's files, or, when the task has none, a
 * seeded 4:1 hold-out of its training data (refused below 3 training examples, where it would be
 * empty); test when the task has one. {@link
 * #evaluationSplit()} is test when present with labels and validation otherwise (the paper reports
 * on validation where test labels are hidden). Immutable; holds no native memory.
 *
 * <p>Training examples are not kept: once featurized, training reads only the features (token
 * rows, labels), and a task's training texts are most of the heap it would otherwise keep for a
 * whole run (a QA task's contexts, an SL task's token and tag strings). Scoring needs the examples
 * themselves (gold tags, answers and the contexts that answers are cut from), so the validation
 * and test examples stay. Code that needs the training examples after featurization reads them
 * again: {@link #sampledExamples(TaskData, FeatureSettings) sampledExamples(data,
 * settings)}{@code .get(Split.TRAIN)} gives the very list the training features index into. A
 * task that is trained but never scored can let the rest go too, with {@link #withoutExamples()}.
 *
 * @param task the task
 * @param labels its label set (empty for QA and multiple choice)
 * @param features features per split present
 * @param scoringExamples the examples the features of each scored split were made from
 *     (validation, and test when present; none for a task never scored; never training), the
 *     features' example indices pointing into these lists
 */
public record FeaturizedTask(Task task, List<String> labels, Map<Split, Features> features,
        Map<Split, List<Example>> scoringExamples) {
    private static final Logger LOG = LoggerFactory.getLogger(FeaturizedTask.class);

    /**
     * Copies the collections and checks that training and validation features exist and that no
     * training examples are given.
     *
     * @param task the task
     * @param labels its label set (empty for QA and multiple choice)
     * @param features features per split present
     * @param scoringExamples the examples the features of each scored split were made from
     *     (validation, and test when present; none for a task never scored; never training), the
     *     features' example indices pointing into these lists
     * @throws IllegalArgumentException if training or validation features are missing, or
     *     {@code scoringExamples} has a training entry
     */
    public FeaturizedTask {
        Objects.requireNonNull(task, "task");
        labels = List.copyOf(labels);
        EnumMap<Split, Features> f = new EnumMap<>(Split.class);
        f.putAll(features);
        features = Collections.unmodifiableMap(f);
        if (scoringExamples.containsKey(Split.TRAIN)) {
            // kept, they would hold the whole training text for as long as the task lives
            throw new IllegalArgumentException("task " + task.name() + ": training examples are not kept once featurized,"
                    + " found " + scoringExamples.get(Split.TRAIN).size() + "; give the scored splits' examples only");
        }
        EnumMap<Split, List<Example>> e = new EnumMap<>(Split.class);
        scoringExamples.forEach((k, v) -> e.put(k, List.copyOf(v)));
        scoringExamples = Collections.unmodifiableMap(e);
        if (!features.containsKey(Split.TRAIN) || !features.containsKey(Split.VALIDATION)) {
            throw new IllegalArgumentException("task " + task.name() + ": training and validation features are required, found "
                    + features.keySet());
        }
    }

    /**
     * Returns the task's name.
     *
     * @return the name
     */
    public String name() {
        return task.name();
    }

    /**
     * Returns this task without any examples, for a task that is trained but never scored, as
     * pre-finetuning uses its tasks: training and the validation loss read only the features.
     *
     * @return a task with the same features and labels and no examples; {@link #score score} on
     *     it throws
     */
    public FeaturizedTask withoutExamples() {
        return scoringExamples.isEmpty() ? this : new FeaturizedTask(task, labels, features, Map.of());
    }

    /**
     * Returns the longest featurized row of any split, special tokens included: the positions an
     * encoder needs for this task.
     *
     * @return the row's length in tokens, 0 when no split has a row
     */
    public int longestRow() {
        int longest = 0;
        for (Features f : features.values()) {
            longest = Math.max(longest, longestRow(f));
        }
        return longest;
    }

    private static int longestRow(Features f) {
        return f.size() == 0 ? 0 : f.longestRow(java.util.stream.IntStream.range(0, f.size()).toArray());
    }

    /**
     * Returns the largest token id of any split, the pad id included: the vocabulary an encoder
     * needs for this task (more than {@code largestTokenId()} entries).
     *
     * @return the id, the pad id when no split has a row
     */
    public int largestTokenId() {
        int largest = 0;
        for (Features f : features.values()) {
            largest = Math.max(largest, f.tokens().largestId());
        }
        return largest;
    }

    /**
     * Tells why this task does not fit an encoder, so that callers refuse it before training: a row
     * longer than the encoder's positions fails only at the first batch holding it, and a token id
     * past its vocabulary (the pad id counts, as every padded batch holds it) only in the first
     * forward, either maybe deep into a run.
     *
     * @param positions the most tokens a row may have ({@code maxSequenceLength} of the encoder)
     * @param vocabSize the entries of the encoder's vocabulary
     * @return the reason, without the task's name: the split holding the longest row or the
     *     largest id, that value, the limit and what to change; empty when the task fits
     */
    public Optional<String> encoderMisfit(int positions, int vocabSize) {
        Split longestIn = null;
        int longest = 0;
        Split largestIn = null;
        int largest = -1;
        for (Map.Entry<Split, Features> e : features.entrySet()) { // in split order: the first split wins a tie
            int rowLength = longestRow(e.getValue());
            if (rowLength > longest) {
                longest = rowLength;
                longestIn = e.getKey();
            }
            int id = e.getValue().tokens().largestId();
            if (id > largest) {
                largest = id;
                largestIn = e.getKey();
            }
        }
        if (longest > positions) {
            return Optional.of("the " + splitName(longestIn) + " split has featurized rows of up to " + longest
                    + " tokens, beyond the " + positions + " positions of the encoder; featurize it with"
                    + " FeatureSettings lengths of at most " + positions + " (FeatureSettings.withLengths)");
        }
        if (largest >= vocabSize) {
            return Optional.of("the " + splitName(largestIn) + " split has token id " + largest + ", beyond the "
                    + vocabSize + "-entry vocabulary of the encoder; featurize it with the encoder's own tokenizer,"
                    + " the tokenizer.json its model was trained with");
        }
        return Optional.empty();
    }

    private static String splitName(Split split) {
        return split.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Returns the split scored for the report: test when present with at least one labelled example,
     * else validation. A test split without labels (GLUE's hidden test labels) would score 0 of 0.
     *
     * @return the split
     */
    public Split evaluationSplit() {
        Features test = features.get(Split.TEST);
        return test != null && hasLabels(test.report()) ? Split.TEST : Split.VALIDATION;
    }

    /** Whether a split keeps an example that a metric scores: the metrics leave unlabelled ones out. */
    private static boolean hasLabels(FeatureReport report) {
        return report.unlabelledCount() < report.examplesRead() - report.skippedCount();
    }

    /**
     * Returns how many classes the task's head predicts.
     *
     * @return the label count, the choice count, or 2 for QA
     */
    public int numLabels() {
        return task.format().numClasses(labels);
    }

    /**
     * Makes this task's head, as its format builds it.
     *
     * @param family the head layout matching the encoder
     * @param seed seed of the head's initial weights
     * @return the head, not yet initialized
     */
    public TaskHead newHead(HeadFamily family, long seed) {
        return task.format().newHead(numLabels(), family, seed);
    }

    /**
     * Scores a split's predictions with the task's metric, in the task's own terms (see each
     * {@link TaskFormat} for how logits become predictions).
     *
     * @param split the split that was predicted
     * @param logits one row-major logits entry per unit of the split, in unit order
     * @param width the last-axis size of each entry
     * @return the metric over the split's examples
     * @throws IllegalArgumentException if the split is absent, is the training split (whose examples
     *     are not kept), has no labelled example (a test split with hidden labels), the logits do
     *     not cover its units, or the width is not the head's {@link #numLabels()} or an entry's
     *     length is not a positive multiple of it
     * @throws NullPointerException if the split, the logits or an entry is null, naming it
     */
    public EvaluationResult score(Split split, List<float[]> logits, int width) {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(logits, "logits");
        Features f = features.get(split);
        if (f == null) {
            throw new IllegalArgumentException("scorer: task " + name() + " has no " + split + " split");
        }
        List<Example> examples = scoringExamples.get(split);
        if (examples == null) {
            throw new IllegalArgumentException("scorer: task " + name() + " keeps no " + split + " examples to score"
                    + " against (training examples are released once featurized, and a task made by withoutExamples()"
                    + " keeps none)");
        }
        if (logits.size() != f.size()) {
            throw new IllegalArgumentException("scorer: task " + name() + " " + split + " has " + f.size()
                    + " units, found " + logits.size() + " predictions");
        }
        checkLogits(logits, width);
        // counted over the examples, not the report: an unlabelled example the featurizer skipped is
        // no kept one, so the report leaves it out, and the metric leaves it out as well
        long unlabelled = examples.stream().filter(FeaturizedTask::unlabelled).count();
        if (examples.size() - unlabelled <= 0) {
            // a test split with hidden labels: the metric over no gold scored 0 % as if all were wrong
            throw new IllegalArgumentException("scorer: task " + name() + ": its " + split + " split has no labelled"
                    + " example to score (" + examples.size() + " examples, " + unlabelled + " unlabelled); "
                    + task.metric() + " over none has no value, not 0: score the task on a split with labelled"
                    + " examples, or leave it out of what is scored");
        }
        Evaluator evaluator = Evaluator.builder().setMetric(task.metric()).build();
        return task.format().score(f, examples, labels, logits, width, evaluator);
    }

    /** Whether an example has no gold for a metric to score: no label, no right choice, no answer. */
    private static boolean unlabelled(Example e) {
        if (e instanceof TextExample t) {
            return t.label() == null;
        }
        if (e instanceof ChoiceExample c) {
            return c.label() < 0;
        }
        if (e instanceof QaExample q) {
            return q.references().isEmpty();
        }
        return false;
    }

    /**
     * Refuses logits of another head: a width other than the head's read labels beyond the label
     * list, or read only some of them and scored the rest silently.
     */
    private void checkLogits(List<float[]> logits, int width) {
        if (width != numLabels()) {
            throw new IllegalArgumentException("scorer: task " + name() + ": logits must be " + numLabels()
                    + " wide, as its head predicts " + task.format().label() + " labels, found width " + width);
        }
        for (int i = 0; i < logits.size(); i++) {
            float[] row = logits.get(i);
            if (row == null) {
                throw new NullPointerException("scorer: task " + name() + ": logits entry " + i + " is null");
            }
            if (row.length == 0 || row.length % width != 0) {
                throw new IllegalArgumentException("scorer: task " + name() + ": logits entry " + i + " holds "
                        + row.length + " values, not a positive multiple of the width " + width);
            }
        }
    }

    /**
     * Featurizes a task's data. The returned task keeps the validation and test examples, not the
     * training ones (see the class documentation).
     *
     * @param data the task's examples, from its files or built in memory
     * @param tokenizer the encoder's tokenizer (not owned)
     * @param settings lengths and example caps
     * @return the featurized task
     * @throws IOException if the tokenizer fails
     * @throws UnfeaturizableTaskException if the data has no training examples, has fewer than 2
     *     labels, has no validation examples and too few training examples to hold some out, or
     *     featurization skipped every training or every validation example
     */
    public static FeaturizedTask featurize(TaskData data, SubwordTokenizer tokenizer, FeatureSettings settings)
            throws IOException {
        return featurize(data, tokenizer, settings, FeaturizationListener.NONE);
    }

    /**
     * Featurizes a task's data as {@link #featurize(TaskData, SubwordTokenizer, FeatureSettings)}
     * does, reporting each split's progress in the steps {@link FeaturizationListener} documents,
     * one split after the other (train, validation, then test), each named {@code task/split}
     * ({@code conll2003-en/train}).
     *
     * @param data the task's examples, from its files or built in memory
     * @param tokenizer the encoder's tokenizer (not owned)
     * @param settings lengths and example caps
     * @param listener hears each split's progress, on this thread
     * @return the featurized task
     * @throws IOException if the tokenizer fails
     * @throws UnfeaturizableTaskException as the three-argument form
     */
    public static FeaturizedTask featurize(TaskData data, SubwordTokenizer tokenizer, FeatureSettings settings,
            FeaturizationListener listener) throws IOException {
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(settings, "settings");
        Task task = data.task();
        requireTraining(data);
        if (task.format().hasLabelSet() && task.format().numClasses(data.labels()) < 2) {
            // a head of one class learns nothing; refused here, where the grid leaves the task out, not at the head
            throw new UnfeaturizableTaskException(task.name(), "its label set " + data.labels()
                    + " has fewer than 2 classes, and a head needs at least 2 (" + whyFewClasses(data) + ")");
        }
        Map<Split, List<Example>> ex = sampled(data, settings);
        Map<Split, Features> f = new EnumMap<>(Split.class);
        for (Map.Entry<Split, List<Example>> e : ex.entrySet()) {
            f.put(e.getKey(), task.format().featurize(e.getValue(), data.labels(), tokenizer, settings,
                    task.name() + "/" + splitName(e.getKey()), listener));
        }
        // nothing to train on cannot join a sampler; nothing to validate on selects no epoch and no
        // learning rate, and scores every example as wrong: say why here rather than fail or mislead later
        for (Split split : List.of(Split.TRAIN, Split.VALIDATION)) {
            Features made = f.get(split);
            if (made.size() == 0) {
                Map<Split, FeatureReport> reports = new EnumMap<>(Split.class);
                f.forEach((k, v) -> reports.put(k, v.report()));
                throw new UnfeaturizableTaskException(task.name(), "featurization skipped all "
                        + ex.get(split).size() + " " + (split == Split.TRAIN ? "training" : "validation") + " examples "
                        + made.report().skipped(), reports);
            }
        }
        FeatureReport validation = f.get(Split.VALIDATION).report();
        int kept = validation.examplesRead() - validation.skippedCount();
        if (!hasLabels(validation)) {
            // the metrics leave unlabelled examples out: every run would score 0 of 0, reported as 0.0
            throw new UnfeaturizableTaskException(task.name(), "none of its " + kept + " validation examples has a label ("
                    + validation.unlabelledCount() + " unlabelled): nothing would select the epoch or the learning rate,"
                    + " and no example could be scored" + readerWithoutLabel(data, "; "));
        }
        Features test = f.get(Split.TEST);
        if (test != null && !hasLabels(test.report())) {
            LOG.info("task {}: none of its {} test examples has a label; its report scores validation instead",
                    task.name(), test.report().examplesRead() - test.report().skippedCount());
        }
        ex.remove(Split.TRAIN);
        return new FeaturizedTask(task, data.labels(), f, ex);
    }

    /**
     * Returns the examples {@link #featurize featurize} makes features of, per split: the training
     * split less the hold-out when the data has no validation examples, and each split sampled
     * down to the settings' caps with their seed. The lists are the ones the features' example
     * indices point into, so code that needs training examples after featurization (which the
     * featurized task does not keep) reads the task's data again and takes them from here.
     *
     * @param data the task's examples
     * @param settings the example caps and their seed, as given to {@link #featurize featurize}
     * @return the examples per split (training, validation, and test when present), in file order
     * @throws UnfeaturizableTaskException if the data has no training examples, or no validation
     *     examples and too few training examples to hold some out
     */
    public static Map<Split, List<Example>> sampledExamples(TaskData data, FeatureSettings settings) {
        Map<Split, List<Example>> out = new EnumMap<>(Split.class);
        sampled(data, settings).forEach((split, examples) -> out.put(split, List.copyOf(examples)));
        return Collections.unmodifiableMap(out);
    }

    private static Map<Split, List<Example>> sampled(TaskData data, FeatureSettings settings) {
        Objects.requireNonNull(settings, "settings");
        requireTraining(data);
        Task task = data.task();
        List<Example> train = data.split(Split.TRAIN);
        List<Example> validation = data.split(Split.VALIDATION);
        List<Example> test = data.split(Split.TEST);
        if (validation.isEmpty()) {
            SeededSplit<Example> s = SeededSplit.of(train, SeededSplit.DEFAULT_SEED);
            if (s.validation().isEmpty()) {
                // nothing would select the epoch or the learning rate, and a target would be scored on no example
                throw new UnfeaturizableTaskException(task.name(), "no validation split, and its " + train.size()
                        + " training examples are too few to hold out a fifth (at least 3 are needed)");
            }
            train = s.train();
            validation = s.validation();
            LOG.info("task {}: no validation split, held out {} of {} training examples", task.name(),
                    validation.size(), data.split(Split.TRAIN).size());
        }
        SplittableRandom rnd = new SplittableRandom(settings.sampleSeed() ^ task.name().hashCode());
        Map<Split, List<Example>> ex = new EnumMap<>(Split.class);
        ex.put(Split.TRAIN, sample(train, settings.maxTrainExamples(), rnd.split()));
        ex.put(Split.VALIDATION, sample(validation, settings.maxEvalExamples(), rnd.split()));
        if (!test.isEmpty()) {
            ex.put(Split.TEST, sample(test, settings.maxEvalExamples(), rnd.split()));
        }
        return ex;
    }

    /**
     * Says where a label set of fewer than 2 classes came from: declared, or learned from training
     * examples that hold no label at all (a reader built without its label column) or a single one.
     */
    private static String whyFewClasses(TaskData data) {
        Task task = data.task();
        if (!task.labels().isEmpty()) {
            return "the set declared with Task.Builder.optLabels";
        }
        List<Example> train = data.split(Split.TRAIN);
        if (train.stream().allMatch(e -> task.format().labelsOf(e).isEmpty())) {
            return "none of its " + train.size() + " training examples has a label" + readerWithoutLabel(data, ": ");
        }
        return "the training data shows a single label";
    }

    /**
     * Asks whether a split read without labels had a reader built without its label column, for the
     * text formats whose readers leave it out unless {@code optLabel} is given; empty for the others
     * and for data made in memory (no read reports), which no reader read.
     */
    private static String readerWithoutLabel(TaskData data, String separator) {
        boolean read = !data.reports().isEmpty();
        return read && data.task().format().exampleType() == TextExample.class
                ? separator + "was its reader built without optLabel?" : "";
    }

    private static void requireTraining(TaskData data) {
        if (data.split(Split.TRAIN).isEmpty()) {
            throw new UnfeaturizableTaskException(data.task().name(), "no training examples" + whyNoTraining(data));
        }
    }

    /**
     * Names the train file (or a one-file dataset's hold-out file) behind an empty training split:
     * {@code Task.load} skips a split whose file is absent, so a misspelt path shows only here. Data
     * made in memory has no read reports and gets no file named.
     */
    private static String whyNoTraining(TaskData data) {
        TaskSource source = data.task().source();
        // a one-file dataset's training split comes from its hold-out file, which splits() leaves out
        SplitSource train = source.splits().getOrDefault(Split.TRAIN, source.holdOut().orElse(null));
        if (train == null) {
            return ": its TaskSource names no train file (add one with TaskSource.Builder.add(Split.TRAIN, path,"
                    + " reader), or a one-file dataset with optHoldOut)";
        }
        if (data.reports().isEmpty()) {
            return "";
        }
        String file = source.holdOut().isPresent() ? "hold-out file " + train.path() + " (train and validation)"
                : "train file " + train.path();
        if (!data.reports().containsKey(train.path())) {
            return ": its " + file + " was not read, as it is not under the data root (Task.load"
                    + " reads the splits whose files exist; Task.availability lists the paths it looked for)";
        }
        return ": its " + file + " gave none (its ReadReport in TaskData.reports() counts what was"
                + " read and skipped)";
    }

    private static List<Example> sample(List<Example> all, int cap, SplittableRandom rnd) {
        if (cap == 0 || all.size() <= cap) {
            return all;
        }
        // a seeded partial shuffle, then the chosen examples in file order
        int[] idx = new int[all.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < cap; i++) {
            int j = i + rnd.nextInt(idx.length - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] chosen = java.util.Arrays.copyOf(idx, cap);
        java.util.Arrays.sort(chosen);
        List<Example> out = new ArrayList<>(cap);
        for (int i : chosen) {
            out.add(all.get(i));
        }
        return out;
    }
}
