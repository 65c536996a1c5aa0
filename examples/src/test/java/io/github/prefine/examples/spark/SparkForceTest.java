package io.github.prefine.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/spark.md: "--force starts anew", also where --out is mirrored: the folder itself is cleared, not only its copy. */
class SparkForceTest {
    @TempDir
    Path dir;

    @Test
    void forceOnAMirroredFolderStartsAnew() throws IOException {
        Path old = dir.resolve("out");
        Path ref = dir.resolve("ref");
        assertEquals(0, PrefineCli.execute("demo", "--seeds", "1", "--epochs", "1", "--target-epochs", "1", "--out", old.toString()));
        assertEquals(0, PrefineCli.execute("demo", "--seeds", "1", "--epochs", "2", "--target-epochs", "2", "--out", ref.toString()));
        try (JavaSparkContext spark = new JavaSparkContext(new SparkConf().setMaster("local[2,2]").setAppName("force")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.local.dir", dir.resolve("spark-local").toString()).set(SparkGrid.MIRROR, "always"))) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            SparkGrid.Outcome o = SparkGrid.run(spark, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    "demo", "--seeds", "1", "--epochs", "2", "--target-epochs", "2", "--force", "--out", old.toUri().toString());
            assertEquals(0, o.exitCode(), err.toString(StandardCharsets.UTF_8));
            assertTrue(o.unitsRun() > 30, "a forced run trains every unit anew: " + o.unitsRun());
        }
        assertEquals(records(ref), records(old), "the forced run's records are those of a fresh run with its options");
    }

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
        return m;
    }
}
