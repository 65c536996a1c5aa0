package io.github.prefine.examples.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code docs/data.md} shows the mapping table of {@link HubDatasets}, row for row, and every task once. */
class DataDocsTest {
    /** The docs row of one mapping, as {@code docs/data.md} must show it. */
    static String row(HubDataset d) {
        List<String> splits = new ArrayList<>();
        d.splits().forEach((hub, split) -> splits.add(hub + " → " + split.name().toLowerCase(Locale.ROOT)));
        String rule = d.rule() == HubDataset.SplitRule.HOLD_OUT_4_1 ? "4:1 hold-out" : "as published";
        return "| " + d.task() + " | `" + d.repo() + "` | `" + d.config() + "` | " + String.join(", ", splits) + " | "
                + rule + " | " + String.join(", ", d.conversion().columns()) + " |";
    }

    static String handLaidRow(String task, String reason) {
        return "| " + task + " | " + reason + " |";
    }

    @Test
    void docsShowTheMappingTableOfTheCode() throws IOException {
        Path docs = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "docs", "data.md");
        if (!Files.exists(docs)) {
            docs = Path.of("..", "docs", "data.md");
        }
        String text = Files.readString(docs, StandardCharsets.UTF_8);
        for (HubDataset d : HubDatasets.all()) {
            assertTrue(text.contains(row(d)), "docs/data.md lacks the row\n" + row(d));
        }
        for (Map.Entry<String, String> e : HubDatasets.handLaidOnly().entrySet()) {
            assertTrue(text.contains(handLaidRow(e.getKey(), e.getValue())), "docs/data.md lacks the row\n"
                    + handLaidRow(e.getKey(), e.getValue()));
        }
    }

    @Test
    void everyCatalogTaskIsMappedOrExplainedExactlyOnce() {
        Set<String> seen = new HashSet<>();
        for (HubDataset d : HubDatasets.all()) {
            assertTrue(seen.add(d.task()), d.task() + " mapped twice");
            DatasetFetcher.targets(TaskCatalog.task(d.task()), d); // the catalog has a file for every mapped split
        }
        for (String t : HubDatasets.handLaidOnly().keySet()) {
            assertTrue(seen.add(t), t + " both mapped and hand-laid only");
        }
        for (Task t : TaskCatalog.all()) {
            assertTrue(seen.remove(t.name()), t.name() + " is neither mapped nor explained");
        }
        assertTrue(seen.isEmpty(), "not catalog tasks: " + seen);
    }

    public static void main(String[] args) {
        HubDatasets.all().forEach(d -> System.out.println(row(d)));
        System.out.println();
        HubDatasets.handLaidOnly().forEach((t, r) -> System.out.println(handLaidRow(t, r)));
    }
}
