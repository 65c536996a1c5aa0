package io.github.prefine.core.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.HostTensors;
import io.github.prefine.core.checkpoint.MalformedCheckpointException;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.ExtractiveQa;
import io.github.prefine.core.task.MultipleChoice;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.eval.internal.JsonShapes;
import io.github.prefine.heads.Head;
import io.github.prefine.heads.HeadFamily;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face task-model folder, as {@code BertForSequenceClassification.save_pretrained} and
 * its siblings write it and {@code AutoModelFor...from_pretrained} and {@code pipeline} read it:
 * {@code config.json} (the encoder's config with the task class in {@code architectures} and, for
 * classifiers, {@code id2label}/{@code label2id}), {@code model.safetensors} (the encoder under
 * {@code bert.}/{@code roberta.} and the head under HF's own names), {@code tokenizer.json}, and
 * the tokenizer's settings ({@link HfTokenizerConfig}).
 *
 * <p>The task class follows from the format: single texts and text pairs alike are {@code
 * ...ForSequenceClassification} (HF tells them apart only by the input), sequence labelling {@code
 * ...ForTokenClassification}, extractive QA {@code ...ForQuestionAnswering} and multiple choice
 * {@code ...ForMultipleChoice}, prefixed by the family ({@code Bert}, {@code Roberta}, {@code
 * XLMRoberta}). The head tensors need no renaming: prefine's heads already carry HF's keys.
 *
 * <p>Stateless; each method reads or writes its own files.
 */
final class HfTaskFolder {
    private static final Logger LOG = LoggerFactory.getLogger(HfTaskFolder.class);

    /** HF's task-class suffixes, by prefine format label ({@link TaskFormat#label()}). */
    private static final Map<String, String> SUFFIXES = Map.of("text", "ForSequenceClassification", "text-pair",
            "ForSequenceClassification", "token", "ForTokenClassification", "qa", "ForQuestionAnswering", "choice",
            "ForMultipleChoice");

    /** The task name an imported folder's single task takes: HF's pipeline task, by class suffix. */
    private static final Map<String, String> PIPELINE_TASKS = Map.of("ForSequenceClassification",
            "text-classification", "ForTokenClassification", "token-classification", "ForQuestionAnswering",
            "question-answering", "ForMultipleChoice", "multiple-choice");

    private HfTaskFolder() {}

    /**
     * The HF class of a task model: the family's name ({@code BertModel} less {@code Model}) and
     * the format's suffix.
     */
    static String architecture(ModelFamily family, TaskFormat format) {
        return familyName(family) + SUFFIXES.get(format.label());
    }

    /** The family's HF class prefix: {@code Bert}, {@code Roberta}, {@code XLMRoberta}. */
    static String familyName(ModelFamily family) {
        String bare = family.architecture();
        return bare.substring(0, bare.length() - "Model".length());
    }

    /** Every task class this package reads, for refusals. */
    private static List<String> known() {
        Set<String> out = new TreeSet<>();
        for (ModelFamily f : ModelFamily.values()) {
            for (String s : SUFFIXES.values()) {
                out.add(familyName(f) + s);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Writes one task of a model as an HF task-model folder; files of the same names there are
     * replaced, an earlier {@code config.json} removed first and the new one written last, so a
     * folder with a config is complete.
     *
     * @param model the model, whose encoder is a {@link TransformerEncoder}
     * @param taskIndex the task's head index
     * @param task what was recorded of the task
     * @param tokenizer the tokenizer to copy beside (its file, or the text rebuilt from it), with what
     *     its folder declares
     * @param padId the id the tokenizer pads with
     * @param dir the folder to create or fill
     * @throws IOException if writing fails, or naming {@code tokenizer.json} and the token if it lacks
     *     a special token the family's HF tokenizer needs or the mask token its folder names (then
     *     nothing is written)
     * @throws IllegalArgumentException if the task's feature length, written as {@code
     *     model_max_length}, exceeds the encoder's positions (nothing is written then)
     */
    static void write(MultiHeadModel model, int taskIndex, SavedTask task, HfTokenizerConfig.Source tokenizer,
            int padId, Path dir) throws IOException {
        if (!(model.encoder() instanceof TransformerEncoder encoder)) {
            throw new IllegalArgumentException("HF export: the encoder must be prefine's TransformerEncoder, found "
                    + model.encoder().getClass().getName());
        }
        if (!(model.head(taskIndex).block() instanceof Head head)) {
            throw new IllegalArgumentException("HF export: task " + task.name() + "'s head is "
                    + model.head(taskIndex).block().getClass().getName() + ", not one of prefine's HF-shaped heads");
        }
        Path tokenizerJson = tokenizer.file();
        if (tokenizer.rebuilt() == null && !Files.isRegularFile(tokenizerJson)) {
            throw new NoSuchFileException(tokenizerJson.toString(), null, "no tokenizer.json to copy into " + dir);
        }
        ModelFamily family = encoder.config().modelType();
        // the length the task reads: HF's tokenizer cuts at model_max_length, and prefine reads the folder at it;
        // past the positions it would be read back as no limit at all
        ModelExport.checkLength(task.name(), task.format(), task.settings(), encoder.config().maxSequenceLength());
        int length = task.format() instanceof ExtractiveQa ? task.settings().qaMaxLength() : task.settings().maxLength();
        // worked out first: a tokenizer HF cannot be told about stops the export before any file
        HfTokenizerConfig.Contents tokenizerConfig = HfTokenizerConfig.of(encoder.config(), tokenizer, padId, length);
        List<HostTensor> tensors = new ArrayList<>(EncoderCheckpoint.toHostTensors(encoder,
                family.checkpointPrefix() + "."));
        for (Map.Entry<String, Parameter> e : head.hfParameters().entrySet()) {
            tensors.add(HostTensors.toHost(e.getKey(), e.getValue().getArray()));
        }
        Map<String, Object> config = encoder.config().toJsonMap();
        config.put("architectures", List.of(architecture(family, task.format())));
        if (task.format().hasLabelSet()) {
            // HF's types: id2label keys are the ids as strings, label2id values the ids as numbers
            Map<String, String> id2label = new LinkedHashMap<>();
            Map<String, Integer> label2id = new LinkedHashMap<>();
            for (int i = 0; i < task.labels().size(); i++) {
                id2label.put(Integer.toString(i), task.labels().get(i));
                label2id.put(task.labels().get(i), i);
            }
            config.put("id2label", id2label);
            config.put("label2id", label2id);
        }
        Files.createDirectories(dir);
        // an earlier export's config would otherwise stand beside these tensors until the end
        Files.deleteIfExists(dir.resolve(EncoderCheckpoint.CONFIG_FILE));
        SafetensorsWriter.write(dir.resolve(SafetensorsReader.MODEL_FILE), tensors, SafetensorsWriter.PT_METADATA);
        Path target = dir.resolve(EncoderCheckpoint.TOKENIZER_FILE);
        if (tokenizer.rebuilt() != null) {
            // what the tokenizer was loaded from, and what HF reads back beside the flags written below
            AtomicFiles.write(target, tokenizer.rebuilt());
        } else if (!(Files.exists(target) && Files.isSameFile(tokenizerJson, target))) {
            AtomicFiles.write(target, Files.readAllBytes(tokenizerJson));
        }
        HfTokenizerConfig.write(tokenizerConfig, dir);
        AtomicFiles.write(dir.resolve(EncoderCheckpoint.CONFIG_FILE),
                new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(config)
                        + "\n");
        LOG.info("wrote task {} as {} to {}", task.name(), architecture(family, task.format()), dir);
    }

    /**
     * What a folder's {@code config.json} says of its task: the format, the label names in head
     * order (empty for QA and multiple choice), the HF class and the name the task takes. A
     * multiple-choice model's format is {@link TaskFormat#CHOICE}, nominally: its predictor takes
     * any number of choices from 2, as HF's model takes the count from its input.
     */
    record Layout(TaskFormat format, List<String> labels, String architecture, String taskName) {}

    /**
     * Reads the task of an HF task-model folder from its {@code config.json}.
     *
     * @param dir the folder
     * @param config the encoder config read from the same file
     * @return the layout
     * @throws IOException naming {@code config.json} if its task class is unknown, disagrees with
     *     its {@code model_type}, or its labels are malformed or fewer than 2 (a multiple-choice
     *     model's labels are not read: HF's head there has one output whatever they say)
     */
    static Layout layout(Path dir, EncoderConfig config) throws IOException {
        Path file = dir.resolve(EncoderCheckpoint.CONFIG_FILE);
        JsonObject root;
        try {
            root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(file + ": not a JSON object: " + e.getMessage(), e);
        }
        JsonElement arch = root.get("architectures");
        List<String> named = new ArrayList<>();
        if (arch != null && arch.isJsonArray()) {
            for (JsonElement e : arch.getAsJsonArray()) {
                named.add(e.isJsonPrimitive() ? e.getAsString() : e.toString());
            }
        }
        String architecture = null;
        for (String a : named) {
            if (architecture == null && known().contains(a)) {
                architecture = a;
            }
        }
        if (architecture == null) {
            throw new IOException(file + ": architectures " + (arch == null ? "is missing" : "is " + arch)
                    + "; expected a task model prefine reads, one of " + known());
        }
        String family = familyName(config.modelType());
        if (!architecture.startsWith(family + "For")) {
            throw new IOException(file + ": architectures names " + architecture + ", but model_type is "
                    + config.modelType().modelType() + ", whose task classes start with " + family + "For");
        }
        String suffix = architecture.substring(family.length());
        TaskFormat format = switch (suffix) {
            case "ForSequenceClassification" -> TaskFormat.SINGLE_TEXT;
            case "ForTokenClassification" -> TaskFormat.TOKEN;
            case "ForQuestionAnswering" -> TaskFormat.QA;
            default -> TaskFormat.CHOICE;
        };
        if (format == TaskFormat.SINGLE_TEXT) {
            singleLabel(root, file, architecture);
        }
        if (format == TaskFormat.CHOICE) {
            // HF's classifier here is Linear(hidden, 1) whatever num_labels or id2label say, and the
            // choice count is the input's: nothing in the config bears on the task
            return new Layout(format, List.of(), architecture, PIPELINE_TASKS.get(suffix));
        }
        List<String> labels = labels(root, file);
        if (format instanceof ExtractiveQa) {
            if (labels.size() != 2) {
                // name the field the count came from: without id2label, HF reads num_labels
                String field = root.has("id2label") && !root.get("id2label").isJsonNull() ? "id2label" : "num_labels";
                throw new IOException(file + ": " + architecture + " predicts a start and an end logit, so " + field
                        + " must give 2 labels or be absent, found " + labels.size() + " " + labels);
            }
            labels = List.of();
        } else if (labels.size() < 2) {
            throw new IOException(file + ": id2label has " + labels.size() + " label " + labels + "; expected at"
                    + " least 2 classes (a 1-label head is HF's regression, which prefine does not predict)");
        }
        return new Layout(format, labels, architecture, PIPELINE_TASKS.get(suffix));
    }

    /**
     * Refuses a sequence classifier whose {@code problem_type} HF's pipeline reads without a
     * softmax: a sigmoid per label for {@code multi_label_classification}, the raw logits for
     * {@code regression}. Read as a softmax, its scores and its one label would be wrong silently.
     */
    private static void singleLabel(JsonObject root, Path file, String architecture) throws IOException {
        JsonElement type = root.get("problem_type");
        if (type == null || type.isJsonNull()) {
            return;
        }
        if (!type.isJsonPrimitive() || !type.getAsJsonPrimitive().isString()
                || !type.getAsString().equals("single_label_classification")) {
            throw new IOException(file + ": " + architecture + "'s problem_type is " + type + "; expected"
                    + " single_label_classification or none, the classifier prefine predicts with a softmax over its"
                    + " labels (HF reads multi_label_classification through a sigmoid per label and regression raw)");
        }
    }

    /**
     * The label names in id order: {@code id2label}, else {@code num_labels} names {@code LABEL_i},
     * else HF's default of 2.
     */
    private static List<String> labels(JsonObject root, Path file) throws IOException {
        JsonElement e = root.get("id2label");
        if (e == null || e.isJsonNull()) {
            int n = 2;
            JsonElement count = root.get("num_labels");
            if (count != null && !count.isJsonNull()) {
                // as Python's json reads an int: 3.0 is a float, on which HF's range(num_labels) fails
                n = JsonShapes.wholeInt(count, "num_labels", (at, expected, found) -> new IOException(file + ": " + at
                        + " must be a whole number, found " + found));
                if (n < 0 || n > 100_000) {
                    throw new IOException(file + ": num_labels must be a whole number from 0 to 100000, found " + count);
                }
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add("LABEL_" + i);
            }
            return out;
        }
        if (!e.isJsonObject()) {
            throw new IOException(file + ": id2label must be an object from id to label name, found " + e);
        }
        JsonObject o = e.getAsJsonObject();
        String[] names = new String[o.size()];
        for (Map.Entry<String, JsonElement> entry : o.entrySet()) {
            int id;
            try {
                id = Integer.parseInt(entry.getKey());
            } catch (NumberFormatException ex) {
                id = -1;
            }
            if (id < 0 || id >= names.length) {
                throw new IOException(file + ": id2label key \"" + entry.getKey() + "\" is not an id from 0 to "
                        + (names.length - 1) + "; expected the ids 0.." + (names.length - 1) + ", one each");
            }
            JsonElement v = entry.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw new IOException(file + ": id2label[\"" + entry.getKey() + "\"] must be a label name, found " + v);
            }
            if (names[id] != null) {
                throw new IOException(file + ": id2label lists id " + id + " twice");
            }
            names[id] = v.getAsString();
        }
        Set<String> distinct = new LinkedHashSet<>();
        for (int i = 0; i < names.length; i++) {
            if (!distinct.add(names[i])) {
                throw new IOException(file + ": id2label names label \"" + names[i] + "\" twice (id " + i
                        + "); expected distinct label names, which predictions are keyed by");
            }
        }
        return Arrays.asList(names);
    }

    /**
     * The feature lengths an imported task is read with: the limit the folder's tokenizer declares,
     * else HF's 512 tokens capped by the encoder's positions, and for QA windows of {@code
     * run_qa.py}'s 384 with a stride of 128, capped the same way (a shorter window shares a third of
     * itself).
     *
     * @param config the encoder config
     * @param declared the {@code model_max_length} of {@code tokenizer_config.json}, at most the
     *     encoder's positions ({@link HfTokenizerDeclaration#modelMaxLength}), or empty
     */
    static FeatureSettings settings(EncoderConfig config, OptionalInt declared) {
        int max = declared.orElse(Math.min(512, config.maxSequenceLength()));
        int qa = Math.min(384, max);
        return FeatureSettings.paper().withLengths(max, qa, Math.min(128, qa / 3));
    }

    /**
     * Makes the head a folder's task is read with: the format's own head, except for multiple
     * choice, whose head scores each choice row on its own ({@link MultipleChoice#newChoiceScorer}),
     * since HF's folder holds one classifier for any number of choices.
     */
    static TaskHead newHead(SavedTask task, HeadFamily family) {
        return task.format() instanceof MultipleChoice ? MultipleChoice.newChoiceScorer(family, 0L)
                : task.format().newHead(task.numLabels(), family, 0L);
    }

    /**
     * Fills a head with the folder's head tensors, after checking each one is present with the
     * head's shape; the tensors the head does not take are logged.
     *
     * @param head the initialized head
     * @param layout what {@code config.json} says of the task
     * @param others the checkpoint's tensors the encoder did not take
     * @param dir the folder, for messages
     * @param manager a manager for the temporary arrays (a sub-manager, closed before returning)
     * @throws MalformedCheckpointException naming {@code model.safetensors} and every missing or
     *     wrong-shaped head tensor, with the shape expected, or the first head tensor holding NaN or
     *     an infinity
     */
    static void fill(Head head, Layout layout, Map<String, HostTensor> others, Path dir, NDManager manager)
            throws MalformedCheckpointException {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : head.hfParameters().entrySet()) {
            long[] expected = e.getValue().getArray().getShape().getShape();
            HostTensor t = others.get(e.getKey());
            if (t == null) {
                problems.add("lacks the head tensor " + e.getKey() + " of " + layout.architecture() + " (expected shape "
                        + Arrays.toString(expected) + ")");
            } else if (!Arrays.equals(t.shape(), expected)) {
                boolean rows = t.shape().length > 0 && expected.length > 0 && t.shape()[0] != expected[0];
                String why = layout.format().hasLabelSet() && rows && expected[0] == layout.labels().size()
                        ? " (" + layout.labels().size() + " classes, as config.json's id2label lists)"
                        : layout.format() instanceof MultipleChoice && rows && e.getKey().startsWith("classifier.")
                        ? " (one score per choice: " + layout.architecture() + "'s classifier is Linear(hidden, 1))"
                        : "";
                problems.add(e.getKey() + " has shape " + Arrays.toString(t.shape()) + ", expected "
                        + Arrays.toString(expected) + why);
            }
        }
        Path file = dir.resolve(SafetensorsReader.MODEL_FILE);
        if (!problems.isEmpty()) {
            throw new MalformedCheckpointException(file, String.join("; ", problems));
        }
        Set<String> unused = new TreeSet<>(others.keySet());
        unused.removeAll(head.hfKeys());
        if (!unused.isEmpty()) {
            LOG.info("{}: {} tensors belong to no part of {} and were not used: {}", file, unused.size(),
                    layout.architecture(), unused);
        }
        try (NDManager tmp = manager.newSubManager()) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            for (String key : head.hfKeys()) {
                NDArray a = HostTensors.toNDArray(others.get(key), tmp, DataType.FLOAT32);
                // as the encoder's and a prefine folder's heads: else every prediction is NaN, with no file named
                if (!HostTensors.allFinite(a)) {
                    throw MalformedCheckpointException.nonFinite(file, key);
                }
                arrays.put(key, a);
            }
            head.loadHfWeights(arrays);
            LOG.info("{}: {} read its head from {} tensors: {}", file, layout.architecture(), arrays.size(),
                    new TreeSet<>(arrays.keySet()));
        } catch (IllegalArgumentException e) {
            throw new MalformedCheckpointException(file, e.getMessage(), e);
        }
    }
}
