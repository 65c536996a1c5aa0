package io.github.prefine.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link SpanF1} against a reference written in the test from seqeval's published rules
 * ({@code sequence_labeling.get_entities} with {@code end_of_chunk}/{@code start_of_chunk} for the
 * default mode, {@code scheme.Tokens.entities} with each scheme's start/inside/end patterns for the
 * strict mode), on random tag sequences over a few types, several sentences and malformed tags.
 */
class SpanF1Properties {

    // ---------- generators ----------

    private static final List<String> TYPES = List.of("PER", "LOC", "MISC");

    private static Arbitrary<String> lenientTag() {
        List<String> tags = new ArrayList<>(List.of("O", "O", "O"));
        for (String t : TYPES) {
            for (String p : List.of("B-", "I-", "E-", "S-")) {
                tags.add(p + t);
            }
        }
        // malformed: bare prefixes, unknown prefixes, other schemes' prefixes, odd dashes, no dash
        tags.addAll(List.of("I", "B", "E", "S", "X", "X-PER", ".", "U-LOC", "L-LOC", "B-PER-X", "IPER", "B--PER", "I-"));
        // an O with a type: it hands its type on, so that a same-typed U- or L- after it starts no chunk
        tags.addAll(List.of("O-LOC", "O-PER"));
        // types beyond the BMP and just below it, whose order differs by code point and by UTF-16 unit
        tags.addAll(List.of("B-\uD83D\uDE00", "I-\uD83D\uDE00", "B-\uFF21", "I-\uFF21"));
        return Arbitraries.of(tags);
    }

    private static Arbitrary<List<List<String>>> corpus(Arbitrary<String> tag) {
        return tag.list().ofMinSize(0).ofMaxSize(9).list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<List<String>>> lenientCorpus() {
        return corpus(lenientTag());
    }

    private static Arbitrary<String> strictTag(TagScheme scheme) {
        List<String> tags = new ArrayList<>(List.of("O", "O"));
        for (char p : new char[] {'B', 'I', 'E', 'S', 'L', 'U'}) {
            if (scheme.allows(p)) {
                for (String t : List.of("PER", "LOC")) {
                    tags.add(p + "-" + t);
                }
                tags.add(p + "--LOC-"); // seqeval strips the delimiter at both ends: type LOC
                tags.add(String.valueOf(p)); // no type: '_'
            }
        }
        return Arbitraries.of(tags);
    }

    // ---------- seqeval default mode, transcribed from sequence_labeling.py ----------

    /** One seqeval chunk: (type, begin, end inclusive) over the flattened corpus. */
    record Chunk(String type, int begin, int endInclusive) {}

    private static boolean endOfChunk(char prevTag, char tag, String prevType, String type) {
        boolean chunkEnd = false;
        if (prevTag == 'E') chunkEnd = true;
        if (prevTag == 'S') chunkEnd = true;
        if (prevTag == 'B' && tag == 'B') chunkEnd = true;
        if (prevTag == 'B' && tag == 'S') chunkEnd = true;
        if (prevTag == 'B' && tag == 'O') chunkEnd = true;
        if (prevTag == 'I' && tag == 'B') chunkEnd = true;
        if (prevTag == 'I' && tag == 'S') chunkEnd = true;
        if (prevTag == 'I' && tag == 'O') chunkEnd = true;
        if (prevTag != 'O' && prevTag != '.' && !prevType.equals(type)) chunkEnd = true;
        return chunkEnd;
    }

    private static boolean startOfChunk(char prevTag, char tag, String prevType, String type) {
        boolean chunkStart = false;
        if (tag == 'B') chunkStart = true;
        if (tag == 'S') chunkStart = true;
        if (prevTag == 'E' && tag == 'E') chunkStart = true;
        if (prevTag == 'E' && tag == 'I') chunkStart = true;
        if (prevTag == 'S' && tag == 'E') chunkStart = true;
        if (prevTag == 'S' && tag == 'I') chunkStart = true;
        if (prevTag == 'O' && tag == 'E') chunkStart = true;
        if (prevTag == 'O' && tag == 'I') chunkStart = true;
        if (tag != 'O' && tag != '.' && !prevType.equals(type)) chunkStart = true;
        return chunkStart;
    }

    /** {@code get_entities(seq)} for a nested list: sentences joined with an 'O' after each. */
    static List<Chunk> seqevalEntities(List<List<String>> sentences) {
        List<String> seq = new ArrayList<>();
        for (List<String> s : sentences) {
            seq.addAll(s);
            seq.add("O");
        }
        seq.add("O");
        char prevTag = 'O';
        String prevType = "";
        int beginOffset = 0;
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < seq.size(); i++) {
            String chunk = seq.get(i);
            char tag = chunk.charAt(0);
            String rest = chunk.substring(1);
            String[] parts = rest.split("-", 2); // Python split('-', maxsplit=1)[-1]
            String type = parts[parts.length - 1];
            if (type.isEmpty()) {
                type = "_";
            }
            if (endOfChunk(prevTag, tag, prevType, type)) {
                chunks.add(new Chunk(prevType, beginOffset, i - 1));
            }
            if (startOfChunk(prevTag, tag, prevType, type)) {
                beginOffset = i;
            }
            prevTag = tag;
            prevType = type;
        }
        return chunks;
    }

