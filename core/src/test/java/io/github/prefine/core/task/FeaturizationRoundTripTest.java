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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Round trip of every gold label of the shared data through featurization and back, the way
 * training featurizes and predictions come back, with the WordPiece tokenizer of all-MiniLM-L6-v2
 * and the SentencePiece (Metaspace, NFKC) tokenizer of the XLM-R fixture, on the training and
 * validation splits as training takes them ({@link FeaturizedTask#sampledExamples}: a task without
 * a validation file holds a fifth of train out), every example.
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
    private static final String WORDS_CUT = TokenClassificationFeaturizer.WORDS_CUT;
    private static final String NO_WINDOW = QaFeaturizer.NO_SINGLE_WINDOW;
    private static final String BOUNDARY = "answer boundary inside a token";

    private static SubwordTokenizer tokenizer(String path) throws IOException {
        return SubwordTokenizer.builder().setTokenizerPath(SharedFixtures.require(path)).build();
    }

    /** The same tokenizer without truncation: the ground truth of where each word's pieces fall. */
    private static SubwordTokenizer untruncated(String path) throws IOException {
        return SubwordTokenizer.builder().setTokenizerPath(SharedFixtures.require(path))
                .optTruncation(Truncation.NONE).optMaxLength(1 << 20).build();
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

    /** Runs the check on the training and validation splits of every task of the group, with each tokenizer. */
    private static void eachSplit(TaskGroup group, SplitCheck check) throws IOException {
        Path data = SharedFixtures.require("data");
        for (String path : FeaturizationOracle.TOKENIZERS) {
            try (SubwordTokenizer tok = tokenizer(path)) {
                for (Task t : FeaturizationOracle.available(data, group)) {
                    TaskData d = t.load(data, Leniency.LENIENT);
                    // the examples training featurizes: a task without a validation file holds some of train out;
                    // SQuAD's train file is not in the shared data, so its dev file is read alone
                    Map<Split, List<Example>> splits = d.split(Split.TRAIN).isEmpty() ? d.splits()
                            : FeaturizedTask.sampledExamples(d, FeatureSettings.paper());
                    for (Split split : List.of(Split.TRAIN, Split.VALIDATION)) {
                        List<Example> ex = splits.get(split);
                        if (ex != null) {
                            String name = t.name() + "/" + split.name().toLowerCase(Locale.ROOT) + " " + kind(path);
                            check.check(name, d, ex, path, tok);
                        }
                    }
                }
            }
        }
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
        List<TokenEncoding> truth = plain.encodeWordsBatch(kept);
        for (int k = 0; k < kept.size(); k++) {
            int i = keptIndex.get(k);
            TokenExample ex = (TokenExample) examples.get(i);
            int n = ex.tokens().size();
            TokenEncoding e = truth.get(k);
            int[] first = firstPositions(e, n);
            int lastEnd = lastPosition(e);
            // a word is cut when its first piece lands where the special tokens after the sentence go
            int room = settings.maxLength() - (e.length() - 1 - lastEnd);
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
            String sample = ex.id() + " gold '" + escaped(a.text()) + "' [" + a.start() + "," + a.end() + ") got '"
                    + escaped(text) + "' [" + cs + "," + ce + ")";
            int[] trimmed = trimmed(a);
            if (cs != trimmed[0] || ce != trimmed[1]) {
                out.boundary++;
            }
            if (text.equals(a.text())) {
                out.exact++;
            } else if (SquadMetrics.exactMatch(text, a.text())) {
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
        eachSplit(TaskGroup.SL, (name, d, ex, path, tok) -> {
            SlTrip r;
            try (SubwordTokenizer plain = untruncated(path)) {
                r = sl(ex, d.labels(), tok, plain, paper, name);
            }
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
    }

    @Test
    void everyKeptGoldAnswerComesBackThroughTheDecodingOffsets() throws IOException {
        FeatureSettings paper = FeatureSettings.paper();
        eachSplit(TaskGroup.QA, (name, d, ex, path, tok) -> {
            QaTrip r = qa(ex, tok, paper, name);
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
    }

    /**
     * Every defined character of the BMP (CJK and Hangul thinned to every 17th) and every 13th above
     * it, beside or between words: whatever the normalizer makes of it (removes, lower-cases into
     * two characters, decomposes, expands by NFKC) the tags of every word come back, and the words
     * it does not touch come back as answers exactly. Neither data set holds most of these.
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
            // the words it is not glued to: alone between spaces, glued after alpha, before beta, after beta
            for (String context : List.of("alpha " + c + " beta gamma", "alpha" + c + "beta gamma", "alpha " + c + "beta gamma",
                    "alpha beta" + c + " gamma")) {
                for (String word : List.of("alpha", "beta", "gamma")) {
                    int at = context.indexOf(word);
                    boolean touched = at > 0 && context.charAt(at - 1) != ' '
                            || at + word.length() < context.length() && context.charAt(at + word.length()) != ' ';
                    if (!touched) {
                        answers.add(new QaExample(id + "/" + answers.size(), "which?", context, List.of(new GoldAnswer(word, at))));
                    }
                }
            }
        }
        List<String> labels = List.of("O", "B-X", "I-X");
        for (String path : FeaturizationOracle.TOKENIZERS) {
            try (SubwordTokenizer tok = tokenizer(path); SubwordTokenizer plain = untruncated(path)) {
                SlTrip sl = sl(sentences, labels, tok, plain, FeatureSettings.paper(), "characters " + kind(path));
                System.out.println("characters " + kind(path) + " " + sl);
                assertEquals(sl.words, sl.back, kind(path) + " " + sl.mismatches.samples);
                QaTrip qa = qa(answers, tok, FeatureSettings.paper(), "characters " + kind(path));
                System.out.println("characters " + kind(path) + " " + qa);
                assertEquals(qa.answers, qa.exact, kind(path) + " " + qa.notExact.samples + " " + qa.mismatches.samples);
            }
        }
    }

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
