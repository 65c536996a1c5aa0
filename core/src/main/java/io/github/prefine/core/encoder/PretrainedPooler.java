package io.github.prefine.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.HostTensors;
import io.github.prefine.core.checkpoint.MalformedCheckpointException;
import io.github.prefine.heads.Head;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pretrained pooler a checkpoint came with: HF's {@code BertPooler} dense layer ({@code
 * pooler.dense.weight [hidden, hidden]} and {@code pooler.dense.bias [hidden]}, bare or under
 * {@code bert.}/{@code roberta.}), which prefine keeps outside the encoder, in each head that pools
 * ({@code SequenceClassificationHead} of the BERT family and {@code MultipleChoiceHead}).
 *
 * <p>{@code BertForSequenceClassification.from_pretrained} and {@code *ForMultipleChoice.from_pretrained}
 * load this layer from the checkpoint and draw only the classifier; {@link
 * io.github.prefine.core.model.MultiHeadModel} gives every new pooling head a copy of it for the
 * same start. {@link EncoderCheckpoint#load} finds it and hands it on with the encoder ({@link
 * TransformerEncoder#pretrainedPooler()}); {@link EncoderCheckpoint#save} writes it back as {@code
 * pooler.dense.*}, so an encoder that was pre-finetuned hands its targets the pooler it came with.
 *
 * <p>The values are float32 copies on the heap (a few hundred kilobytes for hidden 384), so they
 * keep no checkpoint file mapped. Immutable and thread-safe.
 */
public final class PretrainedPooler {
    private static final Logger LOG = LoggerFactory.getLogger(PretrainedPooler.class);
    /** The key of the weight in a bare encoder's checkpoint ({@code BertModel.save_pretrained}). */
    public static final String WEIGHT = "pooler.dense.weight";
    /** The key of the bias in a bare encoder's checkpoint. */
    public static final String BIAS = "pooler.dense.bias";

    private final HostTensor weight;
    private final HostTensor bias;
    private final String source;

    private PretrainedPooler(HostTensor weight, HostTensor bias, String source) {
        this.weight = weight;
        this.bias = bias;
        this.source = source;
    }

    /**
     * Finds the pooler among a checkpoint's tensors that are not encoder parameters.
     *
     * <p>A pooler that is there only in part, or of another shape than {@code [hidden, hidden]} /
     * {@code [hidden]}, or not floating point, is not used: that is logged at WARN, naming the file
     * and what was expected, and the heads keep their random draw (HF's {@code from_pretrained}
     * too draws a pooler the checkpoint lacks). The tensors stay in the checkpoint's other tensors,
     * where a head loaded whole from them ({@code FinetunedModel.loadHuggingFace}) refuses them.
     *
     * @param others tensors by checkpoint key ({@link LoadedCheckpoint#otherTensors()})
     * @param encoderPrefix the prefix the encoder's keys had ({@code ""}, {@code "bert."} or
     *     {@code "roberta."}); the pooler is looked for under it, then bare
     * @param hidden the encoder's hidden size
     * @param source the checkpoint file, for messages; may be null
     * @param manager a manager of the engine, for the conversion to float32 (nothing stays in it)
     * @return the pooler, or null when the checkpoint has no usable {@code pooler.dense} weight and bias
     * @throws MalformedCheckpointException if the pooler holds a NaN or infinite value, naming the
     *     file and tensor, as {@link EncoderCheckpoint#load} refuses such an encoder tensor
     */
    static PretrainedPooler find(Map<String, HostTensor> others, String encoderPrefix, int hidden, Path source,
            NDManager manager) throws MalformedCheckpointException {
        String prefix = prefix(others, encoderPrefix);
        HostTensor w = others.get(prefix + WEIGHT);
        HostTensor b = others.get(prefix + BIAS);
        if (w == null && b == null) {
            return null;
        }
        String file = source == null ? "tensors" : source.toString();
        String problem = w == null || b == null
                ? "has " + (w == null ? prefix + BIAS : prefix + WEIGHT) + " but no "
                        + (w == null ? prefix + WEIGHT : prefix + BIAS) + "; a pooler needs both"
                : misfit(w, new long[] {hidden, hidden});
        if (problem == null) {
            problem = misfit(b, new long[] {hidden});
        }
        if (problem != null) {
            LOG.warn("{}: {}; the pooler is not used, and new pooling heads draw theirs at random", file, problem);
            return null;
        }
        Path where = source == null ? Path.of("tensors") : source;
        try (NDManager scratch = manager.newSubManager()) {
            return new PretrainedPooler(floats(WEIGHT, w, prefix + WEIGHT, where, scratch),
                    floats(BIAS, b, prefix + BIAS, where, scratch), file + " (" + prefix + "pooler.dense.*)");
        }
    }

