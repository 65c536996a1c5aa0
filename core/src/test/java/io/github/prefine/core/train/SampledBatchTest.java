package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SampledBatchTest {

    @Test
    void drawsAreGroupedByTaskKeepingTheirOrderWithinATask() {
        SampledBatch b = SampledBatch.grouped(new int[] {2, 0, 2, 0}, new int[] {7, 3, 5, 1}, new int[] {2, 0, 2});
        assertArrayEquals(new int[] {0, 0, 2, 2}, b.tasks());
        assertArrayEquals(new int[] {3, 1, 7, 5}, b.examples());
        assertArrayEquals(new int[] {0, 2}, b.presentTasks());
    }

    /**
     * Counts that sum to the batch size but not per task: the old grouping wrote two draws into one
     * slot and left another at task 0, example 0, a batch that was never drawn, without a word.
     */
    @Test
    void countsThatDisagreeWithTheDrawsPerTaskAreRefusedNamingTheTask() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampledBatch.grouped(new int[] {1, 0}, new int[] {5, 6}, new int[] {0, 2}));
        assertEquals("sampled batch: task 0 has 1 draw, but its count says 0", e.getMessage());
        // a task beyond the counts failed with an ArrayIndexOutOfBoundsException
        e = assertThrows(IllegalArgumentException.class,
                () -> SampledBatch.grouped(new int[] {0, 3}, new int[] {5, 6}, new int[] {1, 1}));
        assertEquals("sampled batch: task 3 is drawn, but the counts cover tasks 0 to 1 only", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SampledBatch.grouped(new int[] {0, -1}, new int[] {5, 6}, new int[] {1, 1}));
        assertEquals("sampled batch: task index must be >= 0, found -1", e.getMessage());
    }

    /** The draws a refusal counts are "1 draw", "2 draws", "0 draws", where each said "draw(s)". */
    @Test
    void theRefusalCountsDrawsInTheSingularForOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampledBatch.grouped(new int[] {0, 0}, new int[] {5, 6}, new int[] {0, 2}));
        assertEquals("sampled batch: task 0 has 2 draws, but its count says 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SampledBatch.grouped(new int[] {1, 1}, new int[] {5, 6}, new int[] {1, 1}));
        assertEquals("sampled batch: task 0 has 0 draws, but its count says 1", e.getMessage());
    }
}
