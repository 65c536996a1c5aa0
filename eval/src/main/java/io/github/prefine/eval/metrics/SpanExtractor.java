package io.github.prefine.eval.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns tag sequences into entity spans the way seqeval does, in its default or its strict mode.
 *
 * <p>The default mode follows conlleval's lenient chunking ({@code seqeval.metrics.sequence_labeling
 * .get_entities}): an I- tag after O or after a tag of another type starts an entity, so IOB1 input
 * and broken IOB2 still yield entities. Sentences are independent; the end of a sentence ends any open
 * entity, as seqeval's concatenation with an O between sentences does. One departure, on malformed
 * tags only: a tag that starts no chunk at the start of a sentence (no B/I/E/S prefix and no type,
 * such as {@code X}, or the prefix {@code .} with any type, such as {@code .-PER}, which seqeval's
 * type rule skips; or, after O tags only, a prefix other than B/I/E/S with the type of an O before
 * it, such as {@code U-PER} in {@code [O-PER, U-PER]}, as an O with a type hands its type on)
 * leaves seqeval's begin offset where the last chunk began, possibly in an earlier
 * sentence, so seqeval can report an entity across sentences; here such an entity begins at its
 * sentence's first token (for {@code [[], [X, B-PER]]} seqeval's first entity spans both sentences,
 * here it is token 0 of sentence 1; seqeval's PER entity of {@code [[B-LOC], [.-PER, I-PER]]} begins
 * at {@code B-LOC}, here at token 0 of sentence 1). The strict mode
 * ({@code mode='strict'} with a {@link TagScheme}) keeps only entities that begin and end with the
 * tags the scheme prescribes.
 *
 * <p>Tags are prefix-first ({@code B-PER}); the type is what follows the first {@code -}. Stateless
 * and thread-safe.
 */
public final class SpanExtractor {

    private SpanExtractor() {}

    /**
     * Extracts entities in seqeval's default (lenient) mode.
     *
     * @param sentences tag sequences, one per sentence
     * @return the entities in order of occurrence
     * @throws IllegalArgumentException if a tag is empty (seqeval cannot read one), naming the
     *     sentence and position
     * @throws NullPointerException if a tag is null, naming the sentence and position
     */
    public static List<Span> lenient(List<List<String>> sentences) {
        Objects.requireNonNull(sentences, "sentences");
        List<Span> out = new ArrayList<>();
        for (int s = 0; s < sentences.size(); s++) {
            List<String> tags = sentences.get(s);
            char prevTag = 'O';
            String prevType = "_";
            int begin = 0;
            for (int i = 0; i <= tags.size(); i++) {
                String chunk = i < tags.size() ? tag(tags, s, i) : "O";
                // compared with ASCII prefixes only, so a high surrogate acts as its code point would
                char tag = chunk.charAt(0);
                String type = lenientType(chunk);
                if (endOfChunk(prevTag, tag, prevType, type)) {
                    out.add(new Span(s, begin, i, prevType));
                }
                if (startOfChunk(prevTag, tag, prevType, type)) {
                    begin = i;
                }
                prevTag = tag;
                prevType = type;
            }
        }
        return out;
    }

    /** A sentence's tag, a null or empty one named by its place as a refused tag is. */
    private static String tag(List<String> tags, int sentence, int token) {
        String t = tags.get(token);
        if (t == null) {
            throw new NullPointerException("sentence " + sentence + ", token " + token + ": tag is null");
        }
        if (t.isEmpty()) {
            // seqeval takes chunk[0] (token[0] in strict mode): an IndexError, not an O
            throw new IllegalArgumentException("sentence " + sentence + ", token " + token + ": expected a tag (O, or a"
                    + " prefix and type such as B-PER), found an empty tag, which seqeval cannot read");
        }
        return t;
    }

    /**
     * seqeval: {@code chunk[1:].split('-', maxsplit=1)[-1] or '_'}, where {@code chunk[1:]} drops the
     * first code point (Python indexes code points), not the first UTF-16 unit.
     */
    private static String lenientType(String chunk) {
        int first = chunk.isEmpty() ? 0 : Character.charCount(chunk.codePointAt(0));
        if (chunk.length() <= first) {
            return "_";
        }
        String rest = chunk.substring(first);
        int dash = rest.indexOf('-');
        String type = dash >= 0 ? rest.substring(dash + 1) : rest;
        return type.isEmpty() ? "_" : type;
    }

