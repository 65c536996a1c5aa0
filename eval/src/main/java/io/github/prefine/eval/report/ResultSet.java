package io.github.prefine.eval.report;

import java.util.List;

/**
 * Everything a results log holds: run scores and epoch costs, in file order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param runs the run records (unmodifiable)
 * @param costs the cost records (unmodifiable)
 */
public record ResultSet(List<RunRecord> runs, List<CostRecord> costs) {

    /**
     * Copies both lists.
     *
     * @param runs see the record description
     * @param costs see the record description
     */
    public ResultSet {
        runs = List.copyOf(runs);
        costs = List.copyOf(costs);
    }
}
