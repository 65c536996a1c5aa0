package io.github.prefine.core.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The bare form of a {@link SubwordTokenizer}'s file: the same {@code tokenizer.json} loaded again
 * without special tokens, truncation or padding, which encodes texts and words into {@link Pieces}
 * and answers the post-processor probes ({@link TemplateProbes#layout}).
 *
 * <p>Owns a second native tokenizer, loaded on first use and freed by {@link #close()}, which is
 * idempotent; afterwards every call throws {@link IllegalStateException}. Thread-safe as the
 * tokenizer it serves: the native tokenizer encodes from several threads at once.
 */
final class PieceEncoder implements AutoCloseable {
    /** Words per text of {@link #encodeWords}: a chunk is encoded as one text. */
    private static final int WORDS_PER_CHUNK = 256;

    private final TokenizerSource source;
    private final Function<RuntimeException, RuntimeException> onFailure;
    private HuggingFaceTokenizer bare;
    /** The token strings learnt for {@link #encodeWords}, or null where the model is not a Unigram model. */
    private final PieceTable table;
    /** The file's added tokens ({@link TokenizerJson#addedTokens}), for {@link JoinedWords#extraSpaces}. */
    private final Map<Integer, String> added;
    private boolean closed;

    /**
     * Makes the encoder of a tokenizer file; nothing is loaded yet.
     *
     * @param source the {@code tokenizer.json} file, or the text rebuilt from it
     * @param onFailure turns the native tokenizer's exception into the caller's
     * @param unigramUnknownId the {@code unk_id} of a Unigram model, -1 for another model
     * @param added the file's added tokens, as {@link TokenizerJson#addedTokens} gives them
     */
    PieceEncoder(TokenizerSource source, Function<RuntimeException, RuntimeException> onFailure, int unigramUnknownId,
            Map<Integer, String> added) {
        this.source = source;
        this.added = added;
        this.onFailure = onFailure;
        this.table = unigramUnknownId >= 0 ? new PieceTable(unigramUnknownId) : null;
    }

    /**
     * Returns the bare native tokenizer, loading it on first use.
     *
     * @return the tokenizer, owned by this encoder
     * @throws IllegalStateException after {@link #close()}
     * @throws UncheckedIOException when the file cannot be read again, or naming it when the
     *     tokenizers library now refuses it
     */
    synchronized HuggingFaceTokenizer tokenizer() {
        if (closed) {
            throw new IllegalStateException(source.file() + ": tokenizer is closed");
        }
        if (bare == null) {
            Map<String, String> options = new HashMap<>();
            options.put("addSpecialTokens", "false");
            options.put("truncation", "false");
            options.put("padding", "false");
            try {
                bare = source.load(options);
            } catch (IOException ex) {
                // the message names the file, and where the library refuses it
                throw new UncheckedIOException(ex.getMessage(), ex);
            }
        }
        return bare;
    }

    /**
     * Encodes texts with one native batch call, as {@link SubwordTokenizer#encodePieces} documents.
     *
     * @param texts the texts
     * @param withOffsets true to fetch UTF-16 character offsets
     * @return one row per text
     */
    Pieces encode(List<String> texts, boolean withOffsets) {
        return encode(texts, withOffsets, null, null, false);
    }

    /**
     * {@link #encode(List, boolean)}, also putting in {@code tokens} the token strings of each row
     * of {@code wordEnds} that has a token on a joined space alone ({@link JoinedWords#anyOnSpace}),
     * when given; other rows stay null, as {@link JoinedWords#extraSpaces} never reads their strings
     * (fetching every row's strings cost about 8% of CoNLL featurization's CPU under WordPiece). The
     * strings come from the {@link PieceTable} where it knows them ({@code useTable}), else from the
     * library, and the table learns those.
     */
    private Pieces encode(List<String> texts, boolean withOffsets, int[][] wordEnds, String[][] tokens,
            boolean useTable) {
        String[] arr = texts.toArray(new String[0]);
        for (String t : arr) {
            SubwordTokenizer.checkText(Objects.requireNonNull(t, "texts element"));
        }
        TokenizersLibrary lib = TokenizersLibrary.LIB;
        EncodingBatch rows = EncodingBatch.read(tokenizer(), arr.length, withOffsets ? 3 : 1, 16,
                h -> lib.batchEncode(h, arr, false),
                (batch, k, e) -> {
                    long[] t = lib.getTokenIds(e);
                    int at = batch.append(t.length);
                    int[] ids = batch.column(0);
                    for (int i = 0; i < t.length; i++) {
                        ids[at + i] = (int) t[i];
                    }
                    if (withOffsets) {
                        CharSpan[] spans = lib.getTokenCharSpans(e);
                        int[] map = EncodingConversion.codePointToUtf16(arr[k]);
                        int[] starts = batch.column(1);
                        int[] ends = batch.column(2);
                        for (int i = 0; i < t.length; i++) {
                            CharSpan sp = spans[i];
                            if (sp != null) {
                                starts[at + i] = map == null ? sp.getStart() : map[sp.getStart()];
                                ends[at + i] = map == null ? sp.getEnd() : map[sp.getEnd()];
                            }
                        }
                        if (tokens != null && JoinedWords.anyOnSpace(wordEnds[k], starts, ends, at, t.length)) {
                            PieceTable known = useTable ? table : null;
                            tokens[k] = known == null ? null : known.strings(ids, at, t.length, wordEnds[k], starts, ends);
                            if (tokens[k] == null) {
                                tokens[k] = lib.getTokens(e);
                                if (known != null) {
                                    known.learn(ids, at, tokens[k]);
                                }
                            }
                        }
                    }
                }, onFailure);
        return new Pieces(rows.finished(0), rows.rowStart(),
                withOffsets ? rows.finished(1) : new int[0], withOffsets ? rows.finished(2) : new int[0]);
    }

    /**
     * Encodes words, one row per word, as {@link SubwordTokenizer#encodeWordPieces} documents:
     * words joined with single spaces into chunks, each chunk's tokens given to the word they start
     * in. Right only for a tokenizer that encodes words independently, which the caller checks.
     *
     * @param words the words, each non-empty and free of whitespace
     * @return one row per word, without offsets
     */
    Pieces encodeWords(List<String> words) {
        return encodeWords(words, true);
    }

    /**
     * {@link #encodeWords(List)}, the token strings of a chunk with a token on a joined space alone
     * taken from the {@link PieceTable} where it knows them ({@code useTable}), else always fetched
     * from the library: the tests compare the two.
     */
    Pieces encodeWords(List<String> words, boolean useTable) {
        int nChunks = (words.size() + WORDS_PER_CHUNK - 1) / WORDS_PER_CHUNK;
        List<String> texts = new ArrayList<>(nChunks);
        int[][] wordEnds = new int[nChunks][];
        for (int c = 0; c < nChunks; c++) {
            int from = c * WORDS_PER_CHUNK;
            JoinedWords j = JoinedWords.join(words, from, Math.min(words.size(), from + WORDS_PER_CHUNK), "");
            texts.add(j.text());
            wordEnds[c] = j.ends();
        }
        String[][] tokens = new String[nChunks][];
        Pieces p = encode(texts, true, wordEnds, tokens, useTable);
        int[] src = p.ids();
        int[] starts = p.starts();
        int[] tokenEnds = p.ends();
        int[] ids = new int[src.length];
        int[] rowStart = new int[words.size() + 1];
        int pos = 0;
        int base = 0;
        for (int c = 0; c < nChunks; c++) {
            int[] ends = wordEnds[c];
            int from = p.rowStart()[c];
            int n = p.rowStart()[c + 1] - from;
            // The space before a word (SentencePiece's "▁") goes to that word.
            int[] wordOf = new int[n];
            int w = 0;
            for (int t = 0; t < n; t++) {
                while (w < ends.length - 1 && JoinedWords.pastWord(ends[w], starts[from + t], tokenEnds[from + t])) {
                    w++;
                }
                wordOf[t] = w;
            }
            // no token on a space alone (always so under WordPiece): nothing to drop
            boolean[] drop = tokens[c] == null ? null : JoinedWords.extraSpaces(texts.get(c), ends, wordOf,
                    Arrays.copyOfRange(starts, from, from + n), Arrays.copyOfRange(tokenEnds, from, from + n), tokens[c],
                    Arrays.copyOfRange(src, from, from + n), added);
            w = 0;
            rowStart[base] = pos;
            for (int t = 0; t < n; t++) {
                while (w < wordOf[t]) {
                    w++;
                    rowStart[base + w] = pos;
                }
                if (!(drop != null && drop[w] && JoinedWords.onSpace(ends, w, starts[from + t], tokenEnds[from + t]))) {
                    ids[pos++] = src[from + t];
                }
            }
            while (w < ends.length - 1) {
                w++;
                rowStart[base + w] = pos;
            }
            base += ends.length;
        }
        rowStart[words.size()] = pos;
        return new Pieces(ids, rowStart, new int[0], new int[0]);
    }

    /** Frees the bare native tokenizer, if it was loaded; calling it again does nothing. */
    @Override
    public synchronized void close() {
        closed = true;
        if (bare != null) {
            bare.close();
            bare = null;
        }
    }
}
