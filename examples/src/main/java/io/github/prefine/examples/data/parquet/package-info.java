/**
 * A small, dependency-free reader for the parquet files of the Hugging Face Hub's parquet
 * conversion: {@link io.github.prefine.examples.data.parquet.ParquetFile} reads the footer and
 * assembles one column at a time into per-row values.
 */
package io.github.prefine.examples.data.parquet;
