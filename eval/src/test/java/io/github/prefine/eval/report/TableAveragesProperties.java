package io.github.prefine.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Table 1's "Average" and "Average Std. Dev." rows and Table 2's group rows against direct sums over
 * random cells of the paper's layout, some empty and some of one seed (a mean without a std): each
 * is the plain mean over the targets that have a value (a std), in the layout's row order.
 */
class TableAveragesProperties {

    private static Double mean(List<Double> v) {
        if (v.isEmpty()) {
            return null;
        }
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.size();
    }

    @Property(tries = 60)
    void averageRowsAreMeansOverTheCellsThatHaveThem(@ForAll long seed) {
        ReportLayout layout = ReportLayout.paper();
        java.util.Random r = new java.util.Random(seed);
        Map<String, Map<String, Cell>> cells = new HashMap<>();
        for (String t : layout.targets()) {
            for (String s : layout.settings()) {
                int kind = r.nextInt(4); // 0 empty, 1 one seed, 2-3 mean ± std
                if (kind > 0) {
                    double m = r.nextInt(10000) / 100.0;
                    cells.computeIfAbsent(t, k -> new HashMap<>())
                            .put(s, kind == 1 ? Cell.of(m) : Cell.of(m, r.nextInt(500) / 100.0));
                }
            }
        }
        Table t1 = Tables.table1OfCells(cells, layout, "sample std, n-1");
        Table t2 = Tables.table2(t1, layout);
        for (String s : layout.settings()) {
            check(layout.targets(), cells, s, t1.cell(Tables.AVERAGE, s), t1.cell(Tables.AVERAGE_STD, s), true);
            for (String g : layout.groups()) {
                check(layout.targetsOf(g), cells, s, t2.cell(g, s), t2.cell(g, s), false);
            }
            check(layout.targets(), cells, s, t2.cell(Tables.AVERAGE, s), t2.cell(Tables.AVERAGE, s), false);
        }
    }

    private static void check(List<String> targets, Map<String, Map<String, Cell>> cells, String setting, Cell avg,
            Cell avgStd, boolean stdOwnRow) {
        List<Double> means = new java.util.ArrayList<>();
        List<Double> stds = new java.util.ArrayList<>();
        for (String t : targets) {
            Cell c = cells.getOrDefault(t, Map.of()).get(setting);
            if (c != null) {
                means.add(c.value());
                if (c.hasStd()) {
                    stds.add(c.std());
                }
            }
        }
        Double m = mean(means);
        Double sd = mean(stds);
        String where = setting + " over " + targets;
        if (m == null) {
            assertTrue(avg.isEmpty(), where);
        } else {
            // within a rounding: which cells are averaged is checked here, NumPy's order in TablesTest
            assertEquals(m, avg.value(), 1e-9, where + " mean");
        }
        if (stdOwnRow) {
            if (sd == null) {
                assertTrue(avgStd.isEmpty(), where);
            } else {
                assertEquals(sd, avgStd.value(), 1e-9, where + " mean std");
            }
        } else if (m != null) {
            assertEquals(sd != null, avgStd.hasStd(), where + " has std");
            if (sd != null) {
                assertEquals(sd, avgStd.std(), 1e-9, where + " mean std");
            }
        }
    }

    @Property(tries = 60)
    void table1CellsAreMeanAndSampleStdOverSeedsTestedAgainstTheBaseline(@ForAll long seed) {
        ReportLayout layout = ReportLayout.builder().addSetting("Baseline").addSetting("S").addTarget("t1", "G")
                .addTarget("t2", "G").build();
        java.util.Random r = new java.util.Random(seed);
        List<RunRecord> runs = new java.util.ArrayList<>();
        Map<String, List<long[]>> seeds = new HashMap<>();
        Map<String, List<Double>> values = new HashMap<>();
        for (String s : layout.settings()) {
            for (String t : layout.targets()) {
                for (long sd = 1; sd <= 5; sd++) {
                    if (r.nextInt(5) > 0) { // a seed now and then missing, so some cells pair and some do not
                        double v = r.nextInt(10000) / 100.0;
                        runs.add(new RunRecord(s, t, "G", sd, v));
                        seeds.computeIfAbsent(s + "/" + t, k -> new java.util.ArrayList<>()).add(new long[] {sd});
                        values.computeIfAbsent(s + "/" + t, k -> new java.util.ArrayList<>()).add(v);
                    }
                }
            }
        }
        Table t1 = Tables.table1(new ResultSet(runs, List.of()), layout, io.github.prefine.eval.evaluator.StdKind.SAMPLE);
        assertTrue(t1.title().contains("sample std, n-1") || !t1.title().contains("±"), t1.title());
        org.apache.commons.math3.stat.inference.TTest tt = new org.apache.commons.math3.stat.inference.TTest();
        for (String t : layout.targets()) {
            for (String s : layout.settings()) {
                List<Double> v = values.getOrDefault(s + "/" + t, List.of());
                Cell c = t1.cell(t, s);
                if (v.isEmpty()) {
                    assertTrue(c.isEmpty());
                    continue;
                }
                double m = mean(v);
                assertEquals(m, c.value(), 1e-9, t + "/" + s);
                assertEquals(v.size() > 1, c.hasStd(), "one seed has no sample std");
                if (v.size() > 1) {
                    double ss = 0;
                    for (double x : v) {
                        ss += (x - m) * (x - m);
                    }
                    assertEquals(Math.sqrt(ss / (v.size() - 1)), c.std(), 1e-9, t + "/" + s + " sample std");
                }
                List<Double> b = values.getOrDefault("Baseline/" + t, List.of());
                if (s.equals("S") && b.size() >= 2 && v.size() >= 2) {
                    double[] bv = b.stream().mapToDouble(Double::doubleValue).toArray();
                    double[] sv = v.stream().mapToDouble(Double::doubleValue).toArray();
                    boolean paired = java.util.Arrays.deepEquals(seeds.get("Baseline/" + t).toArray(),
                            seeds.get("S/" + t).toArray());
                    double p = paired ? tt.pairedTTest(sv, bv) : tt.tTest(sv, bv);
                    assertEquals(p, c.vsBaseline().p(), 1e-9, t + " p, paired " + paired);
                }
            }
        }
    }
}
