package io.github.prefine.core.predict;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.nio.file.Path;
import java.util.List;

/**
 * A child JVM for {@link TaskPredictorLogTest}: saves {@link TinyFinetuning#untrained}, predicts
 * with it three times as a server would per request, then featurizes a two-example dataset split,
 * so that the parent reads the log as slf4j-simple wrote it at INFO.
 */
final class TaskPredictorLogChild {
    private TaskPredictorLogChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        try (SubwordTokenizer tok = TinyFinetuning.tokenizer(); NDManager m = NDManager.newBaseManager()) {
            try (MultiHeadModel model = TinyFinetuning.untrained(m)) {
                TinyFinetuning.export(model, tok, TinyFinetuning.SETTINGS).writeTo(dir);
            }
            try (FinetunedModel loaded = FinetunedModel.load(dir, m)) {
                TaskPredictor p = loaded.predictor("topic");
                for (int i = 0; i < 3; i++) {
                    p.classify(List.of("john visited paris", "the team read"));
                }
            }
            List<Example> split = List.of(new TextExample("a", "john visited paris", null, "person"),
                    new TextExample("b", "the team read", null, "place"));
            TaskFormat.SINGLE_TEXT.featurize(split, List.of("person", "place"), tok, TinyFinetuning.SETTINGS, "topic/train");
        }
    }
}
