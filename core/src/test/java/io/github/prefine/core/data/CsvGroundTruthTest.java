package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.data.internal.Csv;
import io.github.prefine.core.data.internal.TextFiles;
import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CsvClassificationReader} reads what Python's {@code csv.reader} reads, field by field.
 *
 * <p>Ground truth is the {@code csv/} test resources: {@code generate.py} writes each case with
 * {@code csv.writer} (all quoting styles, LF, CRLF and lone-CR line ends, embedded line breaks,
 * doubled quotes, a BOM, semicolon, TAB and | delimiters) or by hand (blank lines, bare quotes,
 * defects), and beside it the records {@code csv.reader} returns with the case's delimiter, with the
 * line each starts at and whether its strict mode (RFC 4180 quoting) accepts it. When {@code python3} is on the path, the generator is run again and must
 * write the committed files.
 */
class CsvGroundTruthTest {
    private static final String[] CASES = {"minimal-crlf", "all-lf", "nonnumeric-cr", "bom-minimal-lf", "by-hand", "defects",
        "semicolon-minimal-crlf", "semicolon-all-lf", "tab-minimal-lf", "pipe-nonnumeric-cr", "semicolon-defects"};

    /** The delimiter a case was written with, named by its first word as generate.py's DELIMITERS does. */
    private static char delimiter(String name) {
        return switch (name.split("-")[0]) {
            case "semicolon" -> ';';
            case "tab" -> '\t';
            case "pipe" -> '|';
            default -> ',';
        };
    }

    private static CsvClassificationReader reader(String name) {
        return CsvClassificationReader.builder().setTextA("{text_a}").optTextB("{text_b}").optLabel("label")
                .optDelimiter(delimiter(name)).build();
    }

    @TempDir
    Path dir;

