package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.TestFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code reproduce --strict} reads every task's files strictly before any work: a malformed row,
 * in a target or in a pre-finetuning file, ends the command with exit 2 and one line naming the
 * file and line, and nothing is written.
 */
class ReproduceStrictDataTest {
    @TempDir
    Path dir;

    /** Small valid files for the eight GLUE pre-finetuning tasks (group C) and the CB target. */
    private void cData() throws IOException {
        for (String split : List.of("train", "dev")) {
            TestFiles.write(dir.resolve("data"), "cls/glue_cola/" + split + ".tsv", "gj04\t1\t\tgood one .\ngj04\t0\t*\tbad one .\n");
            TestFiles.write(dir.resolve("data"), "cls/glue_sst2/" + split + ".tsv", "sentence\tlabel\nnice\t1\nawful\t0\n");
            TestFiles.write(dir.resolve("data"), "cls/glue_mrpc/" + split + ".tsv", "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\ta\tb\n");
            TestFiles.write(dir.resolve("data"), "cls/glue_qqp/" + split + ".tsv", "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n0\t1\t2\ta\tb\t0\n");
            TestFiles.write(dir.resolve("data"), "cls/glue_qnli/" + split + ".tsv", "index\tquestion\tsentence\tlabel\n0\ta\tb\tentailment\n");
            TestFiles.write(dir.resolve("data"), "cls/glue_rte/" + split + ".tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n");
            TestFiles.write(dir.resolve("data"), "cls/glue_wnli/" + split + ".tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\t1\n");
        }
        TestFiles.write(dir.resolve("data"), "cls/glue_mnli/train.tsv", "sentence1\tsentence2\tgold_label\na\tb\tneutral\n");
        TestFiles.write(dir.resolve("data"), "cls/glue_mnli/dev_matched.tsv", "sentence1\tsentence2\tgold_label\na\tb\tneutral\n");
        String cb = "{\"premise\":\"p\",\"hypothesis\":\"h\",\"label\":\"neutral\"}\n";
        TestFiles.write(dir.resolve("data"), "cls/cb/train.jsonl", cb);
        TestFiles.write(dir.resolve("data"), "cls/cb/val.jsonl", cb);
    }

    private String[] reproduceStrict() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = PrefineCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int rc = cl.execute("reproduce", "--strict", "--data", dir.resolve("data").toString(), "--groups", "C",
                "--targets", "cb", "--device", "cpu", "--out", dir.resolve("out").toString());
        return new String[] {Integer.toString(rc), err.toString()};
    }

    private void assertOneLine(String[] r, String line) {
        assertEquals("2", r[0], r[1]);
        List<String> lines = r[1].lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), r[1]);
        assertTrue(lines.get(0).startsWith("prefine reproduce: " + line), lines.get(0));
        assertFalse(r[1].contains("\tat "), r[1]);
        assertFalse(Files.exists(dir.resolve("out")), "--out was written before the data was checked");
    }

    @Test
    void aMalformedTargetRowStopsTheRunWithItsFileAndLine() throws IOException {
        cData();
        TestFiles.write(dir.resolve("data"), "cls/cb/val.jsonl", "{\"premise\":\"p\",\"hypothesis\":\"h\",\"label\":\"neutral\"}\n"
                + "{\"premise\":[\"p\"],\"hypothesis\":\"h\",\"label\":\"neutral\"}\n");
        assertOneLine(reproduceStrict(),
                "cb/val.jsonl:2: expected $.premise to be a string, number or boolean, found an array");
    }

    @Test
    void aMalformedPrefinetuningRowIsFoundBeforeAnyWork() throws IOException {
        cData();
        TestFiles.write(dir.resolve("data"), "cls/glue_rte/dev.tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\ta\tb\n");
        assertOneLine(reproduceStrict(),
                "glue_rte/dev.tsv:3: expected 4 tab-separated fields [index, sentence1, sentence2, label], found 3");
    }

    @Test
    void anEmptyValidationFileIsRefused() throws IOException {
        cData();
        TestFiles.write(dir.resolve("data"), "cls/cb/val.jsonl", "\n");
        assertOneLine(reproduceStrict(), "cb/val.jsonl: expected at least one JSON line, found an empty file");
    }

    @Test
    void aLabelOutsideTheDeclaredSetIsNamedWithItsLine() throws IOException {
        cData();
        TestFiles.write(dir.resolve("data"), "cls/glue_sst2/train.tsv", "sentence\tlabel\nnice\t1\nmeh\t2\n");
        assertOneLine(reproduceStrict(), "glue_sst2/train.tsv:3: expected a label of task sst2 [0, 1], found '2'");
    }
}
