package io.github.prefine.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's QuickStart runs and reports a span F1 learned from pre-finetuned features. */
class QuickStartTest {
    @Test
    void runsAndPrintsTheTargetMetric() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            QuickStart.main(new String[0]);
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
    }
}
