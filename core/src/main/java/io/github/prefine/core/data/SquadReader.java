package io.github.prefine.core.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.github.prefine.core.data.internal.CheckedJson;
import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.data.internal.DocumentReader;
import io.github.prefine.core.data.internal.Json;
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
 * Reads SQuAD v1.1 JSON ({@code {"data":[{"title","paragraphs":[{"context","qas":[{"id",
 * "question","answers":[{"text","answer_start"}]}]}]}]}}) into {@link QaExample}s, one per
 * question (XQuAD and Adversarial SQuAD use the same format).
 *
 * <p>Every answer is checked against its context. In strict mode an answer whose text is not at
 * its offset (or is empty, which would match anywhere) throws with its JSON path; in lenient mode it is dropped and counted ({@link
 * #ANSWER_NOT_AT_OFFSET}), and a question left without answers is skipped ({@link
 * #NO_VALID_ANSWER}). A question listed without answers is kept unlabelled. Records are questions.
 *
 * <p>The file is read once, never whole, holding one question's JSON and its paragraph's context at
 * a time, and checked as it is read (UTF-8, one JSON value, each name once per object): such a
 * defect anywhere outranks a defect the walk finds, as when the document was checked before any
 * question was made. A string or number longer than {@code -Dprefine.maxLineBytes} (64 MiB by
 * default, in UTF-8 bytes between its quotes) fails the read in both modes at the line where it
 * starts, before it is held, as an over-long line fails the line readers. Immutable and thread-safe.
 */
public final class SquadReader implements DatasetReader<QaExample> {
    private static final Logger LOG = LoggerFactory.getLogger(SquadReader.class);

    /** Skip reason (counted per answer): the answer text is not at its offset in the context. */
    public static final String ANSWER_NOT_AT_OFFSET = "answer not at its offset";
    /**
     * Flag reason (kept in both modes): a question whose id an earlier kept question of the file
     * has; its sample names both places. Scoring goes by position, so both are scored, each
     * against its own answers; an id-keyed predictions file would hold one answer for both.
     */
    public static final String DUPLICATE_ID = QuestionIds.DUPLICATE_ID;
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
    public ReadResult<QaExample> read(Path file, Leniency leniency, LongConsumer bytesRead) throws IOException {
        String name = TextFiles.shortName(file);
        ReadReport.Builder report = new ReadReport.Builder(name);
        // read once, checked as it goes: a defect of the JSON anywhere outranks the walk's, as when
        // the document was parsed whole before any question was made
        Document d = new Document(new Json.At(name, ""), leniency, report);
        try (DocumentReader doc = TextFiles.document(file, report, bytesRead)) {
            CheckedJson.read(doc, name, "a SQuAD JSON document", d::root);
        }
        Defects.requireRecords(d.questions, leniency, report, name, "$.data", "at least one question", "none");
        ReadReport r = report.records(d.questions).examples(d.out.size()).build();
        Defects.warnSkipsPerReason(LOG, r, "question");
        QuestionIds.warn(LOG, r);
        return new ReadResult<>(d.out, r);
    }

    /**
     * The walk over a document checked as it is read ({@link CheckedJson}): articles, paragraphs
     * and questions in file order, one question's tree at a time. Members may come in any order; a paragraph's questions listed
     * before its context are held until the context is read.
     */
    private static final class Document {
        /** Reads one array element at a JSON path. */
        @FunctionalInterface
        private interface Element {
            void read(JsonReader r, String path) throws IOException;
        }

        private final Json.At at;
        private final Leniency leniency;
        private final ReadReport.Builder report;
        private final List<QaExample> out = new ArrayList<>();
        private final QuestionIds ids = new QuestionIds();
        private int questions;
        private CheckedJson json;

        Document(Json.At at, Leniency leniency, ReadReport.Builder report) {
            this.at = at;
            this.leniency = leniency;
            this.report = report;
        }

        void root(CheckedJson json) throws IOException {
            this.json = json;
            JsonReader r = json.reader();
            JsonToken first;
            try {
                first = r.peek();
            } catch (java.io.EOFException e) {
                // a document Gson's tree parser reads as null (see CheckedJson.read)
                first = JsonToken.NULL;
            }
            if (first != JsonToken.BEGIN_OBJECT) {
                throw at.error("$", "an object", Json.kind(first));
            }
            elements(r, "$", "data", this::article);
        }

        private void article(JsonReader r, String ap) throws IOException {
            if (r.peek() != JsonToken.BEGIN_OBJECT) {
                throw at.error(ap, "an object", Json.kind(r.peek()));
            }
            elements(r, ap, "paragraphs", this::paragraph);
        }

        /** Reads an object, handing each element of its array member {@code key} to {@code each}. */
        private void elements(JsonReader r, String path, String key, Element each) throws IOException {
            json.beginObject();
            boolean found = false;
            while (r.hasNext()) {
                if (!json.nextName().equals(key)) {
                    json.skipValue();
                    continue;
                }
                found = true;
                requireArray(r, path + "." + key);
                json.beginArray();
                for (int i = 0; r.hasNext(); i++) {
                    each.read(r, path + "." + key + "[" + i + "]");
                }
                json.endArray();
            }
            json.endObject();
            if (!found) {
                throw at.error(path + "." + key, "an array", "nothing");
            }
        }

        private void paragraph(JsonReader r, String pp) throws IOException {
            if (r.peek() != JsonToken.BEGIN_OBJECT) {
                throw at.error(pp, "an object", Json.kind(r.peek()));
            }
            json.beginObject();
            String context = null;
            JsonElement early = null;
            boolean qas = false;
            while (r.hasNext()) {
                String member = json.nextName();
                if (member.equals("context")) {
                    if (r.peek() != JsonToken.STRING) {
                        throw at.error(pp + ".context", "a string", Json.kind(r.peek()));
                    }
                    context = r.nextString();
                } else if (member.equals("qas") && context == null) {
                    // the context is checked before the questions, wherever it stands
                    early = json.tree();
                    qas = true;
                } else if (member.equals("qas")) {
                    requireArray(r, pp + ".qas");
                    json.beginArray();
                    for (int k = 0; r.hasNext(); k++) {
                        question(json.tree(), pp + ".qas[" + k + "]", context);
                    }
                    json.endArray();
                    qas = true;
                } else {
                    json.skipValue();
                }
            }
            json.endObject();
            if (context == null) {
                throw at.error(pp + ".context", "a string", "nothing");
            }
            if (!qas) {
                throw at.error(pp + ".qas", "an array", "nothing");
            }
            if (early != null) {
                if (!early.isJsonArray()) {
                    throw at.error(pp + ".qas", "an array", Json.kind(early));
                }
                JsonArray list = early.getAsJsonArray();
                for (int k = 0; k < list.size(); k++) {
                    question(list.get(k), pp + ".qas[" + k + "]", context);
                }
            }
        }

        private void question(JsonElement q, String qp, String context) throws MalformedDatasetException {
            questions++;
            try {
                QaExample ex = SquadReader.question(at, q, qp, context, leniency, report);
                if (ex != null) {
                    out.add(ex);
                    ids.add(ex.id(), at, "", qp + ".id", report);
                }
            } catch (MalformedDatasetException e) {
                Defects.skip(leniency, report, MALFORMED_QUESTION, e);
            }
        }

        private void requireArray(JsonReader r, String path) throws IOException {
            if (r.peek() != JsonToken.BEGIN_ARRAY) {
                throw at.error(path, "an array", Json.kind(r.peek()));
            }
        }
    }

    private static QaExample question(Json.At at, JsonElement e, String qp, String context,
            Leniency leniency, ReadReport.Builder report) throws MalformedDatasetException {
        JsonObject q = at.object(e, qp);
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
