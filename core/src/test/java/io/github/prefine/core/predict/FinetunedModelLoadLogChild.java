package io.github.prefine.core.predict;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;

/**
 * A child JVM for {@link TaskPredictorLogTest}: saves {@link TinyFinetuning#untrained} (whose BERT
 * sequence head starts from the fixture's pooler, and says so), writes its {@code topic} task as an
 * HF folder, then prints {@link #LOADING} and loads both folders, so that the parent reads what
 * loading logged at INFO.
 */
final class FinetunedModelLoadLogChild {
    /** The line printed before the loads. */
    static final String LOADING = "--- loading the saved folders ---";

    private FinetunedModelLoadLogChild() {}

    public static void main(String[] args) throws Exception {
        Path saved = TinyFinetuning.saveUntrained(Path.of(args[0]).resolve("saved"));
        Path hf = Path.of(args[0]).resolve("hf");
        try (NDManager m = NDManager.newBaseManager()) {
            try (FinetunedModel model = FinetunedModel.load(saved, m)) {
                model.writeHuggingFace("topic", hf);
            }
            System.err.println(LOADING);
            System.err.flush();
            try (FinetunedModel model = FinetunedModel.load(saved, m);
                    FinetunedModel fromHf = FinetunedModel.loadHuggingFace(hf, m)) {
                model.predictor("topic").classify(java.util.List.of("john visited paris"));
                fromHf.predictor("text-classification").classify(java.util.List.of("john visited paris"));
            }
        }
    }
}
