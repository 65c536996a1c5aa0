package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.testing.TestFiles;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.RunRecord;
import io.github.prefine.eval.stats.SeedDifference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grid's own files read back with a byte that is not UTF-8, a member missing or of another
 * type: each refusal names the file and the line (byte) or member, never the JDK's bare {@code
 * MalformedInputException: Input length = 1} or Gson's bare cast and null errors.
 */
class GridFileReadsTest {
    /** A finetuning trial's file as {@code FinetuningRunner} writes it, lines hand-counted. */
    private static final String TRIAL = "{\n  \"learningRate\": 0.003,\n  \"validation\": 50.0,\n"
            + "  \"evaluation\": 51.0,\n  \"evaluationSplit\": \"validation\"\n}";

    /** What a history's best loss may be: the stopping rule's start when no epoch scored, NaN only for a diverged run. */
    private static final String BEST_LOSS = "a finite number, or Infinity where no epoch had a validation loss (NaN only"
            + " in a diverged run's history, with its error)";
    /** What a training-loss curve's element may be. */
    private static final String LOSS = "a loss (a finite number, or NaN for an epoch without a counted step)";
    /** What a trial's score may be. */
    private static final String SCORE = "a finite number, or NaN for a diverged trial, then in both scores";

    /** The text with byte 0xFF in place of the first character of {@code at}. */
    private static byte[] notUtf8(String text, String at) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        b[text.indexOf(at)] = (byte) 0xFF;
        return b;
    }

    @Test
    void aRunRecordNotUtf8IsPlacedByLineAndByte(@TempDir Path dir) throws Exception {
        Path file = TestFiles.write(dir, "finetune/run-SL-t-seed1/lr-3e-03.json", notUtf8(TRIAL, "51.0"));
        IOException e = assertThrows(IOException.class, () -> SkippedSteps.collect(new GridLayout(dir)));
        // "evaluation" is on line 4
        assertEquals(file + ": line 4 (byte " + TRIAL.indexOf("51.0") + ") holds 0xFF, not UTF-8; expected a JSON object"
                + " in UTF-8", e.getMessage());
    }

    @Test
    void aManifestNotUtf8IsAMismatchNamingItsLine(@TempDir Path dir) throws Exception {
        String text = "{\n  \"fingerprint\": {\n    \"seed\": 1\n  }\n}";
        Path file = TestFiles.write(dir, "run.json", notUtf8(text, "1\n"));
        JsonObject fresh = new JsonObject();
        fresh.add("fingerprint", new JsonObject());
        RunMismatchException e = assertThrows(RunMismatchException.class, () -> RunManifest.check(file, fresh, false));
        assertEquals(file + ": not a run manifest (" + file + ": line 3 (byte " + text.indexOf("1\n")
                + ") holds 0xFF, not UTF-8; expected a JSON object in UTF-8); remove it, choose another output folder,"
                + " or force a new run in place (--force)", e.getMessage());
        // forced, the folder's run is replaced as for any manifest that does not read
        assertEquals(fresh, RunManifest.check(file, fresh, true));
    }

    @Test
    void aManifestWhoseFingerprintIsNoObjectIsAMismatchNamingIt(@TempDir Path dir) throws Exception {
        Path file = TestFiles.write(dir, "run.json", "{\"fingerprint\": \"abc\"}".getBytes(StandardCharsets.UTF_8));
        JsonObject fresh = new JsonObject();
        fresh.add("fingerprint", new JsonObject());
        RunMismatchException e = assertThrows(RunMismatchException.class, () -> RunManifest.check(file, fresh, false));
        assertEquals(file + ": not a run manifest ($.fingerprint: expected an object, found \"abc\"); remove it, choose"
                + " another output folder, or force a new run in place (--force)", e.getMessage());
        assertEquals(fresh, RunManifest.check(file, fresh, true));
    }

    @Test
    void aManifestWithANulIsRefusedWhereItStands(@TempDir Path dir) throws Exception {
        // a NUL before a name: Gson's lenient reader took it as part of an unquoted name
        String text = "{\n  \"fingerprint\": {\n    \u0000\"seed\": 1\n  }\n}";
        Path file = TestFiles.write(dir, "run.json", text.getBytes(StandardCharsets.UTF_8));
        JsonObject fresh = new JsonObject();
        JsonObject f = new JsonObject();
        f.addProperty("seed", 1);
        fresh.add("fingerprint", f);
        RunMismatchException e = assertThrows(RunMismatchException.class, () -> RunManifest.check(file, fresh, false));
        // line 3, the NUL its 5th character: Gson's column is the one after the character it stopped at
        assertEquals(file + ": not a run manifest (" + file + ":3: not JSON at column 6 (JSON path $.fingerprint.):"
                + " malformed JSON; expected a JSON object); remove it, choose another output folder, or force a new run in"
                + " place (--force)", e.getMessage());
    }

    @Test
    void aTrainingLossCurveNotUtf8OrHoldingAWordNamesTheFileAndPlace(@TempDir Path dir) throws Exception {
        String text = "[\n  0.9,\n  0.7\n]";
        Path file = TestFiles.write(dir, "train-loss.json", notUtf8(text, "0.7"));
        IOException e = assertThrows(IOException.class, () -> PrefinetuningRunner.storedCurve(file));
        assertEquals(file + ": line 3 (byte " + text.indexOf("0.7") + ") holds 0xFF, not UTF-8; expected an array of"
                + " losses in UTF-8", e.getMessage());
        TestFiles.write(dir, "train-loss.json", text.replace("0.7", "\"low\"").getBytes(StandardCharsets.UTF_8));
        e = assertThrows(IOException.class, () -> PrefinetuningRunner.storedCurve(file));
        assertEquals(file + " $[1]: expected " + LOSS + ", found \"low\"; delete the file to run the unit again",
                e.getMessage());
        // the NaN of an epoch whose loss was not finite reads back
        TestFiles.write(dir, "train-loss.json", text.replace("0.7", "NaN").getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(0.9, Double.NaN), PrefinetuningRunner.storedCurve(file));
    }

    /**
     * Gson's lenient reader gives a word as a string, and {@code getAsDouble} parsed any string
     * Java parses: a byte changed into a Java suffix ({@code 0.7f}) or a hex float read as a loss.
     */
    @Test
    void aTrainingLossCurveHoldingAWordJavaParsesIsRefused(@TempDir Path dir) throws Exception {
        String text = "[\n  0.9,\n  0.7\n]";
        Path file = TestFiles.write(dir, "train-loss.json", text.replace("0.7", "0.7f").getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, () -> PrefinetuningRunner.storedCurve(file));
        assertEquals(file + " $[1]: expected " + LOSS + ", found \"0.7f\"; delete the file to run the unit again",
                e.getMessage());
        TestFiles.write(dir, "train-loss.json", text.replace("0.7", "\"0x1p3\"").getBytes(StandardCharsets.UTF_8));
        e = assertThrows(IOException.class, () -> PrefinetuningRunner.storedCurve(file));
        assertEquals(file + " $[1]: expected " + LOSS + ", found \"0x1p3\"; delete the file to run the unit again",
                e.getMessage());
        // the NaN of an epoch without a counted step still reads back; no epoch's mean is infinite
        // (a non-finite step loss ends the run), so Infinity is refused
        TestFiles.write(dir, "train-loss.json", "[NaN, 0.5]".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(Double.NaN, 0.5), PrefinetuningRunner.storedCurve(file));
    }

    @Test
    void theReportsNameARecordNotUtf8AndAResultMissingAnEpochsLoss(@TempDir Path dir) throws Exception {
        GridReports reports = new GridReports(new GridLayout(dir), List.of("Baseline", "Only-SL"),
                List.of(TaskCatalog.task("wnut17")), SeedDifference.ALPHA);
        Path records = Files.createDirectories(dir.resolve("records"));
        ResultLog.append(records.resolve("a.jsonl"), new RunRecord("Baseline", "wnut17", "SL", 1, 41));
        String text = Files.readString(records.resolve("a.jsonl"));
        Path record = TestFiles.write(dir, "records/a.jsonl", notUtf8(text, "wnut17"));
        IOException e = assertThrows(IOException.class, reports::write);
        assertEquals(record + ": line 1 (byte " + text.indexOf("wnut17") + ") holds 0xFF, not UTF-8; expected run records,"
                + " one JSON object a line, in UTF-8", e.getMessage());
        Files.writeString(record, text);
        // the second epoch lacks its training loss
        Path result = TestFiles.write(dir, "prefinetune/Only-SL/result.json", ("{\"history\":{\"tasks\":[\"conll2003\"],\"epochs\":["
                + "{\"trainLoss\":1.0,\"averageValidationLoss\":0.9,\"validationLosses\":[0.9]},"
                + "{\"averageValidationLoss\":0.8,\"validationLosses\":[0.8]}]}}").getBytes(StandardCharsets.UTF_8));
        e = assertThrows(IOException.class, reports::write);
        assertEquals(result + " $.history.epochs[1].trainLoss: missing or of another type; expected a history of task names"
                + " and epochs, each with numbers trainLoss, averageValidationLoss and one validation loss a task; delete"
                + " the file to pre-finetune the setting again", e.getMessage());
    }

    /** Gson's lenient reader gives a bare word as a string, which getAsDouble parsed when Java could. */
    @Test
    void theReportsRefuseAResultWhoseLossIsAWordJavaParses(@TempDir Path dir) throws Exception {
        GridReports reports = new GridReports(new GridLayout(dir), List.of("Baseline", "Only-SL"),
                List.of(TaskCatalog.task("wnut17")), SeedDifference.ALPHA);
        Path result = TestFiles.write(dir, "prefinetune/Only-SL/result.json", ("{\"history\":{\"tasks\":[\"conll2003\"],"
                + "\"epochs\":[{\"trainLoss\":1.0,\"averageValidationLoss\":0.9,\"validationLosses\":[0.9f]}]}}")
                .getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, reports::write);
        assertEquals(result + " $.history.epochs[0].validationLosses[0]: missing or of another type; expected a history of"
                + " task names and epochs, each with numbers trainLoss, averageValidationLoss and one validation loss a"
                + " task; delete the file to pre-finetune the setting again", e.getMessage());
    }

    @Test
    void aHistoryWhoseEpochLacksItsTimeOrMistypesItsLossNamesTheMember(@TempDir Path dir) throws Exception {
        String history = "{\"learningRate\": 0.001, \"bestAverageValidationLoss\": 0.5, \"epochs\": ["
                + "{\"trainSeconds\": 1.5, \"trainExamples\": 64}, {\"trainExamples\": 64}]}";
        Path file = TestFiles.write(dir, "history.json", history.getBytes(StandardCharsets.UTF_8));
        // the sweep's finish summed each epoch's time with Gson's get(...).getAsDouble(): a bare NullPointerException
        IOException e = assertThrows(IOException.class, () -> PrefinetuningRunner.storedHistory(file));
        assertEquals(file + " $.epochs[1].trainSeconds: expected a finite number, found nothing; delete the file to run"
                + " the unit again", e.getMessage());
        TestFiles.write(dir, "history.json", history.replace("0.5", "[0.5]").getBytes(StandardCharsets.UTF_8));
        e = assertThrows(IOException.class, () -> PrefinetuningRunner.storedHistory(file));
        assertEquals(file + " $.bestAverageValidationLoss: expected " + BEST_LOSS + ", found [0.5]; delete the file to run"
                + " the unit again", e.getMessage());
        TestFiles.write(dir, "history.json", history.replace("\"trainExamples\": 64}]", "\"trainExamples\": 6.5}]")
                .replace("{\"trainExamples", "{\"trainSeconds\": 2, \"trainExamples").getBytes(StandardCharsets.UTF_8));
        e = assertThrows(IOException.class, () -> PrefinetuningRunner.storedHistory(file));
        assertEquals(file + " $.epochs[1].trainExamples: expected an integer from -9223372036854775808 to"
                + " 9223372036854775807, without a fraction or exponent, found 6.5; delete the file to run the unit again",
                e.getMessage());
        // a diverged run's history, as the runner writes it, reads
        TestFiles.write(dir, "history.json", "{\"learningRate\": 0.001, \"bestAverageValidationLoss\": NaN, \"error\": \"x\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(Double.NaN, PrefinetuningRunner.storedHistory(file).get("bestAverageValidationLoss").getAsDouble());
    }

    @Test
    void aTrialFileLackingOrMistypingAScoreNamesItsMember(@TempDir Path dir) throws Exception {
        Path file = TestFiles.write(dir, "t.json", TRIAL.replace("\"validation\": 50.0", "\"validation\": \"high\"")
                .getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, () -> FinetuningRunner.storedScores(file));
        assertEquals(file + " $.validation: expected " + SCORE + ", found \"high\"; delete the file to run the trial again",
                e.getMessage());
        TestFiles.write(dir, "t.json", TRIAL.replace("  \"evaluation\": 51.0,\n", "").getBytes(StandardCharsets.UTF_8));
        e = assertThrows(IOException.class, () -> FinetuningRunner.storedScores(file));
        assertEquals(file + " $.evaluation: expected " + SCORE + ", found nothing; delete the file to run the trial again",
                e.getMessage());
        TestFiles.write(dir, "t.json", TRIAL.replace("\"evaluationSplit\": \"validation\"",
                "\"evaluationSplit\": 3").getBytes(StandardCharsets.UTF_8));
        e = assertThrows(IOException.class, () -> FinetuningRunner.storedScores(file));
        assertEquals(file + " $.evaluationSplit: expected a string, found 3; delete the file to run the"
                + " trial again", e.getMessage());
        // a diverged trial's scores are NaN, which the runner writes and reads back
        TestFiles.write(dir, "t.json", TRIAL.replace("50.0", "NaN").replace("51.0", "NaN").getBytes(StandardCharsets.UTF_8));
        JsonObject o = FinetuningRunner.storedScores(file);
        assertEquals(Double.NaN, o.get("validation").getAsDouble());
        assertEquals("validation", o.get("evaluationSplit").getAsString());
    }

    /**
     * A non-finite number where the grid writes none, bare, quoted or past a double's range, is
     * refused naming the file, the member and what was expected; before, each read as NaN or
     * Infinity and went on into the sweep, the export or a plot.
     */
    @Test
    void aNonFiniteNumberWhereTheGridWritesNoneIsRefusedNamingFileAndMember(@TempDir Path dir) throws Exception {
        String history = "{\"learningRate\": 0.001, \"bestAverageValidationLoss\": NaN, \"epochs\": ["
                + "{\"trainSeconds\": 1.5, \"trainExamples\": 64}]}";
        String unitAgain = "; delete the file to run the unit again";
        // a run that did not diverge (no error) has a number here: NaN would lose the sweep as a divergence
        assertEquals("FILE $.bestAverageValidationLoss: expected " + BEST_LOSS + ", found \"NaN\"" + unitAgain,
                refusal(dir, "history.json", history, PrefinetuningRunner::storedHistory));
        String scored = history.replace("NaN", "0.5");
        assertEquals("FILE $.epochs[0].trainSeconds: expected a finite number, found 1e400" + unitAgain,
                refusal(dir, "history.json", scored.replace("1.5", "1e400"), PrefinetuningRunner::storedHistory));
        // nor a time below 0, which the setting's cost record refused later, bare
        assertEquals("FILE $.epochs[0].trainSeconds: expected a finite number of seconds >= 0, found -1.5" + unitAgain,
                refusal(dir, "history.json", scored.replace("1.5", "-1.5"), PrefinetuningRunner::storedHistory));
        // a diverged run's history holds NaN and nothing else: a number there would win the sweep without an encoder
        assertEquals("FILE $.bestAverageValidationLoss: expected NaN, as a diverged run's history (one with an error)"
                + " holds, found 0.5" + unitAgain, refusal(dir, "history.json",
                        "{\"bestAverageValidationLoss\": 0.5, \"error\": \"x\"}", PrefinetuningRunner::storedHistory));

        assertEquals("FILE $.evaluation: expected " + SCORE + ", found \"Infinity\"; delete the file to run the trial again",
                refusal(dir, "t.json", TRIAL.replace("51.0", "Infinity"), FinetuningRunner::storedScores));
        // NaN in one score only: the rate would win on its validation and fail its run record bare
        assertEquals("FILE $.validation: expected NaN, as $.evaluation is (a diverged trial), found 50.0; delete the file"
                + " to run the trial again", refusal(dir, "t.json", TRIAL.replace("51.0", "NaN"),
                        FinetuningRunner::storedScores));

        assertEquals("FILE $[1]: expected " + LOSS + ", found \"-Infinity\"" + unitAgain,
                refusal(dir, "train-loss.json", "[0.9, -Infinity]", PrefinetuningRunner::storedCurve));

        assertEquals("FILE $.history.epochs[0].averageValidationLoss: expected a finite number, or NaN for an epoch no task"
                + " had validation examples in, found \"Infinity\"; delete the file to pre-finetune the setting again",
                refusal(dir, "result.json", "{\"history\":{\"tasks\":[\"conll2003\"],\"epochs\":[{\"trainLoss\":1.0,"
                        + "\"averageValidationLoss\":Infinity,\"validationLosses\":[0.9]}]}}",
                        f -> GridReports.storedCurves(f, Files.readString(f))));

        assertEquals("FILE $.reproducedValidation: expected a finite number, found \"NaN\"; delete the model's folder to"
                + " export it again", refusal(dir, "prefine-export.json", "{\"learningRate\": 0.003, \"validation\": 50.0,"
                        + " \"reproducedValidation\": NaN}", GridExporter::storedExport));

        assertEquals("FILE:2: secondsPerEpoch: expected a finite number, found -1e400", refusal(dir,
                "records/run-SL-t-seed1.jsonl", ResultLog.line(new RunRecord("SL", "t", "C", 1, 40.5))
                        + "{\"kind\":\"cost\",\"setting\":\"SL\",\"secondsPerEpoch\":-1e400,\"examplesPerEpoch\":64}\n",
                ResultLog::load));
    }

    /** A sweep's choice with an infinite score or a NaN rate is refused, not read as a diverged seed left out. */
    @Test
    void aSweepChoiceWithAnInfiniteScoreIsRefusedNotLeftOutAsDiverged(@TempDir Path dir) throws Exception {
        Task t = TaskCatalog.task("wnut17");
        Read candidates = f -> GridExporter.storedCandidates(f, Setting.baseline(), t);
        String trials = "{\"seed\": 1, \"learningRate\": 0.003, \"validation\": 80.0},"
                + "{\"seed\": 2, \"learningRate\": 0.003, \"validation\": Infinity}";
        String sweepAgain = "; delete the file to run the sweep again, with its record under records/ (its trials are kept)";
        assertEquals("FILE $.sweep[1].validation: expected a finite number, or NaN for a diverged seed, found"
                + " \"Infinity\"" + sweepAgain, refusal(dir, "run-Baseline-wnut17.json", "{\"learningRate\": 0.003,"
                        + " \"sweep\": [" + trials + "]}", candidates));
        // a NaN rate matched no trial: every seed was left out
        assertEquals("FILE $.learningRate: expected a finite number, found \"NaN\"" + sweepAgain, refusal(dir,
                "run-Baseline-wnut17.json", "{\"learningRate\": NaN, \"sweep\": [" + trials.replace("Infinity", "NaN")
                        + "]}", candidates));
    }

    /** A grid file's reader, as the grid calls it. */
    @FunctionalInterface
    private interface Read {
        void read(Path file) throws Exception;
    }

    /** Writes a file of the text and returns the reader's refusal of it, the file's path shown as FILE. */
    private static String refusal(Path dir, String name, String text, Read read) throws IOException {
        Path file = TestFiles.write(dir, name, text.getBytes(StandardCharsets.UTF_8));
        return assertThrows(IOException.class, () -> read.read(file)).getMessage().replace(file.toString(), "FILE");
    }
}
