package io.github.prefine.core.tokenize;

import java.util.List;

/**
 * Pre-split words joined with single spaces into the one text the native tokenizer encodes, with
 * the exclusive UTF-16 end of each word in that text: how {@link SubwordTokenizer} encodes words
 * as text and then gives each token to the word it starts in (a token made of the separating
 * space, as SentencePiece's {@code ▁}, belongs to the word after it).
 *
 * <p>Each word must be non-empty and free of whitespace, so that splitting the text on its spaces
 * gives the words back. Immutable once made; {@link #ends()} is not copied.
 */
final class JoinedWords {
    private final String text;
    private final int[] ends;

    private JoinedWords(String text, int[] ends) {
        this.text = text;
        this.ends = ends;
    }

    /**
     * Joins the words {@code [from, to)} of a list.
     *
     * @param words the words
     * @param from the first word joined
     * @param to the end of the words joined (exclusive)
     * @param where what the words belong to, for messages ({@code "sentence 3 "}), or empty
     * @return the text and each joined word's end in it, indexed from {@code from}
     * @throws IllegalArgumentException when a word is empty or holds whitespace
     */
    static JoinedWords join(List<String> words, int from, int to, String where) {
        int[] ends = new int[to - from];
        StringBuilder sb = new StringBuilder();
        for (int w = from; w < to; w++) {
            String word = words.get(w);
            if (word.isEmpty()) {
                throw new IllegalArgumentException(where + "word " + w + ": words must be non-empty, found ''");
            }
            for (int c = 0; c < word.length(); c++) {
                char ch = word.charAt(c);
                if (Character.isWhitespace(ch) || Character.isSpaceChar(ch)) {
                    throw new IllegalArgumentException(
                            where + "word " + w + ": words must hold no whitespace, found '" + word + "'");
                }
            }
            if (w > from) {
                sb.append(' ');
            }
            sb.append(word);
            ends[w - from] = sb.length();
        }
        return new JoinedWords(sb.toString(), ends);
    }

    /**
     * Returns the joined text.
     *
     * @return the words separated by single spaces
     */
    String text() {
        return text;
    }

    /**
     * Returns where each word ends in {@link #text()}.
     *
     * @return per word, the UTF-16 index just past its last character (the array itself)
     */
    int[] ends() {
        return ends;
    }
}
