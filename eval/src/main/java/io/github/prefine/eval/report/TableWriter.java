package io.github.prefine.eval.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.github.prefine.eval.internal.WholeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders a {@link Table} as Markdown, CSV or JSON.
 *
 * <p>Markdown shows {@code mean ± std} with a fixed number of decimals (default 3, as the paper);
 * CSV has separate {@code mean} and {@code std} columns per table column and full precision; JSON
 * keeps full precision with {@code null} for empty values. Immutable and thread-safe.
 */
public final class TableWriter {
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
        String v = String.format(Locale.ROOT, "%." + decimals + "f", c.value());
        return c.hasStd() ? v + " ± " + String.format(Locale.ROOT, "%." + decimals + "f", c.std()) : v;
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
            }
            b.append(" |\n");
        }
        return b.toString();
    }

    /** Columns whose every value is a whole number without a std (counts), printed without decimals. */
    private static boolean[] wholeNumberColumns(Table t) {
        boolean[] whole = new boolean[t.columns().size()];
        java.util.Arrays.fill(whole, true);
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
     * ones.
     *
     * @param t the table
     * @return the CSV text
     */
    public String toCsv(Table t) {
        boolean stds = t.rows().stream().flatMap(r -> r.cells().stream()).anyMatch(Cell::hasStd);
        StringBuilder b = new StringBuilder();
        b.append(csv(t.corner()));
        for (String c : t.columns()) {
            b.append(',').append(csv(c));
            if (stds) {
                b.append(',').append(csv(c + " std"));
            }
        }
        b.append('\n');
        for (Table.Row r : t.rows()) {
            b.append(csv(r.label()));
            for (Cell c : r.cells()) {
                b.append(',').append(c.isEmpty() ? "" : Double.toString(c.value()));
                if (stds) {
                    b.append(',').append(c.hasStd() ? Double.toString(c.std()) : "");
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * Renders JSON: {@code {"title", "corner", "columns", "rows": [{"label", "cells": [{"value", "std"}]}]}}.
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
