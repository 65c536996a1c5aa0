package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.task.TaskFormat;
import org.junit.jupiter.api.Test;

/**
 * The lengths {@link ModelExport#checkLength} suggests for an encoder of few positions are lengths
 * that work: a classifier or tagger reads rows of at least {@link FeatureSettings#MIN_LENGTH}, and
 * only a QA task needs windows of {@link FeatureSettings#MIN_QA_WINDOW}.
 */
class ModelExportLengthTest {
    private static String refusal(TaskFormat format, int positions) {
        return assertThrows(IllegalArgumentException.class,
                () -> ModelExport.checkLength("t", format, FeatureSettings.paper(), positions)).getMessage();
    }

    @Test
    void aClassifierOnAnEncoderOfSixPositionsIsToldLengthsThatFitIt() {
        // 6 positions: rows of 6 and windows of 6 (stride 6 / 4 = 1) are settings FeatureSettings takes
        String m = refusal(TaskFormat.SINGLE_TEXT, 6);
        assertTrue(m.endsWith(", such as these settings' withLengths(6, 6, 1)"), m);
        FeatureSettings.paper().withLengths(6, 6, 1);
        m = refusal(TaskFormat.TOKEN, 6);
        assertTrue(m.endsWith(", such as these settings' withLengths(6, 6, 1)"), m);
    }

    @Test
    void aQaTaskIsToldNoLengthsWhereNoWindowFitsAndOnesThatDoWhereOneDoes() {
        String m = refusal(TaskFormat.QA, 6);
        assertFalse(m.contains("such as"), m);
        m = refusal(TaskFormat.QA, 8);
        assertTrue(m.endsWith(", such as these settings' withLengths(8, 8, 2)"), m);
        // rows below FeatureSettings' minimum fit no task
        assertFalse(refusal(TaskFormat.SINGLE_TEXT, 3).contains("such as"));
    }
}
