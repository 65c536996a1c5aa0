package io.github.prefine.core.task;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.features.ChoiceFeatures;
import io.github.prefine.core.features.ClassificationFeatures;
import io.github.prefine.core.features.FeatureReport;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.QaFeatures;
import io.github.prefine.core.features.TokenClassificationFeatures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.evaluator.EvaluationResult;
import io.github.prefine.eval.evaluator.Evaluator;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.eval.metrics.SquadMetrics;
import io.github.prefine.eval.qa.QaAnswer;
import io.github.prefine.eval.qa.QaPostProcessor;
import io.github.prefine.eval.qa.QaWindow;
import java.io.IOException;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Featurizes real examples with the project's own featurizers and sends the gold back through the
 * project's own way out: QA training targets are mapped to context text through the kept offsets
 * and scored with SQuAD v1.1 EM/F1 against the gold answers, and the same targets fed as logits
 * through the QA decoding; sequence-labelling training labels are fed as logits through the
 * first-sub-token prediction path and scored with seqeval; classification label ids are mapped back
 * to names. Whatever falls short of the ceiling is counted by cause.
 */
final class FeaturizationOracle {
    private FeaturizationOracle() {}

    /** Large enough that a gold pair outscores every other pair of the decoder. */
    private static final float GOLD = 10f;

    /** Returns at most {@code n} examples drawn with a fixed seed, in file order (all when n is 0). */
    static List<Example> sample(List<Example> examples, int n, long seed) {
        if (n <= 0 || examples.size() <= n) {
            return examples;
        }
        Integer[] idx = new Integer[examples.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        List<Integer> order = new ArrayList<>(Arrays.asList(idx));
        java.util.Collections.shuffle(order, new Random(seed));
        List<Integer> kept = new ArrayList<>(order.subList(0, n));
        kept.sort(null);
        List<Example> out = new ArrayList<>(n);
        for (int i : kept) {
            out.add(examples.get(i));
        }
        return out;
    }

    /** Counts by cause, with the first few samples of each, for one split. */
    abstract static class Tally {
        final String name;
        final Map<String, Integer> causes = new TreeMap<>();
        final List<String> samples = new ArrayList<>();
        FeatureReport report;

        Tally(String name) {
            this.name = name;
        }

        void cause(String c, String sample) {
            if (causes.merge(c, 1, Integer::sum) <= 3) {
                samples.add(c + ": " + sample);
            }
        }
    }

    /** What the QA oracle found on one split. */
    static final class QaResult extends Tally {
        int examples;
        int labelled;
        /** Labelled examples whose first answer was placed in at least one window. */
        int placed;
        /** Of those, the ones whose token span covers exactly the answer's characters. */
        int exact;
        double emSum;
        double f1Sum;
        double emExactSum;
        int decodedGold;
        EvaluationResult decodeScore;
        final Map<String, Integer> decodeCauses = new TreeMap<>();

        QaResult(String name) {
            super(name);
        }

        double em() {
            return placed == 0 ? 0 : 100.0 * emSum / placed;
        }

        void decodeCause(String c, String sample) {
            if (decodeCauses.merge(c, 1, Integer::sum) <= 3) {
                samples.add("decode: " + c + ": " + sample);
            }
        }

        double f1() {
            return placed == 0 ? 0 : 100.0 * f1Sum / placed;
        }

        double emExact() {
            return exact == 0 ? 100 : 100.0 * emExactSum / exact;
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT,
                    "%-44s examples %5d labelled %5d placed %5d exact %5d | oracle EM %6.2f F1 %6.2f (exact-boundary EM %6.2f)"
                            + " | decode F1 %6.2f (gold text back %d) | %s",
                    name, examples, labelled, placed, exact, em(), f1(), emExact(),
                    decodeScore == null ? Double.NaN : decodeScore.percent(), decodedGold, causes) + " decode " + decodeCauses;
        }
    }

