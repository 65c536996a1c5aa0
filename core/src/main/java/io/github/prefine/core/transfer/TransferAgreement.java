package io.github.prefine.core.transfer;

import io.github.prefine.core.grid.Setting;
import io.github.prefine.core.task.GroupCombination;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.eval.ranking.RankingMetrics;
import io.github.prefine.eval.report.RunRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How well a {@link TransferRanking} predicted the transfer measured by a finished grid (the
 * {@link RunRecord}s of a {@code reproduce} or {@code demo} result log). Immutable.
 *
 * <p>Settings are the pre-finetuning group combinations run for the target ({@code Only-SL},
 * {@code SL+QA}, ...); the baseline has no prediction and is left out, as are settings naming a group the
 * ranking has no source task for, or names no groups ({@link #groupsOf} refuses it), both counted in
 * {@code skippedSettings}. A setting's measured value is the mean over its seeds, each seed counting
 * once: the runs of one seed (a line logged twice, or the seed run under two precisions) are first
 * averaged into its value. Its predicted value
 * is {@link TransferRanking#score} of the groups it was pre-finetuned on: all its groups, but for a
 * partial setting ({@code SL+QA+C (no QA data)}, run without QA's data) those with data ({@code SL}
 * and {@code C}), whether or not the ranking knows the others, as they took no part in its runs.
 * Like them, the top group is judged among what was run: the best-ranked of the groups run alone.
 *
 * @param target the target
 * @param settings the settings compared, in first-seen order
 * @param predicted predicted score per setting
 * @param measured mean measured value per setting over its seeds (each once), in percent
 * @param spearman Spearman's rho of predicted against measured over the settings; NaN with fewer
 *     than two settings or a constant side
 * @param topGroup the ranking's best group of those run alone ({@code Only-X}), or its best
 *     group when none was run alone
 * @param bestGroup the single-group setting that measured best (the top group when it ties for
 *     best, else the first of the tied seen), or null when none was run
 * @param ndcgAt3 NDCG@3 of the settings ordered by prediction, each gaining its measured value
 *     minus the smallest measured value; NaN when all measured the same (nothing to order)
 * @param skippedSettings settings left out: a group they were pre-finetuned on had no source task, or
 *     the name names no groups
 */
public record TransferAgreement(String target, List<String> settings, double[] predicted, double[] measured,
        double spearman, String topGroup, String bestGroup, double ndcgAt3, int skippedSettings) {

    /** The setting name of runs without pre-finetuning. */
    public static final String BASELINE = "Baseline";

    /**
     * Copies the arrays.
     *
     * @param target the target
     * @param settings the settings compared, in first-seen order
     * @param predicted predicted score per setting
     * @param measured mean measured value per setting, in percent
     * @param spearman Spearman's rho of predicted against measured over the settings; NaN with fewer
     *     than two settings or a constant side
     * @param topGroup the ranking's best group of those run alone ({@code Only-X}), or its best
     *     group when none was run alone
     * @param bestGroup the single-group setting that measured best (the top group when it ties for
     *     best, else the first of the tied seen), or null when none was run
     * @param ndcgAt3 NDCG@3 of the settings ordered by prediction, each gaining its measured value
     *     minus the smallest measured value; NaN when all measured the same (nothing to order)
     * @param skippedSettings settings left out: a group they were pre-finetuned on had no source task, or
     *     the name names no groups
     */
    public TransferAgreement {
        settings = List.copyOf(settings);
        predicted = predicted.clone();
        measured = measured.clone();
    }

    /**
     * Returns the predicted score per setting.
     *
     * @return a copy, in the order of {@link #settings()}
     */
    @Override
    public double[] predicted() {
        // a copy: the record is immutable, and its equality and hash read the array
        return predicted.clone();
    }

    /**
     * Returns the mean measured value per setting, in percent.
     *
     * @return a copy, in the order of {@link #settings()}
     */
    @Override
    public double[] measured() {
        return measured.clone();
    }

    /**
     * Returns Kendall's tau-b of predicted against measured over the settings ({@link
     * RankingMetrics#kendallTau}, as {@code scipy.stats.kendalltau}): the share of setting pairs the
     * prediction orders as measured minus the share it orders the other way, ties on either side
     * discounted. Computed from {@link #predicted()} and {@link #measured()}, so no component of its own.
     *
     * @return tau-b in [-1, 1]; NaN with fewer than two settings or a constant side, as {@link #spearman()}
     */
    public double kendallTau() {
        return predicted.length >= 2 ? RankingMetrics.kendallTau(predicted, measured) : Double.NaN;
    }

    /**
     * Returns whether the top-ranked group was the best single group measured.
     *
     * @return true when they are the same group
     */
    public boolean topIsBest() {
        return topGroup.equals(bestGroup);
    }

    /**
     * Tells whether the runs hold a pre-finetuned run (any setting but {@link #BASELINE}) of a
     * target, that is whether {@link #of} has something to compare: a caller that skips a target
     * without one asks this rather than reading every {@link IllegalArgumentException} of {@code of}
     * as that.
     *
     * @param target the target's name
     * @param runs result-log runs
     * @return true if {@link #of} would find a setting to compare for the target
     */
    public static boolean hasPrefinetunedRun(String target, List<RunRecord> runs) {
        Objects.requireNonNull(target, "target");
        return runs.stream().anyMatch(r -> r.target().equals(target) && !BASELINE.equals(r.setting()));
    }

    /**
     * Compares a ranking with the runs of its target.
     *
     * @param ranking the target's ranking
     * @param runs result-log runs; those of other targets are ignored
     * @return the agreement
     * @throws IllegalArgumentException if no run of the target has a pre-finetuning setting ({@link
     *     #hasPrefinetunedRun} tells beforehand)
     */
    public static TransferAgreement of(TransferRanking ranking, List<RunRecord> runs) {
        Objects.requireNonNull(ranking, "ranking");
        // per setting, per seed: the sum and count of its runs
        Map<String, Map<Long, double[]>> sums = new LinkedHashMap<>();
        for (RunRecord r : runs) {
            if (r.target().equals(ranking.target()) && !BASELINE.equals(r.setting())) {
                double[] s = sums.computeIfAbsent(r.setting(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(r.seed(), k -> new double[2]);
                s[0] += r.value();
                s[1]++;
            }
        }
        if (sums.isEmpty()) {
            throw new IllegalArgumentException("target " + ranking.target() + ": the results hold no pre-finetuned run");
        }
        List<String> settings = new ArrayList<>();
        List<Double> pred = new ArrayList<>();
        List<Double> meas = new ArrayList<>();
        int skipped = 0;
        String bestGroup = null;
        double best = Double.NEGATIVE_INFINITY;
        // the best-ranked group that was run alone: an unmeasured top group cannot be told best or not
        Set<String> runAlone = new HashSet<>();
        Map<String, Setting> parsed = new LinkedHashMap<>();
        for (String setting : sums.keySet()) {
            Setting s = settingOrNull(setting);
            parsed.put(setting, s);
            if (runAlone(s) != null) {
                runAlone.add(runAlone(s));
            }
        }
        String top = ranking.groups().stream().map(TransferRanking.ScoredGroup::group).filter(runAlone::contains)
                .findFirst().orElse(ranking.topGroup().group());
        for (Map.Entry<String, Map<Long, double[]>> e : sums.entrySet()) {
            Setting setting = parsed.get(e.getKey());
            Double p = setting == null ? null : predicted(ranking, setting);
            if (p == null) {
                skipped++;
                continue;
            }
            String alone = runAlone(setting);
            // each seed once: a seed logged twice (a log appended to again) outweighed the others
            double seedSum = 0;
            for (double[] seed : e.getValue().values()) {
                seedSum += seed[0] / seed[1];
            }
            double m = seedSum / e.getValue().size();
            settings.add(e.getKey());
            pred.add(p);
            meas.add(m);
            // the top group tied for best is the best: which tied group came first in the log is no evidence
            if (alone != null && (m > best || m == best && alone.equals(top))) {
                best = m;
                bestGroup = alone;
            }
        }
        double[] p = pred.stream().mapToDouble(Double::doubleValue).toArray();
        double[] m = meas.stream().mapToDouble(Double::doubleValue).toArray();
        double rho = p.length >= 2 ? RankingMetrics.spearman(p, m) : Double.NaN;
        double ndcg = Double.NaN;
        double min = Arrays.stream(m).min().orElse(0);
        double[] gain = Arrays.stream(m).map(v -> v - min).toArray();
        // every gain 0 (one setting, or all measured alike): the ideal DCG is 0 and NDCG undefined,
        // not the 1 that RankingMetrics answers for "any order is ideal", which lifted the average
        if (Arrays.stream(gain).anyMatch(g -> g > 0)) {
            ndcg = RankingMetrics.ndcgAtK(p, gain, 3);
        }
        return new TransferAgreement(ranking.target(), settings, p, m, rho, top, bestGroup,
                ndcg, skipped);
    }

    /**
     * Returns the groups a setting name names, read as {@link Setting#parse} reads it: {@code
     * Only-SL} (the pipeline's name of a single group) or a bare {@code SL} is {@code [SL]}, {@code
     * SL+QA} is {@code [SL, QA]}, {@code Only-X+C} is {@code [Only-X, C]}, and a partial {@code
     * SL+QA+C (no QA data)} is {@code [SL, QA, C]}, QA included though it had no data.
     *
     * @param setting the setting's name
     * @return its groups
     * @throws IllegalArgumentException if the name names no groups ({@link Setting#parse} refuses it
     *     and it is no bare group name)
     */
    public static List<String> groupsOf(String setting) {
        Setting s = settingOrNull(setting);
        if (s == null || s.isBaseline()) {
            throw new IllegalArgumentException("setting name: expected Only-<group>, <group> or <group>+<group>...,"
                    + " optionally followed by \" (no <groups> data)\", found '" + setting + "'");
        }
        return names(s.groups());
    }

    /** The setting a result log's name stands for, a bare group name ({@code SL}) that group alone; null for none. */
    private static Setting settingOrNull(String name) {
        try {
            return Setting.parse(name);
        } catch (IllegalArgumentException notTheGrids) {
            try {
                // logs written by hand, or by tools that name a single group bare
                return name.contains("+") ? null : Setting.of(GroupCombination.of(List.of(TaskGroup.of(name))));
            } catch (IllegalArgumentException notAGroup) {
                return null;
            }
        }
    }

    /**
     * The ranking's score of the groups a setting was pre-finetuned on, those with data; null where
     * one has no source task, or none had data (nothing was pre-finetuned).
     */
    private static Double predicted(TransferRanking ranking, Setting setting) {
        List<String> trained = names(setting.groupsWithData());
        if (trained.isEmpty()) {
            return null;
        }
        try {
            return ranking.score(trained);
        } catch (IllegalArgumentException noSourceTask) {
            return null;
        }
    }

    /** The group a setting ran alone ({@code Only-X}, with its data), or null. */
    private static String runAlone(Setting s) {
        return s != null && s.groups().size() == 1 && !s.isPartial() ? s.groups().get(0).name() : null;
    }

    private static List<String> names(List<TaskGroup> groups) {
        return groups.stream().map(TaskGroup::name).toList();
    }

    /**
     * Averages agreements over targets, skipping NaN values.
     *
     * @param all per-target agreements
     * @return mean rho, the share of targets whose top group was best (of those with a single-group
     *     setting), mean NDCG@3 and mean Kendall's tau-b ({@link #kendallTau()}); NaN where nothing
     *     counted
     */
    public static double[] averages(List<TransferAgreement> all) {
        double rho = 0;
        int nr = 0;
        double top = 0;
        int nt = 0;
        double ndcg = 0;
        int nn = 0;
        double tau = 0;
        int nk = 0;
        for (TransferAgreement a : all) {
            if (!Double.isNaN(a.spearman())) {
                rho += a.spearman();
                nr++;
            }
            if (a.bestGroup() != null) {
                top += a.topIsBest() ? 1 : 0;
                nt++;
            }
            if (!Double.isNaN(a.ndcgAt3())) {
                ndcg += a.ndcgAt3();
                nn++;
            }
            double k = a.kendallTau();
            if (!Double.isNaN(k)) {
                tau += k;
                nk++;
            }
        }
        return new double[] {nr == 0 ? Double.NaN : rho / nr, nt == 0 ? Double.NaN : top / nt,
            nn == 0 ? Double.NaN : ndcg / nn, nk == 0 ? Double.NaN : tau / nk};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransferAgreement a && target.equals(a.target) && settings.equals(a.settings)
                && Arrays.equals(predicted, a.predicted) && Arrays.equals(measured, a.measured)
                && Double.compare(spearman, a.spearman) == 0 && topGroup.equals(a.topGroup)
                && Objects.equals(bestGroup, a.bestGroup) && Double.compare(ndcgAt3, a.ndcgAt3) == 0
                && skippedSettings == a.skippedSettings;
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, settings, Arrays.hashCode(predicted), Arrays.hashCode(measured), spearman);
    }

    @Override
    public String toString() {
        return "TransferAgreement[" + target + ", rho " + spearman + ", top " + topGroup + ", best " + bestGroup
                + ", ndcg@3 " + ndcgAt3 + "]";
    }
}
