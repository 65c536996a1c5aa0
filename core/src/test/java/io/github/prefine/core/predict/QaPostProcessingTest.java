package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.qa.QaAnswer;
import io.github.prefine.eval.qa.QaPostProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QA post-processing a model was evaluated with (n-best and maximum answer length) is recorded
 * in its folder and used by its predictor: a recorded maximum of one token turns a longer best
 * span into a one-word answer; a version 2 folder without the record reads the evaluation's
 * defaults (n-best 20, 30 tokens), and a predictor may override the record. On the tiny BERT
 * fixture's encoder with a seeded QA head, whose best span over this context is several words.
 */
class QaPostProcessingTest {
    private static final String QUESTION = "who visited paris?";
    private static final String CONTEXT = "during the week the team walked with people while john visited paris about a"
            + " game with mary.";
    @TempDir
    static Path tmp;
    static Path saved;

    @BeforeAll
    static void save() throws Exception {
        saved = tmp.resolve("saved");
        try (NDManager m = NDManager.newBaseManager(); SubwordTokenizer tok = TinyFinetuning.tokenizer();
                MultiHeadModel model = TinyFinetuning.untrained(m)) {
            TinyFinetuning.export(model, tok, TinyFinetuning.SETTINGS).writeTo(saved);
        }
    }

    private static JsonObject qaEntry(Path dir) throws IOException {
        JsonObject root = JsonParser.parseString(Files.readString(dir.resolve(ModelManifest.FILE))).getAsJsonObject();
        return root.getAsJsonArray("tasks").get(2).getAsJsonObject();
    }

    /** A copy of the saved folder whose qa entry is edited. */
    private static Path edited(String name, Consumer<JsonObject> edit) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir.resolve("encoder"));
        try (var files = Files.walk(saved)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, dir.resolve(saved.relativize(f).toString()));
            }
        }
        JsonObject root = JsonParser.parseString(Files.readString(dir.resolve(ModelManifest.FILE))).getAsJsonObject();
        edit.accept(root.getAsJsonArray("tasks").get(2).getAsJsonObject());
        Files.writeString(dir.resolve(ModelManifest.FILE), root.toString());
        return dir;
    }

    private static QaAnswer answer(Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(dir, m)) {
            return model.predictor("qa").answer(List.of(QUESTION), List.of(CONTEXT)).get(0);
        }
    }

    @Test
    void theFolderRecordsTheEvaluationsPostProcessing() throws Exception {
        JsonObject qa = qaEntry(saved).getAsJsonObject("qaPostProcessing");
        assertEquals(20, qa.get("nBest").getAsInt(), qaEntry(saved).toString());
        assertEquals(30, qa.get("maxAnswerLength").getAsInt());
        JsonObject root = JsonParser.parseString(Files.readString(saved.resolve(ModelManifest.FILE))).getAsJsonObject();
        assertTrue(!root.getAsJsonArray("tasks").get(0).getAsJsonObject().has("qaPostProcessing"),
                "only QA tasks record it: " + root);
    }

    @Test
    void aRecordedMaximumAnswerLengthShortensTheAnswer() throws Exception {
        QaAnswer full = answer(saved);
        assertTrue(full.found() && full.text().contains(" "), "the best span is several words: " + full);
        Path one = edited("one", t -> t.getAsJsonObject("qaPostProcessing").addProperty("maxAnswerLength", 1));
        QaAnswer shortened = answer(one);
        assertTrue(shortened.found(), shortened.toString());
        assertNotEquals(full.text(), shortened.text());
        assertTrue(!shortened.text().isBlank() && !shortened.text().contains(" "), "one token, one word: " + shortened);
        assertEquals(CONTEXT.substring(shortened.charStart(), shortened.charEnd()), shortened.text());

        // a folder written before the record existed reads the evaluation's defaults
        QaAnswer absent = answer(edited("absent", t -> t.remove("qaPostProcessing")));
        assertEquals(full, absent);

        // a predictor may override the record
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TaskPredictor p = model.predictor("qa");
            assertEquals(QaPostProcessor.builder().build(), p.qaPostProcessor());
            TaskPredictor overridden = p.withQaPostProcessor(QaPostProcessor.builder().optMaxAnswerLength(1).build());
            assertEquals(shortened, overridden.answer(List.of(QUESTION), List.of(CONTEXT)).get(0));
            assertEquals(full, p.answer(List.of(QUESTION), List.of(CONTEXT)).get(0), "the original predictor is unchanged");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.predictor("topic").withQaPostProcessor(QaPostProcessor.builder().build()));
            assertEquals("predictor: task topic is a text task; QA post-processing applies to qa tasks only", e.getMessage());
        }
    }

    @Test
    void aMalformedRecordIsRefusedNamingTheField() throws Exception {
        Path bad = edited("bad", t -> t.getAsJsonObject("qaPostProcessing").addProperty("maxAnswerLength", 0));
        IOException e = assertThrows(IOException.class, () -> ModelManifest.read(bad));
        assertEquals(bad.resolve(ModelManifest.FILE) + ": task qa: qaPostProcessing: maxAnswerLength must be >= 1,"
                + " found 0", e.getMessage());
    }
}
