package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byte-order marks where files saved with one were joined with {@code cat}, or where a file was
 * saved with two, are removed and counted by every reader, as the JSON-lines readers already did:
 * before, a WiC or TSV line opening with one kept it in its first field (the word, a gold label
 * that then was not T or F), a tag-first CoNLL token line kept it in its tag (an invalid tag), a CSV
 * record kept it in its first field, where it also made a quote opening that field text, and a
 * whole-document SQuAD file opening with two lost the second to Gson, uncounted. Ground truth:
 * the fields as written without the marks, and the marks counted by hand.
 */
class JoinedFileMarksTest {
    @TempDir
    Path dir;

    private static final String WIC = "carry\tV\t2-1\tYou must carry it .\tSound carries well .\n";

    @Test
    void aWicLineOrGoldLineOpeningWithAMarkKeepsItsWordAndLabel() throws IOException {
        Path data = TestFiles.write(dir, "wic/dev.data.txt", "\uFEFF" + WIC + "\uFEFF" + WIC + "\uFEFF\uFEFF" + WIC);
        TestFiles.write(dir, "wic/dev.gold.txt", "F\n\uFEFFT\n\uFEFF\n\uFEFFF\n");
        for (Leniency l : Leniency.values()) {
            ReadResult<TextExample> r = new WicReader().read(data, l);
            assertEquals(List.of("carry: You must carry it .", "carry: You must carry it .", "carry: You must carry it ."),
                    r.examples().stream().map(TextExample::textA).toList(), l.toString());
            assertEquals(List.of("false", "true", "false"), r.examples().stream().map(TextExample::label).toList(),
                    l.toString());
            // the data file's own mark; then 1 + 2 data marks and 1 + 1 + 1 gold marks (one a blank line's,
            // which is then passed over and counted as such)
            assertEquals(Map.of(ReadReport.BOM_AT_START, 1, ReadReport.BOM_AT_LINE_START, 6,
                    ReadReport.BLANK_LINE_PASSED_OVER, 1), r.report().cleaned(), l.toString());
        }
    }

    @Test
    void aTsvRowOpeningWithAMarkKeepsItsFirstField() throws IOException {
        Path f = TestFiles.write(dir, "sst/train.tsv", "\uFEFFsentence\tlabel\ngood\t1\n\uFEFFbad\t0\n\uFEFF\uFEFFfine\t1\n");
        TsvClassificationReader reader = TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label")
                .build();
        for (Leniency l : Leniency.values()) {
            ReadResult<TextExample> r = reader.read(f, l);
            assertEquals(List.of("good", "bad", "fine"), r.examples().stream().map(TextExample::textA).toList(),
                    l.toString());
            assertEquals(Map.of(ReadReport.BOM_AT_START, 1, ReadReport.BOM_AT_LINE_START, 3), r.report().cleaned(),
                    l.toString());
        }
    }

    @Test
    void aTagFirstConllLineOpeningWithAMarkKeepsItsTag() throws IOException {
        Path f = TestFiles.write(dir, "mit_movie/engtrain.bio", "\uFEFFB-ACTOR\tsteve\nI-ACTOR\tmcqueen\n\n"
                + "\uFEFFO\tfilms\n\uFEFFB-YEAR\t1960\n");
        ConllReader reader = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).optTagColumn(0)
                .optTokenColumn(1).build();
        for (Leniency l : Leniency.values()) {
            ReadResult<TokenExample> r = reader.read(f, l);
            assertEquals(List.of(List.of("B-ACTOR", "I-ACTOR"), List.of("O", "B-YEAR")),
                    r.examples().stream().map(TokenExample::tags).toList(), l.toString());
            assertEquals(List.of(List.of("steve", "mcqueen"), List.of("films", "1960")),
                    r.examples().stream().map(TokenExample::tokens).toList(), l.toString());
            assertEquals(Map.of(ReadReport.BOM_AT_START, 1, ReadReport.BOM_INSIDE, 2), r.report().cleaned(),
                    l.toString());
        }
    }

    @Test
    void everyMarkOpeningAWholeDocumentIsCounted() throws IOException {
        String squad = "{\"version\": \"v2.0\", \"data\": [{\"title\": \"t\", \"paragraphs\": [{\"context\": \"the cat\","
                + " \"qas\": [{\"id\": \"q1\", \"question\": \"who?\", \"answers\": [{\"text\": \"cat\","
                + " \"answer_start\": 4}]}]}]}]}";
        for (Leniency l : Leniency.values()) {
            ReadResult<QaExample> r = new SquadReader().read(TestFiles.write(dir, "squad/twice.json", "\uFEFF\uFEFF" + squad), l);
            assertEquals(List.of(new GoldAnswer("cat", 4)), r.examples().get(0).answers(), l.toString());
            assertEquals(Map.of(ReadReport.BOM_AT_START, 2), r.report().cleaned(), l.toString());
        }
        // a CSV header's first column, which Gson does not guard
        Path csv = TestFiles.write(dir, "mine/twice.csv", "\uFEFF\uFEFFsentence,label\ngood,1\n");
        ReadResult<TextExample> c = CsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build()
                .read(csv);
        assertEquals(List.of("good"), c.examples().stream().map(TextExample::textA).toList());
        assertEquals(Map.of(ReadReport.BOM_AT_START, 2), c.report().cleaned());
    }

    @Test
    void aCsvRecordOpeningWithAMarkKeepsItsFirstFieldAndQuoting() throws IOException {
        // a mark before a quote made the quote text (csv.reader's reading): "bad, really" split in two
        Path f = TestFiles.write(dir, "mine/joined.csv", "sentence,label\ngood,1\n\uFEFF\"bad, really\",0\n\uFEFF\n"
                + "\uFEFF\uFEFFfine,1\n");
        CsvClassificationReader reader = CsvClassificationReader.builder().setTextA("{sentence}").optLabel("label")
                .build();
        for (Leniency l : Leniency.values()) {
            ReadResult<TextExample> r = reader.read(f, l);
            assertEquals(List.of("good", "bad, really", "fine"), r.examples().stream().map(TextExample::textA).toList(),
                    l.toString());
            // 1 + 1 + 2 marks; the line of a mark alone is a blank line, passed over
            assertEquals(Map.of(ReadReport.BOM_AT_LINE_START, 4, CsvClassificationReader.BLANK_LINE_PASSED_OVER, 1),
                    r.report().cleaned(), l.toString());
        }
    }

    @Test
    void aSubjQaRecordOpeningWithAMarkKeepsItsQuotedFirstField() throws IOException {
        String header = "item_id,q_review_id,question,review,human_ans_spans,human_ans_indices\n";
        Path f = TestFiles.write(dir, "subjqa/books/dev.csv", header + "b1,q1,How?,It is good.,good,\"(6, 10)\"\n"
                + "\uFEFF\"b2,x\",q2,Why?,Not bad.,bad,\"(4, 7)\"\n");
        for (Leniency l : Leniency.values()) {
            ReadResult<QaExample> r = new SubjQaReader().read(f, l);
            assertEquals(List.of(List.of(new GoldAnswer("good", 6)), List.of(new GoldAnswer("bad", 4))),
                    r.examples().stream().map(QaExample::answers).toList(), l.toString());
            assertEquals(Map.of(ReadReport.BOM_AT_LINE_START, 1), r.report().cleaned(), l.toString());
        }
    }
}
