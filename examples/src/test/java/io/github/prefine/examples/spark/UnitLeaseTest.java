package io.github.prefine.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.grid.UnitBusyException;
import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.examples.ShortLivedJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A unit's lease on a folder mirrored through Hadoop's local file system, as executors share one on
 * HDFS: each attempt has its own mirror, as each executor has its own disk; the other holders are
 * threads or processes of their own. The two holder processes are started together when the class
 * starts, each on a folder of its own, and start up while the other tests run.
 */
class UnitLeaseTest {
    /** Short enough for a test; the expiry is ten heartbeats. */
    private static final UnitLease.Timing FAST = new UnitLease.Timing(Duration.ofMillis(100), Duration.ofSeconds(1));
    private static final String DONE = "finetune/conll2003-baseline-s1/lr-1e-04.json";

    @TempDir
    Path dir;

    /** The holder processes' folders. */
    @TempDir
    static Path shared;

    /** Holds unit-l and unit-k, for the test of a live, then killed, holder. */
    private static CompletableFuture<Process> liveHolder;
    /** Holds unit-p, for the test of a paused holder. */
    private static CompletableFuture<Process> pausedHolder;

    /**
     * Hadoop's file system logs its user in as SparkGrid's Spark does, which Java 23+ refuses; where
     * it starts, so do the holder processes.
     */
    @BeforeAll
    static void hadoopStartsHere() {
        SparkAssumptions.assumeSparkStartsHere(UnitLeaseTest.class);
        liveHolder = startHolder(shared.resolve("live"), "unit-l", "unit-k");
        pausedHolder = startHolder(shared.resolve("paused"), "unit-p");
    }

    @AfterAll
    static void stopHolders() {
        for (CompletableFuture<Process> holder : Arrays.asList(liveHolder, pausedHolder)) {
            if (holder != null) {
                holder.thenAccept(Process::destroyForcibly);
            }
        }
    }

    /** Starts a holder of {@code unit} (and {@code more}) on {@code folder/out}, on a thread of its own. */
    private static CompletableFuture<Process> startHolder(Path folder, String unit, String... more) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return holder(folder.resolve("out"), folder.resolve("holder"), unit, DONE, FAST, more);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The holder process, once it holds its units. */
    private static Process held(CompletableFuture<Process> holder) throws Exception {
        try {
            return holder.get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw (Exception) e.getCause();
        }
    }

    private GridFolder executor(String name) throws IOException {
        return executor(dir.resolve("out"), dir.resolve(name));
    }

    private static GridFolder executor(Path out, Path mirror) throws IOException {
        return GridFolder.open(out.toUri().toString(), new Configuration(), true, mirror);
    }

    @Test
    void ofTwoConcurrentAttemptsOneRunsTheUnitAndTheOtherReadsItBack() throws Exception {
        for (int round = 0; round < 3; round++) {
            List<String> outcomes = concurrentAttempts(dir.resolve("out").toUri().toString(), new Configuration(), round);
            assertEquals(List.of("read back", "trained"), outcomes.stream().sorted().toList(), "round " + round);
            assertFalse(Files.exists(dir.resolve("out/locks/unit-" + round + ".lease")), "the holder released its lease");
        }
    }

