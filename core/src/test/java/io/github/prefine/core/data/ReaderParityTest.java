package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.SplitSource;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming readers give what the whole-file readers gave: the same examples, in the same
 * order, and the same report, or the same error.
 *
 * <p>Ground truth is {@code reader-parity.tsv}, written by this class in record mode ({@code
 * -Dprefine.parity.record=FILE}) while the readers still held whole files in memory (the commit
 * before the streaming readers). Each row is a digest of what one read gave: an unambiguous
 * serialization (every string with its length) of every example, and the report with its counts,
 * samples and their order; or the class and message of what it threw. Rows cover every dataset file
 * of {@code ../shared/data} that a reader takes, read strictly and leniently (skipped with a printed
 * reason when the folder is absent), and, always, the valid samples of {@link ReaderFuzzTest}
 * damaged by its seeded corruptions, plain and gzipped, and gzip streams damaged after
 * compression. The two rows of the damaged SubjQA sample were recorded again when a lone CR
 * became a line end on a blank line, as Python's {@code csv.reader} reads it, where it had been a
 * record of one empty field (see {@code CsvGroundTruthTest}); the two rows of the damaged GLUE
 * TSV sample were recorded again when a header-only file's message gained the header's line, and
 * again when a blank line between rows became a skip of its own ('blank line') instead of a row of
 * one empty field with the wrong field count: the same examples, other reasons and messages (see
 * {@code EmptyInputTest}); the rows of the damaged MRQA and QED samples were recorded again when
 * a span of the wrong length got a message that says so (an MRQA span's count of values, a QED
 * span's end; see {@code ReaderFuzzRegressionTest}): the same examples and reasons, other messages;
 * the six rows of the shared SubjQA books files were recorded again when a sample's count of
 * answers lost its "(s)" ("beside 1 answer of"), checked to be the old digests with that wording
 * put back: the same examples, reasons and counts; the six rows of the CoNLL-2002 Spanish files
 * and the four of the damaged CoNLL sample were recorded again when an IOB2 entity opening with
 * {@code I-} got a flag, checked to be the old digests with the flag taken out: the same examples
 * and the same report besides; the four rows of the damaged SubjQA sample were recorded again when
 * the SubjQA reader came to count the blank lines it passes over, checked to be the old digests
 * with that count taken out; the four rows of the damaged GLUE TSV and CB JSON lines samples were
 * recorded again when an empty label became a defect of its row ('empty label'), checked against
 * the previous code's outcomes: of their 150 cases each, one differs, where a corruption left a
 * row's label empty, which now throws strictly and is skipped leniently, the other rows the same;
 * the rows of the damaged MRQA and QED samples were recorded again when a question reusing an
 * earlier one's id came to be flagged ('question id used before'), checked against the previous
 * code's outcomes: 33 cases, where a corruption repeated a line or changed an id, gained that flag,
 * with the same examples and the same report besides; the lenient row of the damaged SubjQA sample
 * was recorded again when a SubjQA file without any record came to be skipped leniently as empty,
 * checked against the previous code's outcomes: of its 150 cases, one differs, where a corruption
 * emptied the file, which threw and is now skipped with the message strict reading throws (see
 * {@code EmptyInputTest}); the twelve rows of the damaged CB, COPA and QED samples were recorded
 * again when a U+FEFF opening a JSON line after the file's first came to be removed and counted
 * ('byte-order mark at a JSON line's start') where Gson had passed over it unseen, checked against
 * the previous code's outcomes: 15 reads of nine cases differ, six where a corruption put a mark at
 * a line's start, now counted with the same examples, and three where a line held the mark alone,
 * which was a malformed line and is now blank, as a first line holding the mark alone was (see {@code
 * BadInputTest}); the same twelve rows were recorded again when that cleaning kind was renamed
 * ('byte-order mark at a line's start', as TSV and WiC files count it too), after the code with the
 * old name was checked to match every recorded row; the 22 rows of the damaged GLUE TSV, CB, COPA,
 * WiC, MRQA and QED samples were recorded again when every reader came to count the blank lines it
 * passes over ('blank line passed over', as the CSV readers did), checked against the previous
 * code's outcomes: 224 reads of 144 cases, where a corruption left a blank line (a TSV file's after
 * its last row), differ by that count alone, the other 3,636 reads and every shared-data row the
 * same; every other row is the whole-file readers'. Each run writes its detailed outcomes to {@code target/reader-parity-actual.txt},
 * which a failure points to for the first differing case.
 */
class ReaderParityTest {
    private static final String TABLE = "reader-parity.tsv";
    private static final int ROUNDS = 150;
    private static final long SEED = 20261205L;

    @TempDir
    Path dir;

    /** One read to compare: a key, the row of the table it counts in, the file and its reader. */
    private record Case(String key, String row, Path file, DatasetReader<?> reader) {}

    @Test
    void sharedDataReadsAsTheWholeFileReadersReadIt() throws IOException {
        Path data = SharedFixtures.require("data");
        compare("data", sharedCases(data));
    }

    @Test
    void damagedSamplesReadAsTheWholeFileReadersReadThem() throws IOException {
        compare("damaged", damagedCases());
    }

    // --- the cases -----------------------------------------------------------------------

    private static List<Case> sharedCases(Path data) {
        List<Case> cases = new ArrayList<>();
        for (Task t : TaskCatalog.all()) {
            List<SplitSource> files = new ArrayList<>(t.source().files());
            for (SplitSource s : files) {
                Path f = data.resolve(s.path());
                if (Files.exists(f)) {
                    cases.add(new Case(t.name() + " " + s.path(), t.name() + " " + s.path(), f, s.reader()));
                }
            }
        }
        // files that no catalogued task reads, in the formats the readers take
        Map<String, DatasetReader<?>> extra = new LinkedHashMap<>();
        extra.put("cls/boolq/fewglue/dev32.jsonl", JsonlClassificationReader.boolq());
        extra.put("cls/boolq/fewglue/train32.jsonl", JsonlClassificationReader.boolq());
        extra.put("cls/cb/fewglue/train32.jsonl", JsonlClassificationReader.premiseHypothesis());
        extra.put("cls/cb/test.jsonl", JsonlClassificationReader.premiseHypothesis());
        extra.put("cls/copa/fewglue/train32.jsonl", new CopaReader());
        extra.put("cls/wic/val.jsonl", JsonlClassificationReader.wic());
        extra.put("cls/wic/fewglue/dev32.jsonl", JsonlClassificationReader.wic());
        extra.put("cls/glue_rte/test.tsv",
                TsvClassificationReader.builder().setTextA("{sentence1}").optTextB("{sentence2}").build());
        extra.put("cls/glue_sst2/test.tsv", TsvClassificationReader.builder().setTextA("{sentence}").build());
        extra.put("qa/squad_adversarial/sample1k-HCVerifySample.json", new SquadReader());
        extra.put("qa/subjqa/books/test.csv", new SubjQaReader());
        extra.put("sl/conll2003/eng.train (TAB)", ConllReader.builder().optSeparator(ConllReader.Separator.TAB).build());
        for (Map.Entry<String, DatasetReader<?>> e : extra.entrySet()) {
            Path f = data.resolve(e.getKey().replace(" (TAB)", ""));
            if (Files.exists(f)) {
                cases.add(new Case("extra " + e.getKey(), "extra " + e.getKey(), f, e.getValue()));
            }
        }
        return cases;
    }

    private List<Case> damagedCases() throws IOException {
        List<Case> cases = new ArrayList<>();
        Map<String, Object[]> samples = new LinkedHashMap<>();
        samples.put("conll/train.conll", new Object[] {ReaderFuzzTest.CONLL, false, ConllReader.builder().build()});
        samples.put("glue/dev.tsv", new Object[] {ReaderFuzzTest.TSV, false,
            TsvClassificationReader.builder().setTextA("{sentence1}").optTextB("{sentence2}").optLabel("label").build()});
        samples.put("cb/val.jsonl", new Object[] {ReaderFuzzTest.JSONL, true, JsonlClassificationReader.premiseHypothesis()});
        samples.put("copa/val.jsonl", new Object[] {ReaderFuzzTest.COPA, true, new CopaReader()});
        samples.put("wic/dev.data.txt", new Object[] {ReaderFuzzTest.WIC, false, new WicReader()});
        samples.put("squad/dev.json", new Object[] {ReaderFuzzTest.SQUAD, true, new SquadReader()});
        samples.put("mrqa/dev.jsonl", new Object[] {ReaderFuzzTest.MRQA, true, new MrqaReader()});
        samples.put("qed/dev.jsonl", new Object[] {ReaderFuzzTest.QED, true, new QedReader()});
        samples.put("books/dev.csv", new Object[] {ReaderFuzzTest.SUBJQA, false, new SubjQaReader()});
        Path gold = dir.resolve("wic/dev.gold.txt");
        Files.createDirectories(gold.getParent());
        Files.writeString(gold, ReaderFuzzTest.WIC_GOLD);
        int n = 0;
        for (Map.Entry<String, Object[]> e : samples.entrySet()) {
            String relative = e.getKey();
            String valid = (String) e.getValue()[0];
            boolean json = (Boolean) e.getValue()[1];
            DatasetReader<?> reader = (DatasetReader<?>) e.getValue()[2];
            SplittableRandom seeds = new SplittableRandom(SEED ^ relative.hashCode());
            for (int round = 0; round < ROUNDS; round++) {
                byte[] bytes = ReaderFuzzTest.corrupt(valid.getBytes(StandardCharsets.UTF_8),
                        new SplittableRandom(seeds.nextLong()), json);
                // each case its own folder: all are written before any is read
                Path f = dir.resolve("c" + n++).resolve(relative);
                Files.createDirectories(f.getParent());
                Files.write(f, bytes);
                if (relative.startsWith("wic/")) {
                    Files.copy(gold, f.resolveSibling("dev.gold.txt"));
                }
                cases.add(new Case(relative + " " + round, relative, f, reader));
                if (round % 3 == 0 && !relative.startsWith("wic/")) {
                    Path z = dir.resolve("c" + n++).resolve(relative + ".gz");
                    Files.createDirectories(z.getParent());
                    Files.write(z, gzip(bytes));
                    cases.add(new Case(relative + ".gz " + round, relative + ".gz", z, reader));
                }
            }
            // the valid sample gzipped, then damaged after compression: cut short or a byte changed
            byte[] z = gzip(valid.getBytes(StandardCharsets.UTF_8));
            SplittableRandom rnd = new SplittableRandom(SEED ^ ~relative.hashCode());
            for (int round = 0; round < 20; round++) {
                byte[] b = z.clone();
                if (rnd.nextBoolean()) {
                    b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
                } else {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
                }
                Path f = dir.resolve("c" + n++).resolve(relative + ".gz");
                Files.createDirectories(f.getParent());
                Files.write(f, b);
                cases.add(new Case(relative + ".gz damaged " + round, relative + ".gz damaged", f, reader));
            }
        }
        return cases;
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(buf)) {
            z.write(b);
        }
        return buf.toByteArray();
    }

    // --- reading and comparing -----------------------------------------------------------

    private static void compare(String group, List<Case> cases) throws IOException {
        // a row digests the outcomes of all its cases, so the table stays small; the detail file
        // names the case that differs
        Map<String, StringBuilder> rows = new LinkedHashMap<>();
        StringBuilder detail = new StringBuilder();
        // the reads are independent and the readers thread-safe: they run on every core, and their
        // outcomes are put together in the cases' order, so the digests are those of one thread
        Leniency[] modes = Leniency.values();
        List<String> outcomes = IntStream.range(0, cases.size() * modes.length).parallel()
                .mapToObj(i -> outcome(cases.get(i / modes.length).reader(), cases.get(i / modes.length).file(),
                        modes[i % modes.length]))
                .toList();
        for (int i = 0; i < outcomes.size(); i++) {
            Case c = cases.get(i / modes.length);
            Leniency l = modes[i % modes.length];
            String outcome = c.key() + "\t" + outcomes.get(i).replace("\n", "\\n") + "\n";
            rows.computeIfAbsent(group + " | " + c.row() + " | " + l, k -> new StringBuilder()).append(outcome);
            detail.append(l).append('\t').append(outcome);
        }
        Map<String, String> digests = new LinkedHashMap<>();
        rows.forEach((k, v) -> digests.put(k, sha256(v.toString())));
        Path target = Path.of("target");
        Files.createDirectories(target);
        Path actual = target.resolve("reader-parity-actual-" + group + ".txt");
        Files.writeString(actual, detail);
        String record = System.getProperty("prefine.parity.record");
        if (record != null) {
            StringBuilder out = new StringBuilder();
            Path file = Path.of(record);
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    if (!line.startsWith(group + " | ")) {
                        out.append(line).append('\n');
                    }
                }
            }
            digests.forEach((k, v) -> out.append(k).append('\t').append(v).append('\n'));
            Files.writeString(file, out);
            System.out.println("recorded " + digests.size() + " " + group + " outcomes into " + file);
            return;
        }
        Map<String, String> expected = new LinkedHashMap<>();
        try (InputStream in = ReaderParityTest.class.getResourceAsStream(TABLE)) {
            assertTrue(in != null, TABLE + " is missing");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith(group + " | ")) {
                    int tab = line.lastIndexOf('\t');
                    expected.put(line.substring(0, tab), line.substring(tab + 1));
                }
            }
        }
        assertEquals(expected.keySet(), digests.keySet(), group + ": the cases differ from the recorded ones");
        List<String> differ = new ArrayList<>();
        digests.forEach((k, v) -> {
            if (!v.equals(expected.get(k))) {
                differ.add(k);
            }
        });
        assertTrue(differ.isEmpty(), () -> differ.size() + " of " + digests.size() + " rows differ from the whole-file"
                + " readers', first " + differ.subList(0, Math.min(10, differ.size())) + "; outcomes in "
                + actual.toAbsolutePath());
        System.out.println(group + ": " + cases.size() * 2 + " reads in " + digests.size() + " rows equal the whole-file readers'");
    }

    /** What one read gave, unambiguously: every example and the report, or what it threw. */
    static String outcome(DatasetReader<?> reader, Path file, Leniency leniency) {
        ReadResult<?> r;
        try {
            r = reader.read(file, leniency);
        } catch (Exception e) {
            return "threw " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        StringBuilder sb = new StringBuilder("read ");
        sb.append(r.examples().size()).append(" examples ");
        StringBuilder examples = new StringBuilder();
        for (Example e : r.examples()) {
            serialize(e, examples);
        }
        sb.append(sha256(examples.toString())).append(" report ");
        serialize(r.report(), sb);
        return sb.toString();
    }

    /** Length-prefixed strings, sized lists and maps, records by component. */
    private static void serialize(Object o, StringBuilder sb) {
        if (o == null) {
            sb.append('N');
        } else if (o instanceof String s) {
            sb.append('S').append(s.length()).append(':').append(s);
        } else if (o instanceof Number || o instanceof Boolean) {
            sb.append('V').append(o).append(';');
        } else if (o instanceof List<?> list) {
            sb.append('L').append(list.size()).append('[');
            list.forEach(x -> serialize(x, sb));
            sb.append(']');
        } else if (o instanceof Map<?, ?> map) {
            sb.append('M').append(map.size()).append('{');
            map.forEach((k, v) -> {
                serialize(k, sb);
                serialize(v, sb);
            });
            sb.append('}');
        } else if (o instanceof Record rec) {
            sb.append('R').append(rec.getClass().getSimpleName()).append('(');
            for (RecordComponent c : rec.getClass().getRecordComponents()) {
                try {
                    Object value = c.getAccessor().invoke(rec);
                    // TokenExample's source text came after the recording and no reader sets it:
                    // left out while null, so the recorded digests still hold; one set would differ
                    if (rec instanceof TokenExample && c.getName().equals("source") && value == null) {
                        continue;
                    }
                    serialize(value, sb);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            sb.append(')');
        } else {
            throw new IllegalArgumentException("cannot serialize " + o.getClass());
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
