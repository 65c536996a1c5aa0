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
}