    /** One record as csv.reader read it. */
    private record Expected(int line, List<String> fields, boolean strict) {}

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(CsvGroundTruthTest.class.getResource("csv/" + name).toURI());
    }

    private static List<Expected> expected(String name) throws IOException, URISyntaxException {
        List<Expected> out = new ArrayList<>();
        for (String line : Files.readAllLines(resource(name + ".expected.jsonl"), StandardCharsets.UTF_8)) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            List<String> fields = new ArrayList<>();
            for (JsonElement f : o.get("fields").getAsJsonArray()) {
                fields.add(f.getAsString());
            }
            out.add(new Expected(o.get("line").getAsInt(), fields, o.get("strict").getAsBoolean()));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"minimal-crlf", "all-lf", "nonnumeric-cr", "bom-minimal-lf", "by-hand", "defects",
        "semicolon-minimal-crlf", "semicolon-all-lf", "tab-minimal-lf", "pipe-nonnumeric-cr", "semicolon-defects"})
    void theCsvRecordsAreCsvReaders(String name) throws Exception {
        List<Expected> want = expected(name);
        Path file = resource(name + ".csv");
        List<Csv.Row> rows = new ArrayList<>();
        try (Reader in = TextFiles.document(file, new ReadReport.Builder(name))) {
            Csv csv = new Csv(in, name, delimiter(name));
            while (true) {
                try {
                    Csv.Row r = csv.next();
                    if (r == null) {
                        break;
                    }
                    rows.add(r);
                } catch (MalformedDatasetException e) {
                    // a defect is thrown once its record is read: the next record is csv.reader's next
                    rows.add(new Csv.Row(Integer.parseInt(e.location()), null));
                }
            }
        }
        assertEquals(want.size(), rows.size(), "records");
        for (int i = 0; i < want.size(); i++) {
            Expected w = want.get(i);
            assertEquals(w.line(), rows.get(i).line(), "line of record " + i);
            assertEquals(w.strict() ? w.fields() : null, rows.get(i).fields(), "fields of record " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"minimal-crlf", "all-lf", "nonnumeric-cr", "bom-minimal-lf", "by-hand", "defects",
        "semicolon-minimal-crlf", "semicolon-all-lf", "tab-minimal-lf", "pipe-nonnumeric-cr", "semicolon-defects"})
    void theReaderKeepsEveryGoodRecordAndCountsTheRest(String name) throws Exception {
        List<Expected> want = expected(name);
        assertEquals(List.of("text_a", "text_b", "label"), want.get(0).fields());
        String file = "csv/" + name + ".csv";
        List<TextExample> examples = new ArrayList<>();
        int quoting = 0;
        int fieldCount = 0;
        int emptyLabel = 0;
        Expected firstDefect = null;
        for (Expected w : want.subList(1, want.size())) {
            if (!w.strict() || w.fields().size() != 3) {
                quoting += w.strict() ? 0 : 1;
                fieldCount += w.strict() ? 1 : 0;
                firstDefect = firstDefect == null ? w : firstDefect;
            } else if (w.fields().get(2).isBlank()) {
                // csv.reader gives the label ""; a class row without its class is a defect of the row
                emptyLabel++;
                firstDefect = firstDefect == null ? w : firstDefect;
            } else {
                examples.add(new TextExample(file + ":" + w.line(), w.fields().get(0), w.fields().get(1), w.fields().get(2)));
            }
        }

        CsvClassificationReader reader = reader(name);
        ReadResult<TextExample> lenient = reader.read(resource(name + ".csv"), Leniency.LENIENT);

        assertEquals(examples, lenient.examples());
        assertEquals(want.size() - 1, lenient.report().records());
        assertEquals(quoting, lenient.report().skipped(CsvClassificationReader.MALFORMED_QUOTING));
        assertEquals(fieldCount, lenient.report().skipped(CsvClassificationReader.WRONG_FIELD_COUNT));
        assertEquals(emptyLabel, lenient.report().skipped(CsvClassificationReader.EMPTY_LABEL));
        assertEquals(name.startsWith("bom") ? 1 : 0, lenient.report().cleaned(ReadReport.BOM_AT_START));
        // csv.reader returns a blank line as an empty record: passed over, as DictReader does, and counted
        assertEquals(blankLines(name), lenient.report().cleaned(CsvClassificationReader.BLANK_LINE_PASSED_OVER),
                name + ": blank lines passed over");
        if (firstDefect == null) {
            assertEquals(lenient, reader.read(resource(name + ".csv")));
        } else {
            MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                    () -> reader.read(resource(name + ".csv")));
            assertEquals(file, e.file());
            assertEquals(Integer.toString(firstDefect.line()), e.location(), e.getMessage());
        }
    }

    /** How many blank lines csv.reader returns as empty records in a case, from generate.py's blank-lines.json. */
    private static int blankLines(String name) throws IOException, URISyntaxException {
        JsonObject counts = JsonParser.parseString(Files.readString(resource("blank-lines.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        return counts.get(name).getAsInt();
    }

    /**
     * Blank lines ended by LF, CRLF and a lone CR, before the header, between rows and at the end
     * (csv.reader returns each as an empty record; counted by hand: lines 1, 3, 5, 6, 8 and 9),
     * are passed over as csv.reader's DictReader does, and counted, strictly and leniently.
     */
    @Test
    void blankLinesArePassedOverAndCounted() throws Exception {
        Path file = dir.resolve("blank/train.csv");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "\ntext_a,label\n\nx,pos\r\n\r\n\ry,neg\n\n\n", StandardCharsets.UTF_8);
        CsvClassificationReader reader = CsvClassificationReader.builder().setTextA("{text_a}").optLabel("label").build();
        for (Leniency leniency : Leniency.values()) {
            ReadResult<TextExample> read = reader.read(file, leniency);
            assertEquals(List.of(new TextExample("blank/train.csv:4", "x", null, "pos"),
                    new TextExample("blank/train.csv:7", "y", null, "neg")), read.examples(), leniency.name());
            assertEquals(2, read.report().records(), leniency.name());
            assertEquals(0, read.report().totalSkipped(), leniency.name());
            assertEquals(6, read.report().cleaned(CsvClassificationReader.BLANK_LINE_PASSED_OVER), leniency.name());
        }
    }

    /** Runs python3 with these arguments; skips the test without it, fails when it fails. */
    private static void python(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "python3 is not available: " + e.getMessage());
            return;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.waitFor(120, TimeUnit.SECONDS), "python3 did not finish");
        assertEquals(0, p.exitValue(), output);
    }

    @Test
    void sst2WrittenByCsvWriterReadsAsTheTsvReaderReadsIt() throws Exception {
        // a real file: SST-2's training TSV, rewritten by csv.writer (minimal quoting, CRLF)
        Path tsv = io.github.prefine.core.testing.SharedFixtures.require("data/cls/glue_sst2/train.tsv");
        Path csv = dir.resolve("sst2/train.csv");
        Files.createDirectories(csv.getParent());
        String script = "import csv,sys\n"
                + "with open(sys.argv[1], encoding='utf-8', newline='') as i, open(sys.argv[2], 'w', encoding='utf-8', newline='') as o:\n"
                + "    csv.writer(o).writerows(csv.reader(i, delimiter='\\t', quoting=csv.QUOTE_NONE))\n";
        python("-c", script, tsv.toString(), csv.toString());
        List<TextExample> want = TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build()
                .read(tsv).examples();
        long start = System.nanoTime();
        ReadResult<TextExample> got = CsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build()
                .read(csv);
        System.out.printf("CsvClassificationReader: %d rows of %s in %.0f ms%n", got.examples().size(), csv.getFileName(),
                (System.nanoTime() - start) / 1e6);
        assertEquals(want.size(), got.examples().size());
        for (int i = 0; i < want.size(); i++) {
            TextExample w = want.get(i);
            TextExample g = got.examples().get(i);
            // one record per line, so the same line numbers
            assertEquals(new TextExample(w.id().replace("glue_sst2/train.tsv", "sst2/train.csv"), w.textA(), null, w.label()), g);
        }
    }

    @Test
    void theGeneratorWritesTheCommittedFiles() throws Exception {
        python(resource("generate.py").toString(), dir.toString());
        for (String name : CASES) {
            for (String suffix : new String[] {".csv", ".expected.jsonl"}) {
                assertArrayEquals(Files.readAllBytes(resource(name + suffix)), Files.readAllBytes(dir.resolve(name + suffix)),
                        name + suffix + " differs from what generate.py writes");
            }
        }
        assertArrayEquals(Files.readAllBytes(resource("blank-lines.json")), Files.readAllBytes(dir.resolve("blank-lines.json")),
                "blank-lines.json differs from what generate.py writes");
    }
}
