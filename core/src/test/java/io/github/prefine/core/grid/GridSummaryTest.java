package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GridSummaryTest {

    /**
     * A summary is immutable as its Javadoc says, down to each missing task's reasons: the map was
     * copied but its lists were the caller's, so changing a list given changed the summary, and the
     * list it handed out could be changed (GridPlan, which supplies it, copies each list already).
     */
    @Test
    void theReasonsOfAMissingTaskCannotBeChangedThroughTheSummaryOrTheListsGiven() {
        List<String> reasons = new ArrayList<>(List.of("glue/cola/train.tsv"));
        Map<String, List<String>> missing = new LinkedHashMap<>();
        missing.put("CoLA", reasons);
        GridSummary s = new GridSummary(missing, List.of(Setting.BASELINE), 1, 0, null);
        reasons.add("glue/cola/dev.tsv");
        assertEquals(Map.of("CoLA", List.of("glue/cola/train.tsv")), s.missingTasks());
        assertThrows(UnsupportedOperationException.class, () -> s.missingTasks().get("CoLA").clear());
        assertEquals(List.of("glue/cola/train.tsv"), s.missingTasks().get("CoLA"));
    }
}
