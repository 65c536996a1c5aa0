package io.github.prefine.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpanF1Test {

    private static List<List<String>> s(String... sentences) {
        return java.util.Arrays.stream(sentences).map(x -> List.of(x.split(" "))).toList();
    }

    @Test
    void seqevalReadmeExample() {
        // seqeval README: y_true [[O O O B-MISC I-MISC I-MISC O],[B-PER I-PER O]],
        // y_pred [[O O B-MISC I-MISC I-MISC I-MISC O],[B-PER I-PER O]] -> f1 0.50
        SpanReport r = SpanF1.lenient().score(
                s("O O O B-MISC I-MISC I-MISC O", "B-PER I-PER O"),
                s("O O B-MISC I-MISC I-MISC I-MISC O", "B-PER I-PER O"));
        assertEquals(0.5, r.micro().precision());
        assertEquals(0.5, r.micro().recall());
        assertEquals(0.5, r.f1());
        assertEquals(new PrfScore(0.0, 0.0, 0.0, 1), r.perType().get("MISC"));
        assertEquals(new PrfScore(1.0, 1.0, 1.0, 1), r.perType().get("PER"));
    }

    @Test
    void lenientModeReadsIob1AndTypeChanges() {
        // IOB1: I- after O starts an entity; B- splits two touching entities of one type;
        // I-LOC right after I-PER starts a new entity.
        List<Span> spans = SpanExtractor.lenient(s("I-PER I-PER O I-ORG B-ORG I-LOC"));
        assertEquals(List.of(new Span(0, 0, 2, "PER"), new Span(0, 3, 4, "ORG"), new Span(0, 4, 5, "ORG"),
                new Span(0, 5, 6, "LOC")), spans);
    }

    @Test
    void trailingEntityEndsAtSentenceEnd() {
        // the entity at the end of sentence 0 must not merge with the I- at the start of sentence 1
        List<Span> spans = SpanExtractor.lenient(s("O B-PER I-PER", "I-PER O"));
        assertEquals(List.of(new Span(0, 1, 3, "PER"), new Span(1, 0, 1, "PER")), spans);
    }

    @Test
    void malformedTypelessTagNeverStretchesAnEntityIntoAnEarlierSentence() {
        // shrunk by SpanF1Properties: seqeval flattens to O X B-PER O, where X starts no chunk, and
        // reports ('_', 0, 1) across the sentence break; the documented departure keeps it in sentence 1
        List<List<String>> tags = List.of(List.of(), List.of("X", "B-PER"));
        assertEquals(List.of(new Span(1, 0, 1, "_"), new Span(1, 1, 2, "PER")), SpanExtractor.lenient(tags));
    }

    @Test
    void handComputedMicroAndPerType() {
        // gold: PER[0,2) LOC[3,4) | ORG[0,1) LOC[2,3)   = 4 entities
        // pred: PER[0,2) LOC[3,4) | ORG[0,2) MISC[2,3)  = 4 entities, 2 correct
        SpanReport r = SpanF1.lenient().score(
                s("B-PER I-PER O B-LOC", "B-ORG O B-LOC"),
                s("B-PER I-PER O B-LOC", "B-ORG I-ORG B-MISC"));
        assertEquals(0.5, r.micro().precision());
        assertEquals(0.5, r.micro().recall());
        assertEquals(4, r.micro().support());
        assertEquals(List.of("LOC", "MISC", "ORG", "PER"), List.copyOf(r.perType().keySet()));
        // LOC: tp 1, pred 1, gold 2 -> p 1, r 0.5, f 2/3
        assertEquals(PrfScore.fromCountsSeqeval(1, 1, 2), r.perType().get("LOC"));
        assertEquals(2.0 * 1.0 * 0.5 / 1.5, r.perType().get("LOC").f1());
        assertEquals(new PrfScore(0, 0, 0, 0), r.perType().get("MISC"));
    }

    @Test
    void undefinedScoresAreZero() {
        SpanReport r = SpanF1.lenient().score(s("O O"), s("O O"));
        assertEquals(new PrfScore(0, 0, 0, 0), r.micro());
    }

    @Test
    void strictIob2DropsEntitiesWithoutBegin() {
        // lenient keeps the I-PER after O, strict IOB2 does not
        List<List<String>> gold = s("B-PER I-PER O B-LOC");
        List<List<String>> pred = s("O I-PER O B-LOC");
        assertEquals(List.of(new Span(0, 1, 2, "PER"), new Span(0, 3, 4, "LOC")), SpanExtractor.lenient(pred));
        assertEquals(List.of(new Span(0, 3, 4, "LOC")), SpanExtractor.strict(pred, TagScheme.IOB2));
        SpanReport r = SpanF1.strict(TagScheme.IOB2).score(gold, pred);
        assertEquals(1.0, r.micro().precision());
        assertEquals(0.5, r.micro().recall());
        // B-PER I-LOC: strict ends PER at the type change, and I-LOC starts nothing
        assertEquals(List.of(new Span(0, 0, 1, "PER")), SpanExtractor.strict(s("B-PER I-LOC"), TagScheme.IOB2));
    }

    @Test
    void strictIobesNeedsEndOrSingle() {
        List<Span> spans = SpanExtractor.strict(s("B-PER E-PER S-LOC B-ORG I-ORG O B-X I-X E-X"), TagScheme.IOBES);
        // B-ORG I-ORG O never reaches E-: dropped
        assertEquals(List.of(new Span(0, 0, 2, "PER"), new Span(0, 2, 3, "LOC"), new Span(0, 6, 9, "X")), spans);
        // lenient mode reads the same tags differently: the unterminated ORG still counts
        assertEquals(4, SpanExtractor.lenient(s("B-PER E-PER S-LOC B-ORG I-ORG O B-X I-X E-X")).size());
    }

    @Test
    void strictBilouAndRejectsForeignPrefix() {
        List<Span> spans = SpanExtractor.strict(s("U-PER B-LOC I-LOC L-LOC B-ORG"), TagScheme.BILOU);
        assertEquals(List.of(new Span(0, 0, 1, "PER"), new Span(0, 1, 4, "LOC")), spans);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpanExtractor.strict(s("O E-PER"), TagScheme.IOB2));
        assertEquals("sentence 0, token 1: tag prefix not allowed by IOB2, found \"E-PER\"", e.getMessage());
    }

    /** A tag the scheme refuses is named with its side: gold and predicted tags look alike in a message. */
    @Test
    void strictRefusalNamesGoldOrPredicted() {
        IllegalArgumentException pred = assertThrows(IllegalArgumentException.class,
                () -> SpanF1.strict(TagScheme.IOB2).score(s("B-PER O", "O O"), s("B-PER O", "O E-PER")));
        assertEquals("predicted tags: sentence 1, token 1: tag prefix not allowed by IOB2, found \"E-PER\"", pred.getMessage());
        IllegalArgumentException gold = assertThrows(IllegalArgumentException.class,
                () -> SpanF1.strict(TagScheme.BILOU).score(s("S-PER"), s("U-PER")));
        assertEquals("gold tags: sentence 0, token 0: tag prefix not allowed by BILOU, found \"S-PER\"", gold.getMessage());
    }

    /**
     * seqeval cannot read an empty tag: {@code get_entities} takes {@code chunk[0]} of it and
     * strict mode's {@code Token} {@code token[0]}, each an IndexError. The lenient extractor read
     * it as O, so a blank column scored like an outside tag; both modes now refuse it by position,
     * and the scorer names the side.
     */
    @Test
    void anEmptyTagIsRefusedByPositionAsSeqevalCannotReadIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpanExtractor.lenient(List.of(List.of("O"), List.of("B-PER", ""))));
        assertEquals("sentence 1, token 1: expected a tag (O, or a prefix and type such as B-PER), found an"
                + " empty tag, which seqeval cannot read", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SpanExtractor.strict(List.of(List.of("")), TagScheme.IOB2));
        assertEquals("sentence 0, token 0: expected a tag (O, or a prefix and type such as B-PER), found an"
                + " empty tag, which seqeval cannot read", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SpanF1.lenient().score(s("B-PER O"), List.of(List.of("B-PER", ""))));
        assertEquals("predicted tags: sentence 0, token 1: expected a tag (O, or a prefix and type such as B-PER),"
                + " found an empty tag, which seqeval cannot read", e.getMessage());
    }

    /** A null tag is named by its sentence and position, as a refused tag is. */
    @Test
    void aNullTagIsNamedByPosition() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> SpanExtractor.lenient(List.of(List.of("O"), java.util.Arrays.asList("B-PER", null))));
        assertEquals("sentence 1, token 1: tag is null", e.getMessage());
        e = assertThrows(NullPointerException.class,
                () -> SpanExtractor.strict(List.of(java.util.Arrays.asList((String) null)), TagScheme.IOB2));
        assertEquals("sentence 0, token 0: tag is null", e.getMessage());
    }

    @Test
    void typesWithHyphensKeepTheirSuffix() {
        assertEquals(List.of(new Span(0, 0, 2, "creative-work")),
                SpanExtractor.lenient(s("B-creative-work I-creative-work")));
        assertEquals(List.of(new Span(0, 0, 2, "creative-work")),
                SpanExtractor.strict(s("B-creative-work I-creative-work"), TagScheme.IOB2));
    }

    @Test
    void rejectsMismatchedShapes() {
        assertThrows(IllegalArgumentException.class, () -> SpanF1.lenient().score(s("O O"), s("O")));
    }

    @Test
    void lenientModeEndsAndStartsChunksAtEndAndSingleTagsAsSeqeval() {
        // seqeval's end_of_chunk/start_of_chunk: after E- or S- a chunk ends; E- or I- after E-, S- or O
        // starts one, even of the same type
        assertEquals(List.of(new Span(0, 0, 1, "PER"), new Span(0, 1, 2, "PER"), new Span(0, 3, 4, "LOC"),
                new Span(0, 4, 5, "LOC"), new Span(0, 6, 8, "ORG")),
                SpanExtractor.lenient(s("E-PER I-PER O S-LOC E-LOC O B-ORG E-ORG")));
        // B-ORG I-ORG O has no E- but still counts in the default mode
        assertEquals(List.of(new Span(0, 0, 2, "PER"), new Span(0, 2, 3, "LOC"), new Span(0, 3, 5, "ORG"),
                new Span(0, 6, 9, "X")), SpanExtractor.lenient(s("B-PER E-PER S-LOC B-ORG I-ORG O B-X I-X E-X")));
    }

    @Test
    void aTagWithoutATypeHasTypeUnderscore() {
        // default mode: chunk[1:].split('-', maxsplit=1)[-1] or '_'
        assertEquals(List.of(new Span(0, 0, 2, "_")), SpanExtractor.lenient(s("B I")));
        // strict mode: token[1:].strip('-') or '_', so hyphens on either side of the type go
        assertEquals(List.of(new Span(0, 0, 2, "_"), new Span(0, 2, 4, "X")),
                SpanExtractor.strict(s("B- I- B--X I-X-"), TagScheme.IOB2));
    }

    @Test
    void aTagOpeningWithACharacterBeyondTheBmpHasTheTypeSeqevalReadsAfterThatCharacter() {
        // Python indexes code points: for the tag U+1F600 alone, chunk[0] is the emoji and chunk[1:] is
        // '', so its type is '_' as that of the bare B after it; one type, no chunk ends at B, and
        // seqeval's only entity is ('_', 1, 1). The type read from the emoji's second UTF-16 unit
        // made a second, typed entity at token 0.
        String emoji = new String(Character.toChars(0x1F600));
        List<List<String>> gold = List.of(List.of(emoji, "B"));
        assertEquals(List.of(new Span(0, 1, 2, "_")), SpanExtractor.lenient(gold));
        // so gold and prediction share their one entity: F1 1.0, not 2/3
        assertEquals(1.0, SpanF1.lenient().score(gold, List.of(List.of("O", "B"))).f1());
        // the type after the prefix character still starts after the first '-': chunk[1:] = '-PER'
        assertEquals(List.of(new Span(0, 0, 1, "PER")), SpanExtractor.lenient(List.of(List.of(emoji + "-PER"))));
    }

    @Test
    void noSentencesHaveNoScoreWhileSentencesWithoutEntitiesScoreZero() {
        // the 0 returned for no sentences passed for a score; seqeval's 0 for sentences without an
        // entity on either side (zero_division) stays
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpanF1.lenient().score(List.of(), List.of()));
        assertEquals("span F1: no sentences to score (gold and predicted are empty); a score over none has no value,"
                + " not 0", e.getMessage());
        assertEquals(0.0, SpanF1.lenient().score(List.of(List.of("O")), List.of(List.of("O"))).f1());
        assertEquals(0.0, SpanF1.strict(TagScheme.IOB2).score(List.of(List.of()), List.of(List.of())).f1());
    }

    @Test
    void anEmptySpanIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Span(0, 3, 3, "X"));
        assertThrows(IllegalArgumentException.class, () -> new Span(-1, 0, 1, "X"));
        assertEquals(1, new Span(0, 0, 1, "X").end());
    }

    @Test
    void aSpanReportListsItsTypesSortedWhateverTheOrderGiven() {
        // the record's contract: "scores per entity type, in sorted type order"; the constructor
        // kept the order of the map it was given
        java.util.Map<String, PrfScore> unsorted = new java.util.LinkedHashMap<>();
        unsorted.put("PER", PrfScore.fromCountsSeqeval(1, 1, 1));
        unsorted.put("LOC", PrfScore.fromCountsSeqeval(0, 1, 1));
        SpanReport r = new SpanReport(PrfScore.fromCountsSeqeval(1, 2, 2), unsorted);
        assertEquals(List.of("LOC", "PER"), List.copyOf(r.perType().keySet()));
        assertEquals(unsorted, r.perType());
        assertThrows(UnsupportedOperationException.class, () -> r.perType().clear());
    }

    @Test
    void perTypeScoresSortByCodePointAsPythonSorts() {
        // seqeval lists sorted(types): code-point order, so U+FF21 comes before U+1F600
        SpanReport r = SpanF1.lenient().score(List.of(List.of("B-\uD83D\uDE00", "B-\uFF21")),
                List.of(List.of("B-\uD83D\uDE00", "O")));
        assertEquals(List.of("\uFF21", "\uD83D\uDE00"), List.copyOf(r.perType().keySet()));
    }
}
