package io.github.prefine.eval.metrics;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Entity-level precision, recall and F1 over tag sequences, identical to seqeval.
 *
 * <p>An entity counts as correct when gold and prediction contain the same span (sentence, start,
 * end, type). Scores are micro-averaged over types; an undefined ratio is 0 (seqeval's
 * {@code zero_division} default). Create with {@link #lenient()} for seqeval's default mode or
 * {@link #strict(TagScheme)} for {@code mode='strict'}. Immutable and thread-safe.
 */
public final class SpanF1 {

    private final TagScheme strictScheme;

    private SpanF1(TagScheme strictScheme) {
        this.strictScheme = strictScheme;
    }

    /**
     * seqeval's default mode: conlleval-style lenient chunking (IOB1 input works).
     *
     * @return the scorer
     */
    public static SpanF1 lenient() {
        return new SpanF1(null);
    }

    /**
     * seqeval's strict mode for a scheme.
     *
     * @param scheme the scheme every tag must follow
     * @return the scorer
     */
    public static SpanF1 strict(TagScheme scheme) {
        return new SpanF1(Objects.requireNonNull(scheme, "scheme"));
    }

    /**
     * Extracts the entities of tag sequences in this scorer's mode.
     *
     * @param sentences one tag list per sentence
     * @return the spans
     */
    public List<Span> spans(List<List<String>> sentences) {
        return strictScheme == null ? SpanExtractor.lenient(sentences) : SpanExtractor.strict(sentences, strictScheme);
    }

    /** The spans of one side; a tag the strict scheme refuses is named with its side, as gold and predicted tags look alike. */
    private List<Span> spans(List<List<String>> sentences, String side) {
        try {
            return spans(sentences);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(side + " tags: " + e.getMessage(), e);
        }
    }

    /**
     * Scores predicted against gold tag sequences.
     *
     * @param gold gold tags, one list per sentence
     * @param predicted predicted tags, same shape
     * @return micro and per-type scores
     * @throws IllegalArgumentException if there are no sentences (a score over none has no value;
     *     sentences without tags score 0, as seqeval scores them), the shapes differ (naming the first
     *     differing sentence), a tag is empty (seqeval cannot read one), or in strict mode if a tag
     *     does not fit the scheme (each naming gold or predicted, the sentence, position and tag)
     * @throws NullPointerException if a list or a sentence is null, naming it
     */
    public SpanReport score(List<List<String>> gold, List<List<String>> predicted) {
        Objects.requireNonNull(gold, "gold");
        Objects.requireNonNull(predicted, "predicted");
        if (gold.size() != predicted.size()) {
            throw new IllegalArgumentException(
                    "gold and predicted must have the same number of sentences, found " + gold.size() + " and " + predicted.size());
        }
        if (gold.isEmpty()) {
            throw new IllegalArgumentException("span F1: no sentences to score (gold and predicted are empty); a score"
                    + " over none has no value, not 0");
        }
        for (int i = 0; i < gold.size(); i++) {
            int sentence = i;
            Objects.requireNonNull(gold.get(i), () -> "gold sentence " + sentence + " is null");
            Objects.requireNonNull(predicted.get(i), () -> "predicted sentence " + sentence + " is null");
            if (gold.get(i).size() != predicted.get(i).size()) {
                throw new IllegalArgumentException("sentence " + i + ": gold and predicted must have the same length, found "
                        + gold.get(i).size() + " and " + predicted.get(i).size());
            }
        }
        Set<Span> goldSpans = new HashSet<>(spans(gold, "gold"));
        Set<Span> predSpans = new HashSet<>(spans(predicted, "predicted"));
        TreeMap<String, int[]> counts = new TreeMap<>(); // tp, pred, gold
        for (Span s : goldSpans) {
            counts.computeIfAbsent(s.type(), k -> new int[3])[2]++;
        }
        for (Span s : predSpans) {
            int[] c = counts.computeIfAbsent(s.type(), k -> new int[3]);
            c[1]++;
            if (goldSpans.contains(s)) {
                c[0]++;
            }
        }
        int tp = 0;
        int pred = 0;
        int gld = 0;
        Map<String, PrfScore> perType = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            tp += c[0];
            pred += c[1];
            gld += c[2];
            perType.put(e.getKey(), PrfScore.fromCountsSeqeval(c[0], c[1], c[2]));
        }
        return new SpanReport(PrfScore.fromCountsSeqeval(tp, pred, gld), perType);
    }
}
