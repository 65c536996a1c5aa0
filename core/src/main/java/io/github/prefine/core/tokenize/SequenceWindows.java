package io.github.prefine.core.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The tokenizers library's truncation and padding of one sequence, done in Java on an untruncated,
 * unpadded encoding: for pre-split words whose joined text holds tokens that HF's {@code
 * is_split_into_words} does not have, which must not take room before the cut ({@link
 * SubwordTokenizer#encodeWordsBatch}).
 *
 * <p>As the library does: the first window keeps the first {@code room} tokens of the sequence
 * between the template's special tokens, each further window starts {@code room - stride} tokens
 * after the one before, until one reaches the end; padding goes on the right of every window.
 * With no room at all (a maximum length equal to the special tokens) the first window keeps none
 * of the sequence and one overflow window keeps all of it.
 */
final class SequenceWindows {
    private SequenceWindows() {}

    /**
     * What a padding position holds: the pad id, the type id (the file's {@code padding.pad_type_id},
     * as the native tokenizer pads with it) and its token string, read only when needed.
     */
    record PadPosition(int id, int typeId, Supplier<String> token) {}

    /**
     * Cuts a single-sequence encoding into windows as the library's truncation cuts it.
     *
     * @param full the untruncated, unpadded encoding, special tokens included; its sequence's
     *     tokens are those with a word id, and the special tokens stand around them
     * @param room the tokens of the sequence a window holds (the maximum length less the special
     *     tokens of a text), 0 or more
     * @param stride the tokens consecutive windows share, below {@code room} (0 when it is 0)
     * @return {@code full} itself when its sequence fits in the room, else the first window with the
     *     others as its overflow windows
     */
    static TokenEncoding cut(TokenEncoding full, int room, int stride) {
        int n = full.length();
        int[] word = full.wordIds();
        int first = 0;
        while (first < n && word[first] < 0) {
            first++;
        }
        int last = n - 1;
        while (last >= first && word[last] < 0) {
            last--;
        }
        int content = last - first + 1;
        if (content <= room) {
            return full;
        }
        if (room == 0) {
            // as the library: the first window empty, the whole sequence one overflow window (windows
            // of no tokens each would never reach the end)
            return withOverflow(window(full, first, last, first, first),
                    List.of(window(full, first, last, first, last + 1)));
        }
        List<TokenEncoding> windows = new ArrayList<>();
        for (int start = 0; ; start += room - stride) {
            int stop = Math.min(start + room, content);
            windows.add(window(full, first, last, first + start, first + stop));
            if (stop == content) {
                break;
            }
        }
        return withOverflow(windows.get(0), windows.subList(1, windows.size()));
    }

    /** The first window with the others as its overflow windows. */
    private static TokenEncoding withOverflow(TokenEncoding top, List<TokenEncoding> rest) {
        return new TokenEncoding(top.ids(), top.typeIds(), top.attentionMask(), top.wordIds(), top.sequenceIds(),
                top.starts(), top.ends(), top.tokens(), rest);
    }

    /** The special tokens before {@code first} and after {@code last} around the tokens {@code [from, to)}. */
    private static TokenEncoding window(TokenEncoding e, int first, int last, int from, int to) {
        boolean[] kept = new boolean[e.length()];
        for (int p = 0; p < kept.length; p++) {
            kept[p] = p < first || (p >= from && p < to) || p > last;
        }
        return select(e, kept);
    }

    /**
     * The positions of an encoding that {@code kept} marks, in order, without its overflow windows.
     *
     * @param e the encoding
     * @param kept per position, whether it stays
     * @return a copy of those positions
     */
    static TokenEncoding select(TokenEncoding e, boolean[] kept) {
        int m = 0;
        for (boolean k : kept) {
            m += k ? 1 : 0;
        }
        int[][] cols = columns(e);
        int[][] out = new int[cols.length][m];
        String[] tokens = new String[m];
        int k = 0;
        for (int p = 0; p < kept.length; p++) {
            if (kept[p]) {
                for (int c = 0; c < cols.length; c++) {
                    out[c][k] = cols[c][p];
                }
                tokens[k++] = e.tokens()[p];
            }
        }
        return new TokenEncoding(out[0], out[1], out[2], out[3], out[4], out[5], out[6], tokens, List.of());
    }

    /**
     * Pads an encoding and its windows on the right to a length, or takes padding off down to it;
     * never a token of the input.
     *
     * @param e the encoding, padded on the right if at all
     * @param length the length wanted
     * @param pad what a padding position holds
     * @return {@code e} itself when it and its windows have the length already (or are longer
     *     without padding), else a copy
     */
    static TokenEncoding padTo(TokenEncoding e, int length, PadPosition pad) {
        List<TokenEncoding> windows = new ArrayList<>(e.overflowing().size());
        boolean same = true;
        for (TokenEncoding o : e.overflowing()) {
            TokenEncoding w = padTo(o, length, pad);
            same &= w == o;
            windows.add(w);
        }
        int kept = e.unpaddedLength();
        int m = Math.max(kept, length);
        if (same && m == e.length()) {
            return e;
        }
        int[][] cols = columns(e);
        int[][] out = new int[cols.length][m];
        String[] tokens = new String[m];
        for (int c = 0; c < cols.length; c++) {
            System.arraycopy(cols[c], 0, out[c], 0, kept);
        }
        System.arraycopy(e.tokens(), 0, tokens, 0, kept);
        // the pad token's string costs a native call: once per window, not once per position
        String padToken = kept < m ? pad.token().get() : null;
        for (int k = kept; k < m; k++) {
            // padding, as the tokenizer pads: its pad type, mask 0, no word, no sequence, offsets [0, 0)
            out[0][k] = pad.id();
            out[1][k] = pad.typeId();
            out[3][k] = -1;
            out[4][k] = -1;
            tokens[k] = padToken;
        }
        return new TokenEncoding(out[0], out[1], out[2], out[3], out[4], out[5], out[6], tokens, windows);
    }

    /** The encoding's integer columns in {@link TokenEncoding}'s constructor order. */
    private static int[][] columns(TokenEncoding e) {
        return new int[][] {e.ids(), e.typeIds(), e.attentionMask(), e.wordIds(), e.sequenceIds(), e.starts(), e.ends()};
    }
}
