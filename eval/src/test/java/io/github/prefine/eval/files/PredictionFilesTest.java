package io.github.prefine.eval.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import io.github.prefine.eval.metrics.PrfScore;
import io.github.prefine.eval.metrics.SpanF1;
import io.github.prefine.eval.metrics.SpanReport;
import io.github.prefine.eval.metrics.SquadScore;
import io.github.prefine.eval.metrics.TagScheme;
import io.github.prefine.eval.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionFilesTest {

    @Test
    void conllFileScoresLikeSeqeval(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pred.conll");
        // IOB1 gold (Wikigold style), a trailing entity at sentence end, a DOCSTART line, tab and space separators
        Files.writeString(f, "-DOCSTART- O O\n\nJohn I-PER I-PER\nSmith I-PER I-PER\nin O O\nParis I-LOC B-LOC\n"
                + "\t\nVisit O O\nBerlin\tI-LOC\tI-ORG\n");
        SpanReport r = ConllPredictions.score(f, SpanF1.lenient());
        // gold: PER, LOC | LOC; pred: PER, LOC | ORG -> tp 2, pred 3, gold 3
        assertEquals(2.0 / 3, r.micro().precision());
        assertEquals(2.0 / 3, r.f1(), 1e-15);
        assertEquals(PrfScore.fromCountsSeqeval(1, 1, 2), r.perType().get("LOC"));
        assertEquals(PrfScore.fromCountsSeqeval(0, 1, 0), r.perType().get("ORG"));
        // strict IOB2 refuses nothing here (I- is allowed) but drops the I- entities
        assertEquals(1, ConllPredictions.read(f).gold().get(1).size() - 1);
        SpanReport strict = ConllPredictions.score(f, SpanF1.strict(TagScheme.IOB2));
        assertEquals(0, strict.micro().support());
    }

    @Test
    void conllErrorNamesFileLineAndColumns(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.conll");
        Files.writeString(f, "a O O\nb O\n");
        PredictionFileException e = assertThrows(PredictionFileException.class, () -> ConllPredictions.read(f));
        assertEquals(f + ":2: expected 3 whitespace-separated columns (token, gold, predicted), found 2 in \"b O\"",
                e.getMessage());
    }

    /**
     * A tag that strict mode refuses is named by its file line and column (gold or predicted), not
     * by the sentence and token counts a reader of the file would have to redo by hand.
     */
    @Test
    void conllStrictRefusalNamesLineAndColumn(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pred.conll");
        // sentence 1, token 1 is line 5 (a DOCSTART line and a blank line before the second sentence)
        Files.writeString(f, "-DOCSTART- O O\nJohn B-PER B-PER\n\nVisit O O\nBerlin B-LOC E-LOC\nnow O S-LOC\n");
        PredictionFileException e = assertThrows(PredictionFileException.class,
                () -> ConllPredictions.score(f, SpanF1.strict(TagScheme.IOB2)));
        assertEquals("5", e.location());
        assertEquals(f + ":5: expected a predicted tag whose prefix IOB2 allows, found \"E-LOC\"", e.getMessage());
        // the gold column is checked on the same line first
        Files.writeString(f, "a B-PER B-PER\nb U-PER I-PER\n");
        e = assertThrows(PredictionFileException.class, () -> ConllPredictions.score(f, SpanF1.strict(TagScheme.IOB2)));
        assertEquals(f + ":2: expected a gold tag whose prefix IOB2 allows, found \"U-PER\"", e.getMessage());
    }

    private static Path dataset(Path dir) throws Exception {
        Path d = dir.resolve("data.json");
        Files.writeString(d, "{\"version\":\"1.1\",\"data\":[{\"title\":\"t\",\"paragraphs\":[{\"context\":\"c\",\"qas\":["
                + "{\"id\":\"q1\",\"question\":\"?\",\"answers\":[{\"answer_start\":0,\"text\":\"Denver Broncos\"},"
                + "{\"answer_start\":0,\"text\":\"the Broncos\"}]},"
                + "{\"id\":\"q2\",\"question\":\"?\",\"answers\":[{\"answer_start\":0,\"text\":\"Santa Clara, California\"}]},"
                + "{\"id\":\"q3\",\"question\":\"?\",\"answers\":[{\"answer_start\":0,\"text\":\"24\\u201310\"}]}]}]}]}");
        return d;
    }

    @Test
    void squadHandEditedSubset(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("pred.json");
        // q1 exact after normalisation; q2 partial; q3 missing; "zz" unknown and ignored
        Files.writeString(p, "{\"q1\":\"Broncos!\",\"q2\":\"Santa Clara\",\"zz\":\"x\"}");
        SquadScore s = SquadPredictions.score(dataset(dir), p);
        assertEquals(3, s.total());
        assertEquals(1, s.unanswered());
        assertEquals(100.0 * 1 / 3, s.exactMatch());
        // q2: pred [santa, clara], gold [santa, clara, california]: p 1, r 2/3
        double f2 = (2 * 1.0 * (2.0 / 3)) / (1.0 + 2.0 / 3);
        assertEquals(100.0 * (1.0 + f2) / 3, s.f1());
    }

    @Test
    void squadErrorsNameJsonPath(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("pred.json");
        Files.writeString(p, "{\"q1\": 3}");
        PredictionFileException e = assertThrows(PredictionFileException.class,
                () -> SquadPredictions.score(dataset(dir), p));
        assertEquals(p + ":$[\"q1\"]: expected a string, found 3", e.getMessage());
        Path d = dir.resolve("d2.json");
        Files.writeString(d, "{\"data\":[{\"paragraphs\":[{\"qas\":[{\"id\":\"a\",\"answers\":{}}]}]}]}");
        e = assertThrows(PredictionFileException.class, () -> SquadPredictions.readGold(d));
        assertEquals(d + ":$.data[0].paragraphs[0].qas[0].answers: expected an array, found {}", e.getMessage());
    }

    /** A strict score counts "1 unknown id" and "2 unknown ids", where both said "unknown id(s)". */
    @Test
    void squadStrictCountsUnknownIdsInTheSingularForOne(@TempDir Path dir) throws Exception {
        Path d = dataset(dir);
        Path p = dir.resolve("pred.json");
        Files.writeString(p, "{\"q1\":\"a\",\"q2\":\"b\",\"q3\":\"c\",\"zz\":\"x\"}");
        PredictionFileException e = assertThrows(PredictionFileException.class, () -> SquadPredictions.score(d, p, true));
        assertEquals(p + ":$[\"zz\"]: expected ids of questions in " + d + ", found 1 unknown id", e.getMessage());
        Files.writeString(p, "{\"q1\":\"a\",\"q2\":\"b\",\"q3\":\"c\",\"zz\":\"x\",\"zy\":\"y\"}");
        e = assertThrows(PredictionFileException.class, () -> SquadPredictions.score(d, p, true));
        assertEquals(p + ":$[\"zz\"]: expected ids of questions in " + d + ", found 2 unknown ids", e.getMessage());
    }

    @Test
    void squadDevGoldAsPredictionsScores100(@TempDir Path dir) throws Exception {
        Path dev = SharedData.require("data/qa/squad_v1.1/dev-v1.1.json");
        Map<String, List<String>> gold = SquadPredictions.readGold(dev);
        assertEquals(10570, gold.size());
        Map<String, String> pred = new LinkedHashMap<>();
        gold.forEach((id, a) -> pred.put(id, a.get(0)));
        Path p = dir.resolve("pred.json");
        Files.writeString(p, new Gson().toJson(pred));
        SquadScore s = SquadPredictions.score(dev, p);
        assertEquals(100.0, s.exactMatch());
        assertEquals(100.0, s.f1());
        assertEquals(0, s.unanswered());
    }

    /**
     * Perturbed predictions on the whole dev set, scored to the last digit. The expected numbers come
     * from running the official evaluate-v1.1.py logic under CPython 3.11 on the same predictions
     * (question i: i%4 == 0 first answer + " the extra"; 1 first answer with spaces turned into
     * NBSP; 2 the first three space-separated words of the context; 3 unanswered).
     */
    @Test
    void squadDevPerturbedMatchesOfficialScriptToTheLastDigit(@TempDir Path dir) throws Exception {
        Path dev = SharedData.require("data/qa/squad_v1.1/dev-v1.1.json");
        com.google.gson.JsonObject root = com.google.gson.JsonParser.parseString(Files.readString(dev)).getAsJsonObject();
        Map<String, String> pred = new LinkedHashMap<>();
        int i = 0;
        for (com.google.gson.JsonElement a : root.getAsJsonArray("data")) {
            for (com.google.gson.JsonElement pe : a.getAsJsonObject().getAsJsonArray("paragraphs")) {
                String context = pe.getAsJsonObject().get("context").getAsString();
                for (com.google.gson.JsonElement qe : pe.getAsJsonObject().getAsJsonArray("qas")) {
                    com.google.gson.JsonObject qa = qe.getAsJsonObject();
                    String ans = qa.getAsJsonArray("answers").get(0).getAsJsonObject().get("text").getAsString();
                    String id = qa.get("id").getAsString();
                    switch (i % 4) {
                        case 0 -> pred.put(id, ans + " the extra");
                        case 1 -> pred.put(id, ans.replace(' ', '\u00a0'));
                        case 2 -> {
                            String[] w = context.split(" ", -1);
                            pred.put(id, String.join(" ", java.util.Arrays.copyOf(w, Math.min(3, w.length))));
                        }
                        default -> { }
                    }
                    i++;
                }
            }
        }
        Path p = dir.resolve("pred.json");
        Files.writeString(p, new Gson().toJson(pred));
        SquadScore s = SquadPredictions.score(dev, p);
        assertEquals(10570, s.total());
        assertEquals(25.22232734153264, s.exactMatch());
        assertEquals(46.12707279369119, s.f1());
    }

    @Test
    void classificationJsonLines(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("cls.jsonl");
        Files.writeString(f, "{\"id\":1,\"gold\":\"entailment\",\"pred\":\"entailment\"}\n\n"
                + "{\"id\":2,\"gold\":\"neutral\",\"pred\":\"entailment\"}\n"
                + "{\"id\":3,\"gold\":\"contradiction\",\"pred\":\"contradiction\"}\n"
                + "{\"id\":4,\"gold\":1,\"pred\":\"1\"}\n");
        ClassificationPredictions.Score s = ClassificationPredictions.score(f);
        assertEquals(0.75, s.accuracy());
        assertEquals(4, s.count());
        // classes 1, contradiction, entailment, neutral: F1 1, 1, 2/3, 0
        assertEquals(((1.0 + 1.0) + (2.0 * 1 / 3) + 0.0) / 4, s.macroF1(), 1e-15);
        Files.writeString(f, "{\"id\":1,\"gold\":\"a\"}\n");
        PredictionFileException e = assertThrows(PredictionFileException.class, () -> ClassificationPredictions.read(f));
        assertEquals(f + ":1: $.pred: expected a string, number or boolean label, found nothing", e.getMessage());
    }

    /**
     * A gold file written from a pandas float column ({@code 1.0}) against integer predictions
     * ({@code 1}): by the label rule the labels differ and the file scores near 0. The score names
     * the pairs, the file's {@code score} says so in one WARN naming the file, and {@code
     * score(Labels)} (whose caller inspects what it read) names them on the score alone.
     */
    @Test
    void sameNumbersWrittenDifferentlyAreNamedOnTheScoreAndInAWarn(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("floats.jsonl");
        Files.writeString(f, "{\"gold\":1.0,\"pred\":1}\n{\"gold\":0.0,\"pred\":0}\n{\"gold\":1.0,\"pred\":1}\n"
                + "{\"gold\":2,\"pred\":2}\n{\"gold\":1e1,\"pred\":10}\n");
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ClassificationPredictions.Score s;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            s = ClassificationPredictions.score(f);
        } finally {
            System.setErr(realErr);
        }
        // only the line of 2 is right
        assertEquals(0.2, s.accuracy(), 1e-15);
        assertEquals(List.of("1.0", "0.0", "1e1"), s.writtenDifferently().gold());
        assertEquals(List.of("1", "0", "10"), s.writtenDifferently().predicted());
        String message = "gold labels 1.0, 0.0, 1e1 and predicted labels 1, 0, 10 are the same numbers written"
                + " differently, and score as different labels; write them alike";
        assertEquals(message, s.writtenDifferently().message());
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertTrue(logs.lines().anyMatch(l -> l.contains("WARN") && l.endsWith(f + ": " + message)), logs);

        captured.reset();
        ClassificationPredictions.Score fromLabels;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            fromLabels = ClassificationPredictions.score(ClassificationPredictions.read(f));
        } finally {
            System.setErr(realErr);
        }
        assertEquals(s, fromLabels);
        assertEquals("", captured.toString(StandardCharsets.UTF_8));

        // the same numbers written alike ("1" and 1 are one label), labels that differ as numbers, a gold
        // label that some prediction also gives: none
        for (String text : new String[] {"{\"gold\":\"1\",\"pred\":1}\n{\"gold\":0,\"pred\":1}\n",
                "{\"gold\":1.0,\"pred\":2}\n{\"gold\":\"pos\",\"pred\":\"neg\"}\n",
                "{\"gold\":1.0,\"pred\":1.0}\n{\"gold\":0,\"pred\":1}\n"}) {
            Files.writeString(f, text);
            assertTrue(ClassificationPredictions.score(f).writtenDifferently().isEmpty(), text);
        }
    }

    /** A long list names 5 of each side and counts the rest, so the line stays short. */
    @Test
    void manyNumbersWrittenDifferentlyAreCountedBeyondFive(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("floats.jsonl");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            text.append("{\"gold\":").append(i).append(".0,\"pred\":").append(i).append("}\n");
        }
        Files.writeString(f, text.toString());
        assertEquals("gold labels 0.0, 1.0, 2.0, 3.0, 4.0 and 2 more and predicted labels 0, 1, 2, 3, 4 and 2 more are"
                + " the same numbers written differently, and score as different labels; write them alike",
                ClassificationPredictions.score(ClassificationPredictions.read(f)).writtenDifferently().message());
    }

    @Test
    void jsonMustBeStrictNotWhatGsonAccepts(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("cls.jsonl");
        Files.writeString(f, "{\"id\":1,\"gold\":\"a\",\"pred\":\"a\"}\n{'id':2,'gold':'a','pred':'b'}\n");
        PredictionFileException e = assertThrows(PredictionFileException.class, () -> ClassificationPredictions.read(f));
        assertEquals(f + ":2 column 3 $.", e.getMessage().substring(0, e.getMessage().indexOf(": expected")));
        assertTrue(e.getMessage().contains("expected strict JSON"), e.getMessage());
        Files.writeString(f, "{id:1,gold:\"a\",pred:\"a\"}\n");
        assertThrows(PredictionFileException.class, () -> ClassificationPredictions.read(f));
        Path p = dir.resolve("pred.json");
        Files.writeString(p, "{'q1':'Denver Broncos'}");
        e = assertThrows(PredictionFileException.class, () -> SquadPredictions.score(dataset(dir), p));
        assertTrue(e.getMessage().startsWith(p + ":line 1 column 3 $."), e.getMessage());
    }

    @Test
    void repeatedIdsAreErrors(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("cls.jsonl");
        Files.writeString(f, "{\"id\":7,\"gold\":\"a\",\"pred\":\"a\"}\n{\"id\":\"7\",\"gold\":\"b\",\"pred\":\"b\"}\n");
        PredictionFileException e = assertThrows(PredictionFileException.class, () -> ClassificationPredictions.read(f));
        assertEquals(f + ":2: $.id: expected a unique id, found \"7\" again (first on line 1)", e.getMessage());
        Path p = dir.resolve("pred.json");
        Files.writeString(p, "{\"q1\":\"Denver\",\"q2\":\"x\",\"q1\":\"Broncos\"}");
        e = assertThrows(PredictionFileException.class, () -> SquadPredictions.score(dataset(dir), p));
        assertEquals(p + ":$.q1: expected each name (id) once in an object, found \"q1\" again", e.getMessage());
        Path d = dir.resolve("d.json");
        Files.writeString(d, "{\"data\":[{\"paragraphs\":[{\"qas\":[{\"id\":\"a\",\"answers\":[{\"text\":\"x\"}]}]},"
                + "{\"qas\":[{\"id\":\"a\",\"answers\":[{\"text\":\"y\"}]}]}]}]}");
        e = assertThrows(PredictionFileException.class, () -> SquadPredictions.readGold(d));
        assertEquals(d + ":$.data[0].paragraphs[1].qas[0].id: expected a unique question id, found \"a\" again"
                + " (first at $.data[0].paragraphs[0].qas[0].id)",
                e.getMessage());
    }

    @Test
    void predictionsForAnotherDatasetAreAnErrorNotAZeroScore(@TempDir Path dir) throws Exception {
        // ids of another dataset (the predictions of SQuAD dev scored against XQuAD): none matches
        Path p = dir.resolve("pred.json");
        Files.writeString(p, "{\"56be4db0acb8001400a502ec\":\"Denver Broncos\",\"zz\":\"x\"}");
        PredictionFileException e = assertThrows(PredictionFileException.class,
                () -> SquadPredictions.score(dataset(dir), p));
        assertEquals(p + ":$: expected predictions for questions of " + dir.resolve("data.json")
                + " (ids such as \"q1\"), found none of its 2 ids there, first \"56be4db0acb8001400a502ec\"", e.getMessage());
        // one id of the dataset is enough to score, the rest counting 0
        Files.writeString(p, "{\"q2\":\"Santa Clara, California\",\"zz\":\"x\"}");
        assertEquals(100.0 / 3, SquadPredictions.score(dataset(dir), p).exactMatch());
    }

    @Test
    void aDatasetWithoutQuestionsIsAnErrorNotAZeroScore(@TempDir Path dir) throws Exception {
        Path d = dir.resolve("none.json");
        Files.writeString(d, "{\"data\": []}");
        Path p = dir.resolve("pred.json");
        Files.writeString(p, "{\"q1\": \"x\"}");
        PredictionFileException e = assertThrows(PredictionFileException.class, () -> SquadPredictions.score(d, p));
        assertEquals(d + ":$.data: expected at least one question to score, found none", e.getMessage());
    }

    @Test
    void emptyPredictionFilesAreErrorsNotZeroScores(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty"));
        assertThrows(PredictionFileException.class, () -> ClassificationPredictions.read(empty));
        assertThrows(PredictionFileException.class, () -> ConllPredictions.read(empty));
        PredictionFileException e = assertThrows(PredictionFileException.class,
                () -> SquadPredictions.score(dataset(dir), empty));
        assertEquals(empty + ":$: expected a JSON object, found an empty file", e.getMessage());
        Path braces = dir.resolve("p.json");
        Files.writeString(braces, "{}");
        assertThrows(PredictionFileException.class, () -> SquadPredictions.score(dataset(dir), braces));
        Path blank = dir.resolve("blank.conll");
        Files.writeString(blank, "\n-DOCSTART- O O\n\n");
        assertThrows(PredictionFileException.class, () -> ConllPredictions.read(blank));
    }

    @Test
    void aByteThatIsNotUtf8IsNamedByLineAndOffset(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.conll");
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes("a O O\nb".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.write(0xE9); // a Latin-1 e-acute, byte 7 of the file
        b.writeBytes(" O O\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] bytes = b.toByteArray();
        Files.write(f, bytes);
        PredictionFileException e = assertThrows(PredictionFileException.class, () -> ConllPredictions.read(f));
        assertEquals(f + ":2 (byte 7): expected UTF-8 text, found the byte 0xE9; save the file as UTF-8", e.getMessage());
    }

    @Test
    void strictSquadRefusesMissingAndUnknownIds(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("pred.json");
        Files.writeString(p, "{\"q1\":\"Broncos!\",\"q2\":\"Santa Clara\"}");
        PredictionFileException e = assertThrows(PredictionFileException.class,
                () -> SquadPredictions.score(dataset(dir), p, true));
        assertTrue(e.getMessage().contains("1 missing, first \"q3\""), e.getMessage());
        Files.writeString(p, "{\"q1\":\"a\",\"q2\":\"b\",\"q3\":\"c\",\"zz\":\"x\"}");
        e = assertThrows(PredictionFileException.class, () -> SquadPredictions.score(dataset(dir), p, true));
        assertTrue(e.getMessage().startsWith(p + ":$[\"zz\"]"), e.getMessage());
        assertEquals(3, SquadPredictions.score(dataset(dir), p, false).total());
    }

    @Test
    void aDocstartLineEndsItsSentenceAsABlankLineDoes(@TempDir Path dir) throws Exception {
        // conlleval reads the line as an O token, seqeval's readers as a boundary: "Mary" starts an entity either way
        Path f = dir.resolve("d.conll");
        Files.writeString(f, "John B-PER B-PER\nSmith I-PER I-PER\n-DOCSTART- -X- O O\nMary I-PER B-PER\nleft O O\n");
        SpanReport r = ConllPredictions.score(f, SpanF1.lenient());
        assertEquals(2, r.micro().support());
        assertEquals(1.0, r.f1(), 1e-12);
    }

    @Test
    void linesBreakAtCrAndLfOnlyAsPythonsReadersDo(@TempDir Path dir) throws Exception {
        // U+2028 and U+0085 need no escape in JSON (json.dumps(ensure_ascii=False) writes them as they are)
        Path jsonl = dir.resolve("u.jsonl");
        Files.writeString(jsonl, "{\"id\":1,\"gold\":\"a\u2028b\",\"pred\":\"a\u2028b\"}\r\n"
                + "{\"id\":2,\"gold\":\"c\u0085\",\"pred\":\"c\"}\n");
        assertEquals(List.of("a\u2028b", "c\u0085"), ClassificationPredictions.read(jsonl).gold());
        Path conll = dir.resolve("n.conll");
        Files.writeString(conll, "a\u0085b B-PER B-PER\nc O O\n");
        assertEquals(List.of(List.of("B-PER", "O")), ConllPredictions.read(conll).gold());
    }

    @Test
    void aClassificationFileWithoutPredictionsSaysWhetherItIsEmptyOrBlank(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.jsonl"));
        PredictionFileException e = assertThrows(PredictionFileException.class, () -> ClassificationPredictions.read(empty));
        assertTrue(e.getMessage().endsWith("found an empty file"), e.getMessage());
        Path blank = dir.resolve("blank.jsonl");
        Files.writeString(blank, "\n  \n");
        e = assertThrows(PredictionFileException.class, () -> ClassificationPredictions.read(blank));
        assertTrue(e.getMessage().endsWith("found only blank lines"), e.getMessage());
        assertEquals(blank, e.file());
        Files.writeString(blank, " ");
        e = assertThrows(PredictionFileException.class, () -> ClassificationPredictions.read(blank));
        assertTrue(e.getMessage().endsWith("found only blank lines"), e.getMessage());
    }
}
