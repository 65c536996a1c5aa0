package io.github.prefine.core.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.data.internal.Json;
import io.github.prefine.core.data.internal.JsonLines;
import io.github.prefine.core.data.internal.QuestionIds;
import io.github.prefine.core.data.internal.TextFiles;
import io.github.prefine.eval.internal.Counts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads MRQA 2019 shared-task JSON lines ({@code .jsonl} or {@code .jsonl.gz}) into {@link
 * QaExample}s, one per question.
 *
 * <p>The first line is a header object {@code {"header": {...}}}; every other line is {@code
 * {"context", "qas": [{"qid", "question", "detected_answers": [{"text", "char_spans": [[s,
 * e]]}]}]}}, where {@code e} is inclusive. The span is authoritative: each span becomes the answer
 * {@code context[s..e]}. When that substring differs from the detected {@code text} only by case or
 * whitespace, any Unicode white space (MRQA matched answers case-insensitively) the span's text is used and counted as
 * repaired ({@link #REPAIR_CASE}); any other difference, or a span outside the context, is a defect
 * (strict: thrown; lenient: the span is dropped and counted). Duplicate spans of one question are
 * kept once. A prediction is scored, as MRQA's official evaluation scores it, against the
 * question's {@code answers} list where it has one (it may name aliases that no span holds),
 * else against the spans' texts. Records are questions. A lenient read whose first readable line
 * is data (the header was damaged and skipped, or is missing) reads that line and flags it as
 * {@link #NO_HEADER}. Immutable and thread-safe.
 */
public final class MrqaReader implements DatasetReader<QaExample> {
    private static final Logger LOG = LoggerFactory.getLogger(MrqaReader.class);

    /** Repair rule: span text differs from the detected text only in case or whitespace. */
    public static final String REPAIR_CASE = "detected text differs from its span only in case or whitespace";
    /**
     * Flag reason (kept in both modes): a question whose id an earlier kept question of the file
     * has; its sample names both places. Scoring goes by position, so both are scored, each
     * against its own answers; an id-keyed predictions file would hold one answer for both.
     */
    public static final String DUPLICATE_ID = QuestionIds.DUPLICATE_ID;

    /** Skip reason: a line that is not a JSON object of the expected shape. */
    public static final String MALFORMED_LINE = JsonLines.MALFORMED_LINE;
    /**
     * Flag (lenient reads): the first readable line is data, not the header; its questions are
     * read, since the header carries none.
     */
    public static final String NO_HEADER = "first readable line is not the MRQA header";

    /** Creates the reader. */
    public MrqaReader() {}

    @Override
    public Class<QaExample> exampleType() {
        return QaExample.class;
    }

    @Override
    public ReadResult<QaExample> read(Path file, Leniency leniency, LongConsumer bytesRead) throws IOException {
        String name = TextFiles.shortName(file);
        ReadReport.Builder report = new ReadReport.Builder(name);
        Lines lines = new Lines(leniency, report);
        JsonLines.forEachObject(file, leniency, report, bytesRead, lines);
        int questions = lines.questions;
        List<QaExample> out = lines.out;
        Defects.requireRecords(questions, leniency, report, name, "", "a header line and at least one question",
                "none");
        ReadReport r = report.records(questions).examples(out.size()).build();
        Defects.warnSkipsPerReason(LOG, r, "question");
        QuestionIds.warn(LOG, r);
        return new ReadResult<>(out, r);
    }

    /** The header check and the questions of every data line, in file order. */
    private static final class Lines implements JsonLines.Handler {
        private final Leniency leniency;
        private final ReadReport.Builder report;
        private final List<QaExample> out = new ArrayList<>();
        private final QuestionIds ids = new QuestionIds();
        private boolean header;
        private int questions;

        Lines(Leniency leniency, ReadReport.Builder report) {
            this.leniency = leniency;
            this.report = report;
        }

        @Override
        public void accept(JsonObject o, Json.At at, int line) throws MalformedDatasetException {
            if (!header) {
                header = true;
                if (o.has("header")) {
                    return;
                }
                MalformedDatasetException missing = at.error("$.header", "an object (MRQA header line)", "a line without it");
                // a header damaged beyond parsing was skipped already; the data after it is still good
                if (leniency == Leniency.STRICT) {
                    throw missing;
                }
                report.flag(NO_HEADER, missing.getMessage());
            }
            String context = at.string(o, "context", "$");
            JsonArray qas = at.array(o, "qas", "$");
            for (int k = 0; k < qas.size(); k++) {
                questions++;
                try {
                    QaExample ex = question(at, qas, k, context, leniency, report);
                    if (ex != null) {
                        out.add(ex);
                        ids.add(ex.id(), at, Integer.toString(line), "$.qas[" + k + "].qid", report);
                    }
                } catch (MalformedDatasetException e) {
                    Defects.skip(leniency, report, SquadReader.MALFORMED_QUESTION, e);
                }
            }
        }
    }

    private static QaExample question(Json.At at, JsonArray qas, int k, String context, Leniency leniency,
            ReadReport.Builder report) throws MalformedDatasetException {
        String qp = "$.qas[" + k + "]";
        JsonObject q = at.object(qas.get(k), qp);
        String id = at.scalar(q, "qid", qp);
        String question = at.string(q, "question", qp);
        JsonArray detected = at.array(q, "detected_answers", qp);
        List<GoldAnswer> answers = new ArrayList<>();
        for (int m = 0; m < detected.size(); m++) {
            String dp = qp + ".detected_answers[" + m + "]";
            JsonObject d = at.object(detected.get(m), dp);
            String text = at.string(d, "text", dp);
            JsonArray spans = at.array(d, "char_spans", dp);
            for (int s = 0; s < spans.size(); s++) {
                String sp = dp + ".char_spans[" + s + "]";
                if (!spans.get(s).isJsonArray()) {
                    throw at.error(sp, "an array [start, end]", Json.kind(spans.get(s)));
                }
                int values = spans.get(s).getAsJsonArray().size();
                if (values != 2) {
                    throw at.error(sp, "an array [start, end]",
                            "an array of " + Counts.counted(values, "value"));
                }
                int cpStart = at.integer(spans.get(s).getAsJsonArray().get(0), sp + "[0]");
                int cpLast = at.integer(spans.get(s).getAsJsonArray().get(1), sp + "[1]");
                // spans count code points (Python); Java strings count UTF-16 units
                int start = QaAnswers.utf16Offset(context, cpStart);
                int end = cpLast < cpStart ? -1 : QaAnswers.utf16Offset(context, cpLast + 1);
                if (start < 0 || end < 0 || end <= start) {
                    Defects.skip(leniency, report, SquadReader.ANSWER_NOT_AT_OFFSET,
                            at.error(sp, "a span inside a context of " + QaAnswers.characters(context) + " characters",
                                    "[" + cpStart + ", " + cpLast + "]"));
                    continue;
                }
                String span = context.substring(start, end);
                if (!span.equals(text)) {
                    if (squash(span).equals(squash(text))) {
                        report.repair(REPAIR_CASE);
                    } else {
                        Defects.skip(leniency, report, SquadReader.ANSWER_NOT_AT_OFFSET,
                                at.error(sp, QaAnswers.expectation(text, cpStart), "'" + span + "'"));
                        continue;
                    }
                }
                GoldAnswer a = new GoldAnswer(span, start);
                if (!answers.contains(a)) {
                    answers.add(a);
                }
            }
        }
        if (answers.isEmpty()) {
            report.skip(SquadReader.NO_VALID_ANSWER, at.error(qp, "a question with an answer span inside the context",
                    "none of its " + detected.size() + " detected answers (qid " + id + ")").getMessage());
            return null;
        }
        // MRQA's evaluation scores against "answers", which may list aliases found nowhere in the
        // context; without it, against the spans found
        List<String> references = new ArrayList<>();
        if (q.has("answers")) {
            JsonArray listed = at.array(q, "answers", qp);
            for (int m = 0; m < listed.size(); m++) {
                references.add(at.string(listed.get(m), qp + ".answers[" + m + "]"));
            }
        }
        return references.isEmpty() ? new QaExample(id, question, context, answers)
                : new QaExample(id, question, context, answers, references);
    }

    /**
     * The text without white space, lower-cased: white space as the readers count it ({@link
     * TextFiles#isSpace}), so a no-break or ideographic space in the context is white space as in
     * the detected text; the regular expression {@code \\s} took ASCII white space only.
     */
    private static String squash(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().filter(c -> !TextFiles.isSpace(c)).forEach(b::appendCodePoint);
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
