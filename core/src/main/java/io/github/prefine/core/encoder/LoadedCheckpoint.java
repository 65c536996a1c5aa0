package io.github.prefine.core.encoder;

import io.github.prefine.core.checkpoint.HostTensor;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An encoder loaded from an HF checkpoint, together with the checkpoint's other tensors (pooler,
 * classifier, {@code qa_outputs}, LM head...) that head loading needs.
 *
 * <p>AutoCloseable: it owns the {@link TransformerEncoder}, whose parameter arrays live in the
 * manager given to {@link EncoderCheckpoint#load}; {@link #close()} frees them now (idempotent),
 * otherwise they die with that manager. Callers that hand the encoder to a longer-lived owner (a
 * DJL Model) may simply not close this. The other tensors are host memory (often views of the
 * checkpoint file's mapping, which lasts until they are all collected) and need no closing; where
 * they are not needed, keep the encoder rather than this object. Immutable apart from closing.
 */
public final class LoadedCheckpoint implements AutoCloseable {

    private final Path source;
    private final EncoderConfig config;
    private final TransformerEncoder encoder;
    private final String encoderPrefix;
    private final Map<String, HostTensor> otherTensors;

    LoadedCheckpoint(
            Path source, EncoderConfig config, TransformerEncoder encoder, String encoderPrefix, Map<String, HostTensor> otherTensors) {
        this.source = source;
        this.config = Objects.requireNonNull(config, "config");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.encoderPrefix = Objects.requireNonNull(encoderPrefix, "encoderPrefix");
        this.otherTensors = Collections.unmodifiableMap(new LinkedHashMap<>(otherTensors));
    }

    /**
     * Returns where the tensors came from.
     *
     * @return the checkpoint file or folder, or {@code null} when built from in-memory tensors
     */
    public Path source() {
        return source;
    }

    /**
     * Returns the encoder configuration.
     *
     * @return the config
     */
    public EncoderConfig config() {
        return config;
    }

    /**
     * Returns the loaded encoder, initialized and ready for forward.
     *
     * @return the encoder (owned by this object until handed on)
     */
    public TransformerEncoder encoder() {
        return encoder;
    }

    /**
     * Returns the prefix the encoder's keys had in the checkpoint.
     *
     * @return {@code ""} for a bare encoder, else {@code "bert."} or {@code "roberta."}
     */
    public String encoderPrefix() {
        return encoderPrefix;
    }

    /**
     * Returns every tensor the encoder did not consume, under its original checkpoint name (for
     * example {@code classifier.weight}, {@code qa_outputs.bias}, {@code bert.pooler.dense.weight}).
     *
     * @return an unmodifiable map sorted by name
     */
    public Map<String, HostTensor> otherTensors() {
        return otherTensors;
    }

    /** Frees the encoder's parameter arrays; idempotent. */
    @Override
    public void close() {
        encoder.close();
    }
}