    /** The prefix {@link #find} reads the pooler under: the encoder's, where its keys are, else none. */
    static String prefix(Map<String, HostTensor> others, String encoderPrefix) {
        return others.containsKey(encoderPrefix + WEIGHT) || others.containsKey(encoderPrefix + BIAS) ? encoderPrefix : "";
    }

    /** What is wrong with a pooler tensor, or null. */
    private static String misfit(HostTensor t, long[] shape) {
        if (!Arrays.equals(t.shape(), shape)) {
            return t.name() + " has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(shape)
                    + " (hidden_size of the config)";
        }
        HostTensor.DType d = t.dtype();
        if (d != HostTensor.DType.F32 && d != HostTensor.DType.F16 && d != HostTensor.DType.BF16
                && d != HostTensor.DType.F64) {
            return t.name() + " has dtype " + d + ", expected a floating-point type";
        }
        return null;
    }

    /**
     * A float32 heap copy under {@code name}: the read tensor may be a view of a mapped file. A
     * value that is NaN or infinite is refused as in the encoder's tensors: every pooling head
     * copies it.
     */
    private static HostTensor floats(String name, HostTensor t, String key, Path where, NDManager scratch)
            throws MalformedCheckpointException {
        try (NDArray a = HostTensors.toNDArray(t, scratch, DataType.FLOAT32)) {
            if (!HostTensors.allFinite(a)) {
                throw MalformedCheckpointException.nonFinite(where, key);
            }
            return HostTensor.ofFloats(name, t.shape(), a.toFloatArray());
        }
    }

    /**
     * Copies this pooler into a head that pools, as HF's {@code from_pretrained} starts it: the
     * one way every new pooling head (of {@link io.github.prefine.core.model.MultiHeadModel} and of
     * TaskEmb's probe) gets it, so no head made from the checkpoint is left with a random one.
     *
     * @param head an initialized head with a pooler ({@link Head#poolerPrefix()} present)
     * @param manager a manager of the head's engine, for the float32 arrays of the copy (freed here)
     * @throws IllegalStateException if the head has no pooler or is not initialized
     */
    public void copyInto(Head head, NDManager manager) {
        try (NDManager scratch = manager.newSubManager()) {
            head.loadPooler(HostTensors.toNDArray(weight, scratch, DataType.FLOAT32),
                    HostTensors.toNDArray(bias, scratch, DataType.FLOAT32));
        }
    }

    /**
     * Returns the dense weight, {@code [hidden, hidden]} float32, under {@link #WEIGHT}.
     *
     * @return the weight
     */
    public HostTensor weight() {
        return weight;
    }

    /**
     * Returns the dense bias, {@code [hidden]} float32, under {@link #BIAS}.
     *
     * @return the bias
     */
    public HostTensor bias() {
        return bias;
    }

    /**
     * Returns where the pooler came from, for log lines: the checkpoint file and the keys.
     *
     * @return for example {@code /models/bert/model.safetensors (bert.pooler.dense.*)}
     */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "PretrainedPooler(" + source + ")";
    }
}
