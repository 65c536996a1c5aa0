package io.github.prefine.examples.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.encoder.LoadedCheckpoint;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.hub.MiniLmArtifact;
import io.github.prefine.core.tokenize.Padding;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import io.github.prefine.eval.internal.JsonShapes;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code encode}: sentence embeddings from an encoder, and their cosine similarities.
 *
 * <p>The default model is the real all-MiniLM-L6-v2, imported from its Maven artifact, so the
 * command works on a machine that has reached nothing but Maven Central. Embeddings are the
 * encoder's last hidden states mean-pooled over the attention mask and L2-normalised, as
 * sentence-transformers computes them, on texts truncated where it truncates them: at its {@code
 * max_seq_length} (256 word pieces for MiniLM; a model folder's sentence_bert_config.json), else at
 * the model's maximum.
 */
@Command(
        name = "encode",
        mixinStandardHelpOptions = true,
        versionProvider = PrefineVersion.class,
        description = "Embed sentences with an HF-compatible encoder and print their cosine similarities.")
public final class EncodeCommand implements Callable<Integer> {

    static final List<String> DEFAULT_SENTENCES = List.of(
            "A man is playing a guitar.", "Someone plays an instrument.", "The stock market fell sharply.");

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--model",
            defaultValue = "minilm",
            description = "minilm (the Maven artifact), a local HF folder, or an HF model id (cache or Hub). Default: ${DEFAULT-VALUE}.")
    private String model;

    @Parameters(arity = "0..*", paramLabel = "SENTENCE", description = "Sentences to embed (default: three examples).")
    private List<String> sentences;

    /** Creates the command; picocli fills the fields. */
    public EncodeCommand() {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> texts = sentences == null || sentences.isEmpty() ? DEFAULT_SENTENCES : sentences;
        Path folder = modelFolder();
        try {
            return encode(out, texts, folder);
        } finally {
            if (OptionValues.is(model, EncoderOption.MINILM)) {
                MoreFiles.deleteRecursively(folder, RecursiveDeleteOption.ALLOW_INSECURE);
            }
        }
    }

    private int encode(PrintWriter out, List<String> texts, Path folder) throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                LoadedCheckpoint checkpoint = EncoderCheckpoint.load(folder, manager, DataType.FLOAT32);
                SubwordTokenizer tokenizer = SubwordTokenizer.builder()
                        .setTokenizerPath(folder.resolve(EncoderCheckpoint.TOKENIZER_FILE))
                        .optPadding(Padding.LONGEST)
                        .optMaxLength(maxLength(folder, checkpoint.config().maxSequenceLength()))
                        .build()) {
            List<TokenEncoding> encodings = tokenizer.encodeBatch(texts);
            float[][] embeddings = embed(checkpoint, encodings, manager);
            out.printf(Locale.ROOT, "model: %s (%s, hidden %d, %d layers)%n", model, checkpoint.config().modelType(),
                    checkpoint.config().hiddenSize(), checkpoint.config().numHiddenLayers());
            for (int i = 0; i < texts.size(); i++) {
                out.printf(Locale.ROOT, "[%d] %s  (%d tokens; first values %.4f %.4f %.4f)%n", i, texts.get(i),
                        encodings.get(i).unpaddedLength(), embeddings[i][0], embeddings[i][1], embeddings[i][2]);
            }
            out.println("cosine similarity:");
            for (int i = 0; i < texts.size(); i++) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "[%d]", i));
                for (int j = 0; j < texts.size(); j++) {
                    row.append(String.format(Locale.ROOT, " %7.3f", dot(embeddings[i], embeddings[j])));
                }
                out.println(row);
            }
        }
        return 0;
    }

    /** sentence-transformers' {@code max_seq_length} for all-MiniLM-L6-v2 (its sentence_bert_config.json). */
    static final int MINILM_MAX_SEQ_LENGTH = 256;

    /**
     * The length sentence-transformers truncates at: its {@code max_seq_length} (256 for MiniLM, or
     * from a folder's sentence_bert_config.json), within the model's own maximum.
     */
    private int maxLength(Path folder, int modelMax) throws IOException {
        if (OptionValues.is(model, EncoderOption.MINILM)) {
            return Math.min(modelMax, MINILM_MAX_SEQ_LENGTH);
        }
        Path config = folder.resolve("sentence_bert_config.json");
        if (!Files.isRegularFile(config)) {
            return modelMax;
        }
        String text = Files.readString(config);
        try {
            JsonElement v = JsonParser.parseString(text).getAsJsonObject().get("max_seq_length");
            if (v == null || v.isJsonNull()) {
                return modelMax;
            }
            // getAsInt read 128.5 as 128; a long keeps a huge length from wrapping before the min
            long length = JsonShapes.wholeLong(v, "max_seq_length",
                    (at, expected, found) -> new IllegalArgumentException(found));
            if (length < 1) {
                // no room for a token: the tokenizer's refusal would not name this file
                throw new IllegalArgumentException(v.toString());
            }
            return (int) Math.min(modelMax, length);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(config + ": expected a JSON object whose max_seq_length is a whole"
                    + " number of at least 1, found '" + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + "'");
        }
    }

    private Path modelFolder() throws Exception {
        OptionChecks.notBlank("--model", model, "minilm, a local HF folder or an HF model id");
        if (OptionValues.is(model, EncoderOption.MINILM)) {
            Path dir = Files.createTempDirectory("prefine-minilm");
            MiniLmArtifact.fromClasspath().writeHfFolder(dir);
            return dir;
        }
        return EncoderOption.resolveFolderOrHub(model).folder();
    }

    /** Mean-pools the last hidden states over the mask and L2-normalises each row. */
    static float[][] embed(LoadedCheckpoint checkpoint, List<TokenEncoding> encodings, NDManager parent) {
        int batch = encodings.size();
        int len = encodings.get(0).length();
        long[] ids = new long[batch * len];
        long[] mask = new long[batch * len];
        long[] types = new long[batch * len];
        for (int b = 0; b < batch; b++) {
            TokenEncoding e = encodings.get(b);
            for (int t = 0; t < len; t++) {
                ids[b * len + t] = e.ids()[t];
                mask[b * len + t] = e.attentionMask()[t];
                types[b * len + t] = e.typeIds()[t];
            }
        }
        try (NDManager step = parent.newSubManager()) {
            Shape shape = new Shape(batch, len);
            NDArray maskArray = step.create(mask, shape);
            NDList out = checkpoint.encoder().forward(new ParameterStore(step, false),
                    new NDList(step.create(ids, shape), maskArray, step.create(types, shape)), false);
            NDArray m = maskArray.toType(DataType.FLOAT32, false).expandDims(2);
            NDArray pooled = out.singletonOrThrow().mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}));
            NDArray normed = pooled.div(pooled.norm(new int[] {1}, true));
            float[] flat = normed.toFloatArray();
            int hidden = (int) normed.getShape().get(1);
            float[][] rows = new float[batch][hidden];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(flat, b * hidden, rows[b], 0, hidden);
            }
            return rows;
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
