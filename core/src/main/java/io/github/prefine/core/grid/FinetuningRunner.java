package io.github.prefine.core.grid;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.pipeline.TaskFinetuning;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.core.train.FitResult;
import io.github.prefine.core.train.LearningRateSweep;
import io.github.prefine.core.train.NonFiniteLossException;
import io.github.prefine.core.train.SweepDivergedException;
import io.github.prefine.core.train.Precision;
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

    /** What deleting a trial's file does, for the refusals of one that does not read. */
    private static final String AGAIN = "run the trial again";

    private final GridSession session;
    private final Grid grid;

    FinetuningRunner(GridSession session) {
        this.session = session;
        this.grid = session.grid();
    }

    FinetuningResult run(FinetuningUnit u) throws IOException {
        Path file = grid.layout.finetuningTrial(u);
        FeaturizedTask ft = session.tasks().featurized(u.target());
        Split split = scoredSplit(ft);
        if (Files.exists(file)) {
            JsonObject o = storedScores(file);
            // files of older runs name no split: they were scored on the task's evaluation split
            String was = o.has("evaluationSplit") ? o.get("evaluationSplit").getAsString() : ft.evaluationSplit().name();
            if (!was.equals(split.name())) {
                throw new IllegalStateException(file + " was scored on " + was + ", this grid scores on " + split
                        + "; use another output folder");
            }
            return new FinetuningResult(u, o.get("validation").getAsDouble(), o.get("evaluation").getAsDouble());
        }
        // what a killed run of this unit left: the unit is claimed, so no live writer's (other units share the folder)
        String temp = "." + file.getFileName() + ".";
        ClaimedTemps.inDir(grid.layout.root(), file.getParent(), name -> name.startsWith(temp));
        TargetFinetuning finetuning = finetuning(u, ft, session.encoderOf(u.setting()));
        FinetuningResult r = null;
        FitResult fit = null;
        for (int attempt = 0; r == null; attempt++) {
            try {
                TargetFinetuning.SeedResult s = finetuning.runSeed(session.root(), u.seed());
                r = new FinetuningResult(u, s.validationMetric(), s.metric());
                fit = s.fit();
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
        o.addProperty("evaluationSplit", split.name());
        if (fit != null) {
            // the scored model is the best epoch's by validation loss, not the last epoch's: keep
            // the curve so that a score can be traced to the epoch that made it
            o.addProperty("bestEpoch", fit.bestEpoch());
            JsonArray losses = new JsonArray();
            fit.epochs().forEach(e -> losses.add(e.averageValidationLoss()));
            o.add("validationLosses", losses);
            if (grid.config.precision == Precision.FP16_MIXED) {
                o.addProperty(SkippedSteps.FIELD, fit.skippedSteps());
            }
        }
        AtomicFiles.write(grid.layout.root(), file, PrefinetuningRunner.GSON.toJson(o));
        return r;
    }

    /**
     * Reads a trial's file that an earlier run wrote, checking the members a resumed run takes from
     * it: Gson's casts would fail bare, naming neither the file nor the member.
     *
     * @param file the trial's file
     * @return its object, with finite numbers at {@code validation} and {@code evaluation}, or NaN
     *     at both (a diverged trial), and a string at {@code evaluationSplit} when it has one
     * @throws IOException naming the file and the line, or the member, that is not as written
     */
    static JsonObject storedScores(Path file) throws IOException {
        JsonObject o = JsonFiles.object(file);
        String diverged = "a diverged trial, then in both scores";
        double validation = StoredNumbers.finiteOrNaN(o.get("validation"), file, "$.validation", diverged, AGAIN);
        double evaluation = StoredNumbers.finiteOrNaN(o.get("evaluation"), file, "$.evaluation", diverged, AGAIN);
        // the grid writes NaN in both or neither: a finite validation beside a NaN evaluation would
        // win the sweep and fail its run record bare
        if (Double.isNaN(validation) != Double.isNaN(evaluation)) {
            String nan = Double.isNaN(validation) ? "validation" : "evaluation";
            String finite = Double.isNaN(validation) ? "evaluation" : "validation";
            throw StoredNumbers.notStored(file, "$." + finite, "NaN, as $." + nan + " is (a diverged trial)",
                    o.get(finite), AGAIN);
        }
        JsonElement split = o.get("evaluationSplit");
        if (split != null && !(split.isJsonPrimitive() && split.getAsJsonPrimitive().isString())) {
            throw StoredNumbers.notStored(file, "$.evaluationSplit", "a string", split, AGAIN);
        }
        return o;
    }

    /** The split a target is scored on: validation, or with --report-split test its test split when it has one. */
    private Split scoredSplit(FeaturizedTask ft) {
        return grid.config.reportSplit == Split.VALIDATION ? Split.VALIDATION : ft.evaluationSplit();
    }

    /** The finetuning of one unit, as its run makes it; the exporter runs it again. */
    TargetFinetuning finetuning(FinetuningUnit u, FeaturizedTask ft, Path encoder) {
        int batch = grid.targetBatchSize();
        int trainUnits = ft.features().get(Split.TRAIN).size();
        long warmup = session.warmupSteps((trainUnits + batch - 1) / batch, grid.config.targetScheduleEpochs);
        String label = u.setting().name() + " → " + ft.name() + " seed " + u.seed() + " lr " + u.learningRate();
        return TaskFinetuning.builder(encoder, session.config(), ft)
                .optEvaluationSplit(scoredSplit(ft))
                .optSeeds(List.of(u.seed()))
                .optTrainer(tb -> tb.optBatchSize(batch).optLearningRate(u.learningRate())
                        .optMaxEpochs(grid.config.targetMaxEpochs).optScheduleEpochs(grid.config.targetScheduleEpochs)
                        .optPatience(grid.config.patience).optWarmupSteps(warmup).optLogEvery(grid.config.logEvery)
                        .optEvalBatchSize(grid.config.batchSize).optPrecision(grid.config.precision).optName(label)
                        .addListener(grid.config.progress.apply(label)))
                .build();
    }

    /**
     * Finishes a sweep: runs what is left, picks the rate of the highest mean validation metric over
     * the sweep's seeds, writes the detail and one run record per seed at that rate.
     */
    void finish(FinetuningSweep sweep) throws IOException {
        Map<Double, Map<Long, FinetuningResult>> results = new LinkedHashMap<>();
        // seeds outermost, as the sweep lists its units, so that a cut-off run resumes in order
        for (FinetuningUnit u : sweep.units()) {
            results.computeIfAbsent(u.learningRate(), k -> new LinkedHashMap<>()).put(u.seed(), run(u));
        }
        LearningRateSweep.SweepResult r;
        try {
            r = LearningRateSweep.run(sweep.learningRates(), lr -> meanValidation(results.get(lr).values()), true);
        } catch (SweepDivergedException e) {
            throw new SweepFailedException("finetuning diverged at every learning rate " + sweep.learningRates()
                    + " (a rate counts as diverged when any seed did); try lower rates", e);
        }
        double best = r.bestLearningRate();
        FeaturizedTask ft = session.tasks().featurized(sweep.target());
        JsonObject detail = new JsonObject();
        detail.addProperty("setting", sweep.setting().name());
        detail.addProperty("target", sweep.target().name());
        JsonArray seeds = new JsonArray();
        sweep.seeds().forEach(seeds::add);
        detail.add("seeds", seeds);
        detail.addProperty("metric", sweep.target().metric().name());
        detail.addProperty("evaluationSplit", scoredSplit(ft).name());
        detail.addProperty("learningRateSelection", grid.config.lrSelection.optionName());
        detail.addProperty("learningRate", best);
        JsonArray trials = new JsonArray();
        results.forEach((lr, bySeed) -> bySeed.forEach((seed, fr) -> {
            JsonObject g = new JsonObject();
            g.addProperty("seed", seed);
            g.addProperty("learningRate", lr);
            g.addProperty("validation", fr.validation());
            g.addProperty("evaluation", fr.evaluation());
            trials.add(g);
        }));
        detail.add("sweep", trials);
        AtomicFiles.write(grid.layout.root(), grid.layout.finetuningDetail(sweep), PrefinetuningRunner.GSON.toJson(detail));
        Map<Long, FinetuningResult> chosen = results.get(best);
        StringBuilder lines = new StringBuilder();
        for (long seed : sweep.seeds()) {
            lines.append(ResultLog.line(new RunRecord(sweep.setting().name(), sweep.target().name(),
                    sweep.target().group().name(), seed, chosen.get(seed).evaluation(), grid.config.precision.optionName(),
                    grid.protocol())));
        }
        session.writeRecord(sweep.id(), lines.toString());
        LOG.info("{} on {} seeds {}: {} {} (lr {})", sweep.setting().name(), sweep.target().name(), sweep.seeds(),
                sweep.target().metric(), chosen.values().stream().map(v -> String.format(Locale.ROOT, "%.2f", v.evaluation()))
                        .toList(), best);
    }

    /** The mean validation metric over seeds; NaN when a seed diverged, so that such a rate never wins. */
    private static double meanValidation(java.util.Collection<FinetuningResult> bySeed) {
        return bySeed.stream().mapToDouble(FinetuningResult::validation).average().orElse(Double.NaN);
    }
}
