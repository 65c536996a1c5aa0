package io.github.prefine.examples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.examples.cli.PrefineCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prefine data fetch 2> fetch.log} typed at a terminal: standard input and output are the
 * terminal, standard error a file. The progress goes to the file, so it must come as plain lines,
 * not as a line redrawn in place with carriage returns. A real child JVM, its terminal a
 * pseudo-terminal from util-linux {@code script}, and a loopback Hub.
 */
class FetchProgressOnALogFileTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    void progressRedirectedToAFileComesAsPlainLinesAlsoFromATerminal(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script is not installed");
        Path log = dir.resolve("fetch.log");
        try (FakeDatasetHub hub = new FakeDatasetHub()) {
            hub.putRte(400, 3, "x");
            String fetch = String.join(" ", quote(JAVA), "-Djava.awt.headless=true", "-cp",
                    quote(System.getProperty("java.class.path")), PrefineCli.class.getName(), "data", "fetch",
                    "--data", quote(dir.resolve("data").toString()), "--tasks", "rte", "2>" + quote(log.toString()));
            ProcessBuilder pb = ChildProcesses.builder("/usr/bin/script", "-qec", fetch, "/dev/null")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("terminal.txt").toFile());
            pb.environment().put("HF_ENDPOINT", hub.endpoint().toString());
            pb.environment().put("HF_HUB_CACHE", dir.resolve("cache").toString());
            pb.environment().remove("HF_HUB_OFFLINE");
            pb.environment().remove("HF_TOKEN");
            Process p = pb.start();
            p.getOutputStream().close();
            try {
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the fetch did not end");
            } finally {
                p.destroyForcibly();
            }
            String terminal = Files.readString(dir.resolve("terminal.txt"), StandardCharsets.UTF_8);
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), terminal + text);
            assertTrue(terminal.contains("rte: fetched"), terminal);
            assertTrue(text.contains("rte: rte/train/0000.parquet "), text);
            assertTrue(!text.contains("\r"), "a log file got a line redrawn in place: " + text.replace("\r", "\\r"));
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
