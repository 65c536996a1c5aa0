package io.github.prefine.core.grid;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.checkpoint.PlainFolders;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.predict.ModelExport;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.core.train.NonFiniteLossException;
import io.github.prefine.core.train.TargetFinetuning;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the finetuned models a grid exports ({@link ModelExports}) once its sweeps are finished,
 * each a {@link ModelExport} folder at {@link GridLayout#model}, and lists those present in {@code
 * run.json} under {@code models}.
 *
 * <p><b>Finetuned again, not kept.</b> A model is exported by finetuning its (setting, target,
 * seed) once more at the learning rate its sweep chose, from the same encoder with the same seed,
 * through the same {@link TargetFinetuning} path; its validation score is checked against the one
 * recorded (a warning when it differs, as nondeterministic GPU kernels may make it) and both are
 * written to the folder's {@value #RECORD}, with the count of validation examples that score is
 * over; their ids go to {@value #VALIDATION_IDS}, since a split capped by {@code maxEvalExamples}
 * or held out of the training file is no file the user could predict whole to check it. Keeping
 * each run's model instead would have to keep every (seed, rate) model of every setting until
 * the last setting of the target finished, when the best is known (1.1 GB each for XLM-R base),
 * and would tie an export's life to a sweep's, which another process may run; finetuning again costs one run per exported model (for {@code
 * best}, one per target, against settings x seeds x rates runs in the grid; {@code all} doubles the
 * finetuning part) and makes exporting from a finished run, or with another choice later, the same
 * code.
 *
 * <p><b>Whole or absent.</b> Each model is written under {@link GridLayout#partialModel}, its files
 * flushed, and renamed to its name: a folder at that name is complete, whatever killed a writer. Each
 * export holds {@code locks/export-<target>-<setting>-seed<N>.lock}, with a note naming its holder
 * ({@link UnitLock#noteHolder}): a second process waits, saying so with that name when it starts
 * and again every {@link GridScheduler#WAIT_REMINDER_NANOS}, then finds the folder and writes
 * nothing; a {@code .partial} folder found under the lock is a killed
 * writer's and is deleted first. Folders are made and renamed below {@code --out} without following
 * links ({@link PlainFolders}); the files inside the fresh {@code .partial} folder are written by
 * name, as {@link ModelExport#writeTo} writes them. Nothing is deleted for a smaller choice: a run
 * restarted with {@code best} after {@code all} keeps all folders.
 *
 * <p>Not thread-safe; it trains on the session's manager.
 */
final class GridExporter {
    private static final Logger LOG = LoggerFactory.getLogger(GridExporter.class);
    /** The record in each exported folder: where the model came from and what it scored. */
    static final String RECORD = "prefine-export.json";
    /** The ids of the validation examples its recorded score is over, one per line, in split order. */
    static final String VALIDATION_IDS = "validation-ids.txt";
    /** Validation scores (percent) closer than this count as reproduced. */
    private static final double REPRODUCED = 1e-6;
    /** What deleting a damaged sweep detail file does, for its refusal. */
    private static final String DETAIL_AGAIN = "run the sweep again, with its record under records/ (its trials are kept)";

    private final GridSession session;
    private final Grid grid;
    private final FinetuningRunner runner;
    /** How long between two lines saying that this process still waits for another's export. */
    private final long remindNanos;

    /**
     * @param session the session whose sweeps are exported
     * @param runner finetunes each model again
     * @param remindNanos how long between two lines while waiting for another process's export
     *     ({@link GridScheduler#WAIT_REMINDER_NANOS} in a run)
     */
    GridExporter(GridSession session, FinetuningRunner runner, long remindNanos) {
        this.session = session;
        this.grid = session.grid();
        this.runner = runner;
        this.remindNanos = remindNanos;
    }

    /**
     * One model the grid can export: a finished (setting, target, seed) at its chosen rate.
     *
     * @param setting the setting
     * @param target the target
     * @param seed the seed
     * @param learningRate the rate the sweep chose for it
     * @param validation its recorded validation score, percent
     */
    record Candidate(Setting setting, Task target, long seed, double learningRate, double validation) {}

    /**
     * Exports what the grid's choice asks for and records the folders present in {@code run.json}.
     *
     * @return the folders written or found, in target, setting, seed order
     * @throws IOException if finetuning or writing fails
     */
    List<Path> export() throws IOException {
        if (grid.config.exportModels == ModelExports.NONE) {
            return List.of();
        }
        List<Candidate> chosen = chosen(grid.config.exportModels, candidates());
        long written = 0;
        // first those no other process is writing, so that workers sharing the folder split them;
        // then, waiting for each, those that were busy, which are then found written
        List<Candidate> busy = new ArrayList<>();
        for (Candidate c : chosen) {
            Optional<UnitLock> lock = UnitLock.tryAcquire(lock(c));
            if (lock.isEmpty()) {
                busy.add(c);
                continue;
            }
            written += writeUnlessThere(c, lock.get());
        }
        for (Candidate c : busy) {
            written += writeUnlessThere(c, awaitLock(c));
        }
        List<Path> out = chosen.stream().map(c -> grid.layout.model(c.target(), c.setting(), c.seed())).toList();
        if (written > 0) {
            LOG.info("exported models: {} written now; {} in {}", megabytes(written), megabytes(size(grid.layout.models())),
                    grid.layout.models());
        }
        if (!session.isWorker()) {
            recordModels();
        }
        return out;
    }

    private Path lock(Candidate c) {
        return grid.layout.lock("export-" + GridLayout.safe(c.target().name()) + "-" + c.setting().fileName() + "-seed"
                + c.seed());
    }

    /**
     * Waits, polling, for another process to finish a candidate's export, saying when the wait
     * begins and again every {@link #remindNanos} which model it is and who holds it: finetuning a
     * large model again takes a while, and a holder that hangs must not look like this process hanging.
     */
    private UnitLock awaitLock(Candidate c) throws IOException {
        Path file = lock(c);
        Path dir = grid.layout.model(c.target(), c.setting(), c.seed());
        return UnitLock.await(file, grid.config.pollMillis, Long.MAX_VALUE, remindNanos, waited -> {
            String holder = UnitLock.holderName(file);
            if (waited == 0) {
                LOG.info("model {} is being exported by {} ({} is held); waiting for it", dir, holder, file);
            } else {
                LOG.info("still waiting for model {}, exported by {}, for {} min", dir, holder,
                        TimeUnit.NANOSECONDS.toMinutes(waited));
            }
        }).orElseThrow();
    }

    /** Writes a candidate's folder unless it is there, under its lock, which it notes and releases. Returns the bytes written. */
    private long writeUnlessThere(Candidate c, UnitLock lock) throws IOException {
        try (UnitLock l = lock) {
            // so that a process waiting for the export can say which one holds it
            l.noteHolder();
            Path dir = grid.layout.model(c.target(), c.setting(), c.seed());
            return Files.isDirectory(dir) ? 0 : write(c, dir);
        }
    }

    /** Every finished (setting, target, seed) at its chosen rate, per target in plan order of settings and seeds. */
    Map<Task, List<Candidate>> candidates() throws IOException {
        GridPlan plan = session.plan();
        Map<Task, List<Candidate>> byTarget = new LinkedHashMap<>();
        plan.targets().forEach(t -> byTarget.put(t, new ArrayList<>()));
        for (Setting s : plan.settings()) {
            for (Task t : plan.targets()) {
                Map<Long, Candidate> bySeed = new LinkedHashMap<>();
                for (FinetuningSweep sweep : plan.finetuning()) {
                    if (sweep.setting().equals(s) && sweep.target().equals(t)
                            && Files.exists(grid.layout.record(sweep.id()))) {
                        read(sweep).forEach(c -> bySeed.put(c.seed(), c));
                    }
                }
                // seeds in --seeds order, whatever order the sweeps finished in
                grid.config.seeds.stream().filter(bySeed::containsKey)
                        .forEach(seed -> byTarget.get(t).add(bySeed.get(seed)));
            }
        }
        return byTarget;
    }

    /** A finished sweep's candidates: each seed's validation score at the chosen rate. */
    private List<Candidate> read(FinetuningSweep sweep) throws IOException {
        return storedCandidates(grid.layout.finetuningDetail(sweep), sweep.setting(), sweep.target());
    }

    /**
     * Reads a sweep's detail file: each seed's validation score at the chosen rate, a diverged
     * seed's NaN left out. A member missing or of another kind, {@code "0.7f"} for a number
     * included, or non-finite where the grid writes a finite number (NaN or Infinity for a rate,
     * Infinity for a score), is refused naming the file and its JSON path.
     */
    static List<Candidate> storedCandidates(Path file, Setting setting, Task target) throws IOException {
        JsonObject o = JsonFiles.object(file);
        // a NaN rate matched no trial, so that every seed was left out as if it diverged
        double lr = StoredNumbers.finite(o.get("learningRate"), file, "$.learningRate", DETAIL_AGAIN);
        JsonElement sweep = o.get("sweep");
        if (sweep == null || !sweep.isJsonArray()) {
            throw StoredNumbers.notStored(file, "$.sweep", "an array of trials", sweep, DETAIL_AGAIN);
        }
        List<Candidate> out = new ArrayList<>();
        JsonArray trials = sweep.getAsJsonArray();
        for (int i = 0; i < trials.size(); i++) {
            String at = "$.sweep[" + i + "]";
            JsonElement e = trials.get(i);
            if (!e.isJsonObject()) {
                throw StoredNumbers.notStored(file, at, "a trial (an object)", e, DETAIL_AGAIN);
            }
            JsonObject g = e.getAsJsonObject();
            // Infinity was left out as a diverged seed's NaN is: the grid writes no Infinity
            double v = StoredNumbers.finiteOrNaN(g.get("validation"), file, at + ".validation", "a diverged seed",
                    DETAIL_AGAIN);
            double rate = StoredNumbers.finite(g.get("learningRate"), file, at + ".learningRate", DETAIL_AGAIN);
            // getAsLong would read seed 1.5 as 1 and export seed 1's model under it
            long seed = JsonShapes.wholeLong(g.get("seed"), at + ".seed",
                    (where, expected, found) -> new IOException(file + " " + where + ": expected " + expected + ", found "
                            + found + "; delete the file to " + DETAIL_AGAIN));
            if (rate == lr && Double.isFinite(v)) {
                out.add(new Candidate(setting, target, seed, lr, v));
            }
        }
        return out;
    }

    /**
     * Picks what to export: for {@code all} every candidate; for {@code best}, per target, the
     * setting of the highest mean validation score over its seeds, the first in table order on a
     * tie, and of it the seed of the highest validation score, the first in seed order on a tie.
     */
    static List<Candidate> chosen(ModelExports choice, Map<Task, List<Candidate>> candidates) {
        List<Candidate> out = new ArrayList<>();
        for (List<Candidate> forTarget : candidates.values()) {
            if (choice == ModelExports.ALL) {
                out.addAll(forTarget);
                continue;
            }
            Map<Setting, List<Candidate>> bySetting = new LinkedHashMap<>();
            forTarget.forEach(c -> bySetting.computeIfAbsent(c.setting(), k -> new ArrayList<>()).add(c));
            List<Candidate> best = null;
            double bestMean = Double.NEGATIVE_INFINITY;
            for (List<Candidate> seeds : bySetting.values()) {
                double mean = seeds.stream().mapToDouble(Candidate::validation).average().orElse(Double.NaN);
                if (mean > bestMean) {
                    bestMean = mean;
                    best = seeds;
                }
            }
            if (best != null) {
                Candidate top = best.get(0);
                for (Candidate c : best) {
                    if (c.validation() > top.validation()) {
                        top = c;
                    }
                }
                out.add(top);
            }
        }
        return out;
    }

    /** Finetunes a candidate again and writes its model; returns the bytes written. */
    private long write(Candidate c, Path dir) throws IOException {
        Path root = grid.layout.root();
        Path partial = grid.layout.partialModel(c.target(), c.setting(), c.seed());
        // under the export's lock, so a killed writer's
        PlainFolders.deleteTree(root, partial);
        PlainFolders.create(root, partial);
        FeaturizedTask ft = session.tasks().featurized(c.target());
        FinetuningUnit u = new FinetuningUnit(c.setting(), c.target(), c.seed(), c.learningRate());
        TargetFinetuning finetuning = runner.finetuning(u, ft, session.encoderOf(c.setting()));
        double[] reproduced = new double[1];
        try (SubwordTokenizer tokenizer = SubwordTokenizer.builder()
                .setTokenizerPath(grid.config.encoder.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
            finetuning.runSeed(session.root(), c.seed(), (model, result) -> {
                ModelExport.builder().setModel(model).setTokenizer(tokenizer).setFeatureSettings(grid.config.features)
                        .addTask(ft).build().writeTo(partial);
                reproduced[0] = result.validationMetric();
            });
        } catch (NonFiniteLossException e) {
            throw new IOException("exporting " + u.id() + ": finetuning it again diverged, though the grid's run did not"
                    + " (nondeterministic kernels?): " + e.getMessage(), e);
        }
        if (!(Math.abs(reproduced[0] - c.validation()) <= REPRODUCED)) {
            LOG.warn("{}: finetuned again for export, it scores {} on validation where the grid's run scored {}"
                    + " (nondeterministic kernels on this device?); the folder records both", u.id(), reproduced[0],
                    c.validation());
        }
        JsonObject record = new JsonObject();
        record.addProperty("target", c.target().name());
        record.addProperty("setting", c.setting().name());
        record.addProperty("seed", c.seed());
        record.addProperty("learningRate", c.learningRate());
        record.addProperty("metric", c.target().metric().name());
        record.addProperty("validation", c.validation());
        record.addProperty("reproducedValidation", reproduced[0]);
        // a capped or held-out validation split is no file a user could predict whole: name its examples
        List<Example> validation = ft.scoringExamples().get(Split.VALIDATION);
        record.addProperty("validationExamples", validation.size());
        StringBuilder ids = new StringBuilder();
        validation.forEach(e -> ids.append(e.id()).append('\n'));
        AtomicFiles.write(root, partial.resolve(VALIDATION_IDS), ids.toString());
        record.addProperty("export", grid.config.exportModels.optionName());
        AtomicFiles.write(root, partial.resolve(RECORD), PrefinetuningRunner.GSON.toJson(record));
        // the folder's two levels, each flushed file counted once: the bytes written
        long bytes = PlainFolders.force(root, partial.resolve("encoder")) + PlainFolders.force(root, partial);
        PlainFolders.rename(root, partial, dir);
        LOG.info("exported {} ({} seed {}, validation {} {}) to {}: {}", c.target().name(), c.setting().name(), c.seed(),
                c.target().metric(), String.format(Locale.ROOT, "%.2f", reproduced[0]), dir, megabytes(bytes));
        return bytes;
    }

    /** Lists the complete exported folders in {@code run.json}, from what is on disk, under its lock. */
    private void recordModels() throws IOException {
        JsonArray models = new JsonArray();
        for (Path record : records()) {
            JsonObject m = storedExport(record);
            m.addProperty("path", grid.layout.root().relativize(record.getParent()).toString().replace('\\', '/'));
            m.addProperty("bytes", size(record.getParent()));
            models.add(m);
        }
        try (UnitLock l = UnitLock.acquire(grid.layout.lock("manifest"))) {
            JsonObject current = JsonFiles.strictObject(grid.layout.manifest());
            current.add("models", models);
            AtomicFiles.write(grid.layout.root(), grid.layout.manifest(), PrefinetuningRunner.GSON.toJson(current));
        }
    }

    /**
     * Reads an exported folder's {@value #RECORD} for {@code run.json}: its rate and scores are
     * finite numbers, as the export writes them (a diverged finetuning exports nothing, and a metric
     * never gives NaN), so that a NaN put in by hand is refused here, naming the file and member,
     * rather than copied into {@code run.json} as a literal its strict reader then refuses whole.
     *
     * @param record the folder's record
     * @return its object
     * @throws IOException naming the file and the line, or the member, that is not as written
     */
    static JsonObject storedExport(Path record) throws IOException {
        JsonObject m = JsonFiles.object(record);
        for (String member : List.of("learningRate", "validation", "reproducedValidation")) {
            // an export is redone only where its folder is missing
            JsonShapes.finite(m.get(member), "$." + member, (at, expected, found) -> new IOException(record + " " + at
                    + ": expected " + expected + ", found " + found + "; delete the model's folder to export it again"));
        }
        return m;
    }

    /** The records of the complete exported folders, in name order; a {@code .partial} folder has none listed. */
    List<Path> records() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(grid.layout.models())) {
            return out;
        }
        try (Stream<Path> targets = Files.list(grid.layout.models())) {
            for (Path t : targets.sorted().toList()) {
                if (!Files.isDirectory(t)) {
                    continue;
                }
                try (Stream<Path> models = Files.list(t)) {
                    models.sorted().filter(m -> !m.getFileName().toString().endsWith(".partial"))
                            .map(m -> m.resolve(RECORD)).filter(Files::isRegularFile).forEach(out::add);
                }
            }
        }
        return out;
    }

    /** The bytes of the regular files under a folder. */
    static long size(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
