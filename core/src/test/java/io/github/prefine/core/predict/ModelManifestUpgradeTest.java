package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.task.TaskFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModelManifest#upgrade} reads the version 1 manifest as strictly as {@link
 * ModelManifest#read} does: Gson's lenient mode read a corrupt byte before a value as part of an
 * unquoted one, and the upgrade blamed the task's name rather than the byte.
 */
class ModelManifestUpgradeTest {
    @TempDir
    Path dir;

    private static final List<SavedTask> TASKS = List.of(
            new SavedTask("topic", TaskFormat.SINGLE_TEXT, List.of("a", "b"), new FeatureSettings(16, 16, 4, 0, 0, 1L)));

    @Test
    void aManifestThatIsNotStandardJsonIsRefusedWhereItStopsAndLeftAsItWas() throws IOException {
        // a NUL where the space after the colon was; on one line, the NUL's column is its index + 1
        String text = "{\"format\": \"" + ModelManifest.V1 + "\", \"tasks\": [{\"name\":\u0000\"topic\"}]}";
        int column = text.indexOf('\u0000') + 1;
        Path file = dir.resolve(ModelManifest.FILE);
        Files.writeString(file, text);
        IOException e = assertThrows(IOException.class, () -> ModelManifest.upgrade(dir, TASKS, "tokenizer.json", 0));
        assertEquals(file + ":1: not JSON at column " + column + " (JSON path $.tasks[0].name): malformed JSON;"
                + " expected a JSON object", e.getMessage());
        assertEquals(text, Files.readString(file));
    }

    @Test
    void aStandardManifestIsUpgradedToVersionTwo() throws IOException {
        Path file = dir.resolve(ModelManifest.FILE);
        Files.writeString(file, "{\"format\": \"" + ModelManifest.V1 + "\", \"tasks\": [{\"name\": \"topic\"}]}");
        ModelManifest.upgrade(dir, TASKS, "tokenizer.json", 3);
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        assertEquals(ModelManifest.V2, root.get("format").getAsString());
        assertEquals(3, root.getAsJsonObject("tokenizer").get("padId").getAsInt());
        assertEquals(TaskFormat.SINGLE_TEXT.label(), root.getAsJsonArray("tasks").get(0).getAsJsonObject().get("taskFormat").getAsString());
    }
}
