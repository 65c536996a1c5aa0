package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/protocol.md lists the targets that --report-split test scores on test; the catalog must agree. */
class ProtocolDocTest {
    @Test
    void theDocumentedTestSplitTargetsAreTheCatalogsTargetsWithATestSplit() throws Exception {
        Path doc = Path.of("..", "docs", "protocol.md");
        Matcher m = Pattern.compile("scores targets that have a test split on it \\(([^)]*)\\)").matcher(Files.readString(doc));
        if (!m.find()) {
            throw new AssertionError("protocol.md no longer lists the test-split targets");
        }
        Map<String, String> names = Map.of("WNUT17", "wnut17", "NCBI Disease", "ncbi-disease", "MIT Movie", "mit-movie",
                "WiC", "wic", "SubjQA books", "subjqa-books");
        Set<String> documented = new TreeSet<>();
        for (String s : m.group(1).split(",")) {
            String k = s.trim();
            documented.add(names.getOrDefault(k, k.toLowerCase(Locale.ROOT)));
        }
        Set<String> withTest = new TreeSet<>();
        for (Task t : TaskCatalog.targets()) {
            if (t.source().splits().containsKey(Split.TEST)) {
                withTest.add(t.name());
            }
        }
        assertEquals(documented, withTest);
    }
}
