/**
 * Subword tokenization over the Hugging Face {@code tokenizers} library (through DJL): {@link
 * io.github.prefine.core.tokenize.SubwordTokenizer} loads a local {@code tokenizer.json} and
 * returns {@link io.github.prefine.core.tokenize.TokenEncoding}s whose character offsets are Java
 * {@code String} (UTF-16) indices.
 */
package io.github.prefine.core.tokenize;
