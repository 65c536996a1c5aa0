package io.github.prefine.core.model.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorArchiveTest {
    @Test
    void writesThenReadsBackAndRefusesALinkPlantedAtTheArchivesName(@TempDir Path dir) throws Exception {
        Path victim = Files.writeString(dir.resolve("elsewhere.txt"), "someone's own file\n");
        Path ckpt = Files.createDirectories(dir.resolve("ckpt-epoch-000001.tmp"));
        Path link = Files.createSymbolicLink(ckpt.resolve("optimizer.ndlist"), victim);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            arrays.put("w", m.create(new float[] {1f, 2f, 3f}));

            FileSystemException e = assertThrows(FileSystemException.class, () -> TensorArchive.write(link, arrays));
            assertTrue(e.getMessage().startsWith(link + ": must be a plain file, found a symbolic link to " + victim),
                    e.getMessage());
            assertEquals("someone's own file\n", Files.readString(victim));
            assertEquals("w", TensorArchive.read(writeAndReturn(ckpt.resolve("model.ndlist"), arrays), m).keySet()
                    .iterator().next());
            assertArrayEquals(new float[] {1f, 2f, 3f},
                    TensorArchive.read(ckpt.resolve("model.ndlist"), m).get("w").toFloatArray());
        }
    }

    private static Path writeAndReturn(Path file, Map<String, NDArray> arrays) throws Exception {
        TensorArchive.write(file, arrays);
        return file;
    }
}
