package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.SquadReader;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each featurizer reports the steps {@link FeaturizationListener} documents, on both of its paths:
 * 0 done, then the count after every batch of the batch size, then the total; real tokenizers,
 * SQuAD's own questions. The counts are worked by hand from the batch size.
 */
class FeaturizerProgressStepsTest {
    /** A text that piece and batch encoding refuse: an emoji cut in half (see LoneSurrogateRejectionTest). */
    private static final String CUT = JsonParser.parseString("\"so happy \\ud83d today\"").getAsString();

    /** Records the reports of one featurization, checking its name and total on each. */
    private static final class Recorder implements FeaturizationListener {
        final List<Integer> done = new ArrayList<>();
        final String name;
        final int total;

        Recorder(String name, int total) {
            this.name = name;
            this.total = total;
        }

        @Override
        public void onFeaturization(FeaturizationProgress p) {
            assertEquals(name, p.name());
            assertEquals(total, p.total());
            done.add(p.done());
        }
    }

    private static List<QaExample> squad(int n) throws IOException {
        return new SquadReader().read(SharedFixtures.require("data/qa/squad_v1.1/dev-v1.1.json"), Leniency.STRICT)
                .examples().subList(0, n);
    }

    @Test
    void qaReportsEveryBatchOnBothPathsAcrossContextsSharedByBatches() throws IOException {
        // SQuAD's first 7 dev questions share one context, so batches of 3 meet a context tokenized by an earlier batch
        List<QaExample> examples = squad(7);
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            for (boolean fast : new boolean[] {true, false}) {
                Recorder r = new Recorder("squad", 7);
                QaFeatures f = QaFeaturizer.builder().setTokenizer(tok).optBatchSize(3).optName("squad").optListener(r)
                        .optFastPath(fast).build().featurize(examples);
                assertEquals(List.of(0, 3, 6, 7), r.done, "fast path " + fast);
                assertEquals(7, f.report().examplesRead());
            }
            FastPathParityTest.assertSameQa(tok, examples, 384, 128, "squad 7");
        }
    }

    @Test
    void qaFastPathHandsOverToThePairPathAtABatchItCannotEncodeAndMakesTheSameFeatures() throws IOException {
        List<QaExample> examples = new ArrayList<>(squad(5));
        QaExample third = examples.get(3);
        examples.set(3, new QaExample("cut", CUT, third.context(), third.answers()));
        try (SubwordTokenizer tok = Fixtures.tokenizer("xlm-roberta")) {
            Recorder r = new Recorder("qa", 5);
            QaFeatures fast = QaFeaturizer.builder().setTokenizer(tok).optBatchSize(2).optListener(r).build()
                    .featurize(examples);
            // the batch [2, 4) holds the cut question: the fast path did [0, 2), the pair path does the rest
            assertEquals(List.of(0, 2, 4, 5), r.done);
            QaFeatures slow = QaFeaturizer.builder().setTokenizer(tok).optBatchSize(2).optFastPath(false).build()
                    .featurize(examples);
            assertEquals(List.of("cut"), fast.report().skippedIds());
            assertEquals(slow.report(), fast.report());
            assertEquals(slow.size(), fast.size());
            for (int row = 0; row < slow.size(); row++) {
                assertEquals(slow.exampleIndex(row), fast.exampleIndex(row), "row " + row);
                assertEquals(slow.startPosition(row), fast.startPosition(row), "row " + row);
                assertEquals(slow.endPosition(row), fast.endPosition(row), "row " + row);
                assertEquals(slow.tokens().length(row), fast.tokens().length(row), "row " + row);
                for (int p = 0; p < slow.tokens().length(row); p++) {
                    assertEquals(slow.tokens().id(row, p), fast.tokens().id(row, p), "row " + row + " pos " + p);
                }
            }
        }
    }

    @Test
    void taggingCountsASentenceSkippedBeforeEncodingWithTheNextBatch() throws IOException {
        List<TokenExample> examples = List.of(
                new TokenExample("s0", List.of("John", "won"), List.of("B-PER", "O")),
                new TokenExample("s1", List.of("a b", "c"), List.of("O", "O")), // a word holding whitespace
                new TokenExample("s2", List.of("Paris"), List.of("B-LOC")),
                new TokenExample("s3", List.of("in", "Rome"), List.of("O", "B-LOC")),
                new TokenExample("s4", List.of("ok"), List.of("O")));
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            for (boolean fast : new boolean[] {true, false}) {
                Recorder r = new Recorder("token-classification", 5);
                TokenClassificationFeaturizer.builder().setTokenizer(tok).setLabels(List.of("O", "B-PER", "B-LOC"))
                        .optBatchSize(2).optListener(r).optFastPath(fast).build().featurize(examples);
                // kept s0, s2, s3, s4: the first batch (s0, s2) leaves all before s3 done, s1 included
                assertEquals(List.of(0, 3, 5), r.done, "fast path " + fast);
            }
        }
    }

    @Test
    void classificationAndChoiceReportEveryBatchAndAnEmptyListReportsZeroOfZero() throws IOException {
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            List<TextExample> texts = new ArrayList<>();
            for (QaExample q : squad(5)) {
                texts.add(new TextExample(q.id(), q.question(), null, "pos"));
            }
            Recorder r = new Recorder("classification", 5);
            ClassificationFeaturizer.builder().setTokenizer(tok).setLabels(List.of("neg", "pos")).optBatchSize(2)
                    .optListener(r).build().featurize(texts);
            assertEquals(List.of(0, 2, 4, 5), r.done);
            Recorder none = new Recorder("classification", 0);
            ClassificationFeaturizer.builder().setTokenizer(tok).setLabels(List.of("neg", "pos")).optListener(none)
                    .build().featurize(List.of());
            assertEquals(List.of(0), none.done);
            Recorder c = new Recorder("multiple-choice", 3);
            List<ChoiceExample> choices = List.of(
                    new ChoiceExample("c0", "The man broke his toe.", "cause", List.of("He dropped a hammer.", "He sang."), 0),
                    new ChoiceExample("c1", "I poured water.", "effect", List.of("It spilled.", "It sang."), 0),
                    new ChoiceExample("c2", "She won.", "effect", List.of("She smiled.", "She cried."), 0));
            ChoiceFeaturizer.builder().setTokenizer(tok).optBatchSize(2).optListener(c).build().featurize(choices);
            assertEquals(List.of(0, 2, 3), c.done);
        }
    }
}
