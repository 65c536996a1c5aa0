package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code recommend --target} accepts from the catalog. */
class RecommendTargetOptionTest {
    @TempDir
    Path dir;

    /**
     * {@code --target conll2003-en} was taken: a pre-finetuning task ranked against the sources
     * that include itself, its own group first by construction. The synthetic suite already took
     * only its targets; the catalog now refuses the same way, naming the task's group and the targets.
     */
    @Test
    void aPreFinetuningTaskIsRefusedAsATargetNamingItsGroupAndTheTargets() throws Exception {
        Path out = dir.resolve("out");
        String targets = TaskCatalog.targets().stream().map(Task::name).toList().toString();
        String err = refused("recommend", "--data", Files.createDirectories(dir.resolve("data")).toString(),
                "--target", "wnut17,conll2003-en", "--out", out.toString());
        assertEquals("prefine recommend: --target: 'conll2003-en' is a pre-finetuning task of group SL, not a target;"
                + " expected some of " + targets + ", comma-separated", err.strip());
        assertFalse(Files.exists(out), "nothing written under --out");
        // an unknown name lists the names --target takes: the targets, not the whole catalog
        err = refused("recommend", "--data", dir.resolve("data").toString(), "--target", "conll9", "--out", out.toString());
        assertEquals("prefine recommend: --target: no catalogued task named 'conll9'; expected some of " + targets
                + ", comma-separated", err.strip());
        assertTrue(targets.contains("wnut17") && !targets.contains("conll2003-en"), targets);
    }

    /**
     * {@code --against} was read before the synthetic targets' names were checked, so a wrong name
     * beside a bad results file was reported as the file's line (found by CliArgumentsProperties
     * under a seed that drew both).
     */
    @Test
    void aWrongTargetNameIsSaidBeforeAnyLineOfTheAgainstFile() throws Exception {
        Path results = Files.writeString(dir.resolve("results.jsonl"), "{}\n");
        Path out = dir.resolve("out");
        String err = refused("recommend", "--against", results.toString(), "--data", "demo", "--target", "nope",
                "--out", out.toString());
        assertTrue(err.startsWith("prefine recommend: --target: no synthetic target named 'nope' in --data demo"), err);
        assertFalse(Files.exists(out), "nothing written under --out");
        // with the names right, the file's line is what is said
        err = refused("recommend", "--against", results.toString(), "--data", "demo", "--out", out.toString());
        assertTrue(err.startsWith("prefine recommend: " + results + ":1: kind: expected a string"), err);
    }

    private static String refused(String... args) {
        CommandLine cli = PrefineCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute(args), err.toString());
        return err.toString();
    }
}
