package io.github.prefine.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.examples.cli.CliErrors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A submit whose grid finished with failed sweeps, and no unit that failed on every attempt, exits
 * {@link CliErrors#SWEEPS_FAILED} (4) as the local commands do, after writing up every other
 * sweep. The sweeps fail as in {@code GridEdgeCasesTest}: 1e300 is infinite in float32, so every
 * pre-finetuning run diverges. The grid is cut to the baseline and C on one target ({@link
 * SmallGrid}): the sweeps of C fail, the baseline's is written up.
 */
class SparkFailedSweepsTest {
    @TempDir
    Path dir;

    @Test
    void aGridWithFailedSweepsExits4AfterTheOthers() throws Exception {
        SparkAssumptions.assumeSparkStartsHere(SparkFailedSweepsTest.class);
        Path out = dir.resolve("out");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SparkGrid.Outcome o;
        SparkArgs.narrowGrid = SmallGrid.ONE_TARGET;
        try (JavaSparkContext spark = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                .setAppName("prefine-test").set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.local.dir", dir.resolve("spark-local").toString()))) {
            o = SparkGrid.run(spark, new PrintStream(printed, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), "demo", "--seeds", "1", "--epochs", "1",
                    "--target-epochs", "1", "--lr", "1e300", "--out", out.toString());
        } finally {
            SparkArgs.narrowGrid = null;
        }
        String said = printed.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertEquals(CliErrors.SWEEPS_FAILED, o.exitCode(), said);
        assertEquals(List.of(), o.failedUnits(), "no unit failed: its sweeps did");
        long markers;
        try (Stream<Path> s = Files.list(out.resolve("records"))) {
            markers = s.filter(p -> p.getFileName().toString().endsWith(".failed")).count();
        }
        assertTrue(markers > 0, said);
        assertEquals(markers, o.summary().failures().size(), said);
        assertTrue(Files.exists(out.resolve("table1.csv")), "the other sweeps were written up");
    }
}
