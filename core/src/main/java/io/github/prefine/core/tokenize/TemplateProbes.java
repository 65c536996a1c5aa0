package io.github.prefine.core.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a tokenizer's post-processor template does, read from probe encodings of the native
 * tokenizer itself ("a", and the pair ("a", "b")) rather than from its JSON: where it puts the
 * special tokens ({@link SpecialTokenLayout}), and whether a maximum length leaves room for them.
 *
 * <p>Stateless; each probe frees its native encodings however it ends.
 */
final class TemplateProbes {
    private static final Logger LOG = LoggerFactory.getLogger(TemplateProbes.class);

    private TemplateProbes() {}

    /**
     * Reads where the template puts special tokens.
     *
     * @param bare the tokenizer without truncation or padding (special tokens are asked per probe)
     * @param path its file, for the log
     * @return the layout, or empty when the template does not have the simple form {@link
     *     SpecialTokenLayout} describes or a probe fails
     */
    static Optional<SpecialTokenLayout> layout(HuggingFaceTokenizer bare, Path path) {
        TokenizersLibrary lib = TokenizersLibrary.LIB;
        long single = 0;
        long pair = 0;
        try {
            single = lib.encode(bare.getHandle(), "a", true);
            pair = lib.encodeDual(bare.getHandle(), "a", "b", true);
            int[] sIds = EncodingConversion.toInt(lib.getTokenIds(single));
            int[] sSpecial = EncodingConversion.toInt(lib.getSpecialTokenMask(single));
            int[] sTypes = EncodingConversion.toInt(lib.getTypeIds(single));
            int[] pIds = EncodingConversion.toInt(lib.getTokenIds(pair));
            int[] pSpecial = EncodingConversion.toInt(lib.getSpecialTokenMask(pair));
            int[] pTypes = EncodingConversion.toInt(lib.getTypeIds(pair));
            int[] pSeq = EncodingConversion.toInt(lib.getSequenceIds(pair));
            return SpecialTokenLayout.fromProbes(sIds, sSpecial, sTypes, pIds, pSpecial, pTypes, pSeq);
        } catch (RuntimeException ex) {
            LOG.debug("{}: special-token probe failed: {}", path, ex.getMessage());
            return Optional.empty();
        } finally {
            if (single != 0) {
                lib.deleteEncoding(single);
            }
            if (pair != 0) {
                lib.deleteEncoding(pair);
            }
            Reference.reachabilityFence(bare);
        }
    }

    /**
     * Counts the special tokens the template adds to a text or a pair, from the encoding of the
     * empty text (or pair) with special tokens.
     *
     * @param bare the tokenizer without truncation or padding
     * @param pair true for a pair
     * @param failure wraps a native rejection
     * @return the number of ids of the empty input
     */
    static int added(HuggingFaceTokenizer bare, boolean pair, java.util.function.Function<RuntimeException,
            ? extends RuntimeException> failure) {
        TokenizersLibrary lib = TokenizersLibrary.LIB;
        long e;
        try {
            e = pair ? lib.encodeDual(bare.getHandle(), "", "", true) : lib.encode(bare.getHandle(), "", true);
        } catch (RuntimeException ex) {
            throw failure.apply(ex);
        }
        try {
            return lib.getTokenIds(e).length;
        } finally {
            lib.deleteEncoding(e);
            Reference.reachabilityFence(bare);
        }
    }

    /**
     * Refuses a maximum length below the special tokens of a text pair: the native tokenizer then
     * skips truncation altogether and returns rows of any length. Probed with the empty pair, which
     * holds nothing to truncate: a row longer than the maximum is the special tokens alone, and
     * came back untruncated. The pair ("a", "b") probed before could need truncation, and where
     * the tokenizer splits "a" a kept length at the stride made the library's assertion panic,
     * aborting the JVM. A probe the native side rejects is no refusal: its encodings get the library's message.
     *
     * @param hf the configured tokenizer, which the caller closes (or leaves to its other sharers) when the
     *     length is refused
     * @param file its file, for the message
     * @param maxLength the configured maximum length
     * @throws IllegalArgumentException when the length is below the special tokens of a pair
     */
    static void checkRoomForSpecialTokens(HuggingFaceTokenizer hf, Path file, int maxLength) {
        TokenizersLibrary lib = TokenizersLibrary.LIB;
        long e;
        try {
            e = lib.encodeDual(hf.getHandle(), "", "", true);
        } catch (RuntimeException ex) {
            return;
        }
        try {
            long[] ids = lib.getTokenIds(e);
            if (ids.length > maxLength) {
                long added = Arrays.stream(lib.getSpecialTokenMask(e)).filter(m -> m != 0).count();
                throw new IllegalArgumentException(file + ": maxLength " + maxLength + " is smaller than the " + added
                        + " special tokens the template adds to a text pair, so nothing would be truncated; use at"
                        + " least " + added);
            }
        } finally {
            lib.deleteEncoding(e);
            Reference.reachabilityFence(hf);
        }
    }
}
