package io.github.prefine.eval.files;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.eval.internal.JsonShapes;
import io.github.prefine.eval.metrics.SquadMetrics;
import io.github.prefine.eval.metrics.SquadScore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a SQuAD-style predictions file ({@code {"question id": "answer text"}}) against a SQuAD
 * v1.1 dataset file, like the official {@code evaluate-v1.1.py}.
 *
 * <p>Every question of the dataset counts; one without a prediction scores 0 and is counted in
 * {@link SquadScore#unanswered()} (the script prints a message per question; this logs one WARN
 * with the count). Predictions for unknown ids are ignored, as in the script, and counted in a
 * WARN. Both files must be strict JSON with unique ids, and the predictions must not be empty;
 * {@link #score(Path, Path, boolean)} in strict mode also refuses missing and unknown ids.
 * Stateless.
 *
 * <p>Stateless and thread-safe.
 */
public final class SquadPredictions {
    private static final Logger LOG = LoggerFactory.getLogger(SquadPredictions.class);

    private SquadPredictions() {}

    /**
     * Reads the gold answers of a SQuAD v1.1 dataset, in file order.
     *
     * @param dataset the dataset JSON ({@code {"data": [{"paragraphs": [{"qas": [{"id", "answers": [{"text"}]}]}]}]}})
     * @return question id to its gold answer texts
     * @throws PredictionFileException if the structure differs, naming the JSON path
     * @throws IOException if reading fails
     */
    public static Map<String, List<String>> readGold(Path dataset) throws IOException {
        JsonShapes.Mismatch<PredictionFileException> bad = in(dataset);
        JsonObject root = JsonShapes.object(parse(dataset), "$", bad);
        JsonArray data = JsonShapes.array(root.get("data"), "$.data", bad);
        Map<String, List<String>> out = new LinkedHashMap<>();
        // where each id was first, so that a repeat names both places
        Map<String, String> firstAt = new java.util.HashMap<>();
        for (int a = 0; a < data.size(); a++) {
            String ap = "$.data[" + a + "]";
            JsonArray paragraphs = JsonShapes.array(JsonShapes.object(data.get(a), ap, bad).get("paragraphs"), ap + ".paragraphs",
                    bad);
            for (int p = 0; p < paragraphs.size(); p++) {
                String pp = ap + ".paragraphs[" + p + "]";
                JsonArray qas = JsonShapes.array(JsonShapes.object(paragraphs.get(p), pp, bad).get("qas"), pp + ".qas", bad);
                for (int q = 0; q < qas.size(); q++) {
                    String qp = pp + ".qas[" + q + "]";
                    JsonObject qa = JsonShapes.object(qas.get(q), qp, bad);
                    String id = JsonShapes.string(qa.get("id"), qp + ".id", bad);
                    String before = firstAt.putIfAbsent(id, qp + ".id");
                    if (before != null) {
                        // predictions are keyed by id: one answer would be scored against both questions
                        throw new PredictionFileException(dataset, qp + ".id", "a unique question id",
                                "\"" + JsonShapes.abbreviate(id) + "\" again (first at " + before + ")");
                    }
                    JsonArray answers = JsonShapes.array(qa.get("answers"), qp + ".answers", bad);
                    if (answers.isEmpty()) {
                        throw new PredictionFileException(dataset, qp + ".answers", "at least one answer", "none");
                    }
                    List<String> texts = new ArrayList<>();
                    for (int i = 0; i < answers.size(); i++) {
                        String ip = qp + ".answers[" + i + "]";
                        texts.add(JsonShapes.string(JsonShapes.object(answers.get(i), ip, bad).get("text"), ip + ".text", bad));
                    }
                    out.put(id, List.copyOf(texts));
                }
            }
        }
        return out;
    }

    /**
     * Reads a predictions file.
     *
     * @param predictions JSON object from question id to answer text
     * @return id to answer, in file order
     * @throws PredictionFileException if it is not an object of strings, naming the JSON path
     * @throws IOException if reading fails
     */
    public static Map<String, String> readPredictions(Path predictions) throws IOException {
        JsonShapes.Mismatch<PredictionFileException> bad = in(predictions);
        JsonObject root = JsonShapes.object(parse(predictions), "$", bad);
        if (root.isEmpty()) {
            throw new PredictionFileException(predictions, "$", "at least one prediction {\"question id\": \"answer\"}",
                    "an empty object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root.entrySet()) {
            out.put(e.getKey(), JsonShapes.string(e.getValue(), "$[" + new com.google.gson.Gson().toJson(e.getKey()) + "]", bad));
        }
        return out;
    }

    /**
     * Scores predictions against a dataset.
     *
     * @param dataset the SQuAD v1.1 dataset file
     * @param predictions the predictions file
     * @return EM and F1 in percent
     * @throws PredictionFileException if either file is malformed, or none of the predictions is for
     *     a question of the dataset
     * @throws IOException if reading fails
     */
    public static SquadScore score(Path dataset, Path predictions) throws IOException {
        return score(dataset, predictions, false);
    }

    /**
     * Scores predictions against a dataset, optionally refusing incomplete predictions.
     *
     * @param dataset the SQuAD v1.1 dataset file
     * @param predictions the predictions file
     * @param strict true to make a question without a prediction, or a prediction for an id the
     *     dataset does not have, an error instead of a score of 0 (or an ignored entry)
     * @return EM and F1 in percent
     * @throws PredictionFileException if either file is malformed, the dataset holds no question,
     *     none of the predictions is for a question of the dataset, or in strict mode incomplete
     * @throws IOException if reading fails
     */
    public static SquadScore score(Path dataset, Path predictions, boolean strict) throws IOException {
        Map<String, List<String>> gold = readGold(dataset);
        if (gold.isEmpty()) {
            // the script divides by zero; a score of 0 would pass for the predictions' score
            throw new PredictionFileException(dataset, "$.data", "at least one question to score", "none");
        }
        Map<String, String> pred = readPredictions(predictions);
        // no id in common: the predictions of another dataset, which would score a plain 0
        if (!gold.isEmpty() && pred.keySet().stream().noneMatch(gold::containsKey)) {
            throw new PredictionFileException(predictions, "$", "predictions for questions of " + dataset
                    + " (ids such as \"" + JsonShapes.abbreviate(gold.keySet().iterator().next()) + "\")", "none of its "
                    + pred.size() + " ids there, first \"" + JsonShapes.abbreviate(pred.keySet().iterator().next()) + "\"");
        }
        if (strict) {
            List<String> unanswered = gold.keySet().stream().filter(id -> !pred.containsKey(id)).toList();
            if (!unanswered.isEmpty()) {
                throw new PredictionFileException(predictions, "$", "a prediction for each of the " + gold.size()
                        + " questions of " + dataset, unanswered.size() + " missing, first \""
                        + JsonShapes.abbreviate(unanswered.get(0)) + "\"");
            }
            List<String> unknown = pred.keySet().stream().filter(id -> !gold.containsKey(id)).toList();
            if (!unknown.isEmpty()) {
                throw new PredictionFileException(predictions, "$[\"" + JsonShapes.abbreviate(unknown.get(0))
                        + "\"]", "ids of questions in " + dataset, Counts.counted(unknown.size(), "unknown id"));
            }
        }
        List<String> p = new ArrayList<>(gold.size());
        List<List<String>> g = new ArrayList<>(gold.size());
        gold.forEach((id, answers) -> {
            p.add(pred.get(id));
            g.add(answers);
        });
        SquadScore s = SquadMetrics.evaluate(p, g);
        if (s.unanswered() > 0) {
            LOG.warn("{} of {} questions in {} have no prediction in {} and score 0", s.unanswered(), s.total(),
                    dataset, predictions);
        }
        long unknown = pred.keySet().stream().filter(id -> !gold.containsKey(id)).count();
        if (unknown > 0) {
            LOG.warn("{} predictions in {} are for ids that {} does not have; ignored", unknown, predictions, dataset);
        }
        return s;
    }

    private static JsonElement parse(Path file) throws IOException {
        String text = StrictText.readUtf8(file);
        if (text.isBlank()) {
            throw new PredictionFileException(file, "$", "a JSON object", "an empty file");
        }
        return StrictText.parseJson(file, text, 0);
    }

    /** A mismatch of a file, named by its JSON path. */
    private static JsonShapes.Mismatch<PredictionFileException> in(Path file) {
        return (path, expected, found) -> new PredictionFileException(file, path, expected, found);
    }
}
