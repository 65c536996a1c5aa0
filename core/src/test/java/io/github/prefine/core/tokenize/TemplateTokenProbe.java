package io.github.prefine.core.tokenize;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Child-JVM side of {@link TokenizerFileRefusalTest}'s cases that made the native library panic:
 * loads a tokenizer and encodes a pair, printing {@code OUTCOME encoded} and the ids' count, or
 * {@code OUTCOME refused} and the message. A native panic aborts this JVM.
 */
public final class TemplateTokenProbe {
    private TemplateTokenProbe() {}

    /**
     * Runs one case.
     *
     * @param args the tokenizer file, then the first text (else "a")
     */
    public static void main(String[] args) {
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(Path.of(args[0])).build()) {
            System.out.println("OUTCOME encoded " + tok.encodePair(args.length > 1 ? args[1] : "a", "b").ids().length);
        } catch (IOException refused) {
            System.out.println("OUTCOME refused: " + refused.getMessage());
        }
    }
}
