package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.testing.OpenFiles;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnitLockTest {
    @Test
    void aRefusedBlockingAcquireLeavesNoFileOpen(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("locks").resolve("manifest.lock");
        try (UnitLock held = UnitLock.acquire(file)) {
            assertEquals(1, OpenFiles.on(file));
            // a second claim from this JVM (another session on the folder) is refused by the JDK
            for (int i = 0; i < 3; i++) {
                assertThrows(OverlappingFileLockException.class, () -> UnitLock.acquire(file));
            }
            assertEquals(1, OpenFiles.on(file), "each refused acquire left its channel open");
        }
        assertEquals(0, OpenFiles.on(file));
    }

    @Test
    void refusedTryAcquiresLeaveNoFileOpen(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("locks").resolve("run.lock");
        try (UnitLock held = UnitLock.acquire(file)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(java.util.Optional.empty(), UnitLock.tryAcquire(file));
                assertEquals(java.util.Optional.empty(), UnitLock.tryAcquireShared(file));
            }
            assertEquals(1, OpenFiles.on(file));
        }
        assertEquals(0, OpenFiles.on(file));
    }
}
