package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thread-safety contract of {@link TaskPredictor}: predictors of one model used from several
 * threads at once give what they give one after the other.
 */
class TaskPredictorConcurrencyTest {

    @Test
    void predictorsSharedBetweenThreadsGiveTheSerialResults(@TempDir Path tmp) throws Exception {
        Path dir = TinyFinetuning.saveUntrained(tmp.resolve("model"));
        List<String> texts = List.of("john visited paris", "the team read a film", "alice wrote about rome", "bob");
        List<List<String>> sentences = List.of(List.of("john", "smith", "visited", "paris"), List.of("mary", "read"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(dir, m)) {
            List<LabelPrediction> labels = model.predictor("topic").classify(texts);
            List<TagPrediction> tags = model.predictor("ner").tag(sentences);
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                boolean tagger = i % 2 == 0;
                runs.add(pool.submit(() -> {
                    for (int k = 0; k < 5; k++) {
                        if (tagger) {
                            assertEquals(tags, model.predictor("ner").tag(sentences));
                        } else {
                            assertEquals(labels, model.predictor("topic").withBatchSize(4).classify(texts));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
