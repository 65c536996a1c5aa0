package io.github.prefine.examples.cli;

import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.grid.FinetuningSweep;
import io.github.prefine.core.grid.FinetuningUnit;
import io.github.prefine.core.grid.GridLayout;
import io.github.prefine.core.grid.PrefinetuningSweep;
import io.github.prefine.core.grid.Setting;
import io.github.prefine.core.task.GroupCombination;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The work each unit of a grid is planned to cost, for the run status's ETA, from what is known
 * before any data file is read: the example counts of each task's splits (a fetch record's, or a
 * generated suite's), the caps and sequence lengths of the featurization, the epoch limits and the
 * training runs of a unit. A unit's work is
 * {@code epoch work x epoch limit x training runs}, where a pre-finetuning epoch trains on the
 * pooled examples of its setting's tasks and a finetuning epoch on its target's, and a task's epoch
 * work is {@code (training examples + validation examples / 3) x sequence length} (a validation
 * example is a forward pass, about a third of a training step; the length bounds the tokens of an
 * example, 384 for a QA window against 128 for the rest in the paper's settings). It is an upper
 * bound, in arbitrary units: early stopping ends runs sooner (the {@link RunStatus} scales it by
 * the epochs the ended runs trained), QA questions may make several windows, and padding makes
 * batches shorter. A task whose counts are not known (files laid out by
 * hand, without a fetch record) weighs the mean of the known tasks, or 1 if none is known.
 */
final class PlannedWork {
    /** What joins a finetuning run's setting and target in its label. */
    private static final String ARROW = " → ";

    private PlannedWork() {}

    /**
     * One unit of the plan: a sweep, whose record marks it done.
     *
     * @param id the sweep's id, the name of its record under {@code records/} less the suffix
     * @param labelPrefix how the labels of the sweep's training runs begin (the grid's labels:
     *     {@code pre-finetune SETTING lr ...}, {@code SETTING → TARGET seed N lr ...})
     * @param work the planned work, in arbitrary units
     * @param runFolders where its training runs leave their records, relative to the output folder
     *     ({@code prefinetune/<setting>} with {@code lr-<rate>/history.json} in it, {@code
     *     finetune/<sweep>-seed<N>} with {@code lr-<rate>.json}); none where they are not known
     */
    record Unit(String id, String labelPrefix, double work, List<Path> runFolders) {
        /**
         * Copies the folders.
         *
         * @param id the sweep's id
         * @param labelPrefix how the labels of its training runs begin
         * @param work the planned work
         * @param runFolders where its training runs leave their records, relative to the output folder
         */
        Unit {
            runFolders = List.copyOf(runFolders);
        }

        /**
         * A unit whose training runs' records are not known: it counts as run whole when it ends.
         *
         * @param id the sweep's id
         * @param labelPrefix how the labels of its training runs begin
         * @param work the planned work
         */
        Unit(String id, String labelPrefix, double work) {
            this(id, labelPrefix, work, List.of());
        }

        /**
         * Whether it is a pre-finetuning unit, by its label.
         *
         * @return true for a pre-finetuning unit
         */
        boolean prefinetuning() {
            return labelPrefix.startsWith(TrainingProgress.PREFINETUNING_LABEL);
        }

        /**
         * The target a finetuning unit finetunes, by its label ({@code SETTING → TARGET seed }).
         *
         * @return the target's name; null for a pre-finetuning unit or a label of another form
         */
        String target() {
            int arrow = labelPrefix.indexOf(ARROW);
            int seed = labelPrefix.lastIndexOf(" seed ");
            return prefinetuning() || arrow < 0 || seed < arrow + ARROW.length() ? null
                    : labelPrefix.substring(arrow + ARROW.length(), seed);
        }
    }

    /**
     * A task's size before any of its data is read.
     *
     * @param train training examples
     * @param validation validation examples
     */
    record Size(int train, int validation) {}

    /**
     * The units of a grid as its plan makes them (pre-finetuning sweeps in combination order, then
     * one finetuning sweep per setting and target, or per seed too with per-seed selection), each
     * with its planned work.
     *
     * @param groups the chosen groups
     * @param pool the pre-finetuning tasks of those groups that have data
     * @param targets the targets that have data
     * @param seeds finetuning seeds 1..seeds
     * @param perTarget whether a finetuning sweep holds every seed (per-target selection)
     * @param sizes task sizes by task name; a task absent weighs the mean
     * @param features the featurization's caps and lengths
     * @param shape the training runs and epoch limits of a unit
     * @return the units, in plan order
     */
    static List<Unit> of(List<TaskGroup> groups, List<Task> pool, List<Task> targets, int seeds, boolean perTarget,
            Map<String, Size> sizes, FeatureSettings features, RunStatus.Shape shape) {
        List<Task> all = new ArrayList<>(pool);
        all.addAll(targets);
        double known = 0;
        int knownCount = 0;
        for (Task t : all) {
            Size s = sizes.get(t.name());
            if (s != null) {
                known += epochWork(t, s, features);
                knownCount++;
            }
        }
        double mean = knownCount == 0 ? 1 : known / knownCount;
        java.util.function.ToDoubleFunction<Task> work = t -> sizes.containsKey(t.name())
                ? epochWork(t, sizes.get(t.name()), features) : mean;
        Set<TaskGroup> withData = new LinkedHashSet<>();
        pool.forEach(t -> withData.add(t.group()));
        TaskRegistry registry = TaskRegistry.builder().registerAll(pool).build();
        List<Unit> units = new ArrayList<>();
        List<Setting> settings = new ArrayList<>();
        settings.add(Setting.baseline());
        for (GroupCombination c : TaskRegistry.combinations(groups)) {
            List<Task> ts = registry.tasks(c);
            if (ts.isEmpty()) {
                continue;
            }
            List<TaskGroup> lacking = c.groups().stream().filter(g -> !withData.contains(g)).toList();
            Setting s = lacking.isEmpty() ? Setting.of(c) : Setting.partial(c, lacking);
            settings.add(s);
            double epoch = ts.stream().mapToDouble(work).sum();
            // the id depends on the setting alone
            units.add(new Unit(new PrefinetuningSweep(s, List.of(1.0), 0L).id(),
                    TrainingProgress.PREFINETUNING_LABEL + s.name() + " lr ",
                    epoch * shape.prefinetuningEpochs() * shape.prefinetuningRuns(), List.of(RELATIVE.settingDir(s))));
        }
        List<Long> seedList = java.util.stream.LongStream.rangeClosed(1, seeds).boxed().toList();
        for (Setting s : settings) {
            for (Task t : targets) {
                double w = work.applyAsDouble(t) * shape.finetuningEpochs() * shape.finetuningRuns();
                String label = s.name() + ARROW + t.name() + " seed ";
                if (perTarget) {
                    units.add(new Unit(new FinetuningSweep(s, t, seedList, List.of(1.0)).id(), label, w,
                            seedList.stream().map(seed -> seedFolder(s, t, seed)).toList()));
                } else {
                    for (long seed : seedList) {
                        units.add(new Unit(new FinetuningSweep(s, t, List.of(seed), List.of(1.0)).id(),
                                label + seed + " lr ", w, List.of(seedFolder(s, t, seed))));
                    }
                }
            }
        }
        return units;
    }

    /**
     * A task's work per epoch: its training examples and a third of its validation examples (a
     * forward pass each), under the featurization's caps, times the length its examples are cut to.
     *
     * @param task the task
     * @param size its example counts
     * @param features the caps and lengths
     * @return the work
     */
    static double epochWork(Task task, Size size, FeatureSettings features) {
        int train = cap(size.train(), features.maxTrainExamples());
        int validation = cap(size.validation(), features.maxEvalExamples());
        int length = task.format().exampleType() == QaExample.class ? features.qaMaxLength() : features.maxLength();
        return (train + validation / 3.0) * length;
    }

    /** The grid's layout relative to the output folder, for the folders of the runs' records. */
    private static final GridLayout RELATIVE = new GridLayout(Path.of(""));

    /** The folder of one seed's finetuning runs, whatever their learning rate. */
    private static Path seedFolder(Setting s, Task target, long seed) {
        return RELATIVE.finetuningTrial(new FinetuningUnit(s, target, seed, 1.0)).getParent();
    }

    private static int cap(int n, int max) {
        return max > 0 ? Math.min(n, max) : n;
    }
}
