package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --export-models}: the default writes no model; the same demo restarted with {@code
 * best} by two processes trains nothing again, writes one folder per target once, lists and prints
 * them, and {@code prefine predict} answers from one of them.
 */
class DemoExportTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path tmp;

    private record Run(int exit, String printed) {}

    /** Runs a one-epoch, one-seed {@code prefine demo} in a fresh JVM. */
    private static Run demo(Path out, String... more) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-cp", System.getProperty("java.class.path"),
                PrefineCli.class.getName(), "demo", "--seeds", "1", "--epochs", "1", "--target-epochs", "1",
                "--device", "cpu", "--out", out.toString()));
        cmd.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PREFINE_MALLOC_TUNING", "off");
        Process p = pb.start();
        byte[] printed = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "demo did not end");
        return new Run(p.exitValue(), new String(printed, StandardCharsets.UTF_8));
    }

    @Test
    void bestAfterADefaultRunExportsOneModelPerTargetThatPredictUses() throws Exception {
        Path out = tmp.resolve("out");
        Run plain = demo(out, "--workers", "1");
        assertEquals(0, plain.exit(), plain.printed());
        assertFalse(Files.exists(out.resolve("models")), "--export-models none, the default, writes no model");
        assertFalse(plain.printed().contains("Finetuned models"), plain.printed());

        // two processes share the folder: each folder is written by one of them, once
        Run best = demo(out, "--export-models", "best", "--workers", "2");
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
