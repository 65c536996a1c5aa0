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
 * A load costs about a second for a 250k-piece vocabulary: shared, a variant of the options of an
 * open tokenizer (a featurizer's variant of its tokenizer's own settings) loads nothing. A variant
 * of other options, closed after use as a featurizer's is after each call, loads its native
 * tokenizer again at the next call: the price of not keeping every length ever asked for.
 *
 * <p>Counts the tokenizers using each native tokenizer: the last one of a set of options to leave
 * ({@link #leave(Map)}) frees that native tokenizer, so that a long-lived tokenizer whose variants
 * of many lengths come and go holds only those of the variants open; the last tokenizer to leave
 * also frees the bare one, and no tokenizer joins afterwards. Thread-safe: loads and frees are made
 * under its lock, and a native tokenizer encodes from several threads at once.
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
    private final Map<Map<String, String>, Loaded> loaded = new HashMap<>();
    /** The tokenizers using these; 0 once the last left. Guarded by this. */
    private int users = 1;

    /** A native tokenizer and the tokenizers using it, at least 1 while it is in {@link #loaded}. */
    private static final class Loaded {
        private final HuggingFaceTokenizer hf;
        private int users = 1;

        private Loaded(HuggingFaceTokenizer hf) {
            this.hf = hf;
        }
    }

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
        loaded.put(Map.copyOf(options), new Loaded(first));
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
        Loaded l = loaded.get(key);
        if (l == null) {
            loaded.put(key, new Loaded(load.load()));
        } else {
            l.users++;
        }
        users++;
        return loaded.get(key).hf;
    }

    /**
     * A tokenizer stops using the set: the last one of its options frees their native tokenizer,
     * the last one of all the bare tokenizer too.
     *
     * @param options the options it joined with (or made the set with)
     */
    synchronized void leave(Map<String, String> options) {
        if (users == 0) {
            return;
        }
        Map<String, String> key = Map.copyOf(options);
        Loaded l = loaded.get(key);
        if (l == null) {
            throw new IllegalStateException("no native tokenizer of options " + key + " to leave; expected the options"
                    + " the tokenizer joined with");
        }
        if (--l.users == 0) {
            loaded.remove(key);
            l.hf.close();
        }
        if (--users == 0) {
            pieces.close();
        }
    }

    /** The native tokenizers loaded now, one per set of options some open tokenizer uses; for tests. */
    synchronized int loadedCount() {
        return loaded.size();
    }
}
