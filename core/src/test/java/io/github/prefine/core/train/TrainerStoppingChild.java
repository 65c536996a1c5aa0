package io.github.prefine.core.train;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.model.TestHeads;
import io.github.prefine.core.task.Split;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM for {@link TrainerStoppingTest}, so the parent reads the trainer's INFO lines as
 * slf4j-simple wrote them: trains a tiny encoder on a keyword rule whose validation labels are
 * flipped, so that learning the training rule raises the validation loss, with patience 2, the
 * epoch limit given and checkpoints in the folder given; then prints the result on one line.
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
     * Trains and prints {@code result: stoppedEarly=B epochs=N best=E rising=B}.
     *
     * @param args the epoch limit, the checkpoint folder, and optionally the schedule's epochs
     *     (default the limit; a resume under another limit keeps the recorded schedule with it)
     * @throws Exception if training fails
     */
    public static void main(String[] args) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TASKS, 4);
                Trainer trainer = Trainer.builder().setModel(model).setData(RISING).optBatchSize(16)
                        .optLearningRate(1e-2).optPatience(2).optMaxEpochs(Integer.parseInt(args[0]))
                        .optScheduleEpochs(args.length > 2 ? Integer.parseInt(args[2]) : 0)
                        .optName("rising").optCheckpointDir(Path.of(args[1])).build()) {
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
