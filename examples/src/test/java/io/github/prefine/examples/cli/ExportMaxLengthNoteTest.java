package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.task.TaskFormat;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An HF folder keeps no feature length of the task: read back, its {@code model_max_length}
 * (the encoder's 64 positions for the fixture) cuts text, so a classifier or tagger trained and
 * predicting at 32 tokens would read up to 64 and could give other labels than the saved model
 * and its validation score, without a word. Found on CB with MiniLM at 64 tokens (read back at
 * 512): {@code export} now says so, and says nothing where the lengths agree.
 */
class ExportMaxLengthNoteTest {
    @ParameterizedTest
    @CsvSource({"text,32", "text,64", "token,32", "token,64"})
    void aTaskCutShorterThanTheFolderReadsIsNoted(String kind, int maxLength, @TempDir Path tmp) throws Exception {
        boolean token = kind.equals("token");
        TaskFormat format = token ? TaskFormat.TOKEN : TaskFormat.SINGLE_TEXT;
        List<String> labels = token ? List.of("O", "B-PER", "I-PER") : List.of("neg", "pos");
        String text = ExportRuns.export(tmp, "t", format, labels, FeatureSettings.paper().withLengths(maxLength, 64, 16));
        String note = "note: an HF folder keeps no feature length: read back (prefine predict) it cuts inputs at 64"
                + " tokens, where task t was trained and predicts with 32, so " + (token ? "tags" : "labels")
                + " of inputs longer than 32 tokens can differ from the saved model's and its validation score"
                + " (prefine predict on the saved model counts those it cuts); HF's tokenizer takes truncation=True,"
                + " max_length=32 and prefine predict --max-length 32 for the task's cut";
        if (maxLength == 32) {
            assertTrue(text.contains(note), text);
        } else {
            assertFalse(text.contains("note:"), text);
        }
    }
}
