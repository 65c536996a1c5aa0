package io.github.prefine.core.transfer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.LoadedCheckpoint;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.PaddedBatch;
import io.github.prefine.core.features.TokenRows;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.train.BatchSource;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.heads.Head;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes task embeddings of featurized tasks with one encoder (Vu et al., EMNLP 2020, <a
 * href="https://aclanthology.org/2020.emnlp-main.635/">Exploring and Predicting Transferability
 * across NLP Tasks</a>).
 *
 * <ul>
 *   <li><b>TextEmb</b> ({@link #textEmb}): for every encoder row of the task's training split (a
 *       sentence, a pair, a QA window, one choice of a multiple-choice example), the last hidden
 *       states mean-pooled over the attention mask; then the mean over rows, float32 [hidden].
 *       Mean pooling rather than {@code [CLS]}: a pretrained-only encoder's {@code [CLS]} is not
 *       trained to summarise anything (all-MiniLM-L6-v2 was trained for mean pooling), and the
 *       mean over tokens is what Vu et al. average. Each row weighs the same, so long QA contexts
 *       do not drown short sentences.
 *   <li><b>TaskEmb</b> ({@link #taskEmb}): a task head (the task format's head, {@link
 *       io.github.prefine.core.task.TaskFormat}; a pooling one starts from the checkpoint's pooler where
 *       it has one, as a new head of {@code MultiHeadModel} does) is trained for a few Adam steps on the frozen
 *       encoder's outputs of a seeded
 *       sample of training examples, then the diagonal empirical Fisher information of the
 *       encoder's last-layer outputs is accumulated over the same sample: for each example, the
 *       squared gradient of its loss (true labels) with respect to each output position, summed
 *       over positions; then the mean over examples, float32 [hidden]. Gradients of the outputs
 *       are per-example even in a batch, so this is the exact empirical Fisher, at one backward
 *       through the head per batch (the encoder is not differentiated). The layer-output variant
 *       is the one Vu et al. found as good as the parameter one, at a tiny fraction of its size.
 * </ul>
 *
 * <p>Deterministic for a seed: the sample, the head's initial weights and the order of steps come
 * from {@link Builder#optSeed}; dropout is off throughout. With a {@link EmbeddingStore} ({@link
 * Builder#optStore}), {@link #embed} returns a stored embedding of the same task, encoder hash,
 * method and settings instead of computing it, and stores what it computes.
 *
 * <p><b>Native memory.</b> The embedder loads the encoder into a sub-manager of the builder's
 * manager and frees it on {@link #close()} (idempotent); each computation opens and closes its
 * own sub-manager. Not thread-safe.
 */
public final class TaskEmbedder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskEmbedder.class);
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    /** Units assembled at a time for the digest of their labels. */
    private static final int DIGEST_CHUNK = 256;
    private static final float EPS = 1e-8f;

    private final NDManager manager;
    private final LoadedCheckpoint checkpoint;
    private final EncoderConfig config;
    private final String encoderHash;
    private final Path encoderFolder;
    private final int batchSize;
    private final int threads;
    private final int maxTextRows;
    private final int fisherExamples;
    private final int headSteps;
    private final float headLearningRate;
    private final long seed;
    private final EmbeddingStore store;
    private final EmbeddingListener listener;
    /** The device part of the key, see {@link #deviceKey}. */
    private final String device;
    private boolean closed;

    private TaskEmbedder(Builder b) throws IOException {
        this.encoderHash = EncoderHash.of(b.encoder);
        this.manager = b.manager.newSubManager();
        try {
            this.checkpoint = EncoderCheckpoint.load(b.encoder, manager, DataType.FLOAT32);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
        this.config = checkpoint.config();
        this.encoderFolder = b.encoder;
        this.batchSize = b.batchSize;
        this.threads = b.threads;
        this.maxTextRows = b.maxTextRows;
        this.fisherExamples = b.fisherExamples;
        this.headSteps = b.headSteps;
        this.headLearningRate = b.headLearningRate;
        this.seed = b.seed;
        this.store = b.store;
        this.listener = b.listener;
        this.device = deviceKey(manager.getDevice());
    }

    /**
     * What the encoder's arithmetic runs on, as far as it changes an embedding's bits: the device
     * type ({@code cpu}, {@code gpu}), and on a GPU {@code +tf32} when {@code
     * TORCH_ALLOW_TF32_CUBLAS_OVERRIDE} asks PyTorch for TF32 float32 products (docs/gpu.md), which
     * keep 10 mantissa bits. Any value but {@code 0} counts: a needless recomputation is cheaper than
     * an answer of other bits.
     */
    static String deviceKey(ai.djl.Device d) {
        String type = d.getDeviceType();
        if (ai.djl.Device.Type.CPU.equals(type)) {
            return type;
        }
        String tf32 = System.getenv("TORCH_ALLOW_TF32_CUBLAS_OVERRIDE");
        return tf32 != null && !tf32.isEmpty() && !tf32.equals("0") ? type + "+tf32" : type;
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
     * Returns the SHA-256 of the encoder folder, the cache key's encoder part.
     *
     * @return hex hash
     */
    public String encoderHash() {
        return encoderHash;
    }

    /**
     * Returns the encoder folder, where its {@code tokenizer.json} is.
     *
     * @return the folder given to the builder
     */
    public Path encoderFolder() {
        return encoderFolder;
    }

    /**
     * Returns the encoder's configuration.
     *
     * @return the config
     */
    public EncoderConfig config() {
        return config;
    }

    /**
     * Returns whether batches carry token type ids (BERT) or not (RoBERTa, XLM-R).
     *
     * @return true when the encoder has more than one token type
     */
    public boolean tokenTypes() {
        return config.typeVocabSize() > 1;
    }

    /**
     * Returns the settings string recorded with (and keying) a task's embedding: the method's
     * options, the batch size, the seed, the device ({@code cpu}, {@code gpu}, {@code gpu+tf32}),
     * and the size and a digest of the task's training features (what the method reads of them).
     * The batch size and the device change the bits (padding, summation order, kernels), so an
     * embedding of one never answers a lookup of the other.
     *
     * @param task the featurized task
     * @param method the method
     * @return a canonical string
     */
    public String settings(FeaturizedTask task, EmbeddingMethod method) {
        Features f = task.features().get(Split.TRAIN);
        String data = "rows=" + f.tokens().rowCount() + ",tokens=" + f.tokens().tokenCount() + ",units=" + f.size()
                + ",sha256=" + contentDigest(task, method);
        if (method == EmbeddingMethod.TEXT_EMB) {
            return "textemb/1;pool=mean;maxRows=" + maxTextRows + ";batch=" + batchSize + ";seed=" + seed + ";device="
                    + device + ";" + data;
        }
        // the probe head once drew with 0.02 whatever the config said: an encoder with another range
        // names it, so that an embedding stored from the 0.02 head is computed again
        String range = config.initializerRange() == EncoderConfig.INITIALIZER_RANGE ? ""
                : "headRange=" + Float.toString(config.initializerRange()) + ";";
        return String.format(Locale.ROOT, "taskemb/2;fisher=last-layer-outputs;examples=%d;headSteps=%d;headLr=%s;"
                + "batch=%d;seed=%d;device=%s;%s%s", fisherExamples, headSteps, Float.toString(headLearningRate),
                batchSize, seed, device, range, data);
    }

    /**
     * The first 16 hex digits of a SHA-256 over what an embedding reads of the training split: its
     * rows' token ids and segments and, for TaskEmb, the label names and each unit's labels. Counts
     * alone would let an edited data set of the same sizes be answered from the store.
     */
    private static String contentDigest(FeaturizedTask task, EmbeddingMethod method) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        ByteBuffer buf = ByteBuffer.allocate(8);
        boolean framed = method == EmbeddingMethod.TASK_EMB
                && task.labels().stream().anyMatch(l -> l.indexOf('\n') >= 0);
        if (framed) {
            // 0xFF starts no unframed text: it begins with a row's length (>= 0, big-endian) or,
            // with no rows, with the names' UTF-8, which never holds 0xFF
            md.update(new byte[] {-1, -1, -1, -1});
        }
        TokenRows t = task.features().get(Split.TRAIN).tokens();
        for (int r = 0; r < t.rowCount(); r++) {
            md.update(buf.clear().putInt(t.length(r)).putInt(t.secondStart(r)).array());
            for (int p = 0; p < t.length(r); p++) {
                md.update(buf.clear().putInt(t.id(r, p)).array(), 0, 4);
            }
        }
        if (method == EmbeddingMethod.TASK_EMB) {
            if (!framed) {
                // as stored keys have always been made: newline-joined names are unambiguous here
                md.update(String.join("\n", task.labels()).getBytes(StandardCharsets.UTF_8));
            } else {
                // a newline inside a name could move a boundary: each name prefixed with its length
                md.update(("\n\nlength-prefixed " + task.labels().size() + "\n").getBytes(StandardCharsets.UTF_8));
                for (String l : task.labels()) {
                    byte[] b = l.getBytes(StandardCharsets.UTF_8);
                    md.update((b.length + ":").getBytes(StandardCharsets.UTF_8));
                    md.update(b);
                }
            }
            BatchSource source = FeatureBatchSource.of(TaskSet.of(task));
            int n = source.size(0, Split.TRAIN);
            for (int from = 0; from < n; from += DIGEST_CHUNK) {
                int[] units = IntStream.range(from, Math.min(n, from + DIGEST_CHUNK)).toArray();
                for (int l : source.assemble(Split.TRAIN, new int[units.length], units).slices().get(0).labels()) {
                    md.update(buf.clear().putInt(l).array(), 0, 4);
                }
            }
        }
        return HexFormat.of().formatHex(md.digest(), 0, 8);
    }

    /**
     * Returns a task's embedding: from the store when it holds one under the same key, else
     * computed (and then stored).
     *
     * @param task the featurized task
     * @param method the method
     * @return the embedding
     * @throws IOException if the store cannot be read or written
     * @throws IllegalArgumentException if the method cannot embed the task ({@link #textEmb}, {@link #taskEmb})
     */
    public TaskEmbedding embed(FeaturizedTask task, EmbeddingMethod method) throws IOException {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(method, "method");
        String settings = settings(task, method);
        if (store != null) {
            Optional<TaskEmbedding> hit = store.find(task.name(), method, encoderHash, settings);
            if (hit.isPresent()) {
                LOG.debug("task {}: {} from the store", task.name(), method.cliName());
                return hit.get();
            }
            // an embedding of the task under another key is not this one: say why it is computed again
            for (EmbeddingStore.StoredKey k : store.storedKeys(task.name(), method)) {
                LOG.info("task {}: {} computed again: the store holds one of {}", task.name(), method.cliName(),
                        k.differenceFrom(encoderHash, settings));
            }
        }
        // the key's digest reads the whole training split: made once, for the lookup and the result
        TaskEmbedding e = method == EmbeddingMethod.TEXT_EMB ? textEmb(task, settings) : taskEmb(task, settings);
        if (store != null) {
            store.put(e);
        }
        return e;
    }

    /**
     * Computes TextEmb (see the class description); ignores the store.
     *
     * @param task the featurized task
     * @return float32 [hidden] embedding
     * @throws IllegalArgumentException if the task's training split has no rows, naming the task
     */
    public TaskEmbedding textEmb(FeaturizedTask task) {
        return textEmb(task, settings(task, EmbeddingMethod.TEXT_EMB));
    }

    private TaskEmbedding textEmb(FeaturizedTask task, String settings) {
        checkOpen();
        long start = System.nanoTime();
        TokenRows tokens = task.features().get(Split.TRAIN).tokens();
        if (tokens.rowCount() == 0) {
            // a mean over no rows is 0 / 0: refused as "value is NaN", which named neither task nor cause
            throw new IllegalArgumentException("task " + task.name() + ": textemb: expected training rows to average"
                    + " the encoder's outputs over, found none (the task's training split is empty)");
        }
        int[] rows = sample(tokens.rowCount(), maxTextRows, new SplittableRandom(seed ^ 0x7e47e3bL));
        int[] order = byLength(tokens, rows);
        // in long: rows + a batch size near Integer.MAX_VALUE wrapped to no batch, and a sum of nothing
        int batches = (int) ((order.length + (long) batchSize - 1) / batchSize);
        float[] values;
        try (NDManager work = manager.newSubManager(); OrderedBatches pool = new OrderedBatches(threads)) {
            NDArray sum = work.zeros(new Shape(config.hiddenSize()));
            listener.onProgress(task.name(), "textemb", 0, order.length);
            pool.run(batches, k -> {
                int from = k * batchSize;
                PaddedBatch p = PaddedBatch.inputsOf(tokens, Arrays.copyOfRange(order, from,
                        Math.min(order.length, from + batchSize)));
                try (NDManager step = work.newSubManager()) {
                    NDArray[] in = inputs(step, p.rows(), p.seqLen(), p.inputIds(), p.attentionMask(), p.typeIds());
                    NDArray hidden = encode(step, in, p.attentionMask());
                    NDArray m = in[1].toType(DataType.FLOAT32, false).expandDims(2);
                    NDArray pooled = hidden.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}));
                    // the batch's sum over rows outlives the step; added in batch order below
                    return own(work, pooled.sum(new int[] {0}));
                }
            }, (k, batchSum) -> {
                sum.addi(batchSum);
                batchSum.close();
                listener.onProgress(task.name(), "textemb", Math.min(order.length, (k + 1L) * batchSize), order.length);
            });
            values = sum.div((float) rows.length).toFloatArray();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info("task {}: textemb over {} rows in {} s", task.name(), rows.length, String.format(Locale.ROOT, "%.1f", seconds));
        return new TaskEmbedding(task.name(), EmbeddingMethod.TEXT_EMB, encoderHash, settings, values, rows.length,
                seconds);
    }

    /**
     * Computes TaskEmb (see the class description); ignores the store.
     *
     * @param task the featurized task
     * @return float32 [hidden] embedding
     * @throws IllegalArgumentException if the sampled examples carry no labelled target at all
     */
    public TaskEmbedding taskEmb(FeaturizedTask task) {
        return taskEmb(task, settings(task, EmbeddingMethod.TASK_EMB));
    }

    private TaskEmbedding taskEmb(FeaturizedTask task, String settings) {
        checkOpen();
        long start = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x7a5ce3bL);
        FeatureBatchSource all = FeatureBatchSource.of(TaskSet.of(task));
        BatchSource source = tokenTypes() ? all : all.withoutTokenTypes();
        int[] units = sample(source.size(0, Split.TRAIN), fisherExamples, rnd.split());
        float[] values;
        int examples = 0;
        try (NDManager work = manager.newSubManager()) {
            // 1. the frozen encoder's outputs of the sample, computed once
            List<Cached> cache = new ArrayList<>();
            int batches = (int) ((units.length + (long) batchSize - 1) / batchSize);
            listener.onProgress(task.name(), "taskemb encode", 0, units.length);
            try (OrderedBatches pool = new OrderedBatches(threads)) {
                pool.run(batches, k -> {
                    int from = k * batchSize;
                    int[] chunk = Arrays.copyOfRange(units, from, Math.min(units.length, from + batchSize));
                    MultiTaskBatch b = source.assemble(Split.TRAIN, new int[chunk.length], chunk);
                    TaskSlice s = b.slices().get(0);
                    try (NDManager step = work.newSubManager()) {
                        NDArray[] in = inputs(step, b.rows(), b.seqLen(), b.inputIds(), b.attentionMask(), b.tokenTypeIds());
                        NDArray hidden = own(work, encode(step, in, b.attentionMask()));
                        NDArray mask = own(work, in[1]);
                        return new Cached(hidden, mask, work.create(s.labels(), new Shape(s.labelShape())), s.numExamples());
                    }
                }, (k, c) -> {
                    cache.add(c);
                    listener.onProgress(task.name(), "taskemb encode", Math.min(units.length, (k + 1L) * batchSize),
                            units.length);
                });
            }
            for (Cached c : cache) {
                examples += c.examples();
            }
            // 2. a briefly trained head (Adam, no dropout) on those outputs
            TaskHead head = task.newHead(MultiHeadModel.headFamily(config.modelType()), rnd.nextLong());
            // drawn with the config's initializer_range, as MultiHeadModel's heads and HF's _init_weights
            head.initialize(work, config.hiddenSize(), config.initializerRange());
            // a pooling head starts from the checkpoint's pooler, as MultiHeadModel's and HF's do
            if (head.block() instanceof Head h && h.poolerPrefix().isPresent()) {
                checkpoint.encoder().pretrainedPooler().ifPresent(p -> p.copyInto(h, work));
            }
            trainHead(task.name(), head, work, cache);
            // 3. squared per-example gradients of the loss with respect to the outputs
            NDArray fisher = work.zeros(new Shape(config.hiddenSize()));
            listener.onProgress(task.name(), "taskemb fisher", 0, cache.size());
            for (int k = 0; k < cache.size(); k++) {
                Cached c = cache.get(k);
                try (NDManager step = work.newSubManager()) {
                    NDArray leaf = own(step, c.hidden.duplicate());
                    NDArray mask = own(step, c.mask.duplicate());
                    leaf.setRequiresGradient(true);
                    try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                        NDArray lg = head.logits(new ParameterStore(step, false), leaf, mask, false);
                        gc.backward(head.exampleLosses(lg, c.labels).sum());
                    }
                    NDArray g = own(step, leaf.getGradient());
                    NDArray m = mask.toType(DataType.FLOAT32, false).expandDims(2);
                    fisher.addi(g.square().mul(m).sum(new int[] {0, 1}));
                }
                listener.onProgress(task.name(), "taskemb fisher", k + 1, cache.size());
            }
            values = fisher.div((float) Math.max(1, examples)).toFloatArray();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        boolean allZero = true;
        for (float v : values) {
            allZero &= v == 0f;
        }
        if (allZero) {
            throw new IllegalArgumentException("task " + task.name() + ": the Fisher information is zero over "
                    + examples + " sampled examples; do they carry labels?");
        }
        LOG.info("task {}: taskemb over {} examples in {} s", task.name(), examples, String.format(Locale.ROOT, "%.1f", seconds));
        return new TaskEmbedding(task.name(), EmbeddingMethod.TASK_EMB, encoderHash, settings, values, examples,
                seconds);
    }

    private void trainHead(String name, TaskHead head, NDManager work, List<Cached> cache) {
        List<NDArray> params = new ArrayList<>();
        for (Pair<String, Parameter> p : head.block().getParameters()) {
            params.add(p.getValue().getArray());
        }
        NDArray[] m1 = new NDArray[params.size()];
        NDArray[] m2 = new NDArray[params.size()];
        for (int i = 0; i < params.size(); i++) {
            m1[i] = work.zeros(params.get(i).getShape());
            m2[i] = work.zeros(params.get(i).getShape());
        }
        listener.onProgress(name, "taskemb head", 0, headSteps);
        for (int t = 1; t <= headSteps; t++) {
            Cached c = cache.get((t - 1) % cache.size());
            try (NDManager step = work.newSubManager()) {
                // copies in the step's manager: every intermediate joins its first input's manager
                NDArray hidden = own(step, c.hidden.duplicate());
                NDArray mask = own(step, c.mask.duplicate());
                try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                    NDArray lg = head.logits(new ParameterStore(step, false), hidden, mask, false);
                    NDArray loss = head.exampleLosses(lg, c.labels).sum().div((float) c.examples);
                    gc.backward(loss);
                }
                float bias1 = (float) (1 - Math.pow(BETA1, t));
                float bias2 = (float) (1 - Math.pow(BETA2, t));
                for (int i = 0; i < params.size(); i++) {
                    NDArray w = params.get(i);
                    NDArray g = w.getGradient();
                    g.attach(step);
                    m1[i].muli(BETA1).addi(own(step, g.mul(1 - BETA1)));
                    m2[i].muli(BETA2).addi(own(step, g.square().muli(1 - BETA2)));
                    NDArray denom = own(step, m2[i].div(bias2)).sqrt().addi(EPS);
                    w.subi(own(step, m1[i].mul(headLearningRate / bias1)).divi(denom));
                    g.muli(0f); // PyTorch accumulates gradients across backward calls
                }
            }
            listener.onProgress(name, "taskemb head", t, headSteps);
        }
    }

    private static NDArray own(NDManager m, NDArray a) {
        a.attach(m);
        return a;
    }

    private NDArray[] inputs(NDManager m, int rows, int seqLen, long[] ids, long[] mask, long[] types) {
        Shape grid = new Shape(rows, seqLen);
        NDArray[] in = new NDArray[tokenTypes() && types != null ? 3 : 2];
        in[0] = m.create(ids, grid);
        in[1] = m.create(mask, grid);
        if (in.length == 3) {
            in[2] = m.create(types, grid);
        }
        return in;
    }

    /** The encoder's states; rows of equal length (the batches are sorted by length) need no mask. */
    private NDArray encode(NDManager step, NDArray[] in, long[] hostMask) {
        return checkpoint.encoder().forward(new ParameterStore(step, false), new NDList(in), false,
                TransformerEncoder.forwardParameters(hostMask)).head();
    }

    /** The rows shortest first, ties by index: similar lengths share a batch, so little padding is computed. */
    private static int[] byLength(TokenRows tokens, int[] rows) {
        long[] keys = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            keys[i] = (long) tokens.length(rows[i]) << 32 | rows[i];
        }
        Arrays.sort(keys);
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = (int) keys[i];
        }
        return out;
    }

    /** A seeded sample of {@code cap} indices of {@code [0, n)} in increasing order, or all for cap 0. */
    private static int[] sample(int n, int cap, SplittableRandom rnd) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        if (cap == 0 || n <= cap) {
            return idx;
        }
        for (int i = 0; i < cap; i++) {
            int j = i + rnd.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] out = Arrays.copyOf(idx, cap);
        Arrays.sort(out);
        return out;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("task embedder: already closed");
        }
    }

    /** Frees the encoder; later calls do nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            checkpoint.close();
            manager.close();
        }
    }

    private record Cached(NDArray hidden, NDArray mask, NDArray labels, int examples) {}

    /** Builds a {@link TaskEmbedder}; mutable, single-threaded. */
    public static final class Builder {
        private NDManager manager;
        private Path encoder;
        private int batchSize = 32;
        private int threads = 1;
        private int maxTextRows;
        private int fisherExamples = 256;
        private int headSteps = 100;
        private float headLearningRate = 1e-3f;
        private long seed = 1L;
        private EmbeddingStore store;
        private EmbeddingListener listener = EmbeddingListener.NONE;

        private Builder() {}

        /**
         * Sets the manager the embedder's sub-manager is opened from (required); it fixes the device.
         *
         * @param manager the parent manager
         * @return this builder
         */
        public Builder setManager(NDManager manager) {
            this.manager = Objects.requireNonNull(manager, "manager");
            return this;
        }

        /**
         * Sets the encoder (required): a Hugging Face folder that {@link EncoderCheckpoint#load}
         * reads. Its content hash keys the store.
         *
         * @param folder the encoder folder
         * @return this builder
         */
        public Builder setEncoder(Path folder) {
            this.encoder = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /**
         * Sets the encoder rows (TextEmb) or examples (TaskEmb) per forward; default 32. Part of the
         * store's key: it decides the padding and summation order, so the last bits.
         *
         * @param batchSize positive
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets how many threads run encoder forwards (TextEmb, and TaskEmb's encoding of its
         * sample) on separate batches at once; default 1. Results do not depend on it: batch
         * results are summed in batch order. On a CPU, give each thread one PyTorch intra-op
         * thread ({@code ai.djl.pytorch.num_threads=1} before the engine starts) and use as many
         * threads as cores: the short rows of a task make matrix products too small to split
         * well, and intra-op workers that wait for each other at every barrier lose most of their
         * time on a machine shared with other processes. On a GPU keep 1.
         *
         * @param threads positive
         * @return this builder
         */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * Caps the training rows TextEmb averages over to a seeded sample; default 0, all rows.
         *
         * @param maxRows 0 for all, else positive
         * @return this builder
         */
        public Builder optMaxTextRows(int maxRows) {
            this.maxTextRows = maxRows;
            return this;
        }

        /**
         * Sets how many training examples (a seeded sample) TaskEmb trains its head on and
         * accumulates the Fisher information over; default 256. The cost of TaskEmb grows with
         * it linearly, and it bounds the memory holding the encoder outputs (examples x seqLen x
         * hidden floats).
         *
         * @param examples positive
         * @return this builder
         */
        public Builder optFisherExamples(int examples) {
            this.fisherExamples = examples;
            return this;
        }

        /**
         * Sets the Adam steps that train TaskEmb's head before the Fisher pass; default 100 (one
         * batch each, cycling over the sample). 0 uses the freshly initialised head.
         *
         * @param steps non-negative
         * @return this builder
         */
        public Builder optHeadSteps(int steps) {
            this.headSteps = steps;
            return this;
        }

        /**
         * Sets the learning rate of TaskEmb's head training; default 1e-3.
         *
         * @param lr positive
         * @return this builder
         */
        public Builder optHeadLearningRate(double lr) {
            this.headLearningRate = (float) lr;
            return this;
        }

        /**
         * Sets the seed of every random choice (samples, head weights); default 1.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the store {@link #embed} reads and fills; default none (always computed).
         *
         * @param store the store
         * @return this builder
         */
        public Builder optStore(EmbeddingStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Sets the progress listener; default {@link EmbeddingListener#NONE}.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder optListener(EmbeddingListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Loads the encoder and builds the embedder.
         *
         * @return the embedder, which the caller must close
         * @throws IllegalArgumentException if a required value is missing or a number is out of range
         * @throws IOException if the encoder folder cannot be read
         */
        public TaskEmbedder build() throws IOException {
            if (manager == null || encoder == null) {
                throw new IllegalArgumentException("task embedder: setManager and setEncoder are required");
            }
            if (batchSize <= 0) {
                throw new IllegalArgumentException("task embedder: batchSize must be positive, found " + batchSize);
            }
            if (threads <= 0) {
                throw new IllegalArgumentException("task embedder: threads must be positive, found " + threads);
            }
            if (maxTextRows < 0) {
                throw new IllegalArgumentException("task embedder: maxTextRows must be 0 or positive, found " + maxTextRows);
            }
            if (fisherExamples <= 0) {
                throw new IllegalArgumentException("task embedder: fisherExamples must be positive, found " + fisherExamples);
            }
            if (headSteps < 0) {
                throw new IllegalArgumentException("task embedder: headSteps must be non-negative, found " + headSteps);
            }
            if (!(headLearningRate > 0)) {
                throw new IllegalArgumentException("task embedder: headLearningRate must be positive, found " + headLearningRate);
            }
            return new TaskEmbedder(this);
        }
    }
}
