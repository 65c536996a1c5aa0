package io.github.prefine.core.train;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.MultiHeadModel;

/**
 * A child JVM for {@link TrainerLogTest}: trains {@link TrainerContractTest}'s two tasks for two
 * epochs under the run name given (checkpoints in the folder given), so the parent reads the trainer's log as slf4j-simple wrote it.
 */
final class TrainerLogChild {
    private TrainerLogChild() {}

    public static void main(String[] args) throws Exception {
        TrainerContractTest.featurize();
        try (NDManager manager = NDManager.newBaseManager();
                MultiHeadModel model = TrainerContractTest.model(manager);
                Trainer trainer = Trainer.builder().setModel(model).setData(FeatureBatchSource.of(TrainerContractTest.tasks))
                        .optBatchSize(4).optMaxEpochs(2).optLogEvery(1).optName(args[0])
                        .optCheckpointDir(java.nio.file.Path.of(args[1])).build()) {
            trainer.fit();
        }
    }
}
