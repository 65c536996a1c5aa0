package io.github.prefine.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link SquadMetrics} against a reference of the official SQuAD v1.1 {@code evaluate-v1.1.py}
 * written in the test, on random answers built from an alphabet whose Python character properties
 * are labelled by hand below from the Unicode data (so the reference shares no character tables
 * with the code under test): ASCII and Unicode punctuation, articles in any case, Python and
 * non-Python whitespace, combining marks, numbers, supplementary letters and the Greek capital sigma.
 */
class SquadMetricsProperties {

    /** Python's {@code string.punctuation}. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /** Flags: W = Python re {@code \w}, C = Unicode Cased, I = Case_Ignorable, S = {@code str.isspace}. */
    private static final Map<Integer, String> FLAGS = new HashMap<>();

    private static void label(String flags, String chars) {
        chars.codePoints().forEach(cp -> FLAGS.put(cp, flags));
    }

    static {
        label("WC", "abcdehmntxiTANHEÉéΑαΣσςªİı\uD835\uDC00Ⅻⅻ"); // letters; ª is Other_Lowercase; Ⅻ Other_Uppercase
        label("WCI", "ʰ"); // U+02B0: Lm (case-ignorable) and Other_Lowercase (cased)
        label("W", "019_²½一\uD835\uDFD9"); // digits, No numbers, Lo, U+1D7D9 (Nd); '_' is \w
        label("S", " \t\n\u000b\u000c\r\u001c\u001f\u0085\u00a0\u1680\u2003\u2028\u2029\u202f\u205f\u3000");
        label("I", "\u200b\u180e\ufeff\u00ad\u0301\u0307·’¨'.:^`"); // Cf, Mn, Sk, MidLetter/MidNumLet/Single_Quote
        label("", "!\"#$%&()*+,-/;<=>?@[\\]{|}~«»¿。—‘“”¡‐\uD83D\uDE00");
    }

    private static boolean has(int cp, char flag) {
        String f = FLAGS.get(cp);
        if (f == null) {
            throw new AssertionError("unlabelled code point U+" + Integer.toHexString(cp));
        }
        return f.indexOf(flag) >= 0;
    }

    // ---------- the official script ----------

