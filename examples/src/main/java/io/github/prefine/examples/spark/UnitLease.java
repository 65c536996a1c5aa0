package io.github.prefine.examples.spark;

import io.github.prefine.core.grid.UnitBusyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt's claim on a grid unit in a mirrored output folder, seen by every executor: the lease
 * file {@code locks/<unit>.lease}, made only where absent ({@code FileSystem.create(path, false)}),
 * names its holder, and the holder rewrites a heartbeat file beside it ({@code
 * locks/<unit>.beat-<token>}) every heartbeat. An attempt that finds the lease taken waits for the
 * unit's done marker (then reads the unit back), or for the lease to expire: unchanged, lease and
 * heartbeat, for the whole expiry by the waiter's own clock, so that no two hosts' clocks are
 * compared; it then deletes the lease and claims the unit. The wait ends after the claim timeout
 * with a {@link UnitBusyException} naming the holder.
 *
 * <p>A holder checks, before each file it pushes ({@link #check}), that the lease still holds its
 * token and that its last heartbeat is under half the expiry old (a read of the lease that fails
 * leaves the age alone to decide); an attempt that has lost its lease (paused longer than the
 * expiry, then taken over) pushes nothing more. Whoever creates the
 * lease must {@link #close} it: that stops the heartbeat and deletes the lease if it is still its
 * own. The exclusion is as strong as the file system's create-if-absent: atomic on HDFS and ABFS,
 * on S3A only with conditional writes (docs/spark.md, "Folders").
 */
final class UnitLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UnitLease.class);

    /**
     * How often a holder beats, and how long an unchanged lease lives.
     *
     * @param heartbeat how often the holder rewrites its heartbeat file, and how often a waiter looks
     * @param expiry how long a waiter sees lease and heartbeat unchanged before it takes the unit
     *     over; at least four heartbeats
     */
    record Timing(Duration heartbeat, Duration expiry) implements Serializable {
        /** 30 s heartbeats, 10 min expiry: a holder must miss 20 heartbeats in a row to lose its unit. */
        static final Timing DEFAULT = new Timing(Duration.ofSeconds(30), Duration.ofMinutes(10));

        /**
         * @throws IllegalArgumentException if the expiry is under four heartbeats
         */
        Timing {
            if (heartbeat.isNegative() || heartbeat.isZero() || expiry.compareTo(heartbeat.multipliedBy(4)) < 0) {
                throw new IllegalArgumentException(SparkGrid.LEASE_EXPIRY + ": expected at least four heartbeats ("
                        + SparkGrid.LEASE_HEARTBEAT + " " + human(heartbeat) + "), found " + human(expiry));
            }
        }
    }

    private final FileSystem fs;
    private final Path lease;
    private final Path beat;
    private final String token;
    private final String unit;
    private final Timing timing;
    private final ScheduledExecutorService heart;
    private volatile long lastBeat;
    private volatile String lost;
    private long beats;

    private UnitLease(FileSystem fs, Path lease, String token, String unit, Timing timing) {
        this.fs = fs;
        this.lease = lease;
        this.beat = beatOf(lease, token);
        this.token = token;
        this.unit = unit;
        this.timing = timing;
        this.heart = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "prefine-lease-" + unit);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Claims a unit for this attempt, waiting for another live holder.
     *
     * @param out the mirrored output folder
     * @param unit the unit's id
     * @param doneMarker the file whose presence marks the unit done, relative to the folder
     * @param owner who this attempt is (process, host, Spark attempt), for the holder's waiters
     * @param timing heartbeat and expiry
     * @param claimTimeout how long to wait at most
     * @return the lease, held and beating; empty when the unit is done (read it back)
     * @throws UnitBusyException if another holder still beats after the claim timeout
     * @throws IOException if the file system fails or the wait is interrupted
     */
    static Optional<UnitLease> claim(GridFolder out, String unit, String doneMarker, String owner, Timing timing,
            Duration claimTimeout) throws IOException {
        FileSystem fs = out.fileSystem();
        if (fs instanceof LocalFileSystem local) {
            // without checksum files, which a heartbeat rewritten as it is read would make fail
            fs = local.getRawFileSystem();
        }
        Path lease = out.child("locks/" + unit + ".lease");
        Path done = out.child(doneMarker);
        long start = System.nanoTime();
        String seen = null;
        long seenSince = start;
        boolean told = false;
        while (true) {
            if (fs.exists(done)) {
                return Optional.empty();
            }
            Optional<UnitLease> mine = tryCreate(fs, lease, unit, owner, timing);
            if (mine.isPresent()) {
                if (fs.exists(done)) {
                    // the last holder finished between the two looks
                    mine.get().close();
                    return Optional.empty();
                }
                return mine;
            }
            long now = System.nanoTime();
            String state = observe(fs, lease);
            if (state != null && !state.equals(seen)) {
                seen = state;
                seenSince = now;
            } else if (state != null && now - seenSince >= nanos(timing.expiry())) {
                LOG.warn("unit {}: the lease of {} has not changed for {}; taking the unit over", unit, holder(state),
                        human(timing.expiry()));
                takeOver(fs, lease, state);
                seen = null;
                continue;
            }
            if (now - start >= nanos(claimTimeout)) {
                throw new UnitBusyException(unit, state == null ? null : holder(state), claimTimeout, "--claim-timeout");
            }
            if (!told && state != null) {
                told = true;
                LOG.info("unit {} is being run by {} ({}); waiting for it, at most {}", unit, holder(state), lease,
                        human(claimTimeout));
            }
            try {
                Thread.sleep(timing.heartbeat().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("unit " + unit + ": interrupted while waiting for " + lease, e);
            }
        }
    }

    /** Creates the lease where absent; empty when another attempt has it. */
    private static Optional<UnitLease> tryCreate(FileSystem fs, Path lease, String unit, String owner, Timing timing)
            throws IOException {
        String token = UUID.randomUUID().toString();
        byte[] text = (token + "\n" + owner + ", since " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (fs instanceof RawLocalFileSystem local && "file".equals(local.getUri().getScheme())) {
                // Hadoop's local file system looks, then creates; the operating system's exclusive create is atomic
                java.nio.file.Path f = local.pathToFile(lease).toPath();
                Files.createDirectories(f.getParent());
                Files.write(f, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } else {
                try (OutputStream o = fs.create(lease, false)) {
                    o.write(text);
                }
            }
        } catch (FileAlreadyExistsException | java.nio.file.FileAlreadyExistsException e) {
            return Optional.empty();
        } catch (IOException e) {
            // an object store with conditional writes refuses when the stream closes
            if (!fs.exists(lease)) {
                throw e;
            }
        }
        // read back: on a store whose create only looks first, the last writer wins and the others back off
        String state = observe(fs, lease);
        if (state == null || !token.equals(tokenOf(state))) {
            return Optional.empty();
        }
        UnitLease l = new UnitLease(fs, lease, token, unit, timing);
        l.start();
        return Optional.of(l);
    }

    private void start() throws IOException {
        beat();
        long period = timing.heartbeat().toMillis();
        heart.scheduleWithFixedDelay(this::beatOrNoteLoss, period, period, TimeUnit.MILLISECONDS);
    }

    private void beatOrNoteLoss() {
        try {
            String text = leaseText(fs, lease);
            if (text == null || !token.equals(tokenOf(text))) {
                lost = lostTo(text);
                LOG.warn("unit {}: this attempt lost its claim ({}); it pushes nothing more", unit, lost);
                heart.shutdown();
                return;
            }
            beat();
        } catch (IOException | RuntimeException e) {
            // the next beat tries again; a holder that misses beats stops pushing (see check)
            LOG.warn("unit {}: heartbeat on {} failed: {}", unit, beat, e.toString());
        }
    }

    private void beat() throws IOException {
        try (OutputStream o = fs.create(beat, true)) {
            o.write(Long.toString(++beats).getBytes(StandardCharsets.UTF_8));
        }
        lastBeat = System.nanoTime();
    }

    /**
     * Lets the holder write into the unit's files, or refuses: when another attempt holds the lease
     * now, or when this one's last heartbeat is half an expiry old or more (a waiter may be about
     * to take the unit over).
     *
     * @throws LostLeaseException when this attempt may no longer write
     * @throws IOException if the lease cannot be read
     */
    void check() throws IOException {
        if (lost == null) {
            String text;
            boolean read = true;
            try {
                text = leaseText(fs, lease);
            } catch (IOException e) {
                // a failed read says nothing about the holder: the age of its last beat decides alone
                LOG.warn("unit {}: could not read {} ({}); judging this attempt's claim by its last heartbeat", unit,
                        lease, e.toString());
                text = null;
                read = false;
            }
            if (read && (text == null || !token.equals(tokenOf(text)))) {
                lost = lostTo(text);
            } else if (System.nanoTime() - lastBeat >= nanos(timing.expiry()) / 2) {
                lost = "its last heartbeat is " + human(Duration.ofNanos(System.nanoTime() - lastBeat))
                        + " old, and an unchanged lease expires after " + human(timing.expiry());
            }
        }
        if (lost != null) {
            throw new LostLeaseException("unit " + unit + ": this attempt lost its claim (" + lost
                    + "); it pushes nothing, and another attempt runs the unit");
        }
    }

    /**
     * Tells whether this attempt has found that it lost the lease (the heartbeat looks every beat).
     *
     * @return why it lost, or empty while it holds
     */
    Optional<String> lost() {
        return Optional.ofNullable(lost);
    }

    /** Stops the heartbeat and deletes the lease if it is still this attempt's. */
    @Override
    public void close() {
        // no interrupt: Hadoop's calls do not all survive one, and a beat is short
        heart.shutdown();
        try {
            heart.awaitTermination(1, TimeUnit.MINUTES);
            fs.delete(beat, false);
            String text = leaseText(fs, lease);
            if (text != null && token.equals(tokenOf(text))) {
                fs.delete(lease, false);
            }
        } catch (IOException e) {
            // a lease left behind expires: a later attempt waits one expiry, then takes the unit
            LOG.warn("unit {}: could not release {}: {}", unit, lease, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The lease's text as its holder reads it, or null when it is gone; unlike {@link #observe},
     * a read that fails throws, so that a transient error of the store does not count as a loss.
     */
    private static String leaseText(FileSystem fs, Path lease) throws IOException {
        try {
            return read(fs, lease);
        } catch (java.io.FileNotFoundException e) {
            return null;
        }
    }

    /** Why a holder lost its claim, from the lease's text now (null: deleted). */
    private static String lostTo(String text) {
        return text == null ? "its lease was deleted" : "its lease is now held by " + holder(text);
    }

    /** Deletes an expired lease and its heartbeat, unless it changed since it was judged expired. */
    private static void takeOver(FileSystem fs, Path lease, String expired) throws IOException {
        if (!expired.equals(observe(fs, lease))) {
            return;
        }
        String token = tokenOf(expired);
        if (!token.isEmpty()) {
            fs.delete(beatOf(lease, token), false);
        }
        fs.delete(lease, false);
    }

    /**
     * The lease's text and its holder's heartbeat count, which change while the holder lives, or
     * null without a lease; a file being rewritten as it is read counts as a change.
     */
    private static String observe(FileSystem fs, Path lease) throws IOException {
        String text;
        try {
            text = read(fs, lease);
        } catch (java.io.FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            return "unreadable " + UUID.randomUUID();
        }
        String token = tokenOf(text);
        String count;
        try {
            count = token.isEmpty() ? "" : read(fs, beatOf(lease, token));
        } catch (java.io.FileNotFoundException e) {
            count = "no heartbeat";
        } catch (IOException e) {
            count = "unreadable " + UUID.randomUUID();
        }
        return text + "\u0000" + count;
    }

    private static String read(FileSystem fs, Path p) throws IOException {
        try (InputStream in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String tokenOf(String state) {
        int nl = state.indexOf('\n');
        return nl < 0 ? "" : state.substring(0, nl);
    }

    /** Who holds a lease, as it noted itself. */
    private static String holder(String state) {
        String[] lines = state.split("\n", 3);
        return lines.length < 2 || lines[1].isBlank() ? "another attempt (its lease is still being written)" : lines[1];
    }

    private static Path beatOf(Path lease, String token) {
        String name = lease.getName();
        return new Path(lease.getParent(), name.substring(0, name.length() - ".lease".length()) + ".beat-" + token);
    }

    /**
     * A duration in nanoseconds, {@link Long#MAX_VALUE} (no limit) past what a long counts: the
     * options take up to 999999999 days, where {@code toNanos} overflows past about 106,751.
     */
    private static long nanos(Duration d) {
        return TimeUnit.NANOSECONDS.convert(d);
    }

    private static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    /** Thrown before a push by an attempt whose unit another attempt has taken over. */
    static final class LostLeaseException extends IOException {
        private static final long serialVersionUID = 1L;

        LostLeaseException(String message) {
            super(message);
        }
    }
}
