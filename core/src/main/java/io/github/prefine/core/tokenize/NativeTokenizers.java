package io.github.prefine.core.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The native tokenizers of one {@code tokenizer.json} text, shared by a {@link SubwordTokenizer}
 * and the variants derived from it ({@link SubwordTokenizer#toBuilder()}) while the text is
 * unchanged: one per set of DJL options, loaded on first need, and the bare {@link PieceEncoder}.
 * A load costs about a second for a 250k-piece vocabulary, and a featurizer derives a variant, and
 * that an untruncated variant, on every call; shared, each is loaded once while a tokenizer of the
 * text stays open (a featurizer's is).
 *
 * <p>Counts the tokenizers using it; the last one's {@link #leave()} frees every native tokenizer,
 * and no tokenizer joins afterwards. Thread-safe: loads are made under its lock, and a native
 * tokenizer encodes from several threads at once.
 */
final class NativeTokenizers {
    /** Loads a native tokenizer. */
    interface Loader {
        /**
         * Loads it.
         *
         * @return the tokenizer
         * @throws IOException as {@link TokenizerSource#load(String, Map)}
         */
        HuggingFaceTokenizer load() throws IOException;
    }

    /** SHA-256 of the text every tokenizer here was loaded from. */
    private final byte[] digest;
    private final PieceEncoder pieces;
    /** By their options. Guarded by this. */
    private final Map<Map<String, String>, HuggingFaceTokenizer> loaded = new HashMap<>();
    /** The tokenizers using these; 0 once the last left. Guarded by this. */
    private int users = 1;

    /**
     * Makes the set of the first tokenizer of a text, which uses it.
     *
     * @param digest SHA-256 of the text {@code first} was loaded from
     * @param options the options {@code first} was loaded with
     * @param first the native tokenizer loaded, now owned by this set
     * @param pieces the bare form of the text, now owned by this set
     */
    NativeTokenizers(byte[] digest, Map<String, String> options, HuggingFaceTokenizer first, PieceEncoder pieces) {
        this.digest = digest.clone();
        this.pieces = pieces;
        loaded.put(Map.copyOf(options), first);
    }

    /** The bare form of the text, which every tokenizer using this set shares. */
    PieceEncoder pieces() {
        return pieces;
    }

    /**
     * Joins another tokenizer of the same text: gives it the native tokenizer of its options, loaded
     * now where none is.
     *
     * @param textDigest SHA-256 of the text the joining tokenizer read
     * @param options its options
     * @param load loads the native tokenizer where none has these options
     * @return the native tokenizer, owned by this set, or null (the caller loads its own) where
     *     the text differs or the last user has left
     * @throws IOException as {@code load}, having joined nothing
     */
    synchronized HuggingFaceTokenizer join(byte[] textDigest, Map<String, String> options, Loader load)
            throws IOException {
        if (users == 0 || !Arrays.equals(digest, textDigest)) {
            return null;
        }
        Map<String, String> key = Map.copyOf(options);
        HuggingFaceTokenizer hf = loaded.get(key);
        if (hf == null) {
            hf = load.load();
            loaded.put(key, hf);
        }
        users++;
        return hf;
    }

    /** A tokenizer stops using the set; the last one frees the native tokenizers. */
    synchronized void leave() {
        if (users == 0) {
            return;
        }
        if (--users == 0) {
            pieces.close();
            loaded.values().forEach(HuggingFaceTokenizer::close);
            loaded.clear();
        }
    }
}
