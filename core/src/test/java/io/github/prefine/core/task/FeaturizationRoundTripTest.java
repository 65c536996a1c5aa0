package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.ReadReport;
import io.github.prefine.core.data.SquadReader;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.features.FeatureReport;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.QaFeatures;
import io.github.prefine.core.features.QaFeaturizer;
import io.github.prefine.core.features.TokenClassificationFeatures;
import io.github.prefine.core.features.TokenClassificationFeaturizer;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import io.github.prefine.core.tokenize.Truncation;
import io.github.prefine.eval.metrics.SquadMetrics;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Round trip of every gold label of the shared data through featurization and back, the way
 * training featurizes and predictions come back, with the WordPiece tokenizer of all-MiniLM-L6-v2
 * and the SentencePiece (Metaspace, NFKC) tokenizer of the XLM-R fixture, on the training and
 * validation splits as training takes them ({@link FeaturizedTask#sampledExamples}: a task without
 * a validation file holds a fifth of train out).
 *
 * <p>By default each split is sampled (seed 7) to {@value #SL_SAMPLE} sentences and {@value
 * #QA_SAMPLE} questions, and to these are added the examples that hold the cases the round trip is
 * about, chosen from the text alone, before any tokenizer sees it: the {@value #LONGEST} longest
 * sentences (which the maximum length cuts, where any is) and every sentence holding a word BERT's
 * normalizer empties; the {@value #LONGEST} questions with the longest answers (in no single window,
 * where any is) and every question with an answer that starts or ends with whitespace or touches a
 * letter, digit, symbol or mark outside it (a boundary inside a token). The SL and QA cases assert
 * that their samples met each of these. {@code -Dprefine.oracle.full=true} runs every example, as
 * it does for {@link FeaturizationOracleTest}, and prints the figures that {@code docs/data-layout.md}
 * quotes.
 *
 * <p>Sequence labelling: the training label of each first sub-token goes back through {@link
 * TokenClassification#predictedTags} as a one-hot logit; every word the maximum length does not cut
 * must come back with its gold tag. Which words are cut is counted independently, from the
 * tokenizer's untruncated encoding of the sentence (a word is cut when its first sub-token falls
 * past the room the special tokens leave), and must equal the feature report's {@code words cut by
 * truncation} and each row's {@link TokenClassificationFeatures#firstCutWord}.
 *
 * <p>QA: every distinct gold answer of every question (not only the first, which training uses)
 * becomes its own question; its token span is mapped back to context characters through {@link
 * QaFeatures#charStart}/{@link QaFeatures#charEnd}, the offsets prediction and evaluation decode
 * with. Wherever the featurizer kept the answer the text must equal the answer, exactly or after
 * SQuAD v1.1 normalisation, unless the featurizer counted its boundary inside a token; answers not
 * kept must be the featurizer's skips and its {@code answer in no single window}. For SQuAD-format
 * files the reader's dropped answers are recounted from the raw JSON.
 *
 * <p>Hand-made: every character beside or between words, through both (no data set holds most).
 *
 * <p>Skips with a printed reason when {@code ../shared/data} (or a tokenizer) is absent.
 */
class FeaturizationRoundTripTest {
    static final int SL_SAMPLE = 300;
    static final int QA_SAMPLE = 300;
    static final int LONGEST = 40;
    private static final long SEED = 7L;
    private static final boolean FULL = Boolean.getBoolean("prefine.oracle.full");
    private static final String WORDS_CUT = TokenClassificationFeaturizer.WORDS_CUT;
    private static final String NO_WINDOW = QaFeaturizer.NO_SINGLE_WINDOW;
    private static final String BOUNDARY = "answer boundary inside a token";

    /** Each tokenizer of {@link FeaturizationOracle#TOKENIZERS}, loaded once for every case. */
    private static final Map<String, SubwordTokenizer> TOKENIZERS = new LinkedHashMap<>();
    /** The same tokenizers without truncation: the ground truth of where each word's pieces fall. */
    private static final Map<String, SubwordTokenizer> UNTRUNCATED = new LinkedHashMap<>();

    @BeforeAll
    static void loadTokenizers() throws IOException {
        for (String path : FeaturizationOracle.TOKENIZERS) {
            Path file = SharedFixtures.require(path);
            TOKENIZERS.put(path, SubwordTokenizer.builder().setTokenizerPath(file).build());
            UNTRUNCATED.put(path, SubwordTokenizer.builder().setTokenizerPath(file).optTruncation(Truncation.NONE)
                    .optMaxLength(1 << 20).build());
        }
    }

    @AfterAll
    static void closeTokenizers() {
        TOKENIZERS.values().forEach(SubwordTokenizer::close);
        UNTRUNCATED.values().forEach(SubwordTokenizer::close);
    }

    private static String kind(String path) {
        return path.contains("xlm") ? "xlmr" : "bert";
    }

    /** One split of one task, featurized with one tokenizer. */
    @FunctionalInterface
    interface SplitCheck {
        void check(String name, TaskData data, List<Example> examples, String tokenizerPath, SubwordTokenizer tok)
                throws IOException;
    }

    /**
     * Runs the check on the training and validation splits of every task of the group, each split
     * sampled by {@code sample} (all of it when {@link #FULL}), with each tokenizer; each task is
     * read once.
     */
    private static void eachSplit(TaskGroup group, UnaryOperator<List<Example>> sample, SplitCheck check)
            throws IOException {
        Path data = SharedFixtures.require("data");
        for (Task t : FeaturizationOracle.available(data, group)) {
            TaskData d = FeaturizationOracle.readOnceForBoth(t, data);
            // the examples training featurizes: a task without a validation file holds some of train out;
            // SQuAD's train file is not in the shared data, so its dev file is read alone
            Map<Split, List<Example>> splits = d.split(Split.TRAIN).isEmpty() ? d.splits()
                    : FeaturizedTask.sampledExamples(d, FeatureSettings.paper());
            for (Split split : List.of(Split.TRAIN, Split.VALIDATION)) {
                List<Example> all = splits.get(split);
                if (all == null) {
                    continue;
                }
                List<Example> ex = FULL ? all : sample.apply(all);
                for (String path : FeaturizationOracle.TOKENIZERS) {
                    String name = t.name() + "/" + split.name().toLowerCase(Locale.ROOT) + " " + kind(path);
                    check.check(ex.size() < all.size() ? name + " (" + ex.size() + " of " + all.size() + ")" : name,
                            d, ex, path, TOKENIZERS.get(path));
                }
            }
        }
    }

    /**
     * A seeded sample of {@code n} examples, the {@value #LONGEST} largest by {@code size} and every
     * example {@code edge} holds, in file order.
     */
    private static List<Example> sample(List<Example> all, int n, ToIntFunction<Example> size, Predicate<Example> edge) {
        Set<Example> chosen = Collections.newSetFromMap(new IdentityHashMap<>());
        chosen.addAll(FeaturizationOracle.sample(all, n, SEED));
        // each size computed once, not at every comparison of the sort
        long[] bySize = new long[all.size()];
        for (int i = 0; i < bySize.length; i++) {
            bySize[i] = (long) size.applyAsInt(all.get(i)) << 32 | i;
        }
        Arrays.sort(bySize);
        for (int k = 0; k < Math.min(LONGEST, bySize.length); k++) {
            chosen.add(all.get((int) bySize[bySize.length - 1 - k]));
        }
        List<Example> out = new ArrayList<>();
        for (Example e : all) {
            if (chosen.contains(e) || edge.test(e)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Sentences: the seeded sample, the longest (code points and word breaks) and those with a word BERT empties. */
    static List<Example> slSample(List<Example> all) {
        return sample(all, SL_SAMPLE, e -> {
            int size = 0;
            for (String w : ((TokenExample) e).tokens()) {
                size += w.codePointCount(0, w.length()) + 1;
            }
            return size;
        }, e -> {
            for (String w : ((TokenExample) e).tokens()) {
                if (FeaturizationOracle.emptiedByBert(w)) {
                    return true;
                }
            }
            return false;
        });
    }

    /** Questions: the seeded sample, those with the longest answers and those with an answer at an awkward boundary. */
    static List<Example> qaSample(List<Example> all) {
        return sample(all, QA_SAMPLE, e -> ((QaExample) e).answers().stream().mapToInt(a -> a.text().length()).max()
                .orElse(0), e -> ((QaExample) e).answers().stream().anyMatch(a -> awkward(((QaExample) e).context(), a)));
    }

    /**
     * An answer that starts or ends with whitespace, or beside a character that is neither
     * whitespace nor punctuation (a letter, digit, symbol or mark): where a token can cross its boundary.
     */
    private static boolean awkward(String context, GoldAnswer a) {
        String t = a.text();
        if (t.isEmpty() || Character.isWhitespace(t.codePointAt(0)) || Character.isWhitespace(t.codePointBefore(t.length()))) {
            return true;
        }
        return a.start() > 0 && glues(context.codePointBefore(a.start()))
                || a.end() < context.length() && glues(context.codePointAt(a.end()));
    }

    private static boolean glues(int cp) {
        int type = Character.getType(cp);
        boolean punctuation = type >= Character.DASH_PUNCTUATION && type <= Character.OTHER_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION;
        return !Character.isWhitespace(cp) && !Character.isSpaceChar(cp) && !punctuation;
    }

    /** Counts by class with the first few samples of each. */
    static final class Classes {
        final Map<String, Integer> counts = new TreeMap<>();
        final List<String> samples = new ArrayList<>();

        void add(String c, String sample) {
            if (counts.merge(c, 1, Integer::sum) <= 3) {
                samples.add(c + ": " + sample);
            }
        }

        int get(String c) {
            return counts.getOrDefault(c, 0);
        }
    }

    /** What the SL round trip found on one split with one tokenizer. */
    static final class SlTrip {
        int sentences;
        int skippedSentences;
        long words;
        long checked;
        long back;
        long cut;
        int sentencesCut;
        /** Words checked that have no sub-tokens (emptied by the normalizer). */
        long withoutPieces;
        final Classes mismatches = new Classes();
        FeatureReport report;

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "sentences %6d (skipped %d) words %7d: checked %7d, back with their tag %7d,"
                    + " cut %6d in %5d sentences (report: %d words, %d sentences truncated) | mismatches %s", sentences,
                    skippedSentences, words, checked, back, cut, sentencesCut, report.counters().getOrDefault(WORDS_CUT, 0L),
                    report.truncated(), mismatches.counts);
        }
    }

    /**
     * Featurizes the sentences as training does and brings the gold tags back to words through the
     * prediction path.
     *
     * @param plain the tokenizer without truncation, which tells the words cut; null for sentences too
     *     short to be cut, where every row must be below the maximum length (a cut row fills it)
     */
    static SlTrip sl(List<Example> examples, List<String> labels, SubwordTokenizer tok, SubwordTokenizer plain,
            FeatureSettings settings, String name) throws IOException {
        TokenClassification format = new TokenClassification();
        TokenClassificationFeatures f = (TokenClassificationFeatures) format.featurize(examples, labels, tok, settings, name);
        SlTrip out = new SlTrip();
        out.report = f.report();
        out.sentences = examples.size();
        int width = labels.size();
        List<float[]> logits = FeaturizationOracle.goldTagLogits(f, width);
        int[] rowOf = FeaturizationOracle.rowOfExample(f, examples.size());
        List<List<String>> predicted = format.predictedTags(f, examples, labels, logits, width);
        Set<String> skipped = new HashSet<>(f.report().skippedIds());
        List<List<String>> kept = new ArrayList<>();
        List<Integer> keptIndex = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            TokenExample ex = (TokenExample) examples.get(i);
            out.words += ex.tokens().size();
            if (rowOf[i] < 0) {
                out.skippedSentences++;
                assertTrue(skipped.contains(ex.id()), name + ": " + ex.id() + " has no row and is not reported");
                continue;
            }
            kept.add(ex.tokens());
            keptIndex.add(i);
        }
        List<TokenEncoding> truth = plain == null ? null : plain.encodeWordsBatch(kept);
        for (int k = 0; k < kept.size(); k++) {
            int i = keptIndex.get(k);
            TokenExample ex = (TokenExample) examples.get(i);
            int n = ex.tokens().size();
            int[] first;
            int lastEnd;
            int room;
            if (truth != null) {
                TokenEncoding e = truth.get(k);
                first = firstPositions(e, n);
                lastEnd = lastPosition(e);
                // a word is cut when its first piece lands where the special tokens after the sentence go
                room = settings.maxLength() - (e.length() - 1 - lastEnd);
            } else {
                // short sentences: a row below the maximum length was not cut, so it is its own
                // untruncated encoding, and tells which words have pieces
                assertTrue(f.tokens().length(rowOf[i]) < settings.maxLength(), name + ": " + ex.id() + " fills the"
                        + " maximum length; pass the untruncated tokenizer");
                first = new int[n];
                Arrays.fill(first, -1);
                int[] words = f.firstTokenWords(rowOf[i]);
                for (int w : words) {
                    first[w] = 0;
                }
                lastEnd = -1;
                room = Integer.MAX_VALUE;
            }
            // a word without pieces is cut with the next word that has pieces, or when the sentence was cut before it
            boolean[] isCut = new boolean[n];
            boolean later = false;
            for (int w = n - 1; w >= 0; w--) {
                if (first[w] >= 0) {
                    later = true;
                    isCut[w] = first[w] >= room;
                } else {
                    isCut[w] = later ? isCut[w + 1] : lastEnd >= room;
                }
            }
            int firstCut = -1;
            for (int w = 0; w < n; w++) {
                if (isCut[w]) {
                    firstCut = w;
                    break;
                }
            }
            for (int w = firstCut < 0 ? n : firstCut; w < n; w++) {
                assertTrue(isCut[w], name + ": " + ex.id() + " word " + w + " after a cut word is not cut");
            }
            int row = rowOf[i];
            if (firstCut >= 0) {
                out.sentencesCut++;
                out.cut += n - firstCut;
                assertEquals(firstCut, f.firstCutWord(row), name + ": " + ex.id() + " first word cut");
            } else {
                int reported = f.firstCutWord(row);
                assertTrue(reported < 0 || reported == n, name + ": " + ex.id() + " reports word " + reported + " cut");
            }
            List<String> pred = predicted.get(i);
            for (int w = 0; w < (firstCut < 0 ? n : firstCut); w++) {
                out.checked++;
                out.withoutPieces += first[w] < 0 ? 1 : 0;
                String gold = ex.tags().get(w);
                if (pred.get(w).equals(gold)) {
                    out.back++;
                } else {
                    String c = first[w] >= 0 ? "tag changed on a word with sub-tokens" : "word without sub-tokens";
                    out.mismatches.add(c, ex.id() + " word " + w + " '" + escaped(ex.tokens().get(w)) + "' " + gold
                            + " -> " + pred.get(w));
                }
            }
        }
        return out;
    }

    /** Each word's first position in an untruncated encoding, -1 for a word without pieces. */
    private static int[] firstPositions(TokenEncoding e, int words) {
        int[] first = new int[words];
        Arrays.fill(first, -1);
        int[] wid = e.wordIds();
        for (int p = 0; p < e.length(); p++) {
            if (wid[p] >= 0 && first[wid[p]] < 0) {
                first[wid[p]] = p;
            }
        }
        return first;
    }

    private static int lastPosition(TokenEncoding e) {
        int last = -1;
        for (int p = 0; p < e.length(); p++) {
            if (e.wordIds()[p] >= 0) {
                last = p;
            }
        }
        return last;
    }

    /** What the QA round trip found on one split with one tokenizer. */
    static final class QaTrip {
        int questions;
        int answers;
        int skipped;
        int noWindow;
        int placed;
        int exact;
        int normalised;
        int boundary;
        final Classes notExact = new Classes();
        final Classes mismatches = new Classes();
        FeatureReport report;

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "questions %5d answers %5d: skipped %d (report %d), in no single window %d"
                    + " (report %d), placed %5d: exact %5d, equal after normalisation %4d, boundary inside a token %4d"
                    + " (report %d) | not exact %s | mismatches %s", questions, answers, skipped,
                    report.skippedCount(), noWindow, report.counters().getOrDefault(NO_WINDOW, 0L), placed, exact,
                    normalised, boundary, report.counters().getOrDefault(BOUNDARY, 0L), notExact.counts,
                    mismatches.counts);
        }
    }

    /** One question per distinct gold answer, so that every answer is the training target once. */
    static List<Example> perAnswer(List<Example> questions) {
        List<Example> out = new ArrayList<>();
        for (Example e : questions) {
            QaExample q = (QaExample) e;
            if (q.answers().size() == 1) {
                // already one question per answer (the character sweep's): no copy
                out.add(q);
                continue;
            }
            Set<GoldAnswer> seen = new LinkedHashSet<>(q.answers());
            int k = 0;
            for (GoldAnswer a : seen) {
                out.add(new QaExample(q.id() + "#" + k++, q.question(), q.context(), List.of(a)));
            }
        }
        return out;
    }

    /** Featurizes one question per answer as training does and maps each target back to text. */
    static QaTrip qa(List<Example> questions, SubwordTokenizer tok, FeatureSettings settings, String name)
            throws IOException {
        List<Example> examples = perAnswer(questions);
        QaFeatures f = (QaFeatures) new ExtractiveQa().featurize(examples, List.of(), tok, settings, name);
        QaTrip out = new QaTrip();
        out.report = f.report();
        out.questions = questions.size();
        out.answers = examples.size();
        int[] target = new int[examples.size()];
        Arrays.fill(target, -1);
        boolean[] hasRow = new boolean[examples.size()];
        for (int r = 0; r < f.size(); r++) {
            int i = f.exampleIndex(r);
            hasRow[i] = true;
            if ((f.startPosition(r) != 0 || f.endPosition(r) != 0) && target[i] < 0) {
                target[i] = r;
            }
        }
        Set<String> skipped = new HashSet<>(f.report().skippedIds());
        FeaturizationOracle.QaAnswersLens lens = new FeaturizationOracle.QaAnswersLens();
        for (int i = 0; i < examples.size(); i++) {
            QaExample ex = (QaExample) examples.get(i);
            GoldAnswer a = ex.answers().get(0);
            if (!hasRow[i]) {
                assertTrue(skipped.contains(ex.id()), name + ": " + ex.id() + " has no window and is not reported");
                out.skipped++;
                continue;
            }
            int r = target[i];
            if (r < 0) {
                out.noWindow++;
                continue;
            }
            out.placed++;
            int cs = f.charStart(r, f.startPosition(r));
            int ce = f.charEnd(r, f.endPosition(r));
            String text = ex.context().substring(cs, ce);
            int[] trimmed = trimmed(a);
            if (cs != trimmed[0] || ce != trimmed[1]) {
                out.boundary++;
            }
            if (text.equals(a.text())) {
                out.exact++;
                continue;
            }
            // built only here: the character sweep places some 350,000 answers, all exact
            String sample = ex.id() + " gold '" + escaped(a.text()) + "' [" + a.start() + "," + a.end() + ") got '"
                    + escaped(text) + "' [" + cs + "," + ce + ")";
            if (SquadMetrics.exactMatch(text, a.text())) {
                out.normalised++;
                out.notExact.add(lens.why(ex.context(), a, cs, ce), sample);
            } else {
                out.mismatches.add(lens.why(ex.context(), a, cs, ce), sample);
            }
        }
        return out;
    }

    /** The answer's span less leading and trailing whitespace (what a token can cover); all of a blank one. */
    private static int[] trimmed(GoldAnswer a) {
        String t = a.text();
        if (t.isBlank()) {
            return new int[] {a.start(), a.end()};
        }
        return new int[] {a.start() + t.length() - t.stripLeading().length(), a.end() - (t.length() - t.stripTrailing().length())};
    }

    private static String escaped(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp >= 0x7F && cp < 0xA1 || Character.getType(cp) == Character.FORMAT
                    || Character.isWhitespace(cp) && cp != ' ') {
                b.append(String.format(Locale.ROOT, "U+%04X", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }

    @Test
    void everyUncutWordComesBackWithItsTagAndCutWordsAreReported() throws IOException {
        FeatureSettings paper = FeatureSettings.paper();
        // what the splits held, by tokenizer: words cut, truncated sentences without a word cut, words without pieces
        Map<String, long[]> met = new TreeMap<>();
        eachSplit(TaskGroup.SL, FeaturizationRoundTripTest::slSample, (name, d, ex, path, tok) -> {
            SlTrip r = sl(ex, d.labels(), tok, UNTRUNCATED.get(path), paper, name);
            long[] m = met.computeIfAbsent(kind(path), k -> new long[3]);
            m[0] += r.cut;
            m[1] += r.report.truncated() - r.sentencesCut;
            m[2] += r.withoutPieces;
            System.out.printf(Locale.ROOT, "%-32s %s%n", name, r);
            r.mismatches.samples.forEach(s -> System.out.println("     " + s));
            assertEquals(r.skippedSentences, r.report.skippedCount(), name + ": skips are reported");
            assertEquals(r.cut, (long) r.report.counters().getOrDefault(WORDS_CUT, 0L),
                    name + ": words cut, counted from the untruncated encoding, against the report");
            assertTrue(r.sentencesCut <= r.report.truncated(), name + ": sentences cut are reported truncated");
            assertEquals(0, r.mismatches.get("tag changed on a word with sub-tokens"), name + " " + r.mismatches.samples);
            // a word the normalizer empties at an entity's end cannot be told from an O after it
            assertTrue(r.mismatches.get("word without sub-tokens") <= 1, name + " " + r.mismatches.samples);
        });
        // the samples hold what the round trip is about, with each tokenizer (BERT alone empties words)
        met.forEach((kind, m) -> System.out.println(kind + ": words cut " + m[0] + ", sentences truncated without a"
                + " word cut " + m[1] + ", words without sub-tokens checked " + m[2]));
        assertTrue(met.get("bert")[0] > 0 && met.get("xlmr")[0] > 0, "words cut");
        assertTrue(met.get("xlmr")[1] > 0, "a sentence truncated inside its last word");
        assertTrue(met.get("bert")[2] > 0, "words BERT empties");
    }

    @Test
    void everyKeptGoldAnswerComesBackThroughTheDecodingOffsets() throws IOException {
        FeatureSettings paper = FeatureSettings.paper();
        // what the splits held, by tokenizer and case
        Map<String, Integer> met = new TreeMap<>();
        eachSplit(TaskGroup.QA, FeaturizationRoundTripTest::qaSample, (name, d, ex, path, tok) -> {
            QaTrip r = qa(ex, tok, paper, name);
            met.merge(kind(path) + " in no single window", r.noWindow, Integer::sum);
            met.merge(kind(path) + " equal after normalisation", r.normalised, Integer::sum);
            met.merge(kind(path) + " boundary inside a token", r.boundary, Integer::sum);
            r.mismatches.counts.forEach((c, n) -> met.merge(kind(path) + " differs: " + c, n, Integer::sum));
            System.out.printf(Locale.ROOT, "%-36s %s%n", name, r);
            r.notExact.samples.forEach(s -> System.out.println("     " + s));
            r.mismatches.samples.forEach(s -> System.out.println("     " + s));
            assertEquals(r.answers, r.skipped + r.noWindow + r.placed, name);
            assertEquals(r.skipped, r.report.skippedCount(), name + ": skips are reported");
            assertEquals(r.noWindow, (long) r.report.counters().getOrDefault(NO_WINDOW, 0L), name);
            assertEquals(r.boundary, (long) r.report.counters().getOrDefault(BOUNDARY, 0L), name);
            int mismatched = r.mismatches.counts.values().stream().mapToInt(Integer::intValue).sum();
            assertTrue(mismatched <= r.boundary, name + ": every text that differs after normalisation has its"
                    + " boundary inside a token " + r.mismatches.samples);
            for (String c : r.mismatches.counts.keySet()) {
                assertTrue(c.equals("gold cuts a word") || c.startsWith("a symbol glued")
                        || kind(path).equals("xlmr") && c.equals("token crosses the gold boundary"),
                        name + ": " + c + " " + r.mismatches.samples);
            }
        });
        // the samples hold what the round trip is about
        System.out.println("met " + met);
        for (String c : List.of("bert boundary inside a token", "bert differs: gold cuts a word",
                "xlmr in no single window", "xlmr equal after normalisation", "xlmr differs: token crosses the gold boundary")) {
            assertTrue(met.getOrDefault(c, 0) > 0, c + " " + met);
        }
        assertTrue(met.keySet().stream().anyMatch(c -> c.startsWith("bert differs: a symbol glued")), "a symbol glued " + met);
    }

    /**
     * Every defined character of the BMP (CJK and Hangul thinned to every 17th) and every 13th above
     * it, beside or between words: whatever the normalizer makes of it (removes, lower-cases into
     * two characters, decomposes, expands by NFKC) the tags of every word come back, and the words
     * it does not touch come back as answers exactly. Neither data set holds most of these. Each
     * character's four arrangements (alone, inside a word, glued before and after one) share one
     * QA context, so that the tokenizer encodes 22,000 contexts, not 88,000; the answers stand
     * before and after each arrangement as in four contexts of their own.
     */
    @Test
    void everyCharacterBesideAWordLeavesTheTagsAndTheOtherWordsAlone() throws IOException {
        List<Example> sentences = new ArrayList<>();
        List<Example> answers = new ArrayList<>();
        for (int cp = 1; cp < 0x30000; cp++) {
            boolean thinned = cp > 0x3000 && cp < 0xF900 && cp % 17 != 0 || cp > 0xFFFF && cp % 13 != 0;
            if (!Character.isDefined(cp) || Character.getType(cp) == Character.SURROGATE || thinned) {
                continue;
            }
            String c = new String(Character.toChars(cp));
            String id = Integer.toHexString(cp);
            if (!Character.isWhitespace(cp) && !Character.isSpaceChar(cp)) {
                // a word of its own inside an entity, outside one, glued to words, first in the sentence
                sentences.add(new TokenExample(id + "/in", List.of("alpha", c, "beta", "gamma"), List.of("B-X", "I-X", "I-X", "O")));
                sentences.add(new TokenExample(id + "/out", List.of("alpha", c, "beta", "gamma"), List.of("O", "O", "B-X", "O")));
                sentences.add(new TokenExample(id + "/glued", List.of("alpha" + c, "beta" + c + "x", c + "gamma"),
                        List.of("B-X", "O", "B-X")));
                sentences.add(new TokenExample(id + "/first", List.of(c, "alpha", "beta"), List.of("O", "B-X", "O")));
            }
            // the words it is not glued to, in one context per character (one native encoding, not
            // one per arrangement): c alone between spaces, glued inside a word, glued before and
            // after one; each answer word sits where a word of the four former contexts sat
            // ("alpha c beta gamma", "alphacbeta gamma", "alpha cbeta gamma", "alpha betac gamma"):
            // before and after each arrangement, first and last in the context
            String[] parts = {"alpha", " ", c, " ", "beta", " ", "gamma", " alpha", c, "beta ", "delta", " ", c, "beta ",
                "epsilon", " beta", c, " ", "zeta"};
            StringBuilder context = new StringBuilder();
            List<int[]> words = new ArrayList<>();
            for (int k = 0; k < parts.length; k++) {
                if (ANSWER_PARTS.contains(k)) {
                    words.add(new int[] {context.length(), parts[k].length()});
                }
                context.append(parts[k]);
            }
            String ctx = context.toString();
            for (int[] w : words) {
                int at = w[0];
                int end = at + w[1];
                boolean touched = at > 0 && ctx.charAt(at - 1) != ' ' || end < ctx.length() && ctx.charAt(end) != ' ';
                if (!touched) {
                    answers.add(new QaExample(id + "/" + answers.size(), "which?", ctx,
                            List.of(new GoldAnswer(ctx.substring(at, end), at))));
                }
            }
        }
        List<String> labels = List.of("O", "B-X", "I-X");
        // the two tokenizers' sweeps share nothing but the read-only inputs: a thread each, so that
        // both cores of a CI runner work on this, the class's largest case
        ExecutorService pool = Executors.newFixedThreadPool(FeaturizationOracle.TOKENIZERS.size());
        try {
            List<Future<?>> sweeps = new ArrayList<>();
            for (String path : FeaturizationOracle.TOKENIZERS) {
                sweeps.add(pool.submit(() -> {
                    SubwordTokenizer tok = TOKENIZERS.get(path);
                    // no sentence of four short words is cut: no untruncated encoding of the 88,000 (sl checks)
                    SlTrip sl = sl(sentences, labels, tok, null, FeatureSettings.paper(),
                            "characters " + kind(path));
                    System.out.println("characters " + kind(path) + " " + sl);
                    assertEquals(sl.words, sl.back, kind(path) + " " + sl.mismatches.samples);
                    QaTrip qa = qa(answers, tok, FeatureSettings.paper(), "characters " + kind(path));
                    System.out.println("characters " + kind(path) + " " + qa);
                    assertEquals(qa.answers, qa.exact, kind(path) + " " + qa.notExact.samples + " " + qa.mismatches.samples);
                    return null;
                }));
            }
            for (Future<?> sweep : sweeps) {
                try {
                    sweep.get();
                } catch (ExecutionException e) {
                    // the sweep's own failure, as if it had run on this thread
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IOException(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Which parts of the character sweep's context are asked as answers: alpha to zeta. */
    private static final Set<Integer> ANSWER_PARTS = Set.of(0, 4, 6, 10, 14, 18);

    /** The reader's dropped answers against a recount from the raw SQuAD-format JSON. */
    @Test
    void squadFormatAnswersDroppedByTheReaderAreTheOnesOffTheirOffset() throws IOException {
        Path data = SharedFixtures.require("data");
        for (String file : List.of("qa/squad_v1.1/dev-v1.1.json", "qa/squad_adversarial/sample1k-HCVerifyAll.json",
                "qa/xquad/xquad.en.json")) {
            Path p = data.resolve(file);
            if (!Files.exists(p)) {
                System.out.println("skipped: " + p + " is absent");
                continue;
            }
            int answers = 0;
            int off = 0;
            try (Reader in = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                for (JsonElement article : JsonParser.parseReader(in).getAsJsonObject().getAsJsonArray("data")) {
                    for (JsonElement para : article.getAsJsonObject().getAsJsonArray("paragraphs")) {
                        String context = para.getAsJsonObject().get("context").getAsString();
                        for (JsonElement q : para.getAsJsonObject().getAsJsonArray("qas")) {
                            for (JsonElement a : q.getAsJsonObject().getAsJsonArray("answers")) {
                                JsonObject o = a.getAsJsonObject();
                                String text = o.get("text").getAsString();
                                int cp = o.get("answer_start").getAsInt();
                                answers++;
                                // SQuAD offsets count code points (Python str indices)
                                boolean at = cp <= context.codePointCount(0, context.length())
                                        && context.startsWith(text, context.offsetByCodePoints(0, cp));
                                off += at ? 0 : 1;
                            }
                        }
                    }
                }
            }
            ReadReport r = new SquadReader().read(p, Leniency.LENIENT).report();
            System.out.printf(Locale.ROOT, "%-48s answers %6d, off their offset %d (reader: %s)%n", file, answers, off,
                    r.skipped());
            assertEquals(off, r.skipped().getOrDefault(SquadReader.ANSWER_NOT_AT_OFFSET, 0), file);
        }
    }
}
