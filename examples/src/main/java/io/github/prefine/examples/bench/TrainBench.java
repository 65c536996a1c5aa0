package io.github.prefine.examples.bench;

import io.github.prefine.examples.cli.PrefineCli;
import java.util.stream.Stream;

/** Plain entry point for {@link BenchCommand}: {@code java ... TrainBench [options]}. */
public final class TrainBench {

    private TrainBench() {}

    /**
     * Runs the benchmark and exits with its status.
     *
     * @param args the {@link BenchCommand} options
     */
    public static void main(String[] args) {
        // as prefine bench, so that its options are read by the same rules and its failures reported alike
        System.exit(PrefineCli.execute(Stream.concat(Stream.of("bench"), Stream.of(args)).toArray(String[]::new)));
    }
}
