package io.github.prefine.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.prefine.core.testing.ChildProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SparkGrid}'s main in a fresh JVM of this test's Java: on Java 23 and later, where the
 * Hadoop login of Spark 4.1 and earlier fails, the submit ends before any Spark context with one
 * line naming the Java versions the class path's Spark runs on, and exit 2.
 */
class SparkGridJavaTest {
    private static final String SPARK = org.apache.spark.package$.MODULE$.SPARK_VERSION();

    @Test
    void onAJavaWhereSparksHadoopLoginFailsTheSubmitEndsWithOneLine(@TempDir Path tmp) throws Exception {
        int java = Runtime.version().feature();
        assumeTrue(java >= 23 && SPARK.matches("3\\..*|4\\.[01]\\..*"), "Spark " + SPARK + " starts on Java " + java
                + "; the refusal is seen on Java 23 and later");
        Path err = tmp.resolve("err.txt");
        Process p = ChildProcesses.builder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dspark.master=local[1]", "-cp", System.getProperty("java.class.path"), SparkGrid.class.getName(), "demo",
                "--out", tmp.resolve("out").toString())
                .redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(err.toFile()).start();
        boolean ended = p.waitFor(2, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        String printed = Files.readString(err, StandardCharsets.UTF_8);
        assertTrue(ended, "the submit did not end:\n" + printed);
        List<String> lines = printed.lines().filter(l -> l.startsWith("prefine-spark")).toList();
        assertEquals(2, p.exitValue(), printed);
        assertEquals(1, lines.size(), printed);
        assertTrue(lines.get(0).startsWith("prefine-spark: Spark " + SPARK + " runs on Java "), printed);
        assertTrue(lines.get(0).contains("this JVM is Java " + java), printed);
        assertTrue(!Files.exists(tmp.resolve("out")), "--out was written before the refusal");
    }
}
