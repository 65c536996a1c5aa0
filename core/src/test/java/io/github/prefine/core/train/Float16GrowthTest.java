package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.model.TestHeads;
import org.junit.jupiter.api.Test;

/**
 * A projection weight that grows past float16's range while an FP16_MIXED run trains: its float16
 * copy is infinite, every step overflows whatever the loss scale, and the run ends as diverged;
 * the exception names the weight and what to train in, where it said only "lower the learning rate
 * or train in fp32" (the check at build cannot see a weight that grows later).
 */
class Float16GrowthTest {
    @Test
    void aWeightGrownPastFloat16sRangeIsNamedWhenTheRunDiverges() throws Exception {
        // 2 tasks x 100 examples at batch 4: 50 steps an epoch, so the 50-step streak ends the second
        SyntheticTasks tasks = new SyntheticTasks(5, 100, 8, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = tasks.model(root, 0f, tasks::testHead);
                Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optBatchSize(4).optMaxEpochs(3)
                        .optLearningRate(1e-3).optLogEvery(10).optPrecision(Precision.FP16_MIXED).build()) {
            NamedParameter grown = model.encoderParameters().stream()
                    .filter(p -> model.halfPrecisionParameters().contains(p.parameter())).findFirst().orElseThrow();
            // the build saw nothing past the range; the weight grows after it, as training could make it
            grown.parameter().getArray().set(new NDIndex(0), 70000f);
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, trainer::fit);
            assertTrue(e.getMessage().contains("the last " + LossWatch.OVERFLOW_LIMIT + " steps all overflowed float16"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("; " + grown.key() + " (values up to 70000.0 in magnitude) grew past"
                    + " float16's largest finite value 65504 while training, so its float16 copy is infinite: train in"
                    + " BF16_MIXED (float32's range) or FLOAT32"), e.getMessage());
            assertTrue(e.getMessage().startsWith(e.getCause().getMessage()), "the same step, epoch and reason first");
        }
    }
}
