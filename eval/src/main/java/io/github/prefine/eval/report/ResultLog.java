package io.github.prefine.eval.report;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.eval.internal.JsonShapes;
import io.github.prefine.eval.internal.LinkRefusal;
import io.github.prefine.eval.internal.Utf8Bytes;
import io.github.prefine.eval.internal.WholeFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends run and cost records to a JSON-lines file and reads them back.
 *
 * <p>Each line is one JSON object with {@code "kind": "run"} (fields setting, target, group,
 * seed, value) or {@code "kind": "cost"} (setting, secondsPerEpoch, examplesPerEpoch). A grid that
 * is still running has fewer lines; reports built from it show only the finished cells. Blank
 * lines are ignored. Appends open and close the file each time, so one line per finished run
 * survives a crash; concurrent writers must be serialised by the caller. A writer killed part-way
 * through an append leaves the start of a line without its line break: reading skips that torn
 * last line (with a warning), and the next append cuts it off before writing its own, so every
 * record whose append returned is read back. An append refuses a symbolic link at the log's name
 * instead of writing through it to wherever it leads, and a log that other names share (hard links)
 * is first copied to a file of its own, so that the append changes this name only.
 *
 * <p>Stateless; reading is thread-safe, while appends to one log from several threads or processes
 * must be serialised by the caller (see above).
 */
public final class ResultLog {
    private static final Logger LOG = LoggerFactory.getLogger(ResultLog.class);
    private static final Gson GSON = new Gson();

    private ResultLog() {}

    /**
     * Appends one run record as a line.
     *
     * @param file the log file, created if absent
     * @param run the record
     * @throws java.nio.file.FileSystemException naming the file if a symbolic link is at its name
     * @throws IOException if writing fails
     */
    public static void append(Path file, RunRecord run) throws IOException {
        appendLine(file, line(run));
    }

    /**
     * Appends one cost record as a line.
     *
     * @param file the log file, created if absent
     * @param cost the record
     * @throws java.nio.file.FileSystemException naming the file if a symbolic link is at its name
     * @throws IOException if writing fails
     */
    public static void append(Path file, CostRecord cost) throws IOException {
        appendLine(file, line(cost));
    }

