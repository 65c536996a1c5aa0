package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.examples.ShortLivedJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A grid that finished with failed sweeps exits {@link CliErrors#SWEEPS_FAILED} (4), so that a
 * script sees it, after running and writing up every other sweep: a failed sweep never aborts the
 * grid. A second run on the same folder, which runs nothing, exits 4 too while the failure markers
 * stay (in this JVM: it trains nothing, so this JVM's PyTorch threads do not matter). The sweeps
 * are made to fail as {@code GridEdgeCasesTest} makes them: 1e300 is infinite in float32, so
 * every pre-finetuning run diverges and the finetuning sweeps that need its encoders fail with it;
 * the baselines still train. Both runs are at {@link DemoFixture#SMALL}'s sizes: every unit and
 * sweep of the demo, each on a few batches, which is all that failing and going on needs.
 */
class FailedSweepsExitTest {

    @TempDir
    Path tmp;

    @Test
    void aDemoWithFailedSweepsFinishesTheOthersAndExits4() throws Exception {
        Path out = tmp.resolve("out");
        List<String> jvm = new ArrayList<>(ShortLivedJvm.OPTIONS);
        jvm.add(DemoFixture.SMALL);
        DemoFolderTest.Run first = DemoFolderTest.demo(jvm, 1, out, "--lr", "1e300");
        assertEquals(CliErrors.SWEEPS_FAILED, first.exit(), first.printed());
        long markers = failureMarkers(out);
        assertTrue(markers > 0, "the grid marked failed sweeps");
        // the count printed is the grid's failure markers, and the tables of the other sweeps were written
        assertTrue(first.printed().contains(markers + " sweeps failed (the grid went on without them"), first.printed());
        assertTrue(Files.exists(out.resolve("table1.csv")) && Files.exists(out.resolve("table2.csv")), "tables written");

        // the re-run in this JVM: the exit code reaching a script is the first run's check; this
        // one's is the code the command returns when only failure markers are left
        // one, at the first run's sizes, which enter the folder's run.json
        CliRunner again = new CliRunner("demo");
        String[] small = DemoFixture.SMALL.substring("-D".length()).split("=", 2);
        String had = System.setProperty(small[0], small[1]);
        try {
            assertEquals(CliErrors.SWEEPS_FAILED, again.run("--seeds", "1", "--epochs", "1", "--target-epochs", "1",
                    "--device", "cpu", "--workers", "1", "--out", out.toString(), "--lr", "1e300"), again.err());
        } finally {
            if (had == null) {
                System.clearProperty(small[0]);
            } else {
                System.setProperty(small[0], had);
            }
        }
        assertEquals(markers, failureMarkers(out));
    }

    @Test
    void theHelpListsTheExitCode() {
        String help = PrefineCli.commandLine().getUsageMessage().replaceAll("\\s+", " ");
        assertTrue(help.contains(" " + CliErrors.SWEEPS_FAILED + " demo or reproduce finished with failed sweeps"), help);
    }

    private static long failureMarkers(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out.resolve("records"))) {
            List<Path> failed = s.filter(p -> p.getFileName().toString().endsWith(".failed")).toList();
            return failed.size();
        }
    }
}
