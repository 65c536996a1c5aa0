package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A sequence head reads each row's position 0 as its {@code [CLS]}/{@code <s>} token, as HF's
 * heads do, so a batch must be right padded. A left-padded row used to be accepted, and its
 * classification logits came from a padding position without a word.
 */
class BatchPaddingTest {
    private static MultiTaskBatch batch(long[] mask) {
        long[] ids = {0, 5, 6, 2, 0, 7, 2, 1};
        return new MultiTaskBatch(2, 4, ids, mask, null,
                List.of(new TaskSlice(0, new int[] {0, 1}, new int[] {0, 1}, new int[] {0, 1}, new long[] {2})));
    }

    @Test
    void aLeftPaddedRowIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> batch(new long[] {1, 1, 1, 1, 0, 1, 1, 1}));
        assertTrue(e.getMessage().contains("row 1") && e.getMessage().contains("position 0"), e.getMessage());
    }

    @Test
    void aHoleInARowIsRefusedNamingThePosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> batch(new long[] {1, 0, 1, 0, 1, 1, 1, 0}));
        assertTrue(e.getMessage().contains("row 0") && e.getMessage().contains("position 2"), e.getMessage());
    }

    @Test
    void aMaskValueOtherThanZeroOrOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> batch(new long[] {1, 2, 0, 0, 1, 1, 1, 0}));
    }

    @Test
    void rightPaddedRowsAreAccepted() {
        assertEquals(2, batch(new long[] {1, 1, 1, 1, 1, 1, 1, 0}).numExamples());
        assertEquals(2, batch(new long[] {1, 0, 0, 0, 1, 1, 1, 1}).numExamples());
    }
}
