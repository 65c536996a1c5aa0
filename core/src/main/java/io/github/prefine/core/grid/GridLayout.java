package io.github.prefine.core.grid;

import io.github.prefine.core.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Where a grid keeps its files under its output folder:
 *
 * <ul>
 *   <li>{@code records/<sweep>.jsonl}: one {@link io.github.prefine.eval.report.ResultLog} line per
 *       finished sweep (written to a temporary file and renamed, so no crash leaves a torn record);
 *       {@code results.jsonl} is the concatenation of the grid's planned sweeps' records (another
 *       grid's in the folder are left out, see {@link GridReports});
 *   <li>{@code prefinetune/<setting>/lr-<rate>/}: one pre-finetuning run's trainer checkpoints,
 *       encoder, {@code history.json} and {@code train-loss.json}; {@code prefinetune/<setting>/result.json}
 *       the sweep's choice;
 *   <li>{@code finetune/run-<setting>-<target>-seed<N>/lr-<rate>.json}: one finetuning run's scores;
 *       {@code finetune/<sweep>.json} the sweep's choice ({@code run-<setting>-<target>}, with
 *       {@code -seed<N>} where a sweep has one seed);
 *   <li>{@code locks/}: the sweep locks; the tables, the plots, {@code run.json} (what produced
 *       the folder, {@link #manifest()}) and {@code data-report.json} (what reading the data
 *       dropped, {@link #dataReport()}) sit at the top; every kept encoder folder holds
 *       {@code prefine-manifest.json}.
 * </ul>
 *
 * <p>Immutable and thread-safe; creates nothing itself.
 */
public final class GridLayout {
    /** Name of a pre-finetuning run's checkpoint folder, in its learning-rate folder. */
    public static final String CHECKPOINTS = "checkpoints";
    /** Name of a pre-finetuning run's training-loss curve, in its learning-rate folder. */
    public static final String TRAIN_LOSS = "train-loss.json";
    /** Name of a pre-finetuning run's record (its history), in its learning-rate folder. */
    public static final String HISTORY = "history.json";
    /** How the name of a run's learning-rate folder or file starts. */
    private static final String LEARNING_RATE_PREFIX = "lr-";

    private final Path root;

    /**
     * Lays a grid out under a folder.
     *
     * @param root the output folder
     */
    public GridLayout(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /**
     * Returns the output folder.
     *
     * @return the folder
     */
    public Path root() {
        return root;
    }

    /**
     * Returns the run's manifest: options, versions, environment, encoder and data hashes, drop counts.
     *
     * @return {@code run.json}
     */
    public Path manifest() {
        return root.resolve("run.json");
    }

    /**
     * Returns the data report: what reading each task dropped and flagged, with located samples.
     *
     * @return {@code data-report.json}
     */
    public Path dataReport() {
        return root.resolve(DataReport.FILE);
    }

    /**
     * Returns the folder of the per-sweep records.
     *
     * @return {@code records/}
     */
    public Path records() {
        return root.resolve("records");
    }

    /**
     * Returns a finished sweep's record; its presence marks the sweep done.
     *
     * @param sweepId the sweep's id
     * @return {@code records/<sweepId>.jsonl}
     */
    public Path record(String sweepId) {
        return records().resolve(sweepId + ".jsonl");
    }

    /**
     * Returns the file that marks a sweep as failed (every learning rate diverged, or its setting's
     * pre-finetuning did): it holds the reason, and a resumed grid does not run the sweep again.
     *
     * @param sweepId the sweep's id
     * @return {@code records/<id>.failed}
     */
    public Path failure(String sweepId) {
        return records().resolve(sweepId + ".failed");
    }

    /**
     * Returns the concatenated result log that the tables are built from.
     *
     * @return {@code results.jsonl}
     */
    public Path results() {
        return root.resolve("results.jsonl");
    }

    /**
     * Returns the lock file of a sweep, of a unit run on its own ({@link
     * GridSession#runClaimed(GridUnit)}), or of {@code run}, {@code manifest} and {@code reports}.
     *
     * @param id the sweep's or unit's id
     * @return {@code locks/<id>.lock}
     */
    public Path lock(String id) {
        return root.resolve("locks").resolve(id + ".lock");
    }

    /**
     * Returns a setting's pre-finetuning folder.
     *
     * @param setting the setting
     * @return {@code prefinetune/<setting>/}
     */
    public Path settingDir(Setting setting) {
        return root.resolve("prefinetune").resolve(setting.fileName());
    }

    /**
     * Returns the folder of one pre-finetuning run.
     *
     * @param unit the unit
     * @return {@code prefinetune/<setting>/lr-<rate>/}
     */
    public Path learningRateDir(PrefinetuningUnit unit) {
        return settingDir(unit.setting()).resolve(learningRateName(unit.learningRate()));
    }

    /**
     * Returns the checkpoint folder of one pre-finetuning run, which lets a killed run resume.
     *
     * @param unit the unit
     * @return {@code prefinetune/<setting>/lr-<rate>/checkpoints/}
     */
    public Path checkpoints(PrefinetuningUnit unit) {
        return learningRateDir(unit).resolve(CHECKPOINTS);
    }

    /**
     * Returns the training-loss curve of one pre-finetuning run.
     *
     * @param unit the unit
     * @return {@code prefinetune/<setting>/lr-<rate>/train-loss.json}
     */
    public Path trainLoss(PrefinetuningUnit unit) {
        return learningRateDir(unit).resolve(TRAIN_LOSS);
    }

    /**
     * Returns the record of one pre-finetuning run, whose presence marks the run done.
     *
     * @param unit the unit
     * @return {@code prefinetune/<setting>/lr-<rate>/history.json}
     */
    public Path history(PrefinetuningUnit unit) {
        return learningRateDir(unit).resolve(HISTORY);
    }

    /**
     * Returns the file naming a setting's chosen learning rate and encoder.
     *
     * @param setting the setting
     * @return {@code prefinetune/<setting>/result.json}
     */
    public Path settingResult(Setting setting) {
        return settingDir(setting).resolve("result.json");
    }

    /**
     * Returns the scores of one finetuning run.
     *
     * @param unit the unit
     * @return {@code finetune/run-<setting>-<target>-seed<N>/lr-<rate>.json}
     */
    public Path finetuningTrial(FinetuningUnit unit) {
        String sweep = FinetuningSweep.id(unit.setting(), unit.target(), unit.seed());
        return root.resolve("finetune").resolve(sweep).resolve(learningRateName(unit.learningRate()) + ".json");
    }

    /**
     * Returns the detail of a finished finetuning sweep.
     *
     * @param sweep the sweep
     * @return {@code finetune/<sweep>.json}
     */
    public Path finetuningDetail(FinetuningSweep sweep) {
        return root.resolve("finetune").resolve(sweep.id() + ".json");
    }

    /**
     * Returns the folder of the exported models ({@link ModelExports}).
     *
     * @return {@code models}
     */
    public Path models() {
        return root.resolve("models");
    }

    /**
     * Returns the folder one exported model is written to, complete once it exists: it is written
     * under {@link #partialModel} and renamed.
     *
     * @param target the target
     * @param setting the setting its encoder came from
     * @param seed the finetuning seed
     * @return {@code models/<target>/<setting>-seed<seed>}
     */
    public Path model(Task target, Setting setting, long seed) {
        return models().resolve(safe(target.name())).resolve(setting.fileName() + "-seed" + seed);
    }

    /**
     * Returns where an exported model is written before it is renamed to {@link #model}.
     *
     * @param target the target
     * @param setting the setting its encoder came from
     * @param seed the finetuning seed
     * @return {@code models/<target>/<setting>-seed<seed>.partial}
     */
    public Path partialModel(Task target, Setting setting, long seed) {
        Path done = model(target, setting, seed);
        return done.resolveSibling(done.getFileName() + ".partial");
    }

    /**
     * Lists the records of the training runs present: each pre-finetuning run's {@code
     * prefinetune/<setting>/lr-<rate>/history.json} and each finetuning run's {@code
     * finetune/<sweep>/lr-<rate>.json}, in name order.
     *
     * @return the files that exist now
     * @throws IOException if a folder cannot be listed
     */
    public List<Path> trainingRunRecords() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path setting : children(root.resolve("prefinetune"))) {
            for (Path lr : children(setting)) {
                Path history = lr.resolve(HISTORY);
                if (lr.getFileName().toString().startsWith(LEARNING_RATE_PREFIX) && Files.isRegularFile(history)) {
                    out.add(history);
                }
            }
        }
        for (Path sweep : children(root.resolve("finetune"))) {
            for (Path trial : children(sweep)) {
                String name = trial.getFileName().toString();
                if (name.startsWith(LEARNING_RATE_PREFIX) && name.endsWith(".json") && Files.isRegularFile(trial)) {
                    out.add(trial);
                }
            }
        }
        return out;
    }

    /** The entries of a folder in name order; none when it is not a folder. */
    private static List<Path> children(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /**
     * Makes a name safe for a file name.
     *
     * @param name any name
     * @return the name with every character outside {@code [A-Za-z0-9._+-]} replaced by {@code _}
     */
    public static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._+-]", "_");
    }

    /**
     * Names a learning rate's folder or file, with one significant digit.
     *
     * @param learningRate the rate
     * @return for example {@code lr-3e-05}
     */
    public static String learningRateName(double learningRate) {
        return LEARNING_RATE_PREFIX + String.format(Locale.ROOT, "%.0e", learningRate).replace("+", "");
    }
}
