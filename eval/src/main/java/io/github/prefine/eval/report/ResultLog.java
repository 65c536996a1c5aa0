package io.github.prefine.eval.report;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends run and cost records to a JSON-lines file and reads them back.
 *
 * <p>Each line is one JSON object with {@code "kind": "run"} (fields setting, target, group,
 * seed, value) or {@code "kind": "cost"} (setting, secondsPerEpoch, examplesPerEpoch). A grid that
 * is still running has fewer lines; reports built from it show only the finished cells. Blank
 * lines are ignored. Appends open and close the file each time, so one line per finished run
 * survives a crash; concurrent writers must be serialised by the caller.
 */
public final class ResultLog {
    private static final Logger LOG = LoggerFactory.getLogger(ResultLog.class);
    private static final Gson GSON = new Gson();

    private ResultLog() {}

    /**
     * Appends one run record as a line.
     *
     * @param file the log file, created if absent
     * @param run the record
     * @throws IOException if writing fails
     */
    public static void append(Path file, RunRecord run) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("kind", "run");
        o.addProperty("setting", run.setting());
        o.addProperty("target", run.target());
        o.addProperty("group", run.group());
        o.addProperty("seed", run.seed());
        o.addProperty("value", run.value());
        o.addProperty("precision", run.precision());
        o.addProperty("protocol", run.protocol());
        appendLine(file, GSON.toJson(o));
    }

    /**
     * Appends one cost record as a line.
     *
     * @param file the log file, created if absent
     * @param cost the record
     * @throws IOException if writing fails
     */
    public static void append(Path file, CostRecord cost) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("kind", "cost");
        o.addProperty("setting", cost.setting());
        o.addProperty("secondsPerEpoch", cost.secondsPerEpoch());
        o.addProperty("examplesPerEpoch", cost.examplesPerEpoch());
        appendLine(file, GSON.toJson(o));
    }

    private static void appendLine(Path file, String json) throws IOException {
        Objects.requireNonNull(file, "file");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            w.write(json);
            w.write('\n');
        }
    }

    /**
     * Reads every record of a log.
     *
     * @param file the log file
     * @return the records in file order
     * @throws MalformedResultsException if a line is not a valid record (file, line, expected, found)
     * @throws IOException if reading fails
     */
    public static ResultSet load(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<RunRecord> runs = new ArrayList<>();
        List<CostRecord> costs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int no = i + 1;
            try {
                JsonElement e = JsonParser.parseString(line);
                if (!e.isJsonObject()) {
                    throw new MalformedResultsException(file, no, "expected a JSON object, found " + JsonShapes.abbreviate(line), null);
                }
                JsonObject o = e.getAsJsonObject();
                String kind = string(file, no, o, "kind");
                if (kind.equals("run")) {
                    runs.add(new RunRecord(string(file, no, o, "setting"), string(file, no, o, "target"),
                            string(file, no, o, "group"), number(file, no, o, "seed").longValue(),
                            number(file, no, o, "value").doubleValue(),
                            o.has("precision") ? string(file, no, o, "precision") : RunRecord.DEFAULT_PRECISION,
                            o.has("protocol") ? string(file, no, o, "protocol") : RunRecord.UNRECORDED));
                } else if (kind.equals("cost")) {
                    costs.add(new CostRecord(string(file, no, o, "setting"), number(file, no, o, "secondsPerEpoch").doubleValue(),
                            number(file, no, o, "examplesPerEpoch").longValue()));
                } else {
                    throw new MalformedResultsException(file, no, "kind: expected \"run\" or \"cost\", found \"" + kind + "\"", null);
                }
            } catch (JsonParseException | IllegalStateException | NumberFormatException ex) {
                throw new MalformedResultsException(file, no, "expected a JSON object, found " + JsonShapes.abbreviate(line), ex);
            } catch (IllegalArgumentException ex) {
                throw new MalformedResultsException(file, no, ex.getMessage(), ex);
            }
        }
        LOG.debug("loaded {} runs and {} costs from {}", runs.size(), costs.size(), file);
        return new ResultSet(runs, costs);
    }

    private static String string(Path f, int no, JsonObject o, String key) throws MalformedResultsException {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new MalformedResultsException(f, no, key + ": expected a string, found " + (e == null ? "nothing" : e), null);
        }
        return e.getAsString();
    }

    private static Number number(Path f, int no, JsonObject o, String key) throws MalformedResultsException {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new MalformedResultsException(f, no, key + ": expected a number, found " + (e == null ? "nothing" : e), null);
        }
        return e.getAsBigDecimal();
    }
}
