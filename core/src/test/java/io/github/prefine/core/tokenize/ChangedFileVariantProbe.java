package io.github.prefine.core.tokenize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child-JVM side of {@link TokenizerFileRefusalTest#aVariantOfAFileChangedOnDiskIsCheckedAgain}:
 * loads a tokenizer, builds a variant of the unchanged file, replaces the file with another text,
 * then builds a variant again, printing {@code OUTCOME variant} and the first variant's maximum
 * length, then {@code OUTCOME refused} and the message or {@code OUTCOME built}; then asks the first
 * tokenizer for its special-token layout, printing {@code OUTCOME layout} or {@code OUTCOME bare
 * refused} and the message. Building and the layout run the special-token probes, which encode: a
 * native panic aborts this JVM.
 */
public final class ChangedFileVariantProbe {
    private ChangedFileVariantProbe() {}

    /**
     * Runs the case.
     *
     * @param args the tokenizer file, then the file whose text replaces it
     * @throws IOException if the first tokenizer cannot be loaded or the file replaced
     */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        try (SubwordTokenizer t = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            try (SubwordTokenizer same = t.toBuilder().optMaxLength(64).build()) {
                System.out.println("OUTCOME variant " + same.maxLength());
            }
            Files.writeString(file, Files.readString(Path.of(args[1])));
            try (SubwordTokenizer changed = t.toBuilder().optMaxLength(64).build()) {
                System.out.println("OUTCOME built");
            } catch (IOException refused) {
                System.out.println("OUTCOME refused: " + refused.getMessage());
            }
            // the first tokenizer's bare form, not loaded yet, probes the template
            try {
                System.out.println("OUTCOME layout " + t.specialTokenLayout().isPresent());
            } catch (RuntimeException refused) {
                System.out.println("OUTCOME bare refused: " + refused.getMessage());
            }
        }
    }
}
