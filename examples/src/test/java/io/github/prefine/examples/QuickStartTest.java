package io.github.prefine.examples;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's QuickStart runs and reports a span F1 learned from pre-finetuned features. */
class QuickStartTest {
    /**
     * Runs it under a temporary root of its own: a listing of the shared temporary folder saw the
     * work folder of another build's QuickStart, running at the same time, as left behind.
     */
    @Test
    void runsAndPrintsTheTargetMetric(@TempDir Path tempRoot) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            QuickStart.main(new String[0], tempRoot);
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("syn-sl-target-all SPAN_F1 after pre-finetuning on \\[syn-sl-people, syn-sl-business\\]: "
                + "([0-9.]+) ± ([0-9.]+)").matcher(out);
        assertTrue(m.find(), out);
        double f1 = Double.parseDouble(m.group(1));
        // a tagger that learned nothing scores 0; the pre-finetuned encoder gives well above that
        assertTrue(f1 > 20 && f1 <= 100, out);
        try (Stream<Path> left = Files.list(tempRoot)) {
            List<Path> folders = left.toList();
            assertTrue(folders.isEmpty(), "QuickStart left its work folder behind: " + folders);
        }
    }

    @Test
    void refusesArgumentsItWouldIgnore() {
        // it used to ignore them and train as if none were given; main ends such a run with exit 2
        // and one line (BenchMainsTest, in a child JVM)
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuickStart.checkArguments("--seeds", "1"));
        assertTrue(e.getMessage().contains("--seeds 1"), e.getMessage());
    }
}
