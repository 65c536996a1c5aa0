package io.github.prefine.core.tokenize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Child-JVM side of tests whose tokenizer files made the native library panic: for each file,
 * loads a tokenizer and encodes "a", "c" and "ab" as a batch (where DJL's binding panics on any error
 * of the library's), printing {@code OUTCOME file encoded} and the ids, or {@code OUTCOME file
 * refused:} and the message. A native panic aborts this JVM, and with it the later files.
 */
public final class FilesRefusalProbe {
    private FilesRefusalProbe() {}

    /**
     * Runs the cases.
     *
     * @param args the tokenizer files
     */
    public static void main(String[] args) {
        for (String file : args) {
            try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(Path.of(file)).build()) {
                StringBuilder ids = new StringBuilder();
                for (TokenEncoding e : tok.encodeBatch(List.of("a", "c", "ab"))) {
                    ids.append(java.util.Arrays.toString(e.ids()));
                }
                System.out.println("OUTCOME " + file + " encoded " + ids);
            } catch (IOException refused) {
                System.out.println("OUTCOME " + file + " refused: " + refused.getMessage());
            }
            System.out.flush();
        }
    }
}
