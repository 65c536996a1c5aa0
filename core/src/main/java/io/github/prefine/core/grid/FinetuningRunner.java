package io.github.prefine.core.grid;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.core.train.LearningRateSweep;
import io.github.prefine.core.train.NonFiniteLossException;
import io.github.prefine.core.train.TargetFinetuning;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs finetuning units and finishes their sweeps for a {@link GridSession}. Each unit is one
 * seed of {@link TargetFinetuning}, the library's one per-seed finetuning path; its scores are
 * written to the unit's file. Not thread-safe.
 */
final class FinetuningRunner {
    private static final Logger LOG = LoggerFactory.getLogger(FinetuningRunner.class);

    private final GridSession session;
    private final Grid grid;

    FinetuningRunner(GridSession session) {
        this.session = session;
        this.grid = session.grid();
    }

    FinetuningResult run(FinetuningUnit u) throws IOException {
        Path file = grid.layout.finetuningTrial(u);
        if (Files.exists(file)) {
            JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            return new FinetuningResult(u, o.get("validation").getAsDouble(), o.get("evaluation").getAsDouble());
        }
        FeaturizedTask ft = session.tasks().featurized(u.target());
        TargetFinetuning finetuning = finetuning(u, ft, session.encoderOf(u.setting()));
        FinetuningResult r = null;
        for (int attempt = 0; r == null; attempt++) {
            try {
                TargetFinetuning.SeedResult s = finetuning.runSeed(session.root(), u.seed());
                r = new FinetuningResult(u, s.validationMetric(), s.metric());
            } catch (NonFiniteLossException e) {
                LOG.warn("{} at learning rate {}: {}{}", FinetuningSweep.id(u.setting(), u.target(), u.seed()),
                        u.learningRate(), e.getMessage(), attempt < PrefinetuningRunner.RETRIES ? "; retrying" : "");
                if (attempt >= PrefinetuningRunner.RETRIES) {
                    r = new FinetuningResult(u, Double.NaN, Double.NaN);
                }
            }
        }
        JsonObject o = new JsonObject();
        o.addProperty("learningRate", u.learningRate());
        o.addProperty("validation", r.validation());
        o.addProperty("evaluation", r.evaluation());
        AtomicFiles.write(file, PrefinetuningRunner.GSON.toJson(o));
        return r;
    }

    private TargetFinetuning finetuning(FinetuningUnit u, FeaturizedTask ft, Path encoder) {
        FeatureBatchSource source = session.tasks().source(List.of(ft));
        int batch = grid.targetBatchSize();
        long warmup = session.warmupSteps((source.size(0, Split.TRAIN) + batch - 1) / batch, grid.targetMaxEpochs);
        String label = u.setting().name() + " → " + ft.name() + " seed " + u.seed() + " lr " + u.learningRate();
        return TargetFinetuning.builder()
                .setEncoder(m -> EncoderCheckpoint.load(encoder, m).encoder(), session.hiddenSize())
                .setHead(seed -> session.tasks().head(ft, seed))
                .setData(source)
                .setMetric(p -> session.tasks().score(ft, p))
                .optTaskName(ft.name())
                .optEvaluationSplit(ft.evaluationSplit())
                .optSeeds(List.of(u.seed()))
                .optTrainer(tb -> tb.optBatchSize(batch).optLearningRate(u.learningRate()).optMaxEpochs(grid.targetMaxEpochs)
                        .optPatience(grid.patience).optWarmupSteps(warmup).optLogEvery(grid.logEvery)
                        .optEvalBatchSize(grid.batchSize).optPrecision(grid.precision).addListener(grid.progress.apply(label)))
                .build();
    }

    /** Finishes a sweep: runs what is left, writes the detail and the run record of the best rate. */
    void finish(FinetuningSweep sweep) throws IOException {
        Map<Double, FinetuningResult> results = new LinkedHashMap<>();
        LearningRateSweep.SweepResult r = LearningRateSweep.run(sweep.learningRates(), lr -> {
            FinetuningResult fr = run(new FinetuningUnit(sweep.setting(), sweep.target(), sweep.seed(), lr));
            results.put(lr, fr);
            return fr.validation();
        }, true);
        double best = r.bestLearningRate();
        double value = results.get(best).evaluation();
        FeaturizedTask ft = session.tasks().featurized(sweep.target());
        JsonObject detail = new JsonObject();
        detail.addProperty("setting", sweep.setting().name());
        detail.addProperty("target", sweep.target().name());
        detail.addProperty("seed", sweep.seed());
        detail.addProperty("metric", sweep.target().metric().name());
        detail.addProperty("evaluationSplit", ft.evaluationSplit().name());
        detail.addProperty("learningRate", best);
        JsonArray trials = new JsonArray();
        results.forEach((lr, fr) -> {
            JsonObject g = new JsonObject();
            g.addProperty("learningRate", lr);
            g.addProperty("validation", fr.validation());
            g.addProperty("evaluation", fr.evaluation());
            trials.add(g);
        });
        detail.add("sweep", trials);
        AtomicFiles.write(grid.layout.finetuningDetail(sweep), PrefinetuningRunner.GSON.toJson(detail));
        session.writeRecord(sweep.id(), file -> ResultLog.append(file, new RunRecord(sweep.setting().name(),
                sweep.target().name(), sweep.target().group().name(), sweep.seed(), value, grid.precision.optionName())));
        LOG.info("{} on {} seed {}: {} {} (lr {})", sweep.setting().name(), sweep.target().name(), sweep.seed(),
                sweep.target().metric(), String.format(Locale.ROOT, "%.2f", value), best);
    }
}
