package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.features.ClassificationFeaturizer;
import org.junit.jupiter.api.Test;

/**
 * The names that prefix log lines (a trainer's run, a featurizer's report): a blank name was taken
 * as no name at all, or printed as an empty prefix, and one holding a line break split its log
 * line in two, the second looking like a line of its own. Neither names a file, so '/' stays
 * allowed (the grid's labels and the featurizers' "task/split" hold it).
 */
class RunNameTest {
    @Test
    void aTrainerRefusesABlankOrMultiLineRunName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder().optName("  "));
        assertEquals("trainer: optName must name the run its log lines start with, found '  ' (leave optName out"
                + " for no name)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder().optName("lr 1e-4\nseed 2"));
        assertEquals("trainer: optName must be one line (it starts each log line), found control character"
                + " U+000A at index 7 of the name", e.getMessage());
        Trainer.builder().optName("pre-finetune SL/QA lr 1e-4");
    }

    @Test
    void aFeaturizerRefusesABlankOrMultiLineReportName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassificationFeaturizer.builder().optName(""));
        assertEquals("featurizer: optName must name what is featurized (the report's and log lines' name), found ''",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClassificationFeaturizer.builder().optName("sst2\ttrain"));
        assertEquals("featurizer: optName must be one line (it starts the report's log lines), found control"
                + " character U+0009 at index 4 of the name", e.getMessage());
        ClassificationFeaturizer.builder().optName("sst2/train");
    }
}
