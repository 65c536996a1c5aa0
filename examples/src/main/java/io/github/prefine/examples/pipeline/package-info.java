/**
 * The paper's reproduction pipeline as a resumable, lock-shared job: {@link
 * io.github.prefine.examples.pipeline.ReproductionPipeline} (baseline, pre-finetuning of every
 * group combination, finetuning of every target over seeds, tables and plots as it goes), its
 * unit locks and atomic records, and the report writer.
 */
package io.github.prefine.examples.pipeline;
