package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.features.FeaturizationProgress;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.train.EvaluationProgress;
import io.github.prefine.core.train.EvaluationProgress.Pass;
import io.github.prefine.core.train.StepReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TrainingProgressTest {
    @Test
    void validationAndPredictionPassesGetABarOfTheirOwn() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ConsoleProgress bar = new ConsoleProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), false, now::get);
        TrainingProgress progress = new TrainingProgress(bar, "run");
        now.set(2_000_000_000L);
        progress.onSteps(new StepReport(0, 10, 10, 10, 0.5, 1e-3, 80, 2.0)); // the epoch's last steps
        progress.onEvaluation(new EvaluationProgress(Pass.VALIDATION_LOSS, "tags", Split.VALIDATION, 0, 8, 0));
        now.addAndGet(1_000_000_000L);
        progress.onEvaluation(new EvaluationProgress(Pass.VALIDATION_LOSS, "tags", Split.VALIDATION, 4, 8, 1));
        now.addAndGet(1_000_000_000L); // 8 units in 2 s
        progress.onEvaluation(new EvaluationProgress(Pass.VALIDATION_LOSS, "pairs", Split.VALIDATION, 8, 8, 2));
        progress.onEvaluation(new EvaluationProgress(Pass.PREDICTION, "pairs", Split.TEST, 0, 3, 0));
        now.addAndGet(500_000_000L);
        progress.onEvaluation(new EvaluationProgress(Pass.PREDICTION, "pairs", Split.TEST, 3, 3, 0.5));
        assertEquals(List.of(
                "run epoch 1 [############################] 100% 10/10 steps | 5.0 steps/s | ETA 00:00 | loss 0.5000 | 80 ex/s",
                // a log file gets no line for the start at 0; 4 in 1 s, 4 left: 1 s
                "run validation epoch 1 [##############..............]  50% 4/8 units | 4.0 units/s | ETA 00:01 | tags",
                // within the 5 s between lines of a log file, but the completed bar is always drawn
                "run validation epoch 1 [############################] 100% 8/8 units | 4.0 units/s | ETA 00:00 | pairs",
                "run predict pairs test [############################] 100% 3/3 units | 6.0 units/s | ETA 00:00"),
                List.of(buf.toString(StandardCharsets.UTF_8).split("\n")));
    }

    @Test
    void eachFeaturizedSplitGetsABarInExamplesPerSecond() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ConsoleProgress bar = new ConsoleProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), false, now::get);
        FeaturizationListener listener = TrainingProgress.featurization(bar);
        listener.onFeaturization(new FeaturizationProgress("conll2003-en/train", 0, 3000));
        now.addAndGet(2_000_000_000L);
        listener.onFeaturization(new FeaturizationProgress("conll2003-en/train", 1024, 3000));
        now.addAndGet(1_000_000_000L); // within the 5 s between lines of a log file: not drawn
        listener.onFeaturization(new FeaturizationProgress("conll2003-en/train", 2048, 3000));
        now.addAndGet(1_000_000_000L);
        listener.onFeaturization(new FeaturizationProgress("conll2003-en/train", 3000, 3000));
        listener.onFeaturization(new FeaturizationProgress("conll2003-en/test", 0, 0)); // an empty split draws nothing
        listener.onFeaturization(new FeaturizationProgress("conll2003-en/validation", 0, 700));
        now.addAndGet(500_000_000L);
        listener.onFeaturization(new FeaturizationProgress("conll2003-en/validation", 700, 700));
        assertEquals(List.of(
                // 1024 in 2 s = 512.0 ex/s; 1976 left: 3.86 s
                "featurize conll2003-en/train [##########..................]  34% 1024/3000 ex | 512.0 ex/s | ETA 00:03",
                "featurize conll2003-en/train [############################] 100% 3000/3000 ex | 750.0 ex/s | ETA 00:00",
                "featurize conll2003-en/validation [############################] 100% 700/700 ex | 1400.0 ex/s | ETA 00:00"),
                List.of(buf.toString(StandardCharsets.UTF_8).split("\n")));
    }

    /**
     * The grid's listeners redraw the run's status after each epoch but a run's last, with the
     * ETA the epochs give. Hand-computed: one pre-finetuning run of at most 4 epochs makes a unit;
     * after its first epoch, 30 s in, a quarter of the first of 4 units is done: 30 / 0.25 = 120 s
     * a unit, times 3.75 left, 450 s.
     */
    @Test
    void theRunStatusIsDrawnAgainAfterEachEpochButTheLastWithTheEtaItGives(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path out) {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ConsoleProgress bar = new ConsoleProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), false, now::get);
        RunStatus status = new RunStatus(out, 4, now::get, new RunStatus.Shape(1, 4, 1, 4));
        io.github.prefine.core.train.TrainingListener run = TrainingProgress.withStatus(bar, status)
                .apply(TrainingProgress.PREFINETUNING_LABEL + "SL lr 0.001");
        for (int epoch = 0; epoch < 4; epoch++) {
            now.addAndGet(30_000_000_000L);
            run.onSteps(new StepReport(epoch, 10, 10, 10L * (epoch + 1), 0.5, 1e-3, 80, 30.0));
            run.onEpoch(new io.github.prefine.core.train.EpochReport(epoch, List.of(0.4), 0.4, true, 30.0, 100));
        }
        List<String> lines = List.of(buf.toString(StandardCharsets.UTF_8).split("\n")).stream()
                .filter(l -> l.startsWith("run: ")).toList();
        assertEquals(List.of(
                "run: 0/4 units done, 4 left | elapsed 00:00:00 | ETA --:--",
                "run: 0/4 units done, 4 left | elapsed 00:00:30 | ETA 00:07:30",
                // 60 s for half a unit: 120 s a unit, 3.5 left
                "run: 0/4 units done, 4 left | elapsed 00:01:00 | ETA 00:07:00",
                // 90 s for 0.75: 120 s a unit, 3.25 left
                "run: 0/4 units done, 4 left | elapsed 00:01:30 | ETA 00:06:30"), lines);
    }
}
