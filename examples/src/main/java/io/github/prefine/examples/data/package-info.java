/**
 * Datasets from the Hugging Face Hub for the {@code prefine data} commands: the task-to-dataset
 * mapping ({@link io.github.prefine.examples.data.HubDatasets}), the fetcher that converts the
 * Hub's parquet files into the {@code TaskCatalog} layout ({@link
 * io.github.prefine.examples.data.DatasetFetcher}), and the per-task status ({@link
 * io.github.prefine.examples.data.DataStatus}).
 */
package io.github.prefine.examples.data;
