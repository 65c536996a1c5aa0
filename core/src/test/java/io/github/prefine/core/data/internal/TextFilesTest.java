package io.github.prefine.core.data.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.testing.OpenFiles;
import io.github.prefine.core.testing.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFilesTest {
    @Test
    void aGzFileThatIsNotGzipFailsWithoutLeavingItOpen(@TempDir Path dir) throws Exception {
        Path file = TestFiles.write(dir, "wnut17/train.conll.gz", "plain text, no gzip header\n");
        for (int i = 0; i < 3; i++) {
            assertThrows(IOException.class, () -> TextFiles.open(file).close());
        }
        assertEquals(0, OpenFiles.on(file), "each failed read left the file open");
    }

    @Test
    void readsAGzFileDecompressedAndClosesIt(@TempDir Path dir) throws Exception {
        byte[] text = "EU\tB-ORG\nrejects\tO\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(text);
        }
        Path file = TestFiles.write(dir, "conll2003/train.conll.gz", gz.toByteArray());
        try (InputStream in = TextFiles.open(file)) {
            assertArrayEquals(text, in.readAllBytes());
        }
        assertEquals(0, OpenFiles.on(file));
    }
}
