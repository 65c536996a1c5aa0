package io.github.prefine.core.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The native tokenizers of one {@code tokenizer.json} text, shared by a {@link SubwordTokenizer}
 * and the variants derived from it ({@link SubwordTokenizer#toBuilder()}) while the text is
 * unchanged: one per set of DJL options, loaded on first need, and the bare {@link PieceEncoder}.
 * A load costs about a second for a 250k-piece vocabulary, and a featurizer derives a variant, and
 * that an untruncated variant, on every call, closing them after it; shared, a second call loads
 * nothing. Options that change nothing in the native tokenizer do not tell variants apart: the
 * untruncated variants of every maximum length, unpadded or padded to a batch's longest, share one.
 *
 * <p>Counts the tokenizers using each native tokenizer. One that no open tokenizer uses any more
 * ({@link #leave(Map)}) is kept, unused, for the next variant of its options, among the {@value
 * #UNUSED_KEPT} left unused last; an older unused one is freed. So a long-lived tokenizer whose
 * variants of many lengths come and go holds those of the variants open and at most {@value
 * #UNUSED_KEPT} more, not one per length ever asked for. A variant loaded again while its options
 * are among the last freed shows that the work cycles through more variants than are kept (a
 * featurization round over four truncated lengths and their shared untruncated form is five):
 * each such load keeps one more unused, up to {@value #MAX_UNUSED_KEPT}, so the rounds after the
 * next load nothing where each round had loaded them all again. A cycle through more variants
 * than {@value #MAX_UNUSED_KEPT} frees each before coming back to it however many are kept, and
 * keeps {@value #UNUSED_KEPT}: only the options of as many freed ones as could still be kept are
 * remembered. Each kept one holds its vocabulary (about half a GiB resident for a 250k-piece
 * Unigram one), so one kept beyond {@value #UNUSED_KEPT} that sits unused through {@value #IDLE_JOINS}
 * joins is freed, and one fewer kept: the kept count shrinks back once the work stops asking for
 * the variants that made it grow. The last tokenizer to leave frees every
 * native tokenizer and the bare one, and no tokenizer joins afterwards. Thread-safe: loads and
 * frees are made under its lock, and a native tokenizer encodes from several threads at once.
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

    /** Makes the tokenizer of the text with a space before every word ({@link #prefixed}). */
    interface PrefixedMaker {
        /**
         * Makes it.
         *
         * @return the tokenizer, now owned by this set
         * @throws IOException as {@link SubwordTokenizer.Builder#build()}
         */
        SubwordTokenizer make() throws IOException;
    }

    /** SHA-256 of the text every tokenizer here was loaded from. */
    private final byte[] digest;
    private final PieceEncoder pieces;
    /**
     * The native tokenizers no open tokenizer uses kept loaded: a featurizer's variants of three
     * lengths (a classification task's, a token task's and a QA task's, say) and the untruncated
     * one they share.
     */
    static final int UNUSED_KEPT = 4;
    /**
     * The most native tokenizers kept unused, however often freed ones are loaded again: each may
     * hold a large vocabulary.
     */
    static final int MAX_UNUSED_KEPT = 16;
    /**
     * How many joins one kept beyond {@link #UNUSED_KEPT} may sit unused through before it is freed,
     * and one fewer kept: a cycle of {@link #MAX_UNUSED_KEPT} variants, each with the untruncated
     * variant a featurizer derives beside it, comes back to each within 32 joins; one not asked for
     * in twice that many is no longer part of the work.
     */
    static final int IDLE_JOINS = 4 * MAX_UNUSED_KEPT;

    /** By the {@link #key} of their options. Guarded by this. */
    private final Map<Map<String, String>, Loaded> loaded = new HashMap<>();
    /** The keys of the loaded native tokenizers no open tokenizer uses, the least recently left first. Guarded by this. */
    private final Set<Map<String, String>> unused = new LinkedHashSet<>();
    /** How many unused native tokenizers are kept: {@link #UNUSED_KEPT}, and one more per freed one loaded again. Guarded by this. */
    private int kept = UNUSED_KEPT;
    /**
     * The keys of the last native tokenizers freed while tokenizers still used the set, the oldest
     * first: no more than could still be kept ({@link #MAX_UNUSED_KEPT} less those kept), so a load
     * of one again is work that keeping one more can spare, not a cycle longer than the most kept,
     * which frees each one before coming back to it however many are kept. Guarded by this.
     */
    private final Set<Map<String, String>> freed = new LinkedHashSet<>();
    /** The tokenizers using these; 0 once the last left. Guarded by this. */
    private int users = 1;
    /** How many times a tokenizer joined: the clock of {@link #IDLE_JOINS}. Guarded by this. */
    private long joins;
    /** {@link #prefixed}'s tokenizer, made on first need and closed with the set; null till then. Guarded by this. */
    private SubwordTokenizer prefixed;

    /** A native tokenizer and the tokenizers using it, 0 while its options are in {@link #unused}. */
    private static final class Loaded {
        private final HuggingFaceTokenizer hf;
        private int users = 1;
        /** {@link #joins} when its last user left. */
        private long leftAt;

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
        loaded.put(key(options), new Loaded(first));
    }

    /**
     * The key of a set of options: the options, less those that change nothing in the native
     * tokenizer. DJL hands maxLength (with modelMaxLength, which only caps it) and the stride to the
     * library only to truncate, or to pad to maxLength: a tokenizer that does neither encodes alike
     * at every length, so a featurizer's untruncated variants of several lengths share one.
     */
    private static Map<String, String> key(Map<String, String> options) {
        if (!"false".equals(options.get("truncation")) || "MAX_LENGTH".equals(options.get("padding"))) {
            return Map.copyOf(options);
        }
        Map<String, String> key = new HashMap<>(options);
        key.keySet().removeAll(Set.of("maxLength", "modelMaxLength", "stride"));
        return Map.copyOf(key);
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
        Map<String, String> key = key(options);
        Loaded l = loaded.get(key);
        if (l == null) {
            loaded.put(key, new Loaded(load.load()));
            if (freed.remove(key)) {
                // freed too soon: the work cycles through more variants than are kept
                kept = Math.min(MAX_UNUSED_KEPT, kept + 1);
                forgetFreedBeyondRoom();
            }
        } else {
            l.users++;
            unused.remove(key);
        }
        users++;
        joins++;
        freeIdle();
        return loaded.get(key).hf;
    }

    /**
     * Gives a builder of the text's tokenizer with {@code add_prefix_space} ({@link
     * TokenizerJson#withPrefixSpace}), which a byte-level tokenizer without it encodes pre-split
     * words through: one made on first need and shared by every tokenizer of this set, so that its
     * variants (a featurizer's, made on every call) load its native tokenizers once, as this set's.
     *
     * @param make makes it where none is
     * @return a builder of a variant of it, which shares its native tokenizers
     * @throws IOException as {@code make}
     */
    synchronized SubwordTokenizer.Builder prefixed(PrefixedMaker make) throws IOException {
        if (users == 0) {
            throw new IllegalStateException("the native tokenizers were freed; expected an open tokenizer to ask");
        }
        if (prefixed == null) {
            prefixed = make.make();
        }
        return prefixed.toBuilder();
    }

    /**
     * Frees the unused native tokenizers kept beyond {@link #UNUSED_KEPT} that no tokenizer joined
     * for more than {@link #IDLE_JOINS} joins, least recently left first, keeping one fewer for each:
     * the work that made {@link #kept} grow has moved on, and they would otherwise stay loaded until
     * the last tokenizer leaves. Not remembered as freed: a variant back after so long grows nothing.
     */
    private void freeIdle() {
        while (unused.size() > UNUSED_KEPT) {
            Map<String, String> oldest = unused.iterator().next();
            if (joins - loaded.get(oldest).leftAt <= IDLE_JOINS) {
                return;
            }
            unused.remove(oldest);
            loaded.remove(oldest).hf.close();
            kept = Math.max(UNUSED_KEPT, kept - 1);
        }
    }

    /**
     * A tokenizer stops using the set: the last one of its options leaves their native tokenizer
     * unused, which frees the one left unused longest beyond those kept ({@value #UNUSED_KEPT}, more
     * once freed ones were loaded again); the last one of
     * all frees every native tokenizer and the bare one.
     *
     * @param options the options it joined with (or made the set with)
     */
    synchronized void leave(Map<String, String> options) {
        if (users == 0) {
            return;
        }
        Map<String, String> key = key(options);
        Loaded l = loaded.get(key);
        if (l == null) {
            throw new IllegalStateException("no native tokenizer of options " + key + " to leave; expected the options"
                    + " the tokenizer joined with");
        }
        if (--l.users == 0) {
            l.leftAt = joins;
            unused.add(key);
            freeIdle();
            if (unused.size() > kept) {
                Map<String, String> oldest = unused.iterator().next();
                unused.remove(oldest);
                loaded.remove(oldest).hf.close();
                freed.add(oldest);
                forgetFreedBeyondRoom();
            }
        }
        if (--users == 0) {
            if (prefixed != null) {
                prefixed.close();
                prefixed = null;
            }
            pieces.close();
            loaded.values().forEach(x -> x.hf.close());
            loaded.clear();
            unused.clear();
            freed.clear();
        }
    }

    /** Forgets the oldest freed keys beyond the room left to keep more ({@link #freed}). */
    private void forgetFreedBeyondRoom() {
        while (freed.size() > MAX_UNUSED_KEPT - kept) {
            freed.remove(freed.iterator().next());
        }
    }

    /** The native tokenizers loaded now: those open tokenizers use, and at most those kept unused more; for tests. */
    synchronized int loadedCount() {
        return loaded.size();
    }
}
