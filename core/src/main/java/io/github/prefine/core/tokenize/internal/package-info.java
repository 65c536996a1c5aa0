/**
 * Non-API helpers of the tokenize package: the JSON files of a Hugging Face tokenizer folder,
 * parsed with errors that name the file, and a {@code tokenizer.json} read once for a whole load.
 */
package io.github.prefine.core.tokenize.internal;
