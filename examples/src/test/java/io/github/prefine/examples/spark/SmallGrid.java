package io.github.prefine.examples.spark;

import io.github.prefine.core.grid.Grid;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.examples.demo.SyntheticSuite;
import io.github.prefine.examples.demo.SyntheticTaskSet;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The demo's grid cut down for the Spark runner's tests ({@link SparkArgs#narrowGrid}): the
 * baseline and the setting C on one or two targets, with splits a few batches long. What those
 * tests show (retries, leases, markers, write-ups) needs a few units, not the demo's 55.
 */
final class SmallGrid {
    /** The target of {@link #ONE_TARGET}. */
    static final String TARGET = "syn-c-target-review";

    /**
     * The demo's suite at its default seed, so that the demo's encoder and vocabulary fit, with
     * fewer examples: two epochs of pre-finetuning C are still two checkpoints.
     */
    private static final SyntheticTaskSet SUITE = SyntheticTaskSet.of(SyntheticSuite.generate(7,
            new SyntheticSuite.Sizes(128, 32, 32, 32)));

    /** Three units: pre-finetuning C (one learning rate), then the baseline's and C's finetuning of {@link #TARGET}. */
    static final UnaryOperator<Grid.Builder> ONE_TARGET = b -> of(b, TARGET);

    /** Five units: {@link #ONE_TARGET}'s with a second target, so that the baseline has two finetuning units. */
    static final UnaryOperator<Grid.Builder> TWO_TARGETS = b -> of(b, TARGET, "syn-c-target-match");

    private SmallGrid() {}

    private static Grid.Builder of(Grid.Builder demo, String... targets) {
        List<String> names = List.of(targets);
        return demo.setData(SUITE.data()).setPrefinetuningTasks(SUITE.prefinetuning()).setGroups(List.of(TaskGroup.C))
                .setTargets(SUITE.targets().stream().filter(t -> names.contains(t.name())).toList());
    }
}
