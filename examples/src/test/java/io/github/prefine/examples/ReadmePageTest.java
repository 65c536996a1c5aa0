package io.github.prefine.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's library page is one page and word for word {@link QuickStart#train}, so the page
 * cannot drift from code that runs; {@code DocJavaBlocksTest} compiles it as printed, with the
 * imports of the {@code docguard: java-context} comment above it.
 */
class ReadmePageTest {
    private static String readmePage() throws Exception {
        String readme = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("README.md"));
        int section = readme.indexOf("## Using prefine as a library");
        assertTrue(section >= 0, "README.md: expected a '## Using prefine as a library' section");
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(section), "README.md: expected a ```java block in the library section");
        return m.group(1);
    }

    @Test
    void theLibraryPageFitsOnAPage() throws Exception {
        String page = readmePage();
        assertTrue(page.lines().count() <= 17, "the page has " + page.lines().count() + " lines");
    }

    @Test
    void thePageIsQuickStartTrainWordForWord() throws Exception {
        String code = Files.readString(Path.of("src/main/java/io/github/prefine/examples/QuickStart.java"));
        int start = code.indexOf("    public static Map<String, EvaluationResult> train(");
        assertTrue(start >= 0, "QuickStart.java: expected the train method");
        int end = code.indexOf("\n    }\n", start) + "\n    }\n".length();
        StringBuilder method = new StringBuilder();
        for (String line : code.substring(start, end).split("\n", -1)) {
            method.append(line.startsWith("    ") ? line.substring(4) : line).append('\n');
        }
        assertEquals(method.toString().strip(), readmePage().strip());
    }
}
