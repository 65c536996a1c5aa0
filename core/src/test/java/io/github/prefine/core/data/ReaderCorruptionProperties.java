package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.data.internal.JsonLines;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of every dataset reader under corrupted input. A small valid file of each format,
 * written here or sliced from the real file under {@code ../shared/data} (the generated one only,
 * with a printed reason, where the data is absent), gets one to three random damages: a cut at any
 * byte (also inside a UTF-8 sequence), a byte flipped, inserted or deleted, a line duplicated or
 * deleted, a blank line, a BOM, CRLF line ends, a very long line, a tab or a comma put anywhere,
 * JSON broken by a stray bracket, quote or comma, a JSON value replaced by one of the wrong type,
 * or a JSON name repeated; each stored as text, gzipped, or gzipped and then damaged (WiC's gold
 * file is damaged on its own too). A strict read either succeeds or throws a {@link
 * MalformedDatasetException} whose message starts with the file, names a line of it or a JSON
 * path (unless the whole file is at fault), quotes no library exception and does not find what it
 * expected ("expected answer 'Ann' ..., found 'Ann'"); a lenient read either succeeds, every dropped unit
 * counted in its report, or throws that exception for a defect of the whole document (an empty
 * file, a damaged gzip stream); a strict read that succeeds reads as the lenient one does. Nothing
 * else escapes, and no read hangs.
 */
class ReaderCorruptionProperties {
    /** A read still running after this long is taken as a hang; far above any read here. */
    private static final long HANG_SECONDS = 60;
    private static final Path DATA = SharedFixtures.root().resolve("data");
    /** The data files found absent, each reported once. */
    private static final Set<Path> ABSENT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static Path dir;
    private static ExecutorService reads;

