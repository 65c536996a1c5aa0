package io.github.prefine.core.tokenize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Child-JVM side of {@link TokenizerFileRefusalTest}'s cases that made the native library panic:
 * loads a tokenizer and encodes the two texts as a batch (where DJL's binding panics on any error
 * of the library's) and as a pair, printing {@code OUTCOME encoded} and the pair's count of ids,
 * or {@code OUTCOME refused} and the message. A native panic aborts this JVM.
 */
public final class TemplateTokenProbe {
    private TemplateTokenProbe() {}

    /**
     * Runs one case.
     *
     * @param args the tokenizer file, then the first text (else "a")
     */
    public static void main(String[] args) {
        String first = args.length > 1 ? args[1] : "a";
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(Path.of(args[0])).build()) {
            tok.encodeBatch(List.of(first, "b"));
            System.out.println("OUTCOME encoded " + tok.encodePair(first, "b").ids().length);
        } catch (IOException refused) {
            System.out.println("OUTCOME refused: " + refused.getMessage());
        }
    }
}
