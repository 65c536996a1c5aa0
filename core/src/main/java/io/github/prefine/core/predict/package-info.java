/**
 * Using a finetuned model on new raw text: {@link io.github.prefine.core.predict.ModelExport}
 * writes a self-contained model folder (encoder, heads, tokenizer, and per task its format, label
 * names, feature lengths and QA post-processing), {@link io.github.prefine.core.predict.FinetunedModel}
 * loads one, and its {@link io.github.prefine.core.predict.TaskPredictor}s label texts, tag words or raw text,
 * answer questions and choose among choices exactly as the evaluation scored them.
 */
package io.github.prefine.core.predict;
