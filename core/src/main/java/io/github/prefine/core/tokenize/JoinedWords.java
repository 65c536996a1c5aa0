package io.github.prefine.core.tokenize;

import java.util.List;
import java.util.Map;

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
     * Tells whether a token lies past a word, in the words after it: it starts past the word's end,
     * or at that end (the space joined in after the word) and is not empty. An empty token at the
     * end is the word's own: RoBERTa's {@code trim_offsets} moves the start of a piece whose space
     * {@code add_prefix_space} put there ("Ġa" of "</s>a") past its one character, to the word's end.
     *
     * @param wordEnd the word's end in the joined text
     * @param start the token's start offset
     * @param end the token's end offset
     * @return true where the token belongs to a later word
     */
    static boolean pastWord(int wordEnd, int start, int end) {
        return pastWord(wordEnd, start, end, false);
    }

    /**
     * {@link #pastWord(int, int, int)}, where {@code first} says the token is the first of its
     * window's text: {@code trim_offsets} leaves the start of a window's first token where it was and
     * moves only its end back, so a lone space token ("Ġ" before "cd") that opens an overflow window
     * is empty at the end of the word before it, and is the next word's.
     *
     * @param wordEnd the word's end in the joined text
     * @param start the token's start offset
     * @param end the token's end offset
     * @param first whether no token of the text comes before it in its encoding or window
     * @return true where the token belongs to a later word
     */
    static boolean pastWord(int wordEnd, int start, int end, boolean first) {
        return wordEnd < start || wordEnd == start && (end > start || first);
    }

    /**
     * Tells whether a token lies on the space joined in before word {@code w} and on nothing of
     * the word itself.
     *
     * @param ends each word's end, as {@link #ends()} gives it
     * @param w the token's word, 0 for the first of the text (which has no space before it)
     * @param start the token's start offset in the joined text
     * @param end the token's end offset
     * @return true for a token of the joined space alone
     */
    static boolean onSpace(int[] ends, int w, int start, int end) {
        int space = spaceBefore(ends, w);
        // or empty just past it: a post-processor's trim_offsets (RoBERTa's) moves a whitespace token's start past it
        return space >= 0 && (start == space && end <= space + 1 || start == space + 1 && end == start);
    }

    /** Where the space before word {@code w} stands: -1 for the first word, which has none. */
    private static int spaceBefore(int[] ends, int w) {
        return w > 0 ? ends[w - 1] : -1;
    }

    /**
     * Tells whether any token lies on a joined space alone ({@link #onSpace}), each token given to
     * the word it starts in (the space before a word goes to that word): where none does, {@link
     * #extraSpaces} drops nothing and reads no token string.
     *
     * @param ends each word's end, as {@link #ends()} gives it
     * @param starts token start offsets in the joined text
     * @param tokenEnds token end offsets
     * @param from the first token's index in {@code starts} and {@code tokenEnds}
     * @param n how many tokens
     * @return true if a token of a joined space alone is among them
     */
    static boolean anyOnSpace(int[] ends, int[] starts, int[] tokenEnds, int from, int n) {
        int w = 0;
        for (int t = from; t < from + n; t++) {
            while (w < ends.length - 1 && pastWord(ends[w], starts[t], tokenEnds[t])) {
                w++;
            }
            if (onSpace(ends, w, starts[t], tokenEnds[t])) {
                return true;
            }
        }
        return false;
    }

    /**
     * Finds the words whose joined space got a token that HF's {@code is_split_into_words} does not
     * give them. HF normalizes and pre-tokenizes each word alone, and Metaspace prepends its
     * {@code ▁} (byte-level BPE its space) only to a word that is not empty and does not already
     * start with it. Joined, the space before such a word stands alone as a token of its own: a word
     * the normalizer empties (a control character XLM-R's charsmap removes) gets one where HF has
     * none, and one that starts with {@code ▁} once normalized (NFKC makes "¨" and "´" a space and a
     * combining mark; a literal U+2581) gets two. Such a word is known by its tokens: besides its
     * space's token, none, or a first one at its first character whose string starts with that of
     * the space's token (a plain word's first sub-token, "J" after "▁", does not). A word that
     * starts with an added token ({@code <mask>}) gets none either: the library matches it before
     * pre-tokenizing, so alone the word has no {@code ▁} before it, and joined the space stands
     * alone; it is known by a first token whose id is an added token's that only the library's
     * matcher gives (one the model lacks, or a normalized one that is the model's piece of its id,
     * which the normalized text always shows it for), or whose text is its content (the model's own {@code <unk>} for a piece it does not know
     * has the id, not the text).
     *
     * @param text the joined text
     * @param ends each word's end, as {@link #ends()} gives it
     * @param word each token's word, -1 for special tokens and padding
     * @param starts each token's start offset in the joined text
     * @param tokenEnds each token's end offset
     * @param tokens each token's string
     * @param ids each token's id
     * @param added the tokenizer's added tokens, id to the content the text must show, "" where
     *     the id alone tells ({@link TokenizerJson#addedTokens})
     * @return per word, true where the token of the space before it is to be dropped
     */
    static boolean[] extraSpaces(String text, int[] ends, int[] word, int[] starts, int[] tokenEnds, String[] tokens,
            int[] ids, Map<Integer, String> added) {
        boolean[] space = new boolean[ends.length];
        boolean[] own = new boolean[ends.length];
        String[] spaceToken = new String[ends.length];
        for (int t = 0; t < word.length; t++) {
            int w = word[t];
            if (w < 0) {
                continue;
            }
            if (onSpace(ends, w, starts[t], tokenEnds[t])) {
                space[w] = true;
                spaceToken[w] = tokens[t];
            } else {
                own[w] = true;
            }
        }
        boolean[] startsLikeSpace = new boolean[ends.length];
        for (int t = 0; t < word.length; t++) {
            int w = word[t];
            if (w >= 0 && space[w] && starts[t] == spaceBefore(ends, w) + 1
                    && !onSpace(ends, w, starts[t], tokenEnds[t])
                    && (!spaceToken[w].isEmpty() && tokens[t].startsWith(spaceToken[w])
                            || isAdded(text, ids[t], starts[t], tokenEnds[t], added))) {
                startsLikeSpace[w] = true;
            }
        }
        boolean[] drop = new boolean[ends.length];
        for (int w = 0; w < ends.length; w++) {
            drop[w] = space[w] && (!own[w] || startsLikeSpace[w]);
        }
        return drop;
    }

    /**
     * Whether a token is an added token matched in the text, not the model's token of the same id:
     * an id the model lacks tells alone ("" in {@code added}), else the text must be its content.
     */
    private static boolean isAdded(String text, int id, int start, int end, Map<Integer, String> added) {
        String content = added.get(id);
        return content != null
                && (content.isEmpty() || end - start == content.length() && text.startsWith(content, start));
    }
}
