package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.SharedFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A group asked for (QA, by default) whose pre-finetuning tasks have no data is said to be left
 * out of the ranking, not just missing from it: the data root here holds CB (the target), WNLI (C)
 * and AnEM (SL) from the shared data, and none of the QA group's catalogued tasks.
 */
class RecommendUnrankedGroupTest {
    @Test
    void aGroupWithoutDataIsNamedAsNotRanked(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        for (String dataset : List.of("cls/cb", "cls/glue_wnli", "sl/anem")) {
            Path link = data.resolve(dataset);
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, SharedFixtures.require("data/" + dataset));
        }
        Path encoder = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new RecommendCommand());
        cl.setOut(new PrintWriter(out));
        int rc = cl.execute("--data", data.toString(), "--target", "cb", "--method", "textemb", "--max-text-rows", "16",
                "--threads", "1", "--out", tmp.resolve("out").toString(), "--encoder", encoder.toString(),
                "--max-length", "64", "--qa-max-length", "64", "--qa-stride", "16");
        String text = out.toString();
        assertEquals(0, rc, text);
        assertTrue(text.contains("1. C "), text);
        assertTrue(text.contains("2. SL "), text);
        assertTrue(text.contains("not ranked: group QA, none of whose pre-finetuning tasks has data that could be read"
                + " (they are among the skipped tasks above)"), text);
        assertEquals(1, text.lines().filter(l -> l.startsWith("not ranked")).count(), text);
    }
}
