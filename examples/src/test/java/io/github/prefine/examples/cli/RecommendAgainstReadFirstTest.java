package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A malformed {@code recommend --against} log is refused before any embedding is computed, as
 * every other option and input is: only its existence was checked first, so its first bad line
 * was named after every task of the run had been embedded (minutes to hours on real data), the
 * rankings printed and the cache written.
 */
class RecommendAgainstReadFirstTest {
    @Test
    void aMalformedResultLogIsRefusedBeforeAnyEmbedding(@TempDir Path tmp) throws Exception {
        // a result log's second line cut off, as a copy stopped mid-write leaves it
        Path log = tmp.resolve("results.jsonl");
        Files.writeString(log, "{\"kind\":\"cost\",\"setting\":\"Only-C\",\"secondsPerEpoch\":1.0,\"examplesPerEpoch\":10}\n"
                + "{\"setting\": \"Only-SL\"\n", StandardCharsets.UTF_8);
        Path out = tmp.resolve("rec-out");
        CliRunner cli = new CliRunner("recommend");
        int rc = cli.run("--data", "demo", "--method", "textemb", "--threads", "1", "--against", log.toString(), "--out",
                out.toString());
        assertEquals(2, rc, cli.err());
        assertTrue(cli.err().startsWith("prefine recommend: " + log + ":2: "), cli.err());
        assertEquals(1, cli.err().lines().count(), cli.err());
        // nothing embedded, ranked or written
        assertEquals("", cli.out());
        assertFalse(Files.exists(out), "the output folder was created");
    }
}
