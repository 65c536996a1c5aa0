package io.github.prefine.core.grid;

import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.pipeline.TaskFinetuning;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.UnfeaturizableTaskException;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.train.FeatureBatchSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grid's one door to what varies by task format: featurization (cached per task for the
 * session), batch sources, heads and scoring. Every per-format call of the grid goes through
 * here, so a change of the format API touches this class only.
 *
 * <p>The cache keeps each task's features for the whole session, and of its examples only what
 * scoring reads: a target's validation and test examples. A featurized task keeps no training
 * examples, and a pre-finetuning task keeps none at all, since only targets are scored; the
 * examples read from the files are garbage once a task is featurized.
 *
 * <p>Owns the session's tokenizer (native memory of the Rust tokenizers): close it. Not
 * thread-safe.
 */
final class GridTasks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GridTasks.class);

    private final Path encoder;
    private final EncoderConfig config;
    private final TaskDataSource data;
    private final List<Task> targets;
    private final FeatureSettings settings;
    private final FeaturizationListener listener;
    private final Map<String, FeaturizedTask> featurized = new HashMap<>();
    private final Map<String, String> failures = new HashMap<>();
    /** The readers' reports of every task read so far, for the run's manifest and data report. */
    private final Map<String, DataReport.TaskReads> reads = new java.util.LinkedHashMap<>();
    private SubwordTokenizer tokenizer;

    GridTasks(Path encoder, EncoderConfig config, TaskDataSource data, List<Task> targets, FeatureSettings settings,
            FeaturizationListener listener) {
        this.encoder = encoder;
        this.config = config;
        this.data = data;
        this.targets = List.copyOf(targets);
        this.settings = settings;
        this.listener = listener;
    }

    /** Returns why the task's data is missing, or nothing. */
    List<String> missing(Task t) {
        return data.missing(t);
    }

    /**
     * Featurizes a task now; returns why it cannot be used, or nothing. Only the refusals that
     * {@link FeaturizedTask#featurize} documents leave a task out: any other exception is thrown.
     */
    List<String> featurizable(Task t) throws IOException {
        if (failures.containsKey(t.name())) {
            return List.of(failures.get(t.name()));
        }
        try {
            featurized(t);
            return List.of();
        } catch (UnfeaturizableTaskException e) {
            if (reads.containsKey(t.name())) {
                // the examples featurization skipped before the refusal were dropped too
                reads.put(t.name(), withFeatureSkips(reads.get(t.name()), e.featureReports()));
            }
            failures.put(t.name(), GridSummary.UNFEATURIZABLE + e.getMessage());
            return List.of(failures.get(t.name()));
        }
    }

    FeaturizedTask featurized(Task t) throws IOException {
        FeaturizedTask f = featurized.get(t.name());
        if (f == null) {
            TaskData d = data.load(t, listener);
            reads.put(t.name(), DataReport.TaskReads.of(d));
            boolean target = targets.contains(t);
            if (!target) {
                d = d.without(Split.TEST); // pre-finetuning never scores a test split: do not featurize it
            }
            f = FeaturizedTask.featurize(d, tokenizer(), settings, listener);
            // refused here, before any training: the rows or ids would fail at the first batch holding them
            java.util.Optional<String> misfit = f.encoderMisfit(config.maxSequenceLength(), config.vocabSize());
            if (misfit.isPresent()) {
                throw new UnfeaturizableTaskException(t.name(), misfit.get());
            }
            if (!target) {
                // pre-finetuning reads features only (its validation loss too): the cache keeps no example
                f = f.withoutExamples();
            }
            reads.put(t.name(), withFeatureSkips(reads.get(t.name()), f));
            LOG.info("task {}: {} train / {} validation units", t.name(), f.features().get(Split.TRAIN).size(),
                    f.features().get(Split.VALIDATION).size());
            featurized.put(t.name(), f);
        }
        return f;
    }

    /**
     * Adds what featurization skipped (an example the tokenizer rejects, a word holding
     * whitespace) as a {@code features/<split>} entry per split, samples being example ids (file:line
     * for line-based files) with the reason, and the parts of kept examples it lost: the words the
     * maximum length cut, the answers in no single window and the answers passed over before the
     * target for covering no context token ({@link DataReport#PART_REASONS}).
     */
    static DataReport.TaskReads withFeatureSkips(DataReport.TaskReads reads, FeaturizedTask f) {
        Map<Split, io.github.prefine.core.features.FeatureReport> reports = new java.util.EnumMap<>(Split.class);
        f.features().forEach((split, features) -> reports.put(split, features.report()));
        return withFeatureSkips(reads, reports);
    }

    /** As {@link #withFeatureSkips(DataReport.TaskReads, FeaturizedTask)}, from each split's featurization report. */
    static DataReport.TaskReads withFeatureSkips(DataReport.TaskReads reads,
            Map<Split, io.github.prefine.core.features.FeatureReport> reports) {
        Map<String, io.github.prefine.core.data.ReadReport> files = new LinkedHashMap<>(reads.files());
        reports.forEach((split, r) -> {
            Map<String, Integer> skipped = new LinkedHashMap<>(r.skipped());
            for (String part : FEATURE_PARTS) {
                long n = r.counters().getOrDefault(part, 0L);
                if (n > 0) {
                    skipped.put(part, Math.toIntExact(n));
                }
            }
            if (!skipped.isEmpty()) {
                Map<String, List<String>> samples = new LinkedHashMap<>();
                r.skippedSamples().forEach((reason, ids) -> samples.put(reason,
                        ids.stream().map(id -> id + ": " + reason).toList()));
                files.put("features/" + split.name().toLowerCase(java.util.Locale.ROOT),
                        new io.github.prefine.core.data.ReadReport(r.name(), r.examplesRead(),
                                r.examplesRead() - r.skippedCount(), skipped, Map.of(), Map.of(), Map.of(), samples));
            }
        });
        return new DataReport.TaskReads(reads.validation(), files, reads.trainingCounts());
    }

    /** Feature report counters of parts that kept examples lost, copied into the data report. */
    private static final List<String> FEATURE_PARTS = List.of(
            io.github.prefine.core.features.TokenClassificationFeaturizer.WORDS_CUT,
            io.github.prefine.core.features.QaFeaturizer.NO_SINGLE_WINDOW,
            io.github.prefine.core.features.QaFeaturizer.ANSWERS_PASSED_OVER);

    /** The readers' reports of every task read so far, by task name. */
    Map<String, DataReport.TaskReads> reads() {
        return reads;
    }

    /** One batch source over the tasks, task i of the source being {@code tasks.get(i)}. */
    FeatureBatchSource source(List<FeaturizedTask> tasks) {
        return TaskFinetuning.source(tasks, config);
    }

    /** A fresh head for the task, its initialisation seeded from the run seed and the task name. */
    TaskHead head(FeaturizedTask t, long seed) {
        return TaskFinetuning.head(t, config, seed);
    }

    private SubwordTokenizer tokenizer() throws IOException {
        if (tokenizer == null) {
            tokenizer = SubwordTokenizer.builder().setTokenizerPath(encoder.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build();
        }
        return tokenizer;
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
            tokenizer = null;
        }
    }
}
