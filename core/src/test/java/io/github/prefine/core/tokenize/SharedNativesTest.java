package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tokenizer and its variants share their native tokenizers ({@link NativeTokenizers}), yet each
 * is closed on its own: the others go on encoding as a tokenizer loaded afresh does, and a closed
 * one refuses every call, its shared bare tokenizer included. A text changed on disk is checked
 * for standard JSON again before the library sees it, though the text first read passed.
 */
class SharedNativesTest {
    private static final String TEXT = "Hello, world of shared tokenizers!";

    @TempDir
    Path tmp;

    @Test
    void eachTokenizerSharingNativesIsClosedOnItsOwn() throws Exception {
        Path file = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        int[] whole;
        int[] cut;
        int[] pieces;
        try (SubwordTokenizer fresh = SubwordTokenizer.builder().setTokenizerPath(file).build();
                SubwordTokenizer freshCut = SubwordTokenizer.builder().setTokenizerPath(file).optMaxLength(6).build()) {
            whole = fresh.encode(TEXT).ids();
            cut = freshCut.encode(TEXT).ids();
            pieces = fresh.encodePieces(List.of(TEXT), false).ids();
        }
        SubwordTokenizer base = SubwordTokenizer.builder().setTokenizerPath(file).build();
        SubwordTokenizer variant = base.toBuilder().optMaxLength(6).build();
        base.close();
        assertArrayEquals(cut, variant.encode(TEXT).ids(), "the variant outlives the tokenizer it came from");
        assertArrayEquals(pieces, variant.encodePieces(List.of(TEXT), false).ids());
        try (SubwordTokenizer again = variant.toBuilder().optMaxLength(512).build()) {
            variant.close();
            assertArrayEquals(whole, again.encode(TEXT).ids(), "a variant of a variant, the first closed");
            assertArrayEquals(pieces, again.encodePieces(List.of(TEXT), false).ids());
        }
        for (SubwordTokenizer closed : List.of(base, variant)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> closed.encodePieces(List.of(TEXT), false));
            assertTrue(e.getMessage().equals(file + ": tokenizer is closed"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> closed.encodeWordPieces(List.of("a")));
            assertThrows(IllegalStateException.class, closed::specialTokenLayout);
            closed.close();
        }
    }

    @Test
    void aFileChangedToTextThatIsNotStandardJsonIsCheckedAgain() throws Exception {
        String good = Files.readString(SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json"));
        Path file = Files.writeString(tmp.resolve("tokenizer.json"), good);
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            // the library would abort the JVM on it, not refuse it
            String nan = good.replaceFirst("\"decoder\": \\{[^}]*}", "\"decoder\": NaN");
            Files.writeString(file, nan);
            String where = file + ":" + (nan.substring(0, nan.indexOf("\"decoder\"")).split("\n", -1).length) + ": not JSON";
            IOException variant = assertThrows(IOException.class, () -> tok.toBuilder().optMaxLength(16).build());
            assertTrue(variant.getMessage().startsWith(where), variant.getMessage());
            UncheckedIOException bare = assertThrows(UncheckedIOException.class,
                    () -> tok.encodePieces(List.of("hello"), false));
            assertTrue(bare.getMessage().startsWith(where), bare.getMessage());
        }
    }
}
