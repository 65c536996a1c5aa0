package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CoNLL line of only Unicode white space other than spaces and tabs: a line of U+3000 ended a
 * sentence unreported, as {@code String.isBlank} counts it, while a line of U+00A0 no-break spaces,
 * which it does not, was a token line of one field, refused for its width (strictly) or dropping
 * its sentence (leniently). Both are white space to Unicode and to Python's {@code str.isspace}, so
 * both now end the sentence as a blank line does, in both modes and both separators, and each is
 * flagged at its file and line with its characters. Ground truth: the sentences and lines of the
 * files written here.
 */
class ConllUnicodeBlankLineTest {
    @TempDir
    Path dir;

    @Test
    void aLineOfOtherUnicodeWhiteSpaceEndsTheSentenceAndIsFlaggedAtItsLine() throws IOException {
        // line 3: two no-break spaces; line 6: an ideographic space and a TAB; line 8: a figure space
        Path f = TestFiles.write(dir, "ner/train.conll", "EU\tB-ORG\nrejects\tO\n\u00a0\u00a0\nGerman\tB-MISC\ncall\tO\n"
                + "\u3000\t\nPeter\tB-PER\n\u2007\nBlackburn\tB-PER\n");
        List<List<String>> expected = List.of(List.of("EU", "rejects"), List.of("German", "call"), List.of("Peter"),
                List.of("Blackburn"));
        for (ConllReader.Separator sep : ConllReader.Separator.values()) {
            for (Leniency l : Leniency.values()) {
                ReadResult<TokenExample> r = ConllReader.builder().optSeparator(sep).build().read(f, l);
                String what = sep + " " + l;
                assertEquals(expected, r.examples().stream().map(TokenExample::tokens).toList(), what);
                assertEquals(List.of("ner/train.conll:1", "ner/train.conll:4", "ner/train.conll:7",
                        "ner/train.conll:9"), r.examples().stream().map(TokenExample::id).toList(), what);
                assertEquals(0, r.report().totalSkipped(), what);
                assertEquals(3, r.report().flagged(ConllReader.OTHER_WHITESPACE_BREAK), what);
                assertEquals(List.of(
                        "ner/train.conll:3: expected a blank line of spaces and tabs, or a token line, found a line of"
                                + " only white space holding U+00A0, read as a sentence break",
                        "ner/train.conll:6: expected a blank line of spaces and tabs, or a token line, found a line of"
                                + " only white space holding U+3000, read as a sentence break",
                        "ner/train.conll:8: expected a blank line of spaces and tabs, or a token line, found a line of"
                                + " only white space holding U+2007, read as a sentence break"),
                        r.report().samples(ConllReader.OTHER_WHITESPACE_BREAK), what);
            }
        }
    }

    /**
     * U+0085 (NEXT LINE) is white space to Python's {@code str.isspace}, which a CoNLL reader's
     * {@code line.strip()} reads as a blank line (universal newlines do not end a line there), but
     * neither {@code Character.isWhitespace} nor a space separator: a line of it was a token line of
     * one field, refused for its width. Ground truth: {@code '\x85'.isspace()} is True in Python 3.
     */
    @Test
    void aLineOfNextLineCharactersEndsTheSentenceAsPythonReadsIt() throws IOException {
        Path f = TestFiles.write(dir, "ner/nel.conll", "EU\tB-ORG\n\u0085\nPeter\tB-PER\n");
        for (Leniency l : Leniency.values()) {
            ReadResult<TokenExample> r = ConllReader.builder().build().read(f, l);
            assertEquals(List.of(List.of("EU"), List.of("Peter")), r.examples().stream().map(TokenExample::tokens)
                    .toList(), l.toString());
            assertEquals(List.of("ner/nel.conll:2: expected a blank line of spaces and tabs, or a token line, found a"
                    + " line of only white space holding U+0085, read as a sentence break"),
                    r.report().samples(ConllReader.OTHER_WHITESPACE_BREAK), l.toString());
        }
    }

    /** Spaces, tabs and a CR left by a doubled CR before LF (a line end to Python) are a blank line as before. */
    @Test
    void blankLinesOfSpacesTabsAndCrAreNotFlagged() throws IOException {
        Path f = TestFiles.write(dir, "wnut/train.conll", "a\tO\n\t\nb\tO\n  \nc\tO\n\r\r\nd\tO\n\n");
        ReadResult<TokenExample> r = ConllReader.builder().build().read(f);
        assertEquals(4, r.examples().size());
        assertEquals(0, r.report().totalFlagged());
    }
}
