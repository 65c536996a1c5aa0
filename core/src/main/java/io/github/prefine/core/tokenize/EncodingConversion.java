package io.github.prefine.core.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Copies DJL's encodings into prefine's {@link TokenEncoding}: primitive arrays, character offsets
 * in UTF-16 units (the Rust tokenizers count code points), and word ids recomputed for pre-split
 * input.
 */
final class EncodingConversion {
    private EncodingConversion() {}

    /**
     * Copies a DJL encoding into primitive arrays. For pre-split input {@code wordEnds} holds the
     * exclusive UTF-16 end of each word in {@code first}, and word ids are recomputed from offsets.
     * With padding, {@code pad} is what a padding position holds ({@link #padPositions}); null without.
     */
    static TokenEncoding convert(Encoding e, String first, String second, int[] wordEnds,
            SequenceWindows.PadPosition pad) {
        int[] firstMap = codePointToUtf16(first);
        int[] secondMap = second == null ? null : codePointToUtf16(second);
        return convert(e, firstMap, secondMap, wordEnds, pad);
    }

    private static TokenEncoding convert(Encoding e, int[] firstMap, int[] secondMap, int[] wordEnds,
            SequenceWindows.PadPosition pad) {
        long[] lids = e.getIds();
        int n = lids.length;
        int[] ids = toInt(lids);
        int[] typeIds = toInt(e.getTypeIds());
        int[] mask = toInt(e.getAttentionMask());
        String[] tokens = e.getTokens();
        if (pad != null) {
            padPositions(ids, tokens, 0, mask, pad);
        }
        int[] wordIds = toInt(e.getWordIds());
        int[] seqIds = toInt(e.getSequenceIds());
        CharSpan[] spans = e.getCharTokenSpans();
        int[] starts = new int[n];
        int[] ends = new int[n];
        for (int i = 0; i < n; i++) {
            CharSpan sp = spans[i];
            if (sp == null || wordIds[i] < 0) {
                continue; // special tokens and padding keep [0, 0), as in HF
            }
            int[] map = seqIds[i] == 1 ? secondMap : firstMap;
            starts[i] = map == null ? sp.getStart() : map[sp.getStart()];
            ends[i] = map == null ? sp.getEnd() : map[sp.getEnd()];
        }
        if (wordEnds != null) {
            // Tokens come in text order, so one sweep assigns each to the first word ending after
            // its start; the space before a word (SentencePiece's "▁") goes to that word.
            int w = 0;
            boolean first = true;
            for (int i = 0; i < n; i++) {
                if (wordIds[i] < 0) {
                    continue;
                }
                // an overflow window's first token may be a space left empty at the word before's end
                while (w < wordEnds.length - 1 && JoinedWords.pastWord(wordEnds[w], starts[i], ends[i], first)) {
                    w++;
                }
                wordIds[i] = w;
                first = false;
            }
        }
        Encoding[] over = e.getOverflowing();
        List<TokenEncoding> windows = new ArrayList<>(over.length);
        for (Encoding o : over) {
            windows.add(convert(o, firstMap, secondMap, wordEnds, pad));
        }
        return new TokenEncoding(ids, typeIds, mask, wordIds, seqIds, starts, ends, tokens, windows);
    }