    @Test
    void onAStoreWhoseCreateOnlyLooksFirstOneAttemptPushesTheUnit() throws Exception {
        // as S3A without conditional writes: create(path, false) looks for the file, then writes it
        Configuration conf = new Configuration();
        conf.set("fs.lookfirst.impl", LookFirstFileSystem.class.getName());
        conf.setBoolean("fs.lookfirst.impl.disable.cache", true);
        String out = "lookfirst://" + dir.resolve("out").toAbsolutePath().toUri().getPath();
        for (int round = 0; round < 3; round++) {
            List<String> outcomes = concurrentAttempts(out, conf, round);
            // both may claim the unit, but the one whose lease was overwritten is refused its push
            assertEquals(1, outcomes.stream().filter("trained"::equals).count(), "round " + round + ": " + outcomes);
            assertTrue(outcomes.stream().allMatch(o -> o.equals("trained") || o.equals("read back") || o.equals("refused")),
                    "round " + round + ": " + outcomes);
        }
        // the exclusive create goes through Hadoop's create here: a live holder is waited for and named
        GridFolder first = GridFolder.open(out, conf, true, dir.resolve("first"));
        try (UnitLease held = UnitLease.claim(first, "unit-x", DONE, "the first", FAST, Duration.ofMinutes(1)).orElseThrow()) {
            GridFolder second = GridFolder.open(out, conf, true, dir.resolve("second"));
            UnitBusyException e = assertThrows(UnitBusyException.class,
                    () -> UnitLease.claim(second, "unit-x", DONE, "the second", FAST, Duration.ofSeconds(2)));
            assertTrue(e.getMessage().startsWith("unit unit-x: still held by the first, since "), e.getMessage());
            held.check();
        }
    }

