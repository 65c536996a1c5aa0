package io.github.prefine.eval.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.github.prefine.eval.internal.WholeFiles;
import io.github.prefine.eval.stats.SeedDifference;
import io.github.prefine.eval.stats.TestKind;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders a {@link Table} as Markdown, CSV or JSON.
 *
 * <p>Markdown shows {@code mean ± std} with a fixed number of decimals (default 3, as the paper),
 * rounded as Python's {@code '%.3f'} rounds (the exact stored value, ties to even);
 * CSV has separate {@code mean} and {@code std} columns per table column and full precision; JSON
 * keeps full precision with {@code null} for empty values. Immutable and thread-safe.
 *
 * <p>Cells compared with the baseline ({@link Cell#vsBaseline()}, Tables 1 and 2): Markdown appends
 * {@value #MARKER} to a cell that differs after the correction and closes the table with a
 * footnote saying what the mark means; CSV adds a difference, a Holm-adjusted p and a
 * {@code differs} column per compared table column; JSON adds a {@code vsBaseline} object to each
 * compared cell. A table without comparisons renders as before.
 */
public final class TableWriter {
    /** Appended in Markdown to a cell that differs from the baseline after the correction. */
    public static final String MARKER = "†";

    private final int decimals;

    private TableWriter(int decimals) {
        this.decimals = decimals;
    }

    /**
     * A writer with 3 decimals in Markdown.
     *
     * @return the writer
     */
    public static TableWriter standard() {
        return new TableWriter(3);
    }

    /**
     * A writer with the given Markdown precision.
     *
     * @param decimals digits after the point, 0 to 10
     * @return the writer
     * @throws IllegalArgumentException if decimals is out of range
     */
    public static TableWriter withDecimals(int decimals) {
        if (decimals < 0 || decimals > 10) {
            throw new IllegalArgumentException("decimals must be in [0, 10], found " + decimals);
        }
        return new TableWriter(decimals);
    }

    /**
     * Formats one cell for Markdown.
     *
     * @param c the cell
     * @return {@code "mean ± std"}, {@code "value"} or {@code "–"} when empty
     */
    public String format(Cell c) {
        if (c.isEmpty()) {
            return "–";
        }
        String v = fixed(c.value());
        return c.hasStd() ? v + " ± " + fixed(c.std()) : v;
    }

    /**
     * The value with this writer's decimals as Python's {@code '%.3f' % v} prints it: the double's
     * exact binary value rounded, ties to even, the sign of a negative value kept when it rounds to
     * zero. Java's {@code %.3f} rounds the shortest decimal string half up instead, so 1.0005 (stored
     * as 1.000499999...) printed 1.001.
     */
    private String fixed(double v) {
        if (!Double.isFinite(v)) {
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
        String s = new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        // BigDecimal has no negative zero: -0.0004 rounds to "0.000", where Python prints "-0.000"
        return Math.copySign(1.0, v) < 0 && !s.startsWith("-") ? "-" + s : s;
    }

    /**
     * Renders a GitHub-flavoured Markdown table preceded by its title in bold.
     *
     * @param t the table
     * @return the Markdown text
     */
    public String toMarkdown(Table t) {
        StringBuilder b = new StringBuilder();
        b.append("**").append(t.title()).append("**\n\n");
        b.append("| ").append(escape(t.corner()));
        for (String c : t.columns()) {
            b.append(" | ").append(escape(c));
        }
        b.append(" |\n|---");
        for (int i = 0; i < t.columns().size(); i++) {
            b.append("|---:");
        }
        b.append("|\n");
        boolean[] whole = wholeNumberColumns(t);
        for (Table.Row r : t.rows()) {
            b.append("| ").append(escape(r.label()));
            for (int i = 0; i < r.cells().size(); i++) {
                Cell c = r.cells().get(i);
                b.append(" | ").append(whole[i] && !c.isEmpty() ? String.format(Locale.ROOT, "%.0f", c.value()) : format(c));
                if (c.differsFromBaseline()) {
                    b.append(' ').append(MARKER);
                }
            }
            b.append(" |\n");
        }
        footnote(t).ifPresent(f -> b.append('\n').append(f).append('\n'));
        return b.toString();
    }

    /**
     * The line that says what {@value #MARKER} means in a table with comparisons: the test, the
     * family, the significance level, and how many cells it marks; none when no cell was compared.
     * Table 2's (corner {@code Group}) says that its tests are over per-seed averages of a row's
     * targets.
     *
     * @param t the table
     * @return the footnote, without a line break
     */
    public static java.util.Optional<String> footnote(Table t) {
        List<SeedDifference> all = t.rows().stream().flatMap(r -> r.cells().stream()).map(Cell::vsBaseline)
                .filter(Objects::nonNull).toList();
        if (all.isEmpty()) {
            return java.util.Optional.empty();
        }
        long tested = all.stream().filter(SeedDifference::tested).count();
        if (tested == 0) {
            return java.util.Optional.of(MARKER + " none: no cell could be tested against the baseline (a t-test needs"
                    + " two seeds on each side and some variance)");
        }
        long marked = all.stream().filter(SeedDifference::significant).count();
        long paired = all.stream().filter(d -> d.tested() && d.kind() == TestKind.PAIRED).count();
        boolean table2 = t.corner().equals(Tables.GROUP);
        return java.util.Optional.of(String.format(Locale.ROOT, "%s differs from the baseline %s: two-sided"
                + " t-test over %s (%s), Holm-adjusted p ≤ %s over the family of the %d cells tested; %d of %d"
                + " marked%s", MARKER, table2 ? "in its row" : "of its target",
                table2 ? "the per-seed averages of the row's targets" : "seeds",
                paired == tested ? "paired by seed" : paired == 0 ? "Welch"
                        : "paired by seed, Welch where the seeds differ", levels(all), tested, marked, tested,
                all.size() > tested ? "; untested (one seed or no variance): " + (all.size() - tested) : ""));
    }

    /** The significance level of the comparisons, or each of them joined with "or" where they differ. */
    private static String levels(List<SeedDifference> all) {
        return String.join(" or ", all.stream().map(d -> Double.toString(d.alpha())).distinct().sorted().toList());
    }

    /**
     * Columns whose every value is a whole number without a std (counts), printed without decimals;
     * none in Table 1 and Table 2 (and tables of their differences), whose cells are scores: a
     * single-seed column of 0.0 and 50.0 printed "0" and "50" beside "35.1". Nor the cost table's
     * seconds and relative cost, measurements: one setting's relative cost printed "1", not "1.000".
     */
    private static boolean[] wholeNumberColumns(Table t) {
        boolean[] whole = new boolean[t.columns().size()];
        if (t.corner().equals(Tables.TARGET) || t.corner().equals(Tables.GROUP)) {
            return whole;
        }
        for (int i = 0; i < whole.length; i++) {
            String column = t.columns().get(i);
            whole[i] = !column.equals(Tables.SECONDS) && !column.equals(Tables.RELATIVE_COST);
        }
        boolean[] seen = new boolean[whole.length];
        for (Table.Row r : t.rows()) {
            for (int i = 0; i < r.cells().size(); i++) {
                Cell c = r.cells().get(i);
                if (!c.isEmpty()) {
                    seen[i] = true;
                    whole[i] &= !c.hasStd() && c.value() == Math.rint(c.value()) && Math.abs(c.value()) < 1e15;
                }
            }
        }
        for (int i = 0; i < whole.length; i++) {
            whole[i] &= seen[i];
        }
        return whole;
    }

    /**
     * Renders CSV (RFC 4180 quoting): the row label, then a value and a std column per table column;
     * a table without any std (the cost table, a single seed) has no std columns rather than empty
     * ones. A column with cells compared with the baseline adds {@code <column> diff} (setting
     * minus baseline), {@code <column> p Holm} (adjusted p) and {@code <column> differs}
     * ({@code yes} or {@code no}; empty where untested).
     *
     * @param t the table
     * @return the CSV text
     */
    public String toCsv(Table t) {
        boolean stds = t.rows().stream().flatMap(r -> r.cells().stream()).anyMatch(Cell::hasStd);
        boolean[] compared = new boolean[t.columns().size()];
        for (Table.Row r : t.rows()) {
            for (int i = 0; i < compared.length; i++) {
                compared[i] |= r.cells().get(i).vsBaseline() != null;
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(csv(t.corner()));
        for (int i = 0; i < compared.length; i++) {
            String c = t.columns().get(i);
            b.append(',').append(csv(c));
            if (stds) {
                b.append(',').append(csv(c + " std"));
            }
            if (compared[i]) {
                b.append(',').append(csv(c + " diff")).append(',').append(csv(c + " p Holm")).append(',')
                        .append(csv(c + " differs"));
            }
        }
        b.append('\n');
        for (Table.Row r : t.rows()) {
            b.append(csv(r.label()));
            for (int i = 0; i < compared.length; i++) {
                Cell c = r.cells().get(i);
                b.append(',').append(c.isEmpty() ? "" : Double.toString(c.value()));
                if (stds) {
                    b.append(',').append(c.hasStd() ? Double.toString(c.std()) : "");
                }
                if (compared[i]) {
                    SeedDifference d = c.vsBaseline();
                    b.append(',').append(d == null ? "" : Double.toString(d.difference()))
                            .append(',').append(d == null || !d.tested() ? "" : Double.toString(d.pAdjusted()))
                            .append(',').append(d == null || !d.tested() ? "" : d.significant() ? "yes" : "no");
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * Renders JSON: {@code {"title", "corner", "columns", "rows": [{"label", "cells": [{"value", "std"}]}]}};
     * a compared cell adds {@code "vsBaseline": {"test", "difference", "t", "df", "p", "pHolm",
     * "ciLow", "ciHigh", "ciLevel", "nBaseline", "nSetting", "differs", "alpha"}}, {@code null} where
     * undefined; {@code differs} is {@code pHolm <= alpha}, and the interval's level {@code ciLevel} is
     * 1 - alpha.
     *
     * @param t the table
     * @return the JSON text
     */
    public String toJson(Table t) {
        JsonObject o = new JsonObject();
        o.addProperty("title", t.title());
        o.addProperty("corner", t.corner());
        JsonArray cols = new JsonArray();
        t.columns().forEach(cols::add);
        o.add("columns", cols);
        JsonArray rows = new JsonArray();
        for (Table.Row r : t.rows()) {
            JsonObject ro = new JsonObject();
            ro.addProperty("label", r.label());
            JsonArray cells = new JsonArray();
            for (Cell c : r.cells()) {
                JsonObject co = new JsonObject();
                if (c.isEmpty()) {
                    co.add("value", JsonNull.INSTANCE);
                } else {
                    co.addProperty("value", c.value());
                }
                if (c.hasStd()) {
                    co.addProperty("std", c.std());
                } else {
                    co.add("std", JsonNull.INSTANCE);
                }
                if (c.vsBaseline() != null) {
                    co.add(VS_BASELINE, comparison(c.vsBaseline()));
                }
                cells.add(co);
            }
            ro.add("cells", cells);
            rows.add(ro);
        }
        o.add("rows", rows);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(o) + "\n";
    }

    /**
     * Writes {@code base.md}, {@code base.csv} and {@code base.json} into a directory, each through
     * a temp file and a rename, so that a reader, a kill or a full disk sees every file whole.
     *
     * @param t the table
     * @param dir the directory, created if absent
     * @param base the file name without extension
     * @return the three paths, Markdown first
     * @throws IOException if writing fails
     */
    public List<Path> writeAll(Table t, Path dir, String base) throws IOException {
        Objects.requireNonNull(base, "base");
        Files.createDirectories(dir);
        Path md = dir.resolve(base + ".md");
        Path csv = dir.resolve(base + ".csv");
        Path json = dir.resolve(base + ".json");
        String mdText = toMarkdown(t);
        String csvText = toCsv(t);
        String jsonText = toJson(t);
        // each file whole, old or new: the grid rewrites its tables while `compare` may read them
        WholeFiles.writeString(md, mdText);
        WholeFiles.writeString(csv, csvText);
        WholeFiles.writeString(json, jsonText);
        return List.of(md, csv, json);
    }

    /** The JSON key of a cell's comparison with the baseline. */
    static final String VS_BASELINE = "vsBaseline";

    private static JsonObject comparison(SeedDifference d) {
        JsonObject o = new JsonObject();
        o.addProperty("test", d.kind().fileName());
        number(o, "difference", d.difference());
        number(o, "t", d.t());
        number(o, "df", d.df());
        number(o, "p", d.p());
        number(o, "pHolm", d.pAdjusted());
        number(o, "ciLow", d.ciLow());
        number(o, "ciHigh", d.ciHigh());
        o.addProperty("ciLevel", d.ciLevel());
        o.addProperty("nBaseline", d.nBaseline());
        o.addProperty("nSetting", d.nSetting());
        if (d.tested()) {
            o.addProperty("differs", d.significant());
        } else {
            // undefined without a test, as the CSV's empty cell says; false would read as "tested, no difference"
            o.add("differs", JsonNull.INSTANCE);
        }
        o.addProperty("alpha", d.alpha());
        return o;
    }

    private static void number(JsonObject o, String key, double v) {
        if (Double.isNaN(v)) {
            o.add(key, JsonNull.INSTANCE);
        } else {
            o.addProperty(key, v);
        }
    }

    private static String escape(String s) {
        // a line break would end the table row (GFM): keep the label on one line
        return s.replace("|", "\\|").replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    private static String csv(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
