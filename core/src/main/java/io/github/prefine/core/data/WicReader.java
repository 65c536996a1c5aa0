package io.github.prefine.core.data;

import io.github.prefine.core.data.internal.BlankLines;
import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.data.internal.LineReader;
import io.github.prefine.core.data.internal.Template;
import io.github.prefine.core.data.internal.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the WiC v1.0 package format: {@code X.data.txt} with its sibling {@code X.gold.txt}.
 *
 * <p>{@code data.txt} has 5 TAB-separated fields {@code word, PoS, index1-index2, sentence1,
 * sentence2} (sentences tokenised); {@code gold.txt} holds one {@code T} or {@code F} per line.
 * Each pair becomes {@code TextExample("{word}: {sentence1}", "{sentence2}", "true"|"false")}, the
 * same template and labels as {@link JsonlClassificationReader#wic()}. A missing gold file gives
 * unlabelled examples. A byte-order mark opening either file is removed and counted in the read's
 * report ({@link ReadReport#BOM_AT_START}), and so is every one opening a line of either (files
 * joined with {@code cat}, {@link ReadReport#BOM_AT_LINE_START}), which would have gone into the
 * word or the label. Blank lines of either file are passed over and counted as {@link
 * ReadReport#BLANK_LINE_PASSED_OVER}, as the CSV reader counts its own. Ids are {@code file:line}. Immutable and thread-safe.
 */
public final class WicReader implements DatasetReader<TextExample> {
    /** Skip reason: a gold line other than {@code T} or {@code F}. */
    public static final String INVALID_LABEL = "gold label not T or F";

    private static final Logger LOG = LoggerFactory.getLogger(WicReader.class);
    /** Template of text A, shared with the JSON lines WiC reader. */
    static final String TEXT_A = "{word}: {sentence1}";
    /** Template of text B. */
    static final String TEXT_B = "{sentence2}";

    /** Creates the reader. */
    public WicReader() {}

    @Override
    public Class<TextExample> exampleType() {
        return TextExample.class;
    }

    /**
     * Returns the data file and, when it exists, its gold file, which a read opens too.
     *
     * @param file the {@code X.data.txt} file
     * @return the data file, then {@code X.gold.txt} where it exists
     */
    @Override
    public List<Path> files(Path file) {
        Path gold = goldPath(file);
        return hasGold(file, gold) ? List.of(file, gold) : List.of(file);
    }

    /** The sibling gold file of a data file: {@code X.gold.txt} beside {@code X.data.txt}. */
    private static Path goldPath(Path file) {
        return file.resolveSibling(file.getFileName().toString().replace(".data.", ".gold."));
    }

    /** Whether a read of {@code file} takes its labels from {@code gold}: another file that exists. */
    private static boolean hasGold(Path file, Path gold) {
        return !gold.equals(file) && Files.exists(gold);
    }

    @Override
    public ReadResult<TextExample> read(Path file, Leniency leniency, LongConsumer bytesRead) throws IOException {
        String name = TextFiles.shortName(file);
        ReadReport.Builder report = new ReadReport.Builder(name);
        String fn = file.getFileName().toString();
        Path goldPath = goldPath(file);
        // the labels pair with the data lines by position. The readers before read the data file
        // through, then the labels, then compared the counts, then made examples: a defect of the
        // data file's bytes comes first, then one of the labels file, then a count mismatch, then
        // a defect of a data line. The data file is read once, so the labels are read first and
        // their defect, like the first of the data lines (strict), waits for the data's end.
        List<TextFiles.Line> gold = null;
        MalformedDatasetException goldDefect = null;
        if (hasGold(file, goldPath)) {
            // one letter a line: small beside the data
            gold = new ArrayList<>();
            // into the read's report: the gold file's byte-order mark is counted as the data file's is
            BlankLines goldBlank = new BlankLines();
            try (LineReader labels = TextFiles.lines(goldPath, Leniency.STRICT, report, bytesRead)) {
                for (TextFiles.Line read = labels.next(); read != null; read = labels.next()) {
                    TextFiles.Line line = TextFiles.withoutLeadingMarks(read, report);
                    if (nonBlank(line)) {
                        gold.add(line);
                    } else {
                        goldBlank.add(line.number());
                    }
                }
            } catch (MalformedDatasetException e) {
                goldDefect = e;
            }
            goldBlank.report(LOG, report, TextFiles.shortName(goldPath), "");
        }
        Template a = Template.of(TEXT_A);
        Template b = Template.of(TEXT_B);
        List<TextExample> out = new ArrayList<>();
        MalformedDatasetException lineDefect = null;
        int rows = 0;
        BlankLines blank = new BlankLines();
        try (LineReader data = TextFiles.lines(file, leniency, report, bytesRead)) {
            for (TextFiles.Line read = data.next(); read != null; read = data.next()) {
                TextFiles.Line line = TextFiles.withoutLeadingMarks(read, report);
                if (!nonBlank(line)) {
                    blank.add(line.number());
                    continue;
                }
                rows++;
                if (goldDefect != null || lineDefect != null || (gold != null && rows > gold.size())) {
                    // the read fails at the end: only the count and the bytes matter now
                    continue;
                }
                try {
                    TextExample e = example(line, gold == null ? null : gold.get(rows - 1), name, goldPath, leniency, report, a, b);
                    if (e != null) {
                        out.add(e);
                    }
                } catch (MalformedDatasetException e) {
                    lineDefect = e;
                }
            }
        }
        blank.report(LOG, report, name, "");
        if (goldDefect != null) {
            throw goldDefect;
        }
        if (gold != null && gold.size() != rows) {
            throw new MalformedDatasetException(TextFiles.shortName(goldPath), "",
                    rows + " labels, one per line of " + fn, gold.size() + " lines");
        }
        if (lineDefect != null) {
            throw lineDefect;
        }
        Defects.requireRecords(rows, leniency, report, name, "", "at least one row", "an empty file");
        ReadReport r = report.records(rows).examples(out.size()).build();
        Defects.warnSkips(LOG, r, "row");
        return new ReadResult<>(out, r);
    }

    /** Makes the example of a non-blank data line; null when it is skipped (lenient). */
    private static TextExample example(TextFiles.Line line, TextFiles.Line goldLine, String name, Path goldPath,
            Leniency leniency, ReadReport.Builder report, Template a, Template b) throws MalformedDatasetException {
        if (line.text() == null) {
            Defects.invalidUtf8(line).skip(report);
            return null;
        }
        String[] f = line.text().split("\t", -1);
        String label = null;
        Defects.Found problem = null;
        if (f.length != 5) {
            problem = Defects.found(leniency, TsvClassificationReader.WRONG_FIELD_COUNT, name, line.number(),
                    "5 tab-separated fields (word, PoS, indices, sentence1, sentence2)", String.valueOf(f.length));
        } else if (goldLine != null) {
            String g = goldLine.text().strip();
            if (g.equals("T") || g.equals("F")) {
                label = g.equals("T") ? "true" : "false";
            } else {
                problem = Defects.found(leniency, INVALID_LABEL, TextFiles.shortName(goldPath), goldLine.number(),
                        "T or F", "'" + g + "'");
            }
        }
        if (problem != null) {
            problem.skip(report);
            return null;
        }
        Map<String, String> v = Map.of("word", f[0], "sentence1", f[3], "sentence2", f[4]);
        return new TextExample(name + ":" + line.number(), a.fill(v), b.fill(v), label);
    }

    private static boolean nonBlank(TextFiles.Line l) {
        return l.text() == null || !l.text().isBlank();
    }
}
