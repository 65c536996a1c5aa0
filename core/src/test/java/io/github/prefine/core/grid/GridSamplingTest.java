package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.sampling.HeterogeneousSampler;
import io.github.prefine.sampling.SamplingStrategy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A grid's pre-finetuning sampler can be another strategy of the {@code sampling} module, as the
 * trainer's can ({@code Trainer.Builder.optSampler}); the run records it and refuses to mix it
 * with the default.
 */
class GridSamplingTest {
    @Test
    void aUniformEpochOfTwentyExamplesIsWhatPrefinetuningDrawsAndTheRunRecordsIt(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Path out = dir.resolve("out");
        // the SL group: sl-a and sl-b, 24 training sentences each, so a proportional epoch draws 48
        Grid grid = f.tiny(List.of(f.targets.get(0)), out).setGroups(List.of(TaskGroup.SL))
                .optSampling(HeterogeneousSampler.builder().optStrategy(SamplingStrategy.UNIFORM).optEpochSize(20))
                .build();
        GridSummary summary = grid.run();
        JsonObject history = GridFixtures.json(out.resolve("prefinetune/Only-SL/lr-1e-03/history.json"));
        assertEquals(20, history.getAsJsonArray("epochs").get(0).getAsJsonObject().get("trainExamples").getAsInt());
        assertEquals("uniform, epoch 20 examples", GridFixtures.json(out.resolve("run.json")).getAsJsonObject("fingerprint")
                .getAsJsonObject("grid").get("sampling").getAsString());
        assertTrue(summary.report().table1().title().endsWith(", pre-finetuning sampling uniform, epoch 20 examples"),
                summary.report().table1().title());

        // the same folder with the paper's sampling is another run
        Grid proportional = f.tiny(List.of(f.targets.get(0)), out).setGroups(List.of(TaskGroup.SL)).build();
        RunMismatchException e = assertThrows(RunMismatchException.class, proportional::run);
        assertTrue(e.getMessage().contains("grid.sampling"), e.getMessage());
    }

    @Test
    void theDefaultIsProportionalAndLeavesTheFingerprintAndTitlesAsTheyWere(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Grid plain = f.tiny(List.of(f.targets.get(0)), dir.resolve("a")).build();
        Grid explicit = f.tiny(List.of(f.targets.get(0)), dir.resolve("b"))
                .optSampling(HeterogeneousSampler.builder().optStrategy(SamplingStrategy.PROPORTIONAL)).build();
        assertEquals(plain.protocol(), explicit.protocol());
        assertFalse(plain.protocol().contains("sampling"), plain.protocol());
        assertFalse(RunManifest.fingerprint(explicit).getAsJsonObject("grid").has("sampling"));
        assertEquals("temperature T=2.0, cap 1000", f.tiny(List.of(f.targets.get(0)), dir.resolve("c"))
                .optSampling(HeterogeneousSampler.builder().optStrategy(SamplingStrategy.TEMPERATURE).optTemperature(2)
                        .optSizeCap(1000))
                .build().config.sampling.describe());
    }

    @Test
    void theCallersSettingsAreLeftAsTheyWere(@TempDir Path dir) throws Exception {
        // the same settings may also go to a trainer (HeterogeneousBatchSampler.of), batch size and all
        GridFixtures f = new GridFixtures(dir);
        HeterogeneousSampler.Builder mine = HeterogeneousSampler.builder().setBatchSize(16)
                .optStrategy(SamplingStrategy.TEMPERATURE).optTemperature(2);
        f.tiny(List.of(f.targets.get(0)), dir.resolve("out")).optSampling(mine).build();
        HeterogeneousSampler after = mine.setTaskSizes(5, 7).build();
        assertEquals(16, after.batchSize());
        assertEquals(12, after.totalExamples());
    }

    @Test
    void settingsThatDoNotFitTheirStrategyAreRefusedAtBuild(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.tiny(List.of(f.targets.get(0)), dir.resolve("out"))
                        .optSampling(HeterogeneousSampler.builder().optTemperature(2)).build());
        assertTrue(e.getMessage().startsWith("grid: sampling: temperature applies only to strategy"), e.getMessage());
    }
}
