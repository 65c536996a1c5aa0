/**
 * Non-API helpers of the tokenize package: the JSON files of a Hugging Face tokenizer folder,
 * parsed with errors that name the file (the other model-folder JSON readers share its UTF-8
 * check), and a {@code tokenizer.json} read once for a whole load.
 */
package io.github.prefine.core.tokenize.internal;
