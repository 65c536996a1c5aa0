package io.github.prefine.core.grid;

import ai.djl.Device;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.train.Precision;
import io.github.prefine.core.train.Trainer;
import io.github.prefine.core.train.TrainingListener;
import io.github.prefine.eval.stats.SeedDifference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The values a {@link Grid} is made of, one field per option of {@link Grid.Builder}, each holding
 * the default its {@code opt} method documents until set: what the grid's sessions, runners,
 * checks ({@link GridChecks}) and run record ({@link RunManifest}) read, as HF's
 * {@code TrainingArguments} are what its {@code Trainer} reads.
 *
 * <p>Mutable while a builder fills its own. A grid holds a {@link #copy()} made by {@code
 * build()} that nothing writes afterwards, published through the grid's final field, so the grid
 * stays immutable and safe to share; a builder made from a grid starts from another copy.
 */
final class GridConfig {
    Path encoder;
    TaskDataSource data;
    List<Task> pool;
    List<TaskGroup> groups;
    List<Task> targets;
    Path out;
    List<Long> seeds = List.of(1L, 2L, 3L, 4L, 5L);
    List<Double> learningRates = Trainer.defaultLearningRates();
    /** Null: the pre-finetuning grid ({@link Grid#targetLearningRates()}), so that toBuilder keeps that default. */
    List<Double> targetLearningRates;
    int batchSize = 128;
    int targetBatchSize = Grid.DEFAULT_TARGET_BATCH_SIZE;
    int maxEpochs = 20;
    int targetMaxEpochs = 20;
    int patience = 3;
    double warmupRatio;
    GridSampling sampling = GridSampling.PROPORTIONAL;
    int logEvery = 50;
    long prefinetuneSeed = 42;
    FeatureSettings features = FeatureSettings.paper();
    Device device = Device.cpu();
    Precision precision = Precision.FLOAT32;
    boolean strict;
    Function<String, TrainingListener> progress = label -> new TrainingListener() {};
    FeaturizationListener featurization = FeaturizationListener.NONE;
    long pollMillis = 2000;
    Duration claimTimeout = Duration.ofHours(Grid.DEFAULT_CLAIM_TIMEOUT_HOURS);
    Split reportSplit = Split.VALIDATION;
    LearningRateSelection lrSelection = LearningRateSelection.PER_TARGET;
    int scheduleEpochs = 20;
    int targetScheduleEpochs = 20;
    boolean allowPartial;
    /** Option name to value, in display order, as recorded in {@code run.json}. */
    Map<String, String> options = Map.of();
    boolean force;
    ModelExports exportModels = ModelExports.NONE;
    double alpha = SeedDifference.ALPHA;

    /**
     * Copies every value; lists and the options become unmodifiable copies (a list already
     * unmodifiable is kept), so that the copy shares nothing a caller may change.
     *
     * @return the copy
     */
    GridConfig copy() {
        GridConfig c = new GridConfig();
        c.encoder = encoder;
        c.data = data;
        c.pool = copyOf(pool);
        c.groups = copyOf(groups);
        c.targets = copyOf(targets);
        c.out = out;
        c.seeds = copyOf(seeds);
        c.learningRates = copyOf(learningRates);
        c.targetLearningRates = copyOf(targetLearningRates);
        c.batchSize = batchSize;
        c.targetBatchSize = targetBatchSize;
        c.maxEpochs = maxEpochs;
        c.targetMaxEpochs = targetMaxEpochs;
        c.patience = patience;
        c.warmupRatio = warmupRatio;
        c.sampling = sampling;
        c.logEvery = logEvery;
        c.prefinetuneSeed = prefinetuneSeed;
        c.features = features;
        c.device = device;
        c.precision = precision;
        c.strict = strict;
        c.progress = progress;
        c.featurization = featurization;
        c.pollMillis = pollMillis;
        c.claimTimeout = claimTimeout;
        c.reportSplit = reportSplit;
        c.lrSelection = lrSelection;
        c.scheduleEpochs = scheduleEpochs;
        c.targetScheduleEpochs = targetScheduleEpochs;
        c.allowPartial = allowPartial;
        c.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        c.force = force;
        c.exportModels = exportModels;
        c.alpha = alpha;
        return c;
    }

    private static <T> List<T> copyOf(List<T> list) {
        return list == null ? null : List.copyOf(list);
    }
}
