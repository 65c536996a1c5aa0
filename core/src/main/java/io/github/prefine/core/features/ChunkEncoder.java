package io.github.prefine.core.features;

import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.Truncation;
import io.github.prefine.core.tokenize.Padding;
import io.github.prefine.core.tokenize.TokenEncoding;
import java.io.IOException;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/** Native batch encoding with a per-item fallback so one bad input costs only itself. */
final class ChunkEncoder {
    static final String REJECTED = "tokenizer rejected the input";

    private ChunkEncoder() {}

    /**
     * Runs the batch call; if the native tokenizer rejects the batch, encodes item by item and
     * leaves null where an item is rejected.
     */
    static TokenEncoding[] encode(Supplier<List<TokenEncoding>> batch, IntFunction<TokenEncoding> single, int n) {
        TokenEncoding[] out = new TokenEncoding[n];
        try {
            List<TokenEncoding> all = batch.get();
            for (int i = 0; i < n; i++) {
                out[i] = all.get(i);
            }
        } catch (IllegalArgumentException batchFailure) {
            for (int i = 0; i < n; i++) {
                try {
                    out[i] = single.apply(i);
                } catch (IllegalArgumentException itemFailure) {
                    out[i] = null;
                }
            }
        }
        return out;
    }

    /** Derives the unpadded, special-token-adding variant a featurizer needs. */
    static SubwordTokenizer variant(SubwordTokenizer base, int maxLength, Truncation truncation, int stride)
            throws IOException {
        return base.toBuilder()
                .optMaxLength(maxLength)
                .optTruncation(truncation)
                .optStride(stride)
                .optPadding(Padding.NONE)
                .optAddSpecialTokens(true)
                .build();
    }
}
