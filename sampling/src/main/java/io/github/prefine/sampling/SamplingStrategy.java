package io.github.prefine.sampling;

/**
 * How a {@link HeterogeneousSampler} decides which task each example of a batch comes from.
 *
 * <p>With N the total number of examples and n<sub>i</sub> the size of task i, the four strategies
 * target these task probabilities:
 *
 * <ul>
 *   <li>{@link #PROPORTIONAL} and {@link #STRATIFIED}: n<sub>i</sub> / N, the empirical distribution
 *       of the pooled examples, as in "scale vs. relatedness in multi-task pre-finetuning";
 *   <li>{@link #UNIFORM}: 1 / (number of tasks);
 *   <li>{@link #TEMPERATURE}: proportional to min(n<sub>i</sub>, cap)<sup>1/T</sup>, the
 *       temperature-scaled mixing of <a href="https://arxiv.org/abs/1910.10683">T5</a> and <a
 *       href="https://arxiv.org/abs/2010.11934">mT5</a>.
 * </ul>
 *
 * <p>The first two are epoch-exact (every example once per epoch); the last two draw tasks at random
 * for a configurable epoch size and pick examples within a task without replacement, cycling through
 * freshly shuffled permutations of the task.
 *
 * <p>Immutable and thread-safe.
 */
public enum SamplingStrategy {
    /**
     * Shuffles all N pooled examples with the seed and cuts the order into batches: every epoch visits
     * every example of every task exactly once, and a batch's task mix follows the empirical
     * distribution in expectation (hypergeometric, not controlled per batch).
     */
    PROPORTIONAL,
    /**
     * Visits every example exactly once per epoch like {@link #PROPORTIONAL}, but fixes each batch's
     * per-task count deterministically so that it differs from {@code batchSize * n_i / N} by less
     * than one (the last partial batch uses its own size in place of {@code batchSize}). The counts
     * depend only on the sizes; which examples fill a task's slots, and the order of the positions
     * inside a batch, are shuffled by the seed.
     */
    STRATIFIED,
    /** Draws each example's task uniformly at random over the tasks, independent of their sizes. */
    UNIFORM,
    /**
     * Draws each example's task with probability proportional to min(n<sub>i</sub>, cap)<sup>1/T</sup>;
     * T = 1 without a cap is size-proportional, large T tends to uniform.
     */
    TEMPERATURE;

    /**
     * Tells whether every epoch of this strategy visits every example exactly once.
     *
     * @return true for {@link #PROPORTIONAL} and {@link #STRATIFIED}
     */
    public boolean isEpochExact() {
        return this == PROPORTIONAL || this == STRATIFIED;
    }
}
