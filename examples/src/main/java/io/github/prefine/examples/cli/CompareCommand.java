package io.github.prefine.examples.cli;

import io.github.prefine.core.grid.RunComparison;
import io.github.prefine.eval.report.Cell;
import io.github.prefine.eval.report.Table;
import io.github.prefine.eval.report.TableWriter;
import io.github.prefine.eval.stats.SeedDifference;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code compare BASE OTHER...}: how far each other run's tables are from the base run's. For each
 * other run it prints Table 2's differences (other minus base, in points), the largest of them and
 * how many cells lie within {@code --within} points, Table 1's largest difference, the targets
 * and settings that only one run has, the verdicts of both runs side by side, per setting how
 * many targets each run finds significantly higher or lower than its baseline, and, where both
 * folders have their per-seed scores ({@code results.jsonl}), how many (target, setting) cells
 * differ between the runs beyond seed noise, naming each; every test is judged at {@code --alpha}.
 * The folders are output folders of {@code demo} or {@code reproduce}; their {@code table1.json},
 * {@code table2.json} and {@code results.jsonl} are read. Exit code 0 whatever
 * the differences (it reports, it does not judge), 2 for a missing or malformed folder or table.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = PrefineVersion.class,
        description = "Compare finished runs' tables with a base run's: Table 2's differences, the largest, verdicts.")
