package io.github.prefine.core.model;

import ai.djl.nn.Block;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes an encoder block as a Hugging Face folder ({@code config.json} + {@code
 * model.safetensors}); supplied by the encoder implementation so this package stays independent
 * of it.
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
}
