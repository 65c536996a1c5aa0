package io.github.prefine.core.data;

import io.github.prefine.core.data.internal.ColumnTable;
import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.data.internal.Csv;
import io.github.prefine.core.data.internal.DocumentReader;
import io.github.prefine.core.data.internal.TextFiles;
import io.github.prefine.eval.internal.Counts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads SubjQA's native CSV ({@code SubjQA/<domain>/splits/*.csv}) into extractive {@link
 * QaExample}s, one per question–review pair ({@code q_review_id}).
 *
 * <p>One CSV row is one answer annotation: question {@code question}, context {@code review} (kept
 * verbatim, including SubjQA's trailing {@code ANSWERNOTFOUND} marker), answer {@code
 * human_ans_spans} at {@code human_ans_indices = "(start, end)"}. Rows of one pair are merged, in
 * file order, an answer that several rows give (same text at the same offset) kept once, as MRQA's
 * duplicate spans are: scoring takes the best match over a question's answers, so a repeat adds
 * nothing. Rows whose answer is {@code ANSWERNOTFOUND} carry no answer; a pair with only such
 * rows is skipped as {@link #UNANSWERABLE}, since prefine's QA tasks are SQuAD v1.1-style, and such
 * a row of a pair that has answers is skipped as {@link #NOT_FOUND_BESIDE_ANSWERS} (the pair is
 * kept with its answers). Every skip keeps samples located at a row's line. Blank lines are passed
 * over and counted as {@link CsvClassificationReader#BLANK_LINE_PASSED_OVER}, and the byte-order
 * marks opening a row (files joined with {@code cat}) are removed and counted as {@link
 * ReadReport#BOM_AT_LINE_START}. A file without a
 * row after the header (empty, blank lines only, or the header alone, then located at the header's
 * line) throws strictly and is skipped once leniently, as {@link CsvClassificationReader#EMPTY_FILE}.
 *
 * <p>Answer check: the answer must be the review's text from {@code start}; {@code end} is read as
 * a number but not compared, since the official files' ends disagree with their answers' lengths
 * (mostly where the answer is whitespace-tokenised) and the start with the text fixes the span.
 * SubjQA's answer strings are whitespace-tokenised ("Picoult 's"), so one repair applies: when the
 * non-whitespace characters of the answer equal, in order, the non-whitespace characters of the
 * review read from {@code start}, the answer becomes that review substring (counted as {@link
 * #REPAIR_WHITESPACE}). Other mismatches occur in the official files (words dropped from the
 * answer); such an answer is dropped and counted as {@link SquadReader#ANSWER_NOT_AT_OFFSET} in
 * both modes, and a pair left without answers is skipped as {@link SquadReader#NO_VALID_ANSWER}.
 * Structural defects (missing columns, wrong field count, unparsable indices) follow the leniency.
 * Records are CSV rows. A row longer than {@code -Dprefine.maxLineBytes} (64 MiB by default, in
 * UTF-8 bytes) fails the read in both modes at its first line, before it is held. Immutable and
 * thread-safe.
 */
public final class SubjQaReader implements DatasetReader<QaExample> {
    private static final Logger LOG = LoggerFactory.getLogger(SubjQaReader.class);
    private static final Pattern INDICES = Pattern.compile("\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");

    /** The marker of an unanswerable annotation. */
    public static final String NOT_FOUND = "ANSWERNOTFOUND";
    /** Skip reason: a question–review pair whose rows are all ANSWERNOTFOUND. */
    public static final String UNANSWERABLE = "unanswerable question";
    /** Repair rule: answer equals the review span once whitespace is ignored. */
    public static final String REPAIR_WHITESPACE = "answer equals the review span up to whitespace";
    /** Skip reason: an ANSWERNOTFOUND row of a question–review pair that other rows answer. */
    public static final String NOT_FOUND_BESIDE_ANSWERS = "ANSWERNOTFOUND row of an answered question";
    /** Skip reason: a structurally malformed row. */
    public static final String MALFORMED_ROW = "malformed row";

    private static final List<String> REQUIRED =
            List.of("q_review_id", "question", "review", "human_ans_spans", "human_ans_indices");

    /** Creates the reader. */
    public SubjQaReader() {}

    @Override
    public Class<QaExample> exampleType() {
        return QaExample.class;
    }

    private static final class Pair {
        final String question;
        final String review;
        final int firstLine;
        final List<GoldAnswer> answers = new ArrayList<>();
        final List<Integer> notFoundLines = new ArrayList<>();
        boolean hadAnswerRows;

        Pair(String question, String review, int firstLine) {
            this.question = question;
            this.review = review;
            this.firstLine = firstLine;
        }
    }

    @Override
    public ReadResult<QaExample> read(Path file, Leniency leniency, LongConsumer bytesRead) throws IOException {
        String name = TextFiles.shortName(file);
        ReadReport.Builder report = new ReadReport.Builder(name);
        // the file is read once. The reader before parsed it whole first, so a defect of its text
        // (UTF-8, CSV quoting, a damaged gzip stream) anywhere outranked a defect of a row: a row's
        // defect that fails the read waits until the rest of the text has been read
        Map<String, Pair> pairs = new LinkedHashMap<>();
        int records;
        int headerLine = 0;
        try (DocumentReader doc = TextFiles.document(file, report, bytesRead)) {
            Records csv = new Records(new Csv(doc, name).refuseRecordsOver(doc.cap()));
            try {
                headerLine = rows(csv, name, leniency, report, pairs);
            } catch (MalformedDatasetException e) {
                if (!csv.failed) {
                    try {
                        while (csv.next() != null) {
                            // reading on for a defect of the text
                        }
                    } catch (MalformedDatasetException earlier) {
                        doc.drain();
                        throw earlier;
                    }
                } else {
                    doc.drain();
                }
                throw e;
            }
            records = csv.count;
            CsvClassificationReader.passedOver(name, csv.csv, report);
        }
        List<QaExample> out = new ArrayList<>();
        for (Map.Entry<String, Pair> e : pairs.entrySet()) {
            Pair p = e.getValue();
            String at = Integer.toString(p.firstLine);
            if (!p.answers.isEmpty()) {
                out.add(new QaExample(e.getKey(), p.question, p.review, p.answers));
                for (int line : p.notFoundLines) {
                    report.skip(NOT_FOUND_BESIDE_ANSWERS, new MalformedDatasetException(name, Integer.toString(line),
                            "an answer span (SQuAD v1.1-style QA)", NOT_FOUND + " beside "
                            + Counts.counted(p.answers.size(), "answer") + " of q_review_id " + e.getKey()).getMessage());
                }
            } else if (p.hadAnswerRows) {
                report.skip(SquadReader.NO_VALID_ANSWER, new MalformedDatasetException(name, at,
                        "an answer at its offset for q_review_id " + e.getKey(), "none").getMessage());
            } else {
                report.skip(UNANSWERABLE, new MalformedDatasetException(name, at,
                        "an answer for q_review_id " + e.getKey() + " (SQuAD v1.1-style QA)",
                        "only " + NOT_FOUND + " rows").getMessage());
            }
        }
        // records counts the header; a file without any record has neither header nor row
        int rows = Math.max(records - 1, 0);
        // a header alone is located at its line, as CsvClassificationReader locates it
        Defects.requireRecords(rows, leniency, report, name, records == 0 ? "" : Integer.toString(headerLine),
                records == 0 ? "a CSV header row" : "at least one row",
                records == 0 ? "an empty file" : "only the header row");
        ReadReport rep = report.records(rows).examples(out.size()).build();
        // questions are skipped as well as rows: per reason, as the other QA readers say it
        Defects.warnSkipsPerReason(LOG, rep, "row", "question");
        return new ReadResult<>(out, rep);
    }

    /** A file's CSV records, counted; tells whether reading one failed, a defect of the text. */
    private static final class Records {
        private final Csv csv;
        private int count;
        private boolean failed;

        Records(Csv csv) {
            this.csv = csv;
        }

        Csv.Row next() throws IOException {
            try {
                Csv.Row r = csv.next();
                count += r == null ? 0 : 1;
                return r;
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }
    }

    /**
     * Reads the header and merges every row after it into its question–review pair, in file order.
     *
     * @return the header's line, or 0 for a file without any record
     */
    private static int rows(Records csv, String name, Leniency leniency, ReadReport.Builder report, Map<String, Pair> pairs)
            throws IOException {
        Csv.Row first = csv.next();
        if (first == null) {
            // no record at all: the caller skips the file as empty, leniently, as for a header alone
            return 0;
        }
        List<String> header = first.fields();
        int[] col = new int[REQUIRED.size()];
        for (int i = 0; i < REQUIRED.size(); i++) {
            col[i] = header.indexOf(REQUIRED.get(i));
            if (col[i] < 0) {
                // blank lines before the header are passed over: it stands at its own line
                throw new MalformedDatasetException(name, Integer.toString(first.line()),
                        "a column named '" + REQUIRED.get(i) + "'",
                        "columns " + header);
            }
            ColumnTable.requireOnce(name, Integer.toString(first.line()), header, REQUIRED.get(i));
        }
        for (Csv.Row next = csv.next(); next != null; next = csv.next()) {
            Csv.Row row = next;
            List<String> f = row.fields();
            try {
                if (f.size() != header.size()) {
                    throw new MalformedDatasetException(name, Integer.toString(row.line()),
                            header.size() + " comma-separated fields", String.valueOf(f.size()));
                }
                String id = f.get(col[0]);
                Pair p = pairs.computeIfAbsent(id, k -> new Pair(f.get(col[1]), f.get(col[2]), row.line()));
                if (!p.review.equals(f.get(col[2])) || !p.question.equals(f.get(col[1]))) {
                    throw new MalformedDatasetException(name, Integer.toString(row.line()),
                            "the same question and review as the earlier rows of q_review_id " + id,
                            "different text");
                }
                String text = f.get(col[3]);
                if (text.equals(NOT_FOUND)) {
                    p.notFoundLines.add(row.line());
                    continue;
                }
                p.hadAnswerRows = true;
                Matcher m = INDICES.matcher(f.get(col[4]).strip());
                if (!m.matches()) {
                    throw new MalformedDatasetException(name, Integer.toString(row.line()),
                            "human_ans_indices as (start, end)", "'" + f.get(col[4]) + "'");
                }
                // indices count code points (Python); Java strings count UTF-16 units
                int offset = index(m.group(1), name, row.line(), f.get(col[4]));
                int start = QaAnswers.utf16Offset(p.review, offset);
                GoldAnswer a;
                if (QaAnswers.matches(p.review, text, start)) {
                    a = new GoldAnswer(text, start);
                } else {
                    int end = QaAnswers.whitespaceInsensitiveEnd(p.review, text, start);
                    if (end < 0) {
                        report.skip(SquadReader.ANSWER_NOT_AT_OFFSET, new MalformedDatasetException(name,
                                Integer.toString(row.line()), QaAnswers.expectation(text, offset),
                                QaAnswers.found(p.review, text, offset)).getMessage());
                        continue;
                    }
                    report.repair(REPAIR_WHITESPACE);
                    a = new GoldAnswer(p.review.substring(start, end), start);
                }
                if (!p.answers.contains(a)) {
                    p.answers.add(a);
                }
            } catch (MalformedDatasetException e) {
                Defects.skip(leniency, report, MALFORMED_ROW, e);
            }
        }
        return first.line();
    }

    // \d+ admits numbers past int; they are offsets outside any review, so a defect of the row
    private static int index(String digits, String name, int line, String field) throws MalformedDatasetException {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new MalformedDatasetException(name, Integer.toString(line),
                    "human_ans_indices as (start, end) with start at most " + Integer.MAX_VALUE, "'" + field + "'", e);
        }
    }
}
