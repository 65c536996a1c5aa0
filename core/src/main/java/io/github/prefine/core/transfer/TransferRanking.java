package io.github.prefine.core.transfer;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The pre-finetuning tasks and groups ranked for one target, best first. Immutable.
 *
 * @param target the target's name
 * @param methods the methods the scores combine
 * @param tasks every source task, best first
 * @param groups every group, best first
 */
public record TransferRanking(String target, Set<EmbeddingMethod> methods, List<ScoredTask> tasks,
        List<ScoredGroup> groups) {

    /**
     * Copies the collections.
     *
     * @param target the target's name
     * @param methods the methods the scores combine
     * @param tasks every source task, best first
     * @param groups every group, best first
     */
    public TransferRanking {
        Objects.requireNonNull(target, "target");
        methods = Collections.unmodifiableSet(new LinkedHashSet<>(methods));
        tasks = List.copyOf(tasks);
        groups = List.copyOf(groups);
    }

    /**
     * Returns the best group.
     *
     * @return the first group
     */
    public ScoredGroup topGroup() {
        return groups.get(0);
    }

    /**
     * Scores a combination of groups the way a heterogeneous batch mixes them: the mean of its
     * tasks' scores, each weighted by its size (proportional sampling). A group named twice is one
     * group of the combination, its tasks counted once.
     *
     * @param groupNames the groups of the combination, e.g. {@code [SL, QA]}
     * @return the combination's score
     * @throws IllegalArgumentException if no group is given, or a group has no source task here
     */
    public double score(Collection<String> groupNames) {
        if (groupNames.isEmpty()) {
            // 0 / 0: a NaN would sort first as the best score
            throw new IllegalArgumentException("ranking of " + target + ": expected at least one group to score,"
                    + " found no group");
        }
        double weighted = 0;
        double total = 0;
        // a set: a group named twice weighed its tasks double against the others
        for (String g : new LinkedHashSet<>(groupNames)) {
            boolean found = false;
            for (ScoredTask t : tasks) {
                if (t.group().equals(g)) {
                    weighted += t.size() * t.score();
                    total += t.size();
                    found = true;
                }
            }
            if (!found) {
                throw new IllegalArgumentException("ranking of " + target + ": group " + g + " has no source task, "
                        + "known groups are " + groups.stream().map(ScoredGroup::group).toList());
            }
        }
        return weighted / total;
    }

    /**
     * A source task's score.
     *
     * @param task the task
     * @param group its group
     * @param size its training examples
     * @param score the similarity the ranking uses: the cosine for one method, the mean of the
     *     methods' z-scored cosines for several
     * @param cosines the cosine with the target per method
     */
    public record ScoredTask(String task, String group, long size, double score, Map<EmbeddingMethod, Double> cosines) {
        /**
         * Copies the map.
         *
         * @param task the task
         * @param group its group
         * @param size its training examples
         * @param score the similarity the ranking uses: the cosine for one method, the mean of the
         *     methods' z-scored cosines for several
         * @param cosines the cosine with the target per method
         */
        public ScoredTask {
            EnumMap<EmbeddingMethod, Double> m = new EnumMap<>(EmbeddingMethod.class);
            m.putAll(cosines);
            cosines = Collections.unmodifiableMap(m);
        }
    }

    /**
     * A group's score.
     *
     * @param group the group
     * @param score the size-weighted mean of its tasks' scores
     * @param tasks its tasks' names
     * @param size its training examples
     */
    public record ScoredGroup(String group, double score, List<String> tasks, long size) {
        /**
         * Copies the list.
         *
         * @param group the group
         * @param score the size-weighted mean of its tasks' scores
         * @param tasks its tasks' names
         * @param size its training examples
         */
        public ScoredGroup {
            tasks = List.copyOf(tasks);
        }
    }
}
