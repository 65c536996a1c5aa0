package io.github.prefine.examples.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU-sized real-data learning check ({@link LearningCheck}): MiniLM finetuned on a few hundred
 * CoNLL-2003 English sentences through the grid's per-seed path must reach a span F1 on validation
 * that a broken pipeline cannot.
 *
 * <p>A model that predicts no entity scores 0, and so does one trained on shuffled tags (it learns
 * the tag prior, which is O everywhere: 0.0 after each epoch of this configuration). The floor
 * sits far below what the configuration reaches (46.3) and far above both. CoNLL-2003 rather than
 * WNUT17: on a few hundred WNUT17 sentences the span F1 stays near 25 and the epoch of lowest
 * validation loss moves between runs, which leaves a floor little margin; CoNLL-2003's dense,
 * regular entities are learnt within this CPU budget. Runs when {@code ../shared/data} is present,
 * otherwise skips with the reason printed.
 */
class RealDataLearningTest {
    /** Span F1 (percent) that the run must beat: about half of what it reaches, far above 0. */
    static final double F1_FLOOR = 25.0;

    @TempDir
    Path tmp;

    @Test
    void minilmLearnsConll2003FromAFewHundredSentences() throws Exception {
        Path data = SharedFixtures.require("data");
        SharedFixtures.require("data/sl/conll2003");
        // a seeded sample of 300 training and 200 validation sentences, 64 sub-tokens at most
        LearningCheck check = new LearningCheck("conll2003-en", new FeatureSettings(64, 384, 128, 300, 200, 1L), 16, 3e-4, 2);
        LearningCheck.Result r = check.run(data, tmp);
        System.out.println(r.line());
        assertTrue(r.seed().metric() > F1_FLOOR, r.line() + "; expected span F1 above " + F1_FLOOR);
    }
}
