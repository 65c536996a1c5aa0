package io.github.prefine.examples.bench;

import picocli.CommandLine;

/** Plain entry point for {@link BenchCommand}: {@code java ... TrainBench [options]}. */
public final class TrainBench {

    private TrainBench() {}

    /**
     * Runs the benchmark and exits with its status.
     *
     * @param args the {@link BenchCommand} options
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }
}
