package io.github.prefine.sampling;

import com.google.common.primitives.ImmutableLongArray;
import java.util.Objects;

/**
 * Where a {@link BatchIterator} stands: enough to resume the exact same batch stream after a
 * restart.
 *
 * <p>A state is taken between batches with {@link BatchIterator#state()} and handed to {@link
 * HeterogeneousSampler#resume(SamplerState)} on a sampler built with the same configuration and
 * seed; the resumed iterator then returns exactly the batches the original would have returned next.
 * The position is normalised: after the last batch of an epoch it reads (epoch + 1, batch 0).
 *
 * <p>For storage in a trainer checkpoint, a state converts losslessly to a short string ({@link
 * #encode()} / {@link #decode(String)}) or to a {@code long[]} ({@link #toLongArray()} / {@link
 * #fromLongArray(long[])}). Immutable and thread-safe; equal when all components are equal.
 *
 * @param seed the sampler seed the stream was drawn with
 * @param epoch the epoch of the next batch, from 0
 * @param batch the index within that epoch of the next batch, from 0
 * @param configFingerprint a hash of every setting that shapes the stream except the seed (see
 *     {@link HeterogeneousSampler#configFingerprint()}), so a state is not resumed on a different
 *     sampler by mistake
 * @param taskDraws per task, the number of examples emitted since the start of the stream; for
 *     {@link SamplingStrategy#UNIFORM} and {@link SamplingStrategy#TEMPERATURE} this is also each
 *     task's position in its cycle of permutations
 */
public record SamplerState(
        long seed, int epoch, int batch, long configFingerprint, ImmutableLongArray taskDraws) {
    private static final String PREFIX = "prefine-sampler-v1";
    private static final long LONG_FORMAT_VERSION = 1;

    /**
     * Checks the components.
     *
     * @param seed the sampler seed
     * @param epoch the epoch of the next batch; non-negative
     * @param batch the index of the next batch within its epoch; non-negative
     * @param configFingerprint the sampler's configuration fingerprint
     * @param taskDraws per task, the examples emitted so far; non-negative
     * @throws IllegalArgumentException if a count is negative
     */
    public SamplerState {
        Objects.requireNonNull(taskDraws, "taskDraws");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, found " + epoch);
        }
        if (batch < 0) {
            throw new IllegalArgumentException("batch must be >= 0, found " + batch);
        }
        for (int i = 0; i < taskDraws.length(); i++) {
            if (taskDraws.get(i) < 0) {
                throw new IllegalArgumentException(
                        "taskDraws[" + i + "] must be >= 0, found " + taskDraws.get(i));
            }
        }
        taskDraws = taskDraws.trimmed();
    }

    /**
     * Encodes this state as one line of ASCII, for example {@code
     * prefine-sampler-v1;seed=42;epoch=3;batch=17;config=9f3a0c1d22e4b5a6;draws=812,300}.
     *
     * @return the encoded state, accepted by {@link #decode(String)}
     */
    public String encode() {
        StringBuilder sb = new StringBuilder(64 + 12 * taskDraws.length());
        sb.append(PREFIX)
                .append(";seed=").append(seed)
                .append(";epoch=").append(epoch)
                .append(";batch=").append(batch)
                .append(";config=").append(Long.toHexString(configFingerprint))
                .append(";draws=");
        for (int i = 0; i < taskDraws.length(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(taskDraws.get(i));
        }
        return sb.toString();
    }

    /**
     * Parses a string written by {@link #encode()}.
     *
     * @param text the encoded state
     * @return the state
     * @throws IllegalArgumentException if the text is not an encoded sampler state
     */
    public static SamplerState decode(String text) {
        Objects.requireNonNull(text, "text");
        String[] parts = text.strip().split(";", -1);
        if (parts.length != 6 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("sampler state: expected " + PREFIX
                    + ";seed=…;epoch=…;batch=…;config=…;draws=…, found \"" + text + "\"");
        }
        try {
            long seed = Long.parseLong(field(parts[1], "seed", text));
            int epoch = Integer.parseInt(field(parts[2], "epoch", text));
            int batch = Integer.parseInt(field(parts[3], "batch", text));
            long config = Long.parseUnsignedLong(field(parts[4], "config", text), 16);
            String draws = field(parts[5], "draws", text);
            ImmutableLongArray.Builder b = ImmutableLongArray.builder();
            if (!draws.isEmpty()) {
                for (String d : draws.split(",", -1)) {
                    b.add(Long.parseLong(d));
                }
            }
            return new SamplerState(seed, epoch, batch, config, b.build());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "sampler state: malformed number in \"" + text + "\"", e);
        }
    }

    private static String field(String part, String name, String text) {
        String key = name + "=";
        if (!part.startsWith(key)) {
            throw new IllegalArgumentException(
                    "sampler state: expected field " + name + ", found \"" + part + "\" in \""
                            + text + "\"");
        }
        return part.substring(key.length());
    }

    /**
     * Flattens this state to longs: {@code [version, seed, epoch, batch, configFingerprint, tasks,
     * draws...]}.
     *
     * @return a fresh array accepted by {@link #fromLongArray(long[])}
     */
    public long[] toLongArray() {
        long[] out = new long[6 + taskDraws.length()];
        out[0] = LONG_FORMAT_VERSION;
        out[1] = seed;
        out[2] = epoch;
        out[3] = batch;
        out[4] = configFingerprint;
        out[5] = taskDraws.length();
        for (int i = 0; i < taskDraws.length(); i++) {
            out[6 + i] = taskDraws.get(i);
        }
        return out;
    }

    /**
     * Rebuilds a state from {@link #toLongArray()}.
     *
     * @param values the flattened state
     * @return the state
     * @throws IllegalArgumentException if the array has the wrong version or length
     */
    public static SamplerState fromLongArray(long[] values) {
        Objects.requireNonNull(values, "values");
        if (values.length < 6 || values[0] != LONG_FORMAT_VERSION) {
            throw new IllegalArgumentException("sampler state array: expected version "
                    + LONG_FORMAT_VERSION + " and at least 6 values, found length " + values.length
                    + (values.length > 0 ? " and version " + values[0] : ""));
        }
        if (values[5] != values.length - 6) {
            throw new IllegalArgumentException("sampler state array: header says " + values[5]
                    + " tasks, found " + (values.length - 6) + " draw counts");
        }
        if (values[2] < 0 || values[2] > Integer.MAX_VALUE
                || values[3] < 0 || values[3] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sampler state array: epoch and batch must be"
                    + " non-negative ints, found " + values[2] + " and " + values[3]);
        }
        return new SamplerState(values[1], (int) values[2], (int) values[3], values[4],
                ImmutableLongArray.copyOf(java.util.Arrays.copyOfRange(values, 6, values.length)));
    }
}
