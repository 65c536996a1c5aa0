package io.github.prefine.eval.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * SQuAD v1.1 exact match and token F1, identical to the official {@code evaluate-v1.1.py}.
 *
 * <p>Normalisation, in the script's order: lower-case (Python {@code str.lower}); drop every
 * character of Python's {@code string.punctuation} (the 32 ASCII punctuation marks only, so
 * {@code «}, {@code ¿} or {@code 。} stay); replace the whole words {@code a}, {@code an},
 * {@code the} by a space, where word characters are Unicode letters, digits and numbers and
 * {@code _} as in Python's {@code \b}; split on Python whitespace ({@code str.isspace}: ASCII
 * whitespace, U+001C..U+001F, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F,
 * U+205F, U+3000) and join with one space.
 *
 * <p>F1 is the harmonic mean of token precision and recall over the multiset intersection of the
 * tokens; it is 0 when nothing overlaps (so two answers that both normalise to nothing score
 * F1 0 but EM 1, as in the script). Stateless and thread-safe.
 */
public final class SquadMetrics {

    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private SquadMetrics() {}

    /**
     * Normalises an answer as the official script's {@code normalize_answer}.
     *
     * @param s the answer text
     * @return the normalised text
     */
    public static String normalize(String s) {
        return String.join(" ", tokens(removeArticles(removePunctuation(pythonLower(s)))));
    }

    /**
     * Splits normalised text into tokens as Python's {@code normalize_answer(s).split()}.
     *
     * @param s the answer text (not yet normalised)
     * @return the tokens
     */
    public static List<String> normalizedTokens(String s) {
        return tokens(removeArticles(removePunctuation(pythonLower(s))));
    }

    /**
     * Exact match after normalisation.
     *
     * @param prediction predicted answer
     * @param gold gold answer
     * @return true when the normalised strings are equal
     */
    public static boolean exactMatch(String prediction, String gold) {
        return normalize(prediction).equals(normalize(gold));
    }

    /**
     * Token-overlap F1 of one prediction against one gold answer.
     *
     * @param prediction predicted answer
     * @param gold gold answer
     * @return F1 in [0, 1]
     */
    public static double f1(String prediction, String gold) {
        List<String> p = normalizedTokens(prediction);
        List<String> g = normalizedTokens(gold);
        Map<String, Integer> counts = new HashMap<>();
        for (String t : g) {
            counts.merge(t, 1, Integer::sum);
        }
        int same = 0;
        for (String t : p) {
            Integer c = counts.get(t);
            if (c != null && c > 0) {
                same++;
                counts.put(t, c - 1);
            }
        }
        if (same == 0) {
            return 0.0;
        }
        double precision = 1.0 * same / p.size();
        double recall = 1.0 * same / g.size();
        return (2 * precision * recall) / (precision + recall);
    }

    /**
     * Maximum exact match over the gold answers (the script's {@code metric_max_over_ground_truths}).
     *
     * @param prediction predicted answer
     * @param golds gold answers, at least one
     * @return 1 or 0
     * @throws IllegalArgumentException if there is no gold answer
     * @throws NullPointerException if a gold answer is null, naming it
     */
    public static double maxExactMatch(String prediction, List<String> golds) {
        requireGold(golds);
        for (String g : golds) {
            if (exactMatch(prediction, g)) {
                return 1.0;
            }
        }
        return 0.0;
    }

    /**
     * Maximum F1 over the gold answers.
     *
     * @param prediction predicted answer
     * @param golds gold answers, at least one
     * @return F1 in [0, 1]
     * @throws IllegalArgumentException if there is no gold answer
     * @throws NullPointerException if a gold answer is null, naming it
     */
    public static double maxF1(String prediction, List<String> golds) {
        requireGold(golds);
        double best = Double.NEGATIVE_INFINITY;
        for (String g : golds) {
            best = Math.max(best, f1(prediction, g));
        }
        return best;
    }

    /**
     * Scores a list of questions as the script's {@code evaluate}: 100 times the mean over all
     * questions, where a question without a prediction ({@code null}) scores 0.
     *
     * @param predictions one prediction per question, {@code null} for unanswered
     * @param golds the gold answers per question, same length
     * @return exact match and F1 in percent, and the question count
     * @throws IllegalArgumentException if there are no questions (the script divides by zero), the
     *     lengths differ or a question has no gold answer
     * @throws NullPointerException if a gold answer is null (of an unanswered question too), naming the
     *     question and the answer
     */
    public static SquadScore evaluate(List<String> predictions, List<List<String>> golds) {
        Objects.requireNonNull(predictions, "predictions");
        Objects.requireNonNull(golds, "golds");
        if (predictions.size() != golds.size()) {
            throw new IllegalArgumentException("predictions and golds must have the same length, found "
                    + predictions.size() + " and " + golds.size());
        }
        double em = 0;
        double f1 = 0;
        int total = 0;
        int missing = 0;
        for (int i = 0; i < predictions.size(); i++) {
            total++;
            // checked for an unanswered question too: a null gold answer is a broken dataset either way
            requireGold(golds.get(i), "question " + i + ": ");
            String p = predictions.get(i);
            if (p == null) {
                missing++;
                continue;
            }
            em += maxExactMatch(p, golds.get(i));
            f1 += maxF1(p, golds.get(i));
        }
        if (total == 0) {
            throw new IllegalArgumentException("SQuAD: no questions to score (predictions and golds are empty); the"
                    + " official script divides by zero, and a 0 would pass for a score");
        }
        return new SquadScore(100.0 * em / total, 100.0 * f1 / total, total, missing);
    }

