package io.github.prefine.core.testing;

import io.github.prefine.eval.evaluator.StdKind;
import io.github.prefine.eval.report.ReportLayout;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.ResultSet;
import io.github.prefine.eval.report.RunRecord;
import io.github.prefine.eval.report.Table;
import io.github.prefine.eval.report.TableWriter;
import io.github.prefine.eval.report.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Output folders whose scores are Student's sleep data (R's {@code sleep}, whose t-tests R's
 * documentation prints: paired t = 4.0621, df = 9, p = 0.002833, CI 0.7001 to 2.4599 for group 2
 * minus group 1), for tests of comparisons between runs.
 */
public final class SleepRuns {
    /** Group 1 of R's {@code sleep$extra}, one value per seed 1..10. */
    public static final double[] SLEEP_1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
    /** Group 2 of R's {@code sleep$extra}, paired with {@link #SLEEP_1} by position. */
    public static final double[] SLEEP_2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

    private SleepRuns() {}

    /**
     * Writes a run folder of one target under Baseline ({@link #SLEEP_1}) and one other setting
     * ({@code scores}), seeds 1..10: {@code results.jsonl}, {@code table1} and {@code table2}.
     *
     * @param dir the folder, created if absent
     * @param target the target's name, in group SL
     * @param setting the other setting's name
     * @param precision the precision the records name
     * @param scores the setting's scores, one per seed
     * @return {@code dir}
     * @throws IOException if writing fails
     */
    public static Path write(Path dir, String target, String setting, String precision, double[] scores)
            throws IOException {
        ReportLayout layout = ReportLayout.builder().addSetting(setting).addTarget(target, "SL").build();
        List<RunRecord> runs = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            runs.add(new RunRecord("Baseline", target, "SL", i + 1, SLEEP_1[i], precision));
            runs.add(new RunRecord(setting, target, "SL", i + 1, scores[i], precision));
        }
        Files.createDirectories(dir);
        for (RunRecord r : runs) {
            ResultLog.append(dir.resolve("results.jsonl"), r);
        }
        ResultSet results = new ResultSet(runs, List.of());
        Table t1 = Tables.table1(results, layout, StdKind.SAMPLE);
        TableWriter.standard().writeAll(t1, dir, "table1");
        TableWriter.standard().writeAll(Tables.table2(t1, results, layout, 0.05), dir, "table2");
        return dir;
    }
}
