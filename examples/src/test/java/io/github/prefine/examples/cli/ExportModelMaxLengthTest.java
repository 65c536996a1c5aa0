package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonParser;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.predict.FinetunedModel;
import io.github.prefine.core.task.TaskFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code export} writes the task's feature length as the folder's {@code model_max_length}: HF's
 * tokenizer with {@code truncation=True} and no {@code max_length} cuts at {@code
 * model_max_length}, and {@code prefine predict} reads an HF folder's inputs at it, so both read
 * the folder as the task was trained and predicts. The folder declared the encoder's positions
 * (the fixture's 64) whatever the task's length, so a classifier or tagger trained at 32 tokens
 * was read up to 64 (found on CB with MiniLM at 64 tokens, read back at 512), and {@code export}
 * only noted it. A QA task declares its window (checked with a window of 40). The lengths
 * expected are the ones the test gives the saved model.
 */
class ExportModelMaxLengthTest {
    @ParameterizedTest
    @CsvSource({"text,32", "text,64", "token,32", "token,64", "qa,40", "qa,64"})
    void theFolderDeclaresTheTasksLengthAndReadsBackAtIt(String kind, int length, @TempDir Path tmp) throws Exception {
        TaskFormat format = switch (kind) {
            case "token" -> TaskFormat.TOKEN;
            case "qa" -> TaskFormat.QA;
            default -> TaskFormat.SINGLE_TEXT;
        };
        List<String> labels = switch (kind) {
            case "token" -> List.of("O", "B-PER", "I-PER");
            case "qa" -> List.of();
            default -> List.of("neg", "pos");
        };
        boolean qa = format == TaskFormat.QA;
        // a QA window of 40 shares a third of itself, as the folder's read-back stride gives it
        FeatureSettings settings = qa ? FeatureSettings.paper().withLengths(64, length, Math.min(128, length / 3))
                : FeatureSettings.paper().withLengths(length, 64, 16);
        String text = ExportRuns.export(tmp, "t", format, labels, settings);
        Path hf = tmp.resolve("hf");
        assertEquals(length, JsonParser.parseString(Files.readString(hf.resolve("tokenizer_config.json")))
                .getAsJsonObject().get("model_max_length").getAsInt(), text);
        FeatureSettings readBack = FinetunedModel.huggingFaceSettings(hf);
        assertEquals(length, qa ? readBack.qaMaxLength() : readBack.maxLength());
        // nothing to note: the folder keeps the task's length
        assertFalse(text.contains("keeps no feature length"), text);
        if (!qa) {
            assertFalse(text.contains("note:"), text);
        }
    }
}
