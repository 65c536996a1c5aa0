package io.github.prefine.core.tokenize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Child-JVM side of {@link TokenizerFileRefusalTest}'s cases that made the native library panic:
 * for each file, loads a tokenizer and encodes the two texts as a batch (where DJL's binding panics
 * on any error of the library's) and as a pair, printing {@code FILE} and the file, then {@code
 * OUTCOME encoded} and the pair's count of ids, or {@code OUTCOME refused} and the message. A
 * native panic aborts this JVM, and with it the later files.
 */
public final class TemplateTokenProbe {
    private TemplateTokenProbe() {}

    /**
     * Runs the cases in order.
     *
     * @param args for each case, the tokenizer file, then the first text
     */
    public static void main(String[] args) {
        for (int i = 0; i + 2 <= args.length; i += 2) {
            String first = args[i + 1];
            System.out.println("FILE " + args[i]);
            try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(Path.of(args[i])).build()) {
                tok.encodeBatch(List.of(first, "b"));
                System.out.println("OUTCOME encoded " + tok.encodePair(first, "b").ids().length);
            } catch (IOException refused) {
                System.out.println("OUTCOME refused: " + refused.getMessage());
            }
            System.out.flush();
        }
    }
}
