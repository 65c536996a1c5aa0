package io.github.prefine.core.predict;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.task.ExtractiveQa;
import io.github.prefine.core.task.MultipleChoice;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.eval.internal.JsonShapes;
import io.github.prefine.eval.qa.QaPostProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The manifest of a saved model folder, {@code prefine-model.json}, as far as prediction reads it.
 *
 * <p>Version 1 ({@code prefine-multi-head-model/1}, written by {@code MultiHeadModel.save}) records
 * per task its name, label count and head class only. Version 2 ({@code
 * prefine-multi-head-model/2}, written by {@link ModelExport}) adds per task its format, its label
 * names in head order and its feature lengths, and the folder's tokenizer file with its padding id:
 * everything needed to use the model on new text. A QA task also records its answers'
 * post-processing ({@code qaPostProcessing}: {@code nBest}, {@code maxAnswerLength}); a version 2
 * folder written before that record existed reads the evaluation's defaults. Both versions are read; {@link #lacks()} says
 * what a version 1 folder is missing.
 *
 * <p>Immutable and thread-safe.
 *
 * @param version 1 or 2
 * @param taskNames the tasks in head order
 * @param tasks per task what prediction needs (version 2); empty for version 1
 * @param tokenizer the tokenizer file relative to the folder (version 2); {@code null} for version 1
 * @param padId the tokenizer's padding id (version 2); -1 for version 1
 */
public record ModelManifest(int version, List<String> taskNames, List<SavedTask> tasks, String tokenizer, int padId) {
    /** The manifest's file name inside a model folder. */
    public static final String FILE = "prefine-model.json";
    /** The format tag of manifests {@code MultiHeadModel.save} writes. */
    public static final String V1 = "prefine-multi-head-model/1";
    /** The format tag of manifests {@link ModelExport} writes. */
    public static final String V2 = "prefine-multi-head-model/2";
    /** A QA task's optional entry: the n-best and maximum answer length its answers are read with. */
    private static final String QA_POST_PROCESSING = "qaPostProcessing";

    /**
     * Copies the lists.
     *
     * @param version 1 or 2
     * @param taskNames the tasks in head order
     * @param tasks per task what prediction needs (version 2); empty for version 1
     * @param tokenizer the tokenizer file relative to the folder; {@code null} for version 1
     * @param padId the tokenizer's padding id; -1 for version 1
     */
    public ModelManifest {
        taskNames = List.copyOf(taskNames);
        tasks = List.copyOf(tasks);
    }

    /**
     * Says what this manifest lacks for prediction.
     *
     * @return empty for version 2; for version 1, the missing records and how to get them
     */
    public String lacks() {
        if (version >= 2) {
            return "";
        }
        return "a version 1 folder (" + V1 + ", written by MultiHeadModel.save) records task names, label counts and"
                + " head classes only: it has no task formats, no label names, no feature lengths and no tokenizer;"
                + " save the model with ModelExport to use it on new text (a ModelExport.writeTo stopped before its end"
                + " leaves such a folder too: write it again)";
    }