    /** Runs the QA oracle on one split's examples. */
    static QaResult qa(String name, List<Example> examples, SubwordTokenizer tok, FeatureSettings settings)
            throws IOException {
        ExtractiveQa format = new ExtractiveQa();
        QaFeatures f = (QaFeatures) format.featurize(examples, List.of(), tok, settings, name);
        QaResult out = new QaResult(name);
        out.report = f.report();
        out.examples = examples.size();
        int[] firstRow = new int[examples.size()];
        Arrays.fill(firstRow, -1);
        boolean[] hasRow = new boolean[examples.size()];
        List<float[]> logits = new ArrayList<>(f.size());
        for (int r = 0; r < f.size(); r++) {
            int i = f.exampleIndex(r);
            hasRow[i] = true;
            int s = f.startPosition(r);
            int e = f.endPosition(r);
            float[] lg = new float[2 * f.tokens().length(r)];
            if (s != 0 || e != 0) {
                QaExample ex = (QaExample) examples.get(i);
                if (!f.isContext(r, s) || !f.isContext(r, e) || e < s) {
                    out.cause("target outside the context", ex.id() + " row " + r + " [" + s + ", " + e + "]");
                } else {
                    if (firstRow[i] < 0) {
                        firstRow[i] = r;
                    } else {
                        int r0 = firstRow[i];
                        int a0 = f.charStart(r0, f.startPosition(r0));
                        int b0 = f.charEnd(r0, f.endPosition(r0));
                        if (a0 != f.charStart(r, s) || b0 != f.charEnd(r, e)) {
                            out.cause("windows disagree on the span", ex.id());
                        }
                    }
                    lg[2 * s] = GOLD;
                    lg[2 * e + 1] = GOLD;
                }
            }
            logits.add(lg);
        }
        Set<String> skipped = new HashSet<>(f.report().skippedIds());
        List<List<Integer>> rowsOf = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            rowsOf.add(new ArrayList<>());
        }
        for (int r = 0; r < f.size(); r++) {
            rowsOf.get(f.exampleIndex(r)).add(r);
        }
        QaAnswersLens lens = new QaAnswersLens();
        for (int i = 0; i < examples.size(); i++) {
            QaExample ex = (QaExample) examples.get(i);
            if (ex.answers().isEmpty()) {
                continue;
            }
            out.labelled++;
            GoldAnswer a = ex.answers().get(0);
            if (!hasRow[i]) {
                out.cause(skipped.contains(ex.id()) ? "skipped by the featurizer" : "no window and not reported", ex.id());
                continue;
            }
            int r = firstRow[i];
            if (r < 0) {
                out.cause("answer in no single window", ex.id());
                continue;
            }
            out.placed++;
            int cs = f.charStart(r, f.startPosition(r));
            int ce = f.charEnd(r, f.endPosition(r));
            String text = ex.context().substring(cs, ce);
            double em = SquadMetrics.maxExactMatch(text, ex.references());
            double f1 = SquadMetrics.maxF1(text, ex.references());
            out.emSum += em;
            out.f1Sum += f1;
            if (cs == a.start() && ce == a.end()) {
                out.exact++;
                out.emExactSum += em;
                if (em < 1) {
                    out.cause("exact span but EM 0", ex.id() + " '" + text + "' vs " + ex.references());
                }
            } else {
                out.cause("boundary inside a token: " + lens.why(ex.context(), a, cs, ce),
                        ex.id() + " gold '" + a.text() + "' [" + a.start() + "," + a.end() + ") got '" + text + "' ["
                                + cs + "," + ce + ")");
            }
            // the decoder on this example's windows alone must give the target's text back
            List<QaWindow> wins = new ArrayList<>();
            for (int w : rowsOf.get(i)) {
                wins.add(ExtractiveQa.window(f, w, logits.get(w)));
            }
            QaAnswer got = DECODER.answer(ex.context(), wins);
            int tokens = f.endPosition(r) - f.startPosition(r) + 1;
            if (got.found() && got.text().equals(text)) {
                out.decodedGold++;
            } else if (tokens > DECODER.maxAnswerLength()) {
                out.decodeCause("answer longer than " + DECODER.maxAnswerLength() + " tokens", ex.id() + " " + tokens);
            } else {
                out.decodeCause("decoder returned another span", ex.id() + " '" + text + "' decoded "
                        + (got.found() ? "'" + got.text() + "'" : "nothing"));
            }
        }
        // the prediction path: gold start/end as logits through the project's QA scoring
        Evaluator ev = Evaluator.builder().setMetric(MetricType.SQUAD_F1).build();
        out.decodeScore = format.score(f, examples, List.of(), logits, 2, ev);
        return out;
    }

    private static final QaPostProcessor DECODER = QaPostProcessor.builder().build();

    private static boolean symbolsOnly(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            int t = Character.getType(s.charAt(i));
            if (t != Character.CURRENCY_SYMBOL && t != Character.MATH_SYMBOL && t != Character.MODIFIER_SYMBOL
                    && t != Character.OTHER_SYMBOL) {
                return false;
            }
        }
        return true;
    }

    /** Classifies why a token span does not cover exactly the gold answer. */
    static final class QaAnswersLens {
        String why(String context, GoldAnswer a, int cs, int ce) {
            String t = a.text();
            if (!t.isEmpty() && (Character.isWhitespace(t.charAt(0)) || Character.isWhitespace(t.charAt(t.length() - 1)))) {
                return "answer starts or ends with whitespace";
            }
            boolean startCut = cs != a.start() && a.start() > 0
                    && Character.isLetterOrDigit(context.charAt(a.start() - 1))
                    && Character.isLetterOrDigit(context.charAt(a.start()));
            boolean endCut = ce != a.end() && a.end() < context.length()
                    && Character.isLetterOrDigit(context.charAt(a.end() - 1))
                    && Character.isLetterOrDigit(context.charAt(a.end()));
            if (startCut || endCut) {
                return "gold cuts a word";
            }
            if (symbolsOnly(context, Math.min(cs, a.start()), Math.max(cs, a.start()))
                    && symbolsOnly(context, Math.min(ce, a.end()), Math.max(ce, a.end()))) {
                return "a symbol glued to the word (a currency sign, not punctuation to either tokenizer)";
            }
            if (ce == a.end() && cs == a.start() - 1 && Character.isWhitespace(context.charAt(cs))) {
                return "token offset holds the space before the word (Metaspace)";
            }
            return "token crosses the gold boundary";
        }
    }

    /** What the sequence-labelling oracle found on one split. */
    static final class SlResult extends Tally {
        int sentences;
        int skipped;
        int truncated;
        /** Sentences neither skipped nor truncated whose tags came back unchanged. */
        int intact;
        int checked;
        EvaluationResult score;
        EvaluationResult untruncatedScore;

        SlResult(String name) {
            super(name);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT,
                    "%-40s sentences %6d skipped %4d truncated %4d | untruncated %6d back intact %6d, span F1 %6.2f"
                            + " | all sentences span F1 %6.2f | %s",
                    name, sentences, skipped, truncated, checked, intact, untruncatedScore.percent(), score.percent(),
                    causes);
        }
    }

    /** Each row's training labels as logits: a one-hot row on every first sub-token with a label. */
    static List<float[]> goldTagLogits(TokenClassificationFeatures f, int width) {
        List<float[]> logits = new ArrayList<>(f.size());
        for (int r = 0; r < f.size(); r++) {
            int len = f.tokens().length(r);
            float[] lg = new float[len * width];
            for (int p = 0; p < len; p++) {
                int l = f.label(r, p);
                if (f.isFirstSubToken(r, p) && l >= 0) {
                    lg[p * width + l] = GOLD;
                }
            }
            logits.add(lg);
        }
        return logits;
    }

    /** The row of each example, -1 for an example without one (a sentence is at most one row). */
    static int[] rowOfExample(Features f, int examples) {
        int[] rowOf = new int[examples];
        Arrays.fill(rowOf, -1);
        for (int r = 0; r < f.size(); r++) {
            rowOf[f.exampleIndex(r)] = r;
        }
        return rowOf;
    }

    /** Whether BERT's normalizer empties the word: format and control characters, combining marks, U+FFFD. */
    static boolean emptiedByBert(String word) {
        // a loop, not a stream: called on every word of the shared SL data
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            int t = Character.getType(c);
            if (t != Character.FORMAT && t != Character.CONTROL && t != Character.NON_SPACING_MARK && c != 0xFFFD) {
                return false;
            }
        }
        return true;
    }

    /** The real tokenizers of the shared folder: BERT uncased WordPiece, then the XLM-R fixture. */
    static final List<String> TOKENIZERS = List.of(
            "models/all-MiniLM-L6-v2/tokenizer.json", "fixtures/hf-reference/xlm-roberta/tokenizer.json");

    /**
     * Tasks read for the second of the two classes that audit the same SL and QA tasks ({@link
     * FeaturizationOracleTest} and {@link FeaturizationRoundTripTest}, one JVM, either order),
     * softly held so that a heap in need takes them back.
     */
    private static final Map<String, SoftReference<TaskData>> READ = new ConcurrentHashMap<>();

    /**
     * Reads a task leniently, as both classes do, once for the two: the first read is kept, the
     * second use takes it and lets it go (the data are immutable, and the same files read again
     * would give the same).
     */
    static TaskData readOnceForBoth(Task t, java.nio.file.Path data) throws IOException {
        SoftReference<TaskData> kept = READ.remove(t.name() + " " + data);
        TaskData d = kept == null ? null : kept.get();
        if (d == null) {
            d = t.load(data, io.github.prefine.core.data.Leniency.LENIENT);
            READ.put(t.name() + " " + data, new SoftReference<>(d));
        }
        return d;
    }

    /** The catalog's tasks of a group with at least one file under the data root. */
    static List<Task> available(java.nio.file.Path data, TaskGroup group) {
        List<Task> out = new ArrayList<>();
        for (Task t : TaskCatalog.all()) {
            if (t.group() == group && t.source().missing(data).size() < t.source().files().size()) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Runs the sequence-labelling oracle: the training label of every first sub-token becomes a
     * one-hot logit row, which the task's own scoring maps back to words.
     */
    static SlResult sl(String name, List<Example> examples, List<String> labels, SubwordTokenizer tok,
            FeatureSettings settings) throws IOException {
        TokenClassification format = new TokenClassification();
        TokenClassificationFeatures f = (TokenClassificationFeatures) format.featurize(examples, labels, tok, settings, name);
        SlResult out = new SlResult(name);
        out.report = f.report();
        out.sentences = examples.size();
        int width = labels.size();
        List<float[]> logits = goldTagLogits(f, width);
        int[] rowOf = rowOfExample(f, examples.size());
        Evaluator ev = Evaluator.builder().setMetric(MetricType.SPAN_F1).build();
        out.score = format.score(f, examples, labels, logits, width, ev);
        // per sentence, through the scoring's own word predictions, to name what falls short
        List<List<String>> predicted = format.predictedTags(f, examples, labels, logits, width);
        Set<String> skippedIds = new HashSet<>(f.report().skippedIds());
        List<List<String>> gold = new ArrayList<>();
        List<List<String>> kept = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            TokenExample ex = (TokenExample) examples.get(i);
            int r = rowOf[i];
            if (r < 0) {
                out.skipped++;
                if (!skippedIds.contains(ex.id())) {
                    out.cause("no row and not reported", ex.id());
                }
                continue;
            }
            int[] words = f.firstTokenWords(r);
            int lastWord = words.length == 0 ? -1 : words[words.length - 1];
            if (lastWord < ex.tokens().size() - 1 && f.tokens().length(r) == settings.maxLength()) {
                out.truncated++;
                continue;
            }
            out.checked++;
            List<String> pred = predicted.get(i);
            gold.add(ex.tags());
            kept.add(pred);
            if (pred.equals(ex.tags())) {
                out.intact++;
            } else {
                out.cause(why(ex, pred, words), ex.id() + " " + diff(ex, pred));
            }
        }
        out.untruncatedScore = ev.evaluateTags(gold, kept);
        return out;
    }

    private static String why(TokenExample ex, List<String> pred, int[] words) {
        Set<Integer> have = new HashSet<>();
        for (int w : words) {
            have.add(w);
        }
        for (int w = 0; w < ex.tags().size(); w++) {
            if (!have.contains(w) && !ex.tags().get(w).equals("O")) {
                boolean inside = w + 1 < ex.tags().size() && ex.tags().get(w + 1).startsWith("I-");
                return inside ? "word without sub-tokens inside an entity" : "word without sub-tokens ends an entity";
            }
        }
        for (int w = 0; w < ex.tags().size(); w++) {
            if (!pred.get(w).equals(ex.tags().get(w)) && have.contains(w)) {
                return "tag changed on a word with sub-tokens";
            }
        }
        return "other";
    }

    private static String diff(TokenExample ex, List<String> pred) {
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < pred.size(); w++) {
            if (!pred.get(w).equals(ex.tags().get(w))) {
                sb.append(" '").append(ex.tokens().get(w)).append("' ").append(ex.tags().get(w)).append("->").append(pred.get(w));
            }
        }
        return sb.toString();
    }

    /** What the classification round trip found on one split. */
    static final class ClsResult extends Tally {
        int examples;
        int labelled;
        int rows;
        int roundTrips;
        int skipped;
        EvaluationResult score;

        ClsResult(String name) {
            super(name);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%-36s examples %6d labelled %6d rows %6d label id -> name back"
                    + " %6d | skipped %d (reported %d) | gold-as-logits %s %6.2f | mismatches %s", name, examples,
                    labelled, rows, roundTrips, skipped, report.skippedCount(), score.metric(), score.percent(), samples);
        }
    }

    /**
     * Runs the classification round trip: each row's label id must name its example's gold label,
     * and the gold ids fed as logits through the task's scoring must score 100.
     */
    static ClsResult classification(Task task, String name, List<Example> examples, List<String> labels,
            SubwordTokenizer tok, FeatureSettings settings) throws IOException {
        TaskFormat format = task.format();
        Features f = format.featurize(examples, labels, tok, settings, name);
        ClsResult out = new ClsResult(name);
        out.report = f.report();
        out.examples = examples.size();
        int width = format.numClasses(labels);
        boolean[] seen = new boolean[examples.size()];
        List<float[]> logits = new ArrayList<>();
        for (int u = 0; u < f.size(); u++) {
            int i = f.exampleIndex(u);
            seen[i] = true;
            out.rows++;
            Example e = examples.get(i);
            int id;
            String gold;
            String back;
            if (f instanceof ChoiceFeatures c) {
                id = c.label(u);
                gold = Integer.toString(((ChoiceExample) e).label());
                back = Integer.toString(id);
            } else {
                id = ((ClassificationFeatures) f).label(u);
                gold = ((TextExample) e).label();
                back = id >= 0 && id < labels.size() ? labels.get(id) : null;
            }
            if (gold != null && !gold.equals("-1")) {
                if (gold.equals(back)) {
                    out.roundTrips++;
                } else {
                    out.cause("label id names another label", e.id() + " gold " + gold + " id " + id + " -> " + back);
                }
            }
            float[] lg = new float[width];
            if (id >= 0 && id < width) {
                lg[id] = GOLD;
            }
            logits.add(lg);
        }
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            boolean labelled = e instanceof ChoiceExample c ? c.label() >= 0 : ((TextExample) e).label() != null;
            out.labelled += labelled ? 1 : 0;
            out.skipped += seen[i] ? 0 : 1;
        }
        Evaluator ev = Evaluator.builder().setMetric(task.metric()).build();
        out.score = format.score(f, examples, labels, logits, width, ev);
        return out;
    }
}
