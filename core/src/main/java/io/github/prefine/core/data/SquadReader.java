package io.github.prefine.core.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.data.internal.Json;
import io.github.prefine.core.data.internal.TextFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads SQuAD v1.1 JSON ({@code {"data":[{"title","paragraphs":[{"context","qas":[{"id",
 * "question","answers":[{"text","answer_start"}]}]}]}]}}) into {@link QaExample}s, one per
 * question (XQuAD and Adversarial SQuAD use the same format).
 *
 * <p>Every answer is checked against its context. In strict mode an answer whose text is not at
 * its offset throws with its JSON path; in lenient mode it is dropped and counted ({@link
 * #ANSWER_NOT_AT_OFFSET}), and a question left without answers is skipped ({@link
 * #NO_VALID_ANSWER}). A question listed without answers is kept unlabelled. Records are questions.
 * Immutable and thread-safe.
 */
public final class SquadReader implements DatasetReader<QaExample> {
    private static final Logger LOG = LoggerFactory.getLogger(SquadReader.class);

    /** Skip reason (counted per answer): the answer text is not at its offset in the context. */
    public static final String ANSWER_NOT_AT_OFFSET = "answer not at its offset";
    /** Skip reason (counted per question): all its answers were dropped. */
    public static final String NO_VALID_ANSWER = "question without a valid answer";
    /** Skip reason: a question object of the wrong shape. */
    public static final String MALFORMED_QUESTION = "malformed question";

    /** Creates the reader. */
    public SquadReader() {}

    @Override
    public Class<QaExample> exampleType() {
        return QaExample.class;
    }

    @Override
    public ReadResult<QaExample> read(Path file, Leniency leniency) throws IOException {
        String name = TextFiles.shortName(file);
        ReadReport.Builder report = new ReadReport.Builder(name);
        String text = TextFiles.text(file, report);
        if (text.isBlank()) {
            throw new MalformedDatasetException(name, "", "a SQuAD JSON document", "an empty file");
        }
        Json.At at = new Json.At(name, "");
        JsonObject root = at.object(Json.parse(text, name, ""), "$");
        JsonArray data = at.array(root, "data", "$");
        List<QaExample> out = new ArrayList<>();
        int questions = 0;
        for (int i = 0; i < data.size(); i++) {
            String ap = "$.data[" + i + "]";
            JsonObject article = at.object(data.get(i), ap);
            JsonArray paragraphs = at.array(article, "paragraphs", ap);
            for (int j = 0; j < paragraphs.size(); j++) {
                String pp = ap + ".paragraphs[" + j + "]";
                JsonObject paragraph = at.object(paragraphs.get(j), pp);
                String context = at.string(paragraph, "context", pp);
                JsonArray qas = at.array(paragraph, "qas", pp);
                for (int k = 0; k < qas.size(); k++) {
                    questions++;
                    String qp = pp + ".qas[" + k + "]";
                    try {
                        QaExample ex = question(at, qas, k, qp, context, leniency, report);
                        if (ex != null) {
                            out.add(ex);
                        }
                    } catch (MalformedDatasetException e) {
                        Defects.skip(leniency, report, MALFORMED_QUESTION, e);
                    }
                }
            }
        }
        Defects.requireRecords(questions, leniency, report, name, "$.data", "at least one question", "none");
        ReadReport r = report.records(questions).examples(out.size()).build();
        if (r.totalSkipped() > 0) {
            LOG.warn("{}: skipped {}", name, r.skipped());
        }
        return new ReadResult<>(out, r);
    }

    private static QaExample question(Json.At at, JsonArray qas, int k, String qp, String context,
            Leniency leniency, ReadReport.Builder report) throws MalformedDatasetException {
        JsonObject q = at.object(qas.get(k), qp);
        String id = at.scalar(q, "id", qp);
        String question = at.string(q, "question", qp);
        JsonArray answers = q.has("answers") ? at.array(q, "answers", qp) : new JsonArray();
        List<GoldAnswer> good = new ArrayList<>();
        for (int m = 0; m < answers.size(); m++) {
            String ap = qp + ".answers[" + m + "]";
            JsonObject a = at.object(answers.get(m), ap);
            String t = at.string(a, "text", ap);
            int start = at.integer(a, "answer_start", ap);
            int start16 = QaAnswers.utf16Offset(context, start);
            if (!QaAnswers.matches(context, t, start16)) {
                Defects.skip(leniency, report, ANSWER_NOT_AT_OFFSET,
                        at.error(ap, QaAnswers.expectation(t, start), QaAnswers.found(context, t, start)));
                continue;
            }
            good.add(new GoldAnswer(t, start16));
        }
        if (good.isEmpty() && !answers.isEmpty()) {
            report.skip(NO_VALID_ANSWER, at.error(qp, "a question with an answer at its offset",
                    "none of its " + answers.size() + " answers").getMessage());
            return null;
        }
        return new QaExample(id, question, context, good);
    }
}
