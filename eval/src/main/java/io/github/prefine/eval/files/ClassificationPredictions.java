package io.github.prefine.eval.files;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.eval.internal.JsonShapes;
import io.github.prefine.eval.metrics.ClassificationMetrics;
import io.github.prefine.eval.metrics.PrfScore;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads classification predictions as JSON lines ({@code {"id": .., "gold": .., "pred": ..}}) and
 * scores accuracy, macro F1 and per-class F1 like scikit-learn.
 *
 * <p>Labels may be JSON strings, numbers or booleans; a number or boolean is compared by its JSON
 * text ({@code 1} and {@code "1"} are the same label, {@code 1.0} is another); where gold and
 * predicted labels are the same numbers written differently, the score names them ({@link
 * Score#writtenDifferently()}) and {@link #score(Path)} logs one WARN. The id is optional;
 * when present it must be unique. Each line is strict JSON (no single quotes or unquoted names);
 * blank lines are ignored, and a file without any prediction is an error. Stateless.
 *
 * <p>Stateless and thread-safe.
 */
public final class ClassificationPredictions {
    private static final Logger LOG = LoggerFactory.getLogger(ClassificationPredictions.class);

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
     * Gold labels that no prediction gives, each paired with a predicted label that no gold line has
     * and that is the same number written differently ({@code 1.0} and {@code 1}, {@code 1e1} and
     * {@code 10}). By the label rule they are different labels, so such a file scores near 0 without
     * a malformed line; most often the gold was written from a float column (pandas) and the
     * predictions as integers. Labels that are not numbers, and numbers written alike, never pair.
     *
     * @param gold the gold labels, in the order the file first gives them
     * @param predicted for each gold label, the first predicted label of the same number
     */
    public record NumbersWrittenDifferently(List<String> gold, List<String> predicted) {
        /** No such labels. */
        public static final NumbersWrittenDifferently NONE = new NumbersWrittenDifferently(List.of(), List.of());

        /**
         * Copies the lists.
         *
         * @param gold see the record description
         * @param predicted see the record description
         * @throws IllegalArgumentException if the lists differ in size
         */
        public NumbersWrittenDifferently {
            gold = List.copyOf(gold);
            predicted = List.copyOf(predicted);
            if (gold.size() != predicted.size()) {
                throw new IllegalArgumentException("one predicted label per gold label, found " + gold.size()
                        + " gold and " + predicted.size() + " predicted");
            }
        }

        /**
         * Tells whether there are none.
         *
         * @return true if no gold label is a predicted label's number written differently
         */
        public boolean isEmpty() {
            return gold.isEmpty();
        }

        /**
         * Says it in one line, naming at most 5 labels of each side: {@code gold labels 1.0, 0.0 and
         * predicted labels 1, 0 are the same numbers written differently, and score as different
         * labels; write them alike}.
         *
         * @return the line, without a file name
         */
        public String message() {
            return "gold labels " + listed(gold) + " and predicted labels " + listed(predicted) + " are the same numbers"
                    + " written differently, and score as different labels; write them alike";
        }

        /** At most 5 names, so that a file with many numeric labels gives a short line. */
        private static String listed(List<String> names) {
            String shown = String.join(", ", names.subList(0, Math.min(5, names.size())));
            return names.size() > 5 ? shown + " and " + (names.size() - 5) + " more" : shown;
        }
    }

    /**
     * The scores of a classification file.
     *
     * @param accuracy accuracy in [0, 1]
     * @param macroF1 macro F1 in [0, 1]
     * @param perClass per-class scores in sorted label order
     * @param count number of examples
     * @param writtenDifferently gold and predicted labels that are the same numbers written
     *     differently, and so scored as different labels; {@link NumbersWrittenDifferently#NONE} if none
     */
    public record Score(double accuracy, double macroF1, Map<String, PrfScore> perClass, int count,
            NumbersWrittenDifferently writtenDifferently) {
        /**
         * Copies the map.
         *
         * @param accuracy see the record description
         * @param macroF1 see the record description
         * @param perClass see the record description
         * @param count see the record description
         * @param writtenDifferently see the record description
         */
        public Score {
            perClass = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(perClass));
            Objects.requireNonNull(writtenDifferently, "writtenDifferently");
        }

        /**
         * A score without labels written differently, as this record was before it named them (so that
         * code built against the four components still links).
         *
         * @param accuracy see the record description
         * @param macroF1 see the record description
         * @param perClass see the record description
         * @param count see the record description
         */
        public Score(double accuracy, double macroF1, Map<String, PrfScore> perClass, int count) {
            this(accuracy, macroF1, perClass, count, NumbersWrittenDifferently.NONE);
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
     * Reads and scores a file. Where gold and predicted labels are the same numbers written
     * differently, logs one WARN naming the file and them, as {@link
     * NumbersWrittenDifferently#message()} says it.
     *
     * @param file the JSON-lines file
     * @return accuracy, macro F1, per-class scores and the labels written differently
     * @throws PredictionFileException if the file is malformed
     * @throws IOException if reading fails
     */
    public static Score score(Path file) throws IOException {
        Score s = score(read(file));
        if (!s.writtenDifferently().isEmpty()) {
            LOG.warn("{}: {}", file, s.writtenDifferently().message());
        }
        return s;
    }

    /**
     * Scores labels already read, so that a caller that also inspects them reads the file once.
     * Labels that are the same numbers written differently are named on the score only, not logged:
     * this caller has them to say in its own words.
     *
     * @param l the gold and predicted labels, as {@link #read} returns them
     * @return accuracy, macro F1, per-class scores and the labels written differently
     */
    public static Score score(Labels l) {
        return new Score(ClassificationMetrics.accuracy(l.gold(), l.predicted()),
                ClassificationMetrics.macroF1(l.gold(), l.predicted()),
                ClassificationMetrics.perClass(l.gold(), l.predicted()), l.gold().size(), writtenDifferently(l));
    }

    /**
     * Pairs each gold label that no prediction gives with the first predicted label that no gold
     * line has and is the same number, compared as decimals with trailing zeros dropped.
     */
    private static NumbersWrittenDifferently writtenDifferently(Labels l) {
        Set<String> gold = new LinkedHashSet<>(l.gold());
        Set<String> pred = new LinkedHashSet<>(l.predicted());
        Map<BigDecimal, String> predOnly = new LinkedHashMap<>();
        for (String p : pred) {
            BigDecimal n = gold.contains(p) ? null : number(p);
            if (n != null) {
                predOnly.putIfAbsent(n, p);
            }
        }
        List<String> goldNames = new ArrayList<>();
        List<String> predNames = new ArrayList<>();
        for (String g : gold) {
            BigDecimal n = pred.contains(g) ? null : number(g);
            if (n != null && predOnly.containsKey(n)) {
                goldNames.add(g);
                predNames.add(predOnly.get(n));
            }
        }
        return goldNames.isEmpty() ? NumbersWrittenDifferently.NONE : new NumbersWrittenDifferently(goldNames, predNames);
    }

    /** The label read as a number, trailing zeros dropped so that 1.0 and 1 are one key; null if none. */
    private static BigDecimal number(String label) {
        try {
            return new BigDecimal(label).stripTrailingZeros();
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
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
