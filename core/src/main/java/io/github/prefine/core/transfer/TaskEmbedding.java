package io.github.prefine.core.transfer;

import io.github.prefine.eval.ranking.RankingMetrics;
import java.util.Arrays;
import java.util.Objects;

/**
 * One task's embedding under one method and encoder, with what produced it.
 *
 * <p>Immutable: the values are copied in and out. Two embeddings are equal when their task,
 * method, encoder hash, settings and values are equal bit for bit; the example count follows
 * from those, and the time taken is left out, as it differs between runs.
 */
public final class TaskEmbedding {
    private final String task;
    private final EmbeddingMethod method;
    private final String encoderHash;
    private final String settings;
    private final float[] values;
    private final int numExamples;
    private final double seconds;

    /**
     * Creates an embedding.
     *
     * @param task the task's name
     * @param method the method
     * @param encoderHash the SHA-256 (hex) of the encoder folder, see {@link EncoderHash}
     * @param settings a canonical description of everything else that determines the values
     * @param values the embedding, copied; at least one value, all finite
     * @param numExamples the encoder rows (TextEmb) or examples (TaskEmb) it was computed over, &gt;= 0
     * @param seconds how long the computation took, finite and &gt;= 0 (0 when unknown)
     * @throws IllegalArgumentException if the values are empty or hold a NaN or an infinity (its
     *     cosine with anything would be NaN), or seconds or numExamples is out of range (the store
     *     could not write it)
     */
    public TaskEmbedding(String task, EmbeddingMethod method, String encoderHash, String settings, float[] values,
            int numExamples, double seconds) {
        this.task = Objects.requireNonNull(task, "task");
        this.method = Objects.requireNonNull(method, "method");
        this.encoderHash = Objects.requireNonNull(encoderHash, "encoderHash");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.values = Objects.requireNonNull(values, "values").clone();
        if (this.values.length == 0) {
            throw new IllegalArgumentException("embedding of " + task + ": no values");
        }
        for (int i = 0; i < this.values.length; i++) {
            if (!Float.isFinite(this.values[i])) {
                throw new IllegalArgumentException("embedding of " + task + " (" + method.cliName()
                        + "): value " + i + " is " + this.values[i] + ", expected a finite number");
            }
        }
        // the store writes both as JSON numbers and reads them back as such: JSON has no NaN
        if (!(seconds >= 0 && seconds < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("embedding of " + task + " (" + method.cliName() + "): seconds is "
                    + seconds + ", expected a finite number >= 0");
        }
        if (numExamples < 0) {
            throw new IllegalArgumentException("embedding of " + task + " (" + method.cliName() + "): numExamples is "
                    + numExamples + ", expected a count >= 0");
        }
        this.numExamples = numExamples;
        this.seconds = seconds;
    }

    /**
     * Returns the task's name.
     *
     * @return the task
     */
    public String task() {
        return task;
    }

    /**
     * Returns the method.
     *
     * @return the method
     */
    public EmbeddingMethod method() {
        return method;
    }

    /**
     * Returns the hash of the encoder folder the embedding was computed with.
     *
     * @return hex SHA-256
     */
    public String encoderHash() {
        return encoderHash;
    }

    /**
     * Returns the canonical settings string (method options, seed, data size).
     *
     * @return the settings
     */
    public String settings() {
        return settings;
    }

    /**
     * Returns a copy of the values.
     *
     * @return float32 [dimension]
     */
    public float[] values() {
        return values.clone();
    }

    /**
     * Returns the dimension.
     *
     * @return the number of values
     */
    public int dimension() {
        return values.length;
    }

    /**
     * Returns how many encoder rows (TextEmb) or examples (TaskEmb) the values were computed over.
     *
     * @return the count
     */
    public int numExamples() {
        return numExamples;
    }

    /**
     * Returns the seconds the computation took (0 when unknown).
     *
     * @return seconds
     */
    public double seconds() {
        return seconds;
    }

    /**
     * Returns the cosine similarity with another embedding of the same method, encoder and
     * dimension.
     *
     * @param other the other embedding
     * @return cosine in [-1, 1]
     * @throws IllegalArgumentException if the methods, encoder hashes or dimensions differ
     */
    public double cosine(TaskEmbedding other) {
        if (other.method != method) {
            throw new IllegalArgumentException("cosine: " + task + " is " + method.cliName() + ", " + other.task
                    + " is " + other.method.cliName());
        }
        if (!other.encoderHash.equals(encoderHash)) {
            throw new IllegalArgumentException("cosine: " + task + " is of encoder " + encoderHash + ", " + other.task
                    + " of encoder " + other.encoderHash + "; embeddings of two encoders do not compare");
        }
        if (other.values.length != values.length) {
            throw new IllegalArgumentException("cosine: " + task + " has dimension " + values.length + ", " + other.task
                    + " has dimension " + other.values.length + "; expected embeddings of one encoder's hidden size");
        }
        return RankingMetrics.cosine(values, other.values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskEmbedding e && task.equals(e.task) && method == e.method
                && encoderHash.equals(e.encoderHash) && settings.equals(e.settings) && numExamples == e.numExamples
                && Arrays.equals(values, e.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(task, method, encoderHash, settings, Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "TaskEmbedding[" + task + ", " + method.cliName() + ", dim " + values.length + ", " + numExamples
                + " examples]";
    }
}
