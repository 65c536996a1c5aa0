package io.github.prefine.core.model;

import ai.djl.nn.Block;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.TransformerEncoder;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes an encoder block as a Hugging Face folder ({@code config.json} + {@code
 * model.safetensors}); supplied by the encoder implementation so this package stays independent
 * of it.
 *
 * <p>Called by one thread at a time, while nothing else uses the block.
 */
@FunctionalInterface
public interface EncoderWriter {
    /**
     * Writes the encoder's current weights into a folder.
     *
     * @param encoder the encoder block
     * @param dir the folder to create or fill
     * @throws IOException if writing fails
     */
    void write(Block encoder, Path dir) throws IOException;

    /**
     * Returns the writer for prefine's {@link TransformerEncoder}: {@code config.json} and {@code
     * model.safetensors} as HF's {@code save_pretrained} writes them, plus a copy of the tokenizer.
     *
     * @param tokenizerJson a {@code tokenizer.json} to copy into the folder, or {@code null}
     * @return the writer; it rejects other block types
     */
    static EncoderWriter huggingFace(Path tokenizerJson) {
        return (encoder, dir) -> {
            if (!(encoder instanceof TransformerEncoder te)) {
                throw new IllegalArgumentException("HF writer: needs a TransformerEncoder, found "
                        + encoder.getClass().getName());
            }
            EncoderCheckpoint.save(te, dir, tokenizerJson);
        };
    }
}
