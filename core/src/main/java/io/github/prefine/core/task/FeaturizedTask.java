package io.github.prefine.core.task;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.SeededSplit;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.Features;
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
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task ready for training and scoring: its features and its (possibly sampled) examples per
 * split, and its label set.
 *
 * <p>Splits: training always; validation from the task's files, or, when the task has none, a
 * seeded 4:1 hold-out of its training data (refused below 3 training examples, where it would be
 * empty); test when the task has one. {@link
 * #evaluationSplit()} is test when present and validation otherwise (the paper reports on
 * validation where test labels are hidden). Immutable; holds no native memory.
 *
 * @param task the task
 * @param labels its label set (empty for QA and multiple choice)
 * @param features features per split present
 * @param examples the examples the features were made from, per split (feature example indices
 *     point into these lists)
 */
public record FeaturizedTask(Task task, List<String> labels, Map<Split, Features> features,
        Map<Split, List<Example>> examples) {
    private static final Logger LOG = LoggerFactory.getLogger(FeaturizedTask.class);

    /**
     * Copies the collections and checks that training and validation features exist.
     *
     * @param task the task
     * @param labels its label set (empty for QA and multiple choice)
     * @param features features per split present
     * @param examples the examples the features were made from, per split (feature example indices
     *     point into these lists)
     */
    public FeaturizedTask {
        Objects.requireNonNull(task, "task");
        labels = List.copyOf(labels);
        EnumMap<Split, Features> f = new EnumMap<>(Split.class);
        f.putAll(features);
        features = Collections.unmodifiableMap(f);
        EnumMap<Split, List<Example>> e = new EnumMap<>(Split.class);
        examples.forEach((k, v) -> e.put(k, List.copyOf(v)));
        examples = Collections.unmodifiableMap(e);
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
     * Returns the split scored for the report: test when present, else validation.
     *
     * @return the split
     */
    public Split evaluationSplit() {
        return features.containsKey(Split.TEST) ? Split.TEST : Split.VALIDATION;
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
     * @throws IllegalArgumentException if the split is absent or the logits do not cover its units
     */
    public EvaluationResult score(Split split, List<float[]> logits, int width) {
        Features f = features.get(split);
        if (f == null) {
            throw new IllegalArgumentException("scorer: task " + name() + " has no " + split + " split");
        }
        if (logits.size() != f.size()) {
            throw new IllegalArgumentException("scorer: task " + name() + " " + split + " has " + f.size()
                    + " units, found " + logits.size() + " predictions");
        }
        Evaluator evaluator = Evaluator.builder().setMetric(task.metric()).build();
        return task.format().score(f, examples.get(split), labels, logits, width, evaluator);
    }

    /**
     * Featurizes a task's data.
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
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(settings, "settings");
        Task task = data.task();
        List<Example> train = data.split(Split.TRAIN);
        List<Example> validation = data.split(Split.VALIDATION);
        List<Example> test = data.split(Split.TEST);
        if (train.isEmpty()) {
            throw new UnfeaturizableTaskException(task.name(), "no training examples");
        }
        if (task.format().hasLabelSet() && task.format().numClasses(data.labels()) < 2) {
            // a head of one class learns nothing; refused here, where the grid leaves the task out, not at the head
            throw new UnfeaturizableTaskException(task.name(), "its label set " + data.labels()
                    + " has fewer than 2 classes, and a head needs at least 2 (the training data shows a single label)");
        }
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
        Map<Split, Features> f = new EnumMap<>(Split.class);
        for (Map.Entry<Split, List<Example>> e : ex.entrySet()) {
            f.put(e.getKey(), task.format().featurize(e.getValue(), data.labels(), tokenizer, settings,
                    task.name() + "/" + e.getKey().name().toLowerCase(java.util.Locale.ROOT)));
        }
        // nothing to train on cannot join a sampler; nothing to validate on selects no epoch and no
        // learning rate, and scores every example as wrong: say why here rather than fail or mislead later
        for (Split split : List.of(Split.TRAIN, Split.VALIDATION)) {
            Features made = f.get(split);
            if (made.size() == 0) {
                throw new UnfeaturizableTaskException(task.name(), "featurization skipped all "
                        + ex.get(split).size() + " " + (split == Split.TRAIN ? "training" : "validation") + " examples "
                        + made.report().skipped());
            }
        }
        return new FeaturizedTask(task, data.labels(), f, ex);
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
