package io.github.prefine.eval.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The predictions file's lines follow the core CoNLL reader's rule: a line of only white space as
 * Python's {@code str.isspace} reads it (no-break spaces, U+0085) ends a sentence, and a token line's
 * columns are split at spaces and tabs only. The reader stripped with {@code strip()} but split at
 * {@code \s+}: a line of U+00A0 was a line of one column, refused. Ground truth: the sentences and
 * tags written.
 */
class ConllPredictionsWhiteSpaceTest {
    @TempDir
    Path tmp;

    @Test
    void linesOfUnicodeWhiteSpaceEndSentencesAndColumnsSplitAtSpacesAndTabs() throws Exception {
        Path f = tmp.resolve("pred.conll");
        Files.writeString(f, "EU B-ORG B-ORG\nrejects O O\n\u00a0\u00a0\nPeter\tB-PER\tO\n\u0085\n"
                + "a\u000bb O B-MISC\n");
        ConllPredictions.Tags t = ConllPredictions.read(f);
        assertEquals(List.of(List.of("B-ORG", "O"), List.of("B-PER"), List.of("O")), t.gold());
        assertEquals(List.of(List.of("B-ORG", "O"), List.of("O"), List.of("B-MISC")), t.predicted());
    }
}
