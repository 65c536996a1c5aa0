package io.github.prefine.core.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.data.internal.Json;
import io.github.prefine.core.data.internal.JsonLines;
import io.github.prefine.core.data.internal.QuestionIds;
import io.github.prefine.core.data.internal.TextFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads QED JSON lines ({@code qed-dev.jsonlines}) into extractive {@link QaExample}s.
 *
 * <p>Question: {@code question_text}; context: {@code paragraph_text}; id: {@code example_id}.
 * Answers (character offsets into the paragraph, end exclusive, each checked): the QED annotation's
 * {@code annotation.answer[*].paragraph_reference} spans when there are any; otherwise every
 * {@code original_nq_answers} entry that is one contiguous span (multi-span NQ answers cannot be
 * extracted and are ignored). An example with no answer under this rule is skipped ({@link
 * #NO_SINGLE_SPAN_ANSWER}). Records are lines. Immutable and thread-safe.
 */
public final class QedReader implements DatasetReader<QaExample> {
    private static final Logger LOG = LoggerFactory.getLogger(QedReader.class);

    /** Skip reason: neither a QED answer nor a single-span NQ answer. */
    public static final String NO_SINGLE_SPAN_ANSWER = "no single-span answer";
    /**
     * Flag reason (kept in both modes): a question whose id an earlier kept question of the file
     * has; its sample names both places. Scoring goes by position, so both are scored, each
     * against its own answers; an id-keyed predictions file would hold one answer for both.
     */
    public static final String DUPLICATE_ID = QuestionIds.DUPLICATE_ID;

    /** Creates the reader. */
    public QedReader() {}

    @Override
    public Class<QaExample> exampleType() {
        return QaExample.class;
    }

    @Override
    public ReadResult<QaExample> read(Path file, Leniency leniency, LongConsumer bytesRead) throws IOException {
        String name = TextFiles.shortName(file);
        ReadReport.Builder report = new ReadReport.Builder(name);
        List<QaExample> out = new ArrayList<>();
        QuestionIds ids = new QuestionIds();
        int records = JsonLines.forEachObject(file, leniency, report, bytesRead, (o, at, line) -> {
            QaExample ex = example(o, at, leniency, report);
            if (ex != null) {
                out.add(ex);
                ids.add(ex.id(), at, Integer.toString(line), "$.example_id", report);
            }
        });
        Defects.requireRecords(records, leniency, report, name, "", "at least one JSON line", "an empty file");
        ReadReport r = report.records(records).examples(out.size()).build();
        // a skipped answer is not a skipped line: per reason, as the other QA readers say it
        Defects.warnSkipsPerReason(LOG, r, "line");
        QuestionIds.warn(LOG, r);
        return new ReadResult<>(out, r);
    }

    /** Returns the example of one line, or null when it has no usable answer (counted). */
    private static QaExample example(JsonObject o, Json.At at, Leniency leniency, ReadReport.Builder report)
            throws MalformedDatasetException {
        String id = at.scalar(o, "example_id", "$");
        String question = at.string(o, "question_text", "$");
        String context = at.string(o, "paragraph_text", "$");
        JsonObject ann = at.object(o.get("annotation"), "$.annotation");
        List<GoldAnswer> answers = new ArrayList<>();
        if (ann.has("answer")) {
            JsonArray a = at.array(ann, "answer", "$.annotation");
            for (int i = 0; i < a.size(); i++) {
                String p = "$.annotation.answer[" + i + "]";
                JsonObject ref = at.object(at.object(a.get(i), p).get("paragraph_reference"),
                        p + ".paragraph_reference");
                addSpan(at, ref, p + ".paragraph_reference", context, answers, leniency, report);
            }
        }
        if (answers.isEmpty()) {
            JsonArray nq = at.array(o, "original_nq_answers", "$");
            for (int i = 0; i < nq.size(); i++) {
                String p = "$.original_nq_answers[" + i + "]";
                JsonElement e = nq.get(i);
                if (!e.isJsonArray()) {
                    throw at.error(p, "an array of spans", Json.kind(e));
                }
                if (e.getAsJsonArray().size() == 1) {
                    addSpan(at, at.object(e.getAsJsonArray().get(0), p + "[0]"), p + "[0]", context,
                            answers, leniency, report);
                }
            }
        }
        if (answers.isEmpty()) {
            report.skip(NO_SINGLE_SPAN_ANSWER, at.error("$.annotation", "a single-span answer in the paragraph",
                    "none (example_id " + id + ")").getMessage());
            return null;
        }
        return new QaExample(id, question, context, answers);
    }

    private static void addSpan(Json.At at, JsonObject ref, String path, String context, List<GoldAnswer> answers,
            Leniency leniency, ReadReport.Builder report) throws MalformedDatasetException {
        int start = at.integer(ref, "start", path);
        int end = at.integer(ref, "end", path);
        String text = at.string(ref, "string", path);
        // offsets count code points (Python); Java strings count UTF-16 units
        int start16 = QaAnswers.utf16Offset(context, start);
        if (!QaAnswers.matches(context, text, start16)) {
            Defects.skip(leniency, report, SquadReader.ANSWER_NOT_AT_OFFSET,
                    at.error(path, QaAnswers.expectation(text, start), QaAnswers.found(context, text, start)));
            return;
        }
        int length = QaAnswers.characters(text);
        if ((long) end - start != length) {
            // the text is where start says, so the end is what is wrong
            Defects.skip(leniency, report, SquadReader.ANSWER_NOT_AT_OFFSET, at.error(path + ".end",
                    (start + length) + " (start " + start + " plus the " + length + " characters of '"
                            + QaAnswers.clip(text) + "')", Integer.toString(end)));
            return;
        }
        GoldAnswer a = new GoldAnswer(text, start16);
        if (!answers.contains(a)) {
            answers.add(a);
        }
    }
}