    /**
     * Two attempts of one unit, each with its own mirror as on two executors, started together: each
     * says {@code trained} (claimed it and pushed its done marker), {@code read back} (found it
     * done) or {@code refused} (claimed it, then was refused the push).
     */
    private List<String> concurrentAttempts(String outUri, Configuration conf, int round) throws Exception {
        String unit = "unit-" + round;
        String done = "finetune/" + unit + ".json";
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> attempts = new ArrayList<>();
            for (int a = 0; a < 2; a++) {
                GridFolder out = GridFolder.open(outUri, conf, true, dir.resolve("executor-" + round + "-" + a));
                String name = "attempt " + a;
                attempts.add(pool.submit(() -> {
                    go.await();
                    Optional<UnitLease> held = UnitLease.claim(out, unit, done, name, FAST, Duration.ofMinutes(1));
                    if (held.isEmpty()) {
                        return "read back";
                    }
                    try (UnitLease l = held.get()) {
                        // the unit's training, then its push, done marker last
                        Path f = out.local().resolve(done);
                        Files.createDirectories(f.getParent());
                        Files.writeString(f, name);
                        Thread.sleep(300);
                        out.push(done, l::check);
                        return "trained";
                    } catch (UnitLease.LostLeaseException e) {
                        return "refused";
                    }
                }));
            }
            go.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : attempts) {
                outcomes.add(f.get(30, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Hadoop's raw local file system under a scheme of its own, so that a lease goes through
     * Hadoop's {@code create(path, false)}, which looks for the file and then creates it.
     */
    public static final class LookFirstFileSystem extends OwnSchemeFileSystem {
        /** Hadoop makes it by reflection. */
        public LookFirstFileSystem() {
            super("lookfirst");
        }
    }

    /** Hadoop's raw local file system under the scheme a test registers it for. */
    abstract static class OwnSchemeFileSystem extends org.apache.hadoop.fs.RawLocalFileSystem {
        private final String scheme;

        OwnSchemeFileSystem(String scheme) {
            this.scheme = scheme;
        }

        @Override
        public java.net.URI getUri() {
            return java.net.URI.create(scheme + ":///");
        }

        @Override
        public String getScheme() {
            return scheme;
        }
    }

    /**
     * {@code --claim-timeout} and {@code prefine.lease.expiry} take up to 999999999d, past what a
     * long counts in nanoseconds (about 106,751 days): the waiter's {@code toNanos} overflowed at its
     * first look at the held lease, and the holder's at its check before a push, each with a bare
     * {@link ArithmeticException}. Both wait without a limit instead: the waiter reads the unit back
     * once the holder has pushed it.
     */
    @Test
    void aClaimTimeoutAndExpiryPastTheNanosecondRangeWaitWithoutALimit() throws Exception {
        Duration forever = SparkArgs.duration("--claim-timeout", "999999999d");
        UnitLease.Timing timing = new UnitLease.Timing(Duration.ofMillis(100), forever);
        GridFolder first = executor("first");
        GridFolder second = executor("second");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Optional<UnitLease>> waiter;
            try (UnitLease held = UnitLease.claim(first, "unit-y", DONE, "the first", timing, forever).orElseThrow()) {
                waiter = pool.submit(() -> UnitLease.claim(second, "unit-y", DONE, "the second", timing, forever));
                // a few of the waiter's looks at the held lease (its heartbeat is 100 ms)
                Thread.sleep(500);
                Path f = first.local().resolve(DONE);
                Files.createDirectories(f.getParent());
                Files.writeString(f, "the first");
                first.push(DONE, held::check);
            }
            assertEquals(Optional.empty(), waiter.get(30, TimeUnit.SECONDS), "the waiter reads the pushed unit back");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A read of the lease that fails (an HDFS NameNode failover, an object store's throttling)
     * says nothing about who holds it: the holder keeps its unit, rather than stopping a run of
     * hours and leaving its lease for a retry to wait out.
     */
    @Test
    void aHolderWhoseLeaseCannotBeReadForAWhileKeepsItsUnit() throws Exception {
        Configuration conf = new Configuration();
        conf.set("fs.flakyread.impl", FlakyReadFileSystem.class.getName());
        conf.setBoolean("fs.flakyread.impl.disable.cache", true);
        String out = "flakyread://" + dir.resolve("out").toAbsolutePath().toUri().getPath();
        GridFolder folder = GridFolder.open(out, conf, true, dir.resolve("holder"));
        try (UnitLease held = UnitLease.claim(folder, "unit-f", DONE, "the holder", FAST, Duration.ofMinutes(1))
                .orElseThrow()) {
            String lease = Files.readString(dir.resolve("out/locks/unit-f.lease"));
            // the next three reads of the lease fail: the heartbeat's, then the one before a push
            FlakyReadFileSystem.FAILURES.set(3);
            // bounded: a heartbeat that never reads again must fail here, not hang the test JVM
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (FlakyReadFileSystem.FAILURES.get() > 1 && held.lost().isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the heartbeat read the lease "
                        + (3 - FlakyReadFileSystem.FAILURES.get()) + " of 2 times in 60 s");
                Thread.sleep(20);
            }
            held.check();
            assertEquals(0, FlakyReadFileSystem.FAILURES.get(), "every injected failure was met");
            Thread.sleep(300);
            assertEquals(Optional.empty(), held.lost(), "the heartbeat keeps the unit through failed reads");
            held.check();
            assertEquals(lease, Files.readString(dir.resolve("out/locks/unit-f.lease")), "the holder's lease stays");
        } finally {
            FlakyReadFileSystem.FAILURES.set(0);
        }
        assertFalse(Files.exists(dir.resolve("out/locks/unit-f.lease")), "the holder released its lease");
    }

    /**
     * Hadoop's raw local file system under a scheme of its own whose next {@link #FAILURES} opens
     * of a lease fail, as a read from a remote store fails now and then.
     */
    public static final class FlakyReadFileSystem extends OwnSchemeFileSystem {
        /** How many opens of a lease are still to fail. */
        static final java.util.concurrent.atomic.AtomicInteger FAILURES = new java.util.concurrent.atomic.AtomicInteger();

        /** Hadoop makes it by reflection. */
        public FlakyReadFileSystem() {
            super("flakyread");
        }

        @Override
        public org.apache.hadoop.fs.FSDataInputStream open(org.apache.hadoop.fs.Path f, int bufferSize)
                throws IOException {
            if (f.getName().endsWith(".lease") && FAILURES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException(f + ": read failed (injected, as a store's transient error)");
            }
            return super.open(f, bufferSize);
        }
    }

    /**
     * One holder process, holding two units: while it lives, a waiter on the first times out naming
     * it; once it is killed, the second's lease stays behind and is taken over after the expiry.
     */
    @Test
    void aLiveHolderIsWaitedForUntilTheClaimTimeoutAndOnceKilledTakenOverAfterTheExpiry() throws Exception {
        Process holder = held(liveHolder);
        Path folder = shared.resolve("live");
        try {
            GridFolder out = executor(folder.resolve("out"), folder.resolve("waiter"));
            // the claim timeout is two expiries: a live holder keeps its lease beyond them
            UnitBusyException e = assertThrows(UnitBusyException.class,
                    () -> UnitLease.claim(out, "unit-l", DONE, "the waiter", FAST, Duration.ofSeconds(2)));
            assertTrue(e.getMessage().startsWith("unit unit-l: still held by the holder process " + holder.pid() + ", since "),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("raise --claim-timeout"), e.getMessage());

            holder.destroyForcibly();
            holder.waitFor();
            // its lease stays behind, unchanged from now on
            assertTrue(Files.exists(folder.resolve("out/locks/unit-k.lease")), "the killed holder's lease");
            try (UnitLease l = takeOver(executor(folder.resolve("out"), folder.resolve("taker")), "unit-k")) {
                l.check();
                assertTrue(Files.readString(folder.resolve("out/locks/unit-k.lease")).contains("the taker"));
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aPausedHolderWhoseUnitWasTakenOverPushesNothing() throws Exception {
        Process holder = held(pausedHolder);
        Path folder = shared.resolve("paused");
        try {
            // paused, as by a long stall: its heartbeat stops with it
            signal(holder, "STOP");
            GridFolder out = executor(folder.resolve("out"), folder.resolve("taker"));
            UnitLease taken = takeOver(out, "unit-p");
            Path f = out.local().resolve(DONE);
            Files.createDirectories(f.getParent());
            Files.writeString(f, "the taker's scores");
            out.push(DONE, taken::check);
            // the paused holder resumes and pushes its own scores, as it would after training
            signal(holder, "CONT");
            try (Writer w = holder.outputWriter(StandardCharsets.UTF_8)) {
                w.write("push the stale holder's scores\n");
            }
            String said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertTrue(said != null && said.startsWith("refused: unit unit-p: this attempt lost its claim (its lease is now"
                    + " held by the taker, since "), said);
            assertEquals(0, holder.waitFor(), "the stale holder ends");
            assertEquals("the taker's scores", Files.readString(folder.resolve("out").resolve(DONE)));
            taken.close();
        } finally {
            holder.destroyForcibly();
        }
    }

    /** Claims a unit whose holder stopped beating: the claim waits out the expiry, then holds it. */
    private static UnitLease takeOver(GridFolder out, String unit) throws IOException {
        Optional<UnitLease> taken = UnitLease.claim(out, unit, DONE, "the taker", FAST, Duration.ofMinutes(1));
        assertTrue(taken.isPresent(), "the unit was taken over");
        return taken.get();
    }

    /**
     * Starts another executor's attempt of a unit as a process of its own ({@link LeaseHolder}),
     * once it holds the unit's lease.
     *
     * @param out the mirrored folder
     * @param mirror that executor's copy
     * @param unit the unit
     * @param done the unit's done marker, relative to the folder
     * @param timing its lease's heartbeat and expiry
     * @param more further units it holds (and never pushes)
     */
    static Process holder(Path out, Path mirror, String unit, String done, UnitLease.Timing timing, String... more)
            throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ShortLivedJvm.OPTIONS);
        cmd.addAll(List.of("-cp", classpath, LeaseHolder.class.getName(), out.toUri().toString(), mirror.toString(), unit,
                done, Long.toString(timing.heartbeat().toMillis()), Long.toString(timing.expiry().toMillis())));
        cmd.addAll(List.of(more));
        Process p = ChildProcesses.builder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"held".equals(line)) {
            p.destroyForcibly();
            throw new AssertionError("the holder process did not claim the unit: " + line);
        }
        return p;
    }

    /** Sends a POSIX signal to a process this test started. */
    private static void signal(Process p, String signal) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor(), "kill -" + signal);
    }
}
