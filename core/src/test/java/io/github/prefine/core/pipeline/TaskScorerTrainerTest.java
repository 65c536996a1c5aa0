package io.github.prefine.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.core.train.TaskPredictions;
import io.github.prefine.core.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TaskScorer#score(Trainer, FeaturizedTask, Split)} predicts the units of the data the
 * trainer was given and scores them against the given task's gold: the two must be one
 * featurization. Real RTE rows from {@code ../shared/data} and the fixture BERT.
 */
class TaskScorerTrainerTest {
    @Test
    void anotherFeaturizationOfTheTrainersTaskIsRefusedRatherThanScoredAgainstOtherGold() throws Exception {
        Path data = SharedFixtures.require("data/cls/glue_rte").getParent().getParent();
        Path encoder = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        TaskData rte = TaskCatalog.task("rte").load(data, Leniency.STRICT);
        try (NDManager manager = NDManager.newBaseManager();
                SubwordTokenizer tokenizer = SubwordTokenizer.builder()
                        .setTokenizerPath(encoder.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
            TaskSet tasks = TaskSet.featurize(List.of(rte), tokenizer, new FeatureSettings(64, 64, 16, 16, 8, 7));
            // the same caps drawn with another seed: as many validation units, other examples
            TaskSet other = TaskSet.featurize(List.of(rte), tokenizer, new FeatureSettings(64, 64, 16, 16, 8, 99));
            List<?> mine = tasks.get(0).scoringExamples().get(Split.VALIDATION);
            assertEquals(mine.size(), other.get(0).scoringExamples().get(Split.VALIDATION).size());
            assertNotEquals(mine, other.get(0).scoringExamples().get(Split.VALIDATION));
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(manager)
                            .setEncoder(EncoderCheckpoint.load(encoder, manager).encoder()).addTasks(tasks).optHeadSeed(1)
                            .build();
                    Trainer trainer = Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks))
                            .optBatchSize(8).optMaxEpochs(1).build()) {
                trainer.fit();
                // its own task: accuracy of the arg-max label against the gold of the examples predicted
                TaskPredictions p = trainer.predict(0, Split.VALIDATION);
                List<String> labels = tasks.get(0).labels();
                int right = 0;
                for (int i = 0; i < p.logits().size(); i++) {
                    float[] l = p.logits().get(i);
                    String gold = ((TextExample) mine.get(p.exampleIndices()[i])).label();
                    right += labels.get(l[1] > l[0] ? 1 : 0).equals(gold) ? 1 : 0;
                }
                assertEquals(100.0 * right / mine.size(),
                        TaskScorer.score(trainer, tasks.get(0), Split.VALIDATION).percent(), 1e-9);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> TaskScorer.score(trainer, other.get(0), Split.VALIDATION));
                assertEquals("scorer: task rte: the trainer predicts the VALIDATION units of the task set it was given,"
                        + " and this FeaturizedTask is another featurization of rte, whose gold they would be scored"
                        + " against; score the trainer's own task (its FeatureBatchSource's tasks())", e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> TaskScorer.scoreAll(trainer, other));
                // scoreAll over the trainer's own set scores the same
                assertEquals(TaskScorer.score(trainer, tasks.get(0), Split.VALIDATION),
                        TaskScorer.scoreAll(trainer, tasks).get("rte"));
            }
        }
    }
}