    /**
     * The line an append writes for a run record, line break included, for a writer that writes a
     * whole file of records itself (the grid's per-sweep records).
     *
     * @param run the record
     * @return one JSON object and {@code \n}
     */
    public static String line(RunRecord run) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", "run");
        o.addProperty("setting", run.setting());
        o.addProperty("target", run.target());
        o.addProperty("group", run.group());
        o.addProperty("seed", run.seed());
        o.addProperty("value", run.value());
        o.addProperty("precision", run.precision());
        o.addProperty("protocol", run.protocol());
        return GSON.toJson(o) + "\n";
    }

    /**
     * The line an append writes for a cost record, line break included.
     *
     * @param cost the record
     * @return one JSON object and {@code \n}
     */
    public static String line(CostRecord cost) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", "cost");
        o.addProperty("setting", cost.setting());
        o.addProperty("secondsPerEpoch", cost.secondsPerEpoch());
        o.addProperty("examplesPerEpoch", cost.examplesPerEpoch());
        return GSON.toJson(o) + "\n";
    }

    private static void appendLine(Path file, String line) throws IOException {
        Objects.requireNonNull(file, "file");
        ownCopy(file);
        endLastLine(file);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS)) {
            w.write(line);
        } catch (IOException e) {
            throw LinkRefusal.of(file, e);
        }
    }

    /**
     * Gives a log that shares its content with other names (hard links, {@code unix:nlink} over 1:
     * a {@code cp -al} of an output folder, or a link to a file elsewhere planted in a shared one)
     * a copy of its own, renamed over its name, before an append changes it: the other names keep
     * their content. Nothing happens on a file system without the attribute.
     */
    private static void ownCopy(Path file) throws IOException {
        Object links;
        try {
            links = Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return;
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            return;
        }
        if (!(links instanceof Integer n) || n <= 1) {
            return;
        }
        Path tmp = WholeFiles.tempName(file);
        try {
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
                    OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                in.transferTo(out);
            } catch (IOException e) {
                throw LinkRefusal.of(file, e);
            }
            WholeFiles.replace(tmp, file);
            LOG.info("{}: shared its content with {} (hard links); appending to a copy of its own,"
                    + " which they do not see", file, Counts.counted(n - 1, "other name"));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Makes the file end at a line break before an append: a last line without one is completed
     * when it is a whole record (written by hand, say), and otherwise cut off, as what a writer
     * killed part-way through its append left; the record would else be glued to the next one.
     */
    private static void endLastLine(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        FileChannel opened;
        try {
            opened = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw LinkRefusal.of(file, e);
        }
        try (FileChannel ch = opened) {
            long size = ch.size();
            long start = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            // a record is one short line: scan back from the end to the last line break
            while (start > 0) {
                one.clear();
                ch.read(one, start - 1);
                if (one.get(0) == '\n' || one.get(0) == '\r') {
                    break;
                }
                start--;
            }
            if (start == size) {
                return;
            }
            ByteBuffer tail = ByteBuffer.allocate((int) (size - start));
            while (tail.hasRemaining() && ch.read(tail, start + tail.position()) >= 0) {
                // read the whole tail
            }
            String line = new String(tail.array(), StandardCharsets.UTF_8);
            if (line.isBlank() || isRecord(file, line)) {
                ch.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
            } else {
                ch.truncate(start);
                LOG.warn("{}: cut off an incomplete last line left by an interrupted append: {}", file,
                        JsonShapes.abbreviate(line));
            }
        }
    }

    private static boolean isRecord(Path file, String line) {
        try {
            parse(file, 1, line.strip(), new ArrayList<>(), new ArrayList<>(), run -> { });
            return true;
        } catch (MalformedResultsException e) {
            return false;
        }
    }

    /**
     * Reads every record of a log. A last line without its line break that is not a whole record
     * is what an interrupted append left: it is skipped, with a warning naming it.
     *
     * @param file the log file
     * @return the records in file order
     * @throws MalformedResultsException if a line is not a valid record (file, line, expected, found)
     * @throws IOException if reading fails, or naming the file, line and byte where a line is not
     *     UTF-8 (a character cut off by the end of an incomplete last line is what an interrupted
     *     append left, and skipped with that line)
     */
    public static ResultSet load(Path file) throws IOException {
        return load(file, run -> { });
    }

    /**
     * Reads every record of a log as {@link #load(Path)} does, handing each run record to {@code
     * check} as it is read, so that a reader's own rule on the records is reported as the log's
     * other faults are, naming the file and the line.
     *
     * @param file the log file
     * @param check called on each run record; an {@link IllegalArgumentException} it throws says
     *     what the record should have held, and any other exception it throws is passed on as it is
     * @return the records in file order
     * @throws MalformedResultsException if a line is not a valid record, or {@code check} refuses
     *     its run (file, line, and the check's message)
     * @throws IOException if reading fails, as for {@link #load(Path)}
     */
    public static ResultSet load(Path file, Consumer<RunRecord> check) throws IOException {
        return read(file, Files.readAllBytes(file), check);
    }

    /**
     * Reads the records of a log's bytes as {@link #load(Path)} reads the file, for a caller that
     * keeps the bytes too (to copy them elsewhere): reading the file a second time could find a
     * record written in between, so that what was copied and what was counted differed.
     *
     * @param file the log file the bytes came from, named in messages
     * @param bytes its content
     * @return the records in file order
     * @throws MalformedResultsException if a line is not a valid record (file, line, expected, found)
     * @throws IOException naming the file, line and byte where a line is not UTF-8, as for {@link #load(Path)}
     */
    public static ResultSet read(Path file, byte[] bytes) throws IOException {
        return read(file, bytes, run -> { });
    }

    private static ResultSet read(Path file, byte[] bytes, Consumer<RunRecord> check) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(bytes, "bytes");
        int complete = bytes.length;
        while (complete > 0 && bytes[complete - 1] != '\n' && bytes[complete - 1] != '\r') {
            complete--;
        }
        // decoded strictly, as any damage is real but a character cut off by the end of an
        // incomplete last line, which an interrupted append leaves; the JDK's decoder refusal
        // ("Input length = 1") named neither the file nor the line, and a lenient decoding of the
        // last line kept a bad byte there as U+FFFD in a record that otherwise parsed
        String bad = Utf8Bytes.notUtf8(bytes);
        if (bad != null && !Utf8Bytes.cutAtEnd(bytes)) {
            throw new IOException(file + ": " + bad + "; expected run and cost records, one JSON object a line, in UTF-8");
        }
        String text = new String(bytes, 0, complete, StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        List<RunRecord> runs = new ArrayList<>();
        List<CostRecord> costs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty()) {
                parse(file, i + 1, line, runs, costs, check);
            }
        }
        if (complete < bytes.length) {
            // a last line without its line break: a whole record, or what an interrupted append left
            String last = new String(bytes, complete, bytes.length - complete, StandardCharsets.UTF_8);
            int no = lines.size() + 1;
            if (last.isBlank()) {
                // a blank line, ignored as any other
            } else if (isRecord(file, last)) {
                parse(file, no, last.strip(), runs, costs, check);
            } else {
                LOG.warn("{}:{}: skipped an incomplete last line, left by an interrupted append: {}", file, no,
                        JsonShapes.abbreviate(last));
            }
        }
        LOG.debug("loaded {} runs and {} costs from {}", runs.size(), costs.size(), file);
        return new ResultSet(runs, costs);
    }

    /**
     * Reads one non-blank line into {@code runs} or {@code costs}, a run once {@code check} takes
     * it. The check runs outside the catch of the JSON's faults, which reported its {@link
     * NumberFormatException} as "expected a JSON object": its refusal keeps its own message, and
     * its other failures are left as they are.
     */
    private static void parse(Path file, int no, String line, List<RunRecord> runs, List<CostRecord> costs,
            Consumer<RunRecord> check) throws MalformedResultsException {
        RunRecord run = record(file, no, line, costs);
        if (run == null) {
            return;
        }
        try {
            check.accept(run);
        } catch (IllegalArgumentException refused) {
            throw new MalformedResultsException(file, no, refused.getMessage(), refused);
        }
        runs.add(run);
    }

    /** Reads one non-blank line: its run record, or null where it is a cost record, added to {@code costs}. */
    private static RunRecord record(Path file, int no, String line, List<CostRecord> costs)
            throws MalformedResultsException {
        try {
            JsonElement e = JsonParser.parseString(line);
            if (!e.isJsonObject()) {
                throw new MalformedResultsException(file, no, "expected a JSON object, found " + JsonShapes.abbreviate(line), null);
            }
            JsonObject o = e.getAsJsonObject();
            String kind = string(file, no, o, "kind");
            if (kind.equals("run")) {
                return new RunRecord(string(file, no, o, "setting"), string(file, no, o, "target"),
                        string(file, no, o, "group"), whole(file, no, o, "seed"),
                        number(file, no, o, "value"),
                        o.has("precision") ? string(file, no, o, "precision") : RunRecord.DEFAULT_PRECISION,
                        o.has("protocol") ? string(file, no, o, "protocol") : RunRecord.UNRECORDED);
            } else if (kind.equals("cost")) {
                costs.add(new CostRecord(string(file, no, o, "setting"), number(file, no, o, "secondsPerEpoch"),
                        whole(file, no, o, "examplesPerEpoch")));
                return null;
            } else {
                throw new MalformedResultsException(file, no, "kind: expected \"run\" or \"cost\", found \"" + kind + "\"", null);
            }
        } catch (JsonParseException | IllegalStateException | NumberFormatException ex) {
            throw new MalformedResultsException(file, no, "expected a JSON object, found " + JsonShapes.abbreviate(line), ex);
        } catch (IllegalArgumentException ex) {
            throw new MalformedResultsException(file, no, ex.getMessage(), ex);
        }
    }

    private static String string(Path f, int no, JsonObject o, String key) throws MalformedResultsException {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new MalformedResultsException(f, no, key + ": expected a string, found " + (e == null ? "nothing" : e), null);
        }
        return e.getAsString();
    }

    /** A whole number: BigDecimal's longValue read seed 1.5 as 1 and wrapped 2^64 + 1 to 1. */
    private static long whole(Path f, int no, JsonObject o, String key) throws MalformedResultsException {
        return JsonShapes.wholeLong(o.get(key), key, (at, expected, found) -> new MalformedResultsException(f, no,
                at + ": expected " + expected + ", found " + found, null));
    }

    /**
     * A finite number: a record holds no NaN or Infinity, whose literals lenient Gson gives as
     * strings, and a number past a double's range ({@code 1e400}) is refused here, naming the
     * member, not later by the record's constructor or as an infinite cost.
     */
    private static double number(Path f, int no, JsonObject o, String key) throws MalformedResultsException {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()
                || !Double.isFinite(e.getAsBigDecimal().doubleValue())) {
            throw new MalformedResultsException(f, no, key + ": expected a finite number, found " + (e == null ? "nothing" : e),
                    null);
        }
        return e.getAsBigDecimal().doubleValue();
    }
}
