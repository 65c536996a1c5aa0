package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.core.testing.OpenFiles;
import java.io.InterruptedIOException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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

    @Test
    void awaitWaitsForTheHolderAndAnInterruptedWaitLeavesNoFileOpen(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("locks").resolve("run-Baseline-t-seed1-lr-1e-03.lock");
        CountDownLatch refused = new CountDownLatch(1);
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        try {
            UnitLock held = UnitLock.tryAcquire(file).orElseThrow();
            Future<UnitLock> claim = waiter.submit(() -> UnitLock.await(file, 20, refused::countDown));
            assertTrue(refused.await(1, TimeUnit.MINUTES), "await was not refused while the lock is held");
            assertFalse(claim.isDone(), "await returned while the lock is held");
            held.close();
            try (UnitLock l = claim.get(1, TimeUnit.MINUTES)) {
                assertEquals(Optional.empty(), UnitLock.tryAcquire(file), "await returned a lock it does not hold");
            }
            try (UnitLock again = UnitLock.tryAcquire(file).orElseThrow()) {
                CountDownLatch waiting = new CountDownLatch(1);
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                Thread t = new Thread(() -> {
                    try (UnitLock l = UnitLock.await(file, 20, waiting::countDown)) {
                        thrown.set(new AssertionError("claimed a held lock"));
                    } catch (Throwable e) {
                        thrown.set(e);
                    }
                });
                t.start();
                assertTrue(waiting.await(1, TimeUnit.MINUTES));
                t.interrupt();
                t.join(TimeUnit.MINUTES.toMillis(1));
                assertInstanceOf(InterruptedIOException.class, thrown.get(), "an interrupted await");
                assertEquals(1, OpenFiles.on(file), "the interrupted await left the file open");
            }
        } finally {
            waiter.shutdownNow();
        }
    }

    /**
     * A wait that tells again: first with 0 waited when refused, then with the time waited, each at
     * least the reminder interval after the one before, until the holder lets go.
     */
    @Test
    void awaitWithRemindersTellsWhenRefusedAndThenEveryIntervalUntilReleased(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("locks").resolve("export-t-Baseline-seed1.lock");
        long remind = TimeUnit.MILLISECONDS.toNanos(30);
        List<Long> told = new CopyOnWriteArrayList<>();
        CountDownLatch thrice = new CountDownLatch(3);
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        try {
            UnitLock held = UnitLock.tryAcquire(file).orElseThrow();
            Future<Optional<UnitLock>> claim = waiter.submit(() -> UnitLock.await(file, 5, Long.MAX_VALUE, remind,
                    waited -> {
                        told.add(waited);
                        thrice.countDown();
                    }));
            assertTrue(thrice.await(1, TimeUnit.MINUTES), "the wait was not told three times: " + told);
            held.close();
            try (UnitLock l = claim.get(1, TimeUnit.MINUTES).orElseThrow()) {
                assertEquals(Optional.empty(), UnitLock.tryAcquire(file), "await returned a lock it does not hold");
            }
            assertEquals(0L, told.get(0), told.toString());
            for (int i = 1; i < told.size(); i++) {
                assertTrue(told.get(i) - told.get(i - 1) >= remind, told.toString());
            }
        } finally {
            waiter.shutdownNow();
        }
    }

    /**
     * A claim this JVM holds must keep other processes out after this JVM is refused the same
     * claim again (a second session or scheduler on the folder): on Linux a lock is the process's
     * (fcntl), and closing any descriptor of the file drops it, even one that holds no lock.
     */
    @Test
    void aClaimRefusedInThisJvmKeepsOtherProcessesOut(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("locks").resolve("pretrain-Only-SL.lock");
        try (UnitLock held = UnitLock.tryAcquire(file).orElseThrow()) {
            assertEquals("refused", otherProcessClaims(file, dir), "nothing refused yet: the probe itself is wrong");
            assertEquals(Optional.empty(), UnitLock.tryAcquire(file));
            assertEquals("refused", otherProcessClaims(file, dir), "after a refused tryAcquire");
            assertEquals(Optional.empty(), UnitLock.tryAcquireShared(file));
            assertEquals("refused", otherProcessClaims(file, dir), "after a refused tryAcquireShared");
            assertThrows(OverlappingFileLockException.class, () -> UnitLock.acquire(file));
            assertEquals("refused", otherProcessClaims(file, dir), "after a refused acquire");
        }
        assertEquals("claimed", otherProcessClaims(file, dir), "released by close");
    }

    /** Another JVM tries the claim: "claimed" or "refused". */
    private static String otherProcessClaims(Path file, Path dir) throws Exception {
        Path log = dir.resolve("probe.log");
        Process p = ChildProcesses.builder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                ClaimProbe.class.getName(), file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), "the probe did not finish");
        String out = Files.readString(log).strip();
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** The other process: tries the claim once and prints the outcome. */
    static final class ClaimProbe {
        public static void main(String[] args) throws Exception {
            Optional<UnitLock> l = UnitLock.tryAcquire(Path.of(args[0]));
            System.out.println(l.isPresent() ? "claimed" : "refused");
            if (l.isPresent()) {
                l.get().close();
            }
        }
    }

    @Test
    void aLinkPlantedAtALockFilesNameIsRefusedAndCreatesNothingWhereItLeads(@TempDir Path dir) throws Exception {
        Path absent = dir.resolve("elsewhere").resolve("new-file");
        Files.createDirectories(absent.getParent());
        Path locks = Files.createDirectories(dir.resolve("shared-out/locks"));
        Path file = Files.createSymbolicLink(locks.resolve("unit.lock"), absent);

        java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                () -> UnitLock.acquire(file));
        assertThrows(java.nio.file.FileSystemException.class, () -> UnitLock.tryAcquire(file));
        assertThrows(java.nio.file.FileSystemException.class, () -> UnitLock.tryAcquireShared(file));

        assertTrue(e.getMessage().startsWith(file.toRealPath(java.nio.file.LinkOption.NOFOLLOW_LINKS)
                + ": must be a plain file, found a symbolic link to " + absent), e.getMessage());
        assertFalse(Files.exists(absent, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the lock created the link's target");
        // refused claims are forgotten: once the link is gone the unit can be claimed
        Files.delete(file);
        try (UnitLock held = UnitLock.acquire(file)) {
            assertTrue(Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void aLinkPlantedInPlaceOfTheLockFolderIsRefusedAndNothingIsWrittenWhereItLeads(@TempDir Path dir) throws Exception {
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Path out = Files.createDirectories(dir.resolve("shared-out"));
        Path locks = Files.createSymbolicLink(out.resolve("locks"), victim);
        Path file = locks.resolve("unit.lock");

        java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                () -> UnitLock.acquire(file));
        assertThrows(java.nio.file.FileSystemException.class, () -> UnitLock.tryAcquire(file));
        assertThrows(java.nio.file.FileSystemException.class, () -> UnitLock.await(file, 1, 1_000_000L, () -> { }));

        assertEquals(locks + ": must be a folder, found a symbolic link to " + victim + "; prefine does not create or"
                + " enter a link in its own folders, which someone with write access to the folder may have planted"
                + " (remove the link and run it again)", e.getMessage());
        try (java.util.stream.Stream<Path> s = Files.list(victim)) {
            assertEquals(java.util.List.of(), s.toList(), "a lock file or holder note written through the link");
        }
    }
}
