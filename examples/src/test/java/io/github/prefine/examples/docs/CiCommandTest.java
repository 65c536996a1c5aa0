package io.github.prefine.examples.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's test command is the one {@code .ci/run} runs, as the README says ("this is what
 * {@code .ci/run} runs") and the script's own comment says the other way round.
 */
class CiCommandTest {
    @Test
    void theReadmesTestCommandIsWhatCiRuns() throws Exception {
        String script = Files.readString(ProjectDocs.root().resolve(".ci/run"), StandardCharsets.UTF_8);
        Matcher exec = Pattern.compile("(?m)^exec (.+)$").matcher(script);
        assertTrue(exec.find(), ".ci/run: expected one 'exec COMMAND' line");
        String readme = Files.readString(ProjectDocs.root().resolve("README.md"), StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("this is what `\\.ci/run` runs\\):\\s*```bash\\n([^\\n]*)\\n```").matcher(readme);
        assertTrue(block.find(), "README.md: expected the test command in a bash block after \"this is what `.ci/run` runs\"");
        assertEquals(exec.group(1).strip(), block.group(1).strip(), "README.md's test command and .ci/run's");
    }
}
