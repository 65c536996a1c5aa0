package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.predict.ModelManifest;
import io.github.prefine.core.task.TaskFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An HF folder keeps no QA stride and no maximum answer length, so {@code export} of a QA task
 * says where the folder, read back, windows contexts or picks answers otherwise than the task was
 * trained and predicts. The fixture's encoder takes 64 positions, so the folder declares a
 * {@code model_max_length} of 64. Read back by {@code prefine predict}: windows of 64 with a stride
 * of min(128, 64 / 3) = 21 (the rule README states) and answers of at most 30 tokens (the
 * evaluation's, {@code ExtractiveQa.postProcessor}). Read by HF's question-answering pipeline
 * without arguments (transformers' {@code QuestionAnsweringPipeline}: {@code max_seq_len =
 * min(model_max_length, 384)}, {@code doc_stride = min(max_seq_len // 2, 128)}, {@code
 * max_answer_len=15}): windows of 64 with a stride of 32 and answers of at most 15 tokens.
 */
class ExportQaWindowsTest {
    @TempDir
    Path tmp;

    /**
     * Saves a one-task QA model with windows of 64 and {@code stride}, its manifest recording
     * {@code maxAnswerLength} when not null, and exports it.
     */
    private String export(int stride, Integer maxAnswerLength) throws Exception {
        return ExportRuns.export(tmp, "qa", TaskFormat.QA, List.of(), FeatureSettings.paper().withLengths(64, 64, stride),
                saved -> {
                    if (maxAnswerLength != null) {
                        // a folder recording another post-processing than the evaluation's, as the manifest allows
                        Path manifest = saved.resolve(ModelManifest.FILE);
                        JsonObject root = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
                        root.getAsJsonArray("tasks").get(0).getAsJsonObject().getAsJsonObject("qaPostProcessing")
                                .addProperty("maxAnswerLength", maxAnswerLength);
                        Files.writeString(manifest, root.toString());
                    }
                });
    }

    private static List<String> notes(String out) {
        return out.lines().filter(l -> l.startsWith("note: ")).toList();
    }

    /**
     * Each reader whose windows differ from the task's is named with its own: a stride of 16 both,
     * 21 (prefine's third) HF's pipeline only, 32 (HF's half) prefine only.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "16|prefine predict windows contexts at 64 tokens with a stride of 21 and HF's pipeline by default at 64 tokens"
                + " with a stride of 32",
        "21|HF's pipeline by default windows contexts at 64 tokens with a stride of 32",
        "32|prefine predict windows contexts at 64 tokens with a stride of 21"})
    void aQaTaskWhoseWindowsTheFolderCannotKeepIsNoted(int stride, String readers) throws Exception {
        String stridenote = "note: an HF folder keeps no QA stride: read back, " + readers + ", where task qa was trained"
                + " and predicts with 64 tokens and a stride of " + stride + ", so answers can differ; HF's pipeline takes"
                + " max_seq_len=64, doc_stride=" + stride + " and prefine predict --qa-max-length 64 --qa-stride " + stride
                + " for the task's windows";
        String out = export(stride, null);
        assertEquals(stridenote, notes(out).get(0), out);
    }

    /**
     * A task reads answers of at most 30 tokens (the evaluation's), HF's pipeline of at most 15
     * unless told: the note names the pipeline's and the task's, and what to pass. prefine predict
     * reads the folder with the task's 30, so it is not named.
     */
    @Test
    void theMaximumAnswerLengthHfsPipelineWouldUseIsNoted() throws Exception {
        String out = export(21, null);
        List<String> notes = notes(out);
        assertEquals(2, notes.size(), out);
        assertEquals("note: an HF folder keeps no maximum answer length: read back, HF's pipeline by default picks answers"
                + " of at most 15 tokens, where task qa picks answers of at most 30, so answers can differ; HF's pipeline"
                + " takes max_answer_len=30 and prefine predict --max-answer-length 30 for the task's answers", notes.get(1),
                out);
    }

    /**
     * A task that records answers of at most 15 tokens reads as HF's pipeline does by default, but
     * {@code prefine predict} reads the folder back with the evaluation's 30: that is named instead.
     */
    @Test
    void aRecordedMaximumAnswerLengthPredictWouldNotKeepIsNoted() throws Exception {
        String out = export(21, 15);
        String note = "note: an HF folder keeps no maximum answer length: read back, prefine predict picks answers of at"
                + " most 30 tokens, where task qa picks answers of at most 15, so answers can differ; HF's pipeline takes"
                + " max_answer_len=15 and prefine predict --max-answer-length 15 for the task's answers";
        assertTrue(notes(out).contains(note), out);
    }
}
