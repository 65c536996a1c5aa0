package io.github.prefine.core.predict;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.LoadedCheckpoint;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.heads.HeadFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A finetuned model loaded from a folder that {@link ModelExport} wrote, ready to be used on new
 * text through a {@link TaskPredictor} per task ({@link #predictor}).
 *
 * <p><b>Native memory.</b> AutoCloseable: it owns the {@link MultiHeadModel} (whose parameters
 * live in a sub-manager of the manager given to {@link #load}, so on its device) and the native
 * tokenizer; {@link #close()} frees both and is idempotent. Predictors are valid until then.
 *
 * <p>Thread-safe: predictors of any of its tasks may be used from several threads; their forward
 * passes take turns on this object. Closing while another thread predicts is a caller error.
 */
public final class FinetunedModel implements AutoCloseable {
    private final Path dir;
    private final ModelManifest manifest;
    private final MultiHeadModel model;
    private final SubwordTokenizer tokenizer;
    private boolean closed;

    private FinetunedModel(Path dir, ModelManifest manifest, MultiHeadModel model, SubwordTokenizer tokenizer) {
        this.dir = dir;
        this.manifest = manifest;
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /**
     * Loads a saved model: the encoder from {@code dir/encoder/}, one head per recorded task (made
     * by its format, as training made it) filled from {@code dir/heads.safetensors}, and the
     * folder's tokenizer.
     *
     * @param dir a folder written by {@link ModelExport#writeTo}
     * @param manager the manager whose device the model runs on; the model opens a sub-manager of it
     * @return the model, which the caller must close
     * @throws NoSuchFileException if the folder has no manifest, or no tokenizer file where its
     *     manifest says
     * @throws IOException if the manifest is version 1 (the message says what it lacks) or
     *     malformed, or the encoder or the heads cannot be read or do not fit the recorded tasks
     */
    public static FinetunedModel load(Path dir, NDManager manager) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(manager, "manager");
        ModelManifest manifest = ModelManifest.read(dir);
        if (manifest.version() < 2) {
            throw new IOException(dir + ": cannot be used on new text: " + manifest.lacks());
        }
        Path tokenizerFile = dir.resolve(manifest.tokenizer());
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new NoSuchFileException(tokenizerFile.toString(), null, "the model folder " + dir + " has no tokenizer"
                    + " file " + manifest.tokenizer() + ", which its manifest names; a saved model is used on new text"
                    + " with the tokenizer its tasks were featurized with (ModelExport copies it there)");
        }
        LoadedCheckpoint checkpoint = EncoderCheckpoint.load(dir.resolve("encoder"), manager);
        MultiHeadModel model = null;
        SubwordTokenizer tokenizer = null;
        try {
            HeadFamily family = MultiHeadModel.headFamily(checkpoint.config().modelType());
            MultiHeadModel.Builder b = MultiHeadModel.builder().setManager(manager).setEncoder(checkpoint.encoder());
            for (SavedTask t : manifest.tasks()) {
                // weights come from the folder below; the seed only fills them first
                b.addHead(t.name(), t.format().newHead(t.numLabels(), family, 0L));
            }
            model = b.build();
            model.loadParameters(dir);
            tokenizer = SubwordTokenizer.builder().setTokenizerPath(tokenizerFile).optPadId(manifest.padId()).build();
            return new FinetunedModel(dir, manifest, model, tokenizer);
        } catch (IOException | RuntimeException | Error e) {
            if (model != null) {
                model.close();
            }
            checkpoint.close();
            throw e;
        }
    }

    /**
     * Returns the folder the model was loaded from.
     *
     * @return the folder
     */
    public Path dir() {
        return dir;
    }

    /**
     * Returns the recorded tasks, in head order.
     *
     * @return each task's name, format, label names and feature lengths
     */
    public List<SavedTask> tasks() {
        return manifest.tasks();
    }

    /**
     * Returns the underlying model, for forward passes of one's own (still owned by this object).
     *
     * @return the model
     */
    public MultiHeadModel model() {
        return model;
    }

    /**
     * Returns a predictor for one task, with {@link TaskPredictor#DEFAULT_BATCH_SIZE}.
     *
     * @param taskName the task's name
     * @return the predictor, valid while this model is open
     * @throws IllegalArgumentException if the model has no such task (the message lists its tasks)
     * @throws IllegalStateException if this model is closed
     */
    public TaskPredictor predictor(String taskName) {
        Objects.requireNonNull(taskName, "taskName");
        checkOpen();
        List<SavedTask> tasks = manifest.tasks();
        for (int t = 0; t < tasks.size(); t++) {
            if (tasks.get(t).name().equals(taskName)) {
                return new TaskPredictor(this, model, tokenizer, t, tasks.get(t), TaskPredictor.DEFAULT_BATCH_SIZE,
                        tasks.get(t).qaPostProcessor());
            }
        }
        throw new IllegalArgumentException("model " + dir + ": no task " + taskName + "; its tasks are "
                + manifest.taskNames());
    }

    /** Refuses work once closed; called under this object's lock by the predictors. */
    synchronized void checkOpen() {
        if (closed) {
            throw new IllegalStateException("model " + dir + ": already closed");
        }
    }

    /** Frees the model's parameters and the native tokenizer; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                model.close();
            } finally {
                tokenizer.close();
            }
        }
    }
}
