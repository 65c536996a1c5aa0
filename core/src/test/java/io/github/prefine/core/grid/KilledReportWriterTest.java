package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.RunRecord;
import io.github.prefine.eval.stats.SeedDifference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL while it rewrites a grid's reports (results, tables, charts)
 * leaves the temp file it was writing. The next rewrite, which holds {@code locks/reports.lock} as
 * every writer of the reports does, deletes it, so the folder ends as one whose reports were never
 * cut off. Before, a rerun of a demo killed during its last rewrite ended with
 * {@code .curves-SL+C.png.2n5zwodx031zs.tmp} beside the charts, left until a run an hour later.
 */
class KilledReportWriterTest {
    private static final List<String> SETTINGS = List.of("Baseline", "Only-SL");

    /** Rewrites the reports of a folder again and again until it is killed; run in the child JVM. */
    public static final class RewriteForever {
        public static void main(String[] args) throws Exception {
            GridReports r = reports(Path.of(args[0]));
            while (true) {
                r.write();
            }
        }
    }

    private static GridReports reports(Path out) {
        return new GridReports(new GridLayout(out), SETTINGS, List.of(TaskCatalog.task("wnut17")), SeedDifference.ALPHA);
    }

    /** The records and the pre-finetuning result the reports are made from. */
    private static void layOut(Path out) throws IOException {
        Path records = Files.createDirectories(out.resolve("records"));
        for (long seed = 1; seed <= 2; seed++) {
            ResultLog.append(records.resolve("a.jsonl"), new RunRecord("Baseline", "wnut17", "SL", seed, 40 + seed));
            ResultLog.append(records.resolve("a.jsonl"), new RunRecord("Only-SL", "wnut17", "SL", seed, 45 + seed));
        }
        Files.writeString(Files.createDirectories(out.resolve("prefinetune").resolve("Only-SL")).resolve("result.json"),
                "{\"history\":{\"tasks\":[\"conll2003\"],\"epochs\":[{\"trainLoss\":1.0,\"averageValidationLoss\":0.9,"
                        + "\"validationLosses\":[0.9]},{\"trainLoss\":0.5,\"averageValidationLoss\":0.6,"
                        + "\"validationLosses\":[0.6]}]}}");
    }

    private static List<Path> temps(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    private static List<Path> reportFiles(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName()).sorted().toList();
        }
    }

    @Test
    void theRewriteAfterAKilledOneLeavesNoTempFileAndTheReportsOfAnUncutRun(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("killed");
        layOut(out);
        List<Path> left = List.of();
        // a kill the moment a temp file is seen; the rename may still win the race, so again until one is left
        for (int attempt = 0; attempt < 20 && left.isEmpty(); attempt++) {
            Process p = ChildProcesses.builder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.awt.headless=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp", System.getProperty("java.class.path"), RewriteForever.class.getName(), out.toString())
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                while (p.isAlive() && temps(out).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            } finally {
                p.destroyForcibly(); // SIGKILL, as kill -9
                p.waitFor();
            }
            left = temps(out);
        }
        assertFalse(left.isEmpty(), () -> "no kill left a temp file in 20 tries:\n" + read(tmp.resolve("child.log")));

        reports(out).write();
        assertEquals(List.of(), temps(out), "the rewrite deletes what the killed writer left");
        Path uncut = tmp.resolve("uncut");
        layOut(uncut);
        reports(uncut).write();
        assertEquals(reportFiles(uncut), reportFiles(out));
        for (Path f : reportFiles(uncut)) {
            assertArrayEquals(Files.readAllBytes(uncut.resolve(f)), Files.readAllBytes(out.resolve(f)), f.toString());
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
