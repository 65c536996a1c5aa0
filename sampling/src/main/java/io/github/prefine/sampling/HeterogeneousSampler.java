package io.github.prefine.sampling;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.ImmutableLongArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The multi-task batch sampler of multi-task pre-finetuning: batches are drawn from the pooled
 * examples of all chosen tasks, so by default a batch keeps the empirical task distribution.
 *
 * <p>As in "scale vs. relatedness in multi-task pre-finetuning" (and MUPPET, <a
 * href="https://arxiv.org/abs/2101.11038">arXiv:2101.11038</a>), a batch mixes tasks rather than
 * alternating homogeneous per-task batches; the paper uses batches of 128. The sampler knows only
 * the ordered task sizes: it emits (task id, example index) pairs and leaves featurisation to the
 * caller. {@link SamplingStrategy} lists the four ways to pick tasks; the default, {@link
 * SamplingStrategy#PROPORTIONAL}, visits every example exactly once per epoch in a pooled order
 * shuffled by the seed.
 *
 * <pre>{@code
 * HeterogeneousSampler sampler = HeterogeneousSampler.builder()
 *         .setTaskSizes(new TaskSize("mnli", 392_702), new TaskSize("squad", 87_599))
 *         .setBatchSize(128)
 *         .optSeed(42)
 *         .build();
 * BatchIterator batches = sampler.iterator();
 * for (int b = 0; b < sampler.batchesPerEpoch(); b++) {
 *     Batch batch = batches.next();
 *     ...
 * }
 * String checkpoint = batches.state().encode(); // later: sampler.resume(SamplerState.decode(...))
 * }</pre>
 *
 * <p><b>Determinism.</b> Every random choice comes from a {@link java.util.SplittableRandom} derived
 * by hashing (seed, epoch) or (seed, epoch, batch) or (seed, task, round), never from a shared
 * generator, so equal configurations and seeds give equal streams on every JVM, and a resumed
 * iterator continues exactly where the saved one stopped.
 *
 * <p><b>Thread-safety and ownership.</b> A sampler is immutable and thread-safe, holds no resources
 * and needs no closing; it may hand out any number of iterators. Each {@link BatchIterator} is
 * mutable and must be confined to one thread (or guarded by its owner). Batches are immutable.
 */
public final class HeterogeneousSampler {
    private final ImmutableList<TaskSize> taskSizes;
    private final boolean namedTasks;
    private final int[] sizes;
    private final int[] offsets;
    private final int totalExamples;
    private final SamplingStrategy strategy;
    private final int batchSize;
    private final int epochSize;
    private final boolean epochSizeSet;
    private final long seed;
    private final double temperature;
    private final boolean temperatureSet;
    private final int sizeCap;
    private final boolean dropLast;
    private final double[] probabilities;
    private final double[] cumulative;
    private final int batchesPerEpoch;
    private final long configFingerprint;

    private HeterogeneousSampler(Builder b, int total) {
        taskSizes = ImmutableList.copyOf(b.taskSizes);
        namedTasks = !b.anonymous;
        sizes = new int[taskSizes.size()];
        offsets = new int[sizes.length + 1];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = taskSizes.get(i).size();
            offsets[i + 1] = offsets[i] + sizes[i];
        }
        totalExamples = total;
        strategy = b.strategy;
        batchSize = b.batchSize;
        epochSizeSet = b.epochSize != null;
        epochSize = epochSizeSet ? b.epochSize : total;
        seed = b.seed;
        temperatureSet = b.temperature != null;
        temperature = temperatureSet ? b.temperature : 1.0;
        sizeCap = b.sizeCap == null ? 0 : b.sizeCap;
        dropLast = b.dropLast;
        probabilities = targetProbabilities();
        cumulative = new double[sizes.length];
        double acc = 0;
        for (int i = 0; i < sizes.length; i++) {
            acc += probabilities[i];
            cumulative[i] = acc;
        }
        // rounding must never leave a draw in [acc, 1) without a task
        cumulative[sizes.length - 1] = 1.0;
        batchesPerEpoch = dropLast ? epochSize / batchSize : (int) ((epochSize + (long) batchSize - 1) / batchSize);
        configFingerprint = fingerprint();
    }

    /**
     * Starts a builder.
     *
     * @return a new builder with every option at its default
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this sampler's configuration, to derive a variant (for example
     * another seed).
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder(taskSizes, !namedTasks, batchSize, strategy, seed, epochSizeSet ? epochSize : null,
                temperatureSet ? temperature : null, sizeCap > 0 ? sizeCap : null, dropLast);
    }

    /**
     * Returns an iterator at the start of the stream (epoch 0, batch 0).
     *
     * @return a new, thread-confined iterator
     */
    public BatchIterator iterator() {
        return new BatchIterator(this, 0, 0, new long[sizes.length]);
    }

    /**
     * Returns an iterator that continues the stream from a saved position.
     *
     * @param state a state saved from an iterator of a sampler with the same configuration and seed
     * @return a new, thread-confined iterator whose batches equal those the saved iterator would
     *     have produced next
     * @throws IllegalArgumentException if the state belongs to another seed or configuration, or
     *     points past the end of an epoch
     */
    public BatchIterator resume(SamplerState state) {
        Objects.requireNonNull(state, "state");
        if (state.seed() != seed) {
            throw new IllegalArgumentException(
                    "sampler state: seed must equal the sampler seed " + seed + ", found "
                            + state.seed());
        }
        if (state.configFingerprint() != configFingerprint) {
            throw new IllegalArgumentException("sampler state: configFingerprint must equal the"
                    + " sampler's " + Long.toHexString(configFingerprint) + " (task sizes, strategy,"
                    + " batch size, epoch size, temperature, cap, dropLast), found "
                    + Long.toHexString(state.configFingerprint()));
        }
        if (state.taskDraws().length() != sizes.length) {
            throw new IllegalArgumentException("sampler state: taskDraws must have one count per"
                    + " task (" + sizes.length + "), found " + state.taskDraws().length());
        }
        if (state.batch() >= batchesPerEpoch) {
            throw new IllegalArgumentException("sampler state: batch must be < batchesPerEpoch "
                    + batchesPerEpoch + ", found " + state.batch());
        }
        return new BatchIterator(this, state.epoch(), state.batch(), state.taskDraws().toArray());
    }

    /**
     * Returns the state of a fresh iterator, at epoch 0, batch 0.
     *
     * @return the initial state
     */
    public SamplerState initialState() {
        return new SamplerState(seed, 0, 0, configFingerprint, ImmutableLongArray.copyOf(
                new long[sizes.length]));
    }

    /**
     * Returns the tasks in the order given to the builder; task ids index this list.
     *
     * @return the immutable task list
     */
    public ImmutableList<TaskSize> taskSizes() {
        return taskSizes;
    }

    /**
     * Tells whether the tasks were named by the caller ({@link Builder#setTaskSizes(List)}) rather
     * than numbered by {@link Builder#setTaskSizes(int...)}, whose {@code task0}, {@code task1}, ...
     * a caller may also have chosen: a check of the names against a model's tasks asks this, not the
     * names.
     *
     * @return false for tasks given as sizes only
     */
    public boolean namedTasks() {
        return namedTasks;
    }

    /**
     * Returns the number of tasks.
     *
     * @return the task count
     */
    public int numTasks() {
        return sizes.length;
    }

    /**
     * Returns N, the total number of examples over all tasks.
     *
     * @return the sum of the task sizes
     */
    public int totalExamples() {
        return totalExamples;
    }

    /**
     * Returns the strategy.
     *
     * @return the strategy
     */
    public SamplingStrategy strategy() {
        return strategy;
    }

    /**
     * Returns the configured batch size.
     *
     * @return the size of every batch but a kept last partial one
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Returns the number of examples per epoch before dropping a last partial batch.
     *
     * @return N for epoch-exact strategies, else the configured epoch size (default N)
     */
    public int epochSize() {
        return epochSize;
    }

    /**
     * Returns the number of batches in every epoch.
     *
     * @return {@code ceil(epochSize / batchSize)}, or the floor with drop-last; at least 1
     */
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /**
     * Returns the seed.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * Returns the temperature T of {@link SamplingStrategy#TEMPERATURE}.
     *
     * @return T; 1.0 when not set
     */
    public double temperature() {
        return temperature;
    }

    /**
     * Returns the size cap of {@link SamplingStrategy#TEMPERATURE}.
     *
     * @return the cap applied to each n<sub>i</sub> before the power, or empty when uncapped
     */
    public OptionalInt sizeCap() {
        return sizeCap > 0 ? OptionalInt.of(sizeCap) : OptionalInt.empty();
    }

    /**
     * Tells whether a last partial batch is dropped.
     *
     * @return true for drop-last, false (the default) to keep it
     */
    public boolean dropLast() {
        return dropLast;
    }

    /**
     * Returns the probability with which an example's task is drawn, per task, as the strategy
     * defines it (for epoch-exact strategies, the epoch frequency n<sub>i</sub>/N).
     *
     * @return a fresh array summing to 1 up to rounding
     */
    public double[] taskProbabilities() {
        return probabilities.clone();
    }

    /**
     * Returns a hash of every setting that shapes the batch stream except the seed: strategy, task
     * sizes in order, batch size, epoch size, temperature, cap and drop-last. Task names are left
     * out because they do not change the stream. Stable across JVMs and runs.
     *
     * @return the fingerprint stored in every {@link SamplerState}
     */
    public long configFingerprint() {
        return configFingerprint;
    }

    /**
     * Describes the configuration.
     *
     * @return a one-line summary
     */
    @Override
    public String toString() {
        return "HeterogeneousSampler{strategy=" + strategy + ", tasks=" + sizes.length + ", N="
                + totalExamples + ", batchSize=" + batchSize + ", epochSize=" + epochSize
                + (strategy == SamplingStrategy.TEMPERATURE
                        ? ", temperature=" + temperature + ", sizeCap=" + sizeCap : "")
                + ", dropLast=" + dropLast + ", seed=" + seed + "}";
    }

    int[] sizesArray() {
        return sizes;
    }

    int taskOfPooledIndex(int pooled) {
        // largest i with offsets[i] <= pooled
        int lo = 0;
        int hi = sizes.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (offsets[mid] <= pooled) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    int offsetOf(int task) {
        return offsets[task];
    }

    int drawTask(double u) {
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (u < cumulative[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private double[] targetProbabilities() {
        int t = sizes.length;
        double[] p = new double[t];
        switch (strategy) {
            case PROPORTIONAL, STRATIFIED -> {
                for (int i = 0; i < t; i++) {
                    p[i] = (double) sizes[i] / totalExamples;
                }
            }
            case UNIFORM -> Arrays.fill(p, 1.0 / t);
            case TEMPERATURE -> {
                // subtract the largest log before dividing by T: ln(n) / T overflows to infinity
                // for T below about 1e-307, and inf - inf would make every probability NaN
                double[] logs = new double[t];
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < t; i++) {
                    int n = sizeCap > 0 ? Math.min(sizes[i], sizeCap) : sizes[i];
                    logs[i] = Math.log(n);
                    max = Math.max(max, logs[i]);
                }
                double sum = 0;
                for (int i = 0; i < t; i++) {
                    p[i] = Math.exp((logs[i] - max) / temperature);
                    sum += p[i];
                }
                for (int i = 0; i < t; i++) {
                    p[i] /= sum;
                }
            }
            default -> throw new AssertionError(strategy);
        }
        return p;
    }

    private long fingerprint() {
        long h = SeedStreams.mix64(0x7072_6566_696eL + strategy.ordinal());
        h = SeedStreams.mix64(h ^ sizes.length);
        for (int n : sizes) {
            h = SeedStreams.mix64(h ^ n);
        }
        h = SeedStreams.mix64(h ^ batchSize);
        h = SeedStreams.mix64(h ^ epochSize);
        h = SeedStreams.mix64(h ^ Double.doubleToLongBits(temperature));
        h = SeedStreams.mix64(h ^ sizeCap);
        return SeedStreams.mix64(h ^ (dropLast ? 1 : 0));
    }

    /**
     * Configures a {@link HeterogeneousSampler}: task sizes and batch size are required, the rest is
     * optional; {@link #build()} checks every constraint stated here.
     *
     * <p>Mutable and not thread-safe; one builder may build several samplers.
     */
    public static final class Builder {
        private List<TaskSize> taskSizes;
        private boolean anonymous;
        private Integer batchSize;
        private SamplingStrategy strategy = SamplingStrategy.PROPORTIONAL;
        private long seed;
        private Integer epochSize;
        private Double temperature;
        private Integer sizeCap;
        private boolean dropLast;

        private Builder() {}

        /** A builder holding the given settings; null for an optional one left unset. */
        private Builder(List<TaskSize> taskSizes, boolean anonymous, Integer batchSize, SamplingStrategy strategy,
                long seed, Integer epochSize, Double temperature, Integer sizeCap, boolean dropLast) {
            this.taskSizes = taskSizes;
            this.anonymous = anonymous;
            this.batchSize = batchSize;
            this.strategy = strategy;
            this.seed = seed;
            this.epochSize = epochSize;
            this.temperature = temperature;
            this.sizeCap = sizeCap;
            this.dropLast = dropLast;
        }

        /**
         * Returns an independent builder holding the same settings, set or not, so that a caller
         * that fills in task sizes and batch size of its own (a grid's runs) leaves this one as
         * it was.
         *
         * @return a new builder
         */
        public Builder copy() {
            return new Builder(taskSizes, anonymous, batchSize, strategy, seed, epochSize, temperature, sizeCap, dropLast);
        }

        /**
         * Sets the tasks, in the order that defines task ids (required).
         *
         * @param tasks the tasks; non-empty, names distinct, sizes positive
         * @return this builder
         */
        public Builder setTaskSizes(List<TaskSize> tasks) {
            Objects.requireNonNull(tasks, "taskSizes");
            List<TaskSize> copy = new ArrayList<>(tasks.size());
            for (int i = 0; i < tasks.size(); i++) {
                copy.add(Objects.requireNonNull(tasks.get(i), "taskSizes[" + i + "]"));
            }
            this.taskSizes = copy;
            this.anonymous = false;
            return this;
        }

        /**
         * Sets the tasks, in the order that defines task ids (required).
         *
         * @param tasks the tasks; non-empty, names distinct, sizes positive
         * @return this builder
         */
        public Builder setTaskSizes(TaskSize... tasks) {
            return setTaskSizes(Arrays.asList(Objects.requireNonNull(tasks, "taskSizes")));
        }

        /**
         * Sets anonymous tasks named {@code task0}, {@code task1}, … from their sizes (required);
         * the sampler says they are unnamed ({@link HeterogeneousSampler#namedTasks()}).
         *
         * @param sizes the task sizes; non-empty and positive
         * @return this builder
         * @throws IllegalArgumentException if a size is not positive
         */
        public Builder setTaskSizes(int... sizes) {
            Objects.requireNonNull(sizes, "taskSizes");
            List<TaskSize> tasks = new ArrayList<>(sizes.length);
            for (int i = 0; i < sizes.length; i++) {
                tasks.add(new TaskSize("task" + i, sizes[i]));
            }
            this.taskSizes = tasks;
            this.anonymous = true;
            return this;
        }

        /**
         * Sets the number of examples per batch (required; the paper uses 128).
         *
         * @param batchSize positive
         * @return this builder
         */
        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the strategy; default {@link SamplingStrategy#PROPORTIONAL}.
         *
         * @param strategy the strategy
         * @return this builder
         */
        public Builder optStrategy(SamplingStrategy strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * Sets the seed of every random choice; default 0.
         *
         * @param seed any value
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the number of examples per epoch for {@link SamplingStrategy#UNIFORM} and {@link
         * SamplingStrategy#TEMPERATURE}; default N, the total of the task sizes. Epoch-exact
         * strategies reject it.
         *
         * @param epochSize positive
         * @return this builder
         */
        public Builder optEpochSize(int epochSize) {
            this.epochSize = epochSize;
            return this;
        }

        /**
         * Sets the temperature T of {@link SamplingStrategy#TEMPERATURE} (task probability
         * proportional to n<sub>i</sub><sup>1/T</sup>); default 1.0. Other strategies reject it.
         *
         * @param temperature positive and finite
         * @return this builder
         */
        public Builder optTemperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /**
         * Caps each task size at {@code cap} before the temperature power of {@link
         * SamplingStrategy#TEMPERATURE}, as T5's examples-proportional mixing limit; default no
         * cap. Other strategies reject it.
         *
         * @param cap positive
         * @return this builder
         */
        public Builder optSizeCap(int cap) {
            this.sizeCap = cap;
            return this;
        }

        /**
         * Chooses whether a last batch smaller than the batch size is dropped; default false (it is
         * kept, so an epoch-exact epoch really visits every example). With drop-last, the examples
         * that would fill the partial batch are skipped for that epoch only; later epochs reshuffle.
         *
         * @param dropLast true to drop the last partial batch of every epoch
         * @return this builder
         */
        public Builder optDropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /**
         * Validates the configuration and builds the sampler.
         *
         * @return the sampler
         * @throws IllegalArgumentException if a value is missing, out of range or does not apply to
         *     the strategy; the message names the quantity and the value found
         */
        public HeterogeneousSampler build() {
            if (taskSizes == null) {
                throw new IllegalArgumentException("taskSizes must be set");
            }
            if (taskSizes.isEmpty()) {
                throw new IllegalArgumentException("taskSizes must not be empty, found 0 tasks");
            }
            Map<String, Integer> seen = new HashMap<>();
            long total = 0;
            for (int i = 0; i < taskSizes.size(); i++) {
                TaskSize t = taskSizes.get(i);
                Integer previous = seen.putIfAbsent(t.name(), i);
                if (previous != null) {
                    throw new IllegalArgumentException("taskSizes: task names must be distinct, found "
                            + t.name() + " at positions " + previous + " and " + i);
                }
                total += t.size();
            }
            // int[] permutations of the pooled examples bound N
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("total task size N must be at most "
                        + (Integer.MAX_VALUE - 8) + ", found " + total);
            }
            if (batchSize == null) {
                throw new IllegalArgumentException("batchSize must be set");
            }
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, found " + batchSize);
            }
            if (temperature != null) {
                if (strategy != SamplingStrategy.TEMPERATURE) {
                    throw new IllegalArgumentException("temperature applies only to strategy"
                            + " TEMPERATURE, found strategy " + strategy);
                }
                if (!(temperature > 0) || Double.isInfinite(temperature)) {
                    throw new IllegalArgumentException(
                            "temperature must be positive and finite, found " + temperature);
                }
            }
            if (sizeCap != null) {
                if (strategy != SamplingStrategy.TEMPERATURE) {
                    throw new IllegalArgumentException("sizeCap applies only to strategy"
                            + " TEMPERATURE, found strategy " + strategy);
                }
                if (sizeCap <= 0) {
                    throw new IllegalArgumentException("sizeCap must be positive, found " + sizeCap);
                }
            }
            int epoch = (int) total;
            if (epochSize != null) {
                if (strategy.isEpochExact()) {
                    throw new IllegalArgumentException("epochSize applies only to strategies UNIFORM"
                            + " and TEMPERATURE (" + strategy + " epochs visit all N = " + total
                            + " examples), found strategy " + strategy);
                }
                if (epochSize <= 0) {
                    throw new IllegalArgumentException(
                            "epochSize must be positive, found " + epochSize);
                }
                epoch = epochSize;
            }
            if (dropLast && epoch < batchSize) {
                throw new IllegalArgumentException("with dropLast, epochSize must be at least"
                        + " batchSize " + batchSize + " or an epoch has no batch, found " + epoch);
            }
            return new HeterogeneousSampler(this, (int) total);
        }
    }
}
