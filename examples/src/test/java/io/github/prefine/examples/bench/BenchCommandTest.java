package io.github.prefine.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import io.github.prefine.examples.cli.PrefineCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The bench's wiring on a one-layer model: every part runs and prints its lines (no timing is checked). */
class BenchCommandTest {

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, PrefineCli.execute(args));
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void pairedAlternatesBothModelsAndReportsTheRatioOfEachPair() {
        String out = run("bench", "--part", "PAIRED", "--layers", "1", "--batch", "2", "--length", "8", "--warmup", "0",
                "--steps", "3");
        assertTrue(out.contains("encoder fwd+bwd"), out);
        assertTrue(out.contains("djl BertBlock fwd+bwd"), out);
        Matcher m = Pattern.compile("encoder vs BertBlock +median ([0-9.]+)x over 3 pairs, min ([0-9.]+)x, max ([0-9.]+)x")
                .matcher(out);
        assertTrue(m.find(), out);
        double median = Double.parseDouble(m.group(1));
        assertTrue(Double.parseDouble(m.group(2)) <= median && median <= Double.parseDouble(m.group(3)), out);
    }

    @Test
    void aGpuThatIsNotThereIsAClearErrorNotAStackTrace() {
        Assumptions.assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU");
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        int count;
        try {
            code = PrefineCli.execute("bench", "--device", "gpu", "--layers", "1", "--batch", "2", "--length", "8");
            count = PrefineCli.execute("bench", "--device", "2", "--layers", "1", "--batch", "2", "--length", "8");
        } finally {
            System.setErr(old);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, text);
        assertEquals(2, count, text);
        assertTrue(text.contains("prefine bench: --device: a GPU was asked for, but the PyTorch engine sees none"), text);
        assertTrue(text.contains("docs/gpu.md"), text);
        assertTrue(text.contains("prefine bench: --device: bench measures one device"), text);
        assertTrue(!text.contains("\tat "), "no stack trace:\n" + text);
    }

    @Test
    void allPrintsTheEncoderBertBlockAndFullStepWithPhases() {
        String out = run("bench", "--part", "ALL", "--profile", "--layers", "1", "--batch", "3", "--length", "8",
                "--warmup", "0", "--steps", "1");
        for (String line : new String[] {"encoder fwd+bwd", "djl BertBlock fwd+bwd", "full step (MIXED)",
            "phase optimizer (clip+AdamW)", "native calls optimizer", "native calls from Java", "peak device memory"}) {
            assertTrue(out.contains(line), line + " missing:\n" + out);
        }
    }

    private static long optimizerCalls(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("native calls optimizer\\s+(\\d+) ops").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    @Test
    void theOptimizerMakesAsManyNativeCallsWhateverTheNumberOfParameterTensors() {
        String[] common = {"bench", "--part", "FULL", "--profile", "--model", "DEMO", "--batch", "3", "--length", "8",
            "--warmup", "0", "--steps", "1", "--layers"};
        String one = run(concat(common, "1"));
        String four = run(concat(common, "4"));
        // 4 layers hold 36 more parameter tensors than 1; a per-tensor update would make hundreds more calls
        assertEquals(optimizerCalls(one), optimizerCalls(four), one + "\n" + four);
    }

    @Test
    void moreTasksAddHeadsButNoOptimizerCalls() {
        String[] common = {"bench", "--part", "FULL", "--profile", "--model", "DEMO", "--batch", "12", "--length", "8",
            "--warmup", "0", "--steps", "1", "--tasks"};
        String three = run(concat(common, "3"));
        String twelve = run(concat(common, "12"));
        // each head is a group of the buffer, updated by the same one kernel call
        assertEquals(optimizerCalls(three), optimizerCalls(twelve), three + "\n" + twelve);
        assertTrue(wholeStepCalls(twelve) > wholeStepCalls(three) + 9 * 10, "nine more heads' work:\n" + twelve);
    }

    private static int wholeStepCalls(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("native calls whole step\\s+(\\d+) ops").matcher(out);
        assertTrue(m.find(), out);
        return Integer.parseInt(m.group(1));
    }

    private static String[] concat(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }
}
