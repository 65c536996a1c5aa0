package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.testing.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two conventions of files users bring that the readers met as defects: Excel's {@code sep=;}
 * first line, which tells Excel the delimiter, and the {@code #} comment lines that CoNLL-U and
 * MultiCoNER files put before each sentence. Expected examples are written out by hand from the
 * files' text.
 */
class ExportConventionsTest {
    @TempDir
    Path dir;

    private static final CsvClassificationReader SEMICOLON = CsvClassificationReader.builder().optDelimiter(';')
            .setTextA("{subject}: {body}").optLabel("team").build();

    @Test
    void excelSepLineIsPassedOverAndCounted() throws IOException {
        // Excel "CSV UTF-8" with the delimiter line a user adds so that Excel opens it split
        Path f = TestFiles.write(dir, "t/tickets.csv", "\uFEFFsep=;\r\nid;subject;body;team\r\n"
                + "T1;refund;\"a; b\";billing\r\nT2;crash;login error;tech\r\n");
        for (Leniency leniency : Leniency.values()) {
            ReadResult<TextExample> r = SEMICOLON.read(f, leniency);
            assertEquals(List.of(new TextExample("t/tickets.csv:3", "refund: a; b", null, "billing"),
                    new TextExample("t/tickets.csv:4", "crash: login error", null, "tech")), r.examples());
            assertEquals(1, r.report().cleaned(CsvClassificationReader.SEP_LINE_PASSED_OVER));
            assertEquals(0, r.report().totalSkipped());
        }
    }

    @Test
    void excelSepLineBeforeHeaderlessRowsIsPassedOver() throws IOException {
        CsvClassificationReader reader = CsvClassificationReader.builder().optDelimiter(';')
                .optColumnNames(List.of("id", "text", "label")).setTextA("{text}").optLabel("label").build();
        Path f = TestFiles.write(dir, "t/rows.csv", "sep=;\n1;good film;pos\n");
        assertEquals(List.of(new TextExample("t/rows.csv:2", "good film", null, "pos")), reader.read(f).examples());
    }

    @Test
    void excelSepLineNamingAnotherDelimiterSaysWhichToSet() throws IOException {
        Path f = TestFiles.write(dir, "t/comma.csv", "sep=,\nid,subject,body,team\nT1,refund,x,billing\n");
        for (Leniency leniency : Leniency.values()) {
            MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> SEMICOLON.read(f, leniency));
            assertEquals("t/comma.csv:1: expected a header row or Excel's delimiter line 'sep=;', found Excel's"
                    + " delimiter line 'sep=,': the file is comma-separated; set optDelimiter(',')", e.getMessage());
        }
    }

    @Test
    void quotedSepFieldIsAHeaderNotExcelsLine() throws IOException {
        // Excel reads only a bare sep= line; a quoted one is a column name like any other
        CsvClassificationReader reader = CsvClassificationReader.builder().optDelimiter(';')
                .setTextA("{sep=;}").optLabel("label").build();
        Path f = TestFiles.write(dir, "t/quoted.csv", "\"sep=;\";label\nhello;x\n");
        assertEquals(List.of(new TextExample("t/quoted.csv:2", "hello", null, "x")), reader.read(f).examples());
    }

    private static final ConllReader CONLLU = ConllReader.builder().optSeparator(ConllReader.Separator.TAB)
            .optTokenColumn(1).optTagColumn(4).optCommentPrefix("#").build();

    @Test
    void commentLinesBeforeSentencesArePassedOverAndCounted() throws IOException {
        Path f = TestFiles.write(dir, "t/ner.conllu", "# sent_id = 1\n# text = Anna bought zorbel\n"
                + "1\tAnna\tNN\tanna\tB-PER\n2\tbought\tVB\tbuy\tO\n3\tzorbel\tNN\tzorbel\tB-PROD\n\n"
                + "# sent_id = 2\n1\tBob\tNN\tbob\tB-PER\n");
        for (Leniency leniency : Leniency.values()) {
            ReadResult<TokenExample> r = CONLLU.read(f, leniency);
            assertEquals(List.of(new TokenExample("t/ner.conllu:3", List.of("Anna", "bought", "zorbel"),
                            List.of("B-PER", "O", "B-PROD")),
                    new TokenExample("t/ner.conllu:8", List.of("Bob"), List.of("B-PER"))), r.examples());
            assertEquals(3, r.report().cleaned(ConllReader.COMMENT_LINE_PASSED_OVER));
            assertEquals(0, r.report().totalSkipped());
        }
    }

    @Test
    void aPrefixedLineInsideASentenceIsAToken() throws IOException {
        // MultiCoNER-style: '# id ...' opens a sentence, and a '#' token inside one stays a token
        ConllReader reader = ConllReader.builder().optCommentPrefix("# id ").build();
        Path f = TestFiles.write(dir, "t/multiconer.txt", "# id 5f2 domain=en\nlove _ _ O\n# _ _ O\nparis _ _ B-LOC\n");
        assertEquals(List.of(new TokenExample("t/multiconer.txt:2", List.of("love", "#", "paris"),
                List.of("O", "O", "B-LOC"))), reader.read(f).examples());
    }

    @Test
    void aCommentLineWithoutThePrefixSetNamesTheOption() {
        ConllReader reader = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).optColumns(5)
                .optTokenColumn(1).optTagColumn(4).build();
        Path f;
        try {
            f = TestFiles.write(dir, "t/plain.conllu", "# sent_id = 1\n1\tAnna\tNN\tanna\tB-PER\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> reader.read(f));
        assertEquals("t/plain.conllu:1: expected 5 tab-separated fields, found 1 (a line starting with '#': if it is"
                + " a comment, optCommentPrefix(\"#\") passes over such lines before a sentence)", e.getMessage());
    }

    @Test
    void aHashPrefixOnTweetsTakesSentenceOpeningHashtagsForCommentsAndCountsEachOne() throws IOException {
        // WNUT-17 has '#' tokens (hashtags) and no comments: unset, every line is a token (ConllReaderScaleTest);
        // set to "#", each '#' line opening a sentence is passed over, and the count says how many
        Path train = SharedFixtures.require("data/sl/wnut17/wnut17train.conll");
        List<String> lines = List.of(new String(Files.readAllBytes(train),
                StandardCharsets.UTF_8).split("\n", -1));
        int tokenLines = 0;
        int opening = 0;
        boolean inSentence = false;
        for (String line : lines) {
            if (line.isBlank()) {
                inSentence = false;
                continue;
            }
            tokenLines++;
            // every '#' line before a sentence's first other line: a run of hashtags opening a tweet
            if (!inSentence && line.startsWith("#")) {
                opening++;
            } else {
                inSentence = true;
            }
        }
        ConllReader plain = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).build();
        ConllReader hashed = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).optCommentPrefix("#").build();
        ReadResult<TokenExample> unset = plain.read(train);
        ReadResult<TokenExample> set = hashed.read(train);
        assertEquals(tokenLines, unset.examples().stream().mapToInt(e -> e.tokens().size()).sum());
        assertEquals(0, unset.report().cleaned(ConllReader.COMMENT_LINE_PASSED_OVER));
        assertEquals(opening, set.report().cleaned(ConllReader.COMMENT_LINE_PASSED_OVER));
        assertEquals(tokenLines - opening, set.examples().stream().mapToInt(e -> e.tokens().size()).sum());
    }

    @Test
    void aCommentLineInsideASentenceSaysCommentsArePassedOverOnlyBeforeOne() throws IOException {
        // no blank line before the second sentence's comment: it is read as a token line of the first
        Path f = TestFiles.write(dir, "t/joined.conllu", "# sent_id = 1\n1\tAnna\tNN\tanna\tB-PER\n"
                + "# sent_id = 2\n1\tBob\tNN\tbob\tB-PER\n");
        ConllReader reader = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).optColumns(5)
                .optTokenColumn(1).optTagColumn(4).optCommentPrefix("#").build();
        String expected = "t/joined.conllu:3: expected 5 tab-separated fields, found 1 (a line starting with the"
                + " comment prefix '#' inside a sentence: comments are passed over only before a sentence's first"
                + " token; end the sentence before it with a blank line)";
        assertEquals(expected, assertThrows(MalformedDatasetException.class, () -> reader.read(f)).getMessage());
        ReadReport lenient = reader.read(f, Leniency.LENIENT).report();
        assertEquals(List.of(expected), lenient.samples(ConllReader.WRONG_FIELD_COUNT));
        assertEquals(1, lenient.cleaned(ConllReader.COMMENT_LINE_PASSED_OVER));
    }

    @Test
    void anExcelSepLineNamingTabShowsTheTabAsWritten() throws IOException {
        // a raw TAB in the message reads as blank space: the line is shown as the delimiter to set is
        Path f = TestFiles.write(dir, "t/tabs.csv", "sep=\t\nid\tsubject\tbody\tteam\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> SEMICOLON.read(f));
        assertEquals("t/tabs.csv:1: expected a header row or Excel's delimiter line 'sep=;', found Excel's"
                + " delimiter line 'sep=\\t': the file is TAB-separated; set optDelimiter('\\t')", e.getMessage());
    }
}
