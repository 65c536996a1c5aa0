package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QA files give answer offsets in Python characters (code points); {@link GoldAnswer} holds
 * UTF-16 indices. The two differ after a character outside the Basic Multilingual Plane: in
 * "😀 abc" the answer "abc" starts at Python offset 2 and UTF-16 index 3.
 */
class PythonOffsetsTest {
    private static final String CONTEXT = "\uD83D\uDE00 abc";

    @TempDir
    Path dir;

    @Test
    void squadAnswerStart() throws IOException {
        Path f = TestFiles.write(dir, "squad/dev.json", squad(2));
        ReadResult<QaExample> r = new SquadReader().read(f);
        assertEquals(List.of(new GoldAnswer("abc", 3)), r.examples().get(0).answers());
        // an offset that is wrong is reported as the file gave it, with what lies there
        Path bad = TestFiles.write(dir, "squad/bad.json", squad(1));
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new SquadReader().read(bad));
        assertEquals("squad/bad.json $.data[0].paragraphs[0].qas[0].answers[0]: expected answer 'abc' at offset 1 of "
                + "the context, found ' ab'", e.getMessage());
        Path outside = TestFiles.write(dir, "squad/outside.json", squad(5));
        e = assertThrows(MalformedDatasetException.class, () -> new SquadReader().read(outside));
        assertEquals("squad/outside.json $.data[0].paragraphs[0].qas[0].answers[0]: expected answer 'abc' at offset 5 "
                + "of the context, found offset 5 outside a context of 5 characters", e.getMessage());
    }

    @Test
    void mrqaCharSpansWithInclusiveEnds() throws IOException {
        Path f = TestFiles.write(dir, "mrqa/dev.jsonl", mrqa("[[2,4]]"));
        ReadResult<QaExample> r = new MrqaReader().read(f);
        assertEquals(List.of(new GoldAnswer("abc", 3)), r.examples().get(0).answers());
        Path bad = TestFiles.write(dir, "mrqa/bad.jsonl", mrqa("[[2,5]]"));
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new MrqaReader().read(bad));
        assertEquals("mrqa/bad.jsonl:2: expected $.qas[0].detected_answers[0].char_spans[0] to be a span inside a "
                + "context of 5 characters, found [2, 5]", e.getMessage());
    }

    @Test
    void qedParagraphReferenceWithExclusiveEnd() throws IOException {
        Path f = TestFiles.write(dir, "qed/dev.jsonlines", qed(2, 5, "abc"));
        ReadResult<QaExample> r = new QedReader().read(f);
        assertEquals(List.of(new GoldAnswer("abc", 3)), r.examples().get(0).answers());
        // the answer's own length counts code points too
        Path emoji = TestFiles.write(dir, "qed/emoji.jsonlines", qed(0, 3, "\uD83D\uDE00 a"));
        assertEquals(List.of(new GoldAnswer("\uD83D\uDE00 a", 0)),
                new QedReader().read(emoji).examples().get(0).answers());
    }

    @Test
    void subjQaHumanAnswerIndices() throws IOException {
        String review = CONTEXT + " ANSWERNOTFOUND";
        Path f = TestFiles.write(dir, "books/dev.csv", "q_review_id,question,review,human_ans_spans,human_ans_indices\n"
                + "r1,What?,\"" + review + "\",abc,\"(2, 5)\"\n");
        ReadResult<QaExample> r = new SubjQaReader().read(f);
        assertEquals(List.of(new GoldAnswer("abc", 3)), r.examples().get(0).answers());
    }

    @Test
    void anOffsetOutsideTheContextNeverMatchesItsStart() throws IOException {
        // "😀" does sit at offset 0; offsets -1 and 6 (the context has 5 characters) point nowhere
        for (int start : new int[] {-1, 6}) {
            Path f = TestFiles.write(dir, "squad/off" + start + ".json", squad("\uD83D\uDE00", start));
            assertThrows(MalformedDatasetException.class, () -> new SquadReader().read(f));
            ReadResult<QaExample> r = new SquadReader().read(f, Leniency.LENIENT);
            assertEquals(List.of(), r.examples());
            assertEquals(1, r.report().skipped(SquadReader.ANSWER_NOT_AT_OFFSET));
        }
        assertEquals(List.of(new GoldAnswer("\uD83D\uDE00", 0)), new SquadReader()
                .read(TestFiles.write(dir, "squad/at0.json", squad("\uD83D\uDE00", 0))).examples().get(0).answers());
    }

    @Test
    void mrqaOneCharacterSpanAtTheContextStart() throws IOException {
        // inclusive ends: [0, 0] is the first character alone, one code point and two UTF-16 units
        Path f = TestFiles.write(dir, "mrqa/one.jsonl", mrqa("\uD83D\uDE00", "[[0,0]]"));
        assertEquals(List.of(new GoldAnswer("\uD83D\uDE00", 0)), new MrqaReader().read(f).examples().get(0).answers());
        assertEquals(QaExample.class, new MrqaReader().exampleType());
        // an end before the start is no span
        Path reversed = TestFiles.write(dir, "mrqa/reversed.jsonl", mrqa("abc", "[[4,2]]"));
        assertThrows(MalformedDatasetException.class, () -> new MrqaReader().read(reversed));
    }

    private static String squad(String text, int start) {
        return squad(start).replace("\"text\":\"abc\"", "\"text\":\"" + text + "\"");
    }

    private static String mrqa(String text, String spans) {
        return mrqa(spans).replace("\"text\":\"abc\"", "\"text\":\"" + text + "\"");
    }

    private static String squad(int start) {
        return "{\"version\":\"1.1\",\"data\":[{\"title\":\"t\",\"paragraphs\":[{\"context\":\"" + CONTEXT + "\","
                + "\"qas\":[{\"id\":\"q1\",\"question\":\"what?\",\"answers\":[{\"text\":\"abc\",\"answer_start\":"
                + start + "}]}]}]}]}";
    }

    private static String mrqa(String spans) {
        return "{\"header\":{}}\n{\"context\":\"" + CONTEXT + "\",\"qas\":[{\"qid\":\"q1\",\"question\":\"what?\","
                + "\"detected_answers\":[{\"text\":\"abc\",\"char_spans\":" + spans + "}]}]}\n";
    }

    private static String qed(int start, int end, String text) {
        return "{\"example_id\":1,\"question_text\":\"what\",\"paragraph_text\":\"" + CONTEXT + "\","
                + "\"original_nq_answers\":[],\"annotation\":{\"answer\":[{\"paragraph_reference\":{\"start\":" + start
                + ",\"end\":" + end + ",\"string\":\"" + text + "\"}}]}}\n";
    }
}
