package io.github.prefine.core.train;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.model.TestHeads;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.testing.ServingChild;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM for {@link TrainerStoppingTest}, so the parent reads the trainer's INFO lines as
 * slf4j-simple wrote them; one child serves all the class's runs (see {@link #main}). Each run
 * trains a tiny encoder on a keyword rule whose validation labels are flipped, so that learning
 * the training rule raises the validation loss, with patience 2, the epoch limit given and
 * checkpoints in the folder given; then prints the result on one line.
 */
final class TrainerStoppingChild {
    static final SyntheticTasks TASKS = new SyntheticTasks(23, 64, 16, TestHeads.Kind.SEQUENCE);

    /** The tasks with each validation label flipped. */
    static final BatchSource RISING = new BatchSource() {
        @Override
        public int numTasks() {
            return TASKS.numTasks();
        }

        @Override
        public List<String> taskNames() {
            return TASKS.taskNames();
        }

        @Override
        public int size(int task, Split split) {
            return TASKS.size(task, split);
        }

        @Override
        public MultiTaskBatch assemble(Split split, int[] tasks, int[] examples) {
            MultiTaskBatch b = TASKS.assemble(split, tasks, examples);
            if (split != Split.VALIDATION) {
                return b;
            }
            List<TaskSlice> flipped = new ArrayList<>();
            for (TaskSlice s : b.slices()) {
                int[] labels = s.labels().clone();
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = 1 - labels[i];
                }
                flipped.add(new TaskSlice(s.task(), s.rows(), s.exampleIndices(), labels, s.labelShape()));
            }
            return new MultiTaskBatch(b.rows(), b.seqLen(), b.inputIds(), b.attentionMask(), b.tokenTypeIds(), flipped);
        }
    };

    private TrainerStoppingChild() {}

    /**
     * Serves the runs its standard input asks for, one a line, until that input ends: each line is a
     * run's name, its epoch limit, its checkpoint folder and its schedule's epochs (0: the limit; a
     * resume under another limit keeps the recorded schedule with it). A run prints {@code begin
     * NAME}, trains, and prints {@code result: stoppedEarly=B epochs=N best=E rising=B} and {@code end
     * NAME} (or its stack trace and {@code failed NAME}). One JVM serves every run of the test class.
     *
     * @param args none
     * @throws Exception if standard input cannot be read
     */
    public static void main(String[] args) throws Exception {
        ServingChild.serve(run -> fit(Integer.parseInt(run[0]), Path.of(run[1]), Integer.parseInt(run[2])));
    }

    private static void fit(int maxEpochs, Path checkpoints, int scheduleEpochs) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TASKS, 4);
                Trainer trainer = Trainer.builder().setModel(model).setData(RISING).optBatchSize(16)
                        .optLearningRate(1e-2).optPatience(2).optMaxEpochs(maxEpochs).optScheduleEpochs(scheduleEpochs)
                        .optName("rising").optCheckpointDir(checkpoints).build()) {
            FitResult r = trainer.fit();
            boolean rising = true;
            for (int e = 1; e < r.epochs().size(); e++) {
                rising &= r.epochs().get(e).averageValidationLoss() > r.epochs().get(e - 1).averageValidationLoss();
            }
            System.out.println("result: stoppedEarly=" + r.stoppedEarly() + " epochs=" + r.epochs().size() + " best="
                    + r.bestEpoch() + " rising=" + rising);
        }
    }
}
