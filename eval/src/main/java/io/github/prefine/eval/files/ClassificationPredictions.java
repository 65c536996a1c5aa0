package io.github.prefine.eval.files;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.eval.internal.JsonShapes;
import io.github.prefine.eval.metrics.ClassificationMetrics;
import io.github.prefine.eval.metrics.PrfScore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads classification predictions as JSON lines ({@code {"id": .., "gold": .., "pred": ..}}) and
 * scores accuracy, macro F1 and per-class F1 like scikit-learn.
 *
 * <p>Labels may be JSON strings, numbers or booleans; a number or boolean is compared by its JSON
 * text ({@code 1} and {@code "1"} are the same label, {@code 1.0} is another). The id is optional;
 * when present it must be unique. Each line is strict JSON (no single quotes or unquoted names);
 * blank lines are ignored, and a file without any prediction is an error. Stateless.
 *
 * <p>Stateless and thread-safe.
 */
public final class ClassificationPredictions {

    private ClassificationPredictions() {}

    /**
     * Gold and predicted labels in file order.
     *
     * @param gold gold labels
     * @param predicted predicted labels
     */
    public record Labels(List<String> gold, List<String> predicted) {
        /**
         * Copies the lists.
         *
         * @param gold see the record description
         * @param predicted see the record description
         */
        public Labels {
            gold = List.copyOf(gold);
            predicted = List.copyOf(predicted);
        }
    }

    /**
     * The scores of a classification file.
     *
     * @param accuracy accuracy in [0, 1]
     * @param macroF1 macro F1 in [0, 1]
     * @param perClass per-class scores in sorted label order
     * @param count number of examples
     */
    public record Score(double accuracy, double macroF1, Map<String, PrfScore> perClass, int count) {
        /**
         * Copies the map.
         *
         * @param accuracy see the record description
         * @param macroF1 see the record description
         * @param perClass see the record description
         * @param count see the record description
         */
        public Score {
            perClass = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(perClass));
        }
    }

    /**
     * Reads labels from a JSON-lines file.
     *
     * @param file the file (UTF-8)
     * @return gold and predicted labels
     * @throws PredictionFileException if a line is not strict JSON, not an object with scalar gold
     *     and pred, repeats an id, or the file holds no prediction (file, line)
     * @throws IOException if reading fails
     */
    public static Labels read(Path file) throws IOException {
        List<String> gold = new ArrayList<>();
        List<String> pred = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        String[] lines = StrictText.readUtf8(file).split("\r\n|[\n\r]", -1);
        for (int i = 0; i < lines.length; i++) {
            int no = i + 1;
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            JsonElement e = StrictText.parseJson(file, line, no);
            if (!e.isJsonObject()) {
                throw new PredictionFileException(file, Integer.toString(no), "a JSON object", JsonShapes.describe(e));
            }
            JsonObject o = e.getAsJsonObject();
            JsonElement id = o.get("id");
            if (id != null) {
                if (!id.isJsonPrimitive()) {
                    throw new PredictionFileException(file, no + ": $.id", "a string or number id", JsonShapes.describe(id));
                }
                Integer first = ids.putIfAbsent(id.getAsJsonPrimitive().isString() ? id.getAsString() : id.toString(), no);
                if (first != null) {
                    throw new PredictionFileException(file, no + ": $.id", "a unique id",
                            JsonShapes.describe(id) + " again (first on line " + first + ")");
                }
            }
            gold.add(label(file, no, o, "gold"));
            pred.add(label(file, no, o, "pred"));
        }
        if (gold.isEmpty()) {
            throw new PredictionFileException(file, "1", "at least one prediction line {\"id\", \"gold\", \"pred\"}",
                    lines.length <= 1 && lines[0].isEmpty() ? "an empty file" : "only blank lines");
        }
        return new Labels(gold, pred);
    }

    /**
     * Reads and scores a file.
     *
     * @param file the JSON-lines file
     * @return accuracy, macro F1 and per-class scores
     * @throws PredictionFileException if the file is malformed
     * @throws IOException if reading fails
     */
    public static Score score(Path file) throws IOException {
        return score(read(file));
    }

    /**
     * Scores labels already read, so that a caller that also inspects them reads the file once.
     *
     * @param l the gold and predicted labels, as {@link #read} returns them
     * @return accuracy, macro F1 and per-class scores
     */
    public static Score score(Labels l) {
        return new Score(ClassificationMetrics.accuracy(l.gold(), l.predicted()),
                ClassificationMetrics.macroF1(l.gold(), l.predicted()),
                ClassificationMetrics.perClass(l.gold(), l.predicted()), l.gold().size());
    }

    private static String label(Path f, int no, JsonObject o, String key) throws PredictionFileException {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive()) {
            throw new PredictionFileException(f, no + ": $." + key, "a string, number or boolean label",
                    JsonShapes.describe(e));
        }
        return e.getAsJsonPrimitive().isString() ? e.getAsString() : e.toString();
    }
}
