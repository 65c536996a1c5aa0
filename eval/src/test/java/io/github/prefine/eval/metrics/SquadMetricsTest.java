package io.github.prefine.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SquadMetricsTest {

    @Test
    void normalisesLikeTheOfficialScript() {
        assertEquals("eiffel tower", SquadMetrics.normalize("The Eiffel Tower!"));
        // articles only as whole words: "another", "theater", "a1" stay
        assertEquals("another theater a1", SquadMetrics.normalize("another theater a1"));
        // punctuation is removed first, so "the." becomes a whole-word article
        assertEquals("x", SquadMetrics.normalize("the. x"));
        // underscore is punctuation and gone before the article pass; "a_b" -> "ab"
        assertEquals("ab", SquadMetrics.normalize("a_b"));
    }

    @Test
    void keepsNonAsciiPunctuationAndLetters() {
        // string.punctuation is ASCII only: « » and 。 stay; accents are letters, so "thé" is no article
        assertEquals("«café» thé 東京。", SquadMetrics.normalize("«Café» the thé 東京。"));
        // an accented letter after "a" makes it part of a word
        assertEquals("aé", SquadMetrics.normalize("aé"));
        // a combining mark is no word character in Python's re, a superscript digit is
        assertEquals("\u0301 x", SquadMetrics.normalize("the\u0301 x"));
        assertEquals("x ²the", SquadMetrics.normalize("x ²the"));
    }

    @Test
    void lowerCasesACapitalSigmaAsPythonDoes() {
        // Python's str.lower() makes Σ final (ς) after a cased letter unless a cased letter follows,
        // skipping case-ignorable characters such as ^ on both sides; Java looks at word boundaries
        assertEquals("ασβ", SquadMetrics.normalize("ΑΣ^Β"));      // "ΑΣ^Β".lower() == "ασ^β"
        assertTrue(SquadMetrics.exactMatch("ΑΣ^Β", "ΑΣΒ"));
        assertEquals("ας½an", SquadMetrics.normalize("ΑΣ½an"));   // ½ is not cased: Σ ends its word
        assertEquals("ας ας σα", SquadMetrics.normalize("ΑΣ ΑΣ. ΣΑ"));
    }

    @Test
    void splitsOnPythonWhitespaceIncludingNbsp() {
        assertEquals(List.of("a1", "b", "c", "d", "e", "f"),
                SquadMetrics.normalizedTokens("a1\u00a0b\u3000c\u2009d\u001ce\u0085f"));
        // U+200B ZERO WIDTH SPACE is not whitespace in Python
        assertEquals(List.of("x\u200by"), SquadMetrics.normalizedTokens("x\u200by"));
        assertTrue(SquadMetrics.isPythonSpace(0x202F));
        assertFalse(SquadMetrics.isPythonSpace(0x180E));
    }

    @Test
    void f1UsesMultisetOverlap() {
        // pred tokens [cat, cat, sat], gold [cat, sat, on, mat]: common cat, sat = 2
        // p = 2/3, r = 2/4, f = 2pr/(p+r) = 4/7
        double p = 2.0 / 3;
        double r = 2.0 / 4;
        assertEquals((2 * p * r) / (p + r), SquadMetrics.f1("cat cat sat", "the cat sat on the mat"));
    }

    @Test
    void punctuationOnlyAndEmptyAnswers() {
        // both normalise to "": EM is 1 but F1 is 0 (no common tokens), as in the script
        assertTrue(SquadMetrics.exactMatch("...", ""));
        assertEquals(0.0, SquadMetrics.f1("...", ""));
        assertEquals(0.0, SquadMetrics.f1("", "Paris"));
        assertFalse(SquadMetrics.exactMatch("", "Paris"));
        assertTrue(SquadMetrics.exactMatch("the", "a"));
    }

    /**
     * A gold answer {@code ""} against the text {@code "empty"} (Hugging Face's run_qa writes it when
     * no span is valid; prefine's QaAnswer.none() is {@code ""}): nothing treats the word as "no
     * answer". Worked with evaluate-v1.1.py's normalize_answer, exact_match_score and f1_score:
     * "empty" vs "" gives EM False, F1 0; "" vs "" EM True, F1 0 (num_same == 0 returns 0);
     * "Empty." vs "empty" EM True, F1 1.0.
     */
    @Test
    void anEmptyGoldAnswerAndTheWordEmptyScoreAsTheScriptScoresThem() {
        assertFalse(SquadMetrics.exactMatch("empty", ""));
        assertEquals(0.0, SquadMetrics.f1("empty", ""));
        assertFalse(SquadMetrics.exactMatch("", "empty"));
        assertEquals(0.0, SquadMetrics.f1("", "empty"));
        assertTrue(SquadMetrics.exactMatch("", ""));
        assertEquals(0.0, SquadMetrics.f1("", ""));
        assertTrue(SquadMetrics.exactMatch("Empty.", "empty"));
        assertEquals(1.0, SquadMetrics.f1("Empty.", "empty"));
        // metric_max_over_ground_truths over ["", "empty"]: "empty" matches the second, "" the first
        SquadScore s = SquadMetrics.evaluate(List.of("empty", ""), List.of(List.of("", "empty"), List.of("", "empty")));
        assertEquals(100.0, s.exactMatch());
        assertEquals(50.0, s.f1());
    }

    @Test
    void evaluateTakesMaxOverGoldsAndCountsUnanswered() {
        SquadScore s = SquadMetrics.evaluate(Arrays.asList("Denver Broncos", "Broncos", null),
                List.of(List.of("Denver Broncos", "Broncos"), List.of("the Denver Broncos"), List.of("x")));
        assertEquals(100.0 * 1 / 3, s.exactMatch());
        // q1 1.0, q2 p=1, r=1/2 -> 2/3, q3 0
        double f2 = (2 * 1.0 * 0.5) / 1.5;
        assertEquals(100.0 * (1.0 + f2 + 0.0) / 3, s.f1());
        assertEquals(3, s.total());
        assertEquals(1, s.unanswered());
        // a question without gold cannot be scored, answered or not
        assertThrows(IllegalArgumentException.class,
                () -> SquadMetrics.evaluate(Arrays.asList("x", null), List.of(List.of("x"), List.of())));
    }

    @Test
    void lowerCasesSigmaAtTheEdgesOfTheTextAsPythonDoes() {
        // CPython 3.11: "ΣΑΣ^Β".lower() == "σασ^β" (nothing cased before the first Σ), "1^Σ".lower() == "1^σ",
        // "ΑΣ".lower() == "ας", "ΑΣ'Β".lower() == "ασ'β" and "ΑΣ:Β".lower() == "ασ:β" (apostrophe and colon
        // are case-ignorable, Word_Break Single_Quote and MidLetter)
        assertEquals("σασβ", SquadMetrics.normalize("ΣΑΣ^Β"));
        assertEquals("1σ", SquadMetrics.normalize("1^Σ"));
        assertEquals("ας", SquadMetrics.normalize("ΑΣ"));
        assertEquals("σ", SquadMetrics.normalize("Σ"));
        assertEquals("ασβ", SquadMetrics.normalize("ΑΣ'Β"));
        assertEquals("ασβ", SquadMetrics.normalize("ΑΣ:Β"));
    }

    @Test
    void isPythonSpaceAgreesWithCPythonOnEveryCodePoint() {
        // [cp for cp in range(0x110000) if chr(cp).isspace()] in CPython 3.11
        Set<Integer> spaces = Set.of(9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 133, 160, 5760, 8192, 8193, 8194, 8195,
                8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288);
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (spaces.contains(cp) != SquadMetrics.isPythonSpace(cp)) {
                fail("U+" + Integer.toHexString(cp) + ": Python's isspace() is " + spaces.contains(cp));
            }
        }
    }

    @Test
    void aMaximumOverNoGoldAnswerIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SquadMetrics.maxExactMatch("x", List.of()));
        assertThrows(IllegalArgumentException.class, () -> SquadMetrics.maxF1("x", List.of()));
        // the best gold wins: "b c" against "b" (p 1/2, r 1 -> 2/3) and "b c d" (p 1, r 2/3 -> 4/5)
        assertEquals(0.8, SquadMetrics.maxF1("b c", List.of("b", "b c d")), 1e-12);
    }

    /** A null gold answer is named with its question, unanswered or not, rather than a bare NPE of the normaliser. */
    @Test
    void aNullGoldAnswerIsNamed() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> SquadMetrics.evaluate(
                Arrays.asList("a", null), List.of(List.of("a"), Arrays.asList("b", null))));
        assertEquals("SQuAD: question 1: gold answer 1 is null", e.getMessage());
        e = assertThrows(NullPointerException.class, () -> SquadMetrics.maxF1("a", Arrays.asList(null, "a")));
        assertEquals("SQuAD: gold answer 0 is null", e.getMessage());
    }

    @Test
    void noQuestionsHaveNoScore() {
        // the official script divides by zero; the 0 returned before passed for a score
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SquadMetrics.evaluate(List.of(), List.of()));
        assertEquals("SQuAD: no questions to score (predictions and golds are empty); the official script divides by"
                + " zero, and a 0 would pass for a score", e.getMessage());
        // one unanswered question is a question: the script's 0
        assertEquals(new SquadScore(0.0, 0.0, 1, 1), SquadMetrics.evaluate(java.util.Arrays.asList((String) null),
                List.of(List.of("cat"))));
    }
}
