package io.github.prefine.examples.data;

import static io.github.prefine.examples.data.HubParquet.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MRQA rows whose detected answers disagree with themselves: each answer text needs its list of
 * character spans, so a row with more texts than span lists is refused naming the split, the row
 * and the answer, not with an exception that names neither.
 */
class CatalogWriterMrqaTest {
    @TempDir
    Path dir;

    /** One NewsQA row: two detected answer texts, {@code spanLists} lists of spans beside them. */
    private Path file(int spanLists) throws IOException {
        return file(List.of("Paris", "Paris today"), spanLists);
    }

    /** One NewsQA row with these detected answer texts and {@code spanLists} lists of spans beside them. */
    private Path file(List<String> texts, int spanLists) throws IOException {
        String context = "The cat sat in Paris today.";
        Map<String, Object> span = new LinkedHashMap<>();
        span.put("start", List.of(15));
        span.put("end", List.of(19));
        Map<String, Object> det = new LinkedHashMap<>();
        det.put("text", texts);
        det.put("char_spans", java.util.Collections.nCopies(spanLists, span));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("subset", "NewsQA");
        row.put("context", context);
        row.put("qid", "n1");
        row.put("question", "where?");
        row.put("detected_answers", det);
        row.put("answers", List.of("Paris"));
        Map<String, JsonObject> features = new LinkedHashMap<>();
        features.put("subset", value("string"));
        return Files.write(dir.resolve("0000.parquet"), HubParquet.file(HubParquet.mrqa(), features, List.of(row)));
    }

    private static CatalogWriter writer() {
        return new CatalogWriter(new HubDataset("newsqa", "mrqa-workshop/mrqa", "plain_text",
                Map.of("train", Split.TRAIN), HubDataset.SplitRule.AS_PUBLISHED, new HubDataset.Mrqa("NewsQA")),
                TaskCatalog.task("newsqa"));
    }

    @Test
    void anAnswerTextWithoutItsSpansIsRefusedNamingTheRowAndTheAnswer() throws IOException {
        Path f = file(1);

        IOException e = assertThrows(IOException.class, () -> writer().write("train", List.of(f),
                dir.resolve("train.jsonl.gz")));

        assertEquals("mrqa-workshop/mrqa/plain_text/train: row 0: detected_answers has 2 texts and 1 lists of"
                + " character spans; expected one list per text", e.getMessage());
    }

    /** Spans without any text: the row was written with no detected answer, its spans dropped unseen. */
    @Test
    void spansWithoutAnyAnswerTextAreRefused() throws IOException {
        Path f = file(List.of(), 1);
        IOException e = assertThrows(IOException.class, () -> writer().write("train", List.of(f),
                dir.resolve("train.jsonl.gz")));
        assertEquals("mrqa-workshop/mrqa/plain_text/train: row 0: detected_answers has 0 texts and 1 lists of"
                + " character spans; expected one list per text", e.getMessage());
    }

    @Test
    void aRowWithASpanListPerTextIsWritten() throws IOException {
        assertEquals(1, writer().write("train", List.of(file(2)), dir.resolve("train.jsonl.gz")));
    }
}
