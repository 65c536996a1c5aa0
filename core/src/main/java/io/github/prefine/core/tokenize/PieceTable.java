package io.github.prefine.core.tokenize;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Unigram model's pieces by id, learnt from the token strings the native library gave earlier
 * rows: the strings that {@link JoinedWords#extraSpaces} reads, found without asking the library
 * for every token string of a row (one JNI call that builds a Java string per token). Nothing is
 * read from the file, so a large vocabulary costs no parse and holds only the ids met.
 *
 * <p>The library writes a token of a known id as its piece, always the same string, and a token
 * of the unknown id as the text it covers, which only the library knows. That text cannot start
 * with a character that is a piece of its own: the Unigram lattice makes an unknown node only for
 * a character no one-character piece covers. So an unknown token compared with a space token of
 * one character (SentencePiece's {@code ▁}) is decided here; any other row holding a string not
 * learnt yet is left to the library ({@link #strings} gives null).
 *
 * <p>Thread-safe.
 */
final class PieceTable {
    private final int unknownId;
    private final Map<Integer, String> pieces = new ConcurrentHashMap<>();

    /**
     * Makes an empty table.
     *
     * @param unknownId the model's {@code unk_id}
     */
    PieceTable(int unknownId) {
        this.unknownId = unknownId;
    }

    /**
     * Keeps the strings the library gave a row's tokens of known ids.
     *
     * @param ids the token ids, the row's at {@code [from, from + strings.length)}
     * @param from the row's first token
     * @param strings the library's strings of the row's tokens
     */
    void learn(int[] ids, int from, String[] strings) {
        for (int t = 0; t < strings.length; t++) {
            if (ids[from + t] != unknownId && strings[t] != null) {
                pieces.putIfAbsent(ids[from + t], strings[t]);
            }
        }
    }

    /**
     * The strings of a row's tokens as {@link JoinedWords#extraSpaces} reads them: each token on a
     * joined space alone, and the token at the first character of a word that has one; a token it
     * never reads gets the empty string, and an unknown token it reads the empty string where the
     * space token is one character (both then fail its test of starting with the space token, as
     * the library's string would).
     *
     * @param ids the token ids, the row's at {@code [from, from + n)}
     * @param from the row's first token
     * @param n the row's tokens
     * @param ends each word's end in the joined text
     * @param starts the tokens' start offsets, indexed as {@code ids}
     * @param tokenEnds the tokens' end offsets, indexed as {@code ids}
     * @return the {@code n} strings, or null where a string it reads is not learnt yet
     */
    String[] strings(int[] ids, int from, int n, int[] ends, int[] starts, int[] tokenEnds) {
        String[] out = new String[n];
        int[] word = new int[n];
        String[] spaceToken = new String[ends.length];
        int w = 0;
        for (int t = 0; t < n; t++) {
            while (w < ends.length - 1 && JoinedWords.pastWord(ends[w], starts[from + t], tokenEnds[from + t])) {
                w++;
            }
            word[t] = w;
            if (JoinedWords.onSpace(ends, w, starts[from + t], tokenEnds[from + t])) {
                out[t] = piece(ids[from + t]);
                if (out[t] == null) {
                    return null;
                }
                spaceToken[w] = out[t];
            }
        }
        for (int t = 0; t < n; t++) {
            if (out[t] != null) {
                continue;
            }
            int id = ids[from + t];
            out[t] = piece(id);
            w = word[t];
            boolean read = w > 0 && spaceToken[w] != null && !spaceToken[w].isEmpty()
                    && starts[from + t] == ends[w - 1] + 1;
            if (out[t] == null && read
                    && !(id == unknownId && spaceToken[w].codePointCount(0, spaceToken[w].length()) == 1)) {
                return null;
            }
            if (out[t] == null) {
                out[t] = "";
            }
        }
        return out;
    }

    /** The learnt piece of a known id, or null for the unknown id or one not met yet. */
    private String piece(int id) {
        return id == unknownId ? null : pieces.get(id);
    }
}
