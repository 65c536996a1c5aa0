package io.github.prefine.examples.cli;

import static io.github.prefine.examples.cli.RunStatusLearnedEpochsTest.history;
import static io.github.prefine.examples.cli.RunStatusLearnedEpochsTest.record;
import static io.github.prefine.examples.cli.RunStatusLearnedEpochsTest.trial;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.train.StepReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run status trace replays against its recorded clock and the output folder's modification
 * times: the replay draws the lines the run drew, and sets each ETA against the time really left
 * until the last unit's record. The plan is {@link RunStatusLearnedEpochsTest}'s: a pre-finetuning
 * unit of 100 work (one run, 10 epochs), three finetuning units of 40 (two runs of 10 epochs, 2 an
 * epoch). Every figure below is worked by hand.
 */
class RunStatusReplayTest {
    private static final long S = 1_000_000_000L;
    private static final RunStatus.Shape SHAPE = RunStatusLearnedEpochsTest.SHAPE;
    private static final List<PlannedWork.Unit> PLAN = RunStatusLearnedEpochsTest.PLAN;

    /**
     * The pre-finetuning trains 5 epochs of 10 s from 0 s and stops; its records appear at 50 s,
     * when target a's seed 1 starts: 50 work in 50 s, 1 s a work; the 6 finetuning runs at their
     * limit are 120 work, ETA 120 s. Target a's runs stop at 4 epochs each and its record appears
     * at 60 s, b's at 80 s, c's at 90 s: the run ends at 90 s, 40 s after the first line (ratio
     * 120 / 40 = 3). At 70 s, with a ended: 50 + 2 x 4 x 2 = 66 work in 70 s; finetuning runs
     * train 8 / 20 of the limit, so b and c have 2 x 2 x 4 x 2 = 32 left: 33.9 s, shown as 33 s,
     * against 20 s left (1.65). The second line is in the middle tenth (20 s of 40); it stands 0 s
     * and the first 20 s, so the time-weighted |log2 ratio| is log2 3 = 1.585.
     */
    @Test
    void aHandWrittenTraceReplaysToTheRatiosWorkedByHand(@TempDir Path tmp) throws IOException {
        // a trace's counts as RunStatus writes them, numbers, and as traces before wrote them, strings
        for (boolean strings : new boolean[] {false, true}) {
            replaysToTheRatiosWorkedByHand(Files.createDirectories(tmp.resolve(strings ? "strings" : "numbers")), strings);
        }
    }

    private static void replaysToTheRatiosWorkedByHand(Path tmp, boolean strings) throws IOException {
        long wall = 1_700_000_000_000L;
        Path folder = Files.createDirectories(tmp.resolve("out"));
        List<String> trace = new ArrayList<>();
        trace.add("{\"e\":\"start\",\"wallMillis\":" + wall + ",\"total\":4,\"processes\":1,\"shape\":[1,10,2,10,0],"
                + "\"units\":[{\"id\":\"prefinetune-SL\",\"labelPrefix\":\"pre-finetune SL lr \",\"work\":100,"
                + "\"runFolders\":[\"prefinetune/SL\"]}," + unit("a") + "," + unit("b") + "," + unit("c") + "],\"t\":0}");
        trace.add("{\"e\":\"run\",\"label\":\"pre-finetune SL lr 0.001\",\"t\":0}");
        // a run that starts afresh: no epoch done, which changes none of the figures
        trace.add("{\"e\":\"resumed\",\"epochs\":" + (strings ? "\"0\"" : "0") + ",\"t\":0}");
        for (int epoch = 0; epoch < 5; epoch++) {
            long t = (epoch + 1) * 10 * S;
            trace.add("{\"e\":\"steps\",\"epoch\":" + epoch + ",\"step\":1,\"steps\":1,\"elapsed\":10.0,\"t\":" + t + "}");
            trace.add("{\"e\":\"epoch\",\"epoch\":" + (strings ? "\"" + epoch + "\"" : epoch) + ",\"t\":" + t + "}");
        }
        trace.add("{\"e\":\"run\",\"label\":\"SL → a seed 1 lr 0.003\",\"t\":" + 50 * S + "}");
        trace.add("{\"e\":\"line\",\"line\":\"as drawn at 50 s\",\"t\":" + 50 * S + "}");
        trace.add("{\"e\":\"line\",\"line\":\"as drawn at 70 s\",\"t\":" + 70 * S + "}");
        Path traceFile = Files.write(tmp.resolve("trace.jsonl"), trace);
        at(history(folder, "SL", 5), wall, 50);
        at(record(folder, "prefinetune-SL"), wall, 50);
        at(trial(folder, "run-SL-a-seed1", 4), wall, 60);
        at(trial(folder, "run-SL-a-seed2", 4), wall, 60);
        at(record(folder, "run-SL-a"), wall, 60);
        at(record(folder, "run-SL-b"), wall, 80);
        at(record(folder, "run-SL-c"), wall, 90);

        List<RunStatusReplay.Sample> samples = RunStatusReplay.replay(traceFile, folder, Files.createDirectories(tmp.resolve("w")));
        assertEquals(List.of("run: 1/4 units done, 3 left | elapsed 00:00:50 | ETA 00:02:00",
                "run: 2/4 units done, 2 left | elapsed 00:01:10 | ETA 00:00:33"),
                samples.stream().map(RunStatusReplay.Sample::replayed).toList());
        assertEquals(3.0, samples.get(0).ratio(), 1e-12);
        assertEquals(1.65, samples.get(1).ratio(), 1e-12);
        String report = RunStatusReplay.report(samples);
        assertEquals(List.of("tenth 0: n=1 min 3.00 median 3.00 max 3.00", "tenth 5: n=1 min 1.65 median 1.65 max 1.65",
                "whole (>= 3 s left): n=2 median 2.33, in [0.75, 1.3] 0% of the time, mean |log2 ratio| 1.585"),
                report.lines().filter(l -> !l.endsWith(": -")).toList());
    }

