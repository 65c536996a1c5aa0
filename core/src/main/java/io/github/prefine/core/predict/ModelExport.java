package io.github.prefine.core.predict;

import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.EncoderWriter;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.ExtractiveQa;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes a finetuned {@link MultiHeadModel} as a self-contained folder that {@link
 * FinetunedModel#load} reads back and uses on new text, with nothing of the original tasks at
 * hand:
 *
 * <ul>
 *   <li>{@code encoder/}: the encoder as a Hugging Face folder ({@code config.json}, {@code
 *       model.safetensors}) with the tokenizer's {@code tokenizer.json} (for a tokenizer built with
 *       {@link SubwordTokenizer.Builder#setRebuiltTokenizer}, the rebuilt text it was loaded from);
 *   <li>{@code heads.safetensors}: every task's head;
 *   <li>{@code prefine-model.json}: the version 2 manifest ({@link ModelManifest#V2}), which adds
 *       to {@code MultiHeadModel.save}'s version 1 per task its format, its label names in head
 *       order and its feature lengths, and the tokenizer file with its padding id.
 * </ul>
 *
 * <p>{@link #writeHuggingFace} writes one task instead as a Hugging Face task-model folder, for
 * Python's {@code AutoModelFor...} and {@code pipeline}.
 *
 * <p>Immutable once built; it refers to the model and the tokenizer without owning them, and
 * {@link #writeTo} reads the model's parameters, so no other thread may train the model meanwhile.
 */
public final class ModelExport {
    /** The tokenizer's place in a saved folder, beside the encoder as in an HF model folder. */
    static final String TOKENIZER = "encoder/" + EncoderCheckpoint.TOKENIZER_FILE;

    private final MultiHeadModel model;
    private final SubwordTokenizer tokenizer;
    private final List<SavedTask> tasks;

    private ModelExport(MultiHeadModel model, SubwordTokenizer tokenizer, List<SavedTask> tasks) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.tasks = tasks;
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the tasks as they will be recorded, in the model's head order.
     *
     * @return the tasks
     */
    public List<SavedTask> tasks() {
        return tasks;
    }

    /**
     * Writes the folder (see the class documentation); files of an earlier save there are replaced.
     *
     * @param dir the folder to create or fill
     * @throws IOException if writing fails, or the tokenizer file has gone since {@link Builder#build()}
     */
    public void writeTo(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        requireTokenizerFile(tokenizer);
        Optional<String> rebuilt = tokenizer.rebuiltJson();
        model.save(dir, EncoderWriter.huggingFace(rebuilt.isPresent() ? null : tokenizer.path()));
        if (rebuilt.isPresent()) {
            // the text the tasks were featurized with; before the manifest, without which the folder is not read
            AtomicFiles.write(dir.resolve(TOKENIZER), rebuilt.get());
        }
        // the model writes version 1, which knows the heads only; the tasks' records are added to it
        ModelManifest.upgrade(dir, tasks, TOKENIZER, tokenizer.padId());
    }

    /**
     * Writes one task as a Hugging Face task-model folder, as {@link FinetunedModel#writeHuggingFace}
     * describes, that {@code AutoModelFor...from_pretrained} and {@code pipeline} read, its {@code
     * model_max_length} the task's feature length; the folder the tokenizer came from, whose mask
     * token is kept, is the one its {@code tokenizer.json} lies in.
     *
     * @param taskName the task to write
     * @param out the folder to create or fill; files of the same names there are replaced
     * @throws IllegalArgumentException if no task of that name is recorded
     * @throws IOException if writing fails, the tokenizer file has gone since {@link Builder#build()},
     *     or it lacks a special token the family's HF tokenizer names or the mask token its folder's
     *     {@code tokenizer_config.json} or {@code special_tokens_map.json} names (the message names
     *     the file and the token; nothing is written then), or one of those files is malformed
     */
    public void writeHuggingFace(String taskName, Path out) throws IOException {
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(out, "out");
        requireTokenizerFile(tokenizer);
        for (int t = 0; t < tasks.size(); t++) {
            if (tasks.get(t).name().equals(taskName)) {
                // tasks are recorded in the model's head order, so t is the head's index too
                HfTaskFolder.write(model, t, tasks.get(t), HfTokenizerConfig.Source.of(tokenizer), tokenizer.padId(),
                        out);
                return;
            }
        }
        throw new IllegalArgumentException("model export: no task " + taskName + "; the recorded tasks are "
                + tasks.stream().map(SavedTask::name).toList());
    }

    /**
     * Refuses a feature length the encoder cannot read, as {@link Builder#build()} does: the folder
     * would load and predict short texts, and fail at the first input longer than the encoder's
     * positions. For callers that export only after training (a grid's exported models), to refuse
     * before it.
     *
     * @param task the task's name, for the message
     * @param format the task's format (QA reads windows of {@code qaMaxLength}, the others rows of
     *     {@code maxLength})
     * @param settings the settings the task is featurized with
     * @param positions the encoder's positions ({@code EncoderConfig.maxSequenceLength})
     * @throws IllegalArgumentException if the task's length exceeds the positions
     */
    public static void checkLength(String task, TaskFormat format, FeatureSettings settings, int positions) {
        // by type, as the featurizer and HfTaskFolder read it: new ExtractiveQa() equals QA but is another object
        boolean qa = format instanceof ExtractiveQa;
        int length = qa ? settings.qaMaxLength() : settings.maxLength();
        if (length > positions) {
            // the settings are wrong for this encoder, not merely other than the tasks': say which lengths fit
            int rowLength = Math.min(settings.maxLength(), positions);
            int qaLength = Math.min(settings.qaMaxLength(), positions);
            // lengths FeatureSettings takes, and a window this task can read: only QA needs one of MIN_QA_WINDOW
            boolean fits = rowLength >= FeatureSettings.MIN_LENGTH && qaLength >= 2
                    && (!qa || qaLength >= FeatureSettings.MIN_QA_WINDOW);
            String fitting = !fits ? "" : ", such as these settings' withLengths(" + rowLength + ", " + qaLength + ", "
                    + (settings.qaStride() < qaLength ? settings.qaStride() : Math.max(1, qaLength / 4)) + ")";
            throw new IllegalArgumentException("model export: task " + task + " would read new text in rows of up to "
                    + length + " tokens (FeatureSettings " + (qa ? "qaMaxLength" : "maxLength") + "), but the encoder's"
                    + " position table has only " + positions + " rows, so an input past " + positions + " tokens would"
                    + " fail at prediction; featurize and train the tasks with lengths of at most " + positions
                    + ", and export with those settings" + fitting);
        }
    }

    /**
     * Refuses a tokenizer the encoder was not trained with, as far as the two tell, as {@link
     * Builder#build()} does: ids past the encoder's embedding rows would fail at prediction, and
     * another padding id pads new text with another token than training did. For callers that
     * export only after training (a grid's exported models), to refuse before it.
     *
     * @param config the encoder's config ({@code vocab_size}, {@code pad_token_id})
     * @param tokenizer the tokenizer the folder would carry
     * @throws IllegalArgumentException if the tokenizer gives more ids than the encoder has rows,
     *     or pads with another id than the encoder's {@code pad_token_id} (unless that is null,
     *     {@link EncoderConfig#padTokenIdNull()}: the tokenizer's id then pads)
     */
    public static void checkTokenizer(EncoderConfig config, SubwordTokenizer tokenizer) {
        requireEncodersTokenizer(config, tokenizer, "");
    }

    /** {@link #checkTokenizer}, its message ending with {@code fix}. */
    private static void requireEncodersTokenizer(EncoderConfig config, SubwordTokenizer tokenizer, String fix) {
        String notOwn = ": it is not the tokenizer the encoder was trained with" + fix;
        if (tokenizer.vocabularySize() > config.vocabSize()) {
            throw new IllegalArgumentException("model export: the tokenizer " + tokenizer.path() + " gives "
                    + tokenizer.vocabularySize() + " token ids, but the encoder has " + config.vocabSize()
                    + " embedding rows, so ids past " + (config.vocabSize() - 1) + " would fail at prediction" + notOwn);
        }
        // "pad_token_id": null (BERT): the encoder has no padding row, the tokenizer's own id pads, as in HF
        if (!config.padTokenIdNull() && tokenizer.padId() != config.padTokenId()) {
            throw new IllegalArgumentException("model export: the tokenizer " + tokenizer.path() + " pads with id "
                    + tokenizer.padId() + ", but the encoder's pad_token_id is " + config.padTokenId() + notOwn);
        }
    }

    private static void requireTokenizerFile(SubwordTokenizer tokenizer) {
        // a rebuilt tokenizer's text is in memory, and is what is copied
        if (tokenizer.rebuiltJson().isEmpty() && !Files.isRegularFile(tokenizer.path())) {
            throw new IllegalArgumentException("model export: the tokenizer's file " + tokenizer.path() + " is gone, and a"
                    + " saved model must carry its tokenizer.json to be used on new text; build the tokenizer from a file"
                    + " that exists");
        }
    }

    /** Builds a {@link ModelExport}; mutable, single-threaded. */
    public static final class Builder {
        private MultiHeadModel model;
        private SubwordTokenizer tokenizer;
        private FeatureSettings settings;
        /** Per task name, its format and label names; the settings join them at build time. */
        private final Map<String, Map.Entry<TaskFormat, List<String>>> tasks = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Sets the model to write (required); it must be open and its encoder a {@link
         * TransformerEncoder}, written as a Hugging Face folder.
         *
         * @param model the finetuned model, not owned
         * @return this builder
         */
        public Builder setModel(MultiHeadModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * Sets the tokenizer the tasks were featurized with (required); its {@code tokenizer.json}
         * (or the rebuilt text it was loaded from) is copied into the folder, and its padding id
         * recorded.
         *
         * @param tokenizer the tokenizer, not owned
         * @return this builder
         */
        public Builder setTokenizer(SubwordTokenizer tokenizer) {
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            return this;
        }

        /**
         * Sets the feature settings the tasks were featurized with (required); their lengths are
         * recorded, so that new text is cut and windowed as the training data was.
         *
         * @param settings the settings given to {@code FeaturizedTask.featurize}
         * @return this builder
         */
        public Builder setFeatureSettings(FeatureSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Records a task's format and label set, as the model was built from it.
         *
         * @param task the featurized task
         * @return this builder
         */
        public Builder addTask(FeaturizedTask task) {
            Objects.requireNonNull(task, "task");
            return addTask(task.name(), task.task().format(), task.labels());
        }

        /**
         * Records every task of a set (see {@link #addTask(FeaturizedTask)}).
         *
         * @param tasks the tasks
         * @return this builder
         */
        public Builder addTasks(TaskSet tasks) {
            Objects.requireNonNull(tasks, "tasks");
            tasks.tasks().forEach(this::addTask);
            return this;
        }

        /**
         * Records a task by hand, for a model whose head was added with {@code
         * MultiHeadModel.Builder.addHead}.
         *
         * @param name the task name, as in the model
         * @param format its format
         * @param labels its label names in head order; empty for QA and multiple choice
         * @return this builder
         * @throws IllegalArgumentException if the name was recorded already
         */
        public Builder addTask(String name, TaskFormat format, List<String> labels) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(format, "format");
            if (tasks.putIfAbsent(name, Map.entry(format, List.copyOf(labels))) != null) {
                throw new IllegalArgumentException("model export: task " + name + " is recorded twice");
            }
            return this;
        }

        /**
         * Checks that everything required is set, that the recorded tasks are the model's own
         * with its heads' label counts and lengths the encoder can read, and that the tokenizer's
         * file exists and is the encoder's as far as the two tell: its ids within the encoder's
         * embedding rows, its padding id the encoder's {@code pad_token_id}.
         *
         * @return the export
         * @throws IllegalArgumentException if a required value is missing, the encoder is not a
         *     {@link TransformerEncoder}, a model task is not recorded or a recorded one is not the
         *     model's, a task's label count differs from its head's, a task's feature length (QA:
         *     its window) exceeds the encoder's positions, the tokenizer's file is gone, or the
         *     tokenizer gives more ids than the encoder has embedding rows or pads with another id
         */
        public ModelExport build() {
            if (model == null) {
                throw new IllegalArgumentException("model export: setModel is required");
            }
            if (tokenizer == null) {
                throw new IllegalArgumentException("model export: setTokenizer is required");
            }
            if (settings == null) {
                throw new IllegalArgumentException("model export: setFeatureSettings is required");
            }
            if (!(model.encoder() instanceof TransformerEncoder)) {
                throw new IllegalArgumentException("model export: the encoder must be prefine's TransformerEncoder,"
                        + " written as an HF folder, found " + model.encoder().getClass().getName());
            }
            requireTokenizerFile(tokenizer);
            for (String name : tasks.keySet()) {
                if (!model.taskNames().contains(name)) {
                    throw new IllegalArgumentException("model export: task " + name + " is not one of the model's "
                            + model.taskNames());
                }
            }
            requireEncodersTokenizer(((TransformerEncoder) model.encoder()).config(), tokenizer,
                    "; give setTokenizer the tokenizer.json the tasks were featurized with");
            int positions = ((TransformerEncoder) model.encoder()).config().maxSequenceLength();
            List<SavedTask> saved = new ArrayList<>();
            for (int t = 0; t < model.numTasks(); t++) {
                String name = model.taskNames().get(t);
                Map.Entry<TaskFormat, List<String>> e = tasks.get(name);
                if (e == null) {
                    throw new IllegalArgumentException("model export: the model's task " + name + " is not recorded;"
                            + " add it with addTask or addTasks");
                }
                checkLength(name, e.getKey(), settings, positions);
                SavedTask s = new SavedTask(name, e.getKey(), e.getValue(), settings);
                if (s.numLabels() != model.head(t).numLabels()) {
                    throw new IllegalArgumentException("model export: task " + name + " has " + s.numLabels()
                            + " classes as recorded (" + e.getValue() + "), but its head predicts "
                            + model.head(t).numLabels());
                }
                saved.add(s);
            }
            return new ModelExport(model, tokenizer, List.copyOf(saved));
        }

    }
}
