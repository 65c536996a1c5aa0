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

    /**
     * Tells whether a word's tokens are only the space joined in before it, so that none of them
     * covers a character of the word itself: the word is empty after normalization (a control
     * character the normalizer removes), and Metaspace's {@code ▁} or a byte-level {@code Ġ} stands
     * alone for the joined space. HF's {@code is_split_into_words} normalizes each word alone and
     * prepends nothing to an empty word, so such a word has no token there, and the joined space's
     * token is dropped. Read over the whole text: truncation may keep only the space of a word
     * whose characters have tokens too.
     *
     * @param ends each word's end, as {@link #ends()} gives it
     * @param w the word, 0 for the first of the text (which has no space before it)
     * @param starts token start offsets into the joined text
     * @param tokenEnds token end offsets
     * @param from the word's first token
     * @param to the end of the word's tokens (exclusive)
     * @return true when {@code [from, to)} is non-empty and every token lies on the space before word {@code w}
     */
    static boolean onlySeparator(int[] ends, int w, int[] starts, int[] tokenEnds, int from, int to) {
        if (w == 0 || from == to) {
            return false;
        }
        int space = ends[w - 1];
        for (int t = from; t < to; t++) {
            if (starts[t] != space || tokenEnds[t] > space + 1) {
                return false;
            }
        }
        return true;
    }
}
