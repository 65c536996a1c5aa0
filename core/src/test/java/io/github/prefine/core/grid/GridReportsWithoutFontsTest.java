package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a machine where Java cannot find a font, the reports are written without charts and one
 * warning names the fix. The failure is the real one ("Fontconfig head is null"): a child JVM
 * runs with a fontconfig configuration that lists no font and an empty home (so the JDK's cached
 * font list is not used either).
 */
class GridReportsWithoutFontsTest {

    /** Writes the reports of a small output folder; run in the child JVM. */
    public static final class WriteReports {
        public static void main(String[] args) throws Exception {
            Path out = Path.of(args[0]);
            Path records = Files.createDirectories(out.resolve("records"));
            for (long seed = 1; seed <= 2; seed++) {
                ResultLog.append(records.resolve("a.jsonl"), new RunRecord("Baseline", "wnut17", "SL", seed, 40 + seed));
                ResultLog.append(records.resolve("a.jsonl"), new RunRecord("Only-SL", "wnut17", "SL", seed, 45 + seed));
            }
            Path result = Files.createDirectories(out.resolve("prefinetune").resolve("Only-SL")).resolve("result.json");
            Files.writeString(result, "{\"history\":{\"tasks\":[\"conll2003\"],\"epochs\":[{\"trainLoss\":1.0,"
                    + "\"averageValidationLoss\":0.9,\"validationLosses\":[0.9]},{\"trainLoss\":0.5,"
                    + "\"averageValidationLoss\":0.6,\"validationLosses\":[0.6]}]}}");
            GridReports r = new GridReports(new GridLayout(out), List.of("Baseline", "Only-SL"),
                    List.of(TaskCatalog.task("wnut17")), io.github.prefine.eval.stats.SeedDifference.ALPHA);
            r.write();
            // a new record, so that the second rewrite draws again (one from the same records writes nothing)
            ResultLog.append(records.resolve("a.jsonl"), new RunRecord("Only-SL", "wnut17", "SL", 3, 48));
            r.write();
            System.out.println("written");
        }
    }

    private static String run(Path out, boolean withoutFonts, Path tmp) throws Exception {
        ProcessBuilder pb = ChildProcesses.builder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-Duser.home=" + Files.createDirectories(tmp.resolve("home")),
                "-cp", System.getProperty("java.class.path"), WriteReports.class.getName(), out.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve(out.getFileName() + ".log").toFile());
        if (withoutFonts) {
            Path conf = tmp.resolve("no-fonts.conf");
            Files.writeString(conf, "<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n");
            pb.environment().put("FONTCONFIG_FILE", conf.toString());
            pb.environment().remove("FONTCONFIG_PATH");
        }
        Process p = pb.start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the child did not finish");
        String log = Files.readString(tmp.resolve(out.getFileName() + ".log"));
        assertEquals(0, p.exitValue(), log);
        return log;
    }

    @Test
    void withoutFontsTablesAreWrittenAndOneWarningNamesTheFix(@TempDir Path tmp) throws Exception {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().startsWith("linux"), "fontconfig is Linux's");
        Path out = tmp.resolve("no-fonts");
        String log = run(out, true, tmp);
        assumeTrue(!Files.exists(out.resolve("table2.png")),
                "this JDK still found a font without fontconfig; the failure cannot be provoked here");
        assertTrue(log.contains("written"), log);
        for (String f : List.of("results.jsonl", "table1.md", "table1.csv", "table2.md", "table2.csv", "cost.csv")) {
            assertTrue(Files.exists(out.resolve(f)), f + " missing:\n" + log);
        }
        assertFalse(Files.exists(out.resolve("curves-Only-SL.png")), log);
        try (var s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "a chart left a temp file");
        }
        List<String> warnings = log.lines().filter(l -> l.contains("WARN")).toList();
        assertEquals(1, warnings.size(), log);
        assertTrue(warnings.get(0).contains("charts skipped: Java cannot draw text on this machine (Fontconfig head is null"),
                warnings.get(0));
        assertTrue(warnings.get(0).contains("install fontconfig and a font"), warnings.get(0));
        assertFalse(log.contains("\tat "), "no stack trace:\n" + log);
        // one line per report write, not one per file
        assertEquals(2, log.lines().filter(l -> l.contains("reports: ")).count(), log);
    }

    @Test
    void withFontsTheSameFolderGetsItsCharts(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("fonts");
        String log = run(out, false, tmp);
        assertTrue(Files.exists(out.resolve("table2.png")), log);
        assertTrue(Files.exists(out.resolve("curves-Only-SL.svg")), log);
        assertFalse(log.contains("WARN"), log);
    }
}
