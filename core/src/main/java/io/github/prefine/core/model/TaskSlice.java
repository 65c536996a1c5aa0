package io.github.prefine.core.model;

import io.github.prefine.core.head.HeadLabels;
import java.util.Arrays;
import java.util.Objects;

/**
 * The part of a {@link MultiTaskBatch} that belongs to one task: which encoder rows are its, which
 * examples they came from, and their labels, all as host arrays.
 *
 * <p>No-copy contract: the constructor keeps the arrays it is given and the accessors return
 * them, because slices are built once per batch on the hot path. Callers must not modify the
 * arrays after handing them over or through the accessors. Equality is identity.
 *
 * <p>Safe to read from several threads under that contract.
 */
public final class TaskSlice {
    private final int task;
    private final int[] rows;
    private final int[] exampleIndices;
    private final int[] labels;
    private final long[] labelShape;

    /**
     * Creates a slice.
     *
     * @param task the task's index in the model
     * @param rows encoder rows of this task's examples, in example order; {@code numChoices} rows
     *     per example for multiple-choice tasks
     * @param exampleIndices the index of each example in its task's split, one per example
     * @param labels row-major int32 labels ({@link HeadLabels#IGNORE} marks ignored targets)
     * @param labelShape shape of {@code labels}, example axis first: [examples] for sequence and
     *     choice, [examples, seqLen] for token, [examples, 2] (start, end) for span
     * @throws IllegalArgumentException if the sizes disagree, or the label shape has a negative
     *     dimension or one above {@link Integer#MAX_VALUE} (as {@link HeadLabels} refuses)
     */
    public TaskSlice(int task, int[] rows, int[] exampleIndices, int[] labels, long[] labelShape) {
        this.task = task;
        this.rows = Objects.requireNonNull(rows, "rows");
        this.exampleIndices = Objects.requireNonNull(exampleIndices, "exampleIndices");
        this.labels = Objects.requireNonNull(labels, "labels");
        this.labelShape = Objects.requireNonNull(labelShape, "labelShape");
        if (task < 0) {
            throw new IllegalArgumentException("task slice: task index must be >= 0, found " + task);
        }
        if (exampleIndices.length == 0) {
            throw new IllegalArgumentException("task slice " + task + ": needs at least one example");
        }
        if (labelShape.length == 0 || labelShape[0] != exampleIndices.length) {
            throw new IllegalArgumentException("task slice " + task + ": label shape "
                    + Arrays.toString(labelShape) + " must start with the example count " + exampleIndices.length);
        }
        try {
            // HeadLabels' check: a product of its own let negative dimensions and wrapped products through
            new HeadLabels(labels, labelShape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("task slice " + task + ": " + e.getMessage(), e);
        }
        if (rows.length % exampleIndices.length != 0) {
            throw new IllegalArgumentException("task slice " + task + ": " + rows.length
                    + " rows is not a multiple of " + exampleIndices.length + " examples");
        }
    }

    /**
     * Creates a slice from labels laid out by the task's format.
     *
     * @param task the task's index in the model
     * @param rows encoder rows of this task's examples, in example order
     * @param exampleIndices the index of each example in its task's split, one per example
     * @param labels the labels, example axis first
     * @throws IllegalArgumentException if the sizes disagree
     */
    public TaskSlice(int task, int[] rows, int[] exampleIndices, HeadLabels labels) {
        this(task, rows, exampleIndices, labels.values(), labels.shape());
    }

    /**
     * Returns the task index.
     *
     * @return the task's index in the model
     */
    public int task() {
        return task;
    }

    /**
     * Returns the encoder rows of this task (not copied).
     *
     * @return row indices into the batch
     */
    public int[] rows() {
        return rows;
    }

    /**
     * Returns the example indices within the task's split (not copied).
     *
     * @return one index per example
     */
    public int[] exampleIndices() {
        return exampleIndices;
    }

    /**
     * Returns the number of examples.
     *
     * @return the example count
     */
    public int numExamples() {
        return exampleIndices.length;
    }

    /**
     * Returns the labels, row-major (not copied).
     *
     * @return int32 labels
     */
    public int[] labels() {
        return labels;
    }

    /**
     * Returns the label shape (not copied).
     *
     * @return the shape, example axis first
     */
    public long[] labelShape() {
        return labelShape;
    }
}