    /**
     * Gives the padding positions (attention mask 0) of a row the tokenizer's pad id and token. DJL
     * keeps the file's {@code padding} section when it pads, and where the file has none (hub files
     * are saved with {@code "padding": null}) pads with the library's default, id 0 and {@code
     * [PAD]}: {@code <s>} for XLM-R and RoBERTa, whose pad token HF pads with is id 1.
     *
     * @param ids the ids, the row's changed in place
     * @param tokens the token strings, the row's changed in place; or null where none were read
     * @param from the row's first position in {@code ids} and {@code tokens}
     * @param mask the row's attention mask, one per position of the row
     * @param pad what a padding position holds
     */
    static void padPositions(int[] ids, String[] tokens, int from, int[] mask, SequenceWindows.PadPosition pad) {
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] == 0) {
                ids[from + i] = pad.id();
                if (tokens != null) {
                    tokens[from + i] = pad.token().get();
                }
            }
        }
    }

    /**
     * Finds the words of a converted encoding of pre-split words joined into one text ({@link
     * JoinedWords}) whose joined space got a token that HF's {@code is_split_into_words} does not
     * give them ({@link JoinedWords#extraSpaces}), reading over every overflow window: truncation
     * may keep only the space of a word, or cut after it.
     *
     * @param all the encoding, its word ids those of the words
     * @param text the joined text
     * @param wordEnds each word's end in the joined text
     * @param added the tokenizer's added tokens, as {@link TokenizerJson#addedTokens} gives them
     * @return per word, true where its space's token is to be dropped; null where none is
     */
    static boolean[] extraSpaces(TokenEncoding all, String text, int[] wordEnds, Map<Integer, String> added) {
        List<TokenEncoding> windows = new ArrayList<>();
        collect(all, windows);
        if (!anyOnSpace(windows, wordEnds)) {
            // nothing to drop (always so under WordPiece): spare the copies
            return null;
        }
        int n = 0;
        for (TokenEncoding w : windows) {
            n += w.length();
        }
        int[][] flat = new int[4][n];
        String[] tokens = new String[n];
        int at = 0;
        for (TokenEncoding w : windows) {
            System.arraycopy(w.wordIds(), 0, flat[0], at, w.length());
            System.arraycopy(w.starts(), 0, flat[1], at, w.length());
            System.arraycopy(w.ends(), 0, flat[2], at, w.length());
            System.arraycopy(w.ids(), 0, flat[3], at, w.length());
            System.arraycopy(w.tokens(), 0, tokens, at, w.length());
            at += w.length();
        }
        boolean[] drop = JoinedWords.extraSpaces(text, wordEnds, flat[0], flat[1], flat[2], tokens, flat[3], added);
        for (boolean d : drop) {
            if (d) {
                return drop;
            }
        }
        return null;
    }

    /** Whether a token of a window lies on a joined space alone: else {@link JoinedWords#extraSpaces} drops nothing. */
    private static boolean anyOnSpace(List<TokenEncoding> windows, int[] wordEnds) {
        for (TokenEncoding w : windows) {
            int[] word = w.wordIds();
            for (int t = 0; t < word.length; t++) {
                if (word[t] >= 0 && JoinedWords.onSpace(wordEnds, word[t], w.starts()[t], w.ends()[t])) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void collect(TokenEncoding e, List<TokenEncoding> into) {
        into.add(e);
        for (TokenEncoding o : e.overflowing()) {
            collect(o, into);
        }
    }

    /**
     * The untruncated, unpadded encoding of joined words without the space tokens of the marked
     * words ({@link #extraSpaces}).
     *
     * @param e the encoding, without overflow windows or padding
     * @param wordEnds each word's end in the joined text
     * @param drop per word, whether its space's token goes
     * @return a copy without those tokens
     */
    static TokenEncoding withoutSpaces(TokenEncoding e, int[] wordEnds, boolean[] drop) {
        int[] word = e.wordIds();
        boolean[] kept = new boolean[e.length()];
        for (int p = 0; p < kept.length; p++) {
            kept[p] = !(word[p] >= 0 && drop[word[p]] && JoinedWords.onSpace(wordEnds, word[p], e.starts()[p], e.ends()[p]));
        }
        return SequenceWindows.select(e, kept);
    }

    /** Returns null when the text has no surrogate pairs (code points equal UTF-16 indices). */
    static int[] codePointToUtf16(String s) {
        boolean surrogates = false;
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                surrogates = true;
                break;
            }
        }
        if (!surrogates) {
            return null;
        }
        int cps = s.codePointCount(0, s.length());
        int[] map = new int[cps + 1];
        int u = 0;
        for (int c = 0; c < cps; c++) {
            map[c] = u;
            u += Character.charCount(s.codePointAt(u));
        }
        map[cps] = u;
        return map;
    }

    static int[] toInt(long[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = (int) a[i];
        }
        return r;
    }

}
