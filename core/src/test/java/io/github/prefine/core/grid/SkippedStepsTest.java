package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkippedStepsTest {

    private static void write(Path root, String file, String json) throws IOException {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, json);
    }

    @Test
    void sumsTheCountsOfEveryRunRecordThatHasOne(@TempDir Path dir) throws Exception {
        write(dir, "prefinetune/SL/lr-1e-03/history.json", "{\"learningRate\": 0.001, \"skippedSteps\": 2}");
        write(dir, "prefinetune/SL/lr-1e-04/history.json", "{\"learningRate\": 0.0001}");
        write(dir, "finetune/run-SL-t-seed1/lr-3e-03.json", "{\"validation\": 50.0, \"skippedSteps\": 0}");
        write(dir, "finetune/run-SL-t-seed2/lr-3e-03.json", "{\"validation\": 51.0, \"skippedSteps\": 5}");
        // read after the largest count (records are read in name order): the most is still 5
        write(dir, "finetune/run-SL-t-seed3/lr-3e-03.json", "{\"validation\": 52.0, \"skippedSteps\": 1}");
        // a sweep's choice and a setting's result are not run records, whatever they hold
        write(dir, "finetune/run-SL-t-seed1.json", "{\"skippedSteps\": 100}");
        write(dir, "prefinetune/SL/result.json", "{\"skippedSteps\": 100}");
        SkippedSteps s = SkippedSteps.collect(new GridLayout(dir));
        assertEquals(new SkippedSteps(4, 3, 8, 5), s);
        assertEquals(Optional.of("fp16-mixed: 8 steps skipped for overflow in 3 of 4 training runs, at most 5 in one"),
                s.summaryLine());
        assertEquals(Optional.of("fp16-mixed: 0 steps skipped for overflow in 0 of 4 training runs"),
                new SkippedSteps(4, 0, 0, 0).summaryLine());
    }

    @Test
    void noRecordWithACountIsNone(@TempDir Path dir) throws Exception {
        assertEquals(SkippedSteps.NONE, SkippedSteps.collect(new GridLayout(dir.resolve("absent"))));
        write(dir, "finetune/run-SL-t-seed1/lr-3e-03.json", "{\"validation\": 50.0}");
        SkippedSteps s = SkippedSteps.collect(new GridLayout(dir));
        assertEquals(SkippedSteps.NONE, s);
        assertTrue(s.summaryLine().isEmpty());
    }

    @Test
    void aBadCountNamesTheFile(@TempDir Path dir) throws Exception {
        write(dir, "finetune/run-SL-t-seed1/lr-3e-03.json", "{\"skippedSteps\": 1.5}");
        IOException e = assertThrows(IOException.class, () -> SkippedSteps.collect(new GridLayout(dir)));
        assertEquals(dir.resolve("finetune/run-SL-t-seed1/lr-3e-03.json")
                + " $.skippedSteps: expected a whole number of steps, 0 or more, found 1.5", e.getMessage());
        write(dir, "finetune/run-SL-t-seed1/lr-3e-03.json", "{\"skippedSteps\": -1}");
        e = assertThrows(IOException.class, () -> SkippedSteps.collect(new GridLayout(dir)));
        assertEquals(dir.resolve("finetune/run-SL-t-seed1/lr-3e-03.json")
                + " $.skippedSteps: expected a whole number of steps, 0 or more, found -1", e.getMessage());
        write(dir, "finetune/run-SL-t-seed1/lr-3e-03.json", "{\"skippedSteps\": ");
        e = assertThrows(IOException.class, () -> SkippedSteps.collect(new GridLayout(dir)));
        // the text ends after its 17 characters: Gson stops at column 18, in the member's value
        assertEquals(dir.resolve("finetune/run-SL-t-seed1/lr-3e-03.json") + ":1: not JSON at column 18 (JSON path"
                + " $.skippedSteps): End of input; expected a JSON object", e.getMessage());
    }
}
