package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.predict.FinetunedModel;
import io.github.prefine.core.task.TaskFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
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

    /**
     * {@code predict --help} says of {@code --max-length} what the folder now is: it declares the
     * task's length, and {@code export} prints no note of it (the test above), so the option's help
     * may not send the reader to a note that never comes, nor say the folder keeps no length.
     */
    @Test
    void predictsHelpForMaxLengthNamesNoNoteExportDoesNotPrint() {
        CliRunner cli = new CliRunner("predict");
        assertEquals(0, cli.run("--help"), cli.err());
        String help = cli.out();
        // the option's own line, not the synopsis
        Matcher own = Pattern.compile("(?m)^\\s+--max-length=N\\s").matcher(help);
        assertTrue(own.find(), help);
        int at = own.end();
        // the option's text runs to the next option's line
        Matcher next = Pattern.compile("\\n\\s*-").matcher(help);
        String option = (next.find(at) ? help.substring(at, next.start()) : help.substring(at)).replaceAll("\\s+", " ");
        assertTrue(option.contains("model_max_length"), option);
        assertFalse(option.contains("export's note"), option);
        assertFalse(option.contains("keeps none"), option);
    }
}
