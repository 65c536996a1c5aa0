package io.github.prefine.eval.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a table back from the JSON that {@link TableWriter#toJson} writes, so that the tables of
 * finished runs can be compared without their records or their grid.
 */
public final class TableReader {

    private TableReader() {}

    /**
     * Reads one table file.
     *
     * @param file a {@code .json} table written by {@link TableWriter}
     * @return the table, with empty cells where the file has {@code null} values
     * @throws MalformedTableException if the file is not such a table (file, JSON path, expected, found)
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
        JsonObject o = object(file, "$", root);
        String title = string(file, "$.title", o.get("title"));
        String corner = string(file, "$.corner", o.get("corner"));
        JsonArray cols = array(file, "$.columns", o.get("columns"));
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < cols.size(); i++) {
            columns.add(string(file, "$.columns[" + i + "]", cols.get(i)));
        }
        JsonArray rowArray = array(file, "$.rows", o.get("rows"));
        List<Table.Row> rows = new ArrayList<>();
        for (int r = 0; r < rowArray.size(); r++) {
            String at = "$.rows[" + r + "]";
            JsonObject ro = object(file, at, rowArray.get(r));
            String label = string(file, at + ".label", ro.get("label"));
            JsonArray cellArray = array(file, at + ".cells", ro.get("cells"));
            if (cellArray.size() != columns.size()) {
                throw new MalformedTableException(file, at + ".cells", columns.size() + " cells, one per column",
                        cellArray.size());
            }
            List<Cell> cells = new ArrayList<>();
            for (int c = 0; c < cellArray.size(); c++) {
                String cellAt = at + ".cells[" + c + "]";
                JsonObject co = object(file, cellAt, cellArray.get(c));
                cells.add(new Cell(number(file, cellAt + ".value", co.get("value")),
                        number(file, cellAt + ".std", co.get("std"))));
            }
            rows.add(new Table.Row(label, cells));
        }
        return new Table(title, corner, columns, rows);
    }

    private static JsonObject object(Path file, String at, JsonElement e) throws MalformedTableException {
        if (e == null || !e.isJsonObject()) {
            throw new MalformedTableException(file, at, "an object", found(e));
        }
        return e.getAsJsonObject();
    }

    private static JsonArray array(Path file, String at, JsonElement e) throws MalformedTableException {
        if (e == null || !e.isJsonArray()) {
            throw new MalformedTableException(file, at, "an array", found(e));
        }
        return e.getAsJsonArray();
    }

    private static String string(Path file, String at, JsonElement e) throws MalformedTableException {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new MalformedTableException(file, at, "a string", found(e));
        }
        return e.getAsString();
    }

    /** A number, or NaN for {@code null}: the writer's mark of an empty cell or a missing std. */
    private static double number(Path file, String at, JsonElement e) throws MalformedTableException {
        if (e != null && e.isJsonNull()) {
            return Double.NaN;
        }
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new MalformedTableException(file, at, "a number or null", found(e));
        }
        return e.getAsDouble();
    }

    private static Object found(JsonElement e) {
        if (e == null) {
            return "nothing";
        }
        String s = e.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
