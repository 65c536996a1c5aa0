package io.github.prefine.eval.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Real metric inputs from the shared folder beside the checkout (the {@code prefine.shared} system
 * property the build sets, else {@code ../shared}); a test skips when a file is absent.
 */
public final class SharedData {
    private SharedData() {}

    /**
     * Returns a file under the shared folder, skipping the test when it is absent and printing why.
     *
     * @param relative the path below the shared folder
     * @return the file
     */
    public static Path require(String relative) {
        String root = System.getProperty("prefine.shared");
        Path p = Path.of(root != null ? root : "../shared").resolve(relative).toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            // printed as well: a skip's reason shows only in the reports, not in the build's output
            String reason = "skipped: " + p + " is absent (the shared fixtures/data folder beside the checkout)";
            System.out.println(reason);
            Assumptions.assumeTrue(false, reason);
        }
        return p;
    }

    /**
     * Reads the gold tag sequences of a CoNLL-2003 file (last column), one list per sentence.
     *
     * @param relative the path below the shared folder
     * @return the sentences' tags, in file order
     * @throws IOException if the file cannot be read
     */
    public static List<List<String>> conllTags(String relative) throws IOException {
        List<List<String>> out = new ArrayList<>();
        List<String> sentence = new ArrayList<>();
        for (String line : Files.readAllLines(require(relative), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("-DOCSTART-")) {
                if (!sentence.isEmpty()) {
                    out.add(List.copyOf(sentence));
                    sentence.clear();
                }
                continue;
            }
            sentence.add(line.substring(line.lastIndexOf(' ') + 1));
        }
        if (!sentence.isEmpty()) {
            out.add(List.copyOf(sentence));
        }
        return out;
    }
}
