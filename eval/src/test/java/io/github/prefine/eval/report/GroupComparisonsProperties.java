package io.github.prefine.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.prefine.eval.stats.SeedDifference;
import io.github.prefine.eval.stats.TestKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * Table 2's comparisons with the baseline ({@link GroupComparisons}) against a direct reading of
 * docs/protocol.md on random logs (seeds missing, repeated, or on one side only): per row, the
 * per-seed averages over the row's targets of the seeds every target ran once, the paired t-test of
 * Commons Math when every target ran the same seeds once under both settings and Welch's otherwise,
 * no comparison when the settings ran different targets of the row, and Holm over all tested cells.
 */
class GroupComparisonsProperties {

    private static final String BASE = "Baseline";
    private static final ReportLayout LAYOUT = ReportLayout.builder().addSetting(BASE).addSetting("S1")
            .addSetting("S2").addTarget("t1", "G1").addTarget("t2", "G1").addTarget("t3", "G2").build();

    /** A random log: targets a setting never ran, seeds missing or run twice. */
    private static List<RunRecord> randomLog(Random r) {
        List<RunRecord> runs = new ArrayList<>();
        for (String s : LAYOUT.settings()) {
            for (String t : LAYOUT.targets()) {
                if (r.nextInt(8) == 0) {
                    continue; // this setting never ran this target
                }
                boolean messy = r.nextInt(3) == 0;
                for (long seed = 1; seed <= 5; seed++) {
                    int times = messy ? r.nextInt(3) : 1; // 0: missing, 2: repeated
                    for (int k = 0; k < times; k++) {
                        runs.add(new RunRecord(s, t, t.equals("t3") ? "G2" : "G1", seed, r.nextInt(10000) / 100.0));
                    }
                }
            }
        }
        return runs;
    }

    private static Map<Long, List<Double>> seedsOf(List<RunRecord> log, String setting, String target) {
        Map<Long, List<Double>> out = new TreeMap<>();
        for (RunRecord x : log) {
            if (x.setting().equals(setting) && x.target().equals(target)) {
                out.computeIfAbsent(x.seed(), k -> new ArrayList<>()).add(x.value());
            }
        }
        return out;
    }

    /** Seed → mean over the targets, for seeds every target ran exactly once. */
    private static double[] averages(List<RunRecord> log, String setting, List<String> targets) {
        List<Double> out = new ArrayList<>();
        for (long seed = 1; seed <= 5; seed++) {
            double sum = 0;
            boolean all = true;
            for (String t : targets) {
                List<Double> v = seedsOf(log, setting, t).get(seed);
                all &= v != null && v.size() == 1;
                sum += all ? v.get(0) : 0;
            }
            if (all) {
                out.add(sum / targets.size());
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static boolean onceEach(Map<Long, List<Double>> m) {
        return m.values().stream().allMatch(v -> v.size() == 1);
    }

    private static double variance(double[] v) {
        double m = 0;
        for (double x : v) {
            m += x / v.length;
        }
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return s;
    }

    @Property(tries = 80)
    void table2ComparisonsFollowTheProtocol(@ForAll long seed) {
        List<RunRecord> log = randomLog(new Random(seed));
        Map<String, Map<String, SeedDifference>> got =
                GroupComparisons.of(new ResultSet(log, List.of()), LAYOUT, SeedDifference.ALPHA);
        Map<String, List<String>> rows = new LinkedHashMap<>();
        LAYOUT.groups().forEach(g -> rows.put(g, LAYOUT.targetsOf(g)));
        rows.put(Tables.AVERAGE, LAYOUT.targets());
        List<Double> raw = new ArrayList<>();
        List<SeedDifference> tested = new ArrayList<>();
        TTest tt = new TTest();
        for (Map.Entry<String, List<String>> row : rows.entrySet()) {
            for (String s : List.of("S1", "S2")) {
                SeedDifference d = got.getOrDefault(row.getKey(), Map.of()).get(s);
                String where = row.getKey() + "/" + s + " of " + log;
                List<String> ranBase = row.getValue().stream().filter(t -> !seedsOf(log, BASE, t).isEmpty()).toList();
                List<String> ranSet = row.getValue().stream().filter(t -> !seedsOf(log, s, t).isEmpty()).toList();
                double[] b = averages(log, BASE, ranBase);
                double[] v = averages(log, s, ranBase);
                if (ranBase.isEmpty() || !ranBase.equals(ranSet) || b.length == 0 || v.length == 0) {
                    assertNull(d, where);
                    continue;
                }
                assertNotNull(d, where);
                boolean paired = true;
                Map<Long, List<Double>> first = seedsOf(log, BASE, ranBase.get(0));
                for (String t : ranBase) {
                    Map<Long, List<Double>> mb = seedsOf(log, BASE, t);
                    Map<Long, List<Double>> ms = seedsOf(log, s, t);
                    paired &= onceEach(mb) && onceEach(ms) && mb.keySet().equals(first.keySet())
                            && ms.keySet().equals(first.keySet());
                }
                assertEquals(paired ? TestKind.PAIRED : TestKind.WELCH, d.kind(), where);
                double mb = 0;
                double ms = 0;
                for (double x : b) {
                    mb += x / b.length;
                }
                for (double x : v) {
                    ms += x / v.length;
                }
                assertEquals(ms - mb, d.difference(), 1e-9, where);
                double[] diff = new double[b.length];
                for (int i = 0; paired && i < b.length; i++) {
                    diff[i] = v[i] - b[i];
                }
                boolean testable = paired ? b.length >= 2 && variance(diff) > 1e-9
                        : b.length >= 2 && v.length >= 2 && (variance(b) > 1e-9 || variance(v) > 1e-9);
                if (!testable) {
                    assertFalse(d.tested(), where);
                    continue;
                }
                double p = paired ? tt.pairedTTest(v, b) : tt.tTest(v, b);
                assertEquals(p, d.p(), 1e-9, where);
                raw.add(d.p());
                tested.add(d);
            }
        }
        double[] adjusted = io.github.prefine.eval.stats.HolmBonferroni.adjust(
                raw.stream().mapToDouble(Double::doubleValue).toArray());
        for (int i = 0; i < tested.size(); i++) {
            assertEquals(adjusted[i], tested.get(i).pAdjusted(), 1e-12, "Holm over Table 2's tested cells");
        }
    }
}
