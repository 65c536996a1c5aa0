/**
 * An HF-compatible BERT / RoBERTa / XLM-R encoder on DJL: {@link
 * io.github.prefine.core.encoder.EncoderConfig}, the {@link
 * io.github.prefine.core.encoder.TransformerEncoder} block tree, and {@link
 * io.github.prefine.core.encoder.EncoderCheckpoint} for loading and saving HF model folders.
 */
package io.github.prefine.core.encoder;
