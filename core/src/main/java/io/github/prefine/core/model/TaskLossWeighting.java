package io.github.prefine.core.model;

/**
 * How each example's task loss is weighted before the batch mean.
 *
 * <p>Immutable and thread-safe.
 */
public enum TaskLossWeighting {
    /** Plain cross entropy, every example weighs the same: the paper's setting. */
    NONE,
    /**
     * Each example's loss divided by {@code log(numLabels)} of its task, as Muppet (Aghajanyan et
     * al. 2021, <a href="https://arxiv.org/abs/2101.11038">arXiv:2101.11038</a>) does to put tasks
     * with different label counts on one scale.
     */
    LOG_NUM_LABELS
}
