package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A strict read that finds a defect in a line reads the rest of the file for a defect of its bytes
 * that outranks it (invalid UTF-8); that pass kept each line whole to decode it, so a long line
 * after the defect was held in memory whatever the line cap: a file with a 64 MiB line after a bad
 * row ran a JVM of 32 MiB heap out of memory. The pass keeps no more of a line than the cap now,
 * and the read throws the bad row's defect. Run in a child JVM with that heap and a cap of 1,000
 * bytes; ground truth: the bad row's line and field count, written here.
 */
class RestOfFileCapTest {
    @TempDir
    Path dir;

    @Test
    void aLongLineAfterADefectIsNotHeldWhileTheRestIsChecked() throws Exception {
        Path f = dir.resolve("sst").resolve("train.tsv");
        Files.createDirectories(f.getParent());
        try (OutputStream out = Files.newOutputStream(f)) {
            out.write("sentence\tlabel\nbad\nfine\t1\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'a');
            for (int i = 0; i < 64; i++) {
                out.write(chunk);
            }
            out.write("\t1\n".getBytes(StandardCharsets.US_ASCII));
        }
        Path log = dir.resolve("child.log");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "-Dprefine.maxLineBytes=1000", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), StrictRead.class.getName(), f.toString());
        Process p = ChildProcesses.builder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "child did not finish");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertEquals("sst/train.tsv:2: expected 2 tab-separated fields [sentence, label], found 1", out.strip());
    }

    /** Reads a TSV file strictly and prints the defect it throws. */
    static final class StrictRead {
        public static void main(String[] args) throws IOException {
            try {
                TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build().read(Path.of(args[0]));
                System.out.println("read without a defect");
            } catch (MalformedDatasetException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
