package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --export-models}: the default writes no model; the same demo restarted with {@code
 * best} by two processes trains nothing again, writes one folder per target once, lists and prints
 * them, and {@code prefine predict} answers from one of them. The default run and its restart are
 * {@link DemoFixture}'s, shared with DemoFolderTest and (the restart) DocOutputPathsTest.
 */
@ExtendWith(DemoFixture.class)
class DemoExportTest {
    @TempDir
    Path tmp;

    @Test
    void bestAfterADefaultRunExportsOneModelPerTargetThatPredictUses(DemoFixture.Finished demo,
            DemoFixture.Exported exported) throws Exception {
        DemoFolderTest.Run plain = demo.run();
        assertEquals(0, plain.exit(), plain.printed());
        assertFalse(Files.exists(demo.folder().resolve("models")), "--export-models none, the default, writes no model");
        assertFalse(plain.printed().contains("Finetuned models"), plain.printed());

        // two processes share the folder: each folder is written by one of them, once
        DemoFolderTest.Run best = exported.run();
        Path out = exported.folder();
        assertEquals(0, best.exit(), best.printed());
        assertEquals(6, best.printed().lines().filter(l -> l.contains("GridExporter - exported syn-")).count(),
                best.printed());
        assertTrue(best.printed().contains("0 units run here"), "the results are reused: " + best.printed());
        JsonObject run = JsonParser.parseString(Files.readString(out.resolve("run.json"))).getAsJsonObject();
        JsonArray models = run.getAsJsonArray("models");
        List<Path> targets;
        try (Stream<Path> s = Files.list(out.resolve("models"))) {
            targets = s.sorted().toList();
        }
        assertEquals(6, targets.size(), "one folder per synthetic target");
        assertEquals(6, models.size());
        for (int i = 0; i < models.size(); i++) {
            Path folder = out.resolve(models.get(i).getAsJsonObject().get("path").getAsString());
            assertTrue(Files.isRegularFile(folder.resolve("prefine-model.json")), folder.toString());
            assertTrue(best.printed().contains(folder.toString()), "the summary names " + folder);
        }
        Path review;
        try (Stream<Path> s = Files.list(out.resolve("models").resolve("syn-c-target-review"))) {
            review = s.findFirst().orElseThrow();
        }
        Path input = tmp.resolve("texts.jsonl");
        Files.writeString(input, "{\"text\": \"zorbel quint\"}\n{\"text\": \"mavel drin tosk\"}\n");
        CliRunner cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", review.toString(), "--task", "syn-c-target-review", "--input", input.toString()),
                cli.err());
        List<String> lines = cli.out().lines().toList();
        assertEquals(2, lines.size(), cli.out());
        for (String l : lines) {
            String label = JsonParser.parseString(l).getAsJsonObject().get("label").getAsString();
            assertTrue(List.of("bad", "neutral", "good").contains(label), l);
        }
    }
}
