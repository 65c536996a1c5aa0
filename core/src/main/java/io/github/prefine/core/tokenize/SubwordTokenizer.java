package io.github.prefine.core.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.core.tokenize.internal.TokenizerText;
import io.github.prefine.eval.internal.Counts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face fast tokenizer loaded from a local {@code tokenizer.json}, returning compact
 * {@link TokenEncoding}s with UTF-16 character offsets.
 *
 * <p>This object owns a native tokenizer and must be closed; {@link #close()} is idempotent, and
 * every encode method, and {@link #toBuilder()}, then throws {@link IllegalStateException}. The encodings it returns are
 * plain Java arrays and stay valid after closing. It never contacts the
 * Hugging Face hub: only a file path is accepted, or a text rebuilt from a file ({@link
 * Builder#setRebuiltTokenizer}), which is kept in memory and never written to disk.
 *
 * <p>Every message names the file ({@link #path()}); a file the tokenizers library refuses is
 * refused with an {@link IOException} naming it, the line and column the library names, and what
 * it expected where the library says.
 *
 * <p>Thread-safety: the configuration is fixed at {@link Builder#build()}, and the native
 * tokenizer encodes from several threads at once; closing while another thread encodes is a
 * caller error. Variants with other settings come from {@link #toBuilder()}, which reads the file
 * again: a variant of the unchanged text shares this tokenizer's native tokenizers, one per set of
 * settings, loaded once (about a second each for a 250k-piece vocabulary); one no open tokenizer
 * uses is kept for the next variant of its settings among the few left unused last, an older one
 * freed (variants of many lengths, each closed after use, do not pile up), and all are freed when
 * the last tokenizer sharing them is closed; a changed file is loaded, and checked, anew.
 *
 * <p>Batch methods hand the whole list to the native batch call, which tokenizes in parallel in
 * native code; prefer them over loops of single calls.
 *
 * <p>Offsets: the native library reports Unicode code-point indices (as Python does); this class
 * converts them to Java {@code String} indices, which differ once a text holds a character outside
 * the Basic Multilingual Plane.
 */
public final class SubwordTokenizer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SubwordTokenizer.class);
    /** {@link #keptLengths}' mark of a sequence the truncation leaves whole. */
    private static final int WHOLE = Integer.MIN_VALUE;

    private final HuggingFaceTokenizer delegate;
    private final Path path;
    /** The file, or the text rebuilt from it, that this tokenizer and its variants load. */
    private final TokenizerSource source;
    private final int maxLength;
    private final Truncation truncation;
    private final Padding padding;
    private final int stride;
    private final boolean addSpecialTokens;
    private final int padId;
    /** What a padding position holds, its token read once on first need; null without padding. */
    private final SequenceWindows.PadPosition pad;
    /** Whether the caller gave {@link #padId} rather than the file: a variant of another file keeps it. */
    private final boolean padIdGiven;
    private final boolean wordwise;
    private final boolean marksWordStarts;
    /** Whether pre-split words are encoded with add_prefix_space, as HF's byte-level classes need ({@link TokenizerJson#spacesFirstWord}). */
    private final boolean spacesFirstWord;
    private final boolean splitsIdeographs;
    private final boolean stripsAccents;
    /** The file's {@code padding.pad_type_id}, 0 without one: a variant that pads pads with it. */
    private final int padTypeId;
    /** The unknown id of a Unigram model, -1 for another model: {@link PieceEncoder} knows its token strings from it. */
    private final int unigramUnknownId;
    private final int vocabularySize;
    /** The file's added tokens ({@link TokenizerJson#addedTokens}): a word that starts with one gets no joined space's token. */
    private final Map<Integer, String> addedTokens;
    /** SHA-256 of the text the facts above came from: a variant of a file changed since parses and checks it again. */
    private final byte[] textDigest;
    /** The native tokenizers of the text, {@link #delegate} among them, shared with the variants of this tokenizer. */
    private final NativeTokenizers natives;
    /** The options {@link #delegate} was loaded with, its key in {@link #natives}. */
    private final Map<String, String> options;
    /** The file's untruncated, unpadded form, for {@link #encodePieces} and the probes; {@link #natives}'. */
    private final PieceEncoder pieces;
    private Optional<SpecialTokenLayout> layout;
    /** Special tokens the template adds to a text and to a pair, -1 until {@link #added} reads them; racy but idempotent. */
    private volatile int singleAdded = -1;
    private volatile int pairAdded = -1;
    /** {@link #untruncated()}, null until first needed; guarded by this. */
    private SubwordTokenizer untruncated;
    /** {@link #prefixed()}, null until first needed; guarded by this. */
    private SubwordTokenizer prefixed;
    /** Volatile: encoding threads read it (closing while they encode stays a caller error). Set under this. */
    private volatile boolean closed;

    /**
     * Makes the tokenizer.
     *
     * @param natives the shared native tokenizers it joined, or null where {@code delegate} is the first of its text
     */
    private SubwordTokenizer(Builder b, TokenizerSource source, HuggingFaceTokenizer delegate, int padId,
            NativeTokenizers natives, Map<String, String> options) {
        this.delegate = delegate;
        this.path = b.path;
        this.source = source;
        this.maxLength = b.maxLength;
        this.truncation = b.truncation;
        this.padding = b.padding;
        this.stride = b.stride;
        this.addSpecialTokens = b.addSpecialTokens;
        this.padId = padId;
        this.pad = padding == Padding.NONE ? null : new SequenceWindows.PadPosition(padId, b.padTypeId,
                new PadToken(delegate, padId));
        this.padIdGiven = b.padIdSet;
        this.wordwise = b.wordwise;
        this.marksWordStarts = b.marksWordStarts;
        this.spacesFirstWord = b.spacesFirstWord;
        this.splitsIdeographs = b.splitsIdeographs;
        this.stripsAccents = b.stripsAccents;
        this.unigramUnknownId = b.unigramUnknownId;
        this.padTypeId = b.padTypeId;
        this.vocabularySize = b.vocabularySize;
        this.addedTokens = b.addedTokens;
        this.textDigest = b.factsDigest;
        this.options = Map.copyOf(options);
        this.natives = natives != null ? natives : new NativeTokenizers(textDigest, options, delegate,
                new PieceEncoder(source.checked(textDigest), ex -> nativeFailure(b.path, ex), unigramUnknownId, addedTokens));
        this.pieces = this.natives.pieces();
    }

    /**
     * Starts a builder.
     *
     * @return a new builder with the defaults listed on its {@code opt} methods
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this tokenizer's settings, to derive a variant.
     *
     * @return a new builder; building it reads the file again and gives a tokenizer closed on its
     *     own, which shares this one's native tokenizers while the text is the same (a native
     *     tokenizer of its settings is loaded where none is yet), else loads the new text
     * @throws IllegalStateException if this tokenizer is closed: a variant would read the file
     *     again and so let a closed tokenizer go on encoding through it (featurizers derive one)
     */
    public Builder toBuilder() {
        checkOpen();
        Builder b = withEncodingSettings(new Builder());
        b.path = path;
        b.rebuilt = source.rebuilt();
        b.wordwise = wordwise;
        b.marksWordStarts = marksWordStarts;
        b.spacesFirstWord = spacesFirstWord;
        b.splitsIdeographs = splitsIdeographs;
        b.stripsAccents = stripsAccents;
        b.unigramUnknownId = unigramUnknownId;
        b.padTypeId = padTypeId;
        b.wordwiseKnown = true;
        b.vocabularySize = vocabularySize;
        b.addedTokens = addedTokens;
        b.factsDigest = textDigest;
        b.shared = natives;
        return b;
    }

    /**
     * Encodes one text.
     *
     * @param text the text
     * @return its encoding, with overflow windows when truncated
     * @throws IllegalArgumentException when the native tokenizer rejects the input (for example a
     *     truncation that cannot respect the maximum length), or when the text needs truncation and
     *     the stride is not below the tokens it would keep (which the native library cannot window)
     *     or the truncation is {@link Truncation#ONLY_SECOND} (which has no second sequence to cut)
     */
    public TokenEncoding encode(String text) {
        checkOpen();
        checkText(Objects.requireNonNull(text, "text"));
        checkStrideRoom(new String[] {text}, null);
        Encoding e;
        try {
            e = delegate.encode(text);
        } catch (RuntimeException ex) {
            throw nativeFailure(ex);
        }
        return EncodingConversion.convert(e, text, null, null, pad);
    }

    /**
     * Encodes a text pair ({@code [CLS] first [SEP] second [SEP]} or the tokenizer's template).
     *
     * @param first the first sequence (the question in extractive QA)
     * @param second the second sequence; its offsets index into this string
     * @return the encoding, with overflow windows when truncated
     * @throws IllegalArgumentException when the native tokenizer rejects the input, or when
     *     truncation with a stride would keep no more tokens of a cut sequence than the stride
     *     (which the native library cannot window)
     */
    public TokenEncoding encodePair(String first, String second) {
        checkOpen();
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        checkText(first);
        checkText(second);
        checkStrideRoom(new String[] {first}, new String[] {second});
        Encoding e;
        try {
            e = delegate.encode(first, second);
        } catch (RuntimeException ex) {
            throw nativeFailure(ex);
        }
        return EncodingConversion.convert(e, first, second, null, pad);
    }

    /**
     * Encodes a pre-split sentence; {@link TokenEncoding#wordIds()} then index into {@code words}.
     *
     * <p>Same as one element of {@link #encodeWordsBatch(List)}.
     *
     * @param words the words, each non-empty and free of whitespace
     * @return the encoding; offsets index into {@code String.join(" ", words)}
     * @throws IllegalArgumentException when a word is empty or holds whitespace
     * @throws java.io.UncheckedIOException as {@link #encodeWordsBatch(List)}
     */
    public TokenEncoding encodeWords(List<String> words) {
        return encodeWordsBatch(List.of(words)).get(0);
    }

    /**
     * Encodes many texts with one native batch call.
     *
     * @param texts the texts
     * @return one encoding per text, in order
     * @throws IllegalArgumentException when the native tokenizer rejects an input, or a text as
     *     {@link #encode(String)} rejects it
     */
    public List<TokenEncoding> encodeBatch(List<String> texts) {
        checkOpen();
        String[] arr = texts.toArray(new String[0]);
        for (String t : arr) {
            checkText(Objects.requireNonNull(t, "texts element"));
        }
        checkStrideRoom(arr, null);
        Encoding[] es;
        try {
            es = delegate.batchEncode(arr);
        } catch (RuntimeException ex) {
            throw nativeFailure(ex);
        }
        List<TokenEncoding> out = new ArrayList<>(es.length);
        for (int i = 0; i < es.length; i++) {
            out.add(EncodingConversion.convert(es[i], arr[i], null, null, pad));
        }
        return out;
    }

    /**
     * Encodes many text pairs with one native batch call, or one call per pair under {@link
     * Truncation#ONLY_FIRST} and {@link Truncation#ONLY_SECOND}, where a pair that cannot be
     * truncated would abort the JVM inside DJL's batch call rather than be rejected.
     *
     * @param firsts the first sequences
     * @param seconds the second sequences, as many as {@code firsts}
     * @return one encoding per pair, in order
     * @throws IllegalArgumentException when the sizes differ or the native tokenizer rejects an
     *     input, or a pair as {@link #encodePair(String, String)} rejects it
     */
    public List<TokenEncoding> encodePairBatch(List<String> firsts, List<String> seconds) {
        checkOpen();
        if (firsts.size() != seconds.size()) {
            throw new IllegalArgumentException(
                    "encodePairBatch: " + firsts.size() + " first sequences but " + seconds.size() + " second");
        }
        PairList<String, String> pairs = new PairList<>(firsts.size());
        for (int i = 0; i < firsts.size(); i++) {
            pairs.add(checkText(Objects.requireNonNull(firsts.get(i), "first")),
                    checkText(Objects.requireNonNull(seconds.get(i), "second")));
        }
        checkStrideRoom(pairs.keys().toArray(new String[0]), pairs.values().toArray(new String[0]));
        Encoding[] es;
        try {
            if (truncation == Truncation.ONLY_FIRST || truncation == Truncation.ONLY_SECOND) {
                // a pair whose other sequence leaves no room fails to truncate, and DJL's native batch
                // call then aborts the JVM instead of raising: pairs go one by one, where it raises
                es = new Encoding[pairs.size()];
                for (int i = 0; i < es.length; i++) {
                    es[i] = delegate.encode(pairs.keyAt(i), pairs.valueAt(i));
                }
            } else {
                es = delegate.batchEncode(pairs);
            }
        } catch (RuntimeException ex) {
            throw nativeFailure(ex);
        }
        List<TokenEncoding> out = new ArrayList<>(es.length);
        for (int i = 0; i < es.length; i++) {
            out.add(EncodingConversion.convert(es[i], firsts.get(i), seconds.get(i), null, pad));
        }
        return out;
    }

    /**
     * Encodes many texts, or text pairs, with one native batch call and this tokenizer's settings,
     * fetching only the ids, the type ids and whether each input was truncated.
     *
     * <p>Gives the ids and type ids of {@link #encodeBatch(List)} (or {@link
     * #encodePairBatch(List, List)}) without converting offsets, word ids and token strings, which
     * a classifier never reads: at most one native call per fetched array, and no object per token.
     * The unpadded row length is the row's length only when the tokenizer does not pad.
     *
     * @param firsts the texts, or the first sequences of the pairs
     * @param seconds the second sequences, as many as {@code firsts}, or null for single texts
     * @return one row per input, in order
     * @throws IllegalArgumentException when the sizes differ or the native tokenizer rejects an
     *     input, or an input as {@link #encode(String)} or {@link #encodePair(String, String)}
     *     rejects it
     * @throws IllegalStateException for pairs under {@link Truncation#ONLY_FIRST} or {@link
     *     Truncation#ONLY_SECOND}, where the native batch call may abort the JVM (use {@link
     *     #encodePairBatch(List, List)}, which encodes such pairs one by one)
     */
    public IdRows encodeIdRows(List<String> firsts, List<String> seconds) {
        checkOpen();
        if (seconds != null && firsts.size() != seconds.size()) {
            throw new IllegalArgumentException(
                    "encodeIdRows: " + firsts.size() + " first sequences but " + seconds.size() + " second");
        }
        if (seconds != null && (truncation == Truncation.ONLY_FIRST || truncation == Truncation.ONLY_SECOND)) {
            throw new IllegalStateException(path + ": pairs under " + truncation + " need encodePairBatch");
        }
        String[] a = new String[firsts.size()];
        String[] b = seconds == null ? null : new String[a.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = checkText(Objects.requireNonNull(firsts.get(i), "first"));
            if (b != null) {
                b[i] = checkText(Objects.requireNonNull(seconds.get(i), "second"));
            }
        }
        checkStrideRoom(a, b);
        return EncodingBatch.readIdRows(delegate, a, b, addSpecialTokens, pad, this::nativeFailure);
    }

    /**
     * Encodes many pre-split sentences with one native batch call.
     *
     * <p>Each sentence is joined with single spaces and encoded as text; each token is then given
     * the index of the caller's word it starts in (a token made of the separating space, as
     * SentencePiece's {@code ▁}, belongs to the word after it). For tokenizers whose
     * pre-tokenizer splits on whitespace (BERT, SentencePiece/Metaspace, byte-level BPE) this
     * yields the same tokens as Hugging Face's {@code is_split_into_words=True}; the fixture tests
     * check it for WordPiece and Unigram. A word empty once normalized, or starting with
     * Metaspace's {@code ▁} ("¨" under NFKC), gets the tokens it has alone, as there: the
     * separating space's lone token is dropped before truncation and padding, so that such a
     * sentence is cut into the windows, and padded to the length, that HF gives it (its sentence
     * is encoded again untruncated, by a variant of this tokenizer made on first need, whose
     * native tokenizer every variant of the same text shares).
     *
     * <p>Under a byte-level pre-tokenizer without {@code add_prefix_space} (RoBERTa's files), the
     * words are encoded by the file with {@code add_prefix_space} true, as HF's byte-level classes
     * encode pre-split words (they take them only with it): every word gets its space, the first
     * ("ĠJohn", not "John") and a piece after an added token ({@code "</s>a"} gives {@code "</s>"},
     * {@code "Ġa"}) too. That
     * tokenizer is made on first need, and its native tokenizers are shared by every variant of the
     * text.
     *
     * @param sentences the sentences, each a list of words, each non-empty and free of whitespace
     * @return one encoding per sentence; offsets index into {@code String.join(" ", words)}
     * @throws IllegalArgumentException when a word is empty or holds whitespace, or a joined
     *     sentence as {@link #encode(String)} rejects it
     * @throws java.io.UncheckedIOException naming the file, when a sentence is to be encoded again
     *     untruncated and the file can no longer be read or the tokenizers library refuses it
     */
    public List<TokenEncoding> encodeWordsBatch(List<? extends List<String>> sentences) {
        checkOpen();
        if (spacesFirstWord) {
            // HF's byte-level classes take pre-split words only with add_prefix_space, which gives every
            // word, and every piece of a word after an added token, its space ("Ġ")
            return prefixed().encodeWordsBatch(sentences);
        }
        int n = sentences.size();
        String[] joined = new String[n];
        int[][] wordEnds = new int[n][];
        for (int s = 0; s < n; s++) {
            List<String> words = sentences.get(s);
            JoinedWords j = JoinedWords.join(words, 0, words.size(), "sentence " + s + " ");
            joined[s] = checkText(j.text());
            wordEnds[s] = j.ends();
        }
        checkStrideRoom(joined, null);
        Encoding[] es;
        try {
            es = delegate.batchEncode(joined);
        } catch (RuntimeException ex) {
            throw nativeFailure(ex);
        }
        List<TokenEncoding> out = new ArrayList<>(n);
        boolean recut = false;
        for (int s = 0; s < n; s++) {
            TokenEncoding all = EncodingConversion.convert(es[s], joined[s], null, wordEnds[s], pad);
            boolean[] drop = EncodingConversion.extraSpaces(all, joined[s], wordEnds[s], addedTokens);
            if (drop != null && truncation == Truncation.NONE && padding == Padding.NONE) {
                all = EncodingConversion.withoutSpaces(all, wordEnds[s], drop);
            } else if (drop != null) {
                // the tokens HF does not have took room before the cut and set the padded length:
                // cut and pad the sentence's tokens without them, as the library would have
                TokenEncoding whole = untruncated().encodeWords(sentences.get(s));
                out.add(truncation == Truncation.NONE ? whole
                        : SequenceWindows.cut(whole, maxLength - added(false, addSpecialTokens), stride));
                recut = true;
                continue;
            }
            out.add(all);
        }
        if (recut && padding != Padding.NONE) {
            // the batch's longest row may have been one that lost tokens: every row pads to HF's longest
            int longest = 0;
            for (TokenEncoding e : out) {
                longest = Math.max(longest, e.unpaddedLength());
            }
            int target = padding == Padding.LONGEST ? longest : maxLength;
            out.replaceAll(e -> SequenceWindows.padTo(e, target, pad));
        }
        return out;
    }

    /**
     * Tells whether pre-split words are encoded otherwise than the raw text they were split from:
     * under a byte-level pre-tokenizer without {@code add_prefix_space} (RoBERTa's files), HF
     * encodes pre-split words with it, every word after a space ("ĠJohn", "Ġ."), but a raw text as
     * written ("John" first, "." glued to the word before), as its token-classification pipeline
     * reads it. A raw text split into words is then encoded by {@link #encodeTextWordsBatch}.
     *
     * @return true where the two encodings differ
     */
    public boolean spacesSplitWords() {
        return spacesFirstWord;
    }

    /**
     * Encodes raw texts as they are, with one native batch call, as HF's token-classification
     * pipeline encodes the text it is given, and gives each token the word it lies in: the first
     * of the given words its offsets overlap (an empty span, the word it lies in). A token that
     * lies in no word (a space or line break of its own, "Ġ" or "Ċ", or a character the split
     * into words removed) gets word id -1, as a special token has, so that it is read by the model
     * but gives no word its tag; a word that no token starts in (the "t" of "'t" in "don't") has no
     * token, as a word the normalizer empties.
     *
     * @param texts the texts
     * @param bounds per text, each word's start and end (exclusive) char offsets into it, in
     *     order: start of word 0, end of word 0, start of word 1...
     * @return one encoding per text, in order; offsets index into the text
     * @throws IllegalArgumentException when the sizes differ, or a text as {@link #encode(String)}
     *     rejects it
     */
    public List<TokenEncoding> encodeTextWordsBatch(List<String> texts, List<int[]> bounds) {
        checkOpen();
        if (texts.size() != bounds.size()) {
            throw new IllegalArgumentException(
                    "encodeTextWordsBatch: " + texts.size() + " texts but " + bounds.size() + " word bounds");
        }
        List<TokenEncoding> out = encodeBatch(texts);
        for (int i = 0; i < out.size(); i++) {
            wordsBySpan(out.get(i), bounds.get(i));
        }
        return out;
    }

    /** Sets an encoding's word ids, and its overflow windows', from its offsets and the words' bounds. */
    private static void wordsBySpan(TokenEncoding e, int[] bounds) {
        int[] word = e.wordIds();
        int w = 0;
        for (int t = 0; t < e.length(); t++) {
            if (word[t] < 0) {
                continue;
            }
            int s = e.starts()[t];
            int end = e.ends()[t];
            // tokens come in text order: skip the words that end at or before this token's start
            while (w < bounds.length / 2 && bounds[2 * w + 1] <= s) {
                w++;
            }
            // the word ends past the start: the token overlaps it, or an empty one lies in it
            boolean inWord = w < bounds.length / 2 && (s == end ? bounds[2 * w] <= s : bounds[2 * w] < end);
            word[t] = inWord ? w : -1;
        }
        for (TokenEncoding o : e.overflowing()) {
            wordsBySpan(o, bounds);
        }
    }

    /**
     * This tokenizer without truncation, padding or stride, made on first use and closed with this
     * one (its native tokenizer, shared, is loaded once for the text, not once per featurizer's
     * variant, while it is among those kept): it encodes the sentences whose joined text holds tokens that HF's {@code
     * is_split_into_words} does not have, so that they are cut without them.
     */
    private synchronized SubwordTokenizer untruncated() {
        checkOpen();
        if (untruncated == null) {
            try {
                untruncated = toBuilder().optTruncation(Truncation.NONE).optPadding(Padding.NONE).optStride(0).build();
            } catch (IOException ex) {
                // the message names the file, and where the library refuses it
                throw new UncheckedIOException(ex.getMessage(), ex);
            }
        }
        return untruncated;
    }

    /**
     * This tokenizer's settings on the text with {@code add_prefix_space} ({@link
     * TokenizerJson#withPrefixSpace}), made on first use and closed with this one; every variant of
     * the text shares the native tokenizers it loads ({@link NativeTokenizers#prefixed}). A byte-level
     * tokenizer without {@code add_prefix_space} encodes pre-split words through it.
     */
    private synchronized SubwordTokenizer prefixed() {
        checkOpen();
        if (prefixed == null) {
            try {
                prefixed = withEncodingSettings(natives.prefixed(this::prefixedBase)).build();
            } catch (IOException ex) {
                // the message names the file, and where the library refuses it
                throw new UncheckedIOException(ex.getMessage(), ex);
            }
        }
        return prefixed;
    }

    /** Gives a builder this tokenizer's length, truncation, padding and special-token settings. */
    private Builder withEncodingSettings(Builder b) {
        b.maxLength = maxLength;
        b.truncation = truncation;
        b.padding = padding;
        b.stride = stride;
        b.addSpecialTokens = addSpecialTokens;
        b.padId = padId;
        b.padIdSet = padIdGiven;
        return b;
    }

    /** The first tokenizer of the text with {@code add_prefix_space}: untruncated and unpadded, for its variants. */
    private SubwordTokenizer prefixedBase() throws IOException {
        String text = source.text();
        if (!Arrays.equals(textDigest, TokenizerJson.sha256(text))) {
            throw new IOException(path + ": changed since the tokenizer was built from it; expected the text it"
                    + " was built from (its settings and checks are that text's): build the tokenizer again");
        }
        Builder b = builder().setRebuiltTokenizer(path, TokenizerJson.withPrefixSpace(source.json(text)))
                .optTruncation(Truncation.NONE).optPadding(Padding.NONE).optAddSpecialTokens(addSpecialTokens);
        if (padIdGiven) {
            b.optPadId(padId);
        }
        return b.build();
    }

    /** The variant {@link #untruncated()} loaded, or null while none was needed; for the tests. */
    synchronized SubwordTokenizer loadedUntruncated() {
        return untruncated;
    }

    /**
     * Returns the id of the padding token, which every padding position of a padding tokenizer's
     * encodings holds (with its token string), as in Hugging Face: the native library would pad
     * with the file's {@code padding.pad_id}, or with id 0 where the file has no {@code padding}
     * section, as hub files are saved.
     *
     * @return from {@link Builder#optPadId(int)}, else {@code padding.pad_id} of the file, else
     *     the added token {@code <pad>} or {@code [PAD]}
     */
    public int padId() {
        return padId;
    }

    /**
     * Returns how many token ids the tokenizer can give: one past the largest id of its {@code
     * tokenizer.json}'s {@code model.vocab}, {@code added_tokens} and the special tokens its
     * post-processor adds by id, read once when it is built. An encoder reading its ids needs at
     * least this many embedding rows.
     *
     * @return the vocabulary size, added tokens included
     */
    public int vocabularySize() {
        return vocabularySize;
    }

    /**
     * Returns the tokenizer file, the one every message names.
     *
     * @return the {@code tokenizer.json} path; for a tokenizer built with {@link
     *     Builder#setRebuiltTokenizer}, the file its text was rebuilt from
     */
    public Path path() {
        return path;
    }

    /**
     * Returns the text this tokenizer was loaded from in place of its file's, which is what a copy
     * of the tokenizer must hold.
     *
     * @return the text given to {@link Builder#setRebuiltTokenizer}, or empty where the file {@link
     *     #path()} was read as it is
     */
    public Optional<String> rebuiltJson() {
        return Optional.ofNullable(source.rebuilt());
    }

    /**
     * Returns the maximum length, special tokens included.
     *
     * @return the maximum number of positions per encoding (or window)
     */
    public int maxLength() {
        return maxLength;
    }

    /**
     * Returns the truncation strategy.
     *
     * @return the strategy
     */
    public Truncation truncation() {
        return truncation;
    }

    /**
     * Returns the padding strategy.
     *
     * @return the strategy
     */
    public Padding padding() {
        return padding;
    }

    /**
     * Returns the overlap between consecutive overflow windows.
     *
     * @return the stride in tokens
     */
    public int stride() {
        return stride;
    }

    /**
     * Tells whether special tokens ({@code [CLS]}, {@code <s>}…) are added.
     *
     * @return true when the post-processor template is applied
     */
    public boolean addSpecialTokens() {
        return addSpecialTokens;
    }

    /**
     * Tells whether each whitespace-separated word is tokenized on its own, so that a sentence's
     * sub-tokens are the concatenation of its words' sub-tokens (the condition for {@link
     * #encodeWordPieces(List)}).
     *
     * <p>Read from the file's pre-tokenizer: true for {@code BertPreTokenizer}, {@code
     * Whitespace}, {@code WhitespaceSplit}, a splitting {@code Metaspace} that marks every word
     * (prepend scheme {@code always} or {@code first}), a {@code ByteLevel} that adds a prefix
     * space and splits with its regex, and sequences of these with {@code Punctuation} or {@code Digits}. Normalizers are
     * assumed to act per character (true of the BERT, Unicode-form, lowercase, accent and
     * SentencePiece precompiled normalizers).
     *
     * @return true when words are tokenized independently
     */
    public boolean encodesWordsIndependently() {
        return wordwise;
    }

    /**
     * Tells whether sub-tokens may carry a mark of where a word starts, so that a space the
     * normalizer puts inside a word (NFKC turns U+00A8 "¨" into a space and a combining mark)
     * gives the word other pieces first in a sentence than after another word.
     *
     * <p>Read from the file's pre-tokenizer: false for {@code BertPreTokenizer}, {@code Whitespace}
     * and {@code WhitespaceSplit}, alone or in a sequence with {@code Punctuation} or {@code
     * Digits}: they drop whitespace and mark nothing where it was, so such a space only splits the
     * word where it stands, in any place, and the model (WordPiece, say) sees the same pre-tokens.
     * True for {@code Metaspace} (its ▁), {@code ByteLevel} (its Ġ) and any other or absent
     * pre-tokenizer.
     *
     * @return false when a word's pieces cannot depend on its place in the sentence
     */
    public boolean marksWordStarts() {
        return marksWordStarts;
    }

    /**
     * Tells whether the normalizer makes each CJK ideograph a word of its own, as BERT's basic
     * tokenizer does ({@code tokenize_chinese_chars}): it puts spaces around every code point of
     * the CJK Unified Ideographs block, its extensions A to D, extension E from U+2B920 and the
     * two Compatibility Ideographs blocks, and its pre-tokenizer splits there. Kana, Hangul, CJK
     * punctuation and extension F on are not among them.
     *
     * <p>Read from the file's normalizer: true for a {@code BertNormalizer} whose {@code
     * handle_chinese_chars} is true (the tokenizers library refuses one without the field), alone
     * or in a {@code Sequence}, nested or not; false for any other (XLM-R's NFKC or SentencePiece
     * normalizer, which leave a run of ideographs one word).
     *
     * @return true when each ideograph is a word of its own
     */
    public boolean splitsIdeographs() {
        return splitsIdeographs;
    }

    /**
     * Tells whether the normalizer strips accents as BERT's does: it decomposes the text (Unicode
     * NFD) and drops the nonspacing marks (Unicode {@code Mn}, by the Rust library's tables, older
     * than Unicode 9), so that "\u00E9" reads "e" and "\u2260" reads "=", punctuation.
     *
     * <p>Read from the file's normalizer: true for a {@code BertNormalizer} whose {@code
     * strip_accents} is true, or null or absent with {@code lowercase} true (the library's default),
     * alone or in a {@code Sequence}, nested or not, and for a {@code Sequence} that runs {@code
     * StripAccents} after {@code NFD} (the same decomposition and marks; as BERT's normalizer is
     * built by hand); false for any other, also where {@code StripAccents} follows {@code NFKD},
     * which decomposes otherwise, or no decomposition, so that only the marks written are dropped.
     *
     * @return true when the normalizer strips accents
     */
    public boolean stripsAccents() {
        return stripsAccents;
    }

    /**
     * Encodes texts with one native batch call, without special tokens, truncation or padding,
     * fetching only ids and, if asked, offsets (no token strings, no per-token objects beyond the
     * native offsets).
     *
     * @param texts the texts
     * @param withOffsets true to fetch UTF-16 character offsets
     * @return one row per text
     * @throws IllegalArgumentException when the native tokenizer rejects an input
     * @throws java.io.UncheckedIOException on first use, naming the file, when it can no longer be
     *     read or the tokenizers library refuses it, or when it changed since this tokenizer was built
     *     (the bare tokenizer loads it again then, and only the text this tokenizer was built from)
     */
    public Pieces encodePieces(List<String> texts, boolean withOffsets) {
        // the shared bare tokenizer outlives this one while a variant is open
        checkOpen();
        return pieces.encode(texts, withOffsets);
    }

    /**
     * Encodes words without special tokens: one row per word, holding the sub-tokens the word gets
     * inside any sentence of this tokenizer.
     *
     * <p>Words are joined with single spaces into chunks, and each chunk's tokens are given to the
     * word they start in, as in {@link #encodeWordsBatch(List)}; a sentence's encoding is then the
     * special tokens around the concatenation of its words' rows. A word may get no sub-tokens (a
     * word of characters the normalizer removes).
     *
     * @param words distinct words, each non-empty and free of whitespace
     * @return one row per word, without offsets
     * @throws IllegalStateException when {@link #encodesWordsIndependently()} is false
     * @throws IllegalArgumentException when a word is empty or holds whitespace, or the native
     *     tokenizer rejects an input
     * @throws java.io.UncheckedIOException as {@link #encodePieces}
     */
    public Pieces encodeWordPieces(List<String> words) {
        checkOpen();
        if (!wordwise) {
            throw new IllegalStateException(path + ": the pre-tokenizer does not tokenize words independently");
        }
        return pieces.encodeWords(words);
    }

    /**
     * Returns where the post-processor puts special tokens, read once from probe encodings.
     *
     * @return the layout, or empty when the template does not have the simple form {@link
     *     SpecialTokenLayout} describes
     * @throws java.io.UncheckedIOException as {@link #encodePieces}
     */
    public synchronized Optional<SpecialTokenLayout> specialTokenLayout() {
        checkOpen();
        if (layout == null) {
            layout = TemplateProbes.layout(pieces.tokenizer(), path);
        }
        return layout;
    }

    /**
     * Rejects a text holding an unpaired UTF-16 surrogate: it has no UTF-8 form, so the native
     * side would see replacement characters and its offsets would not index into the text (Hugging
     * Face's Python tokenizers refuse such a string too).
     */
    static String checkText(String text) {
        int i = unpairedSurrogate(text);
        if (i >= 0) {
            throw new IllegalArgumentException("text holds an unpaired surrogate U+"
                    + Integer.toHexString(text.charAt(i)).toUpperCase(Locale.ROOT) + " at index " + i);
        }
        return text;
    }

    /**
     * Finds the first unpaired UTF-16 surrogate of a text, the character that makes every encoding
     * method refuse it; a caller that wants to name the text's place in its own input checks first.
     *
     * @param text the text
     * @return the char index of the first unpaired surrogate, or -1 when the text is well-formed
     */
    public static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Rejects a single text longer than the maximum length under {@link Truncation#ONLY_SECOND},
     * before the native call: the library cannot cut a second sequence the text lacks, and its
     * error, in a batch, becomes a panic in DJL's binding that aborts the JVM. A text that fits
     * needs no cut and is encoded, as the library encodes it. Costs one extra batch encoding
     * without special tokens.
     *
     * @param texts the single texts
     */
    private void checkSingleTextsFit(String[] texts) {
        int room = maxLength - added(false, addSpecialTokens);
        Pieces p = pieces.encode(Arrays.asList(texts), false);
        for (int i = 0; i < texts.length; i++) {
            if (p.length(i) > room) {
                throw new IllegalArgumentException(path + ": ONLY_SECOND truncation cannot cut a single text, and "
                        + (texts.length > 1 ? "input " + i : "the text") + " has " + Counts.counted(p.length(i), "token")
                        + ", more than the " + room + " that maxLength " + maxLength + " leaves"
                        + (room < maxLength ? " beside " + (maxLength - room) + " special tokens" : "")
                        + "; expected a text that fits, or a tokenizer truncating LONGEST_FIRST or ONLY_FIRST");
            }
        }
    }

    /**
     * Rejects an input that truncation with a stride would cut to no more tokens than the stride,
     * before the native call. The tokenizers library asserts the stride is below each cut
     * sequence's kept length, and its panic aborts the JVM instead of raising; and a stride above
     * the maximum length less a single text's special tokens makes it refuse the truncation
     * settings altogether, so that it returned any input whole, longer than the maximum length.
     * Kept lengths follow the library: a text keeps the maximum length less its special tokens;
     * longest-first splits a pair's room, shorter sequence first, halves when both are too long;
     * only-first and only-second cut the one sequence by the excess. Costs one extra batch encoding
     * without special tokens, only with a stride that some input could leave without room.
     *
     * @param firsts the texts, or the first sequences
     * @param seconds the second sequences, or null for single texts
     */
    private void checkStrideRoom(String[] firsts, String[] seconds) {
        if (seconds == null && truncation == Truncation.ONLY_SECOND && firsts.length > 0) {
            checkSingleTextsFit(firsts);
        }
        if (stride == 0 || truncation == Truncation.NONE || firsts.length == 0) {
            return;
        }
        boolean pair = seconds != null;
        // the library checks the stride against the single-text room whatever the input
        boolean dropped = stride > maxLength - added(false, true);
        int room = maxLength - added(pair, addSpecialTokens);
        // longest-first never cuts a sequence below half the room, nor a text below the room
        int floor = !pair ? room : truncation == Truncation.LONGEST_FIRST ? room / 2 : 0;
        if (!dropped && stride < floor) {
            return;
        }
        List<String> texts = new ArrayList<>(Arrays.asList(firsts));
        if (pair) {
            texts.addAll(Arrays.asList(seconds));
        }
        Pieces p = pieces.encode(texts, false);
        for (int i = 0; i < firsts.length; i++) {
            int n1 = p.length(i);
            int n2 = pair ? p.length(firsts.length + i) : 0;
            if (n1 + n2 <= room) {
                continue;
            }
            int[] kept = keptLengths(n1, n2, pair, room);
            for (int k = 0; k < (pair ? 2 : 1); k++) {
                if (kept[k] != WHOLE && (dropped || kept[k] <= stride)) {
                    String what = !pair ? "the text" : k == 0 ? "the first sequence" : "the second sequence";
                    throw new IllegalArgumentException(path + ": " + truncation + " truncation to maxLength " + maxLength
                            + (dropped ? ", stride " + stride + " is above maxLength less the " + added(false, true)
                                    + " special tokens of a text, where the tokenizers library does not truncate at all"
                                    : kept[k] > 0 ? " keeps " + Counts.counted(kept[k], "token") + " of " + what
                                            + ", not more than the stride " + stride
                                    // the other sequence, kept whole, takes all the room: no kept length to state
                                    : " would cut all " + Counts.counted(k == 0 ? n1 : n2, "token") + " of " + what
                                            + (kept[k] < 0 ? " and " + -kept[k] + " more" : ""))
                            + (firsts.length > 1 ? " (input " + i + ")" : "") + "; use "
                            + (kept[k] > 0 ? "a stride below " + kept[k] + " or " : "") + "a longer maxLength");
                }
            }
        }
    }

    /**
     * The tokens the library's truncation keeps of each cut sequence of an input longer than its
     * room, as {@code tokenizers}' {@code truncate_encodings} computes them (zero or less where
     * only-first or only-second finds no room); {@link #WHOLE} for a sequence left whole.
     */
    private int[] keptLengths(int n1, int n2, boolean pair, int room) {
        int excess = n1 + n2 - room;
        if (!pair) {
            return new int[] {n1 - excess};
        }
        return switch (truncation) {
            case ONLY_FIRST -> new int[] {n1 - excess, WHOLE};
            case ONLY_SECOND -> new int[] {WHOLE, n2 - excess};
            default -> {
                int shorter = Math.min(n1, n2);
                int longer = shorter > room ? shorter : Math.max(shorter, room - shorter);
                if (shorter + longer > room) {
                    shorter = room / 2;
                    longer = shorter + room % 2;
                }
                int t1 = n1 <= n2 ? shorter : longer;
                int t2 = n1 <= n2 ? longer : shorter;
                yield new int[] {t1 < n1 ? t1 : WHOLE, t2 < n2 ? t2 : WHOLE};
            }
        };
    }

    /**
     * The special tokens the template adds to a text or a pair, read once from the bare tokenizer
     * (the configured one would pad the probe), or 0 without special tokens.
     */
    private int added(boolean pair, boolean withSpecialTokens) {
        if (!withSpecialTokens) {
            return 0;
        }
        int n = pair ? pairAdded : singleAdded;
        if (n < 0) {
            n = TemplateProbes.added(pieces.tokenizer(), pair, this::nativeFailure);
            if (pair) {
                pairAdded = n;
            } else {
                singleAdded = n;
            }
        }
        return n;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(path + ": tokenizer is closed");
        }
    }

    /**
     * Frees the native tokenizers, or leaves them to the variants of the same text still open, which
     * share them; calling it again does nothing.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (untruncated != null) {
                untruncated.close();
            }
            if (prefixed != null) {
                prefixed.close();
            }
        }
        natives.leave(options);
    }

    private IllegalArgumentException nativeFailure(RuntimeException ex) {
        return nativeFailure(path, ex);
    }

    private static IllegalArgumentException nativeFailure(Path path, RuntimeException ex) {
        return new IllegalArgumentException(path + ": the native tokenizer rejected the input: " + ex.getMessage(), ex);
    }

    /** The pad id's token string, decoded by the native tokenizer on first need (a native call) and kept. */
    private static final class PadToken implements java.util.function.Supplier<String> {
        private final HuggingFaceTokenizer tokenizer;
        private final int id;
        /** Racy but idempotent: every thread decodes the same string. */
        private volatile String token;

        private PadToken(HuggingFaceTokenizer tokenizer, int id) {
            this.tokenizer = tokenizer;
            this.id = id;
        }

        @Override
        public String get() {
            String t = token;
            if (t == null) {
                t = tokenizer.decode(new long[] {id}, false);
                token = t;
            }
            return t;
        }
    }

    /**
     * Builds a {@link SubwordTokenizer}; mutable and single-threaded.
     *
     * <p>Required: {@link #setTokenizerPath(Path)} or {@link #setRebuiltTokenizer(Path, String)}, or
     * prefine's own text read already (the later call wins). {@link #build()} checks that the maximum
     * length is positive and, with special tokens and truncation, holds the special tokens of a
     * pair; that the stride is non-negative and smaller than the maximum length, and only asked
     * for with truncation; and that a padding id, when set, is non-negative.
     */
    public static final class Builder {
        private Path path;
        /** The text loaded in place of the file's, or null to read the file. */
        private String rebuilt;
        /** The file (or rebuilt text) read and parsed by the caller, or null. */
        private TokenizerText given;
        private int maxLength = 512;
        private Truncation truncation = Truncation.LONGEST_FIRST;
        private Padding padding = Padding.NONE;
        private int stride;
        private boolean addSpecialTokens = true;
        /** -1 until optPadId: then read from the file. */
        private int padId = -1;
        private boolean padIdSet;
        private boolean wordwise;
        private boolean marksWordStarts;
        private boolean spacesFirstWord;
        private boolean splitsIdeographs;
        private boolean stripsAccents;
        /** Known with {@link #wordwise}. */
        private int unigramUnknownId = -1;
        /** The file's {@code padding.pad_type_id}, 0 without one; known with {@link #wordwise}. */
        private int padTypeId;
        private boolean wordwiseKnown;
        /** -1 until read from the file; a variant's builder knows it already. */
        private int vocabularySize = -1;
        /** Known with {@link #vocabularySize}. */
        private Map<Integer, String> addedTokens;
        /** SHA-256 of the text the known facts came from, null when none are known. */
        private byte[] factsDigest;
        /** The native tokenizers of the tokenizer this builder came from, which a variant of the same text shares; or null. */
        private NativeTokenizers shared;

        static {
            // prefine's Hugging Face folder loader hands over a text read already through this
            // non-API way in, since a public setter would name the internal type
            TokenizerText.installSetter(Builder::setTokenizerText);
        }

        private Builder() {}

        /**
         * Sets the {@code tokenizer.json} file (or a folder holding one). Required.
         *
         * @param path the local file; the hub is never contacted
         * @return this builder
         */
        public Builder setTokenizerPath(Path path) {
            this.path = Objects.requireNonNull(path, "path");
            this.rebuilt = null;
            this.given = null;
            forgetFileFacts();
            return this;
        }

        /**
         * Sets the tokenizer as a {@code tokenizer.json} text rebuilt from a file (as Hugging Face's
         * tokenizer class rebuilds a folder's file with the flags of its {@code
         * tokenizer_config.json}). The text is loaded, kept in memory for variants and copies
         * ({@link SubwordTokenizer#rebuiltJson()}), and never written to disk; the file is the one
         * {@link SubwordTokenizer#path()} returns and every message names, and is not read.
         * Required, unless {@link #setTokenizerPath(Path)} is called instead.
         *
         * @param file the {@code tokenizer.json} file the text was rebuilt from
         * @param json the rebuilt text
         * @return this builder
         */
        public Builder setRebuiltTokenizer(Path file, String json) {
            this.path = Objects.requireNonNull(file, "file");
            this.rebuilt = Objects.requireNonNull(json, "json");
            this.given = null;
            forgetFileFacts();
            return this;
        }

        /**
         * Sets the tokenizer as a {@code tokenizer.json} prefine's Hugging Face folder loader read
         * and parsed already, to compare it with the folder's {@code tokenizer_config.json} first
         * ({@link TokenizerText#setOn}).
         */
        private void setTokenizerText(TokenizerText text) {
            this.given = Objects.requireNonNull(text, "text");
            this.path = text.file();
            this.rebuilt = text.isRebuilt() ? text.text() : null;
            forgetFileFacts();
        }

        /** A variant's builder knows the facts of its tokenizer's file; another file has its own. */
        private void forgetFileFacts() {
            vocabularySize = -1;
            addedTokens = null;
            wordwiseKnown = false;
            factsDigest = null;
            shared = null;
            if (!padIdSet) {
                padId = -1;
            }
        }

        /**
         * Sets the maximum length in positions, special tokens included. Default 512. With special
         * tokens and truncation, {@link #build()} refuses a length below the special tokens of a text
         * pair (3 for BERT, 4 for RoBERTa and XLM-R), which the native tokenizer would not truncate to.
         *
         * @param maxLength positive; with special tokens and truncation, at least those of a pair
         * @return this builder
         */
        public Builder optMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * Sets the truncation strategy. Default {@link Truncation#LONGEST_FIRST}.
         *
         * @param truncation the strategy
         * @return this builder
         */
        public Builder optTruncation(Truncation truncation) {
            this.truncation = Objects.requireNonNull(truncation, "truncation");
            return this;
        }

        /**
         * Sets the padding strategy. Default {@link Padding#NONE}.
         *
         * @param padding the strategy
         * @return this builder
         */
        public Builder optPadding(Padding padding) {
            this.padding = Objects.requireNonNull(padding, "padding");
            return this;
        }

        /**
         * Sets the overlap, in tokens, between consecutive overflow windows. Default 0.
         *
         * @param stride non-negative and smaller than the maximum length
         * @return this builder
         */
        public Builder optStride(int stride) {
            this.stride = stride;
            return this;
        }

        /**
         * Sets whether the template's special tokens are added. Default true.
         *
         * @param addSpecialTokens false to encode the bare sequences
         * @return this builder
         */
        public Builder optAddSpecialTokens(boolean addSpecialTokens) {
            this.addSpecialTokens = addSpecialTokens;
            return this;
        }

        /**
         * Sets the padding token id. Default: read from the file (see {@link
         * SubwordTokenizer#padId()}).
         *
         * @param padId non-negative
         * @return this builder
         */
        public Builder optPadId(int padId) {
            this.padId = padId;
            this.padIdSet = true;
            return this;
        }

        /**
         * Validates the settings and loads the tokenizer.
         *
         * @return a tokenizer the caller must close
         * @throws IOException when the file cannot be read, or naming it (and the line, column and
         *     reason the library gives) when the tokenizers library refuses it or its rebuilt text, or
         *     when its {@code truncation} section cuts on the left, where prefine cuts on the right (a
         *     {@code padding} section that pads on the left is warned of once and padded on the right)
         * @throws IllegalArgumentException when a setting is invalid (a negative padding id, a
         *     maximum length below the special tokens of a pair) or no padding id can be found
         */
        public SubwordTokenizer build() throws IOException {
            if (path == null) {
                throw new IllegalArgumentException("tokenizer path is required (setTokenizerPath or setRebuiltTokenizer)");
            }
            if (maxLength <= 0) {
                throw new IllegalArgumentException("maxLength must be positive, found " + maxLength);
            }
            if (stride < 0 || stride >= maxLength) {
                throw new IllegalArgumentException(
                        "stride must be in [0, maxLength " + maxLength + "), found " + stride);
            }
            if (stride > 0 && truncation == Truncation.NONE) {
                throw new IllegalArgumentException("stride " + stride + " needs truncation, found NONE");
            }
            if (padIdSet && padId < 0) {
                // -1 would silently mean "read it from the file"
                throw new IllegalArgumentException("padId must be non-negative, found " + padId);
            }
            // a rebuilt text names the file it came from, which is not read; a given text was read
            boolean read = rebuilt == null && given == null;
            Path file = read && Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
            if (read && !Files.isRegularFile(file)) {
                throw new IOException(file + ": tokenizer file not found");
            }
            path = file;
            Map<String, String> options = new HashMap<>();
            options.put("addSpecialTokens", Boolean.toString(addSpecialTokens));
            // Always collect overflow windows: DJL frees their native handles only when it
            // converts them.
            options.put("withOverflowingTokens", "true");
            options.put("truncation", truncation == Truncation.NONE ? "false" : truncation.name());
            options.put("padding", padding == Padding.NONE ? "false" : padding.name());
            options.put("maxLength", Integer.toString(maxLength));
            // DJL clamps maxLength to modelMaxLength (512 by default); the caller's value rules.
            options.put("modelMaxLength", Integer.toString(maxLength));
            options.put("stride", Integer.toString(stride));
            // DJL takes a file's padding.pad_to_multiple_of where none is given, pads to it, and, padding to
            // maxLength with truncation, moves maxLength to a multiple of it; HF applies only the call's own
            options.put("padToMultipleOf", "0");
            // the library reads the text first: its refusal says where the text breaks its schema,
            // which the facts read below rely on
            TokenizerSource source = new TokenizerSource(file, rebuilt);
            // the file is read once, and parsed at most once: the library and the facts take the same text
            String text = given != null ? given.text() : source.text();
            byte[] digest = TokenizerJson.sha256(text);
            if (factsDigest != null && !Arrays.equals(factsDigest, digest)) {
                // the file changed on disk since the facts were read: they, and the checks that
                // keep the library from panicking, are the new text's to make
                forgetFileFacts();
            }
            factsDigest = digest;
            boolean known = padId >= 0 && wordwiseKnown && vocabularySize >= 0;
            // a text read here to be loaded and parsed is checked for standard JSON and parsed in one pass;
            // a file's text given read was, as its parse
            JsonElement value = known ? null : given == null ? source.standardValue(text)
                    : given.isStandard() ? given.json() : null;
            // a variant of the same text, which passed the check, takes the native tokenizer of its
            // options from the set it shares; one refused for its length is not kept there
            HuggingFaceTokenizer joined = shared == null ? null
                    : shared.join(digest, options, () -> withRoom(load(source, text, options, known, value), file));
            NativeTokenizers natives = joined == null ? null : shared;
            HuggingFaceTokenizer hf = joined != null ? joined : load(source, text, options, known, value);
            int pad;
            try {
                JsonObject root = known ? null : given != null ? given.json() : source.json(value, text);
                if (root != null) {
                    // before anything is encoded: the library panics, aborting the JVM, on what this refuses
                    TokenizerJson.checkTemplate(file, root.get("post_processor"));
                    TokenizerJson.checkUnknownToken(file, root.get("model"), root.get("pre_tokenizer"));
                    TokenizerJson.checkTruncationDirection(file, root.get("truncation"));
                    if (TokenizerJson.isLeft(root.get("padding"))) {
                        // read once per file: a variant knows its facts and does not warn again
                        LOG.warn("{}: $.padding.direction is \"Left\"; prefine pads on the right, after a row's"
                                + " tokens (masked padding changes no token's state)", file);
                    }
                }
                pad = padId >= 0 ? padId : TokenizerJson.padId(file, root);
                if (!wordwiseKnown) {
                    wordwise = TokenizerJson.splitsWordsIndependently(root.get("pre_tokenizer"));
                    unigramUnknownId = TokenizerJson.unigramUnknownId(root.get("model"));
                    padTypeId = TokenizerJson.padTypeId(file, root);
                    marksWordStarts = TokenizerJson.marksWordStarts(root.get("pre_tokenizer"));
                    spacesFirstWord = TokenizerJson.spacesFirstWord(root.get("pre_tokenizer"));
                    splitsIdeographs = TokenizerJson.splitsIdeographs(root.get("normalizer"));
                    stripsAccents = TokenizerJson.stripsAccents(root.get("normalizer"));
                    wordwiseKnown = true;
                }
                if (vocabularySize < 0) {
                    vocabularySize = TokenizerJson.vocabularySize(file, root);
                    addedTokens = TokenizerJson.addedTokens(file, root);
                }
                if (natives == null) {
                    withRoom(hf, file);
                }
            } catch (IOException | RuntimeException | Error e) {
                if (natives != null) {
                    natives.leave(options);
                } else {
                    hf.close();
                }
                throw e;
            }
            LOG.debug("loaded {}{} (maxLength {}, {}, {}, stride {})", file, rebuilt == null ? "" : " as rebuilt",
                    maxLength, truncation, padding, stride);
            return new SubwordTokenizer(this, source, hf, pad, natives, options);
        }

        /**
         * Loads the native tokenizer of a text: without parsing it again where this builder's facts
         * are that text's (it passed every check when they were read), with the value read in the
         * standard-JSON pass where there is one, else after that pass.
         */
        private static HuggingFaceTokenizer load(TokenizerSource source, String text, Map<String, String> options,
                boolean known, JsonElement value) throws IOException {
            if (known) {
                return source.loadChecked(text, options);
            }
            return value != null ? source.loadStandard(text, options, value) : source.load(text, options);
        }

        /**
         * Refuses, closing it, a native tokenizer whose maximum length is below the special tokens of a
         * pair ({@link TemplateProbes#checkRoomForSpecialTokens}), with special tokens and truncation.
         */
        private HuggingFaceTokenizer withRoom(HuggingFaceTokenizer hf, Path file) {
            if (addSpecialTokens && truncation != Truncation.NONE) {
                try {
                    TemplateProbes.checkRoomForSpecialTokens(hf, file, maxLength);
                } catch (RuntimeException | Error e) {
                    hf.close();
                    throw e;
                }
            }
            return hf;
        }
    }
}
