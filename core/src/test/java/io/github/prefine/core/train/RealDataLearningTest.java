package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.hub.MiniLmArtifact;
import io.github.prefine.core.pipeline.TaskFinetuning;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU-sized real-data learning check: MiniLM finetuned on a few hundred CoNLL-2003 English
 * sentences through the grid's per-seed path ({@link TargetFinetuning}: encoder folder, fresh
 * head, patience on the validation loss, best epoch restored) must reach a span F1 on validation
 * that a broken pipeline cannot.
 *
 * <p>A model that predicts no entity scores 0, and so does one trained on shuffled tags (it learns
 * the tag prior, which is O everywhere: 0.0 after each epoch of this configuration). The floor
 * sits far below what the configuration reaches (46.3) and far above both. CoNLL-2003 rather than WNUT17: on a few hundred WNUT17 sentences the span F1
 * stays near 25 and the epoch of lowest validation loss moves between runs, which leaves a floor
 * little margin; CoNLL-2003's dense, regular entities are learnt within this CPU budget. Runs when
 * {@code ../shared/data} is present, otherwise skips with the reason printed.
 */
class RealDataLearningTest {
    /** Span F1 (percent) that the run must beat: about half of what it reaches, far above 0. */
    static final double F1_FLOOR = 25.0;

    @TempDir
    Path tmp;

    @Test
    void minilmLearnsConll2003FromAFewHundredSentences() throws Exception {
        Path data = SharedFixtures.require("data");
        SharedFixtures.require("data/sl/conll2003");
        Path encoder = tmp.resolve("minilm");
        MiniLmArtifact.fromClasspath().writeHfFolder(encoder);
        Task task = TaskCatalog.task("conll2003-en");
        TaskData d = task.load(data, Leniency.LENIENT);
        long start = System.nanoTime();
        try (SubwordTokenizer tokenizer = SubwordTokenizer.builder()
                .setTokenizerPath(encoder.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
            // a seeded sample of 300 training and 200 validation sentences, 64 sub-tokens at most
            FeaturizedTask ft = FeaturizedTask.featurize(d, tokenizer, new FeatureSettings(64, 384, 128, 300, 200, 1L));
            TargetFinetuning finetuning = TaskFinetuning.builder(encoder, ft)
                    .optTrainer(t -> t.optBatchSize(16).optLearningRate(3e-4).optMaxEpochs(2).optScheduleEpochs(2)
                            .optPatience(3))
                    .optSeeds(List.of(1L))
                    .build();
            try (NDManager root = NDManager.newBaseManager()) {
                TargetFinetuning.SeedResult r = finetuning.runSeed(root, 1L);
                String losses = r.fit().epochs().stream()
                        .map(e -> String.format(Locale.ROOT, "%.3f", e.averageValidationLoss()))
                        .collect(Collectors.joining(", "));
                String line = String.format(Locale.ROOT,
                        "conll2003-en (300 train / 200 validation sentences, MiniLM): span F1 %.2f on %s, from epoch %d "
                                + "(counted from 1) of validation losses [%s], %.0f s",
                        r.metric(), Split.VALIDATION, r.fit().bestEpoch() + 1, losses, (System.nanoTime() - start) / 1e9);
                System.out.println(line);
                assertTrue(r.metric() > F1_FLOOR, line + "; expected span F1 above " + F1_FLOOR);
            }
        }
    }
}
