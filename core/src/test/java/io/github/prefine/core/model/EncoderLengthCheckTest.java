package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A forward of rows longer than the encoder's position table says what to cut them to. The XLM-R
 * fixture has {@code max_position_embeddings} 66 and pad id 1, so it takes at most 66 - 1 - 1 = 64
 * tokens (HF's RoBERTa position ids start after the pad id). The model builder's own check of
 * featurized tasks is {@link EncoderPositionsTest}'s.
 */
class EncoderLengthCheckTest {

    @Test
    void aForwardOfRowsTooLongNamesTheLengthToCutThemTo() throws Exception {
        // the grid adds hand-made heads, so its first sight of such rows is the encoder's forward
        Path dir = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/encoder");
        try (NDManager root = NDManager.newBaseManager()) {
            io.github.prefine.core.encoder.TransformerEncoder encoder = EncoderCheckpoint.load(dir, root).encoder();
            long[][] ids = new long[1][65];
            long[][] mask = new long[1][65];
            java.util.Arrays.fill(ids[0], 5);
            java.util.Arrays.fill(mask[0], 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.forward(
                    new ai.djl.training.ParameterStore(root, false),
                    new ai.djl.ndarray.NDList(root.create(ids), root.create(mask)), false));
            assertEquals("sequence length 65 exceeds the 64 positions of this xlm-roberta encoder; cut rows to at most 64"
                    + " tokens (FeatureSettings.withLengths)", e.getMessage());
        }
    }
}