    private static void requireGold(List<String> golds) {
        requireGold(golds, "");
    }

    /** At least one gold answer, none null; {@code where} names the question in a message ("question 3: "). */
    private static void requireGold(List<String> golds, String where) {
        if (golds == null || golds.isEmpty()) {
            throw new IllegalArgumentException(where + "a question needs at least one gold answer, found none");
        }
        for (int a = 0; a < golds.size(); a++) {
            if (golds.get(a) == null) {
                throw new NullPointerException("SQuAD: " + where + "gold answer " + a + " is null");
            }
        }
    }

    /**
     * Python's {@code str.lower()}: {@code String.toLowerCase(Locale.ROOT)} per code point, except
     * that U+03A3 follows Unicode's Final_Sigma condition as CPython applies it
     * ({@code cased case-ignorable* \u03A3 !(case-ignorable* cased)}), whereas Java decides it
     * with word boundaries.
     */
    static String pythonLower(String s) {
        if (s.indexOf('\u03A3') < 0) {
            return s.toLowerCase(Locale.ROOT);
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            if (cp == 0x03A3) {
                b.append(isFinalSigma(s, i) ? '\u03C2' : '\u03C3');
            } else {
                b.append(s.substring(i, i + n).toLowerCase(Locale.ROOT));
            }
            i += n;
        }
        return b.toString();
    }

    private static boolean isFinalSigma(String s, int i) {
        int j = i;
        int c = -1;
        while (j > 0) {
            c = s.codePointBefore(j);
            if (!isCaseIgnorable(c)) {
                break;
            }
            j -= Character.charCount(c);
            c = -1;
        }
        if (c < 0 || !isCased(c)) {
            return false;
        }
        j = i + 1;
        while (j < s.length()) {
            c = s.codePointAt(j);
            if (!isCaseIgnorable(c)) {
                return !isCased(c);
            }
            j += Character.charCount(c);
        }
        return true;
    }

    private static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    private static boolean isCaseIgnorable(int cp) {
        switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK: case Character.ENCLOSING_MARK: case Character.FORMAT:
            case Character.MODIFIER_LETTER: case Character.MODIFIER_SYMBOL:
                return true;
            default:
                break;
        }
        switch (cp) { // Word_Break MidLetter, MidNumLet, Single_Quote
            case 0x27: case 0x2E: case 0x3A: case 0xB7: case 0x387: case 0x55F: case 0x5F4: case 0x2018: case 0x2019:
            case 0x2024: case 0x2027: case 0xFE13: case 0xFE52: case 0xFE55: case 0xFF07: case 0xFF0E: case 0xFF1A:
                return true;
            default:
                return false;
        }
    }

    static String removePunctuation(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** {@code re.sub(r'\b(a|an|the)\b', ' ', text)} with Python 3's Unicode word characters. */
    static String removeArticles(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            boolean boundaryBefore = i == 0 || !isWord(s.codePointBefore(i));
            int len = 0;
            if (boundaryBefore) {
                for (String article : new String[] {"a", "an", "the"}) {
                    int e = i + article.length();
                    if (s.startsWith(article, i) && (e == n || !isWord(s.codePointAt(e)))) {
                        len = article.length();
                        break;
                    }
                }
            }
            if (len > 0) {
                b.append(' ');
                i += len;
            } else {
                int cp = s.codePointAt(i);
                b.appendCodePoint(cp);
                i += Character.charCount(cp);
            }
        }
        return b.toString();
    }

    /** Python's {@code \w} for str patterns: {@code str.isalnum()} or underscore. */
    static boolean isWord(int cp) {
        if (cp == '_' || Character.isLetter(cp)) {
            return true;
        }
        int t = Character.getType(cp);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    /** Python's {@code str.isspace()}. */
    static boolean isPythonSpace(int cp) {
        if (cp >= 0x09 && cp <= 0x0D) {
            return true;
        }
        if (cp >= 0x1C && cp <= 0x20) {
            return true;
        }
        if (cp >= 0x2000 && cp <= 0x200A) {
            return true;
        }
        switch (cp) {
            case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
                return true;
            default:
                return false;
        }
    }

    /** {@code str.split()} with no argument. */
    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && isPythonSpace(s.codePointAt(i))) {
                i += Character.charCount(s.codePointAt(i));
            }
            int start = i;
            while (i < n && !isPythonSpace(s.codePointAt(i))) {
                i += Character.charCount(s.codePointAt(i));
            }
            if (i > start) {
                out.add(s.substring(start, i));
            }
        }
        return out;
    }
}
