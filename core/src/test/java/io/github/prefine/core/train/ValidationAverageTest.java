package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.TestHeads;
import io.github.prefine.core.task.Split;
import org.junit.jupiter.api.Test;

/**
 * The paper stops pre-finetuning on the average per-task validation loss: the mean over tasks of
 * each task's mean loss, not the mean over all validation examples pooled. Two classification
 * tasks with 32 and 4 validation examples tell the two apart; each task's loss is checked against
 * cross entropy computed here from the model's own logits.
 */
class ValidationAverageTest {
    private static final int BIG = 32;
    private static final int SMALL = 4;

    /** The synthetic tasks with task 1's validation split cut to its first {@link #SMALL} examples. */
    private static BatchSource unequalValidation(SyntheticTasks tasks) {
        return new ResizedSource(tasks, (task, split, n) -> task == 1 && split == Split.VALIDATION ? SMALL : n);
    }

    /** Mean over a task's validation examples of -log softmax(logits)[gold], in double. */
    private static double crossEntropy(Trainer trainer, BatchSource data, int task) {
        TaskPredictions p = trainer.predict(task, Split.VALIDATION);
        double sum = 0;
        for (int i = 0; i < p.logits().size(); i++) {
            float[] z = p.logits().get(i);
            int gold = data.assemble(Split.VALIDATION, new int[] {task}, new int[] {i}).slices().get(0).labels()[0];
            double max = Math.max(z[0], z[1]);
            double logSum = max + Math.log(Math.exp(z[0] - max) + Math.exp(z[1] - max));
            sum += logSum - z[gold];
        }
        return sum / p.logits().size();
    }

    @Test
    void earlyStoppingAveragesEachTasksMeanLossNotThePooledExamples() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(31, 48, BIG, TestHeads.Kind.SEQUENCE, TestHeads.Kind.SEQUENCE);
        BatchSource data = unequalValidation(tasks);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, tasks, 3);
                Trainer trainer = Trainer.builder().setModel(model).setData(data).optBatchSize(16)
                        .optLearningRate(1e-2).optMaxEpochs(3).build()) {
            FitResult fit = trainer.fit();
            for (EpochReport e : fit.epochs()) {
                double[] v = e.validationLosses().stream().mapToDouble(Double::doubleValue).toArray();
                assertEquals((v[0] + v[1]) / 2, e.averageValidationLoss(), 1e-12, "epoch " + e.epoch());
            }
            // the model now holds the best epoch's weights, whose losses the fit recorded
            double[] best = fit.epochs().get(fit.bestEpoch()).validationLosses().stream()
                    .mapToDouble(Double::doubleValue).toArray();
            double big = crossEntropy(trainer, data, 0);
            double small = crossEntropy(trainer, data, 1);
            assertEquals(big, best[0], 1e-5, "task 0: the mean over its 32 validation examples");
            assertEquals(small, best[1], 1e-5, "task 1: the mean over its 4 validation examples");
            assertEquals((big + small) / 2, fit.bestAverageValidationLoss(), 1e-5);
            double pooled = (BIG * big + SMALL * small) / (BIG + SMALL);
            // the two means must differ for the check above to tell them apart
            assertTrue(Math.abs(pooled - (big + small) / 2) > 1e-3, "pooled " + pooled + ", per task " + big
                    + " and " + small);
        }
    }
}
