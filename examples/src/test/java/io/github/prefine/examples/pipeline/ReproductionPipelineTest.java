package io.github.prefine.examples.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.ResultSet;
import io.github.prefine.examples.demo.SyntheticSuite;
import io.github.prefine.examples.demo.SyntheticTaskSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline end to end on a tiny synthetic grid: outputs, restart, locks, missing data. */
class ReproductionPipelineTest {

    private static Path encoder(Path dir, SyntheticSuite suite) throws Exception {
        Path tok = dir.resolve("tokenizer.json");
        suite.writeTokenizerJson(tok);
        Path enc = dir.resolve("encoder");
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderConfig c = EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(suite.vocabulary().size())
                    .setHiddenSize(16).setNumHiddenLayers(1).setNumAttentionHeads(2).setIntermediateSize(32)
                    .optMaxPositionEmbeddings(64).build();
            TransformerEncoder e = TransformerEncoder.builder().setConfig(c).build();
            e.initializeRandom(m, 3);
            EncoderCheckpoint.save(e, enc, tok);
        }
        return enc;
    }

    private static ReproductionPipeline.Builder tiny(Path enc, SyntheticTaskSet set, List<Task> targets, Path out) {
        return ReproductionPipeline.builder().setEncoder(enc).setData(set.data())
                .setPrefinetuningTasks(set.prefinetuning()).setGroups(List.of(TaskGroup.SL, TaskGroup.C))
                .setTargets(targets).setOutput(out).optSeeds(List.of(1L)).optLearningRates(List.of(1e-3))
                .optBatchSize(16).optMaxEpochs(1, 1).optPatience(1).optLogEvery(2).optPollMillis(100)
                .optFeatures(new FeatureSettings(48, 48, 8, 0, 0, 1L));
    }

    @Test
    void runsTheGridWritesReportsAndSkipsFinishedUnitsOnRestart(@TempDir Path dir) throws Exception {
        SyntheticSuite suite = SyntheticSuite.generate(5, new SyntheticSuite.Sizes(24, 8, 8, 8));
        SyntheticTaskSet set = SyntheticTaskSet.of(suite);
        Path enc = encoder(dir, suite);
        List<Task> targets = List.of(set.targets().get(0), set.targets().get(2)); // one SL, one C target
        Path out = dir.resolve("out");
        // another "process" holds one finetuning unit for a while: it is skipped, then picked up
        Path held = out.resolve("locks").resolve("run-Baseline-" + targets.get(0).name() + "-seed1.lock");
        Optional<UnitLock> lock = UnitLock.tryAcquire(held);
        assertTrue(lock.isPresent());
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(1500);
                lock.get().close();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        release.start();
        ReproductionPipeline.Summary first = tiny(enc, set, targets, out).build().run();
        release.join();
        // 3 settings (Only-SL, Only-C, SL+C) + 4 settings x 2 targets x 1 seed
        assertEquals(3 + 8, first.unitsRun());
        assertEquals(List.of("Baseline", "Only-SL", "Only-C", "SL+C"), first.settings());
        ResultSet rs = ResultLog.load(out.resolve("results.jsonl"));
        assertEquals(8, rs.runs().size());
        assertEquals(3, rs.costs().size());
        for (String f : List.of("table1.md", "table1.csv", "table2.json", "cost.md", "table2.png", "curves-SL+C.png")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        for (var row : first.report().table1().rows().subList(0, 2)) {
            row.cells().forEach(c -> assertTrue(!c.isEmpty() && c.value() >= 0 && c.value() <= 100, row.label()));
        }
        String before = Files.readString(out.resolve("results.jsonl"));
        ReproductionPipeline.Summary second = tiny(enc, set, targets, out).build().run();
        assertEquals(0, second.unitsRun());
        assertEquals(11, second.unitsSkipped());
        assertEquals(before, Files.readString(out.resolve("results.jsonl")));
    }

    @Test
    void listsTasksWithoutDataAndRefusesThemWhenStrict(@TempDir Path dir) throws Exception {
        SyntheticSuite suite = SyntheticSuite.generate(5, new SyntheticSuite.Sizes(24, 8, 8, 8));
        SyntheticTaskSet set = SyntheticTaskSet.of(suite);
        Path enc = encoder(dir, suite);
        Task ghost = InMemoryTasks.task("ghost", TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1, List.of("O", "B-X", "I-X"));
        List<Task> targets = new ArrayList<>(List.of(ghost));
        assertThrows(IllegalStateException.class,
                () -> tiny(enc, set, targets, dir.resolve("strict")).optStrict(true).build().run());
        targets.add(set.targets().get(2));
        ReproductionPipeline.Summary s = tiny(enc, set, targets, dir.resolve("lenient"))
                .setGroups(List.of(TaskGroup.C)).build().run();
        assertEquals(List.of("ghost"), List.copyOf(s.missingTasks().keySet()));
        assertEquals(1 + 2, s.unitsRun()); // Only-C, then Baseline and Only-C on the one target
    }
}
