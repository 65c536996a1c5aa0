package io.github.prefine.examples.data;

import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.int32;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.int64;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.list;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.string;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.struct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.examples.data.parquet.TestParquetWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A null element inside a list column of the Hub's rows (an answer text or start, a span's
 * start): it stopped the conversion with a NullPointerException that named neither file nor row,
 * or, for an answer text of SQuAD or MRQA, was written as JSON null without a word. Each is
 * refused naming the split, the row and the column; row 0 is whole, so the row number is counted.
 */
class CatalogWriterNullElementsTest {
    @TempDir
    Path dir;

    private String refusal(String task, String split, TestParquetWriter w, List<Map<String, Object>> rows) throws IOException {
        Path f = Files.write(dir.resolve("0000.parquet"), HubParquet.file(w, Map.of(), rows));
        CatalogWriter writer = new CatalogWriter(HubDatasets.forTask(task).orElseThrow(), TaskCatalog.task(task));
        return assertThrows(IOException.class, () -> writer.write(split, List.of(f), dir.resolve("out"))).getMessage();
    }

    // ---- SQuAD and SubjQA: answers.text beside answers.answer_start ----

    private static Map<String, Object> squadRow(String id, List<String> texts, List<Integer> starts) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("text", texts);
        a.put("answer_start", starts);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("title", "Oslo");
        r.put("context", "Oslo is north of Bergen.");
        r.put("question", "where?");
        r.put("answers", a);
        return r;
    }

    private static TestParquetWriter squad() {
        return new TestParquetWriter().field(string("id")).field(string("title")).field(string("context"))
                .field(string("question"))
                .field(struct("answers", list("text", string("element")), list("answer_start", int32("element"))));
    }

    private static List<Map<String, Object>> squadRows(List<String> texts, List<Integer> starts) {
        return List.of(squadRow("q0", List.of("Oslo"), List.of(0)), squadRow("q1", texts, starts));
    }

    @Test
    void aNullSquadAnswerStartIsRefusedNamingTheRow() throws IOException {
        assertEquals("rajpurkar/squad/plain_text/train: row 1: answers.answer_start[1] is null; expected a number",
                refusal("squad", "train", squad(), squadRows(List.of("Oslo", "Bergen"), Arrays.asList(0, null))));
    }

    @Test
    void aNullSquadAnswerTextIsRefusedNotWrittenAsJsonNull() throws IOException {
        assertEquals("rajpurkar/squad/plain_text/train: row 1: answers.text[0] is null; expected a text",
                refusal("squad", "train", squad(), squadRows(Arrays.asList(null, "Bergen"), List.of(0, 17))));
    }

    @Test
    void aNullSubjQaAnswerTextIsRefusedNamingTheRow() throws IOException {
        assertEquals("megagonlabs/subjqa/books/train: row 1: answers.text[0] is null; expected a text",
                refusal("subjqa-books", "train", squad(), squadRows(Arrays.asList((String) null), List.of(0))));
    }

    // ---- QED: spans as lists of structs ----

    private static Map<String, Object> qedRow(long id, Map<String, Object> span) {
        Map<String, Object> annotation = new LinkedHashMap<>();
        annotation.put("answer", List.of());
        annotation.put("explanation_type", "none");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("example_id", id);
        r.put("title_text", "Oslo");
        r.put("question", "where?");
        r.put("paragraph_text", "Oslo is north of Bergen.");
        r.put("original_nq_answers", List.of(span));
        r.put("annotation", annotation);
        return r;
    }

    private static Map<String, Object> span(Integer start) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", start);
        m.put("end", 4);
        m.put("string", "Oslo");
        return m;
    }

    @Test
    void aNullQedSpanStartIsRefusedNamingTheRow() throws IOException {
        TestParquetWriter w = new TestParquetWriter().field(int64("example_id")).field(string("title_text"))
                .field(string("question")).field(string("paragraph_text"))
                .field(list("original_nq_answers", struct("element", int32("start"), int32("end"), string("string"))))
                .field(struct("annotation", list("answer", struct("element", struct("paragraph_reference",
                        int32("start"), int32("end"), string("string")))), string("explanation_type")));

        assertEquals("google-research-datasets/qed/qed/validation: row 1: original_nq_answers.start[0] is null;"
                + " expected a number", refusal("qed", "validation", w, List.of(qedRow(1, span(0)), qedRow(2, span(null)))));
    }

    // ---- MRQA: detected answers, their spans, and the answers list ----

    private static Map<String, Object> mrqaRow(List<String> texts, List<Integer> starts, List<String> answers) {
        Map<String, Object> span = new LinkedHashMap<>();
        span.put("start", starts);
        span.put("end", List.of(3));
        Map<String, Object> det = new LinkedHashMap<>();
        det.put("text", texts);
        det.put("char_spans", List.of(span));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("subset", "NewsQA");
        row.put("context", "Oslo is north of Bergen.");
        row.put("qid", "n1");
        row.put("question", "where?");
        row.put("detected_answers", det);
        row.put("answers", answers);
        return row;
    }

    private String mrqaRefusal(List<String> texts, List<Integer> starts, List<String> answers) throws IOException {
        return refusal("newsqa", "train", HubParquet.mrqa(), List.of(mrqaRow(List.of("Oslo"), List.of(0),
                List.of("Oslo")), mrqaRow(texts, starts, answers)));
    }

    @Test
    void aNullMrqaAnswerTextIsRefusedNotWrittenAsJsonNull() throws IOException {
        assertEquals("mrqa-workshop/mrqa/plain_text/train: row 1: detected_answers.text[0] is null; expected a text",
                mrqaRefusal(Arrays.asList((String) null), List.of(0), List.of("Oslo")));
    }

    @Test
    void aNullMrqaSpanStartIsRefusedNamingTheRow() throws IOException {
        assertEquals("mrqa-workshop/mrqa/plain_text/train: row 1: detected_answers.char_spans.start[0][0] is null;"
                + " expected a number", mrqaRefusal(List.of("Oslo"), Arrays.asList((Integer) null), List.of("Oslo")));
    }

    @Test
    void aNullMrqaListedAnswerIsRefusedNotWrittenAsJsonNull() throws IOException {
        assertEquals("mrqa-workshop/mrqa/plain_text/train: row 1: answers[1] is null; expected a text",
                mrqaRefusal(List.of("Oslo"), List.of(0), Arrays.asList("Oslo", null)));
    }
}
