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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code TextEmbBench}'s main, which the README tells users to run, ends a bad invocation as the
 * {@code prefine} command line does: exit 2 and one line on standard error that names the option and
 * what was found, no stack trace, before any work (no MiniLM written under {@code --work}).
 */
class TextEmbBenchTest {

    @TempDir
    static Path dir;

    /** Exit code and standard error of the main in a child JVM. */
    private record Run(int exit, String err) {}

    /** A child JVM started in {@link #startAll}, with the file its standard error goes to. */
    private record Child(Process process, Path err) {
        Run await() throws Exception {
            assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the child ended");
            return new Run(process.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
        }
    }

    /** The small run's file of saved values. */
    private static Path saved;
    private static Child smallRun;
    /** The refusals' children by name: each with a --work of its own, which it must not create. */
    private static final Map<String, Child> refusals = new LinkedHashMap<>();

    /**
     * Starts every case's child at once, side by side: the refusals end in well under a second each,
     * while the small run loads MiniLM; one after the other they added up.
     */
    @BeforeAll
    static void startAll() throws Exception {
        Path data = SharedFixtures.require("data/cls/cb").getParent().getParent();
        saved = dir.resolve("emb.txt");
        smallRun = start("small", false, "--data", data.toString(), "--task", "cb", "--rows", "16", "--threads", "1",
                "--work", dir.resolve("small-work").toString(), "--save", saved.toString());
        refusals.put("rows", startRefusal("rows", "--rows", "-1"));
        refusals.put("threads", startRefusal("threads", "--threads", "0"));
        refusals.put("max-length", startRefusal("max-length", "--data", data.toString(), "--task", "cb", "--max-length", "3"));
        refusals.put("task", startRefusal("task", "--task", "conll9"));
        refusals.put("data", startRefusal("data", "--data", dir.resolve("nope").toString()));
    }

    @AfterAll
    static void stopAll() {
        smallRun.process().destroyForcibly();
        refusals.values().forEach(c -> c.process().destroyForcibly());
    }

    private static Child start(String name, boolean shortLived, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (shortLived) {
            // it is refused before any work: C1 alone compiles what it runs
            cmd.addAll(io.github.prefine.examples.ShortLivedJvm.OPTIONS);
        }
        cmd.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                TextEmbBench.class.getName()));
        cmd.addAll(List.of(args));
        Path err = dir.resolve(name + "-err.txt");
        Process p = ChildProcesses.builder(cmd).redirectOutput(dir.resolve(name + "-out.txt").toFile())
                .redirectError(err.toFile()).start();
        return new Child(p, err);
    }

    private static Path work(String name) {
        return dir.resolve(name + "-work");
    }

    private static Child startRefusal(String name, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--work", work(name).toString()));
        all.addAll(List.of(args));
        return start(name, true, all.toArray(String[]::new));
    }

    private static void refused(String name, String fragment) throws Exception {
        Run r = refusals.get(name).await();
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(CliErrors.BAD_INPUT, r.exit(), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("textemb-bench: ") && lines.get(0).contains(fragment), r.err());
        assertFalse(Files.exists(work(name)), "nothing written before the refusal");
    }

    @Test
    void aSmallRunExits0AndSavesOneValuePerHiddenUnit() throws Exception {
        Run r = smallRun.await();
        assertEquals(0, r.exit(), r.err());
        // all-MiniLM-L6-v2's hidden size, from its config.json
        assertEquals(384, Files.readAllLines(saved).size());
    }

    @Test
    void aBadValueExits2WithOneLineNamingTheOptionAndTheValue() throws Exception {
        refused("rows", "--rows: expected a whole number of at least 0, found -1");
        refused("threads", "--threads: expected a whole number of at least 1, found 0");
    }

    /**
     * {@code --max-length} below the featurizer's least (FeatureSettings.MIN_LENGTH, 4) was not
     * checked with the others: the run wrote MiniLM under {@code --work}, then failed in the
     * feature settings with a message naming {@code maxLength}, not the option.
     */
    @Test
    void aMaxLengthTooShortExits2NamingTheOptionBeforeAnyWork() throws Exception {
        refused("max-length", "--max-length: expected a whole number of at least 4, found 3");
    }

    @Test
    void anUnknownTaskOrAMissingDataRootExits2() throws Exception {
        refused("task", "--task: no catalogued task named 'conll9'");
        refused("data", "--data " + dir.resolve("nope") + ": no such directory; expected the data root");
    }
}
