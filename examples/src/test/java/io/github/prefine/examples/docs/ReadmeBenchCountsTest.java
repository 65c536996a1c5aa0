package io.github.prefine.examples.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README's table of a bench step's native operations repeats rows of docs/gpu.md's, which is the
 * one a change of the counts updates: each README row's current counts (after the arrow) must be
 * gpu.md's for the same model and precision, so that a change that updates only gpu.md fails here.
 */
class ReadmeBenchCountsTest {
    /** A table row: "| cells |". */
    private static final Pattern ROW = Pattern.compile("^\\|(.*)\\|\\s*$");
    /** The first number of a cell's current part: digits with thousands commas. */
    private static final Pattern NUMBER = Pattern.compile("\\d[\\d,]*");

    @Test
    void readmesBenchCountsAreGpuMdsCurrentOnes() {
        Map<String, Located> gpu = new LinkedHashMap<>();
        ProjectDocs.Doc gpuMd = ProjectDocs.read("docs/gpu.md");
        String model = null;
        for (int i = 0; i < gpuMd.lines().size(); i++) {
            List<String> cells = cells(gpuMd.lines().get(i));
            // gpu.md: | model (options) | precision | optimiser | whole step | calls from Java |
            if (cells.size() != 5 || !cells.get(0).matches("(demo's random BERT|XLM-R-base size).*")) {
                continue;
            }
            model = cells.get(0).startsWith("demo") ? "demo's random BERT" : "XLM-R-base size";
            gpu.put(model + ", " + cells.get(1), new Located(i + 1, List.of(now(cells.get(2)), now(cells.get(3)),
                    now(cells.get(4)))));
        }
        assertFalse(gpu.isEmpty(), "docs/gpu.md: no bench count table (rows \"| demo's random BERT ... |\")");
        ProjectDocs.Doc readme = ProjectDocs.read("README.md");
        int compared = 0;
        for (int i = 0; i < readme.lines().size(); i++) {
            List<String> cells = cells(readme.lines().get(i));
            // README: | model, precision[, before → now] | optimiser | whole step | calls from Java |
            if (cells.size() != 4 || !cells.get(0).matches("(demo's random BERT|XLM-R-base size), [a-z0-9-]+.*")) {
                continue;
            }
            String[] key = cells.get(0).split(", ");
            Located want = gpu.get(key[0] + ", " + key[1]);
            assertFalse(want == null, "README.md:" + (i + 1) + ": no docs/gpu.md row for " + key[0] + ", " + key[1]);
            List<String> got = List.of(now(cells.get(1)), now(cells.get(2)), now(cells.get(3)));
            assertEquals(want.counts(), got, "README.md:" + (i + 1) + ": expected the counts of docs/gpu.md:"
                    + want.line() + " (optimiser, whole step, calls from Java)");
            compared++;
        }
        assertFalse(compared == 0, "README.md: no bench count rows (\"| demo's random BERT, fp32 ... |\")");
    }

    private record Located(int line, List<String> counts) {}

    /** The cells of a Markdown table row, trimmed; empty for another line. */
    private static List<String> cells(String line) {
        Matcher m = ROW.matcher(line);
        List<String> out = new ArrayList<>();
        if (m.matches()) {
            for (String c : m.group(1).split("\\|", -1)) {
                out.add(c.trim());
            }
        }
        return out;
    }

    /** The current count of a cell: the first number after its last arrow, or its first number. */
    private static String now(String cell) {
        int arrow = cell.lastIndexOf('→');
        Matcher m = NUMBER.matcher(arrow < 0 ? cell : cell.substring(arrow + 1));
        return m.find() ? m.group() : "(none in \"" + cell + "\")";
    }
}