    /**
     * seqeval's entities with prefine's one documented departure: an entity never crosses a
     * sentence. In seqeval a tag that starts no chunk (such as {@code X}: no B/I/E/S prefix, no type;
     * or {@code U-LOC} after {@code O-LOC}, same type) leaves the begin offset where the last chunk
     * began, possibly in an earlier sentence; prefine
     * begins such an entity at the first token of the sentence it ends in.
     */
    static List<Chunk> seqevalEntitiesPerSentence(List<List<String>> sentences) {
        int[] off = offsets(sentences);
        List<Chunk> out = new ArrayList<>();
        for (Chunk c : seqevalEntities(sentences)) {
            int s = off.length - 1;
            while (off[s] > c.endInclusive()) {
                s--;
            }
            out.add(new Chunk(c.type(), Math.max(c.begin(), off[s]), c.endInclusive()));
        }
        return out;
    }

    /** Start of each sentence in seqeval's flattened sequence (each sentence is followed by an 'O'). */
    private static int[] offsets(List<List<String>> sentences) {
        int[] off = new int[sentences.size()];
        int o = 0;
        for (int s = 0; s < sentences.size(); s++) {
            off[s] = o;
            o += sentences.get(s).size() + 1;
        }
        return off;
    }

    private static List<Chunk> asChunks(List<Span> spans, List<List<String>> sentences) {
        int[] off = offsets(sentences);
        List<Chunk> out = new ArrayList<>();
        for (Span s : spans) {
            out.add(new Chunk(s.type(), off[s.sentence()] + s.start(), off[s.sentence()] + s.end() - 1));
        }
        return out;
    }

    // ---------- seqeval scores: per-type sets, micro sums, p*r harmonic mean ----------

    /** {@code precision_recall_fscore_support} on the entity sets; key null is the micro average. */
    private static Map<String, double[]> seqevalScores(Set<Chunk> gold, Set<Chunk> pred) {
        Map<String, int[]> counts = new TreeMap<>();
        for (Chunk c : gold) {
            counts.computeIfAbsent(c.type(), k -> new int[3])[2]++;
        }
        for (Chunk c : pred) {
            int[] n = counts.computeIfAbsent(c.type(), k -> new int[3]);
            n[1]++;
            if (gold.contains(c)) {
                n[0]++;
            }
        }
        Map<String, double[]> out = new HashMap<>();
        int[] micro = new int[3];
        counts.forEach((k, n) -> {
            out.put(k, prf(n));
            for (int j = 0; j < 3; j++) {
                micro[j] += n[j];
            }
        });
        out.put(null, prf(micro));
        return out;
    }

    private static double[] prf(int[] n) {
        double p = n[1] == 0 ? 0 : (double) n[0] / n[1];
        double r = n[2] == 0 ? 0 : (double) n[0] / n[2];
        double denom = 1 * p + r;
        double f = (1 + 1) * p * r / (denom == 0 ? 1 : denom);
        return new double[] {p, r, f, n[2]};
    }

