package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported models a run's {@code run.json} lists, as a finished grid prints them: a model as
 * the export records it prints its line; a score that is not finite, which the export never
 * writes, is refused naming the file and the member instead of being printed or passed over.
 */
class PrintModelsTest {
    /** One model as the grid lists it in {@code run.json}, its scores to be filled in. */
    private static String manifest(String validation, String reproduced) {
        return "{\n  \"format\": 1,\n  \"models\": [\n    {\n      \"target\": \"c-target\",\n      \"setting\": \"Only-C\",\n"
                + "      \"seed\": 1,\n      \"learningRate\": 0.003,\n      \"metric\": \"ACCURACY\",\n      \"validation\": "
                + validation + ",\n      \"reproducedValidation\": " + reproduced + ",\n      \"validationExamples\": 8,\n"
                + "      \"export\": \"best\",\n      \"path\": \"models/c-target/Only-C-seed1\",\n      \"bytes\": 2500000\n"
                + "    }\n  ]\n}\n";
    }

    private static String printed(Path out) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ReproduceCommand.printModels(new PrintStream(b, true, StandardCharsets.UTF_8), out);
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aModelAsExportedPrintsItsLine(@TempDir Path out) throws IOException {
        Files.writeString(out.resolve("run.json"), manifest("81.25", "81.25"));
        // 2500000 bytes are 2.5 MB
        assertEquals("Finetuned models (use them with prefine predict --model DIR --task TARGET):\n  "
                + out.resolve("models/c-target/Only-C-seed1") + "  (Only-C, 2.5 MB, validation ACCURACY 81.25)\n",
                printed(out).replace(System.lineSeparator(), "\n"));
    }

    @Test
    void aScoreThatIsNotFiniteIsRefusedNamingTheMember(@TempDir Path out) throws IOException {
        Path run = out.resolve("run.json");
        String anew = "; the next run with --export-models lists the exported folders anew";
        // a quoted NaN is standard JSON, which a lenient read of the score took as NaN
        Files.writeString(run, manifest("81.25", "\"NaN\""));
        IOException e = assertThrows(IOException.class, () -> printed(out));
        assertEquals(run + " $.models[0].reproducedValidation: expected a finite number, found \"NaN\"" + anew,
                e.getMessage());
        // past a double's range: Infinity
        Files.writeString(run, manifest("1e400", "81.25"));
        e = assertThrows(IOException.class, () -> printed(out));
        assertEquals(run + " $.models[0].validation: expected a finite number, found 1e400" + anew, e.getMessage());
        // a bare NaN is no JSON: refused where it stands (line 11)
        Files.writeString(run, manifest("81.25", "NaN"));
        e = assertThrows(IOException.class, () -> printed(out));
        assertTrue(e.getMessage().startsWith(run + ":11: not JSON at column ")
                && e.getMessage().contains("(JSON path $.models[0].reproducedValidation)"), e.getMessage());
    }
}