    /**
     * Reads a folder's manifest, version 1 or 2.
     *
     * @param dir the model folder
     * @return the manifest
     * @throws NoSuchFileException if the folder has no manifest
     * @throws IOException if the manifest is not valid JSON, has an unknown format tag, or a version 2
     *     entry is missing or malformed; the message names the file and the field
     */
    public static ModelManifest read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no " + FILE + ": not a saved prefine model folder");
        }
        // prefine wrote it, so standard JSON: Gson's lenient mode read a corrupt byte before a name as
        // part of an unquoted one; JsonFiles also names the byte where the text is not UTF-8
        JsonObject root = JsonFiles.strictObject(file);
        String tag = string(root, "format", file);
        int version = switch (tag) {
            case V1 -> 1;
            case V2 -> 2;
            default -> throw new IOException(file + ": format must be " + V1 + " or " + V2 + ", found " + tag);
        };
        List<String> names = new ArrayList<>();
        List<SavedTask> tasks = new ArrayList<>();
        JsonArray entries = array(root, "tasks", file);
        if (entries.isEmpty()) {
            // a model has a head per task: building one without failed as "model: at least one head is required"
            throw new IOException(file + ": field tasks is empty; expected at least one task");
        }
        for (int i = 0; i < entries.size(); i++) {
            JsonElement e = entries.get(i);
            if (!e.isJsonObject()) {
                throw new IOException(file + ": field tasks[" + i + "] must be an object, found " + e);
            }
            JsonObject t = e.getAsJsonObject();
            String name = string(t, "name", file);
            if (name.isEmpty() || name.contains("/")) {
                // the model's builder refused it on load, naming no file
                throw new IOException(file + ": field tasks[" + i + "].name must be non-empty without '/', found "
                        + JsonShapes.describe(t.get("name")));
            }
            if (names.contains(name)) {
                // the model's builder refused it on load, naming no file
                throw new IOException(file + ": field tasks[" + i + "].name " + JsonShapes.describe(t.get("name"))
                        + " is tasks[" + names.indexOf(name) + "].name too; expected each task named once");
            }
            names.add(name);
            if (version >= 2) {
                tasks.add(task(t, name, file));
            }
        }
        if (version == 1) {
            return new ModelManifest(1, names, List.of(), null, -1);
        }
        JsonObject tok = object(root, "tokenizer", file);
        int padId = integer(tok, "padId", file);
        if (padId < 0) {
            throw new IOException(file + ": field padId must be 0 or more, found " + padId);
        }
        String tokenizer = string(tok, "file", file);
        try {
            Path.of(tokenizer);
        } catch (InvalidPathException e) {
            // a NUL, say: the load resolved it, failing with the JDK's exception, which names no file
            throw new IOException(file + ": field file " + JsonShapes.describe(tok.get("file")) + " is not a path: "
                    + e.getReason() + "; expected the tokenizer file relative to the folder");
        }
        return new ModelManifest(2, names, tasks, tokenizer, padId);
    }

    private static SavedTask task(JsonObject t, String name, Path file) throws IOException {
        String where = "task " + name;
        String label = string(t, "taskFormat", file);
        int numLabels = integer(t, "numLabels", file);
        if (label.equals("choice") && numLabels < 2) {
            // the format refused it with its bare "choices must be at least 2", naming no file
            throw new IOException(file + ": " + where + ": field numLabels of a choice task is its choice count, found "
                    + numLabels + "; expected at least 2");
        }
        TaskFormat format = switch (label) {
            case "text" -> TaskFormat.SINGLE_TEXT;
            case "text-pair" -> TaskFormat.TEXT_PAIR;
            case "token" -> TaskFormat.TOKEN;
            case "qa" -> TaskFormat.QA;
            case "choice" -> new MultipleChoice(numLabels);
            default -> throw new IOException(file + ": " + where + ": taskFormat must be text, text-pair, token, qa or"
                    + " choice, found " + label);
        };
        List<String> labels = new ArrayList<>();
        JsonArray names = array(t, "labels", file);
        for (int i = 0; i < names.size(); i++) {
            JsonElement l = names.get(i);
            if (!l.isJsonPrimitive() || !l.getAsJsonPrimitive().isString()) {
                throw new IOException(file + ": " + where + ": field labels[" + i + "] must be a string, found " + l);
            }
            // a prediction maps label name to probability: a repeated name would hide one class's
            int first = labels.indexOf(l.getAsString());
            if (first >= 0) {
                throw new IOException(file + ": " + where + ": field labels[" + i + "] " + l + " is labels[" + first
                        + "] too; expected distinct label names, which predictions are keyed by");
            }
            labels.add(l.getAsString());
        }
        JsonObject f = object(t, "features", file);
        QaPostProcessor qa = qaPostProcessing(t, format, where, file);
        try {
            FeatureSettings s = FeatureSettings.paper().withLengths(integer(f, "maxLength", file),
                    integer(f, "qaMaxLength", file), integer(f, "qaStride", file));
            SavedTask saved = new SavedTask(name, format, labels, s, qa);
            if (saved.numLabels() != numLabels) {
                throw new IOException(file + ": " + where + ": numLabels " + numLabels + " differs from its "
                        + labels.size() + " label names " + labels);
            }
            return saved;
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a QA task's post-processing; absent (folders written before it was recorded), the
     * evaluation's defaults.
     */
    private static QaPostProcessor qaPostProcessing(JsonObject t, TaskFormat format, String where, Path file)
            throws IOException {
        boolean present = t.has(QA_POST_PROCESSING) && !t.get(QA_POST_PROCESSING).isJsonNull();
        if (!(format instanceof ExtractiveQa qa)) {
            if (present) {
                throw new IOException(file + ": " + where + ": " + QA_POST_PROCESSING + " applies to qa tasks only, found"
                        + " it on a " + format.label() + " task");
            }
            return null;
        }
        if (!present) {
            return qa.postProcessor();
        }
        JsonObject o = object(t, QA_POST_PROCESSING, file);
        try {
            return QaPostProcessor.builder().optNBest(integer(o, "nBest", file))
                    .optMaxAnswerLength(integer(o, "maxAnswerLength", file)).build();
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + where + ": " + QA_POST_PROCESSING + ": " + e.getMessage(), e);
        }
    }

    /**
     * Adds the version 2 records to a version 1 manifest that {@code MultiHeadModel.save} just
     * wrote, in place (atomically).
     *
     * @param dir the model folder
     * @param tasks per task of the manifest, in its order, what prediction needs
     * @param tokenizer the tokenizer file relative to the folder
     * @param padId the tokenizer's padding id
     * @throws IOException if the manifest cannot be read or written, or its tasks differ from {@code tasks}
     */
    static void upgrade(Path dir, List<SavedTask> tasks, String tokenizer, int padId) throws IOException {
        Path file = dir.resolve(FILE);
        // strictly, as read does: a lenient read blamed a corrupt byte's neighbour, not the byte
        JsonObject root = JsonFiles.strictObject(file);
        root.addProperty("format", V2);
        JsonArray entries = array(root, "tasks", file);
        if (entries.size() != tasks.size()) {
            throw new IOException(file + ": " + entries.size() + " tasks, expected " + tasks.size());
        }
        for (int i = 0; i < tasks.size(); i++) {
            JsonObject t = entries.get(i).getAsJsonObject();
            SavedTask s = tasks.get(i);
            if (!s.name().equals(string(t, "name", file))) {
                throw new IOException(file + ": task " + i + " is " + string(t, "name", file) + ", expected " + s.name());
            }
            t.addProperty("taskFormat", s.format().label());
            JsonArray labels = new JsonArray();
            s.labels().forEach(labels::add);
            t.add("labels", labels);
            JsonObject f = new JsonObject();
            f.addProperty("maxLength", s.settings().maxLength());
            f.addProperty("qaMaxLength", s.settings().qaMaxLength());
            f.addProperty("qaStride", s.settings().qaStride());
            t.add("features", f);
            if (s.qaPostProcessor() != null) {
                JsonObject qa = new JsonObject();
                qa.addProperty("nBest", s.qaPostProcessor().nBest());
                qa.addProperty("maxAnswerLength", s.qaPostProcessor().maxAnswerLength());
                t.add(QA_POST_PROCESSING, qa);
            }
        }
        JsonObject tok = new JsonObject();
        tok.addProperty("file", tokenizer);
        tok.addProperty("padId", padId);
        root.add("tokenizer", tok);
        AtomicFiles.write(file, new GsonBuilder().setPrettyPrinting().create().toJson(root));
    }

    private static JsonElement field(JsonObject o, String key, Path file) throws IOException {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            throw new IOException(file + ": field " + key + " is missing");
        }
        return e;
    }

    private static String string(JsonObject o, String key, Path file) throws IOException {
        JsonElement e = field(o, key, file);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IOException(file + ": field " + key + " must be a string, found " + e);
        }
        return e.getAsString();
    }

    private static int integer(JsonObject o, String key, Path file) throws IOException {
        return JsonShapes.wholeInt(field(o, key, file), key,
                (path, expected, found) -> new IOException(file + ": field " + path + " must be " + expected + ", found "
                        + found));
    }

    private static JsonArray array(JsonObject o, String key, Path file) throws IOException {
        JsonElement e = field(o, key, file);
        if (!e.isJsonArray()) {
            throw new IOException(file + ": field " + key + " must be an array, found " + e);
        }
        return e.getAsJsonArray();
    }

    private static JsonObject object(JsonObject o, String key, Path file) throws IOException {
        JsonElement e = field(o, key, file);
        if (!e.isJsonObject()) {
            throw new IOException(file + ": field " + key + " must be an object, found " + e);
        }
        return Objects.requireNonNull(e.getAsJsonObject());
    }
}
