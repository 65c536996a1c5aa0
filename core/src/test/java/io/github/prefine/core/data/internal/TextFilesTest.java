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

    /**
     * The marks opening a line, counted by hand: every one of a line of marks alone, none of an
     * empty line, of a null (undecodable) line, of a line whose only mark is later, or of one that
     * opens with a lone surrogate (U+D800, not a mark, though U+FEFF follows it).
     */
    @Test
    void leadingMarksCountsTheMarksOpeningALineAndNoOthers() {
        assertEquals(3, TextFiles.leadingMarks("\uFEFF\uFEFF\uFEFF"));
        assertEquals(2, TextFiles.leadingMarks("\uFEFF\uFEFF{\"a\": \"\uFEFF\"}"));
        assertEquals(1, TextFiles.leadingMarks("\uFEFF \uFEFF"));
        assertEquals(0, TextFiles.leadingMarks(""));
        assertEquals(0, TextFiles.leadingMarks(null));
        assertEquals(0, TextFiles.leadingMarks("a\uFEFF"));
        assertEquals(0, TextFiles.leadingMarks("\uD800\uFEFF"));
        assertEquals(0, TextFiles.leadingMarks("\uFFFE"));
    }
}
