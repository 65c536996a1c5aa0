/** Throughput benchmarks: {@link io.github.prefine.examples.bench.BenchCommand} ({@code bench}). */
package io.github.prefine.examples.bench;
