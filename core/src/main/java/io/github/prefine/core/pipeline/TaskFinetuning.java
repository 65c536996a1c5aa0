package io.github.prefine.core.pipeline;

import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.core.train.TargetFinetuning;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Finetuning a featurized task from an encoder saved as a Hugging Face folder, wired as the grid
 * wires its targets: the encoder loaded afresh for every seed, a fresh head of the task's format
 * whose initialisation is seeded from the run seed and the task name, batches with segment ids
 * only when the encoder has more than one segment type, and the task's metric in percent.
 *
 * <p>The returned {@link TargetFinetuning.Builder} is complete but for the trainer's settings
 * and the seeds, which the caller adds:
 *
 * <pre>{@code
 * TargetFinetuning f = TaskFinetuning.builder(encoderFolder, task)
 *         .optTrainer(t -> t.optBatchSize(32).optLearningRate(5e-5).optMaxEpochs(8))
 *         .optSeeds(List.of(1L, 2L, 3L))
 *         .build();
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class TaskFinetuning {
    private TaskFinetuning() {}

    /**
     * Wires the finetuning of a task from an encoder folder, reading the encoder's configuration
     * from the folder's {@code config.json}.
     *
     * @param encoderFolder a Hugging Face model folder ({@code config.json}, weights)
     * @param task the target, featurized with that encoder's tokenizer
     * @return a builder with encoder, head, data, metric and task name set
     * @throws IOException if the folder's configuration cannot be read
     */
    public static TargetFinetuning.Builder builder(Path encoderFolder, FeaturizedTask task) throws IOException {
        Objects.requireNonNull(encoderFolder, "encoderFolder");
        Objects.requireNonNull(task, "task");
        return builder(encoderFolder, EncoderConfig.fromJson(encoderFolder.resolve(EncoderCheckpoint.CONFIG_FILE)), task);
    }

    /**
     * Wires the finetuning of a task from an encoder folder whose configuration is known.
     *
     * @param encoderFolder a Hugging Face model folder
     * @param config the encoder's configuration (model type and hidden size pick the head)
     * @param task the target, featurized with that encoder's tokenizer
     * @return a builder with encoder, head, data, metric and task name set
     */
    public static TargetFinetuning.Builder builder(Path encoderFolder, EncoderConfig config, FeaturizedTask task) {
        Objects.requireNonNull(encoderFolder, "encoderFolder");
        Objects.requireNonNull(task, "task");
        return TargetFinetuning.builder()
                .setEncoder(m -> EncoderCheckpoint.load(encoderFolder, m).encoder(), config.hiddenSize())
                .setHead(seed -> head(task, config, seed))
                .setData(source(List.of(task), config))
                .setMetric(p -> TaskScorer.score(task, p.split(), p).percent())
                .optMetricName(task.task().metric().name())
                .optTaskName(task.name());
    }

    /**
     * Returns a fresh head for a task on an encoder of the given configuration: the head family
     * of the model type, its initialisation seeded from {@code seed} and the task's name (so every
     * task of a run gets its own draw, the same in every run with that seed).
     *
     * @param task the task
     * @param config the encoder's configuration
     * @param seed the run seed
     * @return the uninitialised head
     */
    public static TaskHead head(FeaturizedTask task, EncoderConfig config, long seed) {
        return task.newHead(MultiHeadModel.headFamily(config.modelType()), MultiHeadModel.Builder.headSeed(seed, task.name()));
    }

    /**
     * Returns one batch source over tasks for an encoder of the given configuration: without
     * segment ids when the encoder has a single segment type (RoBERTa, XLM-R).
     *
     * @param tasks the tasks, task {@code i} of the source being {@code tasks.get(i)}
     * @param config the encoder's configuration
     * @return the source
     */
    public static FeatureBatchSource source(List<FeaturizedTask> tasks, EncoderConfig config) {
        FeatureBatchSource source = FeatureBatchSource.of(TaskSet.of(tasks));
        return config.typeVocabSize() > 1 ? source : source.withoutTokenTypes();
    }
}
