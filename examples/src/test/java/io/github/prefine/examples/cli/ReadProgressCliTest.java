package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.core.testing.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI draws a bar per split it reads from a data root, in bytes, on standard error: {@code
 * data status} for a hand-laid folder, {@code reproduce --strict} before any work; a worker
 * process reads the same files without a bar, as it featurizes without one. The folders are laid
 * out as {@code docs/data-layout.md} says (CB in {@code cls/cb/}, the GLUE tasks in {@code
 * cls/glue_*}); standard error here is no terminal, so each bar is one completed line.
 */
class ReadProgressCliTest {
    @TempDir
    Path dir;

    private static final String CB = "{\"premise\":\"p\",\"hypothesis\":\"h\",\"label\":\"neutral\"}\n";

    /** The CB target's files, and the eight GLUE tasks of group C, with one defect in RTE's dev file. */
    private Path data() throws IOException {
        Path d = dir.resolve("data");
        for (String split : List.of("train", "dev")) {
            TestFiles.write(d, "cls/glue_cola/" + split + ".tsv", "gj04\t1\t\tgood one .\ngj04\t0\t*\tbad one .\n");
            TestFiles.write(d, "cls/glue_sst2/" + split + ".tsv", "sentence\tlabel\nnice\t1\nawful\t0\n");
            TestFiles.write(d, "cls/glue_mrpc/" + split + ".tsv", "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\ta\tb\n");
            TestFiles.write(d, "cls/glue_qqp/" + split + ".tsv", "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n0\t1\t2\ta\tb\t0\n");
            TestFiles.write(d, "cls/glue_qnli/" + split + ".tsv", "index\tquestion\tsentence\tlabel\n0\ta\tb\tentailment\n");
            TestFiles.write(d, "cls/glue_rte/" + split + ".tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n");
            TestFiles.write(d, "cls/glue_wnli/" + split + ".tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\t1\n");
        }
        TestFiles.write(d, "cls/glue_mnli/train.tsv", "sentence1\tsentence2\tgold_label\na\tb\tneutral\n");
        TestFiles.write(d, "cls/glue_mnli/dev_matched.tsv", "sentence1\tsentence2\tgold_label\na\tb\tneutral\n");
        TestFiles.write(d, "cls/cb/train.jsonl", CB + CB);
        TestFiles.write(d, "cls/cb/val.jsonl", CB);
        return d;
    }

    @Test
    void dataStatusDrawsAReadingBarPerSplitOfAHandLaidTask() throws IOException {
        Path d = data();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        CliRunner cli = new CliRunner("data");
        int rc;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            rc = cli.run("status", "--data", d.toString());
        } finally {
            System.setErr(old);
        }
        assertEquals(0, rc, cli.err());
        String bars = err.toString(StandardCharsets.UTF_8);
        // train.jsonl holds two 51-byte lines, val.jsonl one: the bars end at the files' sizes
        assertEquals(102, Files.size(d.resolve("cls/cb/train.jsonl")));
        assertTrue(bars.lines().anyMatch(l -> l.startsWith("read cb/train [############################] 100% 102 B / 102 B")),
                bars);
        assertTrue(bars.lines().anyMatch(l -> l.startsWith("read cb/validation [") && l.contains("100% 51 B / 51 B")), bars);
        assertTrue(bars.lines().anyMatch(l -> l.startsWith("read rte/validation [") && l.contains("100%")), bars);
        // the table itself goes to standard output, untouched
        assertTrue(cli.out().lines().anyMatch(l -> l.startsWith("cb ") && l.contains("hand-laid")), cli.out());
        assertTrue(!cli.out().contains("read cb/"), cli.out());
    }

    /** Runs {@code reproduce --strict} in a child JVM, a worker or not; returns its exit code and standard error. */
    private String[] reproduceStrict(Path d, boolean worker) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                PrefineCli.class.getName(), "reproduce", "--strict", "--data", d.toString(), "--groups", "C",
                "--targets", "cb", "--device", "cpu", "--encoder", dir.resolve("no-encoder").toString(), "--out",
                dir.resolve(worker ? "out-worker" : "out").toString()));
        Path err = dir.resolve(worker ? "worker.err" : "run.err");
        ProcessBuilder pb = ChildProcesses.builder(cmd).redirectError(err.toFile())
                .redirectOutput(dir.resolve(worker ? "worker.out" : "run.out").toFile());
        pb.environment().put("PREFINE_MALLOC_TUNING", "off");
        if (worker) {
            pb.environment().put(Workers.WORKER, "1");
        } else {
            pb.environment().remove(Workers.WORKER);
        }
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(3, TimeUnit.MINUTES), "reproduce did not end");
        } finally {
            p.destroyForcibly();
        }
        return new String[] {Integer.toString(p.exitValue()), Files.readString(err)};
    }

    @Test
    void reproduceStrictDrawsItsReadsButAWorkerReadsQuietly() throws Exception {
        Path d = data();
        // the defect stops both runs at the same file and line: each read every file before it
        TestFiles.write(d, "cls/glue_rte/dev.tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\ta\tb\n");
        String defect = "prefine reproduce: glue_rte/dev.tsv:3: expected 4 tab-separated fields";
        String[] run = reproduceStrict(d, false);
        String[] worker = reproduceStrict(d, true);
        assertEquals("2", run[0], run[1]);
        assertEquals("2", worker[0], worker[1]);
        assertTrue(run[1].contains(defect), run[1]);
        assertTrue(worker[1].contains(defect), worker[1]);
        assertTrue(run[1].lines().anyMatch(l -> l.startsWith("read cb/train [") && l.contains("100% 102 B / 102 B")), run[1]);
        assertTrue(run[1].lines().anyMatch(l -> l.startsWith("read rte/train [") && l.contains("100%")), run[1]);
        assertTrue(worker[1].lines().noneMatch(l -> l.startsWith("read ")), worker[1]);
    }
}
