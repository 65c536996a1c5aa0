package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {
    private final CliRunner cli = new CliRunner("eval");

    @Test
    void conllPrintsTableAndWritesJson(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("p.conll");
        Files.writeString(f, "John B-PER B-PER\nlives O O\nin O O\nParis B-LOC O\n\nHi O B-PER\n");
        Path json = dir.resolve("out.json");
        assertEquals(0, cli.run("--format", "conll", f.toString(), "--json", json.toString()), cli.err());
        // gold PER, LOC; pred PER, PER -> tp 1, p 0.5, r 0.5
        assertTrue(cli.out().contains("micro avg               0.5000    0.5000    0.5000        2"), cli.out());
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(0.5, o.getAsJsonObject("overall").get("f1").getAsDouble());
        assertEquals(1, o.getAsJsonObject("perType").getAsJsonObject("LOC").get("support").getAsInt());
    }

    @Test
    void aStrictSchemeSaysWhichTagsItReadsAsOutside(@TempDir Path dir) throws Exception {
        // IOB1 (wikigold's and CoNLL-2003's scheme: I- opens an entity) read under --scheme IOB2: the
        // gold I-PER pair has no B- and is no entity; of the predictions only B-LOC opens one
        Path f = dir.resolve("iob1.conll");
        Files.writeString(f, "John I-PER I-PER\nSmith I-PER I-PER\nin O O\nParis O B-LOC\n");
        assertEquals(0, cli.run("--format", "conll", "--scheme", "IOB2", f.toString()), cli.err());
        assertTrue(cli.out().contains("micro avg               0.0000    0.0000    0.0000        0"), cli.out());
        // one line after the command's name, as every line prefine writes on standard error
        assertTrue(cli.err().startsWith("prefine eval: --scheme IOB2: 2 of 2 gold tags and 2 of 3 predicted tags other than O are in"
                + " no entity under IOB2 (an I- without its B-, as IOB1 files write them, for one) and score as O;"
                + " leave --scheme out for seqeval's default mode, which reads IOB1"), cli.err());
        // gold tags that all make entities under the scheme: no such line, though a prediction (I-LOC) makes none,
        // as strict mode is meant to score it
        cli.clear();
        Files.writeString(f, "John B-PER B-PER\nSmith I-PER I-PER\nin O I-LOC\n");
        assertEquals(0, cli.run("--format", "conll", "--scheme", "IOB2", f.toString()), cli.err());
        assertTrue(!cli.err().contains("in no entity"), cli.err());
    }

    @Test
    void jsonInAFolderNotYetMadeIsWrittenThere(@TempDir Path dir) throws Exception {
        // the folder passed the --json check, then the write failed (exit 2) after the scores were printed
        Path f = dir.resolve("c.jsonl");
        Files.writeString(f, "{\"id\":1,\"gold\":\"yes\",\"pred\":\"yes\"}\n{\"id\":2,\"gold\":\"no\",\"pred\":\"yes\"}\n");
        Path json = dir.resolve("new/folder/c.json");
        assertEquals(0, cli.run("--format", "cls", f.toString(), "--json", json.toString()), cli.err());
        assertEquals(0.5, JsonParser.parseString(Files.readString(json)).getAsJsonObject().get("accuracy").getAsDouble());
    }

    /**
     * The scores replace the file whole (a temp file renamed over it), never in place: a name that
     * shares its content with another (a hard link) leaves that one alone, which an in-place write,
     * truncating first, did not; and a symbolic link the user put at the name is followed and kept.
     */
    @Test
    void jsonReplacesTheFileWholeWhereTheNameLeads(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.jsonl");
        Files.writeString(f, "{\"id\":1,\"gold\":\"yes\",\"pred\":\"yes\"}\n{\"id\":2,\"gold\":\"no\",\"pred\":\"yes\"}\n");
        Path backup = Files.writeString(dir.resolve("yesterday.json"), "{\"accuracy\": 1.0}\n");
        Path json = Files.createLink(dir.resolve("c.json"), backup);
        assertEquals(0, cli.run("--format", "cls", f.toString(), "--json", json.toString()), cli.err());
        assertEquals(0.5, JsonParser.parseString(Files.readString(json)).getAsJsonObject().get("accuracy").getAsDouble());
        assertEquals("{\"accuracy\": 1.0}\n", Files.readString(backup));

        Path real = Files.createDirectories(dir.resolve("runs/3")).resolve("scores.json");
        Path latest = Files.createSymbolicLink(dir.resolve("latest.json"), dir.relativize(real));
        assertEquals(0, cli.run("--format", "cls", f.toString(), "--json", latest.toString()), cli.err());
        assertEquals(0.5, JsonParser.parseString(Files.readString(real)).getAsJsonObject().get("accuracy").getAsDouble());
        assertTrue(Files.isSymbolicLink(latest));
        try (java.util.stream.Stream<Path> s = Files.list(real.getParent())) {
            assertEquals(java.util.List.of(real), s.toList(), "no temp file left");
        }
    }

    @Test
    void squadNeedsDatasetAndScores(@TempDir Path dir) throws Exception {
        Path d = dir.resolve("dev.json");
        Files.writeString(d, "{\"data\":[{\"paragraphs\":[{\"qas\":[{\"id\":\"a\",\"answers\":[{\"text\":\"The Cat\"}]},"
                + "{\"id\":\"b\",\"answers\":[{\"text\":\"dog\"}]}]}]}]}");
        Path p = dir.resolve("pred.json");
        Files.writeString(p, "{\"a\":\"cat.\",\"b\":\"a bird\"}");
        assertEquals(2, cli.run("--format", "squad", p.toString()));
        Path json = dir.resolve("s.json");
        assertEquals(0, cli.run("--format", "squad", "--dataset", d.toString(), p.toString(), "--json", json.toString()));
        assertTrue(cli.out().contains("exact_match     50.000"), cli.out());
        assertEquals(50.0, JsonParser.parseString(Files.readString(json)).getAsJsonObject().get("f1").getAsDouble());
    }

    @Test
    void printedScoresRoundAsPythonPrintsThemTiesToEven(@TempDir Path dir) throws Exception {
        // 5 of 32 right: accuracy 5/32 = 0.15625 exactly, a tie at 4 decimals that Python's '%.4f'
        // (scikit-learn's and seqeval's reports) rounds to even, 0.1562; Java's %.4f printed 0.1563.
        // Class yes: tp 5, predicted 32, gold 5: precision 0.15625, recall 1, F1 2*5/37 = 0.27027;
        // class no: 0, 0, 0; macro F1 0.135135
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            lines.append("{\"gold\":\"").append(i < 5 ? "yes" : "no").append("\",\"pred\":\"yes\"}\n");
        }
        Path f = dir.resolve("c.jsonl");
        Files.writeString(f, lines);
        assertEquals(0, cli.run("--format", "cls", f.toString()), cli.err());
        assertTrue(cli.out().contains("accuracy                0.1562\n"), cli.out());
        assertTrue(cli.out().contains("macro f1                0.1351\n"), cli.out());
        assertTrue(cli.out().contains("yes                     0.1562    1.0000    0.2703        5\n"), cli.out());
        // SQuAD: 1 of 64 questions right: EM and F1 100/64 = 1.5625 exactly, '%.3f' 1.562 (Java's 1.563)
        StringBuilder qas = new StringBuilder();
        StringBuilder preds = new StringBuilder("{");
        for (int i = 0; i < 64; i++) {
            qas.append(i == 0 ? "" : ",").append("{\"id\":\"q").append(i).append("\",\"answers\":[{\"text\":\"gold")
                    .append(i).append("\"}]}");
            preds.append(i == 0 ? "" : ",").append("\"q").append(i).append("\":\"").append(i == 0 ? "gold0" : "other" + i)
                    .append('"');
        }
        Path d = dir.resolve("dev.json");
        Files.writeString(d, "{\"data\":[{\"paragraphs\":[{\"qas\":[" + qas + "]}]}]}");
        Path p = dir.resolve("pred.json");
        Files.writeString(p, preds.append('}'));
        assertEquals(0, cli.run("--format", "squad", "--dataset", d.toString(), p.toString()), cli.err());
        assertTrue(cli.out().contains("exact_match      1.562\n"), cli.out());
        assertTrue(cli.out().contains("f1               1.562\n"), cli.out());
    }

    @Test
    void clsScoresAndReportsBadLines(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.jsonl");
        Files.writeString(f, "{\"id\":1,\"gold\":\"yes\",\"pred\":\"yes\"}\n{\"id\":2,\"gold\":\"no\",\"pred\":\"yes\"}\n");
        assertEquals(0, cli.run("--format", "cls", f.toString()));
        assertTrue(cli.out().contains("accuracy                0.5000"), cli.out());
        Files.writeString(f, "not json\n");
        assertEquals(2, cli.run("--format", "cls", f.toString()));
        assertTrue(cli.err().startsWith("prefine eval: " + f + ":1 column 1 $: expected strict JSON"), cli.err());
    }

    @Test
    void clsSaysWhenGoldAndPredictedLabelsAreTheSameNumbersWrittenDifferently(@TempDir Path dir) throws Exception {
        // gold written by pandas from a float column, predictions as ints: by the documented rule (a number is
        // its JSON text) 1.0 and 1 are different labels, so every line is wrong; that stays, but is said
        Path f = dir.resolve("c.jsonl");
        Files.writeString(f, "{\"gold\":1.0,\"pred\":1}\n{\"gold\":0.0,\"pred\":0}\n{\"gold\":1.0,\"pred\":1}\n");
        assertEquals(0, cli.run("--format", "cls", f.toString()), cli.err());
        assertTrue(cli.out().contains("accuracy                0.0000"), cli.out());
        assertTrue(cli.err().startsWith("prefine eval: gold labels 1.0, 0.0 and predicted labels 1, 0 are the same numbers"
                + " written differently, and score as different labels; write them alike"), cli.err());
        // the same numbers written alike ("1" and 1 are one label) and labels that differ as numbers: no such line
        for (String text : new String[] {"{\"gold\":\"1\",\"pred\":1}\n{\"gold\":0,\"pred\":1}\n",
                "{\"gold\":1.0,\"pred\":2}\n{\"gold\":\"pos\",\"pred\":\"neg\"}\n"}) {
            cli.clear();
            Files.writeString(f, text);
            assertEquals(0, cli.run("--format", "cls", f.toString()), cli.err());
            assertTrue(!cli.err().contains("written differently"), text + cli.err());
        }
    }
}
