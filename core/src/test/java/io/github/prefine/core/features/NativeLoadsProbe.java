package io.github.prefine.core.features;

import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Child-JVM side of {@link NativeLoadsPerFeaturizationTest}: featurizes with one tokenizer four
 * times, at each of the lengths it is given in turn, writing {@code FEATURIZATION n} before each and a {@code ROW} line per row, to the
 * standard error stream that slf4j-simple writes the native loads' DEBUG lines to, so that they
 * fall between the markers.
 */
public final class NativeLoadsProbe {
    private NativeLoadsProbe() {}

    /**
     * Runs the featurizations.
     *
     * @param args the tokenizer file, then the maximum lengths to featurize at
     * @throws IOException if the tokenizer or a variant cannot be loaded
     */
    public static void main(String[] args) throws IOException {
        int[] lengths = Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray();
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(Path.of(args[0])).build()) {
            for (int r = 0; r < 4; r++) {
                System.err.println("FEATURIZATION " + r);
                for (int[] row : NativeLoadsPerFeaturizationTest.featurizeAll(tok, lengths)) {
                    System.err.println("ROW " + Arrays.toString(row));
                }
            }
        }
    }
}
