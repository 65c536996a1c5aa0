package io.github.prefine.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.examples.cli.PrefineCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bench's wiring on a one-layer model: every part runs and prints its lines (no timing is checked). */
class BenchCommandTest {

    /** Warm-ups of at most 3 steps: how auto ends within its limits is WarmupRuleTest's; here, that each part runs it. */
    private static final WarmupRule.Limits SHORT_AUTO = new WarmupRule.Limits(1, 2, 0, 0, 0.01, 3, 60, 3);

    /** The output of each bench run, by its arguments and heads setting: several cases read the same run. */
    private static final Map<List<String>, String> RUNS = new ConcurrentHashMap<>();

    @BeforeAll
    static void shortAutoWarmUps() {
        Warmup.autoLimits = SHORT_AUTO;
    }

    @AfterAll
    static void benchAutoWarmUps() {
        Warmup.autoLimits = WarmupRule.BENCH;
    }

    /** {@link #run}, once for each arguments and heads setting in this class. */
    private static String runOnce(String... args) {
        List<String> key = new ArrayList<>(List.of(args));
        key.add("prefine.heads=" + System.getProperty("prefine.heads"));
        return RUNS.computeIfAbsent(key, k -> run(args));
    }

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
        assertTrue(out.contains("warm-up (encoder and BertBlock pairs): --warmup 0, 0.00 s"), out);
        Matcher m = Pattern.compile("encoder vs BertBlock +median ([0-9.]+)x over 3 pairs, min ([0-9.]+)x, max ([0-9.]+)x")
                .matcher(out);
        assertTrue(m.find(), out);
        double median = Double.parseDouble(m.group(1));
        assertTrue(Double.parseDouble(m.group(2)) <= median && median <= Double.parseDouble(m.group(3)), out);
    }

    @Test
    void dataPartReadsFeaturizesAndScoresEachTaskAndSaysWhatItSkipped() {
        Path data = SharedFixtures.require("data");
        Path tokenizer = SharedFixtures.require("models/all-MiniLM-L6-v2/tokenizer.json");
        String out = run("bench", "--part", "DATA", "--data", data.toString(), "--tokenizer", tokenizer.toString(),
                "--task", "wnli,qed", "--task", "squad");
        // data/SOURCES.md: WNLI has 635 training and 71 validation pairs, QED 1,355 lines
        Matcher wnli = Pattern.compile("(?m)^wnli +(\\d+) +(\\d+) +(\\d+) ").matcher(out);
        assertTrue(wnli.find(), out);
        assertEquals(635 + 71, Integer.parseInt(wnli.group(1)), out);
        assertEquals(635 + 71, Integer.parseInt(wnli.group(2)), out);
        assertEquals(0, Integer.parseInt(wnli.group(3)), out);
        Matcher qed = Pattern.compile("(?m)^qed +(\\d+) +(\\d+) +(\\d+) .*(\\{.*})$").matcher(out);
        assertTrue(qed.find(), out);
        assertEquals(1355, Integer.parseInt(qed.group(1)) + Integer.parseInt(qed.group(3)), out);
        assertTrue(Integer.parseInt(qed.group(2)) >= Integer.parseInt(qed.group(1)), "a question has at least one window: " + out);
        assertTrue(qed.group(4).contains("no single-span answer"), out);
        // the SQuAD training file is not in the shared data: the task is left out, saying why
        assertTrue(out.contains("squad              left out: task squad: no training examples"), out);
        assertTrue(out.contains("all 2 tasks: " + (635 + 71 + Integer.parseInt(qed.group(1))) + " examples"), out);
    }

    @Test
    void dataPartRefusesAnUnknownTaskNamingTheOption() {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = PrefineCli.execute("bench", "--part", "DATA", "--data", ".", "--tokenizer", "pom.xml", "--task", "nosuch");
        } finally {
            System.setErr(old);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, text);
        assertTrue(text.contains("prefine bench: --task: the catalog has no task named 'nosuch'"), text);
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
    void aLengthBeyondTheEncodersPositionsIsRefusedNamingTheOptionBeforeAnyWork() {
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            // the demo model has 128 positions
            code = PrefineCli.execute("bench", "--model", "DEMO", "--batch", "2", "--length", "129", "--steps", "1");
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, text);
        assertTrue(text.contains("prefine bench: --length: expected at most 128"), text);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing measured or printed before the refusal");
    }

    /** One profiled run of every part of ALL, each warmed up automatically; two cases read it. */
    private static String all() {
        return runOnce("bench", "--part", "ALL", "--profile", "--layers", "1", "--batch", "3", "--length", "8", "--warmup",
                "auto", "--steps", "1");
    }

    @Test
    void allPrintsTheEncoderBertBlockAndFullStepWithPhases() {
        String out = all();
        for (String line : new String[] {"encoder fwd+bwd", "djl BertBlock fwd+bwd", "full step (MIXED)",
            "phase optimizer (clip+AdamW)", "native calls optimizer", "native calls from Java", "native calls evaluation forward",
            // the evaluation count is of the bench batch's mixed tasks, not of a (one-task) evaluation batch
            "(the bench batch's tasks, forward as in evaluation; an evaluation batch holds one task)", "peak device memory",
            // what the step ran with on this CPU
            "full step: fused AdamW optimiser, explicit attention without a mask (no padding), batch upload direct (one copy per array), "
                + "3 tasks, heads stacked by kind"}) {
            assertTrue(out.contains(line), line + " missing:\n" + out);
        }
    }

    /** The line of an automatic warm-up: its steps, seconds, compile time seen and why it ended. */
    private static final String AUTO_LINE = "warm-up \\(%s\\): auto, (\\d+) steps, [0-9.]+ s, JIT compilation \\d+ ms during"
            + " them; ended: (JIT idle|step cap|time cap)";

    @Test
    void byDefaultEachPartWarmsUpUntilTheJitIsIdleAndSaysHowTheWarmUpEnded() {
        // no --warmup: auto is the default
        String forward = run("bench", "--part", "FORWARD", "--model", "DEMO", "--layers", "1", "--batch", "1", "--length",
                "3", "--steps", "2");
        Matcher m = Pattern.compile(String.format(AUTO_LINE, "encoder forward")).matcher(forward);
        assertTrue(m.find(), forward);
        assertTrue(Integer.parseInt(m.group(1)) >= 1, forward);
        // the line comes before the figure it qualifies
        assertTrue(forward.indexOf("encoder forward (inference)") > m.end(), forward);
    }

    @Test
    void autoWarmsUpEveryPartOfAll() {
        String out = all();
        for (String part : new String[] {"encoder fwd\\+bwd", "djl BertBlock fwd\\+bwd", "full step"}) {
            assertTrue(Pattern.compile(String.format(AUTO_LINE, part)).matcher(out).find(), part + ":\n" + out);
        }
    }

    /** Runs a one-step profiled full step of the demo model at batch 12 with extra options. */
    private static String profiledStep(String... extra) {
        String[] common = {"bench", "--part", "FULL", "--profile", "--model", "DEMO", "--batch", "12", "--length", "8",
            "--warmup", "0", "--steps", "1"};
        String[] args = java.util.Arrays.copyOf(common, common.length + extra.length);
        System.arraycopy(extra, 0, args, common.length, extra.length);
        return runOnce(args);
    }

    /** The operation count a profile prints for a phase ("optimizer", "whole step"). */
    private static long calls(String out, String phase) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("native calls " + phase + "\\s+(\\d+) ops").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    @Test
    void theOptimizerMakesAsManyNativeCallsWhateverTheNumberOfParameterTensors() {
        String one = profiledStep("--layers", "1");
        String four = profiledStep("--layers", "4");
        // 4 layers hold 36 more parameter tensors than 1; a per-tensor update would make hundreds more calls
        assertEquals(calls(one, "optimizer"), calls(four, "optimizer"), one + "\n" + four);
    }

    @Test
    void moreTasksAddHeadsButNoOptimizerCalls() {
        String three = separateHeads(() -> profiledStep("--tasks", "3"));
        String twelve = separateHeads(() -> profiledStep("--tasks", "12"));
        // each head is a group of the buffer, updated by the same one kernel call
        assertEquals(calls(three, "optimizer"), calls(twelve, "optimizer"), three + "\n" + twelve);
        assertTrue(calls(twelve, "whole step") > calls(three, "whole step") + 9 * 10, "nine more heads' work:\n" + twelve);
    }

    @Test
    void stackedHeadsKeepTheStepsOperationsNearlyFlatInTheNumberOfTasks() {
        long three = calls(profiledStep("--tasks", "3"), "whole step");
        String twelve = profiledStep("--tasks", "12");
        long separate = calls(separateHeads(() -> profiledStep("--tasks", "12")), "whole step");
        // three tasks: one head of each kind, nothing to stack; twelve: four of each kind, which
        // one by one add some thirty operations a head, stacked a few views (the concatenations'
        // backward) a head
        assertEquals(three, calls(separateHeads(() -> profiledStep("--tasks", "3")), "whole step"));
        assertTrue(calls(twelve, "whole step") - three < (separate - three) / 2,
                "stacked " + calls(twelve, "whole step") + ", separate " + separate + ", three tasks " + three);
    }

    @Test
    void aBatchWithoutPaddingRunsTheAttentionWithoutAMask() {
        String unpadded = profiledStep("--layers", "4");
        String padded = profiledStep("--layers", "4", "--padded");
        assertTrue(unpadded.contains("attention without a mask (no padding)"), unpadded);
        assertTrue(padded.contains("attention with a padding mask"), padded);
        // the mask's bias is made once a step and added in each of the 4 layers' attention
        assertTrue(calls(padded, "forward") >= calls(unpadded, "forward") + 4, unpadded + "\n" + padded);
        assertEquals(calls(padded, "optimizer"), calls(unpadded, "optimizer"));
    }

    private static String separateHeads(java.util.function.Supplier<String> body) {
        String before = System.setProperty("prefine.heads", "separate");
        try {
            return body.get();
        } finally {
            if (before == null) {
                System.clearProperty("prefine.heads");
            } else {
                System.setProperty("prefine.heads", before);
            }
        }
    }

    /** The bench's tiny full step: one-layer demo BERT, token, sequence and span tasks, fp32. */
    private static final String[] TINY_LEAK_CHECK = {"bench", "--part", "FULL", "--model", "DEMO", "--layers", "1",
        "--batch", "3", "--length", "8", "--warmup", "2", "--steps", "3", "--precision", "fp32", "--leak-check"};

    private static int liveInModel(String out, String when) {
        Matcher m = Pattern.compile("live arrays after " + when + "[^:]*: (\\d+) in the model's manager").matcher(out);
        assertTrue(m.find(), out);
        return Integer.parseInt(m.group(1));
    }

    /*
     * The model's manager after the warm-up, counted by hand for the one-layer demo BERT with a
     * token, a sequence and a span head: 25 parameter tensors (embeddings: word, position, type,
     * LayerNorm's 2; the layer: fused qkv weight and bias, attention output weight and bias,
     * LayerNorm's 2, intermediate and output weight and bias, LayerNorm's 2; token head 2, sequence
     * head pooler 2 and classifier 2, span head 2), each a view of 1 flat float32 buffer; AdamW's
     * state: the two moments in 1 buffer and its 2 halves, 8 parameter groups (decayed and not, for
     * the encoder and each head) each as 3 views (weights, first and second moment), 1 step count
     * per module (encoder and 3 heads: one array), 4 device constants; the step's state 2 (its loss
     * scale and step number).
     */
    @Test
    void leakCheckCountsTheModelsArraysAsDerivedByHandAndFindsNoLeak() {
        String out = run(TINY_LEAK_CHECK);
        int expected = 25 + 1 + (1 + 2) + 8 * 3 + 1 + 4 + 2;
        assertEquals(expected, liveInModel(out, "the first count"), out);
        assertEquals(expected, liveInModel(out, "the last timed step"), out);
        assertTrue(out.contains("no leak: the 3 timed steps after the first count left no array in either"), out);
        Matcher engine = Pattern.compile("(\\d+) in the engine").matcher(out);
        assertTrue(engine.find(), out);
        assertTrue(Integer.parseInt(engine.group(1)) >= expected, "the engine's count includes the model's: " + out);
    }

    /*
     * --warmup 0 is allowed: the first step makes the optimiser's moments, the step's state and the
     * engine's shared constants, which every later step reuses. Counting before it would call those
     * a leak; the first count waits for two steps, and only the steps after it are compared.
     */
    @Test
    void leakCheckWithoutWarmupCountsFirstAfterTwoStepsAndComparesTheRest() {
        String[] args = TINY_LEAK_CHECK.clone();
        args[java.util.Arrays.asList(args).indexOf("--warmup") + 1] = "0";
        String out = run(args);
        int expected = 25 + 1 + (1 + 2) + 8 * 3 + 1 + 4 + 2;
        assertEquals(expected, liveInModel(out, "the first count"), out);
        assertEquals(expected, liveInModel(out, "the last timed step"), out);
        assertTrue(out.contains("no leak: the 1 timed steps after the first count left no array in either"), out);
    }

    @Test
    void leakCheckFindsAnArrayAStepLeftInTheModelsManagerAndExitsWithOne() {
        BenchCommand bench = new BenchCommand();
        // as a step that leaked would: one float32 scalar left in the model's manager
        bench.afterTimedSteps = m -> m.create(1f);
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            String[] args = java.util.Arrays.copyOfRange(TINY_LEAK_CHECK, 1, TINY_LEAK_CHECK.length);
            code = new CommandLine(bench).execute(args);
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, out);
        assertEquals(liveInModel(out, "the first count") + 1, liveInModel(out, "the last timed step"), out);
        assertTrue(out.contains("LEAK: the 3 timed steps after the first count left +1 arrays in the model's manager {"), out);
        assertTrue(out.contains(" float32()=1} and +1 in the engine {"), out);
    }
}