    private static void assertScores(Map<String, double[]> expected, SpanReport actual, String where) {
        // seqeval lists the types as Python's sorted(): by code point
        List<String> order = expected.keySet().stream().filter(k -> k != null)
                .sorted((a, b) -> java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray())).toList();
        assertEquals(order, new ArrayList<>(actual.perType().keySet()), where + ": types");
        check(expected.get(null), actual.micro(), where + " micro");
        actual.perType().forEach((type, score) -> check(expected.get(type), score, where + " " + type));
    }

    private static void check(double[] e, PrfScore a, String where) {
        assertEquals(e[0], a.precision(), 0, where + " precision");
        assertEquals(e[1], a.recall(), 0, where + " recall");
        assertEquals(e[2], a.f1(), 0, where + " f1");
        assertEquals((int) e[3], a.support(), where + " support");
    }

    private static List<List<String>> sameShape(List<List<String>> shape, List<List<String>> other) {
        List<List<String>> out = new ArrayList<>();
        for (int s = 0; s < shape.size(); s++) {
            List<String> o = s < other.size() ? other.get(s) : List.of();
            List<String> row = new ArrayList<>();
            for (int i = 0; i < shape.get(s).size(); i++) {
                row.add(o.isEmpty() ? "O" : o.get(i % o.size()));
            }
            out.add(row);
        }
        return out;
    }

    // ---------- properties ----------

    @Property(tries = 400)
    void lenientEntitiesAreSeqevalDefaultModeEntities(@ForAll("lenientCorpus") List<List<String>> sentences) {
        List<Chunk> expected = seqevalEntitiesPerSentence(sentences);
        List<Chunk> actual = asChunks(SpanF1.lenient().spans(sentences), sentences);
        assertEquals(expected, actual, "entities of " + sentences);
    }

    @Property(tries = 300)
    void lenientScoresAreSeqevalDefaultModeScores(@ForAll("lenientCorpus") List<List<String>> gold,
            @ForAll("lenientCorpus") List<List<String>> otherPred) {
        List<List<String>> pred = sameShape(gold, otherPred);
        Map<String, double[]> expected = seqevalScores(new HashSet<>(seqevalEntitiesPerSentence(gold)),
                new HashSet<>(seqevalEntitiesPerSentence(pred)));
        assertScores(expected, SpanF1.lenient().score(gold, pred), "gold " + gold + " pred " + pred);
    }

    // ---------- seqeval strict mode, transcribed from scheme.py ----------

    private static final String ANY = "IOBESUL";

    /** A seqeval pattern: previous prefix in {@code prev}, current prefix in {@code cur}, tag condition. */
    record Pattern(String prev, String cur, String cond) {}

    private static List<Pattern> patterns(String... triples) {
        List<Pattern> out = new ArrayList<>();
        for (int i = 0; i < triples.length; i += 3) {
            out.add(new Pattern(triples[i], triples[i + 1], triples[i + 2]));
        }
        return out;
    }

    /** allowed prefixes, start, inside and end patterns of each scheme class in scheme.py. */
    private static Object[] schemeRules(TagScheme scheme) {
        switch (scheme) {
            case IOB2:
                return new Object[] {"IOB",
                    patterns(ANY, "B", "ANY"),
                    patterns("B", "I", "SAME", "I", "I", "SAME"),
                    patterns("I", "O", "ANY", "I", "I", "DIFF", "I", "B", "ANY",
                            "B", "O", "ANY", "B", "I", "DIFF", "B", "B", "ANY")};
            case IOBES:
                return new Object[] {"IOBES",
                    patterns(ANY, "B", "ANY", ANY, "S", "ANY"),
                    patterns("B", "I", "SAME", "B", "E", "SAME", "I", "I", "SAME", "I", "E", "SAME"),
                    patterns("S", ANY, "ANY", "E", ANY, "ANY")};
            default:
                return new Object[] {"BILOU",
                    patterns(ANY, "B", "ANY", ANY, "U", "ANY"),
                    patterns("B", "I", "SAME", "B", "L", "SAME", "I", "I", "SAME", "I", "L", "SAME"),
                    patterns("U", ANY, "ANY", "L", ANY, "ANY")};
        }
    }

    /** Token: prefix {@code token[0]}, tag {@code token[1:].strip('-') or '_'}. */
    record Token(char prefix, String tag) {
        static Token of(String token) {
            String tag = token.substring(1).replaceAll("^-+|-+$", "");
            return new Token(token.charAt(0), tag.isEmpty() ? "_" : tag);
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean check(Object rules, Token prev, Token cur) {
        for (Pattern p : (List<Pattern>) rules) {
            boolean tagOk = p.cond().equals("ANY") || (p.cond().equals("SAME") == prev.tag().equals(cur.tag()));
            if (p.prev().indexOf(prev.prefix()) >= 0 && p.cur().indexOf(cur.prefix()) >= 0 && tagOk) {
                return true;
            }
        }
        return false;
    }

    /** {@code Tokens(...).entities} of one sentence, as (type, start, end exclusive) chunks. */
    static List<Span> seqevalStrict(int sentId, List<String> tokens, TagScheme scheme) {
        Object[] rules = schemeRules(scheme);
        List<Token> ext = new ArrayList<>();
        for (String t : tokens) {
            ext.add(Token.of(t));
        }
        Token outside = Token.of("O");
        ext.add(outside);
        List<Span> entities = new ArrayList<>();
        int i = 0;
        Token prev = outside;
        while (i < ext.size()) {
            Token token = ext.get(i);
            if (((String) rules[0]).indexOf(token.prefix()) < 0) {
                throw new IllegalArgumentException("invalid prefix " + token);
            }
            if (check(rules[1], prev, token)) {
                int end = ext.size() - 1;
                Token p = token;
                for (int j = i + 1; j < ext.size(); j++) {
                    if (check(rules[2], p, ext.get(j))) {
                        p = ext.get(j);
                    } else {
                        end = j;
                        break;
                    }
                }
                if (check(rules[3], ext.get(end - 1), ext.get(end))) {
                    entities.add(new Span(sentId, i, end, token.tag()));
                }
                i = end;
            } else {
                i++;
            }
            prev = ext.get(i - 1);
        }
        return entities;
    }

    private static List<Span> seqevalStrict(List<List<String>> sentences, TagScheme scheme) {
        List<Span> out = new ArrayList<>();
        for (int s = 0; s < sentences.size(); s++) {
            out.addAll(seqevalStrict(s, sentences.get(s), scheme));
        }
        return out;
    }

    private static Map<String, double[]> strictScores(List<Span> gold, List<Span> pred) {
        Set<Chunk> g = new HashSet<>();
        Set<Chunk> p = new HashSet<>();
        // (sentence, start) folded into one int: sentences are short
        gold.forEach(s -> g.add(new Chunk(s.type(), s.sentence() * 1000 + s.start(), s.sentence() * 1000 + s.end())));
        pred.forEach(s -> p.add(new Chunk(s.type(), s.sentence() * 1000 + s.start(), s.sentence() * 1000 + s.end())));
        return seqevalScores(g, p);
    }

    @Provide
    Arbitrary<Object[]> strictCase() {
        return Arbitraries.of(TagScheme.values()).flatMap(scheme -> {
            Arbitrary<List<List<String>>> c = corpus(strictTag(scheme));
            return net.jqwik.api.Combinators.combine(c, c).as((g, p) -> new Object[] {scheme, g, sameShape(g, p)});
        });
    }

    @Property(tries = 300)
    @SuppressWarnings("unchecked")
    void strictEntitiesAndScoresAreSeqevalStrictMode(@ForAll("strictCase") Object[] c) {
        TagScheme scheme = (TagScheme) c[0];
        List<List<String>> gold = (List<List<String>>) c[1];
        List<List<String>> pred = (List<List<String>>) c[2];
        List<Span> expected = seqevalStrict(gold, scheme);
        assertEquals(expected, SpanF1.strict(scheme).spans(gold), scheme + " entities of " + gold);
        assertScores(strictScores(expected, seqevalStrict(pred, scheme)), SpanF1.strict(scheme).score(gold, pred),
                scheme + " gold " + gold + " pred " + pred);
    }

    @Property(tries = 100)
    void strictRejectsEveryPrefixItsSchemeDoesNotAllow(@ForAll TagScheme scheme,
            @ForAll("lenientCorpus") List<List<String>> sentences) {
        boolean seqevalRaises = false;
        for (List<String> s : sentences) {
            for (String t : s) {
                seqevalRaises |= ((String) schemeRules(scheme)[0]).indexOf(t.charAt(0)) < 0;
            }
        }
        if (seqevalRaises) {
            assertThrows(IllegalArgumentException.class, () -> SpanF1.strict(scheme).spans(sentences),
                    scheme + " " + sentences);
        } else {
            assertEquals(seqevalStrict(sentences, scheme), SpanF1.strict(scheme).spans(sentences));
        }
    }
}
