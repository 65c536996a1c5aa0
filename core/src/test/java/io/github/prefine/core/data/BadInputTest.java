package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSource;
import io.github.prefine.core.testing.TestFiles;
import io.github.prefine.eval.metrics.MetricType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of bad input gives a located MalformedDatasetException, or a counted skip when lenient. */
class BadInputTest {
    @TempDir
    Path dir;

    private static final ConllReader TAB = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).build();

    @Test
    void extraColumnNamesFileLineExpectedAndFound() throws IOException {
        Path f = TestFiles.write(dir, "wnut17/train.conll", "a\tO\nb\tB-x\n\nc\tO\td\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> TAB.read(f));
        assertEquals("wnut17/train.conll:4: expected 2 tab-separated fields (token, tag), found 3", e.getMessage());
        assertEquals("4", e.location());
        ReadResult<TokenExample> r = TAB.read(f, Leniency.LENIENT);
        assertEquals(1, r.examples().size());
        assertEquals(1, r.report().skipped(ConllReader.WRONG_FIELD_COUNT));
        assertEquals(2, r.report().records());
    }

    @Test
    void tagColumnMissingMidFile() throws IOException {
        Path f = TestFiles.write(dir, "d/x.conll", "EU NNP B-ORG\nrejects VBZ O\n\nGerman JJ\ncall NN O\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                () -> ConllReader.builder().build().read(f));
        assertEquals("d/x.conll:4: expected 3 whitespace-separated fields, found 2", e.getMessage());
    }

    @Test
    void invalidTagIsRejected() throws IOException {
        Path f = TestFiles.write(dir, "d/x.conll", "a\tX-PER\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> TAB.read(f));
        assertTrue(e.getMessage().startsWith("d/x.conll:1: expected a tag O, B-<type> or I-<type>"), e.getMessage());
        assertTrue(e.getMessage().endsWith("found 'X-PER'"), e.getMessage());
    }

    @Test
    void emptyFileStrictThrowsLenientCounts() throws IOException {
        Path f = TestFiles.write(dir, "d/empty.conll", "");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> TAB.read(f));
        assertEquals("d/empty.conll: expected at least one sentence, found an empty file", e.getMessage());
        assertEquals(1, TAB.read(f, Leniency.LENIENT).report().skipped(ConllReader.EMPTY_FILE));
        Path j = TestFiles.write(dir, "d/empty.jsonl", "\n\n");
        assertThrows(MalformedDatasetException.class, () -> JsonlClassificationReader.boolq().read(j));
        Path t = TestFiles.write(dir, "d/empty.tsv", "");
        assertThrows(MalformedDatasetException.class,
                () -> TsvClassificationReader.builder().setTextA("{sentence}").build().read(t));
    }

    @Test
    void invalidUtf8NamesLineAndByte() throws IOException {
        byte[] bytes = "a\tO\n\nb\tO\nc\u00ff\tO\n".getBytes(StandardCharsets.ISO_8859_1);
        Path f = TestFiles.write(dir, "d/bad.conll", bytes);
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> TAB.read(f));
        assertEquals("d/bad.conll:4: expected valid UTF-8, found byte 0xFF at column 2", e.getMessage());
        ReadResult<TokenExample> r = TAB.read(f, Leniency.LENIENT);
        assertEquals(1, r.examples().size());
        assertEquals(1, r.report().skipped(ConllReader.INVALID_UTF8));
        Path j = TestFiles.write(dir, "d/bad.json", "{\"data\": [\n\"\u00e9\"]}".getBytes(StandardCharsets.ISO_8859_1));
        MalformedDatasetException je = assertThrows(MalformedDatasetException.class, () -> new SquadReader().read(j));
        assertEquals("d/bad.json:2: expected valid UTF-8, found byte 0xE9 at column 2", je.getMessage());
    }

    @Test
    void invalidUtf8MessagesCarryAsciiDigitsUnderEveryLocale() throws IOException {
        // messages are grepped and compared by scripts: under ar-EG %d wrote Arabic-Indic digits
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("ar-EG"));
            invalidUtf8NamesLineAndByte();
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void bomAtStartAndInsideTokenAreRemovedAndCounted() throws IOException {
        Path f = TestFiles.write(dir, "d/bom.conll", "\uFEFFa\tO\nDubbz\uFEFF\tB-person\n");
        ReadResult<TokenExample> r = TAB.read(f);
        assertEquals(List.of("a", "Dubbz"), r.examples().get(0).tokens());
        assertEquals(1, r.report().cleaned(ReadReport.BOM_AT_START));
        assertEquals(1, r.report().cleaned(ReadReport.BOM_INSIDE));
    }

    @Test
    void loneTabAndDocstartSeparateSentences() throws IOException {
        Path f = TestFiles.write(dir, "d/x.conll", "-DOCSTART-\tO\n\t\na\tO\n\t\nb\tB-x\n \nc\tI-x\n");
        ReadResult<TokenExample> r = TAB.read(f);
        assertEquals(3, r.examples().size());
        assertEquals("x.conll", r.examples().get(0).id().substring(2, 9));
        assertEquals("d/x.conll:3", r.examples().get(0).id());
    }

    @Test
    void docstartRightAfterASentenceEndsItAndIsNoToken() throws IOException {
        Path f = TestFiles.write(dir, "d/y.conll", "EU NNP B-NP B-ORG\n-DOCSTART- -X- O O\n\nPeter NNP B-NP B-PER\n");
        ReadResult<TokenExample> r = ConllReader.builder().build().read(f);
        assertEquals(List.of(List.of("EU"), List.of("Peter")), r.examples().stream().map(TokenExample::tokens).toList());
    }

    @Test
    void iob1AndIoConvertedBioesKept() throws IOException {
        Path f = TestFiles.write(dir, "d/iob1.txt", "A I-PER\nB I-PER\nC B-PER\nD O\nE I-LOC\n");
        ReadResult<TokenExample> r = ConllReader.builder().optScheme(FileTagScheme.IOB1).build().read(f);
        assertEquals(List.of("B-PER", "I-PER", "B-PER", "O", "B-LOC"), r.examples().get(0).tags());
        assertEquals(2, r.report().repaired(ConllReader.CONVERTED_TO_IOB2));
        Path io = TestFiles.write(dir, "d/io.txt", "A\tperson\nB\tperson\nC\tO\nD\tloc\n");
        assertEquals(List.of("B-person", "I-person", "O", "B-loc"), ConllReader.builder()
                .optSeparator(ConllReader.Separator.TAB).optScheme(FileTagScheme.IO).build().read(io).examples().get(0).tags());
        Path bioes = TestFiles.write(dir, "d/bioes.txt", "A S-PER\nB B-LOC\nC E-LOC\n");
        assertEquals(List.of("S-PER", "B-LOC", "E-LOC"),
                ConllReader.builder().optScheme(FileTagScheme.BIOES).build().read(bioes).examples().get(0).tags());
        assertThrows(MalformedDatasetException.class, () -> ConllReader.builder().build().read(bioes));
    }

    /**
     * An IOB2 file whose entity opens with {@code I-} (one in each CoNLL-2002 Spanish file, or every
     * entity of an IOB1 file read with the default scheme) was read without a word. Each such tag is
     * kept as written, since the evaluation reads the file's tags as they are, and flagged at its line.
     */
    @Test
    void anIob2EntityOpeningWithIIsKeptAndFlaggedAtItsLine() throws IOException {
        // lines: 1 EU B-ORG, 2 Commission I-ORG (continues), 3 said O, 4 Bonn I-LOC (opens after O),
        // 6 Ms I-PER (opens the sentence), 7 Smith I-PER, 8 of I-LOC (opens after another type)
        Path f = TestFiles.write(dir, "d/orphan.conll",
                "EU B-ORG\nCommission I-ORG\nsaid O\nBonn I-LOC\n\nMs I-PER\nSmith I-PER\nof I-LOC\n");
        for (Leniency l : Leniency.values()) {
            ReadResult<TokenExample> r = ConllReader.builder().build().read(f, l);
            assertEquals(List.of(List.of("B-ORG", "I-ORG", "O", "I-LOC"), List.of("I-PER", "I-PER", "I-LOC")),
                    r.examples().stream().map(TokenExample::tags).toList(), "kept as written, " + l);
            assertEquals(3, r.report().flagged(ConllReader.I_OPENS_ENTITY), l.toString());
            assertEquals(0, r.report().totalSkipped());
            assertEquals(List.of(
                    "d/orphan.conll:4: expected B-LOC, or I-LOC after B-LOC or I-LOC (IOB2 opens an entity with B-;"
                            + " a file whose entities open with I- is IOB1), found 'I-LOC' after 'O'",
                    "d/orphan.conll:6: expected B-PER, or I-PER after B-PER or I-PER (IOB2 opens an entity with B-;"
                            + " a file whose entities open with I- is IOB1), found 'I-PER' opening the sentence",
                    "d/orphan.conll:8: expected B-LOC, or I-LOC after B-LOC or I-LOC (IOB2 opens an entity with B-;"
                            + " a file whose entities open with I- is IOB1), found 'I-LOC' after 'I-PER'"),
                    r.report().samples(ConllReader.I_OPENS_ENTITY));
        }
        // BIOES: I- continues a B- or I- of its type; IOB1 converts such a tag, so nothing is flagged
        Path bioes = TestFiles.write(dir, "d/orphan.bioes", "A B-LOC\nB I-LOC\nC E-LOC\nD I-LOC\n");
        assertEquals(1, ConllReader.builder().optScheme(FileTagScheme.BIOES).build().read(bioes).report()
                .flagged(ConllReader.I_OPENS_ENTITY));
        ReadResult<TokenExample> iob1 = ConllReader.builder().optScheme(FileTagScheme.IOB1).build().read(f);
        assertEquals(0, iob1.report().totalFlagged());
        assertEquals(3, iob1.report().repaired(ConllReader.CONVERTED_TO_IOB2));
    }

    @Test
    void eachSchemeAcceptsItsOwnPrefixesAndAType() {
        // IOB2/IOB1: O, B-T, I-T; BIOES adds E-T and S-T; IO: any non-empty label (Tjong Kim Sang and Veenstra 1999)
        for (FileTagScheme iob : List.of(FileTagScheme.IOB2, FileTagScheme.IOB1)) {
            for (String ok : List.of("O", "B-PER", "I-PER", "B-X")) {
                assertTrue(iob.isValid(ok), iob + " " + ok);
            }
            for (String bad : List.of("E-PER", "S-PER", "PER", "B-", "B_PER", "", "o")) {
                assertFalse(iob.isValid(bad), iob + " " + bad);
            }
        }
        for (String ok : List.of("O", "B-PER", "I-PER", "E-PER", "S-PER")) {
            assertTrue(FileTagScheme.BIOES.isValid(ok), ok);
        }
        for (String bad : List.of("X-PER", "S-", "PER")) {
            assertFalse(FileTagScheme.BIOES.isValid(bad), bad);
        }
        assertTrue(FileTagScheme.IO.isValid("person"));
        assertTrue(FileTagScheme.IO.isValid("O"));
        assertFalse(FileTagScheme.IO.isValid(""));
    }

    /**
     * IO takes bare type labels; an IOB2 file read as IO passed, and each prefixed tag became a type
     * of its own ({@code B-PER I-PER} two entities, of types {@code B-PER} and {@code I-PER}), without
     * a word. A tag with a scheme's prefix is no IO tag: refused at its line, naming the schemes.
     */
    @Test
    void anIoFileRefusesTagsWithAnotherSchemesPrefix() throws IOException {
        for (String bad : List.of("B-PER", "I-PER", "E-LOC", "S-LOC")) {
            assertFalse(FileTagScheme.IO.isValid(bad), bad);
        }
        // Few-NERD's labels hold hyphens, and a one-letter label is no prefix
        for (String ok : List.of("person-actor", "location-GPE", "B", "X-PER", "I-")) {
            assertTrue(FileTagScheme.IO.isValid(ok), ok);
        }
        ConllReader io = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).optScheme(FileTagScheme.IO)
                .build();
        Path f = TestFiles.write(dir, "d/iob2.io", "Ann\tperson\n\nEU\tB-ORG\nrejects\tO\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> io.read(f));
        assertEquals("d/iob2.io:3: expected a non-empty tag without whitespace and without the prefix B-, I-, E- or"
                + " S- of IOB1, IOB2 or BIOES (IO), found 'B-ORG'", e.getMessage());
        ReadResult<TokenExample> r = io.read(f, Leniency.LENIENT);
        assertEquals(List.of(List.of("B-person")), r.examples().stream().map(TokenExample::tags).toList());
        assertEquals(1, r.report().skipped(ConllReader.INVALID_TAG));
    }

    /**
     * A TAB-separated file keeps the spaces around a field, so a tag with a trailing space ({@code
     * "B-ORG "}) reached the examples as an entity type of its own, beside {@code ORG}: a tag holding
     * whitespace is no tag of any scheme.
     */
    @Test
    void aTagHoldingWhitespaceIsInvalidNotATypeOfItsOwn() throws IOException {
        for (FileTagScheme scheme : FileTagScheme.values()) {
            for (String bad : List.of("B-ORG ", "I- ORG", "B-New York", "O ", "\u00a0O")) {
                // IO takes bare labels: a type, and no whitespace in it either
                assertFalse(scheme.isValid(bad), scheme + " '" + bad + "'");
            }
        }
        Path f = TestFiles.write(dir, "d/ws.conll", "EU\tB-ORG\nrejects\tO\n\nBonn\tB-ORG \n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> TAB.read(f));
        assertEquals("d/ws.conll:4: expected a tag O, B-<type> or I-<type> (IOB2), found 'B-ORG '", e.getMessage());
        ReadResult<TokenExample> r = TAB.read(f, Leniency.LENIENT);
        assertEquals(List.of(List.of("B-ORG", "O")), r.examples().stream().map(TokenExample::tags).toList());
        assertEquals(1, r.report().skipped(ConllReader.INVALID_TAG));
        assertEquals(2, r.report().records());
    }

    @Test
    void tagFirstColumnOrder() throws IOException {
        Path f = TestFiles.write(dir, "d/movie.bio", "B-ACTOR\tbruce\nI-ACTOR\twillis\n");
        ReadResult<TokenExample> r = ConllReader.builder().optSeparator(ConllReader.Separator.TAB)
                .optTagColumn(0).optTokenColumn(1).build().read(f);
        assertEquals(List.of("bruce", "willis"), r.examples().get(0).tokens());
        assertEquals(List.of("B-ACTOR", "I-ACTOR"), r.examples().get(0).tags());
    }

    @Test
    void docstartIsReadInTheTokenColumnOfTagFirstFiles() throws IOException {
        // "Lines whose token column starts with -DOCSTART- are document boundaries and are neither
        // tokens nor sentences": in a tag-first file the token is the second column
        Path f = TestFiles.write(dir, "d/movie.bio", "O -DOCSTART-\n\nB-ACTOR bruce\nI-ACTOR willis\n");
        ConllReader tagFirst = ConllReader.builder().optTagColumn(0).optTokenColumn(1).build();
        ReadResult<TokenExample> r = tagFirst.read(f);
        assertEquals(List.of(List.of("bruce", "willis")), r.examples().stream().map(TokenExample::tokens).toList());
        assertEquals(1, r.report().records());
        // a bare marker line has no token column: still a boundary
        Path bare = TestFiles.write(dir, "d/bare.bio", "-DOCSTART-\nB-ACTOR bruce\n");
        assertEquals(List.of(List.of("bruce")), tagFirst.read(bare).examples().stream().map(TokenExample::tokens).toList());
    }

    @Test
    void columnsCountedFromTheEndAndATokenColumnPastTheLine() throws IOException {
        // -2 and -1 of a 2-column line are its first and second columns
        Path f = TestFiles.write(dir, "d/movie.bio", "B-ACTOR bruce\nI-ACTOR willis\n");
        ReadResult<TokenExample> r = ConllReader.builder().optTagColumn(-2).optTokenColumn(-1).build().read(f);
        assertEquals(List.of("bruce", "willis"), r.examples().get(0).tokens());
        assertEquals(List.of("B-ACTOR", "I-ACTOR"), r.examples().get(0).tags());
        // a third column that the first line lacks is a located defect, not an index error
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                () -> ConllReader.builder().optTokenColumn(2).build().read(f));
        assertEquals("1", e.location());
    }

    @Test
    void aColumnPastTheFirstLineNamesTheFieldsItNeeds() throws IOException {
        // a tag column 5 of a token<TAB>tag file said "expected at least 2 tab-separated fields
        // (token, tag), found 2": the count it contradicted was the defaults', not the reader's
        Path f = TestFiles.write(dir, "d/ner.conll", "john\tB-PER\nsmiles\tO\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> ConllReader.builder()
                .optSeparator(ConllReader.Separator.TAB).optTagColumn(5).build().read(f));
        assertEquals("d/ner.conll:1: expected at least 6 tab-separated fields (token column 0, tag column 5), found 2",
                e.getMessage());
        // counted from the end, column -4 is the first of at least 4
        e = assertThrows(MalformedDatasetException.class, () -> ConllReader.builder().optTokenColumn(-4).build().read(f));
        assertEquals("d/ner.conll:1: expected at least 4 whitespace-separated fields (token column -4, tag column -1),"
                + " found 2", e.getMessage());
        // the defaults keep their message for a one-column line
        Path one = TestFiles.write(dir, "d/one.conll", "john\n");
        e = assertThrows(MalformedDatasetException.class, () -> TAB.read(one));
        assertEquals("d/one.conll:1: expected at least 2 tab-separated fields (token, tag), found 1", e.getMessage());
    }

    @Test
    void aByteOrderMarkOpeningALaterTokenIsRemovedAndCountedInside() throws IOException {
        Path f = TestFiles.write(dir, "d/bom2.conll", "a\tO\n\uFEFFb\tO\n");
        ReadResult<TokenExample> r = TAB.read(f);
        assertEquals(List.of("a", "b"), r.examples().get(0).tokens());
        assertEquals(1, r.report().cleaned(ReadReport.BOM_INSIDE));
        assertEquals(0, r.report().cleaned(ReadReport.BOM_AT_START));
    }

    /**
     * CoNLL files joined with {@code cat}, each saved with a byte-order mark: the mark opening the
     * second file's {@code -DOCSTART-} line hid the document start, which became a one-token
     * sentence ({@code -DOCSTART-} tagged {@code O}) among the examples; a line of the mark alone was
     * a one-field line (a wrong field count) where such a first line is blank. The mark opening a
     * later line is removed before the line is read, and counted as one opening a token is.
     */
    @Test
    void aByteOrderMarkOpeningALaterConllLineLeavesADocumentStartOrBlankLineAsItIs() throws IOException {
        ConllReader iob1 = ConllReader.builder().optScheme(FileTagScheme.IOB1).build();
        Path cat = TestFiles.write(dir, "d/cat.conll", "\uFEFF-DOCSTART- -X- -X- O\n\nEU NNP B-NP I-ORG\n\n"
                + "\uFEFF-DOCSTART- -X- -X- O\n\nPeter NNP B-NP I-PER\n");
        for (Leniency l : Leniency.values()) {
            ReadResult<TokenExample> r = iob1.read(cat, l);
            // two sentences, lines 3 and 7, as in the two files read one after the other
            assertEquals(List.of("d/cat.conll:3", "d/cat.conll:7"), r.examples().stream().map(TokenExample::id).toList(),
                    l.toString());
            assertEquals(List.of(List.of("B-ORG"), List.of("B-PER")), r.examples().stream().map(TokenExample::tags)
                    .toList(), l.toString());
            assertEquals(2, r.report().records(), l.toString());
            assertEquals(Map.of(ReadReport.BOM_AT_START, 1, ReadReport.BOM_INSIDE, 1), r.report().cleaned(),
                    l.toString());
        }
        // the mark alone on a line: a blank line, ending the sentence before it
        Path blank = TestFiles.write(dir, "d/blank.conll", "a\tO\n\uFEFF\nb\tB-x\n");
        ReadResult<TokenExample> r = TAB.read(blank);
        assertEquals(List.of(List.of("a"), List.of("b")), r.examples().stream().map(TokenExample::tokens).toList());
        assertEquals(1, r.report().cleaned(ReadReport.BOM_INSIDE));
        // and before a comment line, the comment is passed over as the first file's is
        Path comment = TestFiles.write(dir, "d/comment.conll", "# sent_id = 1\na\tO\n\n\uFEFF# sent_id = 1\nb\tO\n");
        ReadResult<TokenExample> c = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).optCommentPrefix("#")
                .build().read(comment);
        assertEquals(List.of(List.of("a"), List.of("b")), c.examples().stream().map(TokenExample::tokens).toList());
        assertEquals(2, c.report().cleaned(ConllReader.COMMENT_LINE_PASSED_OVER));
    }

    /**
     * Every mark opening a later blank or {@code -DOCSTART-} line goes, as every one opening a JSON
     * line does: with only the first removed, a second (a file saved with two, joined with {@code
     * cat}) hid the document start again, a one-token sentence tagged {@code O}, and left a line of
     * two marks a one-field line. Each is counted: 1 at the file start, 2 + 2 after it.
     */
    @Test
    void everyByteOrderMarkOpeningALaterConllDocumentStartOrBlankLineIsRemovedAndCounted() throws IOException {
        Path cat = TestFiles.write(dir, "d/twice.conll", "\uFEFF-DOCSTART- -X- -X- O\n\nEU NNP B-NP I-ORG\n\uFEFF\uFEFF\n"
                + "\uFEFF\uFEFF-DOCSTART- -X- -X- O\n\nPeter NNP B-NP I-PER\n");
        for (Leniency l : Leniency.values()) {
            ReadResult<TokenExample> r = ConllReader.builder().optScheme(FileTagScheme.IOB1).build().read(cat, l);
            assertEquals(List.of(List.of("EU"), List.of("Peter")), r.examples().stream().map(TokenExample::tokens)
                    .toList(), l.toString());
            assertEquals(2, r.report().records(), l.toString());
            assertEquals(Map.of(ReadReport.BOM_AT_START, 1, ReadReport.BOM_INSIDE, 4), r.report().cleaned(),
                    l.toString());
        }
    }

    /**
     * A JSON line opening with U+FEFF (files joined with {@code cat}, each saved with a byte-order
     * mark) was read as if the mark were not there, uncounted: Gson passes over one at the start of
     * what it parses, where Python's {@code json.loads} refuses the line. It is removed and counted
     * as a cleaning, as one opening a CoNLL token is; the file's own mark stays {@code BOM_AT_START}.
     */
    @Test
    void aByteOrderMarkOpeningALaterJsonLineIsRemovedAndCounted() throws IOException {
        String cb = "\uFEFF{\"premise\": \"p1\", \"hypothesis\": \"h1\", \"label\": \"neutral\"}\n"
                + "\uFEFF{\"premise\": \"p2\", \"hypothesis\": \"h2\", \"label\": \"entailment\"}\n"
                + "{\"premise\": \"p3\", \"hypothesis\": \"h3\", \"label\": \"neutral\"}\n";
        ReadResult<TextExample> r = JsonlClassificationReader.premiseHypothesis()
                .read(TestFiles.write(dir, "cb/cat.jsonl", cb));
        assertEquals(List.of("p1", "p2", "p3"), r.examples().stream().map(TextExample::textA).toList());
        assertEquals(1, r.report().cleaned(ReadReport.BOM_AT_START));
        assertEquals(1, r.report().cleaned(ReadReport.BOM_AT_LINE_START));
        String copa = "{\"premise\": \"p\", \"question\": \"cause\", \"choice1\": \"a\", \"choice2\": \"b\","
                + " \"label\": 0}\n";
        assertEquals(1, new CopaReader().read(TestFiles.write(dir, "copa/cat.jsonl", copa + "\uFEFF" + copa)).report()
                .cleaned(ReadReport.BOM_AT_LINE_START));
        String mrqa = "{\"header\": {}}\n\uFEFF{\"context\": \"the cat\", \"qas\": [{\"qid\": \"q1\","
                + " \"question\": \"who?\", \"detected_answers\": [{\"text\": \"cat\", \"char_spans\": [[4, 6]]}]}]}\n";
        ReadResult<QaExample> m = new MrqaReader().read(TestFiles.write(dir, "mrqa/cat.jsonl", mrqa));
        assertEquals(List.of(new GoldAnswer("cat", 4)), m.examples().get(0).answers());
        assertEquals(Map.of(ReadReport.BOM_AT_LINE_START, 1), m.report().cleaned());
        // a line of the mark alone is blank once it is removed, as such a first line is: no record
        ReadResult<TextExample> alone = JsonlClassificationReader.premiseHypothesis()
                .read(TestFiles.write(dir, "cb/alone.jsonl", cb + "\uFEFF\n"));
        assertEquals(3, alone.report().records());
        assertEquals(2, alone.report().cleaned(ReadReport.BOM_AT_LINE_START));
        // a mark that does not open the line is no byte-order mark: the line is still no JSON
        Path inside = TestFiles.write(dir, "cb/inside.jsonl", " \uFEFF" + cb.substring(1));
        assertThrows(MalformedDatasetException.class, () -> JsonlClassificationReader.premiseHypothesis().read(inside));
    }

    /**
     * Two marks opening a JSON line (a file saved with a mark twice, joined with {@code cat}): the
     * first was removed and counted, and Gson passed over the second unseen, at the start of what it
     * parses. Each is removed and counted; a third at the file's start as well.
     */
    @Test
    void everyByteOrderMarkOpeningAJsonLineIsCounted() throws IOException {
        String line = "{\"premise\": \"p\", \"hypothesis\": \"h\", \"label\": \"neutral\"}\n";
        for (Leniency l : Leniency.values()) {
            ReadResult<TextExample> r = JsonlClassificationReader.premiseHypothesis()
                    .read(TestFiles.write(dir, "cb/twice.jsonl", line + "\uFEFF\uFEFF" + line), l);
            assertEquals(2, r.examples().size(), l.toString());
            assertEquals(Map.of(ReadReport.BOM_AT_LINE_START, 2), r.report().cleaned(), l.toString());
            // the file's own mark, then two more before its first line
            r = JsonlClassificationReader.premiseHypothesis()
                    .read(TestFiles.write(dir, "cb/thrice.jsonl", "\uFEFF\uFEFF\uFEFF" + line), l);
            assertEquals(Map.of(ReadReport.BOM_AT_START, 1, ReadReport.BOM_AT_LINE_START, 2), r.report().cleaned(),
                    l.toString());
        }
    }

    @Test
    void buildRefusesColumnsOutsideTheDeclaredCountOrOneColumnForBoth() {
        assertThrows(IllegalArgumentException.class, () -> ConllReader.builder().optColumns(1).build());
        assertThrows(IllegalArgumentException.class, () -> ConllReader.builder().optColumns(-1).build());
        assertThrows(IllegalArgumentException.class, () -> ConllReader.builder().optColumns(2).optTokenColumn(2).build());
        assertThrows(IllegalArgumentException.class, () -> ConllReader.builder().optColumns(3).optTokenColumn(3).build());
        assertThrows(IllegalArgumentException.class, () -> ConllReader.builder().optColumns(3).optTagColumn(3).build());
        assertThrows(IllegalArgumentException.class, () -> ConllReader.builder().optColumns(3).optTokenColumn(-4).build());
        assertThrows(IllegalArgumentException.class, () -> ConllReader.builder().optColumns(3).optTagColumn(-4).build());
        // of two columns, -2 is the first: the token's column 0 again
        assertThrows(IllegalArgumentException.class, () -> ConllReader.builder().optColumns(2).optTagColumn(-2).build());
        assertThrows(IllegalArgumentException.class, () -> ConllReader.builder().optTagColumn(0).build());
        // the defaults (token 0, tag -1) fit any declared count of at least 2
        assertEquals(FileTagScheme.IOB2, ConllReader.builder().optColumns(2).build().scheme());
        assertEquals(FileTagScheme.IOB2, ConllReader.builder().optColumns(3).optTokenColumn(-3).optTagColumn(2).build().scheme());
    }

    @Test
    void aFileWhoseFieldCountMakesTokenAndTagOneColumnIsRefused() throws IOException {
        // tag column -2 of a two-field line is field 0, the token's: under IO, where any
        // non-empty label is a tag, every token was read as its own tag
        ConllReader reader = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).optTagColumn(-2)
                .optScheme(FileTagScheme.IO).build();
        Path f = TestFiles.write(dir, "d/two.tsv", "Paris\tlocation\nis\tO\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> reader.read(f));
        assertEquals("d/two.tsv:1: expected token column 0 and tag column -2 in different fields, found 2"
                + " tab-separated fields, which make both field 0", e.getMessage());
        ReadResult<TokenExample> r = reader.read(f, Leniency.LENIENT);
        assertEquals(List.of(), r.examples());
        assertEquals(1, r.report().skipped(ConllReader.WRONG_FIELD_COUNT));
        // three fields put the tag in field 1: the same reader reads them
        Path three = TestFiles.write(dir, "d/three.tsv", "Paris\tlocation\tx\n");
        assertEquals(List.of("B-location"), reader.read(three).examples().get(0).tags());
    }

    @Test
    void toBuilderKeepsEverySetting() throws IOException {
        ConllReader iob1TagFirst = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).optTagColumn(0)
                .optTokenColumn(1).optColumns(2).optScheme(FileTagScheme.IOB1).build();
        ConllReader copy = iob1TagFirst.toBuilder().build();
        assertEquals(FileTagScheme.IOB1, copy.scheme());
        assertEquals(TokenExample.class, copy.exampleType());
        // IOB1 "I-PER I-PER" is one entity: IOB2 "B-PER I-PER"; a 3-column line breaks optColumns(2)
        Path f = TestFiles.write(dir, "d/iob1.tsv", "I-PER\tA\nI-PER\tB\n");
        assertEquals(List.of("B-PER", "I-PER"), copy.read(f).examples().get(0).tags());
        assertEquals(List.of("A", "B"), copy.read(f).examples().get(0).tokens());
        Path wide = TestFiles.write(dir, "d/wide.tsv", "I-PER\tA\tx\n");
        assertThrows(MalformedDatasetException.class, () -> copy.read(wide));
    }

    /**
     * A header naming a wanted column twice: the readers filled the template from the first of the
     * two, where Python's {@code csv.DictReader} keeps the last and pandas renames the second, so
     * which text a task trained on depended on the tool. Refused in both modes, as a missing column is.
     */
    @Test
    void aHeaderNamingAWantedColumnTwiceIsRefused() throws IOException {
        Path tsv = TestFiles.write(dir, "d/twice.tsv", "sentence\tlabel\tsentence\nfirst\t1\tsecond\n");
        TsvClassificationReader t = TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build();
        for (Leniency l : Leniency.values()) {
            MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> t.read(tsv, l));
            assertEquals("d/twice.tsv:1: expected a column named 'sentence' once, found it in columns 1 and 3 of"
                    + " [sentence, label, sentence]", e.getMessage());
        }
        // a repeated column that no template names is left alone
        Path other = TestFiles.write(dir, "d/other.tsv", "x\tsentence\tx\tlabel\na\tkept\tb\t0\n");
        assertEquals("kept", t.read(other).examples().get(0).textA());
        Path csv = TestFiles.write(dir, "d/twice.csv", "text,label,label\nfine,1,0\n");
        MalformedDatasetException c = assertThrows(MalformedDatasetException.class,
                () -> CsvClassificationReader.builder().setTextA("{text}").optLabel("label").build().read(csv));
        assertEquals("d/twice.csv:1: expected a column named 'label' once, found it in columns 2 and 3 of"
                + " [text, label, label]", c.getMessage());
        Path subj = TestFiles.write(dir, "books/twice.csv",
                "q_review_id,question,review,human_ans_spans,human_ans_indices,review\n"
                        + "r1,Why?,Nice cover.,Nice,\"(0, 4)\",Ugly cover.\n");
        MalformedDatasetException q = assertThrows(MalformedDatasetException.class, () -> new SubjQaReader().read(subj));
        assertEquals("books/twice.csv:1: expected a column named 'review' once, found it in columns 3 and 6 of"
                + " [q_review_id, question, review, human_ans_spans, human_ans_indices, review]", q.getMessage());
    }

    @Test
    void unknownLabelInValidationData() throws IOException {
        TestFiles.write(dir, "t/train.tsv", "sentence\tlabel\ngood\t1\nbad\t0\n");
        TestFiles.write(dir, "t/dev.tsv", "sentence\tlabel\nfine\t1\nodd\t2\n");
        TsvClassificationReader reader = TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build();
        // declared: a label outside the set is a defect (a learned set keeps it, see DataDropsTest)
        Task task = Task.builder().setName("toy").setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY).optLabels(List.of("0", "1"))
                .setSource(TaskSource.builder().add(Split.TRAIN, "t/train.tsv", reader)
                        .add(Split.VALIDATION, "t/dev.tsv", reader).build())
                .build();
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> task.load(dir, Leniency.STRICT));
        assertEquals("t/dev.tsv:3: expected a label of task toy [0, 1], found '2'", e.getMessage());
        var data = task.load(dir, Leniency.LENIENT);
        assertEquals(List.of("0", "1"), data.labels());
        assertEquals(1, data.split(Split.VALIDATION).size());
        assertEquals(1, data.reports().get("labels").skipped(Task.UNKNOWN_LABEL));
    }

    @Test
    void tsvWrongFieldCountAndHeaderlessCola() throws IOException {
        Path f = TestFiles.write(dir, "rte/dev.tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\ta\tb\n");
        TsvClassificationReader r = TsvClassificationReader.builder().setTextA("{sentence1}")
                .optTextB("{sentence2}").optLabel("label").build();
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> r.read(f));
        assertEquals("rte/dev.tsv:3: expected 4 tab-separated fields [index, sentence1, sentence2, label], found 3",
                e.getMessage());
        assertEquals(1, r.read(f, Leniency.LENIENT).report().skipped(TsvClassificationReader.WRONG_FIELD_COUNT));
        Path cola = TestFiles.write(dir, "cola/train.tsv", "gj04\t1\t\tOur friends won't buy this.\ngj04\t0\t*\tBad one.\n");
        ReadResult<TextExample> c = TsvClassificationReader.builder()
                .optColumnNames(List.of("source", "label", "orig_label", "sentence"))
                .setTextA("{sentence}").optLabel("label").build().read(cola);
        assertEquals(2, c.examples().size());
        assertEquals("Our friends won't buy this.", c.examples().get(0).textA());
        assertEquals("0", c.examples().get(1).label());
    }

    @Test
    void aCommaSeparatedFileReadAsTsvSaysItsHeaderHasNoTab() throws IOException {
        // the message said "found columns [sentence,label]", which reads as two columns found
        Path csv = TestFiles.write(dir, "mine/train.csv", "sentence,label\n\"so good, really\",positive\n");
        TsvClassificationReader r = TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build();
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> r.read(csv));
        assertEquals("mine/train.csv:1: expected a column named 'sentence', found one column 'sentence,label' (no TAB in"
                + " the header: columns are TAB-separated; a comma-separated file is read by CsvClassificationReader)",
                e.getMessage());
        // and that reader reads it
        assertEquals(List.of(new TextExample("mine/train.csv:2", "so good, really", null, "positive")),
                CsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build().read(csv).examples());
        // a TAB header lacking the column still lists the columns
        Path tsv = TestFiles.write(dir, "mine/train.tsv", "sentence\tlbl\nok\tpositive\n");
        assertEquals("mine/train.tsv:1: expected a column named 'label', found columns [sentence, lbl]",
                assertThrows(MalformedDatasetException.class, () -> r.read(tsv)).getMessage());
    }

    @Test
    void aBlankLastLineOfATsvIsNoRow() throws IOException {
        // a file ending in an empty line (an extra line terminator) holds the rows before it; a
        // blank line between rows is a skipped defect of its own
        TsvClassificationReader sst = TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build();
        Path f = TestFiles.write(dir, "sst2/dev.tsv", "sentence\tlabel\ngood\t1\n\n");
        ReadResult<TextExample> r = sst.read(f);
        assertEquals(List.of("good"), r.examples().stream().map(TextExample::textA).toList());
        assertEquals(1, r.report().records());
        Path inner = TestFiles.write(dir, "sst2/inner.tsv", "sentence\tlabel\ngood\t1\n\nbad\t0\n");
        assertEquals(1, sst.read(inner, Leniency.LENIENT).report().skipped(TsvClassificationReader.BLANK_LINE));
    }

    @Test
    void jsonLinesReadersFillTextsAndLabelFromTheirFields() throws IOException {
        // SuperGLUE BoolQ: question, passage, boolean label; WiC: "{word}: {sentence1}", "{sentence2}"
        Path boolq = TestFiles.write(dir, "boolq/val.jsonl",
                "{\"question\":\"is it?\",\"passage\":\"it is.\",\"idx\":0,\"label\":true}\n");
        assertEquals(List.of(new TextExample("boolq/val.jsonl:1", "is it?", "it is.", "true")),
                JsonlClassificationReader.boolq().read(boolq).examples());
        assertEquals(TextExample.class, JsonlClassificationReader.boolq().exampleType());
        Path wic = TestFiles.write(dir, "wic/val.jsonl",
                "{\"word\":\"bank\",\"sentence1\":\"a river bank\",\"sentence2\":\"a bank loan\",\"label\":false}\n");
        assertEquals(List.of(new TextExample("wic/val.jsonl:1", "bank: a river bank", "a bank loan", "false")),
                JsonlClassificationReader.wic().read(wic).examples());
        // without a label field configured, examples are unlabelled
        assertEquals(List.of(new TextExample("boolq/val.jsonl:1", "is it?", null, null)),
                JsonlClassificationReader.builder().setTextA("{question}").build().read(boolq).examples());
    }

    @Test
    void jsonOfTheWrongShape() throws IOException {
        Path cb = TestFiles.write(dir, "cb/val.jsonl", "{\"premise\":\"p\",\"hypothesis\":\"h\",\"label\":\"neutral\"}\n"
                + "{\"premise\":[\"p\"],\"hypothesis\":\"h\",\"label\":\"neutral\"}\n" + "not json\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                () -> JsonlClassificationReader.premiseHypothesis().read(cb));
        assertEquals("cb/val.jsonl:2: expected $.premise to be a string, number or boolean, found an array", e.getMessage());
        ReadResult<TextExample> r = JsonlClassificationReader.premiseHypothesis().read(cb, Leniency.LENIENT);
        assertEquals(1, r.examples().size());
        assertEquals(2, r.report().skipped(JsonlClassificationReader.MALFORMED_LINE));
        Path squad = TestFiles.write(dir, "squad/dev.json", "{\"data\":[{\"paragraphs\":{\"context\":\"x\"}}]}");
        MalformedDatasetException s = assertThrows(MalformedDatasetException.class, () -> new SquadReader().read(squad));
        assertEquals("squad/dev.json $.data[0].paragraphs: expected an array, found an object", s.getMessage());
    }

    @Test
    void qaAnswerOutsideItsContext() throws IOException {
        String json = "{\"data\":[{\"title\":\"t\",\"paragraphs\":[{\"context\":\"Paris is in France.\",\"qas\":["
                + "{\"id\":\"q1\",\"question\":\"where?\",\"answers\":[{\"text\":\"France\",\"answer_start\":12}]},"
                + "{\"id\":\"q2\",\"question\":\"what?\",\"answers\":[{\"text\":\"Paris\",\"answer_start\":3},"
                + "{\"text\":\"Paris\",\"answer_start\":0}]},"
                + "{\"id\":\"q3\",\"question\":\"who?\",\"answers\":[{\"text\":\"Berlin\",\"answer_start\":40}]}]}]}]}";
        Path f = TestFiles.write(dir, "squad/dev.json", json);
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new SquadReader().read(f));
        assertEquals("squad/dev.json $.data[0].paragraphs[0].qas[1].answers[0]: expected answer 'Paris' at offset 3 "
                + "of the context, found 'is is'", e.getMessage());
        ReadResult<QaExample> r = new SquadReader().read(f, Leniency.LENIENT);
        assertEquals(List.of("q1", "q2"), r.examples().stream().map(QaExample::id).toList());
        assertEquals(List.of(new GoldAnswer("Paris", 0)), r.examples().get(1).answers());
        assertEquals(2, r.report().skipped(SquadReader.ANSWER_NOT_AT_OFFSET));
        assertEquals(1, r.report().skipped(SquadReader.NO_VALID_ANSWER));
    }

    /**
     * An empty answer text matches at every offset, so the readers kept it as a gold answer, which
     * the QA featurizer does not skip when the offset lies inside a token (offset 2 of "Paris"). It
     * is now no answer at its offset in the SQuAD, QED and SubjQA readers, as a text found elsewhere
     * is.
     */
    @Test
    void anEmptyAnswerTextIsNoAnswerAtItsOffset() throws IOException {
        String json = "{\"data\":[{\"paragraphs\":[{\"context\":\"Paris is in France.\",\"qas\":["
                + "{\"id\":\"q1\",\"question\":\"where?\",\"answers\":[{\"text\":\"\",\"answer_start\":2},"
                + "{\"text\":\"France\",\"answer_start\":12}]},"
                + "{\"id\":\"q2\",\"question\":\"what?\",\"answers\":[{\"text\":\"\",\"answer_start\":2}]}]}]}]}";
        Path f = TestFiles.write(dir, "squad/empty.json", json);
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new SquadReader().read(f));
        assertEquals("squad/empty.json $.data[0].paragraphs[0].qas[0].answers[0]: expected a non-empty answer at offset 2"
                + " of the context, found an empty answer text", e.getMessage());
        ReadResult<QaExample> r = new SquadReader().read(f, Leniency.LENIENT);
        assertEquals(List.of("q1"), r.examples().stream().map(QaExample::id).toList());
        assertEquals(List.of(new GoldAnswer("France", 12)), r.examples().get(0).answers());
        assertEquals(2, r.report().skipped(SquadReader.ANSWER_NOT_AT_OFFSET));
        assertEquals(1, r.report().skipped(SquadReader.NO_VALID_ANSWER));

        Path qed = TestFiles.write(dir, "qed/dev.jsonlines", "{\"example_id\":7,\"question_text\":\"where?\","
                + "\"paragraph_text\":\"Paris is in France.\",\"original_nq_answers\":[],"
                + "\"annotation\":{\"answer\":[{\"paragraph_reference\":{\"start\":2,\"end\":2,\"string\":\"\"}}]}}\n");
        assertEquals("qed/dev.jsonlines:1: expected $.annotation.answer[0].paragraph_reference to be a non-empty answer"
                + " at offset 2 of the context, found an empty answer text",
                assertThrows(MalformedDatasetException.class, () -> new QedReader().read(qed)).getMessage());
        ReadResult<QaExample> q = new QedReader().read(qed, Leniency.LENIENT);
        assertEquals(0, q.examples().size());
        assertEquals(1, q.report().skipped(SquadReader.ANSWER_NOT_AT_OFFSET));

        Path subj = TestFiles.write(dir, "books/empty.csv", "q_review_id,question,review,human_ans_spans,human_ans_indices\n"
                + "r1,Why?,Nice cover.,,\"(2, 2)\"\nr1,Why?,Nice cover.,Nice,\"(0, 4)\"\n");
        ReadResult<QaExample> b = new SubjQaReader().read(subj);
        assertEquals(List.of(new GoldAnswer("Nice", 0)), b.examples().get(0).answers());
        assertEquals(List.of("books/empty.csv:2: expected a non-empty answer at offset 2 of the context, found an empty"
                + " answer text"), b.report().samples(SquadReader.ANSWER_NOT_AT_OFFSET));
    }

    @Test
    void mrqaSpansAreInclusiveAndCaseRepairIsCounted() throws IOException {
        String text = "{\"header\":{\"dataset\":\"SQuAD\",\"split\":\"dev\"}}\n"
                + "{\"context\":\"The Eiffel Tower is in Paris.\",\"qas\":[{\"qid\":\"a\",\"question\":\"where?\","
                + "\"detected_answers\":[{\"text\":\"paris\",\"char_spans\":[[23,27]]}]}]}\n";
        Path f = TestFiles.write(dir, "mrqa/SQuAD.jsonl", text);
        ReadResult<QaExample> r = new MrqaReader().read(f);
        assertEquals(List.of(new GoldAnswer("Paris", 23)), r.examples().get(0).answers());
        assertEquals(List.of("Paris"), r.examples().get(0).references(), "no answers list: the spans' texts");
        assertEquals(1, r.report().repaired(MrqaReader.REPAIR_CASE));
        // with MRQA's answers list, a prediction is scored against it, aliases the context lacks included
        Path listed = TestFiles.write(dir, "mrqa/listed.jsonl", text.replace("\"detected_answers\"",
                "\"answers\":[\"Paris\",\"City of Light\"],\"detected_answers\""));
        assertEquals(List.of("Paris", "City of Light"), new MrqaReader().read(listed).examples().get(0).references());
        Path wrong = TestFiles.write(dir, "mrqa/wrong.jsonl", text.replace("\"detected_answers\"",
                "\"answers\":[\"Paris\",3],\"detected_answers\""));
        MalformedDatasetException notText = assertThrows(MalformedDatasetException.class,
                () -> new MrqaReader().read(wrong));
        assertEquals("mrqa/wrong.jsonl:2: expected $.qas[0].answers[1] to be a string, found a number",
                notText.getMessage());
        Path bad = TestFiles.write(dir, "mrqa/bad.jsonl", text.replace("[23,27]", "[23,40]"));
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new MrqaReader().read(bad));
        assertEquals("mrqa/bad.jsonl:2: expected $.qas[0].detected_answers[0].char_spans[0] to be a span inside a "
                + "context of 29 characters, found [23, 40]", e.getMessage());
    }

    @Test
    void mrqaSpanWhoseTextDiffersBeyondCaseIsDroppedAndAHeaderOnlyFileIsEmpty() throws IOException {
        // the span [23, 27] holds "Paris", not "Lyon": no case or whitespace repair makes them equal
        String text = "{\"header\":{\"dataset\":\"SQuAD\",\"split\":\"dev\"}}\n"
                + "{\"context\":\"The Eiffel Tower is in Paris.\",\"qas\":[{\"qid\":\"a\",\"question\":\"where?\","
                + "\"detected_answers\":[{\"text\":\"Lyon\",\"char_spans\":[[23,27]]}]}]}\n";
        Path f = TestFiles.write(dir, "mrqa/other.jsonl", text);
        assertThrows(MalformedDatasetException.class, () -> new MrqaReader().read(f));
        ReadResult<QaExample> r = new MrqaReader().read(f, Leniency.LENIENT);
        assertEquals(List.of(), r.examples());
        assertEquals(1, r.report().skipped(SquadReader.ANSWER_NOT_AT_OFFSET));
        assertEquals(1, r.report().skipped(SquadReader.NO_VALID_ANSWER));
        assertEquals(0, r.report().repaired(MrqaReader.REPAIR_CASE));
        // a header line and no question: nothing to read
        Path headerOnly = TestFiles.write(dir, "mrqa/header.jsonl", "{\"header\":{\"dataset\":\"SQuAD\"}}\n");
        assertThrows(MalformedDatasetException.class, () -> new MrqaReader().read(headerOnly));
        assertEquals(1, new MrqaReader().read(headerOnly, Leniency.LENIENT).report().skipped(ConllReader.EMPTY_FILE));
    }

    @Test
    void aSquadFileWithoutQuestionsIsEmpty() throws IOException {
        Path f = TestFiles.write(dir, "squad/none.json", "{\"version\":\"1.1\",\"data\":[{\"title\":\"t\",\"paragraphs\":[]}]}");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new SquadReader().read(f));
        assertTrue(e.getMessage().contains("at least one question"), e.getMessage());
        ReadResult<QaExample> r = new SquadReader().read(f, Leniency.LENIENT);
        assertEquals(List.of(), r.examples());
        assertEquals(1, r.report().skipped(ConllReader.EMPTY_FILE));
        assertEquals(QaExample.class, new SquadReader().exampleType());
    }

    @Test
    void subjQaCsvQuotesRepairAndDrop() throws IOException {
        String header = "q_review_id,question,review,human_ans_spans,human_ans_indices\n";
        String rows = "r1,What about it?,\"I liked it, a lot.\nReally.\",\"liked it , a lot\",\"(2, 17)\"\n"
                + "r1,What about it?,\"I liked it, a lot.\nReally.\",Really,\"(19, 25)\"\n"
                + "r2,Plot?,\"Bad plot. ANSWERNOTFOUND\",ANSWERNOTFOUND,\"(10, 24)\"\n"
                + "r3,Cover?,\"Nice cover.\",\"Ugly\",\"(0, 4)\"\n";
        Path f = TestFiles.write(dir, "books/dev.csv", header + rows);
        ReadResult<QaExample> r = new SubjQaReader().read(f);
        assertEquals(4, r.report().records());
        assertEquals(1, r.examples().size());
        assertEquals(List.of(new GoldAnswer("liked it, a lot", 2), new GoldAnswer("Really", 19)), r.examples().get(0).answers());
        assertEquals(1, r.report().repaired(SubjQaReader.REPAIR_WHITESPACE));
        assertEquals(1, r.report().skipped(SubjQaReader.UNANSWERABLE));
        assertEquals(1, r.report().skipped(SquadReader.ANSWER_NOT_AT_OFFSET));
        assertEquals(1, r.report().skipped(SquadReader.NO_VALID_ANSWER));
    }

    /**
     * Blank lines between SubjQA records are passed over, as Python's {@code csv.DictReader} passes
     * over them, and now counted as {@link CsvClassificationReader} counts them; the SubjQA reader
     * passed them over without a count.
     */
    @Test
    void blankLinesOfASubjQaFileArePassedOverAndCounted() throws IOException {
        Path f = TestFiles.write(dir, "books/blank.csv", "q_review_id,question,review,human_ans_spans,human_ans_indices\n\n"
                + "r1,Why?,Nice cover.,Nice,\"(0, 4)\"\r\n\r\n\nr2,Why?,Bad plot.,Bad,\"(0, 3)\"\n\n");
        ReadResult<QaExample> r = new SubjQaReader().read(f);
        assertEquals(List.of("r1", "r2"), r.examples().stream().map(QaExample::id).toList());
        assertEquals(2, r.report().records());
        assertEquals(4, r.report().cleaned(CsvClassificationReader.BLANK_LINE_PASSED_OVER));
        assertEquals(0, r.report().totalSkipped());
    }

    /**
     * Blank lines of a JSON-lines file (empty, or white space only) before, between and after the
     * objects are passed over and counted as the CSV reader counts its own, in both modes; every
     * JSON-lines reader shares the loop (CB here, MRQA below). They were passed over without a count.
     */
    @Test
    void blankLinesOfAJsonLinesFileArePassedOverAndCounted() throws IOException {
        Path f = TestFiles.write(dir, "cb/blank.jsonl", "\n{\"premise\":\"A\",\"hypothesis\":\"B\",\"label\":\"neutral\"}\n"
                + "  \t\r\n\n{\"premise\":\"C\",\"hypothesis\":\"D\",\"label\":\"entailment\"}\n\n");
        for (Leniency l : Leniency.values()) {
            ReadResult<TextExample> r = JsonlClassificationReader.premiseHypothesis().read(f, l);
            assertEquals(List.of("cb/blank.jsonl:2", "cb/blank.jsonl:5"), r.examples().stream().map(TextExample::id).toList());
            assertEquals(2, r.report().records(), l.toString());
            assertEquals(Map.of(CsvClassificationReader.BLANK_LINE_PASSED_OVER, 4), r.report().cleaned(), l.toString());
            assertEquals(0, r.report().totalSkipped(), l.toString());
        }
        Path mrqa = TestFiles.write(dir, "mrqa/blank.jsonl", "{\"header\":{\"dataset\":\"SQuAD\",\"split\":\"dev\"}}\n\n"
                + "{\"context\":\"Rome is old.\",\"qas\":[{\"qid\":\"a\",\"question\":\"which?\","
                + "\"detected_answers\":[{\"text\":\"Rome\",\"char_spans\":[[0,3]]}]}]}\n \n");
        ReadResult<QaExample> q = new MrqaReader().read(mrqa);
        assertEquals(List.of("a"), q.examples().stream().map(QaExample::id).toList());
        assertEquals(Map.of(CsvClassificationReader.BLANK_LINE_PASSED_OVER, 2), q.report().cleaned());
    }

    /**
     * Blank lines of a WiC data file and of its gold file are passed over and counted, into the
     * read's one report, as the CSV reader counts its own; they were passed over without a count.
     */
    @Test
    void blankLinesOfAWicFileAndItsGoldFileArePassedOverAndCounted() throws IOException {
        Path f = TestFiles.write(dir, "wic/blank.data.txt", "carry\tV\t2-1\tYou carry it .\tIt carries .\n\n \n"
                + "bank\tN\t1-3\tThe bank .\tThe river bank .\n\n");
        TestFiles.write(dir, "wic/blank.gold.txt", "\nF\n\nT\n\n\n");
        for (Leniency l : Leniency.values()) {
            ReadResult<TextExample> r = new WicReader().read(f, l);
            assertEquals(List.of("false", "true"), r.examples().stream().map(TextExample::label).toList(), l.toString());
            assertEquals(2, r.report().records(), l.toString());
            // three in the data file, four in the gold file
            assertEquals(Map.of(CsvClassificationReader.BLANK_LINE_PASSED_OVER, 7), r.report().cleaned(), l.toString());
            assertEquals(0, r.report().totalSkipped(), l.toString());
        }
    }

    /**
     * Blank lines at the end of a TSV file hold no row: they are passed over and counted as the CSV
     * reader counts its own, with a header and without one, in both modes; they were passed over
     * without a count. One between rows stays a defect of its own ('blank line').
     */
    @Test
    void blankLinesAtTheEndOfATsvFileArePassedOverAndCounted() throws IOException {
        Path f = TestFiles.write(dir, "glue/blank.tsv", "sentence\tlabel\na\t1\nb\t0\n\n\r\n\n");
        Path bare = TestFiles.write(dir, "cola/blank.tsv", "gj04\t1\ta\ngj04\t0\tb\n\n");
        for (Leniency l : Leniency.values()) {
            ReadResult<TextExample> r = TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build()
                    .read(f, l);
            assertEquals(List.of("a", "b"), r.examples().stream().map(TextExample::textA).toList(), l.toString());
            assertEquals(Map.of(CsvClassificationReader.BLANK_LINE_PASSED_OVER, 3), r.report().cleaned(), l.toString());
            assertEquals(0, r.report().totalSkipped(), l.toString());
            ReadResult<TextExample> b = TsvClassificationReader.builder().optColumnNames(List.of("source", "label", "sentence"))
                    .setTextA("{sentence}").optLabel("label").build().read(bare, l);
            assertEquals(2, b.examples().size(), l.toString());
            assertEquals(Map.of(CsvClassificationReader.BLANK_LINE_PASSED_OVER, 1), b.report().cleaned(), l.toString());
        }
    }

    /**
     * A SubjQA header lacking a column was located at line 1 wherever it stood: after blank lines
     * (passed over, as Python's csv.reader passes them) the header is a later line, as the
     * comma-separated classification reader says of the same header.
     */
    @Test
    void aSubjQaHeaderWithoutAColumnIsLocatedAtItsOwnLine() throws IOException {
        // lines 1 and 2 blank, the header on line 3 lacks human_ans_indices
        Path f = TestFiles.write(dir, "books/late.csv", "\n\r\nq_review_id,question,review,human_ans_spans\n"
                + "r1,Why?,Nice cover.,Nice\n");
        for (Leniency l : Leniency.values()) {
            MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                    () -> new SubjQaReader().read(f, l));
            assertEquals("books/late.csv:3: expected a column named 'human_ans_indices', found columns [q_review_id,"
                    + " question, review, human_ans_spans]", e.getMessage(), l.toString());
        }
        MalformedDatasetException csv = assertThrows(MalformedDatasetException.class, () -> CsvClassificationReader
                .builder().setTextA("{question}").optLabel("human_ans_indices").build().read(f));
        assertEquals("3", csv.location());
    }

    @Test
    void aSubjQaFileWithOldMacLineEndsReads() throws IOException {
        // a lone CR as the last character made the CSV parser lose its place in its buffer: an
        // ArrayIndexOutOfBoundsException instead of the rows, and so did a CRLF split across its buffer
        String lf = "q_review_id,question,review,human_ans_spans,human_ans_indices\n"
                + "r1,Why?,\"Good plot.\nReally.\",Good plot,\"(0, 9)\"\n";
        ReadResult<QaExample> unix = new SubjQaReader().read(TestFiles.write(dir, "books/lf.csv", lf));
        ReadResult<QaExample> mac = new SubjQaReader().read(TestFiles.write(dir, "books/cr.csv", lf.replace('\n', '\r')));
        assertEquals(unix.examples().get(0).answers(), mac.examples().get(0).answers());
        assertEquals("Good plot.\rReally.", mac.examples().get(0).context());
        assertEquals(unix.report().records(), mac.report().records());
        // a CRLF whose CR is the last of the 16,384 characters the parser buffers
        String header = "q_review_id,question,review,human_ans_spans,human_ans_indices\r\n";
        String row = "r1,Why?,\"Good plot.\",Good plot,\"(0, 9)\"\r\n";
        String pad = "x".repeat((1 << 14) - 1 - header.length() - row.length() - "r0,Pad?,\"\",ANSWERNOTFOUND,\"(0, 0)\"".length());
        String crlf = header + row + "r0,Pad?,\"" + pad + "\",ANSWERNOTFOUND,\"(0, 0)\"\r\n" + row.replace("r1", "r2");
        assertEquals('\r', crlf.charAt((1 << 14) - 1));
        ReadResult<QaExample> split = new SubjQaReader().read(TestFiles.write(dir, "books/crlf.csv", crlf));
        assertEquals(List.of("r1", "r2"), split.examples().stream().map(QaExample::id).toList());
        assertEquals(3, split.report().records());
    }

    @Test
    void aSemicolonExportReadAsCommaSeparatedIsPointedToTheDelimiter() throws IOException {
        // a spreadsheet in a decimal-comma locale (de-DE, fr-FR) exports "CSV" with semicolons
        Path f = TestFiles.write(dir, "mine/excel.csv", "review;label\n\"gut; sehr\";pos\n1,5 Sterne;neg\n");
        CsvClassificationReader comma = CsvClassificationReader.builder().setTextA("{review}").optLabel("label").build();
        assertEquals("mine/excel.csv:1: expected a column named 'review', found one column 'review;label' (no comma in"
                + " the header but a semicolon: the file may be semicolon-separated; set optDelimiter(';'))",
                assertThrows(MalformedDatasetException.class, () -> comma.read(f)).getMessage());
        CsvClassificationReader semicolon = CsvClassificationReader.builder().setTextA("{review}").optLabel("label")
                .optDelimiter(';').build();
        assertEquals(List.of(new TextExample("mine/excel.csv:2", "gut; sehr", null, "pos"),
                new TextExample("mine/excel.csv:3", "1,5 Sterne", null, "neg")), semicolon.read(f).examples());
        // the other way round: a comma file read with semicolons
        Path c = TestFiles.write(dir, "mine/comma.csv", "review,label\nok,pos\n");
        assertEquals("mine/comma.csv:1: expected a column named 'review', found one column 'review,label' (no semicolon in"
                + " the header but a comma: the file may be comma-separated; set optDelimiter(','))",
                assertThrows(MalformedDatasetException.class, () -> semicolon.read(c)).getMessage());
        // defects name the delimiter the reader was given
        Path bad = TestFiles.write(dir, "mine/bad.csv", "review;label\nok;pos;x\n\"so\"good;neg\n");
        assertEquals("mine/bad.csv:2: expected 2 semicolon-separated fields [review, label], found 3",
                assertThrows(MalformedDatasetException.class, () -> semicolon.read(bad)).getMessage());
        ReadResult<TextExample> lenient = semicolon.read(bad, Leniency.LENIENT);
        assertEquals(1, lenient.report().skipped(CsvClassificationReader.WRONG_FIELD_COUNT));
        assertEquals(1, lenient.report().skipped(CsvClassificationReader.MALFORMED_QUOTING));
        Path after = TestFiles.write(dir, "mine/after.csv", "review|label\n\"so\"good|pos\n");
        assertEquals("mine/after.csv:2: expected a '|' or line end after a closing quote, found 'g'",
                assertThrows(MalformedDatasetException.class, () -> CsvClassificationReader.builder()
                        .setTextA("{review}").optLabel("label").optDelimiter('|').build().read(after)).getMessage());
    }

    @Test
    void aDelimiterThatQuotesOrEndsALineIsRefused() {
        for (char c : new char[] {'"', '\r', '\n'}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CsvClassificationReader.builder().optDelimiter(c));
            assertTrue(e.getMessage().startsWith("delimiter ") && e.getMessage().contains("cannot separate fields: it quotes"
                    + " a field or ends a line; use a comma, semicolon, TAB or |"), e.getMessage());
        }
        assertEquals("delimiter CR cannot separate fields: it quotes a field or ends a line; use a comma, semicolon, TAB or |",
                assertThrows(IllegalArgumentException.class, () -> CsvClassificationReader.builder().optDelimiter('\r'))
                        .getMessage());
    }

    @Test
    void csvDefectsNameFileRecordLineAndWhatWasExpected() throws IOException {
        CsvClassificationReader reader = CsvClassificationReader.builder().setTextA("{review}").optLabel("label").build();
        // the record at line 3 spans lines 3-4; the one after it has two fields too many
        Path f = TestFiles.write(dir, "mine/train.csv", "review,label\nok,pos\n\"two\nlines\",neg\n\"a, b\",pos,x,y\n");
        assertEquals("mine/train.csv:5: expected 2 comma-separated fields [review, label], found 4",
                assertThrows(MalformedDatasetException.class, () -> reader.read(f)).getMessage());
        ReadResult<TextExample> r = reader.read(f, Leniency.LENIENT);
        assertEquals(List.of(new TextExample("mine/train.csv:2", "ok", null, "pos"),
                new TextExample("mine/train.csv:3", "two\nlines", null, "neg")), r.examples());
        assertEquals(1, r.report().skipped(CsvClassificationReader.WRONG_FIELD_COUNT));
        // a quote left open runs to the end of the file: located where its record starts
        Path open = TestFiles.write(dir, "mine/open.csv", "review,label\nok,pos\n\"never closed,neg\nmore,pos\n");
        assertEquals("mine/open.csv:3: expected a closing quote for the field opened here, found the end of the file",
                assertThrows(MalformedDatasetException.class, () -> reader.read(open)).getMessage());
        ReadResult<TextExample> o = reader.read(open, Leniency.LENIENT);
        assertEquals(1, o.examples().size());
        assertEquals(1, o.report().skipped(CsvClassificationReader.MALFORMED_QUOTING));
        assertEquals(2, o.report().records());
        // text after a closing quote: the record is skipped, the next one read
        Path after = TestFiles.write(dir, "mine/after.csv", "review,label\n\"so\"good,pos\nfine,neg\n");
        assertEquals("mine/after.csv:2: expected a comma or line end after a closing quote, found 'g'",
                assertThrows(MalformedDatasetException.class, () -> reader.read(after)).getMessage());
        assertEquals(List.of(new TextExample("mine/after.csv:3", "fine", null, "neg")),
                reader.read(after, Leniency.LENIENT).examples());
        // a missing label column fails in both modes, and a TAB header is pointed to the delimiter and the TSV reader
        Path tsv = TestFiles.write(dir, "mine/dev.csv", "review\tlabel\nok\tpos\n");
        for (Leniency l : Leniency.values()) {
            assertEquals("mine/dev.csv:1: expected a column named 'review', found one column 'review\tlabel' (no comma in"
                    + " the header but a TAB: the file may be TAB-separated; set optDelimiter('\\t'), or read a TAB-separated"
                    + " file with TsvClassificationReader)",
                    assertThrows(MalformedDatasetException.class, () -> reader.read(tsv, l)).getMessage());
        }
        // so does a header that does not parse: the row after it is no header
        Path badHeader = TestFiles.write(dir, "mine/badheader.csv", "\"review\"s,label\nok,pos\n");
        assertEquals("mine/badheader.csv:1: expected a comma or line end after a closing quote, found 's'",
                assertThrows(MalformedDatasetException.class, () -> reader.read(badHeader, Leniency.LENIENT)).getMessage());
        Path noLabel = TestFiles.write(dir, "mine/nolabel.csv", "review,stars\nok,5\n");
        assertEquals("mine/nolabel.csv:1: expected a column named 'label', found columns [review, stars]",
                assertThrows(MalformedDatasetException.class, () -> reader.read(noLabel)).getMessage());
        // an empty file and a header-only file
        Path empty = TestFiles.write(dir, "mine/empty.csv", "\r\n");
        assertEquals("mine/empty.csv: expected at least one row, found an empty file",
                assertThrows(MalformedDatasetException.class, () -> reader.read(empty)).getMessage());
        assertEquals(1, reader.read(empty, Leniency.LENIENT).report().skipped(CsvClassificationReader.EMPTY_FILE));
        Path headerOnly = TestFiles.write(dir, "mine/header.csv", "review,label\r\n");
        assertEquals("mine/header.csv:1: expected at least one row, found only the header row",
                assertThrows(MalformedDatasetException.class, () -> reader.read(headerOnly)).getMessage());
    }

    @Test
    void csvWithoutHeaderNamesItsColumnsInTheBuilder() throws IOException {
        Path f = TestFiles.write(dir, "mine/pairs.csv", "\uFEFF\"a, b\",c,1\r\nd,\"e \"\"f\"\"\",0\r\n");
        ReadResult<TextExample> r = CsvClassificationReader.builder().optColumnNames(List.of("s1", "s2", "y"))
                .setTextA("{s1}").optTextB("{s2}").optLabel("y").build().read(f);
        assertEquals(List.of(new TextExample("mine/pairs.csv:1", "a, b", "c", "1"),
                new TextExample("mine/pairs.csv:2", "d", "e \"f\"", "0")), r.examples());
        assertEquals(1, r.report().cleaned(ReadReport.BOM_AT_START));
        assertThrows(IllegalArgumentException.class,
                () -> CsvClassificationReader.builder().optColumnNames(List.of("s1")).setTextA("{s2}").build());
    }

    @Test
    void wicTemplateAndGoldFile() throws IOException {
        Path data = TestFiles.write(dir, "wic/dev.data.txt", "carry\tV\t2-1\tYou must carry it .\tSound carries well .\n");
        TestFiles.write(dir, "wic/dev.gold.txt", "F\n");
        ReadResult<TextExample> r = new WicReader().read(data);
        assertEquals(new TextExample("wic/dev.data.txt:1", "carry: You must carry it .", "Sound carries well .", "false"),
                r.examples().get(0));
    }

    /**
     * The gold file's byte-order mark was removed into a report nobody kept: the read's report, the
     * one both files are read into, did not count it. Counted now, as the data file's is.
     */
    @Test
    void aByteOrderMarkOpeningTheWicGoldFileIsCounted() throws IOException {
        Path data = TestFiles.write(dir, "wicbom/dev.data.txt",
                "carry\tV\t2-1\tYou must carry it .\tSound carries well .\n");
        TestFiles.write(dir, "wicbom/dev.gold.txt", "\uFEFFT\n");
        ReadResult<TextExample> r = new WicReader().read(data);
        assertEquals("true", r.examples().get(0).label());
        assertEquals(Map.of(ReadReport.BOM_AT_START, 1), r.report().cleaned());
    }

    @Test
    void seededSplitIsFourToOneAndStable() {
        List<TextExample> xs = new java.util.ArrayList<>();
        for (int i = 0; i < 103; i++) {
            xs.add(new TextExample("e" + i, "t", null, "0"));
        }
        SeededSplit<TextExample> a = SeededSplit.of(xs, 7);
        SeededSplit<TextExample> b = SeededSplit.of(List.copyOf(xs), 7);
        assertEquals(21, a.validation().size());
        assertEquals(82, a.train().size());
        assertEquals(a, b);
        // pinned: the JDK specifies SplittableRandom's algorithm, so this holds on every machine
        assertEquals(a.validation().get(0).id(), SeededSplit.of(xs, 7).validation().get(0).id());
        assertTrue(!SeededSplit.of(xs, 8).validation().equals(a.validation()));
    }
}
