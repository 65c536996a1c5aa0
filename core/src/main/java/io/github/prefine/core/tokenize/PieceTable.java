package io.github.prefine.core.tokenize;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.HashSet;
import java.util.Set;

/**
 * A Unigram model's pieces by id, read from its {@code tokenizer.json}: the token strings that
 * {@link JoinedWords#extraSpaces} reads, found without asking the native library for every token
 * string of a text (one JNI call that builds a Java string per token).
 *
 * <p>The library writes a token of a known piece as the piece itself, and a token of the unknown
 * id as the text it covers, which only the library knows. That text cannot start with a character
 * that is a piece of its own: the Unigram lattice makes an unknown node only for a character no
 * one-character piece covers. So a row whose read tokens are unknown ones compared with such a
 * space token (SentencePiece's {@code ▁}, a piece in every such vocabulary) is still decided here;
 * any other row is left to the library ({@link #strings} gives null).
 *
 * <p>Immutable.
 */
final class PieceTable {
    private final String[] pieces;
    private final int unknownId;
    private final Set<Integer> singleCharacters;

    private PieceTable(String[] pieces, int unknownId, Set<Integer> singleCharacters) {
        this.pieces = pieces;
        this.unknownId = unknownId;
        this.singleCharacters = singleCharacters;
    }

    /**
     * Reads the table of a parsed {@code tokenizer.json}.
     *
     * @param root the parsed file, which the native library loaded
     * @return the table, or null where the model is not a Unigram model of {@code [piece, score]}
     *     entries with a numeric {@code unk_id}: its token strings are then left to the library
     */
    static PieceTable read(JsonObject root) {
        JsonElement model = root.get("model");
        if (model == null || !model.isJsonObject()) {
            return null;
        }
        JsonObject m = model.getAsJsonObject();
        JsonElement type = m.get("type");
        JsonElement vocab = m.get("vocab");
        JsonElement unk = m.get("unk_id");
        if (type == null || !type.isJsonPrimitive() || !type.getAsString().equals("Unigram") || vocab == null
                || !vocab.isJsonArray() || unk == null || !unk.isJsonPrimitive() || !unk.getAsJsonPrimitive().isNumber()) {
            return null;
        }
        JsonArray entries = vocab.getAsJsonArray();
        String[] pieces = new String[entries.size()];
        Set<Integer> single = new HashSet<>();
        for (int id = 0; id < pieces.length; id++) {
            JsonElement e = entries.get(id);
            if (!e.isJsonArray() || e.getAsJsonArray().isEmpty() || !e.getAsJsonArray().get(0).isJsonPrimitive()) {
                return null;
            }
            String piece = e.getAsJsonArray().get(0).getAsString();
            pieces[id] = piece;
            if (!piece.isEmpty() && piece.codePointCount(0, piece.length()) == 1) {
                single.add(piece.codePointAt(0));
            }
        }
        JsonElement added = root.get("added_tokens");
        if (added != null && added.isJsonArray()) {
            for (JsonElement a : added.getAsJsonArray()) {
                // an added token is written as its content: where that is not the piece of its id, ask the library
                JsonElement id = a.isJsonObject() ? a.getAsJsonObject().get("id") : null;
                JsonElement content = a.isJsonObject() ? a.getAsJsonObject().get("content") : null;
                if (id != null && id.isJsonPrimitive() && id.getAsJsonPrimitive().isNumber()) {
                    long i = id.getAsLong();
                    if (i >= 0 && i < pieces.length && !(content != null && content.isJsonPrimitive()
                            && content.getAsString().equals(pieces[(int) i]))) {
                        pieces[(int) i] = null;
                    }
                }
            }
        }
        return new PieceTable(pieces, unk.getAsInt(), single);
    }

    /**
     * The strings of a row's tokens as {@link JoinedWords#extraSpaces} reads them: each token on a
     * joined space alone, and the token at the first character of a word that has one; a token it
     * never reads gets the empty string, and an unknown token it reads the empty string only where
     * the space token's first character is a one-character piece (both then fail its test of
     * starting with the space token, as the library's string would).
     *
     * @param ids the token ids, the row's at {@code [from, from + n)}
     * @param from the row's first token
     * @param n the row's tokens
     * @param ends each word's end in the joined text
     * @param starts the tokens' start offsets, indexed as {@code ids}
     * @param tokenEnds the tokens' end offsets, indexed as {@code ids}
     * @return the {@code n} strings, or null where a string it reads is only the library's to give
     */
    String[] strings(int[] ids, int from, int n, int[] ends, int[] starts, int[] tokenEnds) {
        String[] out = new String[n];
        int[] word = new int[n];
        String[] spaceToken = new String[ends.length];
        int w = 0;
        for (int t = 0; t < n; t++) {
            while (w < ends.length - 1 && ends[w] <= starts[from + t]) {
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
            if (out[t] == null && read && !(id == unknownId && singleCharacters.contains(spaceToken[w].codePointAt(0)))) {
                return null;
            }
            if (out[t] == null) {
                out[t] = "";
            }
        }
        return out;
    }

    /** The piece of a known id, or null for the unknown id, an id past the vocabulary, or an added token's. */
    private String piece(int id) {
        return id >= 0 && id < pieces.length && id != unknownId ? pieces[id] : null;
    }
}
