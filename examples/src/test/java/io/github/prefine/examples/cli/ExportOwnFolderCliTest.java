package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's side of two refusals the library makes: {@code export} into the model's own folder (or
 * one inside it), which would replace the files it was read from, and {@code predict} on a folder a
 * save left without its manifest. Both are bad input: exit 2, the library's message on standard
 * error, nothing written. Ground truth: the exit codes {@code ExportCommand} and {@code
 * PredictCommand} document, and the folder's bytes before the call.
 */
class ExportOwnFolderCliTest {
    @TempDir
    Path tmp;

    @Test
    void exportIntoTheModelsOwnFolderExits2AndWritesNothing() throws Exception {
        Path hf = SharedFixtures.require("fixtures/hf-reference/bert/sequence-classification");
        Path dir = Files.createDirectories(tmp.resolve("model"));
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            Files.copy(hf.resolve(f), dir.resolve(f));
        }
        byte[] config = Files.readAllBytes(dir.resolve("config.json"));
        for (Path out : List.of(dir, dir.resolve("inside"))) {
            CliRunner export = new CliRunner("export");
            assertEquals(2, export.run("--model", dir.toString(), "--out", out.toString()), export.err());
            assertEquals("prefine export: HF export: " + out + (out.equals(dir) ? " is" : " is inside")
                    + " the folder the model was loaded from, " + dir + ", whose files the export would replace;"
                    + " expected a folder outside it", export.err().strip());
        }
        assertArrayEquals(config, Files.readAllBytes(dir.resolve("config.json")));
        assertFalse(Files.exists(dir.resolve("inside")));
        assertFalse(Files.exists(dir.resolve("tokenizer_config.json")));
    }

    @Test
    void predictOnAFolderASaveLeftWithoutItsManifestExits2SayingSo() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("saved"));
        Files.createDirectories(dir.resolve("encoder"));
        Files.write(dir.resolve("heads.safetensors"), new byte[0]);
        Path input = Files.writeString(tmp.resolve("in.jsonl"), "{\"text\": \"a\"}\n");
        CliRunner predict = new CliRunner("predict");
        assertEquals(2, predict.run("--model", dir.toString(), "--input", input.toString()), predict.err());
        assertEquals("prefine predict: " + dir.resolve("prefine-model.json") + ": no prefine-model.json beside"
                + " heads.safetensors, encoder: a save that did not finish (the manifest is written last, after the"
                + " tensors, which may mix two models); save the model again", predict.err().strip());
    }
}