    /**
     * A status traced while it runs ({@link RunStatus#traceTo}) replays to the very lines it drew,
     * the folder's files appearing at their modification times: the same run as above, told
     * through the status itself with a fake clock.
     */
    @Test
    void aTracedStatusReplaysToTheLinesItDrew(@TempDir Path tmp) throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("out"));
        Path traceFile = tmp.resolve("trace.jsonl");
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(folder, 4, now::get, SHAPE, PLAN, 1).traceTo(traceFile);
        long wall = JsonParser.parseString(Files.readAllLines(traceFile).get(0)).getAsJsonObject().get("wallMillis").getAsLong();
        List<String> drawn = new ArrayList<>();
        s.runStarted("pre-finetune SL lr 0.001");
        for (int epoch = 0; epoch < 5; epoch++) {
            now.set((epoch + 1) * 10 * S);
            s.steps(new StepReport(epoch, 1, 1, epoch + 1, 0.5, 1e-3, 100, 10));
            s.epochEnded(epoch);
        }
        at(history(folder, "SL", 5), wall, 50);
        at(record(folder, "prefinetune-SL"), wall, 50);
        s.runStarted("SL → a seed 1 lr 0.003");
        drawn.add(s.line());
        now.set(60 * S);
        at(trial(folder, "run-SL-a-seed1", 4), wall, 60);
        at(trial(folder, "run-SL-a-seed2", 4), wall, 60);
        at(record(folder, "run-SL-a"), wall, 60);
        now.set(70 * S);
        drawn.add(s.line());
        at(record(folder, "run-SL-b"), wall, 80);
        at(record(folder, "run-SL-c"), wall, 90);

        // the counts of resumed (the first step's epoch) and epoch events are JSON numbers, not strings
        List<String> counts = new ArrayList<>();
        for (String line : Files.readAllLines(traceFile)) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            String e = o.get("e").getAsString();
            if (e.equals("resumed") || e.equals("epoch")) {
                JsonElement n = o.get(e.equals("resumed") ? "epochs" : "epoch");
                counts.add(e + " " + (n.getAsJsonPrimitive().isNumber() ? "number " : "not a number ") + n);
            }
        }
        assertEquals(List.of("resumed number 0", "epoch number 0", "epoch number 1", "epoch number 2", "epoch number 3",
                "epoch number 4"), counts);
        List<RunStatusReplay.Sample> samples = RunStatusReplay.replay(traceFile, folder, Files.createDirectories(tmp.resolve("w")));
        assertEquals(drawn, samples.stream().map(RunStatusReplay.Sample::recorded).toList());
        assertEquals(drawn, samples.stream().map(RunStatusReplay.Sample::replayed).toList());
        assertEquals(List.of(40.0, 20.0), samples.stream().map(RunStatusReplay.Sample::leftSeconds).toList());
    }

    /** A count that is neither a whole number nor a string of digits is refused naming the trace's line and member. */
    @Test
    void aCountOfAnotherKindIsRefusedNamingTheLine(@TempDir Path tmp) throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("out"));
        Path traceFile = Files.write(tmp.resolve("trace.jsonl"), List.of("{\"e\":\"start\",\"wallMillis\":0,\"total\":4,"
                + "\"processes\":1,\"units\":[],\"t\":0}", "{\"e\":\"run\",\"label\":\"pre-finetune SL lr 0.001\",\"t\":0}",
                "{\"e\":\"epoch\",\"epoch\":1.5,\"t\":0}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunStatusReplay.replay(traceFile, folder, Files.createDirectories(tmp.resolve("w"))));
        assertEquals(traceFile + ":3: epoch: expected an integer from -2147483648 to 2147483647, without a fraction or"
                + " exponent (a string of its digits in a trace written before), found 1.5", e.getMessage());
    }

    /**
     * The trace is a debugging aid: when it can no longer be written (a full disk, the file made a
     * folder) the status stops tracing and the run goes on; the failure aborted the training run.
     */
    @Test
    void aTraceThatCannotBeWrittenStopsTracingNotTheRun(@TempDir Path tmp) throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("out"));
        Path traceFile = tmp.resolve("trace.jsonl");
        AtomicLong now = new AtomicLong(0);
        RunStatus s = new RunStatus(folder, 4, now::get, SHAPE, PLAN, 1).traceTo(traceFile);
        Files.delete(traceFile);
        Files.createDirectory(traceFile);
        s.runStarted("pre-finetune SL lr 0.001");
        now.set(10 * S);
        s.steps(new StepReport(0, 1, 1, 1, 0.5, 1e-3, 100, 10));
        s.epochEnded(0);
        assertTrue(s.line().startsWith("run: 0/4 units done"), s.line());
        assertTrue(Files.isDirectory(traceFile));
        try (var left = Files.list(traceFile)) {
            assertEquals(0, left.count());
        }
    }

    private static String unit(String target) {
        return "{\"id\":\"run-SL-" + target + "\",\"labelPrefix\":\"SL → " + target + " seed \",\"work\":40,\"runFolders\":"
                + "[\"finetune/run-SL-" + target + "-seed1\",\"finetune/run-SL-" + target + "-seed2\"]}";
    }

    /** Dates a file {@code seconds} after the wall-clock start. */
    private static void at(Path file, long wallMillis, long seconds) throws IOException {
        Files.setLastModifiedTime(file, FileTime.fromMillis(wallMillis + seconds * 1000));
    }
}