public final class CompareCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BASE", description = "output folder of the run to compare with")
    private Path base;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "OTHER", description = "output folders of the runs to compare")
    private List<Path> others = new ArrayList<>();

    @Option(names = "--within", paramLabel = "POINTS",
            description = "count the Table 2 cells within this many points of the base (default: ${DEFAULT-VALUE})")
    private double within = 2.0;

    @Option(names = "--alpha", paramLabel = "LEVEL",
            description = "significance level of the t-tests, per cell between the runs and against each run's"
                    + " baseline: a difference counts when its Holm-adjusted p is at most this (default: ${DEFAULT-VALUE})")
    private double alpha = 0.05;

    /** Creates the command; picocli fills the fields. */
    public CompareCommand() {}

    /**
     * Prints the comparisons.
     *
     * @return the exit code
     * @throws IOException if a table cannot be read; {@link PrefineCli} turns it into one line and exit code 2
     */
    @Override
    public Integer call() throws IOException {
        if (!(within >= 0) || Double.isInfinite(within)) {
            // the value as typed: "-1" read back as a double said "found -1.0"
            throw new IllegalArgumentException("--within: expected a number of points, 0 or more, found '"
                    + typed("--within", within) + "'; pass for example --within 2 or leave it out for the default");
        }
        SeedDifference.checkLevel("--alpha", alpha);
        checkRun("BASE", base);
        for (Path o : others) {
            checkRun("OTHER", o);
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Path o : others) {
            RunComparison c = RunComparison.between(base, o, alpha);
            out.printf(Locale.ROOT, "%s (%s) against %s (%s)%n", o, c.otherPrecision().orElse("precision not recorded"),
                    base, c.basePrecision().orElse("precision not recorded"));
            out.print(differences(c.table2Differences()));
            c.largest().ifPresentOrElse(d -> out.printf(Locale.ROOT,
                    "Table 2: largest difference %s (%s, %s); %d of %d cells within %s points%n", signed(d.points()), d.row(),
                    d.column(), c.cellsWithin(within), c.cellsCompared(), points(within)),
                    () -> out.println("Table 2: no cell in both runs"));
            c.largestTable1().ifPresent(d -> out.printf(Locale.ROOT, "Table 1: largest difference %s (%s, %s)%n",
                    signed(d.points()), d.row(), d.column()));
            RunComparison.Coverage cover = c.coverage();
            if (!cover.targetsOnlyInBase().isEmpty() || !cover.targetsOnlyInOther().isEmpty()) {
                out.printf(Locale.ROOT, "Targets differ, so Table 2's rows average different targets: only in base %s,"
                        + " only in other %s%n", names(cover.targetsOnlyInBase()), names(cover.targetsOnlyInOther()));
            }
            if (!c.unevenCells().isEmpty()) {
                out.println("Table 2 cells that average other targets in the two runs (a sweep failed or is not done;"
                        + " their difference is partly a change of targets):");
                for (RunComparison.UnevenCell u : c.unevenCells()) {
                    out.printf(Locale.ROOT, "  %s, %s: base %s; other %s%n", u.row(), u.column(), names(u.baseTargets()),
                            names(u.otherTargets()));
                }
            }
            if (!cover.settingsOnlyInBase().isEmpty() || !cover.settingsOnlyInOther().isEmpty()) {
                out.printf(Locale.ROOT, "Settings not compared: only in base %s, only in other %s%n",
                        names(cover.settingsOnlyInBase()), names(cover.settingsOnlyInOther()));
            }
            long same = c.verdicts().stream().filter(RunComparison.VerdictPair::same).count();
            if (c.verdicts().isEmpty()) {
                out.println("Verdicts: none in either run (their settings give none)");
            } else {
                out.printf(Locale.ROOT, "Verdicts: %d of %d the same%n", same, c.verdicts().size());
            }
            for (RunComparison.VerdictPair v : c.verdicts()) {
                if (!v.same()) {
                    out.printf(Locale.ROOT, "  %s: base \"%s\", other \"%s\"%n", v.subject(), v.base(), v.other());
                }
            }
            if (!c.significance().isEmpty()) {
                out.println("Targets that differ from the baseline beyond seed noise (Table 1, Holm-adjusted t-tests):");
                for (RunComparison.VerdictPair v : c.significance()) {
                    out.printf(Locale.ROOT, "  %s: base %s; other %s%n", v.subject(), v.base(), v.other());
                }
            }
            cells(out, c, o);
            out.println();
        }
        out.flush();
        return 0;
    }

    /** An option's value as given on the command line; its parsed value where none was (a caller's own field). */
    private String typed(String option, Object parsed) {
        CommandLine.ParseResult r = spec.commandLine().getParseResult();
        if (r != null && r.hasMatchedOption(option) && !r.matchedOption(option).originalStringValues().isEmpty()) {
            List<String> values = r.matchedOption(option).originalStringValues();
            return values.get(values.size() - 1);
        }
        return String.valueOf(parsed);
    }

    /** The per-cell tests between the runs: the summary, then each cell that differs. */
    private void cells(PrintWriter out, RunComparison c, Path other) {
        if (c.cellTests().isEmpty()) {
            out.printf(Locale.ROOT, "Per cell: no test, as %s has no %s (per-seed scores)%n",
                    Files.isRegularFile(base.resolve(RunComparison.RESULTS)) ? other : base, RunComparison.RESULTS);
            return;
        }
        c.cellSummary().ifPresent(out::println);
        c.cellTests().get().forEach((target, row) -> row.forEach((setting, d) -> {
            if (d.significant()) {
                out.printf(Locale.ROOT, "  %s, %s: %s points (%s CI %s to %s), p Holm %.2g, %s, %d and %d seeds%n",
                        target, setting, signed(d.difference()), d.ciPercent(), signed(d.ciLow()), signed(d.ciHigh()), d.pAdjusted(),
                        d.kind().fileName(), d.nBaseline(), d.nSetting());
            }
        }));
    }

    private static void checkRun(String name, Path dir) {
        OptionChecks.inputFolder(name, dir, "the output folder of a finished demo or reproduce run");
        for (String t : List.of("table1.json", "table2.json")) {
            if (!Files.isRegularFile(dir.resolve(t))) {
                throw new IllegalArgumentException(name + " " + dir + ": no " + t + "; expected the output folder of a"
                        + " demo or reproduce run that has written its tables");
            }
        }
    }

    /** The differences as a Markdown table with signed values. */
    private static String differences(Table t) {
        StringBuilder b = new StringBuilder("| ").append(t.corner());
        t.columns().forEach(c -> b.append(" | ").append(c));
        b.append(" |\n|---").append("|---:".repeat(t.columns().size())).append("|\n");
        for (Table.Row r : t.rows()) {
            b.append("| ").append(r.label());
            for (Cell c : r.cells()) {
                b.append(" | ").append(c.isEmpty() ? "–" : signed(c.value()));
            }
            b.append(" |\n");
        }
        return b.toString();
    }

    /** Rounds as the tables compared do (Python's, ties to even), where Java's %+.1f printed 0.25 as +0.3. */
    private static final TableWriter ONE_DECIMAL = TableWriter.withDecimals(1);

    /** One decimal with its sign; a difference that rounds to zero reads +0.0 whichever side it is on. */
    private static String signed(double points) {
        String s = ONE_DECIMAL.format(Cell.of(points));
        return s.equals("-0.0") ? "+0.0" : s.startsWith("-") ? s : "+" + s;
    }

    private static String names(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private static String points(double p) {
        return p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p) : Double.toString(p);
    }
}