    private static boolean endOfChunk(char prevTag, char tag, String prevType, String type) {
        boolean end = prevTag == 'E' || prevTag == 'S';
        if ((prevTag == 'B' || prevTag == 'I') && (tag == 'B' || tag == 'S' || tag == 'O')) {
            end = true;
        }
        if (prevTag != 'O' && prevTag != '.' && !prevType.equals(type)) {
            end = true;
        }
        return end;
    }

    private static boolean startOfChunk(char prevTag, char tag, String prevType, String type) {
        boolean start = tag == 'B' || tag == 'S';
        if ((prevTag == 'E' || prevTag == 'S' || prevTag == 'O') && (tag == 'E' || tag == 'I')) {
            start = true;
        }
        if (tag != 'O' && tag != '.' && !prevType.equals(type)) {
            start = true;
        }
        return start;
    }

    /**
     * Extracts entities in seqeval's strict mode for a scheme.
     *
     * @param sentences tag sequences, one per sentence
     * @param scheme the tagging scheme every tag must follow
     * @return the entities in order of occurrence
     * @throws IllegalArgumentException if a tag is empty or its prefix is not allowed by the scheme,
     *     naming the sentence, position and tag
     * @throws NullPointerException if a tag is null, naming the sentence and position
     */
    public static List<Span> strict(List<List<String>> sentences, TagScheme scheme) {
        Objects.requireNonNull(sentences, "sentences");
        Objects.requireNonNull(scheme, "scheme");
        List<Span> out = new ArrayList<>();
        for (int s = 0; s < sentences.size(); s++) {
            List<String> tags = sentences.get(s);
            int n = tags.size();
            char[] prefix = new char[n + 1];
            String[] type = new String[n + 1];
            for (int i = 0; i < n; i++) {
                String t = tag(tags, s, i);
                prefix[i] = t.charAt(0);
                if (!scheme.allows(prefix[i])) {
                    throw new IllegalArgumentException("sentence " + s + ", token " + i + ": tag prefix not allowed by "
                            + scheme + ", found \"" + t + "\"");
                }
                type[i] = strictType(t);
            }
            prefix[n] = 'O';
            type[n] = "_";
            int i = 0;
            while (i <= n) {
                if (isStart(scheme, prefix[i])) {
                    int end = i + 1;
                    char insideP = prefix[i];
                    String insideT = type[i];
                    while (end <= n && isInside(scheme, insideP, insideT, prefix[end], type[end])) {
                        insideP = prefix[end];
                        insideT = type[end];
                        end++;
                    }
                    if (isEnd(scheme, prefix[end - 1], type[end - 1], prefix[end], type[end])) {
                        out.add(new Span(s, i, end, type[i]));
                    }
                    i = end;
                } else {
                    i++;
                }
            }
        }
        return out;
    }

    /** seqeval Token: {@code token[1:].strip('-') or '_'}. */
    private static String strictType(String t) {
        int a = 1;
        int b = t.length();
        while (a < b && t.charAt(a) == '-') {
            a++;
        }
        while (b > a && t.charAt(b - 1) == '-') {
            b--;
        }
        return a >= b ? "_" : t.substring(a, b);
    }

    // every scheme's start patterns accept any previous tag, so only the current prefix matters
    private static boolean isStart(TagScheme scheme, char cur) {
        switch (scheme) {
            case IOB2:
                return cur == 'B';
            case IOBES:
                return cur == 'B' || cur == 'S';
            default:
                return cur == 'B' || cur == 'U';
        }
    }

    private static boolean isInside(TagScheme scheme, char prevP, String prevT, char cur, String curT) {
        if (!prevT.equals(curT)) {
            return false;
        }
        char last = scheme == TagScheme.IOBES ? 'E' : scheme == TagScheme.BILOU ? 'L' : 'I';
        return (prevP == 'B' || prevP == 'I') && (cur == 'I' || cur == last);
    }

    private static boolean isEnd(TagScheme scheme, char prevP, String prevT, char cur, String curT) {
        switch (scheme) {
            case IOB2:
                if (prevP == 'I' || prevP == 'B') {
                    return cur == 'O' || cur == 'B' || (cur == 'I' && !prevT.equals(curT));
                }
                return false;
            case IOBES:
                return prevP == 'S' || prevP == 'E';
            default:
                return prevP == 'U' || prevP == 'L';
        }
    }
}
