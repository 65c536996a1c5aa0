package io.github.prefine.core.encoder;

import ai.djl.nn.Parameter;
import java.util.Set;

/**
 * What training needs to know about an encoder beyond its {@link ai.djl.nn.Block} contract: its
 * width and which of its parameters feed matrix products, the ones mixed precision computes in
 * 16 bits. {@link TransformerEncoder} implements it; a plain block given to {@link
 * io.github.prefine.core.model.MultiHeadModel.Builder#setEncoder(ai.djl.nn.Block, int)} is
 * treated as an encoder with no 16-bit parameters.
 *
 * <p>Threads: see {@link TransformerEncoder}, whose inference forwards may run on several threads
 * at once.
 */
public interface Encoder {

    /**
     * Returns the width of the encoder's hidden states.
     *
     * @return the hidden size, positive
     */
    int hiddenSize();

    /**
     * Returns the parameters that mixed-precision training reads through 16-bit copies: the
     * projection weights and biases. Embeddings and normalisation stay float32, as under {@code
     * torch.autocast}.
     *
     * @return an identity-based, unmodifiable set; empty when nothing should run in 16 bits
     */
    Set<Parameter> halfPrecisionParameters();
}
