package io.github.prefine.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.examples.cli.CliErrors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code TextEmbBench}'s main, which the README tells users to run, ends a bad invocation as the
 * {@code prefine} command line does: exit 2 and one line on standard error that names the option and
 * what was found, no stack trace, before any work (no MiniLM written under {@code --work}).
 */
class TextEmbBenchTest {

    @TempDir
    Path dir;

    /** Exit code and standard error of the main in a child JVM. */
    private record Run(int exit, String err) {}

    private Run main(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                TextEmbBench.class.getName()));
        cmd.addAll(List.of(args));
        Path err = dir.resolve("err.txt");
        Process p = ChildProcesses.builder(cmd).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(err.toFile()).start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the child ended");
        return new Run(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    }

    private void refused(String fragment, String... args) throws Exception {
        Path work = dir.resolve("work");
        List<String> all = new ArrayList<>(List.of("--work", work.toString()));
        all.addAll(List.of(args));
        Run r = main(all.toArray(String[]::new));
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(CliErrors.BAD_INPUT, r.exit(), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("textemb-bench: ") && lines.get(0).contains(fragment), r.err());
        assertFalse(Files.exists(work), "nothing written before the refusal");
    }

    @Test
    void aSmallRunExits0AndSavesOneValuePerHiddenUnit() throws Exception {
        Path data = SharedFixtures.require("data/cls/cb").getParent().getParent();
        Path saved = dir.resolve("emb.txt");
        Run r = main("--data", data.toString(), "--task", "cb", "--rows", "16", "--threads", "1", "--work",
                dir.resolve("work").toString(), "--save", saved.toString());
        assertEquals(0, r.exit(), r.err());
        // all-MiniLM-L6-v2's hidden size, from its config.json
        assertEquals(384, Files.readAllLines(saved).size());
    }

    @Test
    void aBadValueExits2WithOneLineNamingTheOptionAndTheValue() throws Exception {
        refused("--rows: expected a whole number of at least 0, found -1", "--rows", "-1");
        refused("--threads: expected a whole number of at least 1, found 0", "--threads", "0");
    }

    /**
     * {@code --max-length} below the featurizer's least (FeatureSettings.MIN_LENGTH, 4) was not
     * checked with the others: the run wrote MiniLM under {@code --work}, then failed in the
     * feature settings with a message naming {@code maxLength}, not the option.
     */
    @Test
    void aMaxLengthTooShortExits2NamingTheOptionBeforeAnyWork() throws Exception {
        Path data = SharedFixtures.require("data/cls/cb").getParent().getParent();
        refused("--max-length: expected a whole number of at least 4, found 3", "--data", data.toString(), "--task", "cb",
                "--max-length", "3");
    }

    @Test
    void anUnknownTaskOrAMissingDataRootExits2() throws Exception {
        refused("--task: no catalogued task named 'conll9'", "--task", "conll9");
        refused("--data " + dir.resolve("nope") + ": no such directory; expected the data root", "--data", dir.resolve("nope").toString());
    }
}
