package io.github.prefine.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.examples.cli.PrefineCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grid on Spark in local mode ({@code local[2]}, each task retried once): the demo's synthetic
 * grid gives the local demo's records, a unit killed mid-run is retried (from its pushed
 * checkpoint, on a mirrored folder) to the same records, a
 * second submit runs nothing, and bad input is one line with exit 2.
 */
class SparkGridTest {
    /** Small enough for CI, with two pre-finetuning epochs so that a unit can be killed between them. */
    private static final String[] DEMO = {"demo", "--seeds", "1", "--epochs", "2", "--target-epochs", "2"};

    private static JavaSparkContext spark;

    @TempDir
    static Path dir;

    private static Map<String, List<String>> local;

    @BeforeAll
    static void start() throws IOException {
        Path out = dir.resolve("local");
        assertEquals(0, PrefineCli.execute(with(DEMO, "--out", out.toString())), "the local demo runs");
        local = records(out);
        spark = new JavaSparkContext(new SparkConf().setMaster("local[2,2]").setAppName("prefine-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.local.dir", dir.resolve("spark-local").toString()));
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.close();
        }
    }

    @Test
    void theDemoOnSparkGivesTheLocalRecordsAndASecondSubmitRunsNothing() throws IOException {
        Path out = dir.resolve("direct");
        SparkGrid.Outcome first = submit(with(DEMO, "--out", out.toString()));
        assertEquals(0, first.exitCode());
        assertTrue(first.unitsRun() > 30, "every unit ran as a Spark task: " + first.unitsRun());
        assertEquals(local, records(out));
        for (String f : List.of("table1.csv", "table2.csv", "results.jsonl", "run.json")) {
            assertTrue(Files.exists(out.resolve(f)), f + " is written by the driver");
        }
        SparkGrid.Outcome second = submit(with(DEMO, "--out", out.toString()));
        assertEquals(0, second.exitCode());
        assertEquals(0, second.unitsRun(), "a second submit on the same --out runs no unit");
        assertEquals(0, second.summary().sweepsRun());
        assertEquals(first.summary().sweepsRun(), second.summary().sweepsSkipped());
        assertEquals(local, records(out));
    }

    @Test
    void aMirroredFolderWithAUnitKilledMidRunGivesTheSameRecords() throws IOException {
        Path out = dir.resolve("mirrored");
        String unit = "prefinetune-SL+QA+C-lr-1e-03";
        spark.setLocalProperty(SparkGrid.MIRROR, "always");
        spark.setLocalProperty(SparkGrid.FAIL_FIRST_ATTEMPT_OF, unit);
        UnitTask.EPOCHS_OF_RETRY.clear();
        try {
            SparkGrid.Outcome o = submit(with(DEMO, "--out", out.toUri().toString()));
            assertEquals(0, o.exitCode());
        } finally {
            spark.setLocalProperty(SparkGrid.MIRROR, null);
            spark.setLocalProperty(SparkGrid.FAIL_FIRST_ATTEMPT_OF, null);
        }
        assertEquals(local, records(out), "the retried unit and the pushed files give the local records");
        // the killed attempt's local files were wiped, as on a lost executor: the retry resumed from
        // the checkpoint pushed after epoch 1 and trained epoch 2 (index 1) only
        assertEquals(List.of(1), UnitTask.EPOCHS_OF_RETRY, "epochs the retry trained");
        // once units are done, a mirrored folder holds only what later steps need: no checkpoints,
        // no temporary files
        try (Stream<Path> s = Files.walk(out)) {
            List<String> names = s.map(p -> out.relativize(p).toString()).toList();
            assertFalse(names.stream().anyMatch(n -> n.contains("checkpoints") || n.endsWith(".tmp")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.endsWith("encoder/model.safetensors")), "the winners' encoders are pushed");
        }
    }

    @Test
    void aForcedRunOnAMirroredFolderHoldingAnotherRunStartsAnew() throws IOException {
        // docs/spark.md: --force starts anew; mirrored, the folder itself must be cleared, not only its copy
        Path out = dir.resolve("forced");
        assertEquals(0, PrefineCli.execute("demo", "--seeds", "1", "--epochs", "1", "--target-epochs", "1", "--out",
                out.toString()), "a local run with other options");
        spark.setLocalProperty(SparkGrid.MIRROR, "always");
        try {
            SparkGrid.Outcome o = submit(with(DEMO, "--force", "--out", out.toUri().toString()));
            assertTrue(o.unitsRun() > 30, "every unit trained anew: " + o.unitsRun());
        } finally {
            spark.setLocalProperty(SparkGrid.MIRROR, null);
        }
        assertEquals(local, records(out), "the records of a fresh run with these options");
    }

    @Test
    void badInputIsOneLineWithExitTwo() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        List<String[]> cases = List.of(
                new String[] {"reproduce", "--data", dir.resolve("no-such-data").toString(), "--out", dir.resolve("o1").toString()},
                new String[] {"demo", "--seeds", "1", "--out", file.toString()},
                new String[] {"demo", "--bogus", "--out", dir.resolve("o2").toString()},
                new String[] {"train", "--out", dir.resolve("o3").toString()},
                new String[] {"demo", "--workers", "2", "--out", dir.resolve("o4").toString()},
                new String[] {"demo", "--device", "2", "--out", dir.resolve("o5").toString()});
        List<String> expected = List.of("--data", "--out", "Unknown option: '--bogus'", "expected a command, reproduce or demo",
                "--workers: on Spark the executors' tasks run the units", "--device 2: on Spark each task gets its GPU");
        for (int i = 0; i < cases.size(); i++) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            SparkGrid.Outcome o = SparkGrid.run(spark, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8), cases.get(i));
            String line = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, o.exitCode(), String.join(" ", cases.get(i)) + " -> " + line);
            assertEquals(1, line.strip().lines().count(), "one line: " + line);
            assertTrue(line.contains(expected.get(i)), line);
            assertFalse(line.contains("\tat "), "no stack frame: " + line);
        }
        assertFalse(Files.exists(dir.resolve("o5")), "a GPU count is refused before anything is written");
    }

    private static SparkGrid.Outcome submit(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SparkGrid.Outcome o = SparkGrid.run(spark, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        if (o.exitCode() != 0) {
            throw new AssertionError("submit failed: " + err.toString(StandardCharsets.UTF_8));
        }
        return o;
    }

    private static String[] with(String[] base, String... more) {
        List<String> a = new ArrayList<>(List.of(base));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** Every sweep's record lines, without wall-clock times, which no two runs share. */
    private static Map<String, List<String>> records(Path out) throws IOException {
        Map<String, List<String>> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(out.resolve("records"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                List<String> lines = new ArrayList<>();
                for (String line : Files.readAllLines(p)) {
                    JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                    o.remove("secondsPerEpoch");
                    lines.add(o.toString());
                }
                m.put(p.getFileName().toString(), lines);
            }
        }
        assertFalse(m.isEmpty(), "records in " + out);
        return m;
    }
}
