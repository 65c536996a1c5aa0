package io.github.prefine.examples.bench;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.hub.MiniLmArtifact;
import io.github.prefine.core.pipeline.TaskFinetuning;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.train.TargetFinetuning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The real-data learning check at full size (issue 13): all-MiniLM-L6-v2 finetuned on the whole of
 * WNUT17 through the grid's per-seed path, as the Baseline column of {@code reproduce} does, with
 * the protocol HF Transformers' reference used: lr 5e-5 decaying linearly to 0 over 8 epochs,
 * batch 32, at most 8 epochs, patience 3 on the validation loss, length 128, one seed; prints the
 * span F1 on validation. About 12 minutes on two CPU cores.
 *
 * <pre>{@code
 * java -cp 'examples/target/prefine.jar:examples/target/lib/*' io.github.prefine.examples.bench.LearningCheck ../shared/data
 * }</pre>
 */
public final class LearningCheck {
    private LearningCheck() {}

    /**
     * Runs the check.
     *
     * @param args the data root in the TaskCatalog layout (default {@code ../shared/data})
     * @throws Exception if data, encoder or training fail
     */
    public static void main(String[] args) throws Exception {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data");
        Path encoder = Files.createTempDirectory("prefine-learning-check");
        MiniLmArtifact.fromClasspath().writeHfFolder(encoder);
        TaskData d = TaskCatalog.task("wnut17").load(data, Leniency.LENIENT);
        long start = System.nanoTime();
        try (SubwordTokenizer tokenizer = SubwordTokenizer.builder()
                .setTokenizerPath(encoder.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
            FeaturizedTask ft = FeaturizedTask.featurize(d, tokenizer, new FeatureSettings(128, 384, 128, 0, 0, 1L));
            TargetFinetuning finetuning = TaskFinetuning.builder(encoder, ft)
                    .optTrainer(t -> t.optBatchSize(32).optLearningRate(5e-5).optMaxEpochs(8).optScheduleEpochs(8)
                            .optPatience(3))
                    .optSeeds(List.of(1L))
                    .build();
            try (NDManager root = NDManager.newBaseManager()) {
                TargetFinetuning.SeedResult r = finetuning.runSeed(root, 1L);
                String losses = r.fit().epochs().stream()
                        .map(e -> String.format(Locale.ROOT, "%.3f", e.averageValidationLoss()))
                        .collect(Collectors.joining(", "));
                System.out.printf(Locale.ROOT, "wnut17 (MiniLM, lr 5e-5 over 8 epochs, batch 32, patience 3): span F1"
                        + " %.2f on %s, epoch %d (from 1) of validation losses [%s], %.0f s%n", r.metric(),
                        Split.VALIDATION, r.fit().bestEpoch() + 1, losses, (System.nanoTime() - start) / 1e9);
            }
        }
    }
}
