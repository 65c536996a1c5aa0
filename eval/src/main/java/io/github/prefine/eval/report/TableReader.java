package io.github.prefine.eval.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.prefine.eval.internal.JsonShapes;
import io.github.prefine.eval.stats.SeedDifference;
import io.github.prefine.eval.stats.TestKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a table back from the JSON that {@link TableWriter#toJson} writes, so that the tables of
 * finished runs can be compared without their records or their grid.
 *
 * <p>Stateless and thread-safe.
 */
public final class TableReader {

    private TableReader() {}

    /**
     * Reads one table file.
     *
     * @param file a {@code .json} table written by {@link TableWriter}
     * @return the table, with empty cells where the file has {@code null} values
     * @throws MalformedTableException if the file is not such a table, holds a number beyond the
     *     range of a double, a negative standard deviation or one beside an empty value (file, JSON
     *     path, expected, found)
     * @throws IOException if reading fails
     */
    public static Table read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new MalformedTableException(file, "$", "a JSON table written by prefine", "text that is not JSON ("
                    + e.getMessage() + ")", e);
        }
        JsonShapes.Mismatch<MalformedTableException> bad = (at, expected, found) ->
                new MalformedTableException(file, at, expected, found);
        JsonObject o = JsonShapes.object(root, "$", bad);
        String title = JsonShapes.string(o.get("title"), "$.title", bad);
        String corner = JsonShapes.string(o.get("corner"), "$.corner", bad);
        JsonArray cols = JsonShapes.array(o.get("columns"), "$.columns", bad);
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < cols.size(); i++) {
            columns.add(JsonShapes.string(cols.get(i), "$.columns[" + i + "]", bad));
        }
        JsonArray rowArray = JsonShapes.array(o.get("rows"), "$.rows", bad);
        List<Table.Row> rows = new ArrayList<>();
        for (int r = 0; r < rowArray.size(); r++) {
            String at = "$.rows[" + r + "]";
            JsonObject ro = JsonShapes.object(rowArray.get(r), at, bad);
            String label = JsonShapes.string(ro.get("label"), at + ".label", bad);
            JsonArray cellArray = JsonShapes.array(ro.get("cells"), at + ".cells", bad);
            if (cellArray.size() != columns.size()) {
                throw new MalformedTableException(file, at + ".cells", columns.size() + " cells, one per column",
                        cellArray.size());
            }
            List<Cell> cells = new ArrayList<>();
            for (int c = 0; c < cellArray.size(); c++) {
                String cellAt = at + ".cells[" + c + "]";
                JsonObject co = JsonShapes.object(cellArray.get(c), cellAt, bad);
                JsonElement vs = co.get(TableWriter.VS_BASELINE);
                double value = number(file, cellAt + ".value", co.get("value"));
                double std = number(file, cellAt + ".std", co.get("std"));
                if (std < 0) {
                    throw new MalformedTableException(file, cellAt + ".std", "a standard deviation, 0 or more, or null",
                            JsonShapes.describe(co.get("std")));
                }
                if (Double.isNaN(value) && !Double.isNaN(std)) {
                    // the writer gives an empty cell no std: "± 0.5" alone is no result
                    throw new MalformedTableException(file, cellAt + ".std", "null beside an empty value",
                            JsonShapes.describe(co.get("std")));
                }
                cells.add(new Cell(value, std,
                        vs == null ? null : comparison(file, cellAt + "." + TableWriter.VS_BASELINE, vs, bad)));
            }
            rows.add(new Table.Row(label, cells));
        }
        return new Table(title, corner, columns, rows);
    }

    /** A cell's comparison with the baseline, as {@link TableWriter#toJson} writes it. */
    private static SeedDifference comparison(Path file, String at, JsonElement e,
            JsonShapes.Mismatch<MalformedTableException> bad) throws MalformedTableException {
        JsonObject o = JsonShapes.object(e, at, bad);
        String test = JsonShapes.string(o.get("test"), at + ".test", bad);
        TestKind kind;
        try {
            kind = TestKind.ofFileName(test);
        } catch (IllegalArgumentException x) {
            throw new MalformedTableException(file, at + ".test", "\"paired\" or \"welch\"", "\"" + test + "\"");
        }
        double alpha = o.has("alpha") ? number(file, at + ".alpha", o.get("alpha")) : SeedDifference.ALPHA;
        // a level is a decimal a person may write: 0.93 is 1 - 0.07, though Java computes 0.9299999999999999
        if (o.has("ciLevel") && Math.abs(number(file, at + ".ciLevel", o.get("ciLevel")) - (1 - alpha)) > 1e-12) {
            throw new MalformedTableException(file, at + ".ciLevel", "1 - alpha, " + (1 - alpha),
                    JsonShapes.describe(o.get("ciLevel")));
        }
        try {
            return new SeedDifference(kind, number(file, at + ".difference", o.get("difference")),
                    number(file, at + ".t", o.get("t")), number(file, at + ".df", o.get("df")),
                    number(file, at + ".p", o.get("p")), number(file, at + ".pHolm", o.get("pHolm")),
                    number(file, at + ".ciLow", o.get("ciLow")), number(file, at + ".ciHigh", o.get("ciHigh")),
                    count(file, at + ".nBaseline", o.get("nBaseline")), count(file, at + ".nSetting", o.get("nSetting")),
                    // tables written before the level was an option were judged at the default; those
                    // written before ciLevel held 95% intervals whatever their alpha
                    o.has("ciLevel") ? alpha : SeedDifference.ALPHA).atLevel(alpha);
        } catch (IllegalArgumentException x) {
            throw new MalformedTableException(file, at, "a consistent comparison with the baseline", x.getMessage());
        }
    }

    private static int count(Path file, String at, JsonElement e) throws MalformedTableException {
        double v = number(file, at, e);
        if (!(v >= 1) || v != Math.rint(v) || v > Integer.MAX_VALUE) {
            throw new MalformedTableException(file, at, "a whole number of runs, 1 or more", JsonShapes.describe(e));
        }
        return (int) v;
    }

    /** A number, or NaN for {@code null}: the writer's mark of an empty cell or a missing std. */
    private static double number(Path file, String at, JsonElement e) throws MalformedTableException {
        if (e != null && e.isJsonNull()) {
            return Double.NaN;
        }
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new MalformedTableException(file, at, "a number or null", JsonShapes.describe(e));
        }
        double v = e.getAsDouble();
        if (!Double.isFinite(v)) {
            // past the double range (1e999): Gson reads Infinity, which the writer never writes
            throw new MalformedTableException(file, at, "a finite number or null", JsonShapes.describe(e));
        }
        return v;
    }
}
