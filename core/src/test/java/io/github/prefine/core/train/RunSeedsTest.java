package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** A run's seeds depend on its run seed and the step or epoch alone, which a resumed run relies on. */
class RunSeedsTest {

    @Test
    void aResumedRunDerivesTheSeedsAnUninterruptedOneDid() {
        RunSeeds first = new RunSeeds(42);
        RunSeeds resumed = new RunSeeds(42);
        assertEquals(42, resumed.run());
        assertEquals(first.sampler(), resumed.sampler());
        assertEquals(first.stepMasks(1234), resumed.stepMasks(1234));
        assertEquals(first.epoch(3), resumed.epoch(3));
    }

    @Test
    void neighbouringStepsEpochsAndRunsGetOtherSeeds() {
        RunSeeds s = new RunSeeds(42);
        assertNotEquals(s.stepMasks(0), s.stepMasks(1));
        assertNotEquals(s.epoch(0), s.epoch(1));
        assertNotEquals(s.sampler(), new RunSeeds(43).sampler());
        assertNotEquals(s.stepMasks(0), new RunSeeds(43).stepMasks(0));
    }
}
