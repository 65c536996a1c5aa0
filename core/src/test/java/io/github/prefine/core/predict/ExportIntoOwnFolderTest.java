package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export into the folder the model was read from replaced that folder's own files: for an HF
 * folder it removed {@code config.json} first, then wrote {@code model.safetensors} and the
 * tokenizer files over the ones it had read, so a failure midway left the model without a config,
 * and a success replaced its {@code tokenizer_config.json}. The export now refuses that folder, a
 * folder inside it and a link to it, and writes nothing; a sibling folder is written as before.
 * Ground truth: the folder's bytes before the call, on a copy of HF's BERT sequence classifier.
 */
class ExportIntoOwnFolderTest {
    @TempDir
    Path tmp;

    @Test
    void anExportIntoTheModelsOwnFolderOrOneInsideItIsRefusedAndWritesNothing() throws Exception {
        Path hf = SharedFixtures.require("fixtures/hf-reference/bert/sequence-classification");
        Path dir = tmp.resolve("model");
        Files.createDirectories(dir);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            Files.copy(hf.resolve(f), dir.resolve(f));
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 16, \"note\": \"mine\"}");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), dir);
        Map<String, byte[]> before = contents(dir);
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.loadHuggingFace(dir, m)) {
            for (Path out : List.of(dir, dir.resolve("."), dir.resolve("hf"), dir.resolve("a/b"), link,
                    link.resolve("hf"), tmp.resolve("x/../model"))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> read.writeHuggingFace("text-classification", out), out.toString());
                assertTrue(e.getMessage().startsWith("HF export: " + out + " is"), e.getMessage());
                assertTrue(e.getMessage().endsWith(" the folder the model was loaded from, " + dir
                        + ", whose files the export would replace; expected a folder outside it"), e.getMessage());
            }
            Map<String, byte[]> after = contents(dir);
            assertEquals(before.keySet(), after.keySet());
            before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name));
            assertFalse(Files.exists(dir.resolve("hf")));
            // beside it, as before
            Path sibling = tmp.resolve("model-hf");
            read.writeHuggingFace("text-classification", sibling);
            assertTrue(Files.isRegularFile(sibling.resolve("config.json")));
        }
    }

    private static Map<String, byte[]> contents(Path dir) throws java.io.IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return out;
    }
}