    /** Python {@code str.lower}: per code point, U+03A3 by CPython's Final_Sigma test on the original. */
    static String lower(String s) {
        int[] cps = s.codePoints().toArray();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cps.length; i++) {
            if (cps[i] != 0x03A3) {
                b.append(new String(Character.toChars(cps[i])).toLowerCase(java.util.Locale.ROOT));
                continue;
            }
            int j = i - 1;
            while (j >= 0 && has(cps[j], 'I')) {
                j--;
            }
            boolean finalSigma = j >= 0 && has(cps[j], 'C');
            if (finalSigma) {
                j = i + 1;
                while (j < cps.length && has(cps[j], 'I')) {
                    j++;
                }
                finalSigma = j == cps.length || !has(cps[j], 'C');
            }
            b.append(finalSigma ? 'ς' : 'σ');
        }
        return b.toString();
    }

    private static final Pattern ARTICLES;

    static {
        StringBuilder w = new StringBuilder("[");
        FLAGS.forEach((cp, f) -> {
            if (f.contains("W")) {
                w.append(Pattern.quote(new String(Character.toChars(cp))).replace("\\Q", "").replace("\\E", ""));
            }
        });
        w.append(']');
        // \b(a|an|the)\b where every article letter is a word character
        ARTICLES = Pattern.compile("(?<!" + w + ")(a|an|the)(?!" + w + ")");
    }

    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (has(cp, 'S')) {
                if (cur.length() > 0) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.appendCodePoint(cp);
            }
        });
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    /** {@code normalize_answer}: white_space_fix(remove_articles(remove_punc(lower(s)))). */
    static String normalizeAnswer(String s) {
        StringBuilder noPunc = new StringBuilder();
        lower(s).codePoints().filter(cp -> cp > 0x7f || PUNCTUATION.indexOf(cp) < 0).forEach(noPunc::appendCodePoint);
        Matcher m = ARTICLES.matcher(noPunc);
        return String.join(" ", split(m.replaceAll(" ")));
    }

    static double f1Score(String prediction, String groundTruth) {
        List<String> p = split(normalizeAnswer(prediction));
        List<String> g = split(normalizeAnswer(groundTruth));
        Map<String, Integer> cp = new HashMap<>();
        Map<String, Integer> cg = new HashMap<>();
        p.forEach(t -> cp.merge(t, 1, Integer::sum));
        g.forEach(t -> cg.merge(t, 1, Integer::sum));
        int numSame = 0;
        for (Map.Entry<String, Integer> e : cp.entrySet()) {
            numSame += Math.min(e.getValue(), cg.getOrDefault(e.getKey(), 0));
        }
        if (numSame == 0) {
            return 0;
        }
        double precision = 1.0 * numSame / p.size();
        double recall = 1.0 * numSame / g.size();
        return (2 * precision * recall) / (precision + recall);
    }

    // ---------- generators ----------

    @Provide
    Arbitrary<String> answer() {
        List<String> pieces = new ArrayList<>(List.of("a", "an", "the", "The", "A", "AN", "THE", "and", "at",
                "theme", "cat", "x", "ΑΣ", "Σ", "the", "a"));
        FLAGS.keySet().forEach(cp -> pieces.add(new String(Character.toChars(cp))));
        Arbitrary<String> space = Arbitraries.of(" ", " ", "\u00a0", "\u3000", "\t", "\u200b");
        return Arbitraries.of(pieces).list().ofMaxSize(6).flatMap(ws -> space.list().ofSize(ws.size()).map(sp -> {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < ws.size(); i++) {
                b.append(ws.get(i));
                if (i + 1 < ws.size()) {
                    b.append(sp.get(i).equals("\u200b") ? "" : sp.get(i)); // some pieces touch
                }
            }
            return b.toString();
        }));
    }

    @Provide
    Arbitrary<List<String>> answers() {
        return answer().list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<String>> golds() {
        return answer().list().ofMinSize(1).ofMaxSize(3);
    }

    // ---------- properties ----------

    @Property(tries = 500)
    void normalizationIsTheOfficialScripts(@ForAll("answer") String s) {
        assertEquals(normalizeAnswer(s), SquadMetrics.normalize(s), "normalize_answer of " + escape(s));
    }

    @Provide
    Arbitrary<String> sigmaContext() {
        // dense around U+03A3: cased letters on either side, case-ignorable ones between, uncased ones
        return Arbitraries.of("Σ", "Σ", "Α", "a", "ª", "ʰ", "’", ".", ":", "\u0301", "\u00ad", " ", "1", "«")
                .list().ofMinSize(1).ofMaxSize(6).map(l -> String.join("", l));
    }

    @Property(tries = 300)
    void finalSigmaFollowsPythonsLower(@ForAll("sigmaContext") String s) {
        assertEquals(normalizeAnswer(s), SquadMetrics.normalize(s), "normalize_answer of " + escape(s));
    }

    @Property(tries = 300)
    void maxExactMatchAndF1AreTheOfficialScripts(@ForAll("answer") String prediction,
            @ForAll("golds") List<String> golds) {
        double em = 0;
        double f1 = 0;
        for (String g : golds) {
            em = Math.max(em, normalizeAnswer(prediction).equals(normalizeAnswer(g)) ? 1 : 0);
            f1 = Math.max(f1, f1Score(prediction, g));
        }
        String where = escape(prediction) + " vs " + golds.stream().map(SquadMetricsProperties::escape).toList();
        assertEquals(em, SquadMetrics.maxExactMatch(prediction, golds), 0, "EM " + where);
        assertEquals(f1, SquadMetrics.maxF1(prediction, golds), 0, "F1 " + where);
    }

    @Property(tries = 100)
    void aggregateIsTheOfficialScripts(@ForAll("answers") List<String> predictions,
            @ForAll @net.jqwik.api.constraints.Size(max = 6) List<Boolean> answered,
            @ForAll("golds") List<String> goldPool) {
        List<String> preds = new ArrayList<>();
        List<List<String>> golds = new ArrayList<>();
        double em = 0;
        double f1 = 0;
        for (int i = 0; i < predictions.size(); i++) {
            List<String> g = List.of(goldPool.get(i % goldPool.size()), predictions.get((i + 1) % predictions.size()));
            golds.add(g);
            boolean has = i >= answered.size() || answered.get(i);
            preds.add(has ? predictions.get(i) : null);
            if (has) {
                double e = 0;
                double f = 0;
                for (String x : g) {
                    e = Math.max(e, normalizeAnswer(predictions.get(i)).equals(normalizeAnswer(x)) ? 1 : 0);
                    f = Math.max(f, f1Score(predictions.get(i), x));
                }
                em += e;
                f1 += f;
            }
        }
        int total = predictions.size();
        if (total == 0) {
            // the script divides by zero: no questions, no score
            assertThrows(IllegalArgumentException.class, () -> SquadMetrics.evaluate(preds, golds));
            return;
        }
        SquadScore score = SquadMetrics.evaluate(preds, golds);
        assertEquals(100.0 * em / total, score.exactMatch(), 0, "EM");
        assertEquals(100.0 * f1 / total, score.f1(), 0, "F1");
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> b.append(cp >= 0x20 && cp < 0x7f ? String.valueOf((char) cp)
                : String.format("\\u{%04X}", cp)));
        return b.append('"').toString();
    }
}
