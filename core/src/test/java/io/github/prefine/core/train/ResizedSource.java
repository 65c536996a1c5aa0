package io.github.prefine.core.train;

import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.task.Split;
import java.util.List;

/**
 * A batch source that reports other split sizes than the source it wraps (a split emptied, or
 * cut to its first examples) and assembles every batch through it; a subclass may watch what it
 * assembles.
 */
class ResizedSource implements BatchSource {
    /** A split's size as reported, given the wrapped source's. */
    @FunctionalInterface
    interface Sizes {
        int size(int task, Split split, int innerSize);
    }

    private final BatchSource inner;
    private final Sizes sizes;

    ResizedSource(BatchSource inner, Sizes sizes) {
        this.inner = inner;
        this.sizes = sizes;
    }

    @Override
    public int numTasks() {
        return inner.numTasks();
    }

    @Override
    public List<String> taskNames() {
        return inner.taskNames();
    }

    @Override
    public int size(int task, Split split) {
        return sizes.size(task, split, inner.size(task, split));
    }

    @Override
    public MultiTaskBatch assemble(Split split, int[] tasks, int[] examples) {
        return inner.assemble(split, tasks, examples);
    }
}