    @BeforeContainer
    static void open() throws IOException {
        dir = Files.createTempDirectory("reader-corruption");
        reads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "corrupted-read");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterContainer
    static void close() throws IOException {
        reads.shutdownNow();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // --- damage ------------------------------------------------------------------------

    enum Kind {
        TRUNCATE, TRUNCATE_IN_UTF8, FLIP_BYTE, INSERT_BYTE, DELETE_BYTE, DUPLICATE_LINE, DELETE_LINE, BLANK_LINE,
        BOM, CRLF, LONG_LINE, TAB, COMMA, BREAK_JSON, WRONG_JSON_TYPE, REPEAT_JSON_NAME
    }

    /** How the damaged sample is stored: as text, gzipped, or gzipped and then damaged. */
    enum Packing {
        PLAIN, GZIP, DAMAGED_GZIP
    }

    /** One damage: {@code at} picks the place (taken modulo what there is), {@code value} the variant. */
    record Damage(Kind kind, int at, int value) {}

    @Provide
    Arbitrary<List<Damage>> damage() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 1 << 20),
                Arbitraries.integers().between(0, 255)).as(Damage::new).list().ofMinSize(1).ofMaxSize(3);
    }

    /**
     * The characters of a long line: over twice the largest buffer a reader fills (64 Ki, {@code
     * LineReader}'s, {@code DocumentReader}'s, the gzip stream's), so a line spans several refills;
     * it was 300,000, which showed nothing more and made such tries the slowest.
     */
    static final int LONG_LINE = 140_000;

    private static final String[] JSON_BREAKS = {"{", "}", "[", "]", ",", "\"", ":", "\\", "nul", "1e", "-"};
    private static final String[] WRONG_TYPES = {"\"7\"", "null", "[]", "[1,\"a\"]", "{}", "{\"a\":[]}", "7", "-1",
            "1.5", "true", "1e999", "99999999999999999999", "\"\""};
    // a JSON value after a name or in an array: a string, number, literal, or an empty container
    // (the string unrolled, since an alternation per character overflows the stack on a long one)
    private static final Pattern JSON_VALUE =
            Pattern.compile("(?<=[:\\[,]\\s?)(\"[^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+\"|-?\\d+(?:\\.\\d+)?|true|false|null|\\[\\]|\\{\\})");

    // a name and a scalar value
    private static final Pattern MEMBER =
            Pattern.compile("\"[A-Za-z_]+\"\\s?:\\s?(\"[^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+\"|-?\\d+|true|false|null)");

    static byte[] apply(byte[] valid, List<Damage> damage) {
        byte[] b = valid;
        for (Damage d : damage) {
            b = apply(b, d);
        }
        return b;
    }

    private static byte[] apply(byte[] b, Damage d) {
        int n = b.length;
        switch (d.kind()) {
            case TRUNCATE:
                return Arrays.copyOf(b, d.at() % (n + 1));
            case TRUNCATE_IN_UTF8: { // after the lead byte of a multi-byte sequence
                List<Integer> leads = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if ((b[i] & 0xC0) == 0xC0) {
                        leads.add(i);
                    }
                }
                return leads.isEmpty() ? b : Arrays.copyOf(b, leads.get(d.at() % leads.size()) + 1);
            }
            case FLIP_BYTE: {
                if (n == 0) {
                    return b;
                }
                byte[] c = b.clone();
                c[d.at() % n] ^= (byte) Math.max(1, d.value());
                return c;
            }
            case INSERT_BYTE:
                return splice(b, d.at() % (n + 1), 0, new byte[] {(byte) d.value()});
            case DELETE_BYTE:
                return n == 0 ? b : splice(b, d.at() % n, 1, new byte[0]);
            case TAB:
                return splice(b, d.at() % (n + 1), 0, new byte[] {'\t'});
            case COMMA:
                return splice(b, d.at() % (n + 1), 0, new byte[] {','});
            case BOM: { // at the start, or at the start of a line
                List<Integer> starts = lineStarts(b);
                int at = d.value() % 2 == 0 ? 0 : starts.get(d.at() % starts.size());
                return splice(b, at, 0, "\uFEFF".getBytes(StandardCharsets.UTF_8));
            }
            case CRLF: {
                String s = new String(b, StandardCharsets.ISO_8859_1);
                return s.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            }
            case DUPLICATE_LINE:
            case DELETE_LINE:
            case BLANK_LINE:
            case LONG_LINE: {
                List<Integer> starts = lineStarts(b);
                int k = d.at() % starts.size();
                int from = starts.get(k);
                int to = k + 1 < starts.size() ? starts.get(k + 1) : n;
                if (d.kind() == Kind.DUPLICATE_LINE) {
                    byte[] line = Arrays.copyOfRange(b, from, to);
                    return splice(b, to, 0, to == n && n > 0 && b[n - 1] != '\n' ? concat(new byte[] {'\n'}, line) : line);
                }
                if (d.kind() == Kind.DELETE_LINE) {
                    return splice(b, from, to - from, new byte[0]);
                }
                if (d.kind() == Kind.BLANK_LINE) {
                    return splice(b, from, 0, new byte[] {'\n'});
                }
                // one word, spaces, or an open JSON array, longer than two of the readers' largest
                // buffers (64 Ki bytes or chars) and Gson's nesting limit: each piece spans refills
                String unit = new String[] {"a", " ", "["}[d.value() % 3];
                return splice(b, from, 0, (unit.repeat(LONG_LINE) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            case BREAK_JSON:
                return splice(b, d.at() % (n + 1), 0, JSON_BREAKS[d.value() % JSON_BREAKS.length]
                        .getBytes(StandardCharsets.UTF_8));
            case REPEAT_JSON_NAME: { // a member repeated right after itself, its value changed
                String s = new String(b, StandardCharsets.UTF_8);
                List<int[]> members = new ArrayList<>();
                Matcher m = MEMBER.matcher(s);
                while (m.find()) {
                    members.add(new int[] {m.start(), m.end()});
                }
                if (members.isEmpty()) {
                    return b;
                }
                int[] mb = members.get(d.at() % members.size());
                String member = s.substring(mb[0], mb[1]);
                String name = member.substring(0, member.indexOf(':') + 1);
                String again = "," + name + WRONG_TYPES[d.value() % WRONG_TYPES.length];
                return (s.substring(0, mb[1]) + again + s.substring(mb[1])).getBytes(StandardCharsets.UTF_8);
            }
            case WRONG_JSON_TYPE: {
                String s = new String(b, StandardCharsets.UTF_8);
                List<int[]> spans = new ArrayList<>();
                Matcher m = JSON_VALUE.matcher(s);
                while (m.find()) {
                    spans.add(new int[] {m.start(), m.end()});
                }
                // also a whole object or array, swapped for the other kind or a scalar; only the
                // chosen bracket is matched, since a long line of brackets makes matching them all slow
                List<Integer> opens = new ArrayList<>();
                for (int i = 0; i < s.length(); i++) {
                    if (s.charAt(i) == '{' || s.charAt(i) == '[') {
                        opens.add(i);
                    }
                }
                if (spans.isEmpty() && opens.isEmpty()) {
                    return b;
                }
                int pick = d.at() % (spans.size() + opens.size());
                int[] sp = pick < spans.size() ? spans.get(pick) : new int[] {opens.get(pick - spans.size()), -1};
                if (sp[1] < 0) {
                    sp[1] = close(s, sp[0]);
                    if (sp[1] < 0) {
                        return b;
                    }
                }
                String old = s.substring(sp[0], sp[1]);
                String swapped = old.startsWith("{") ? "[" + old + "]" : old.startsWith("[") && old.length() > 2
                        ? "{" + old.substring(1, old.length() - 1) + "}" : WRONG_TYPES[d.value() % WRONG_TYPES.length];
                String repl = d.value() % 3 == 0 ? swapped : WRONG_TYPES[d.value() % WRONG_TYPES.length];
                return (s.substring(0, sp[0]) + repl + s.substring(sp[1])).getBytes(StandardCharsets.UTF_8);
            }
            default:
                throw new AssertionError(d);
        }
    }

    /** The index after the bracket that closes the one at {@code open}, ignoring strings; -1 if none. */
    private static int close(String s, int open) {
        int depth = 0;
        boolean string = false;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (string) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    string = false;
                }
            } else if (c == '"') {
                string = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    private static List<Integer> lineStarts(byte[] b) {
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (int i = 0; i < b.length - 1; i++) {
            if (b[i] == '\n') {
                starts.add(i + 1);
            }
        }
        return starts;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] c = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(insert, 0, c, at, insert.length);
        System.arraycopy(b, at + remove, c, at + insert.length, b.length - at - remove);
        return c;
    }

    private static byte[] pack(byte[] valid, List<Damage> damage, Packing packing) throws IOException {
        return switch (packing) {
            case PLAIN -> apply(valid, damage);
            case GZIP -> gzip(apply(valid, damage));
            case DAMAGED_GZIP -> apply(gzip(valid), damage);
        };
    }

    private static byte[] gzip(byte[] b) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return splice(a, a.length, 0, b);
    }

    // --- accounting --------------------------------------------------------------------

    /** The skip reasons whose counts, with the examples, add up to the records; null: every reason. */
    private static final Set<String> EVERY_REASON = null;

    private static void checkAccounts(ReadResult<?> r, Set<String> unitReasons, String what) {
        ReadReport rep = r.report();
        assertEquals(r.examples().size(), rep.examples(), what + ": report's examples differ from the list");
        assertTrue(rep.skipped().values().stream().allMatch(v -> v > 0), what + ": a zero or negative skip count");
        int records = Math.max(rep.records(), rep.skipped(Defects.EMPTY_FILE));
        if (unitReasons == EVERY_REASON) {
            assertEquals(records, rep.examples() + rep.totalSkipped(),
                    what + ": examples + skips != records: " + rep);
        } else if (!unitReasons.isEmpty()) {
            int s = rep.skipped(Defects.EMPTY_FILE);
            for (String reason : unitReasons) {
                s += rep.skipped(reason);
            }
            assertEquals(records, rep.examples() + s, what + ": examples + skips of " + unitReasons
                    + " != records: " + rep);
        } else {
            assertTrue(rep.examples() <= rep.records(), what + ": more examples than records: " + rep);
        }
        for (String reason : rep.skipped().keySet()) {
            assertTrue(!rep.samples(reason).isEmpty() || reason.equals(Defects.EMPTY_FILE),
                    what + ": skip '" + reason + "' has no located sample: " + rep);
        }
    }

    // --- the check -----------------------------------------------------------------------

    private static final Pattern LOCATION = Pattern.compile("\\d+( .*)?|\\$.*");

    private static void check(String relative, byte[] valid, List<Damage> damage, Packing packing,
            DatasetReader<?> reader, Set<String> unitReasons, boolean documentDefectsThrowWhenLenient) throws Exception {
        Path file = dir.resolve(packing == Packing.PLAIN ? relative : relative + ".gz");
        Files.createDirectories(file.getParent());
        Files.write(file, pack(valid, damage, packing));
        String what = file.getFileName() + " " + damage;
        String folder = file.getParent().getFileName() + "/";
        // both reads at once, each on its own thread: the readers are thread-safe
        Future<ReadResult<?>> strictRead = reads.submit(() -> reader.read(file, Leniency.STRICT));
        Future<ReadResult<?>> lenientRead = reads.submit(() -> reader.read(file, Leniency.LENIENT));
        ReadResult<?> strict = null;
        try {
            strict = read(strictRead, Leniency.STRICT);
        } catch (MalformedDatasetException e) {
            checkMessage(e, folder, what + " (strict)");
            checkLine(e, file, packing, what + " (strict)");
        }
        ReadResult<?> lenient = null;
        try {
            lenient = read(lenientRead, Leniency.LENIENT);
        } catch (MalformedDatasetException e) {
            checkMessage(e, folder, what + " (lenient)");
            checkLine(e, file, packing, what + " (lenient)");
            if (!documentDefectsThrowWhenLenient && !e.found().contains("empty") && !damagedStream(e)) {
                fail(what + ": lenient read threw for a defect it could skip: " + e.getMessage());
            }
        }
        if (lenient != null) {
            checkAccounts(lenient, unitReasons, what);
        }
        if (strict != null) {
            checkAccounts(strict, unitReasons, what + " (strict)");
            assertTrue(lenient != null, what + ": a strict read succeeded, the lenient one threw");
            assertEquals(strict.examples(), lenient.examples(), what + ": strict and lenient reads differ");
        }
    }

    /** A line named in a plain file's own message is one of its lines (or the end just after the last). */
    private static void checkLine(MalformedDatasetException e, Path file, Packing packing, String what)
            throws IOException {
        Matcher m = Pattern.compile("^(\\d+)").matcher(e.location());
        if (packing != Packing.PLAIN || !m.find()) {
            return;
        }
        Path named = file.resolveSibling(Path.of(e.file()).getFileName());
        byte[] b = Files.readAllBytes(named);
        // a line ends at LF, CRLF or a lone CR (the CSV reader reads a lone CR as Python's csv does)
        long lines = 1;
        for (int i = 0; i < b.length; i++) {
            lines += b[i] == '\n' || (b[i] == '\r' && (i + 1 == b.length || b[i + 1] != '\n')) ? 1 : 0;
        }
        long line = Long.parseLong(m.group(1));
        assertTrue(line >= 1 && line <= lines, what + ": line " + line + " of a file of " + lines + " lines: "
                + e.getMessage());
    }

    private static void checkMessage(MalformedDatasetException e, String folder, String what) {
        String m = e.getMessage();
        assertTrue(m.startsWith(folder), what + ": message does not name the file: " + m);
        assertTrue(!m.contains("com.google") && !m.contains("Exception"), what + ": message quotes a library: " + m);
        // "expected answer 'Ann' at offset 0, found 'Ann'" says nothing of what is wrong
        assertTrue(e.found().length() < 3 || !e.expected().contains(e.found()),
                what + ": message finds what it expected: " + m);
        assertTrue(LOCATION.matcher(e.location()).matches() || e.location().isEmpty() && wholeFile(e),
                what + ": message names no line or JSON path: " + m);
    }

    /** A damaged gzip stream: its text is wrong from the damage on, so no read can skip it. */
    private static boolean damagedStream(MalformedDatasetException e) {
        return e.expected().equals("a complete gzip stream");
    }

    /**
     * A defect of the whole file, which has no line to name: no records at all, unpaired WiC
     * labels, or a gzip stream damaged before its first line.
     */
    private static boolean wholeFile(MalformedDatasetException e) {
        return damagedStream(e) || e.found().contains("empty") || e.found().equals("none") || e.found().equals("only the header row")
                || e.expected().contains("labels, one per line");
    }

    /** Waits for a read on another thread, so that a hang fails the property instead of stalling the build. */
    private static ReadResult<?> read(Future<ReadResult<?>> f, Leniency leniency) throws Exception {
        try {
            return f.get(HANG_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("read did not finish (" + leniency + ")", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MalformedDatasetException m) {
                throw m;
            }
            throw new AssertionError(leniency + " read threw " + e.getCause(), e.getCause());
        }
    }

    // --- samples -------------------------------------------------------------------------

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The valid sample: the real slice when {@code real} and the data is there, else the generated one.
     */
    private static byte[] sample(boolean real, String generated, String dataFile, Slicer slicer) throws IOException {
        Path p = DATA.resolve(dataFile);
        if (!real) {
            return utf8(generated);
        }
        if (!Files.isRegularFile(p)) {
            if (ABSENT.add(p)) {
                System.out.println("ReaderCorruptionProperties: " + p + " is absent; using the generated sample");
            }
            return utf8(generated);
        }
        byte[] slice = SLICES.get(p);
        if (slice == null) {
            slice = utf8(slicer.slice(p));
            SLICES.put(p, slice);
        }
        return slice;
    }

    /** Slices taken, per data file: SQuAD's whole document is parsed to cut one. */
    private static final java.util.Map<Path, byte[]> SLICES = new java.util.concurrent.ConcurrentHashMap<>();

    private interface Slicer {
        String slice(Path p) throws IOException;
    }

    /** The first {@code n} lines, each with its newline. */
    private static Slicer lines(int n) {
        return p -> {
            StringBuilder sb = new StringBuilder();
            try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                String line;
                for (int i = 0; i < n && (line = r.readLine()) != null; i++) {
                    sb.append(line).append('\n');
                }
            }
            return sb.toString();
        };
    }

    /** The lines up to the {@code n}-th blank line: {@code n} sentences of a column file. */
    private static Slicer sentences(int n) {
        return p -> {
            StringBuilder sb = new StringBuilder();
            try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                String line;
                int blanks = 0;
                while (blanks < n && (line = r.readLine()) != null) {
                    sb.append(line).append('\n');
                    blanks += line.isBlank() ? 1 : 0;
                }
            }
            return sb.toString();
        };
    }

    /** The header and the first rows of a CSV file, cut at a line end outside quotes. */
    private static Slicer csvRows(int rows) {
        return p -> {
            StringBuilder sb = new StringBuilder();
            try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                String line;
                int quotes = 0;
                int done = -1;
                while (done < rows && (line = r.readLine()) != null) {
                    sb.append(line).append('\n');
                    quotes += (int) line.chars().filter(c -> c == '"').count();
                    done += quotes % 2 == 0 ? 1 : 0;
                }
            }
            return sb.toString();
        };
    }

    /** The first paragraphs and questions of the first article of a SQuAD-format document. */
    private static Slicer squadArticle() {
        return p -> {
            JsonObject doc;
            try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                doc = new Gson().fromJson(r, JsonObject.class);
            }
            JsonObject article = doc.getAsJsonArray("data").get(0).getAsJsonObject().deepCopy();
            JsonArray paragraphs = new JsonArray();
            for (int i = 0; i < 2; i++) {
                JsonObject para = article.getAsJsonArray("paragraphs").get(i).getAsJsonObject();
                JsonArray qas = new JsonArray();
                for (int k = 0; k < 2; k++) {
                    qas.add(para.getAsJsonArray("qas").get(k));
                }
                para.add("qas", qas);
                paragraphs.add(para);
            }
            article.add("paragraphs", paragraphs);
            JsonObject out = new JsonObject();
            out.addProperty("version", "1.1");
            JsonArray data = new JsonArray();
            data.add(article);
            out.add("data", data);
            return out + "\n";
        };
    }

    // --- the properties, one per format ----------------------------------------------------

    @Property(tries = 200)
    void conllSpaceSeparated(@ForAll("damage") List<Damage> damage, @ForAll boolean real,
            @ForAll Packing packing) throws Exception {
        check("conll2003/eng.testa", sample(real, ReaderFuzzTest.CONLL, "sl/conll2003/eng.testa", sentences(4)),
                damage, packing, ConllReader.builder().optScheme(FileTagScheme.IOB1).build(), EVERY_REASON, false);
    }

    @Property(tries = 200)
    void conllTabSeparated(@ForAll("damage") List<Damage> damage, @ForAll boolean real,
            @ForAll Packing packing) throws Exception {
        check("wnut17/emerging.dev.conll", sample(real, ReaderFuzzTest.CONLL.replace(' ', '\t'),
                        "sl/wnut17/emerging.dev.conll", sentences(3)),
                damage, packing, ConllReader.builder().optSeparator(ConllReader.Separator.TAB).build(), EVERY_REASON, false);
    }

    @Property(tries = 200)
    void conllTagFirst(@ForAll("damage") List<Damage> damage, @ForAll boolean real,
            @ForAll Packing packing) throws Exception {
        check("mit_movie/engtest.bio", sample(real, "O\tEU\nO\trejects\nB-MISC\tGerman\n\nB-PER\tPeter\nI-PER\tBlackburn\n",
                        "sl/mit_movie/engtest.bio", sentences(3)),
                damage, packing, ConllReader.builder().optSeparator(ConllReader.Separator.TAB).optColumns(2).optTagColumn(0)
                        .optTokenColumn(1).build(), EVERY_REASON, false);
    }

    @Property(tries = 200)
    void tsvWithHeader(@ForAll("damage") List<Damage> damage, @ForAll boolean real,
            @ForAll Packing packing) throws Exception {
        check("glue_rte/dev.tsv", sample(real, ReaderFuzzTest.TSV, "cls/glue_rte/dev.tsv", lines(5)), damage, packing,
                TsvClassificationReader.builder().setTextA("{sentence1}").optTextB("{sentence2}").optLabel("label")
                        .build(), EVERY_REASON, true);
    }

    @Property(tries = 200)
    void tsvWithoutHeader(@ForAll("damage") List<Damage> damage, @ForAll boolean real,
            @ForAll Packing packing) throws Exception {
        check("glue_cola/train.tsv", sample(real, "gj04\t1\t\tOur friends won't buy this.\ngj04\t0\t*\tThey drank.\n"
                        + "gj04\t1\t\tCafé ☕ is fine.\n", "cls/glue_cola/train.tsv", lines(4)), damage, packing,
                TsvClassificationReader.builder().optColumnNames(List.of("source", "label", "orig_label", "sentence"))
                        .setTextA("{sentence}").optLabel("label").build(), EVERY_REASON, false);
    }

    @Property(tries = 200)
    void csv(@ForAll("damage") List<Damage> damage,
            @ForAll Packing packing) throws Exception {
        // no classification CSV among the shared data: the generated sample only
        check("mine/train.csv", utf8(ReaderFuzzTest.CSV), damage, packing,
                CsvClassificationReader.builder().setTextA("{text_a}").optTextB("{text_b}").optLabel("label").build(),
                EVERY_REASON, true);
    }

    @Property(tries = 200)
    void jsonLines(@ForAll("damage") List<Damage> damage, @ForAll boolean real,
            @ForAll Packing packing) throws Exception {
        check("cb/val.jsonl", sample(real, ReaderFuzzTest.JSONL, "cls/cb/val.jsonl", lines(3)), damage, packing,
                JsonlClassificationReader.premiseHypothesis(), EVERY_REASON, false);
    }

    @Property(tries = 200)
    void boolq(@ForAll("damage") List<Damage> damage, @ForAll boolean real,
            @ForAll Packing packing) throws Exception {
        check("boolq/val.jsonl", sample(real, "{\"question\":\"is it?\",\"passage\":\"It is.\",\"label\":true,\"idx\":0}\n"
                        + "{\"question\":\"no?\",\"passage\":\"Café.\",\"label\":false,\"idx\":1}\n",
                "cls/boolq/val.jsonl", lines(2)), damage, packing, JsonlClassificationReader.boolq(), EVERY_REASON, false);
    }

    @Property(tries = 200)
    void copa(@ForAll("damage") List<Damage> damage, @ForAll boolean real,
            @ForAll Packing packing) throws Exception {
        check("copa/val.jsonl", sample(real, ReaderFuzzTest.COPA, "cls/copa/val.jsonl", lines(3)), damage, packing,
                new CopaReader(), EVERY_REASON, false);
    }

    @Property(tries = 200)
    void wic(@ForAll("damage") List<Damage> damage, @ForAll boolean real,
            @ForAll Packing packing) throws Exception {
        writeWicGold(real, packing, List.of());
        check("wic/dev.data.txt", sample(real, ReaderFuzzTest.WIC, "cls/wic/original/dev.data.txt", lines(3)), damage,
                packing, new WicReader(), EVERY_REASON, true);
    }

    @Property(tries = 200)
    void wicGold(@ForAll("damage") List<Damage> damage, @ForAll boolean real,
            @ForAll Packing packing) throws Exception {
        writeWicGold(real, packing, damage);
        check("wic/dev.data.txt", sample(real, ReaderFuzzTest.WIC, "cls/wic/original/dev.data.txt", lines(3)),
                List.of(), packing, new WicReader(), EVERY_REASON, true);
    }

    /** Writes the WiC gold file beside the data, gzipped where the data is, with the damage given. */
    private static void writeWicGold(boolean real, Packing packing, List<Damage> damage) throws IOException {
        byte[] labels = sample(real, ReaderFuzzTest.WIC_GOLD, "cls/wic/original/dev.gold.txt", lines(3));
        Path gold = dir.resolve(packing == Packing.PLAIN ? "wic/dev.gold.txt" : "wic/dev.gold.txt.gz");
        Files.createDirectories(gold.getParent());
        Files.write(gold, pack(labels, damage, packing));
    }

    @Property(tries = 200)
    void squad(@ForAll("damage") List<Damage> damage, @ForAll boolean real,
            @ForAll Packing packing) throws Exception {
        check("squad_v1.1/dev-v1.1.json", sample(real, ReaderFuzzTest.SQUAD, "qa/squad_v1.1/dev-v1.1.json",
                squadArticle()), damage, packing, new SquadReader(),
                Set.of(SquadReader.MALFORMED_QUESTION, SquadReader.NO_VALID_ANSWER), true);
    }

    @Property(tries = 200)
    void xquad(@ForAll("damage") List<Damage> damage,
            @ForAll Packing packing) throws Exception {
        check("xquad/xquad.en.json", sample(true, ReaderFuzzTest.SQUAD, "qa/xquad/xquad.en.json", squadArticle()),
                damage, packing, new SquadReader(), Set.of(SquadReader.MALFORMED_QUESTION, SquadReader.NO_VALID_ANSWER), true);
    }

    @Property(tries = 200)
    void mrqa(@ForAll("damage") List<Damage> damage,
            @ForAll Packing packing) throws Exception {
        // no MRQA file among the shared data: the generated sample only
        check("mrqa/dev.jsonl", utf8(ReaderFuzzTest.MRQA), damage, packing, new MrqaReader(),
                Set.of(SquadReader.MALFORMED_QUESTION, SquadReader.NO_VALID_ANSWER), false);
    }

    @Property(tries = 200)
    void qed(@ForAll("damage") List<Damage> damage, @ForAll boolean real,
            @ForAll Packing packing) throws Exception {
        check("qed/qed-dev.jsonlines", sample(real, ReaderFuzzTest.QED, "qa/qed/qed-dev.jsonlines", lines(3)), damage, packing,
                new QedReader(), Set.of(JsonLines.MALFORMED_LINE, Defects.INVALID_UTF8, QedReader.NO_SINGLE_SPAN_ANSWER),
                false);
    }

    @Property(tries = 200)
    void subjqa(@ForAll("damage") List<Damage> damage, @ForAll boolean real,
            @ForAll Packing packing) throws Exception {
        // records are rows, examples question-review pairs: only examples <= records is checked
        check("books/dev.csv", sample(real, ReaderFuzzTest.SUBJQA, "qa/subjqa/books/dev.csv", csvRows(4)), damage, packing,
                new SubjQaReader(), Set.of(), true);
    }
}
