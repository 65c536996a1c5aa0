package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.testing.ChildJvm;
import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seed's score line as a user reads it: it names the metric, where "45.0 on VALIDATION" left
 * the reader to know which metric the task reports.
 */
class TargetFinetuningLogTest {
    @Test
    void theSeedsScoreLineNamesTheTasksMetric(@TempDir Path dir) throws Exception {
        SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        String text = ChildJvm.runAtInfo(TargetFinetuningLogChild.class, dir.resolve("child.log"));
        String score = text.lines().filter(l -> l.startsWith("score ")).findFirst().orElseThrow().substring(6);
        List<String> lines = text.lines().filter(l -> l.contains(TargetFinetuning.class.getName())).toList();
        assertEquals(1, lines.size(), text);
        // the tagging task reports seqeval's entity F1 (MetricType.SPAN_F1), the child's own score
        String line = lines.get(0);
        assertEquals("target tags seed 1: SPAN_F1 " + score + " on VALIDATION, the model after epoch 1 of 1"
                + " (lowest validation loss)", line.substring(line.indexOf(" - ") + 3), text);
    }
}
