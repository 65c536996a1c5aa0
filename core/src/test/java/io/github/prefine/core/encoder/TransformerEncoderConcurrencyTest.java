package io.github.prefine.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import io.github.prefine.eval.testing.ConcurrentCalls;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The class Javadoc of {@link TransformerEncoder}: inference forwards may run on several threads at
 * once, each with its inputs in a manager of its own, as {@code TaskEmbedder}'s threads run them.
 * The fixture BERT encoder, shared by {@link ConcurrentCalls#THREADS} threads, gives every thread
 * the hidden states one thread gets, bit for bit, for a padded batch and an unpadded one.
 */
class TransformerEncoderConcurrencyTest {
    private static final List<String> TEXTS = List.of("The cat sat on the mat.", "Who went to Berlin in May?",
            "café naïve résumé", "a much longer sentence, with punctuation; and numbers 1234 and 56.");

    @Test
    void inferenceForwardsOnManyThreadsGiveTheSingleThreadStates() throws Exception {
        Path dir = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        try (NDManager root = NDManager.newBaseManager();
                SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(dir.resolve("tokenizer.json")).build()) {
            TransformerEncoder encoder = EncoderCheckpoint.load(dir, root).encoder();
            List<TokenEncoding> rows = tok.encodeBatch(TEXTS);
            int seqLen = rows.stream().mapToInt(TokenEncoding::length).max().orElseThrow();
            long[] ids = new long[rows.size() * seqLen];
            long[] mask = new long[ids.length];
            for (int r = 0; r < rows.size(); r++) {
                int[] row = rows.get(r).ids();
                for (int p = 0; p < row.length; p++) {
                    ids[r * seqLen + p] = row[p];
                    mask[r * seqLen + p] = 1;
                }
            }
            // the padded batch, and its first row alone, which takes the unpadded path
            ConcurrentCalls.agree("padded batch", 24, () -> states(encoder, root, ids, mask, rows.size(), seqLen));
            int first = rows.get(0).length();
            long[] one = Arrays.copyOf(ids, first);
            long[] ones = new long[first];
            Arrays.fill(ones, 1);
            ConcurrentCalls.agree("unpadded row", 24, () -> states(encoder, root, one, ones, 1, first));
        }
    }

    /** One inference forward in a sub-manager of its own; the hidden states as text, every bit kept. */
    private static String states(TransformerEncoder encoder, NDManager root, long[] ids, long[] mask, int rows,
            int seqLen) {
        try (NDManager step = root.newSubManager()) {
            Shape grid = new Shape(rows, seqLen);
            NDList in = new NDList(step.create(ids, grid), step.create(mask, grid));
            NDArray hidden = encoder.forward(new ParameterStore(step, false), in, false,
                    TransformerEncoder.forwardParameters(mask)).head();
            return Arrays.toString(hidden.toFloatArray());
        }
    }
}
