package io.github.prefine.core.predict;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.LoadedCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.internal.TokenizerText;
import io.github.prefine.heads.Head;
import io.github.prefine.heads.HeadFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A finetuned model loaded from a folder that {@link ModelExport} wrote ({@link #load}) or from a
 * Hugging Face task-model folder ({@link #loadHuggingFace}), ready to be used on new text through a
 * {@link TaskPredictor} per task ({@link #predictor}); {@link #writeHuggingFace} writes one of its
 * tasks as a Hugging Face task-model folder.
 *
 * <p><b>Native memory.</b> AutoCloseable: it owns the {@link MultiHeadModel} (whose parameters
 * live in a sub-manager of the manager given to {@link #load}, so on its device) and the native
 * tokenizer; {@link #close()} frees them and is idempotent. Predictors are valid until then. For a
 * Hugging Face folder whose {@code tokenizer_config.json} disagrees with its {@code
 * tokenizer.json}, the latter as HF rebuilds it is held in memory, never written to disk.
 *
 * <p>Thread-safe: predictors of any of its tasks may be used from several threads; their forward
 * passes take turns on this object. {@link #close} waits for the calls under way on other threads to
 * finish, and refuses the calls that start after it, so that a server can close the model at
 * shutdown while requests are still being predicted.
 */
public final class FinetunedModel implements AutoCloseable {
    private final Path dir;
    private final ModelManifest manifest;
    private final MultiHeadModel model;
    private final SubwordTokenizer tokenizer;
    /**
     * Whether the folder is a Hugging Face task model, whose sequence classifier reads texts and
     * pairs and whose multiple-choice model reads any number of choices.
     */
    private final boolean huggingFace;
    /**
     * For a Hugging Face folder, the tokenizer an export copies: the folder's file, the text
     * rebuilt from it as HF's tokenizer class rebuilds it ({@link HfTokenizerAlignment}), if any,
     * and what the folder's {@code tokenizer_config.json} declared when it was loaded; null for a
     * folder {@link ModelExport} wrote, whose tokenizer file is read as it is.
     */
    private final HfTokenizerConfig.Source hfTokenizer;
    // volatile: a predictor checks it on entry without the lock, not to wait on another's forward pass
    private volatile boolean closed;
    /** Held shared by each predictor call, exclusively by close: a call under way keeps the tokenizer and arrays. */
    private final ReentrantReadWriteLock calls = new ReentrantReadWriteLock();

    private FinetunedModel(Path dir, ModelManifest manifest, MultiHeadModel model, SubwordTokenizer tokenizer,
            HfTokenizerConfig.Source hfTokenizer) {
        this.dir = dir;
        this.hfTokenizer = hfTokenizer;
        this.huggingFace = hfTokenizer != null;
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
     *     malformed, a task's length (its {@code qaMaxLength} for QA, else {@code maxLength}) exceeds
     *     the encoder's positions, or the encoder or the heads cannot be read or do not fit the
     *     recorded tasks
     */
    public static FinetunedModel load(Path dir, NDManager manager) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(manager, "manager");
        if (!Files.exists(dir.resolve(ModelManifest.FILE)) && Files.isRegularFile(dir.resolve(EncoderCheckpoint.CONFIG_FILE))) {
            throw new NoSuchFileException(dir.resolve(ModelManifest.FILE).toString(), null, "no " + ModelManifest.FILE
                    + " but a " + EncoderCheckpoint.CONFIG_FILE + ": a Hugging Face folder, which loadHuggingFace reads");
        }
        unfinishedSave(dir);
        ModelManifest manifest = ModelManifest.read(dir);
        if (manifest.version() < 2) {
            throw new IOException(dir + ": cannot be used on new text: " + manifest.lacks());
        }
        Path tokenizerFile = dir.resolve(manifest.tokenizer());
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new NoSuchFileException(tokenizerFile.toString(), null, "the model folder " + dir + " has no tokenizer"
                    + " file " + manifest.tokenizer() + ", which its " + ModelManifest.FILE + " names; a saved model is used"
                    + " on new text with the tokenizer its tasks were featurized with (ModelExport copies it there)");
        }
        LoadedCheckpoint checkpoint = EncoderCheckpoint.load(dir.resolve("encoder"), manager);
        MultiHeadModel model = null;
        SubwordTokenizer tokenizer = null;
        try {
            TokenizerText tokenizerText = TokenizerText.read(tokenizerFile);
            Path configFile = dir.resolve("encoder").resolve(EncoderCheckpoint.CONFIG_FILE);
            checkVocabulary(tokenizerText, checkpoint.config(), configFile);
            if (manifest.padId() >= checkpoint.config().vocabSize()) {
                // every padded batch looks the padding id up
                throw new IOException(dir.resolve(ModelManifest.FILE) + ": field padId " + manifest.padId() + " is beyond"
                        + " the " + checkpoint.config().vocabSize() + "-entry vocabulary (vocab_size) of " + configFile);
            }
            int positions = checkpoint.config().maxSequenceLength();
            for (SavedTask t : manifest.tasks()) {
                // the export refuses such lengths; a hand-edited one failed only at the first text that long
                boolean qa = t.format() instanceof io.github.prefine.core.task.ExtractiveQa;
                int length = qa ? t.settings().qaMaxLength() : t.settings().maxLength();
                if (length > positions) {
                    throw new IOException(dir.resolve(ModelManifest.FILE) + ": task " + t.name() + ": field "
                            + (qa ? "qaMaxLength " : "maxLength ") + length + " reads rows longer than the " + positions
                            + " positions of the encoder (" + configFile + "); expected at most " + positions);
                }
            }
            HeadFamily family = MultiHeadModel.headFamily(checkpoint.config().modelType());
            // every head tensor comes from the folder below: where a pooler would start is no news
            MultiHeadModel.Builder b = MultiHeadModel.builder().setManager(manager).setEncoder(checkpoint.encoder())
                    .optPretrainedPooler(false);
            for (SavedTask t : manifest.tasks()) {
                // weights come from the folder below; the seed only fills them first
                b.addHead(t.name(), t.format().newHead(t.numLabels(), family, 0L));
            }
            model = b.build();
            model.loadParameters(dir);
            tokenizer = tokenizerText.setOn(SubwordTokenizer.builder()).optPadId(manifest.padId()).build();
            return new FinetunedModel(dir, manifest, model, tokenizer, null);
        } catch (IOException | RuntimeException | Error e) {
            if (model != null) {
                model.close();
            }
            checkpoint.close();
            throw e;
        }
    }

    /**
     * Loads a Hugging Face task-model folder ({@code save_pretrained} of a {@code BertFor...}, {@code
     * RobertaFor...} or {@code XLMRobertaFor...} sequence classifier, token classifier, QA model or
     * multiple-choice model, with its fast tokenizer's {@code tokenizer.json}), read with the
     * lengths {@link #huggingFaceSettings(Path)} gives: the {@code model_max_length} of its {@code
     * tokenizer_config.json} where that declares one.
     *
     * @param dir the folder
     * @param manager the manager whose device the model runs on; the model opens a sub-manager of it
     * @return the model, which the caller must close
     * @throws NoSuchFileException if the folder has no {@code config.json} or no {@code tokenizer.json}
     * @throws IOException as {@link #huggingFaceSettings(Path)} and {@link #loadHuggingFace(Path,
     *     NDManager, FeatureSettings)}, or naming the file its length comes from when a QA model's
     *     windows would be shorter than {@value FeatureSettings#MIN_QA_WINDOW} tokens
     */
    public static FinetunedModel loadHuggingFace(Path dir, NDManager manager) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(manager, "manager");
        EncoderConfig config = configOf(dir);
        HfTokenizerDeclaration declared = HfTokenizerDeclaration.read(dir);
        FeatureSettings settings = settingsOf(dir, config, declared);
        if (settings.qaMaxLength() < FeatureSettings.MIN_QA_WINDOW
                && HfTaskFolder.layout(dir, config).format() instanceof io.github.prefine.core.task.ExtractiveQa) {
            // the lengths came from the folder: its file is named, not the task's settings
            throw new IOException(lengthFrom(dir, config, declared.modelMaxLength(config.maxSequenceLength()))
                    + ", too few for the windows of a question-answering model; expected at least "
                    + FeatureSettings.MIN_QA_WINDOW);
        }
        return loadHuggingFace(dir, manager, settings, config, declared);
    }

    /**
     * {@link HfTaskFolder#settings} for a folder, refused naming the file whose length leaves
     * fewer tokens than the shortest feature rows ({@code FeatureSettings} named none). QA windows
     * need more ({@link FeatureSettings#MIN_QA_WINDOW}), which only a QA folder is refused for.
     */
    private static FeatureSettings settingsOf(Path dir, EncoderConfig config, HfTokenizerDeclaration declared)
            throws IOException {
        OptionalInt length = declared.modelMaxLength(config.maxSequenceLength());
        try {
            return HfTaskFolder.settings(config, length);
        } catch (IllegalArgumentException e) {
            throw new IOException(lengthFrom(dir, config, length) + ", too few for feature rows (" + e.getMessage()
                    + "); expected at least " + FeatureSettings.MIN_LENGTH, e);
        }
    }

    /** The file and member a folder's feature lengths come from, and the length they give. */
    private static String lengthFrom(Path dir, EncoderConfig config, OptionalInt declared) {
        return declared.isPresent()
                ? dir.resolve(HfTokenizerConfig.FILE) + ": model_max_length gives rows of " + declared.getAsInt()
                        + " tokens"
                : dir.resolve(EncoderCheckpoint.CONFIG_FILE) + ": max_position_embeddings gives the encoder "
                        + config.maxSequenceLength() + " positions";
    }

    /**
     * Loads a Hugging Face task-model folder as {@link #loadHuggingFace(Path, NDManager)} does, with
     * feature lengths of one's own.
     *
     * <p>The folder's one task is named after HF's pipeline task ({@code text-classification},
     * {@code token-classification}, {@code question-answering}, and {@code multiple-choice}, which
     * has no pipeline) and its label names are {@code id2label}'s in id order (without one, {@code
     * num_labels} or 2 names {@code LABEL_i}, as HF reads it); {@code label2id} is not read, as HF
     * names its outputs by {@code id2label} alone. A sequence classifier takes both {@link
     * TaskPredictor#classify} and {@link TaskPredictor#classifyPairs}, since HF's folders do not say
     * which it was trained on. A multiple-choice model has no labels (its {@code id2label} is not
     * read) and its format is {@link io.github.prefine.core.task.TaskFormat#CHOICE} nominally: its
     * {@link TaskPredictor#choose} takes any number of choices from 2 per question ({@link
     * TaskPredictor#takesAnyChoiceCount()}), as HF's {@code ...ForMultipleChoice} reads the count
     * from its input; its head scores each (premise, choice) row on its own, so {@link #model()}'s
     * logits for the task are {@code [rows, 1]}, HF's before its reshape to {@code [questions,
     * choices]}. Tensors that belong to no part of the task model (a token classifier saved with
     * its pooler) are logged at INFO and left unused.
     *
     * <p>Text is tokenized as HF's tokenizer class tokenizes it: where BERT's {@code
     * do_lower_case}, {@code strip_accents} or {@code tokenize_chinese_chars}, or RoBERTa's or
     * XLM-R's {@code add_prefix_space} or {@code trim_offsets}, as {@code tokenizer_config.json}
     * states them, differ from {@code tokenizer.json}'s components, the stated flags are applied
     * over the file's (in memory; the folder is not touched, and nothing is written) and logged at
     * WARN; the tokenizer still reports the folder's file, which its messages name. A BERT or
     * RoBERTa flag the config leaves out, or every one where there is no config, takes HF's class
     * default ({@code do_lower_case} true, {@code strip_accents} null, {@code
     * tokenize_chinese_chars} true; {@code add_prefix_space} false, {@code trim_offsets} true), as
     * HF does; XLM-R's file keeps its own. The folder's files are read once here; {@link
     * #writeHuggingFace} writes back the mask token they declared, and as the limit the length
     * {@code settings} give the task.
     *
     * <p>New text is padded with {@code config.json}'s {@code pad_token_id}; where that is null
     * (BERT: the model has no padding row), with the {@code pad_token} that {@code
     * tokenizer_config.json} or {@code special_tokens_map.json} names, else {@code [PAD]}, at its
     * id in {@code added_tokens}, as HF's tokenizer pads; {@link #writeHuggingFace} names that token
     * and keeps the null.
     *
     * @param dir the folder
     * @param manager the manager whose device the model runs on; the model opens a sub-manager of it
     * @param settings the lengths new text is cut and windowed to (the example caps play no part)
     * @return the model, which the caller must close
     * @throws NoSuchFileException if the folder has no {@code config.json} or no {@code tokenizer.json}
     * @throws IOException naming the file and what was expected if {@code architectures} names no
     *     task class prefine reads, a flag of {@code tokenizer_config.json} above is not a boolean
     *     ({@code strip_accents}: nor null), a sequence classifier's {@code problem_type} is
     *     multi-label or regression (which HF reads without a softmax), {@code id2label} is
     *     malformed or its size differs from the head's, or a head tensor is missing, of another
     *     shape or holds NaN or an infinity (a multiple-choice model's {@code classifier} is {@code [1,
     *     hidden]}, and its pooler is part of the head; the encoder's tensors are checked as {@link
     *     EncoderCheckpoint#load} does); or naming {@code tokenizer.json}, and the line and what
     *     was expected where the library says, if the tokenizers library cannot load it, or, under
     *     a null {@code pad_token_id}, if its {@code added_tokens} lack the padding token
     */
    public static FinetunedModel loadHuggingFace(Path dir, NDManager manager, FeatureSettings settings)
            throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(settings, "settings");
        return loadHuggingFace(dir, manager, settings, configOf(dir), HfTokenizerDeclaration.read(dir));
    }

    /** Loads an HF folder whose {@code config.json} and {@code tokenizer_config.json} were read once, here. */
    private static FinetunedModel loadHuggingFace(Path dir, NDManager manager, FeatureSettings settings,
            EncoderConfig config, HfTokenizerDeclaration declared) throws IOException {
        Path tokenizerFile = dir.resolve(EncoderCheckpoint.TOKENIZER_FILE);
        // not isRegularFile: the load reads it once, so a test's named pipe counts the reads (an export reads it again)
        if (!Files.exists(tokenizerFile) || Files.isDirectory(tokenizerFile)) {
            throw new NoSuchFileException(tokenizerFile.toString(), null, "the Hugging Face folder " + dir + " has no "
                    + EncoderCheckpoint.TOKENIZER_FILE + "; prefine reads the fast tokenizer's file, which"
                    + " save_pretrained of a fast tokenizer writes");
        }
        HfTaskFolder.Layout layout = HfTaskFolder.layout(dir, config);
        // read and parsed once for the comparison with the config's flags, the native tokenizer and its facts
        TokenizerText asWritten = TokenizerText.read(tokenizerFile);
        String alignedTokenizer = HfTokenizerAlignment.aligned(dir, config.modelType(), declared, asWritten.json());
        TokenizerText tokenizerText = alignedTokenizer == null ? asWritten : asWritten.rebuilt(alignedTokenizer);
        checkVocabulary(asWritten, config, dir.resolve(EncoderCheckpoint.CONFIG_FILE));
        // a null pad_token_id: HF's model has no padding row, and its tokenizer pads with the folder's pad token
        int padId = config.padTokenIdNull()
                ? HfTokenizerConfig.declaredPadId(tokenizerFile, asWritten.json(), declared, config.modelType())
                : config.padTokenId();
        SavedTask task;
        try {
            task = new SavedTask(layout.taskName(), layout.format(), layout.labels(), settings);
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(EncoderCheckpoint.CONFIG_FILE) + ": " + e.getMessage(), e);
        }
        LoadedCheckpoint checkpoint = EncoderCheckpoint.load(dir, manager);
        MultiHeadModel model = null;
        try {
            HeadFamily family = MultiHeadModel.headFamily(config.modelType());
            TaskHead head = HfTaskFolder.newHead(task, family);
            model = MultiHeadModel.builder().setManager(manager).setEncoder(checkpoint.encoder())
                    .optPretrainedPooler(false).addHead(task.name(), head).build();
            HfTaskFolder.fill((Head) head.block(), layout, checkpoint.otherTensors(), dir, manager);
            SubwordTokenizer tokenizer = hfTokenizer(tokenizerText, dir, padId);
            ModelManifest manifest = new ModelManifest(2, List.of(task.name()), List.of(task),
                    EncoderCheckpoint.TOKENIZER_FILE, padId);
            return new FinetunedModel(dir, manifest, model, tokenizer, new HfTokenizerConfig.Source(tokenizerFile,
                    alignedTokenizer, declared));
        } catch (IOException | RuntimeException | Error e) {
            if (model != null) {
                model.close();
            }
            checkpoint.close();
            throw e;
        }
    }

    /**
     * Returns the feature lengths {@link #loadHuggingFace(Path, NDManager)} reads a folder with
     * when its tokenizer declares no limit: 512 tokens (HF's usual limit), and for QA windows of 384
     * tokens with a stride of 128 (those of HF's {@code run_qa.py}), each capped by the encoder's
     * position table (a capped QA window shares a third of itself with the next).
     *
     * @param config the folder's encoder config
     * @return the settings
     */
    public static FeatureSettings huggingFaceSettings(EncoderConfig config) {
        return HfTaskFolder.settings(Objects.requireNonNull(config, "config"), OptionalInt.empty());
    }

    /**
     * Returns the feature lengths {@link #loadHuggingFace(Path, NDManager)} reads a folder with: the
     * {@code model_max_length} of its {@code tokenizer_config.json} when that is a positive whole
     * number no larger than the encoder's positions (so a model declaring 256 reads new text with
     * 256 tokens, and QA windows of at most that, sharing a third of themselves), else those of
     * {@link #huggingFaceSettings(EncoderConfig)}. A missing file, a null limit and HF's value for
     * none ({@code 1000000000000000019884624838656}) leave the defaults; so does a limit above the
     * positions, which the encoder could not take (logged at WARN).
     *
     * @param dir the folder
     * @return the settings
     * @throws NoSuchFileException if the folder has no {@code config.json}
     * @throws IOException naming the file and what was expected if {@code config.json} is invalid,
     *     or {@code tokenizer_config.json} cannot be read, is not a JSON object, or its {@code
     *     model_max_length} is not a positive whole number, or if the length either gives is too
     *     short for feature rows (fewer than {@value FeatureSettings#MIN_LENGTH} tokens); QA windows
     *     shorter than {@value FeatureSettings#MIN_QA_WINDOW} are refused by a QA folder's load alone
     */
    public static FeatureSettings huggingFaceSettings(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        EncoderConfig config = configOf(dir);
        return settingsOf(dir, config, HfTokenizerDeclaration.read(dir));
    }

    /**
     * Loads an HF folder's tokenizer from the text read and parsed already: the file's, or the text
     * rebuilt from it with {@code tokenizer_config.json}'s flags, which reports the file as its own.
     * The text differs from the file only in the flags applied, so where the file fails as written
     * too, the file's own error (and positions) are given.
     */
    private static SubwordTokenizer hfTokenizer(TokenizerText text, Path dir, int padId) throws IOException {
        Path file = text.file();
        try {
            return text.setOn(SubwordTokenizer.builder().optPadId(padId)).build();
        } catch (IOException | RuntimeException e) {
            if (!text.isRebuilt()) {
                throw naming(file, e);
            }
            try {
                SubwordTokenizer.builder().setTokenizerPath(file).optPadId(padId).build().close();
            } catch (IOException | RuntimeException asWritten) {
                throw naming(file, asWritten);
            }
            String why = String.valueOf(e.getMessage());
            throw new IOException(file + ": loads as written, but not as rebuilt with the flags of "
                    + dir.resolve(HfTokenizerConfig.FILE) + " (logged above): "
                    + (why.startsWith(file + ": ") ? why.substring(file.toString().length() + 2) : why), e);
        }
    }

    /** A tokenizer's load failure as an {@code IOException} whose message names the file. */
    private static IOException naming(Path file, Exception e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof IOException io && message.startsWith(file.toString())) {
            return io;
        }
        return new IOException(file + ": cannot be loaded as a tokenizer: " + message, e);
    }

    /**
     * Refuses a tokenizer whose ids reach past the encoder's vocabulary, or whose template gives a
     * type id other than 0 and 1: either failed only in the first prediction that met it, the first
     * as libtorch's "index out of range in self", naming no file.
     */
    private static void checkVocabulary(TokenizerText tokenizer, EncoderConfig config, Path configFile)
            throws IOException {
        long largest = tokenizer.largestId();
        if (largest >= config.vocabSize()) {
            throw new IOException(tokenizer.file() + ": has token id " + largest + ", beyond the " + config.vocabSize()
                    + "-entry vocabulary (vocab_size) of " + configFile + "; a model is used with the tokenizer it was"
                    + " trained with");
        }
        String typeId = tokenizer.typeIdAbove(1);
        if (typeId != null) {
            throw new IOException(tokenizer.file() + ": " + typeId + ": expected a token type id of 0 (first text)"
                    + " or 1 (second text)");
        }
    }

    /**
     * Refuses a folder that holds a save's tensors ({@code heads.safetensors}, {@code encoder/}) but
     * no manifest: {@code MultiHeadModel.save} deletes the manifest first and writes it last, so
     * that is a save that did not finish, whose tensors may mix two models; the message says so
     * rather than that the folder is no saved model at all.
     */
    private static void unfinishedSave(Path dir) throws NoSuchFileException {
        Path manifest = dir.resolve(ModelManifest.FILE);
        if (Files.exists(manifest)) {
            return;
        }
        List<String> left = new ArrayList<>();
        for (String f : List.of("heads.safetensors", "encoder.safetensors", "encoder")) {
            if (Files.exists(dir.resolve(f))) {
                left.add(f);
            }
        }
        if (!left.isEmpty()) {
            throw new NoSuchFileException(manifest.toString(), null, "no " + ModelManifest.FILE + " beside "
                    + String.join(", ", left) + ": a save that did not finish (the manifest is written last, after"
                    + " the tensors, which may mix two models); save the model again");
        }
    }

    /** The folder's encoder config; an unsupported or invalid one is bad input, named with its file. */
    private static EncoderConfig configOf(Path dir) throws IOException {
        Path file = dir.resolve(EncoderCheckpoint.CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            // as load names loadHuggingFace for an HF folder, name load for a folder of its own
            throw new NoSuchFileException(file.toString(), null, "no " + EncoderCheckpoint.CONFIG_FILE
                    + (Files.exists(dir.resolve(ModelManifest.FILE)) ? " but a " + ModelManifest.FILE
                            + ": a folder ModelExport wrote, which FinetunedModel.load reads"
                            : ": not a Hugging Face model folder"));
        }
        try {
            return EncoderConfig.fromJson(file);
        } catch (IllegalArgumentException e) {
            // the message names the file already
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Writes one task as a Hugging Face task-model folder that {@code AutoModelFor...from_pretrained}
     * and {@code pipeline} read: {@code config.json} (the encoder's, with the task class in {@code
     * architectures} and, for a classifier or tagger, {@code id2label}/{@code label2id} from the
     * label names in head order), {@code model.safetensors} (the encoder under {@code bert.} or
     * {@code roberta.}, the head under HF's names), {@code tokenizer.json}, and {@code
     * tokenizer_config.json} with {@code special_tokens_map.json}, which {@code AutoTokenizer} reads:
     * HF's tokenizer class for the family, {@code model_max_length} (the task's feature length: a
     * QA task's window, another task's {@code maxLength}, which HF's tokenizer cuts at under {@code
     * truncation=True} without a {@code max_length} and {@link #loadHuggingFace(Path, NDManager)}
     * reads the folder with; for a task read from an HF folder, the length it was read with: the
     * limit the folder declared, as HF's {@code save_pretrained} writes back the limit it loaded,
     * but a QA task's window, at most 384, and the settings' lengths where it was read with some),
     * the special tokens as {@code tokenizer.json} has them ({@code mask_token} the one that folder
     * names, else the family's), {@code added_tokens_decoder}, and BERT's lower-casing as its
     * normalizer does it. For a Hugging Face folder, that folder is the one loaded, its files as they
     * were read then. Single-text and text-pair tasks both become {@code
     * ...ForSequenceClassification}, QA {@code ...ForQuestionAnswering}, multiple choice {@code
     * ...ForMultipleChoice}. What HF's folder cannot hold (a QA stride, QA post-processing, a
     * choice count) is not written.
     *
     * @param taskName the task to write
     * @param out the folder to create or fill; files of the same names there are replaced
     * @throws IllegalArgumentException if the model has no such task, the task's feature length
     *     exceeds the encoder's positions, or {@code out} is the folder the model was loaded from
     *     or inside it, links resolved (its files would be replaced by the ones read from them, an HF
     *     folder's {@code config.json} removed first) (nothing is written then)
     * @throws IllegalStateException if this model is closed
     * @throws IOException if writing fails, or naming the loaded folder's {@code tokenizer.json} and
     *     the token if that lacks a special token the family's HF tokenizer names or the mask token
     *     the folder names, or naming the folder's file whose {@code mask_token} is malformed
     *     (nothing is written then)
     */
    public synchronized void writeHuggingFace(String taskName, Path out) throws IOException {
        Objects.requireNonNull(out, "out");
        checkOpen();
        int t = indexOf(taskName);
        refuseOwnFolder(out);
        HfTaskFolder.write(model, t, manifest.tasks().get(t), hfTokenizer != null ? hfTokenizer
                : HfTokenizerConfig.Source.of(tokenizer), tokenizer.padId(), out);
    }

    /**
     * Refuses an export into the folder the model was read from, or a folder inside it (a saved
     * model's {@code encoder/}): an export replaces {@code config.json}, {@code model.safetensors}
     * and the tokenizer files there, removing the config first, so a failure midway left the
     * model's own folder without one, and a success replaced what the folder declared.
     */
    private void refuseOwnFolder(Path out) throws IOException {
        Path own = resolved(dir);
        Path target = resolved(out);
        if (target.startsWith(own)) {
            throw new IllegalArgumentException("HF export: " + out + (target.equals(own) ? " is" : " is inside")
                    + " the folder the model was loaded from, " + dir + ", whose files the export would replace;"
                    + " expected a folder outside it");
        }
    }

    /** The path with its links resolved as far as it exists, the rest as written. */
    private static Path resolved(Path p) throws IOException {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing == null ? abs : existing.toRealPath().resolve(existing.relativize(abs));
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
     * The model is not thread-safe ({@link MultiHeadModel}): while predictors of this object may run
     * on other threads, hold this object's lock ({@code synchronized (finetunedModel)}) around each
     * forward pass of one's own, as the predictors' forward passes and {@link #close} do; a forward
     * pass after the close is refused by the model.
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
        checkOpen();
        int t = indexOf(taskName);
        SavedTask task = manifest.tasks().get(t);
        return new TaskPredictor(this, model, tokenizer, t, task, TaskPredictor.DEFAULT_BATCH_SIZE,
                task.qaPostProcessor(), huggingFace);
    }

    private int indexOf(String taskName) {
        Objects.requireNonNull(taskName, "taskName");
        List<SavedTask> tasks = manifest.tasks();
        for (int t = 0; t < tasks.size(); t++) {
            if (tasks.get(t).name().equals(taskName)) {
                return t;
            }
        }
        throw new IllegalArgumentException("model " + dir + ": no task " + taskName + "; its tasks are "
                + manifest.taskNames());
    }

    /**
     * Runs one predictor call while this model stays open: {@link #close} waits for calls under way
     * to finish, and a call that starts after it is refused.
     *
     * @throws IllegalStateException if this model is closed
     */
    <T> T during(Supplier<T> call) {
        calls.readLock().lock();
        try {
            checkOpen();
            return call.get();
        } finally {
            calls.readLock().unlock();
        }
    }

    /**
     * Refuses work once closed: by the predictors under this object's lock before each forward
     * pass, and on entry to each call.
     */
    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("model " + dir + ": already closed; its predictors work while it is open");
        }
    }

    /**
     * Frees the model's parameters and the native tokenizer once the predictor calls under way on
     * other threads have finished (a server's shutdown lets its requests end); calls that start
     * later are refused. Later calls of this method do nothing.
     *
     * @throws IllegalStateException if called inside one of this model's predictor calls (from its
     *     {@code onRefused} consumer), which it would wait for forever
     */
    @Override
    public void close() {
        if (calls.getReadHoldCount() > 0) {
            // the read lock is not upgraded: the write lock would wait for this thread's own hold
            throw new IllegalStateException("model " + dir + ": close() called inside one of its predictor calls"
                    + " (from its onRefused consumer), which close would wait for forever; close the model after the"
                    + " call returns");
        }
        // the write lock before this object's: a call under way takes this object's for each batch
        calls.writeLock().lock();
        try {
            synchronized (this) {
                if (!closed) {
                    closed = true;
                    try {
                        model.close();
                    } finally {
                        tokenizer.close();
                    }
                }
            }
        } finally {
            calls.writeLock().unlock();
        }
    }
}
