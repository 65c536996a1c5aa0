package io.github.prefine.core.train;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.pipeline.TaskFinetuning;
import java.util.List;

/**
 * A child JVM for {@link TargetFinetuningLogTest}: finetunes {@link TrainerContractTest}'s tagging
 * task (SPAN_F1) for one epoch with seed 1, wired as a user wires it, and prints the seed's score
 * on a line of its own, so the parent compares it with the log line slf4j-simple wrote.
 */
final class TargetFinetuningLogChild {
    private TargetFinetuningLogChild() {}

    public static void main(String[] args) throws Exception {
        TrainerContractTest.featurize();
        try (NDManager manager = NDManager.newBaseManager()) {
            TargetFinetuning f = TaskFinetuning.builder(TrainerContractTest.encoderDir, TrainerContractTest.tasks.tasks().get(0))
                    .optTrainer(t -> t.optBatchSize(4).optMaxEpochs(1)).optSeeds(List.of(1L)).build();
            System.out.println("score " + f.run(manager).get(0).metric());
        }
    }
}
