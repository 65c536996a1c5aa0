package io.github.prefine.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relative {@code --out} or {@code --data} is resolved once, on the driver, against its working
 * directory, and the units get the absolute folder: an executor resolves what it gets against its
 * own working directory, so on a cluster with a {@code file:} default file system each executor
 * wrote its units to a folder of its own.
 */
class SparkRelativeFoldersTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void hadoopRunsOnThisJava() {
        SparkAssumptions.assumeSparkStartsHere(SparkRelativeFoldersTest.class);
    }

    /**
     * What an executor opens for each folder it is sent: its local path, one line each, printed by a
     * JVM in another directory.
     */
    public static void main(String[] args) throws IOException {
        for (String folder : args) {
            System.out.println(GridFolder.open(folder, new Configuration(), false, Path.of("mirrors")).local()
                    .toAbsolutePath());
        }
    }

    @Test
    void theUnitsGetTheDriversFoldersWhateverTheirWorkingDirectory() throws Exception {
        SparkArgs submitted = SparkArgs.parse("reproduce", "--out", "rel-out", "--data=rel-data", "--seeds", "1");
        SparkArgs sent = SparkGrid.forUnits(submitted, false, new Configuration());
        // this JVM is the driver: its working directory is user.dir
        Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path executorCwd = Files.createDirectories(dir.resolve("executor"));
        // one JVM opens both, as an executor does
        assertEquals(List.of(cwd.resolve("rel-out").toString(), cwd.resolve("rel-data").toString()),
                opened(List.of(sent.out(), sent.data()), executorCwd));
        assertEquals(submitted.options(), sent.options(), "the other options are sent as given");
    }

    @Test
    void anAbsolutePathOrAUriIsSentAsGiven() throws Exception {
        for (String out : List.of("/srv/prefine/run", "hdfs://namenode:8020/prefine/run", "s3a://bucket/run")) {
            SparkArgs sent = SparkGrid.forUnits(SparkArgs.parse("demo", "--out", out), false, new Configuration());
            assertEquals(out, sent.out());
        }
    }

    /**
     * A relative {@code --out} that climbs ({@code ..}) is sent as the driver's absolute folder, and a
     * second submit of the same line on the same driver directory finds the first one's run: it
     * trains nothing and is not refused as another run, although the units now get a URI.
     */
    @Test
    void aSecondSubmitWithTheSameRelativeOutResumesTheRun() throws Exception {
        Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path run = dir.resolve("run").toAbsolutePath();
        String relative = cwd.relativize(run).toString();
        assertTrue(relative.startsWith(".."), relative);
        String[] line = {"demo", "--seeds", "1", "--epochs", "1", "--target-epochs", "1", "--out", relative};
        // what is resumed is the runner's, not the grid's: three units of the demo's do
        SparkArgs.narrowGrid = SmallGrid.ONE_TARGET;
        try (org.apache.spark.api.java.JavaSparkContext spark = new org.apache.spark.api.java.JavaSparkContext(
                new org.apache.spark.SparkConf().setMaster("local[2]").setAppName("prefine-test")
                        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                        .set("spark.local.dir", dir.resolve("spark-local").toString()))) {
            java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
            java.io.PrintStream ps = new java.io.PrintStream(said, true, StandardCharsets.UTF_8);
            SparkGrid.Outcome first = SparkGrid.run(spark, ps, ps, line);
            assertEquals(0, first.exitCode(), said.toString(StandardCharsets.UTF_8));
            assertTrue(first.unitsRun() > 0, said.toString(StandardCharsets.UTF_8));
            assertTrue(Files.exists(run.resolve("table2.csv")) && Files.exists(run.resolve("run.json")),
                    "written in the folder the relative path names");
            SparkGrid.Outcome second = SparkGrid.run(spark, ps, ps, line);
            assertEquals(0, second.exitCode(), said.toString(StandardCharsets.UTF_8));
            assertEquals(0, second.unitsRun(), "the second submit resumes the first one's run");
            assertEquals(0, second.summary().sweepsRun());
        } finally {
            SparkArgs.narrowGrid = null;
        }
    }

    private List<String> opened(List<String> folders, Path workingDirectory) throws Exception {
        Path log = dir.resolve("opened.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), SparkRelativeFoldersTest.class.getName()));
        command.addAll(folders);
        Process p = ChildProcesses.builder(command)
                .directory(workingDirectory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the child ended");
        String printed = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), printed);
        List<String> lines = printed.lines().filter(l -> l.startsWith("/")).toList();
        assertEquals(folders.size(), lines.size(), printed);
        return lines;
    }
}
