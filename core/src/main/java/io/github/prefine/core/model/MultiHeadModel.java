package io.github.prefine.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.encoder.PretrainedPooler;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.head.HeadAdapter;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.heads.Head;
import io.github.prefine.heads.HeadFamily;
import io.github.prefine.kernels.EngineScalars;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shared encoder and one head per task, trained on heterogeneous batches: the encoder runs
 * once over all rows of a {@link MultiTaskBatch}, then each task's rows are gathered and sent to
 * that task's {@link TaskHead}.
 *
 * <p>Tasks are added in the order of their {@link TaskSet} ({@link Builder#addTasks}), each with
 * the head its format makes, so task {@code t} of a batch is the set's {@code t}-th task and its
 * head; {@link Builder#addHead} adds a hand-made head instead.
 *
 * <p>A head that pools ({@link io.github.prefine.heads.Head#poolerPrefix()}: BERT's sequence
 * classifier, every multiple-choice head) starts from its own copy of the encoder's {@link
 * TransformerEncoder#pretrainedPooler()} where it has one, as HF's {@code from_pretrained} loads a
 * task model's pooler from the checkpoint: one copy per head, as HF gives each task model finetuned
 * on its own its own pooler, rather than one pooler shared by the tasks. Each head logs at INFO where
 * its pooler came from; a model whose heads are loaded whole next skips both ({@link
 * Builder#optPretrainedPooler}).
 *
 * <p>The training loss of a batch is the mean over its examples of each example's task loss,
 * with no per-task weighting (the paper's setting); {@link TaskLossWeighting#LOG_NUM_LABELS} divides
 * each example's loss by the log of its task's label count, as Muppet does.
 *
 * <p><b>Native memory.</b> The model owns a sub-manager of the manager given to the builder; at
 * {@link Builder#build()} the encoder's and every head's parameter arrays are attached to it, so
 * they live until {@link #close()}, which is idempotent. Arrays returned by {@link #forward} live
 * in the manager passed to that call (a per-step manager), never in the model's.
 *
 * <p>Not thread-safe: one thread trains or predicts at a time.
 */
public final class MultiHeadModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MultiHeadModel.class);
    /** System property choosing whether heads of one kind run stacked (see {@link #forward}). */
    public static final String HEADS_PROPERTY = "prefine.heads";
    /**
     * Encoders whose parameters an open model owns: a second model would take them into its own
     * manager, and closing either would free the other's encoder. Weak: an encoder dropped with an
     * unclosed model does not stay reachable from here.
     */
    private static final Set<Block> OWNED_ENCODERS = Collections.newSetFromMap(new java.util.WeakHashMap<>());

    private final NDManager manager;
    private final Block encoder;
    private final int hiddenSize;
    private final List<String> taskNames;
    private final List<TaskHead> heads;
    private final TaskLossWeighting lossWeighting;
    /** Whether the encoder reads segment ids; batches' ids are dropped when it has one type only. */
    private final boolean tokenTypes;
    private final List<NamedParameter> encoderParameters;
    private final List<List<NamedParameter>> headParameters;
    /** Routes each forward's rows from the encoder to the heads. */
    private final MultiTaskForward forwardPass;
    private boolean closed;

    private MultiHeadModel(Builder b) {
        this.manager = b.manager.newSubManager();
        this.encoder = b.encoder;
        this.hiddenSize = b.hiddenSize;
        this.taskNames = List.copyOf(b.heads.keySet());
        this.heads = List.copyOf(b.made);
        this.lossWeighting = b.lossWeighting;
        this.tokenTypes = b.tokenTypes;
        this.encoderParameters = collect("encoder.", encoder);
        List<NDManager> owners = new ArrayList<>();
        List<List<NamedParameter>> hp = new ArrayList<>();
        try {
            for (NamedParameter p : encoderParameters) {
                NDArray a = p.parameter().getArray();
                owners.add(a.getManager());
                a.attach(manager);
            }
            for (int t = 0; t < heads.size(); t++) {
                TaskHead head = heads.get(t);
                head.initialize(manager, hiddenSize, b.initializerRange, b.headDropout, b.hiddenDropout);
                if (b.pretrainedPooler) {
                    startPooler(taskNames.get(t), head, encoder);
                }
                List<NamedParameter> ps = collect("heads." + taskNames.get(t) + ".", head.block());
                for (NamedParameter p : ps) {
                    p.parameter().getArray().attach(manager);
                }
                hp.add(ps);
            }
        } catch (RuntimeException | Error e) {
            // failure-atomic: the encoder's arrays go back to the managers they came from, and what
            // the heads made is freed, not left in a sub-manager nothing would close before the caller's
            for (int k = 0; k < owners.size(); k++) {
                NDArray a = encoderParameters.get(k).parameter().getArray();
                try {
                    a.attach(owners.get(k));
                } catch (RuntimeException back) {
                    // its manager closed meanwhile (which would have freed it): freed with this one's,
                    // the rollback going on and the head's failure the one thrown
                    e.addSuppressed(back);
                    a.attach(manager);
                }
            }
            try {
                manager.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        this.headParameters = List.copyOf(hp);
        this.forwardPass = new MultiTaskForward(encoder, heads, lossWeighting, tokenTypes);
    }

    /**
     * Starts a pooling head's pooler from the encoder's pretrained one, as HF's {@code
     * from_pretrained} does, or says that it stays at its random draw. Each head gets its own copy,
     * as HF gives each task model its own when each task is finetuned on its own.
     */
    private void startPooler(String task, TaskHead head, Block encoder) {
        if (!(head.block() instanceof Head h) || h.poolerPrefix().isEmpty()) {
            return;
        }
        String key = h.poolerPrefix().get();
        PretrainedPooler pooler = encoder instanceof TransformerEncoder te ? te.pretrainedPooler().orElse(null) : null;
        if (pooler == null) {
            LOG.info("head {}: pooler {}.* initialized at random: the encoder's checkpoint has no pooler", task, key);
            return;
        }
        pooler.copyInto(h, manager);
        LOG.info("head {}: pooler {}.* copied from the pretrained pooler of {}", task, key, pooler.source());
    }

    private static List<NamedParameter> collect(String prefix, Block block) {
        List<NamedParameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.add(new NamedParameter(prefix + p.getKey(), p.getValue()));
        }
        return Collections.unmodifiableList(out);
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
     * Returns the head layout matching an encoder family: HF's BERT heads pool with a dense
     * layer, RoBERTa's and XLM-R's classify through their own dense layer.
     *
     * @param family the encoder's family
     * @return BERT for BERT, ROBERTA for RoBERTa and XLM-R
     */
    public static HeadFamily headFamily(ModelFamily family) {
        return family == ModelFamily.BERT ? HeadFamily.BERT : HeadFamily.ROBERTA;
    }

    /**
     * Returns the manager owning the parameters; training code opens its sub-managers from it.
     *
     * @return the model's manager
     */
    public NDManager getManager() {
        return manager;
    }

    /**
     * Returns the shared encoder block.
     *
     * @return the encoder
     */
    public Block encoder() {
        return encoder;
    }

    /**
     * Returns the encoder's hidden size.
     *
     * @return hidden size
     */
    public int hiddenSize() {
        return hiddenSize;
    }

    /**
     * Returns the number of tasks (heads).
     *
     * @return the task count
     */
    public int numTasks() {
        return heads.size();
    }

    /**
     * Returns the task names in task-index order.
     *
     * @return task names
     */
    public List<String> taskNames() {
        return taskNames;
    }

    /**
     * Returns a task's head.
     *
     * @param task the task index
     * @return the head
     * @throws IndexOutOfBoundsException if {@code task} is not in {@code [0, numTasks)}, naming the tasks
     */
    public TaskHead head(int task) {
        return heads.get(checkTask(task));
    }

    /**
     * Returns how task losses are weighted.
     *
     * @return the weighting
     */
    public TaskLossWeighting taskLossWeighting() {
        return lossWeighting;
    }

    /**
     * Returns the encoder parameters that mixed precision computes in 16 bits: those of an {@link
     * io.github.prefine.core.encoder.Encoder}, none for a plain block.
     *
     * @return an identity-based, unmodifiable set
     */
    public java.util.Set<Parameter> halfPrecisionParameters() {
        return encoder instanceof io.github.prefine.core.encoder.Encoder e ? e.halfPrecisionParameters() : java.util.Set.of();
    }

    /**
     * Returns the encoder's parameters under {@code encoder.} keys.
     *
     * @return the parameters, in block order
     * @throws IllegalStateException if the model is closed: its arrays are freed
     */
    public List<NamedParameter> encoderParameters() {
        checkOpen();
        return encoderParameters;
    }

    /**
     * Returns one head's parameters under {@code heads.<task>.} keys.
     *
     * @param task the task index
     * @return the parameters, in block order
     * @throws IndexOutOfBoundsException if {@code task} is not in {@code [0, numTasks)}, naming the tasks
     * @throws IllegalStateException if the model is closed: its arrays are freed
     */
    public List<NamedParameter> headParameters(int task) {
        checkOpen();
        return headParameters.get(checkTask(task));
    }

    /**
     * Returns every parameter: the encoder's, then each head's in task order.
     *
     * @return all parameters
     * @throws IllegalStateException if the model is closed: its arrays are freed
     */
    public List<NamedParameter> parameters() {
        checkOpen();
        List<NamedParameter> all = new ArrayList<>(encoderParameters);
        for (List<NamedParameter> h : headParameters) {
            all.addAll(h);
        }
        return all;
    }

    /**
     * Returns the parameters a batch with the given tasks trains: the encoder's and those tasks'
     * heads'. Heads of absent tasks are left out, so the optimiser does not touch them.
     *
     * @param tasks task indices present, each once
     * @return the active parameters
     * @throws IndexOutOfBoundsException if an index is not in {@code [0, numTasks)}, naming the tasks
     * @throws IllegalStateException if the model is closed: its arrays are freed
     */
    public List<NamedParameter> activeParameters(int[] tasks) {
        checkOpen();
        Objects.requireNonNull(tasks, "tasks");
        List<NamedParameter> out = new ArrayList<>(encoderParameters);
        for (int t : tasks) {
            out.addAll(headParameters.get(checkTask(t)));
        }
        return out;
    }

    /**
     * Says how {@link #forward} sends a batch's host arrays to a device: one array at a time
     * (direct, CPUs), or gathered into one copy per data type (packed, GPUs), non-blocking where
     * that copy passed its probe on the device. For benchmarks and logs.
     *
     * @param device the device
     * @return a short description
     * @throws IllegalArgumentException if {@code -Dprefine.batchUpload} holds an unknown value
     */
    public static String batchUpload(ai.djl.Device device) {
        return BatchUpload.describe(device);
    }

    /**
     * Runs the encoder once over the batch and each present task's head over its rows.
     *
     * <p>All arrays are created in {@code stepManager}, which must be on the model's device (a
     * sub-manager of {@link #getManager()} is). Call inside a gradient collector to train. A head
     * that prepares its loss targets on the host ({@link TaskHead#lossTargets}, as every built-in
     * format does) has its task's loss summed from them; another head's {@link
     * TaskHead#exampleLosses} are summed instead. Heads of the same kind (token, sequence or span
     * heads of the built-in formats, {@link HeadAdapter#stacksWith}) run stacked when two or more are
     * in a batch: one concatenated layer and one loss for all of them, so the operations of a step
     * do not grow with the number of tasks of a kind ({@code -Dprefine.heads=separate} runs them one
     * by one). On a GPU the batch's host arrays reach the device in one non-blocking copy per data
     * type, which does not wait for the device ({@code -Dprefine.batchUpload=packed|direct}
     * overrides the choice).
     *
     * @param stepManager the manager that owns the batch arrays and every result
     * @param batch the host batch
     * @param training true for a training forward (dropout on)
     * @return per-task logits and losses, owned by {@code stepManager}
     */
    public Output forward(NDManager stepManager, MultiTaskBatch batch, boolean training) {
        return forward(stepManager, batch, training, new ParameterStore(stepManager, false));
    }

    /**
     * Like {@link #forward(NDManager, MultiTaskBatch, boolean)}, with the parameter store the
     * encoder and heads read their weights from: for mixed precision, an
     * {@link io.github.prefine.core.precision.HalfPrecisionStore} handing out float16 copies; for
     * data-parallel training, a store serving a replica of the parameters on another device.
     *
     * @param stepManager the manager that owns the batch arrays and every result; its device is
     *     the device the forward runs on
     * @param batch the host batch
     * @param training true for a training forward (dropout on)
     * @param ps the parameter store for this step, on {@code stepManager}'s device
     * @return per-task logits and losses, owned by {@code stepManager}
     */
    public Output forward(NDManager stepManager, MultiTaskBatch batch, boolean training, ParameterStore ps) {
        checkOpen();
        Objects.requireNonNull(ps, "ps");
        return forwardPass.run(stepManager, batch, training, ps);
    }

    /** Groups a batch's slices into units, as {@link MultiTaskForward#units} does; for tests. */
    List<int[]> units(List<TaskSlice> slices) {
        return forwardPass.units(slices);
    }

    /**
     * Says whether {@link #forward} runs the heads of one kind stacked ({@code
     * -Dprefine.heads=stacked}, the default) or one after another ({@code separate}). For
     * benchmarks and logs.
     *
     * @return true when stacked
     * @throws IllegalArgumentException if the property holds another value
     */
    public static boolean stacksHeads() {
        String v = System.getProperty(HEADS_PROPERTY, "stacked");
        return switch (v) {
            case "stacked" -> true;
            case "separate" -> false;
            default -> throw new IllegalArgumentException("-D" + HEADS_PROPERTY + " must be stacked or separate, found '"
                    + v + "'");
        };
    }

    /**
     * Writes the encoder alone as a Hugging Face folder, the hand-over to target finetuning.
     *
     * @param dir the folder
     * @param writer the encoder implementation's HF writer
     * @throws IOException if writing fails
     */
    public void saveEncoder(Path dir, EncoderWriter writer) throws IOException {
        checkOpen();
        ModelFiles.saveEncoder(this, dir, writer);
    }

    /**
     * Writes the encoder and every head: {@code dir/encoder/} (HF folder through {@code writer}),
     * {@code dir/heads.safetensors} (head tensors under {@code heads.<task>.} keys, which for the
     * {@code heads} module's heads end in the HF key, e.g. {@code heads.ner.classifier.weight}), and {@code
     * dir/prefine-model.json} (task names, label counts, hidden size, task loss weighting: version 1, without
     * the formats, label names, lengths and tokenizer that {@code core.predict.ModelExport} adds for use on new text).
     *
     * <p>With a null writer the encoder tensors go to {@code dir/encoder.safetensors} instead, which
     * {@link #loadParameters} also reads; with a writer, such a file left by an earlier save is
     * deleted.
     *
     * <p>The manifest is deleted first and written last, so a folder is read back only once a save
     * has finished: one that fails or is killed midway leaves no manifest, rather than an earlier
     * save's over a mix of that model's tensors and this one's.
     *
     * @param dir the folder to create or fill
     * @param writer the encoder's HF writer, or {@code null}
     * @throws IOException if writing fails
     */
    public void save(Path dir, EncoderWriter writer) throws IOException {
        checkOpen();
        ModelFiles.save(this, dir, writer);
    }

    /**
     * Loads head tensors (and encoder tensors when saved without an HF writer) from a folder
     * written by {@link #save}, into this model's parameters in place. The encoder written as an
     * HF folder is loaded by the encoder implementation when building the model instead.
     *
     * @param dir the folder
     * @throws IOException if a file is missing or a tensor is absent or has the wrong shape
     * @throws io.github.prefine.core.checkpoint.MalformedCheckpointException naming {@code
     *     prefine-model.json} if the folder lacks it (no saved model, or a save that did not
     *     finish), or if a tensor holds NaN or infinite values (a diverged run's); the model's
     *     parameters are then left as they were
     */
    public void loadParameters(Path dir) throws IOException {
        checkOpen();
        ModelFiles.loadParameters(this, dir);
    }

    /**
     * Overwrites parameter values in place from arrays keyed like {@link #parameters()}. Floating-point
     * values are converted to each parameter's dtype (float32 values into a float16 encoder are
     * rounded to float16; a finite value beyond float16's range is refused, not made infinite); NaN
     * and infinite values are refused. Every key, shape, dtype and value is checked before any value
     * is copied, so a refusal leaves the parameters as they were.
     *
     * @param values key to array (extra keys are an error)
     * @param required keys that must be present
     * @param source where the values came from, for messages
     * @throws IOException if a required key is missing, a key is unknown, a shape differs, a value is
     *     not floating-point where the parameter is, a value is NaN or infinite, or a finite value
     *     overflows the parameter's dtype
     */
    public void setValues(Map<String, NDArray> values, Set<String> required, String source) throws IOException {
        checkOpen();
        ModelFiles.setValues(this, values, required, source);
    }

    /**
     * Returns the current arrays of the given parameters under their keys (live arrays, not
     * copies).
     *
     * @param params the parameters
     * @return key to array, in the given order
     */
    public static Map<String, NDArray> arrays(List<NamedParameter> params) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (NamedParameter p : params) {
            out.put(p.key(), p.parameter().getArray());
        }
        return out;
    }

    /** A task index in range, or a refusal naming the model's tasks, as {@code Trainer.predict} names them. */
    private int checkTask(int task) {
        if (task < 0 || task >= heads.size()) {
            throw new IndexOutOfBoundsException("model: task " + task + " is out of range [0, " + heads.size() + ") of "
                    + taskNames);
        }
        return task;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("model: already closed");
        }
        if (!manager.isOpen()) {
            // closing the builder's manager closes the model's sub-manager and every parameter with it
            throw new IllegalStateException("model: the manager given to setManager was closed, and the parameters"
                    + " with it");
        }
    }

    /** Frees every parameter array; later calls do nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
            synchronized (OWNED_ENCODERS) {
                OWNED_ENCODERS.remove(encoder);
            }
        }
    }

    /**
     * The result of one forward: device arrays owned by the step manager.
     *
     * <p>The loss sum is computed by the forward; a task's logits and loss sum, where its head ran
     * stacked with others of its kind, are views of the stacked arrays made on first request
     * (while the step manager is open), so a training step that reads only the loss makes no
     * operation for them.
     */
    public static final class Output {
        private final NDArray lossSum;
        private final int numExamples;
        private final NDArray[] taskLossSums;
        private final NDArray[] logits;
        private final IntFunction<NDArray> lossSumOf;
        private final IntFunction<NDArray> logitsOf;
        private List<NDArray> taskLossSumList;
        private List<NDArray> logitsList;

        /**
         * Wraps a forward's arrays.
         *
         * @param lossSum scalar float32: the sum over examples of each example's (scaled) task loss
         * @param numExamples the examples in this batch
         * @param taskLossSums per slice, in slice order: scalar float32 sum of unscaled example losses
         * @param logits per slice, in slice order: the head's logits (shapes as {@link TaskHead#logits})
         */
        public Output(NDArray lossSum, int numExamples, List<NDArray> taskLossSums, List<NDArray> logits) {
            this(lossSum, numExamples, taskLossSums.toArray(NDArray[]::new), logits.toArray(NDArray[]::new), null,
                    null);
            if (taskLossSums.size() != logits.size()) {
                throw new IllegalArgumentException("Output: " + taskLossSums.size() + " loss sums for "
                        + logits.size() + " logits");
            }
        }

        Output(NDArray lossSum, int numExamples, NDArray[] taskLossSums, NDArray[] logits,
                IntFunction<NDArray> lossSumOf, IntFunction<NDArray> logitsOf) {
            this.lossSum = Objects.requireNonNull(lossSum, "lossSum");
            this.numExamples = numExamples;
            this.taskLossSums = taskLossSums;
            this.logits = logits;
            this.lossSumOf = lossSumOf;
            this.logitsOf = logitsOf;
        }

        /**
         * Returns the sum over examples of each example's task loss, weighted as the model's
         * {@link TaskLossWeighting} says; divide by the number of examples of the (effective)
         * batch for the mean.
         *
         * @return scalar float32
         */
        public NDArray lossSum() {
            return lossSum;
        }

        /**
         * Returns the number of examples in the batch.
         *
         * @return the examples
         */
        public int numExamples() {
            return numExamples;
        }

        /**
         * Returns each slice's summed example losses, unweighted.
         *
         * @return per slice, in slice order: scalar float32
         */
        public List<NDArray> taskLossSums() {
            if (taskLossSumList == null) {
                taskLossSumList = filled(taskLossSums, lossSumOf);
            }
            return taskLossSumList;
        }

        /**
         * Returns each slice's logits.
         *
         * @return per slice, in slice order: the head's logits (shapes as {@link TaskHead#logits})
         */
        public List<NDArray> logits() {
            if (logitsList == null) {
                logitsList = filled(logits, logitsOf);
            }
            return logitsList;
        }

        private static List<NDArray> filled(NDArray[] known, IntFunction<NDArray> missing) {
            NDArray[] out = known.clone();
            for (int k = 0; k < out.length; k++) {
                if (out[k] == null) {
                    out[k] = missing.apply(k);
                }
            }
            return List.of(out);
        }

        /**
         * Returns the batch's mean loss.
         *
         * @return scalar float32 {@code lossSum / numExamples}
         */
        public NDArray meanLoss() {
            return EngineScalars.div(lossSum, (float) numExamples);
        }
    }

    /** Builds a {@link MultiHeadModel}; mutable, single-threaded. */
    public static final class Builder {
        private NDManager manager;
        private Block encoder;
        private int hiddenSize;
        /** The encoder's initializer_range, which new heads draw their weights with. */
        private float initializerRange = io.github.prefine.core.encoder.EncoderConfig.INITIALIZER_RANGE;
        private boolean initializerRangeSet;
        /** The encoder's head dropout, which new heads that have dropout apply when training. */
        private float headDropout = HeadAdapter.DEFAULT_DROPOUT;
        /** The encoder's hidden_dropout_prob, which HF's RoBERTa multiple-choice models drop out with. */
        private float hiddenDropout = HeadAdapter.DEFAULT_DROPOUT;
        private boolean headDropoutSet;
        private boolean tokenTypes = true;
        private boolean pretrainedPooler = true;
        private HeadFamily headFamily = HeadFamily.BERT;
        private boolean headFamilySet;
        private long headSeed;
        /** Per task, in insertion order: makes its head at build time (family and seed known then). */
        private final Map<String, Supplier<TaskHead>> heads = new LinkedHashMap<>();
        private List<TaskHead> made;
        /** Tasks added with their features, whose rows build() holds against the encoder's positions. */
        private final List<FeaturizedTask> featurized = new ArrayList<>();
        private TaskLossWeighting lossWeighting = TaskLossWeighting.NONE;
        /** Whether a model was built: it owns the encoder's parameters, which a second one would take. */
        private boolean built;

        private Builder() {}

        /**
         * Sets the manager the model's own sub-manager is opened from (required); it fixes the
         * device.
         *
         * @param manager the parent manager
         * @return this builder
         */
        public Builder setManager(NDManager manager) {
            this.manager = Objects.requireNonNull(manager, "manager");
            return this;
        }

        /**
         * Sets the shared encoder (required): an initialized block taking (inputIds, attentionMask[,
         * tokenTypeIds]) int64 [batch, seqLen] and returning lastHiddenState float32 [batch, seqLen,
         * hidden] first. A {@link TransformerEncoder} given here is read as {@link
         * #setEncoder(TransformerEncoder)} reads it: unless set otherwise its config gives the heads'
         * initializer range, dropout and family, and token type ids are sent only where its {@code
         * type_vocab_size} exceeds 1 (not to XLM-R).
         *
         * @param encoder the encoder block; its parameters move to the model's manager
         * @param hiddenSize its hidden size
         * @return this builder
         * @throws IllegalArgumentException if an encoder is already set: a model has one encoder,
         *     and replacing it silently would leave the first one's parameters unowned
         */
        public Builder setEncoder(Block encoder, int hiddenSize) {
            Objects.requireNonNull(encoder, "encoder");
            if (this.encoder != null) {
                throw new IllegalArgumentException("model: the encoder is already set (a "
                        + this.encoder.getClass().getSimpleName() + "); a builder takes one encoder");
            }
            this.encoder = encoder;
            this.hiddenSize = hiddenSize;
            // the grid and TargetFinetuning hand their TransformerEncoder over as a Block: it is read as
            // setEncoder(TransformerEncoder) reads it, or XLM-R (one token type) was sent all-zero token
            // type ids each step, and tasks added with addTask took BERT's head layout
            if (encoder instanceof TransformerEncoder te) {
                if (!initializerRangeSet) {
                    this.initializerRange = te.config().initializerRange();
                }
                if (!headDropoutSet) {
                    this.headDropout = te.config().headDropout();
                    this.hiddenDropout = te.config().hiddenDropoutProb();
                }
                this.tokenTypes = te.config().typeVocabSize() > 1;
                if (!headFamilySet) {
                    this.headFamily = headFamily(te.config().modelType());
                }
            }
            return this;
        }

        /**
         * Sets prefine's HF-compatible encoder (required, or {@link #setEncoder(Block, int)}),
         * taking the hidden size from its config, and unless set otherwise the heads' initializer
         * range and dropout too.
         *
         * @param encoder a loaded or initialized encoder; its parameters move to the model's manager
         * @return this builder
         * @throws IllegalArgumentException if an encoder is already set
         */
        public Builder setEncoder(TransformerEncoder encoder) {
            Objects.requireNonNull(encoder, "encoder");
            return setEncoder(encoder, encoder.config().hiddenSize());
        }

        /**
         * Adds a task with the head its format makes ({@link FeaturizedTask#newHead}); task
         * indices follow insertion order.
         *
         * @param task the task; its name keys its head's parameters
         * @return this builder
         */
        public Builder addTask(FeaturizedTask task) {
            Objects.requireNonNull(task, "task");
            add(task.name(), () -> task.newHead(headFamily, headSeed(headSeed, task.name())));
            featurized.add(task);
            return this;
        }

        /**
         * Adds every task of a set, in its order (see {@link #addTask}).
         *
         * @param tasks the tasks
         * @return this builder
         */
        public Builder addTasks(TaskSet tasks) {
            Objects.requireNonNull(tasks, "tasks");
            for (FeaturizedTask t : tasks.tasks()) {
                addTask(t);
            }
            return this;
        }

        /**
         * Sets the head layout of tasks added with {@link #addTask}; default {@link HeadFamily#BERT},
         * or the encoder's family when it is set with {@link #setEncoder(TransformerEncoder)}.
         *
         * @param family the head layout
         * @return this builder
         */
        public Builder optHeadFamily(HeadFamily family) {
            this.headFamily = Objects.requireNonNull(family, "family");
            this.headFamilySet = true;
            return this;
        }

        /**
         * Sets the standard deviation new head weights are drawn with (HF's
         * {@code initializer_range}); default the encoder's {@link
         * io.github.prefine.core.encoder.EncoderConfig#initializerRange()} when the encoder is a
         * {@link TransformerEncoder} (given to either {@code setEncoder}), else 0.02. Heads that keep their own scheme
         * ({@link TaskHead#initialize(NDManager, int, float)}) ignore it.
         *
         * @param range finite and &gt;= 0
         * @return this builder
         * @throws IllegalArgumentException if the range is negative, NaN or infinite
         */
        public Builder optInitializerRange(float range) {
            if (!(range >= 0) || Float.isInfinite(range)) {
                throw new IllegalArgumentException("model: initializerRange must be finite and >= 0, found " + range);
            }
            this.initializerRange = range;
            this.initializerRangeSet = true;
            return this;
        }

        /**
         * Sets the dropout that new heads with dropout apply when training (HF's task models take
         * {@code classifier_dropout}, else {@code hidden_dropout_prob}); default the encoder's {@link
         * io.github.prefine.core.encoder.EncoderConfig#headDropout()} when the encoder is a {@link
         * TransformerEncoder} (given to either {@code setEncoder}), else {@value
         * HeadAdapter#DEFAULT_DROPOUT}; by default RoBERTa multiple-choice heads take the encoder's
         * {@code hidden_dropout_prob} instead, as HF's do, and set here every head takes this value.
         * Heads that keep their own setting ({@link TaskHead#initialize(NDManager, int, float, float)})
         * ignore it.
         *
         * @param dropout a probability in [0, 1)
         * @return this builder
         * @throws IllegalArgumentException if the dropout is outside [0, 1)
         */
        public Builder optHeadDropout(float dropout) {
            if (!(dropout >= 0f && dropout < 1f)) {
                throw new IllegalArgumentException("model: headDropout must lie in [0, 1), found " + dropout);
            }
            this.headDropout = dropout;
            this.hiddenDropout = dropout;
            this.headDropoutSet = true;
            return this;
        }

        /**
         * Chooses whether a pooling head starts from the encoder's pretrained pooler (see the class
         * documentation), logging at INFO where its pooler came from; default true. False leaves
         * each head's pooler at its random draw, without a line, for a model whose head weights are
         * all loaded next (a saved model being read back), whose pooler is the folder's whatever
         * it started from.
         *
         * @param start whether to copy the pretrained pooler into the pooling heads
         * @return this builder
         */
        public Builder optPretrainedPooler(boolean start) {
            this.pretrainedPooler = start;
            return this;
        }

        /**
         * Sets the seed of the initial weights of heads made for tasks added with {@link #addTask};
         * each task's head draws from {@code seed * 0x9E3779B97F4A7C15 + name.hashCode()}, so heads
         * differ between tasks and do not depend on the task order. Default 0.
         *
         * @param seed the run's head seed
         * @return this builder
         */
        public Builder optHeadSeed(long seed) {
            this.headSeed = seed;
            return this;
        }

        /**
         * Returns the seed of one task's head under a run's head seed (see {@link #optHeadSeed}).
         *
         * @param seed the run's head seed
         * @param taskName the task
         * @return the head's seed
         */
        public static long headSeed(long seed, String taskName) {
            return seed * 0x9E3779B97F4A7C15L + taskName.hashCode();
        }

        /**
         * Adds a hand-made head for a task (this or {@link #addTask} at least once); task indices follow
         * insertion order.
         *
         * @param taskName a unique task name, used in parameter keys
         * @param head the head; initialized by {@link #build()}
         * @return this builder
         */
        public Builder addHead(String taskName, TaskHead head) {
            Objects.requireNonNull(head, "head");
            return add(taskName, () -> head);
        }

        private Builder add(String taskName, Supplier<TaskHead> head) {
            Objects.requireNonNull(taskName, "taskName");
            if (taskName.isEmpty() || taskName.contains("/")) {
                throw new IllegalArgumentException("task name must be non-empty without '/', found '" + taskName + "'");
            }
            if (heads.putIfAbsent(taskName, head) != null) {
                throw new IllegalArgumentException("task name " + taskName + " is used twice");
            }
            return this;
        }

        /**
         * Sets how task losses are weighted; default {@link TaskLossWeighting#NONE}. (Not to be
         * confused with mixed precision's loss scaling, {@link
         * io.github.prefine.core.precision.LossScaler}.)
         *
         * @param weighting the weighting
         * @return this builder
         */
        public Builder optTaskLossWeighting(TaskLossWeighting weighting) {
            this.lossWeighting = Objects.requireNonNull(weighting, "weighting");
            return this;
        }

        /**
         * Builds the model, initializing the heads on the manager's device. A builder builds one
         * model: the model takes the encoder's (and hand-made heads') parameters into its manager.
         *
         * @return the model, which the caller must close
         * @throws IllegalArgumentException if a required value is missing, a head has fewer than 2
         *     labels, the hidden size differs from that of an {@link
         *     io.github.prefine.core.encoder.Encoder}, or a task added with {@link #addTask} has rows
         *     longer than a {@link TransformerEncoder}'s positions ({@code maxSequenceLength}) or token
         *     ids beyond its vocabulary ({@code vocabSize})
         * @throws IllegalStateException if the manager is closed, the encoder is not initialized or
         *     its parameters were freed, another open model owns the encoder, or this builder
         *     already built a model
         */
        public MultiHeadModel build() {
            if (built) {
                throw new IllegalStateException("model: this builder already built a model, which owns the encoder's"
                        + " parameters; start a new builder with another encoder");
            }
            if (manager == null) {
                throw new IllegalArgumentException("model: setManager is required");
            }
            if (!manager.isOpen()) {
                throw new IllegalStateException("model: the manager given to setManager is closed");
            }
            if (encoder == null) {
                throw new IllegalArgumentException("model: setEncoder is required");
            }
            if (hiddenSize <= 0) {
                throw new IllegalArgumentException("model: hiddenSize must be positive, found " + hiddenSize);
            }
            if (heads.isEmpty()) {
                throw new IllegalArgumentException("model: at least one head is required");
            }
            if (encoder instanceof TransformerEncoder te) {
                for (FeaturizedTask t : featurized) {
                    t.encoderMisfit(te.config().maxSequenceLength(), te.config().vocabSize()).ifPresent(why -> {
                        throw new IllegalArgumentException("model: task " + t.name() + ": " + why);
                    });
                }
            }
            if (encoder instanceof io.github.prefine.core.encoder.Encoder e && e.hiddenSize() != hiddenSize) {
                throw new IllegalArgumentException("model: hiddenSize " + hiddenSize + " differs from the encoder's "
                        + e.hiddenSize());
            }
            // checked before the model opens its sub-manager, which nothing would close
            for (Pair<String, Parameter> p : encoder.getParameters()) {
                if (!p.getValue().isInitialized()) {
                    throw new IllegalStateException("model: the encoder must be initialized before build()");
                }
                if (p.getValue().getArray().isReleased()) {
                    throw new IllegalStateException("model: the encoder's parameter " + p.getKey() + " was freed (the"
                            + " model or manager that owned it is closed); load or initialize the encoder again");
                }
            }
            // claimed in the same step as checked: builders on two threads must not both pass the check
            synchronized (OWNED_ENCODERS) {
                if (!OWNED_ENCODERS.add(encoder)) {
                    throw new IllegalStateException("model: the encoder belongs to another open model, and closing"
                            + " either would free the other's encoder; load it again for a second model");
                }
            }
            try {
                made = new ArrayList<>();
                for (Map.Entry<String, Supplier<TaskHead>> e : heads.entrySet()) {
                    TaskHead head = e.getValue().get();
                    if (head.numLabels() < 2) {
                        throw new IllegalArgumentException("head " + e.getKey() + ": numLabels must be >= 2, found "
                                + head.numLabels());
                    }
                    made.add(head);
                }
                MultiHeadModel model = new MultiHeadModel(this);
                built = true;
                return model;
            } catch (RuntimeException | Error e) {
                synchronized (OWNED_ENCODERS) {
                    OWNED_ENCODERS.remove(encoder);
                }
                throw e;
            }
        }
    }
}
