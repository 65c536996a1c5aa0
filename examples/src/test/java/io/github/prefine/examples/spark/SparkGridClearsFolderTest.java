package io.github.prefine.examples.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * When the driver clears a mirrored folder (docs/spark.md): after a forced run cleared its local
 * copy, never after a run that only added targets, whose fingerprint changes too but whose results
 * all stay (GridAddedTargetTest shows the local side).
 */
class SparkGridClearsFolderTest {
    @Test
    void onlyAForcedRunClearsAMirroredFolder() {
        assertTrue(SparkGrid.clearsFolder(true, false, "old", "new", true), "forced onto another run");
        assertTrue(SparkGrid.clearsFolder(true, false, null, "new", true), "forced onto records without run.json");
        assertFalse(SparkGrid.clearsFolder(false, false, "old", "old+target", true), "a target added: results stay");
        assertFalse(SparkGrid.clearsFolder(true, false, "same", "same", true), "forced onto the same run");
        assertFalse(SparkGrid.clearsFolder(true, true, "old", "new", true), "written in place: the session cleared it");
    }
}
