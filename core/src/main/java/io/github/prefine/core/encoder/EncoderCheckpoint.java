package io.github.prefine.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.HostTensors;
import io.github.prefine.core.checkpoint.MalformedCheckpointException;
import io.github.prefine.core.checkpoint.PlainFolders;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and saves {@link TransformerEncoder}s as HF model folders; the ONE place where HF tensor
 * names meet the encoder's parameters.
 *
 * <p>HF keys are those of {@code BertModel}/{@code XLMRobertaModel.save_pretrained}, e.g.
 * {@code embeddings.word_embeddings.weight} or {@code encoder.layer.0.attention.self.query.weight};
 * on load they may also carry the {@code bert.} or {@code roberta.} prefix of HF task models. The
 * separate query, key and value tensors are concatenated into each layer's fused {@code qkv}
 * parameter on load and split again on save. Tensors that are not encoder parameters (pooler,
 * {@code lm_head}, {@code cls.*}, {@code classifier.*}, {@code qa_outputs.*}...) are logged at INFO
 * and returned in {@link LoadedCheckpoint#otherTensors()}.
 *
 * <p>Stateless and thread-safe. Arrays are created in the manager the caller passes.
 */
public final class EncoderCheckpoint {

    private static final Logger LOG = LoggerFactory.getLogger(EncoderCheckpoint.class);

    /** The config file of an HF model folder. */
    public static final String CONFIG_FILE = "config.json";

    /** The tokenizer file of an HF model folder. */
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private static final List<String> PREFIXES = List.of("bert.", "roberta.");

    /** The start of a layer tensor's name, after the prefix. */
    private static final String LAYER = "encoder.layer.";

    private EncoderCheckpoint() {}

    /** One HF tensor and where it lives in the encoder: a whole parameter or a third of a fused one. */
    private static final class Slot {
        final String key;
        final Parameter parameter;
        final long[] shape;
        /** -1 for a whole parameter; 0, 1, 2 for the query, key, value rows of a fused qkv. */
        final int part;
        /** The config member each dimension of {@link #shape} is read from, so a misfit can name it. */
        final String[] members;

        Slot(String key, Parameter parameter, int part, EncoderConfig config, String... members) {
            this.key = key;
            this.parameter = parameter;
            this.part = part;
            this.members = members;
            this.shape = new long[members.length];
            for (int d = 0; d < members.length; d++) {
                shape[d] = memberValue(config, members[d]);
            }
        }
    }

    /** The config members a tensor's shape is read from. */
    private static final String VOCAB = "vocab_size";
    private static final String HIDDEN = "hidden_size";
    private static final String INTERMEDIATE = "intermediate_size";
    private static final String POSITIONS = "max_position_embeddings";
    private static final String TYPES = "type_vocab_size";

    private static int memberValue(EncoderConfig c, String member) {
        switch (member) {
            case VOCAB: return c.vocabSize();
            case HIDDEN: return c.hiddenSize();
            case INTERMEDIATE: return c.intermediateSize();
            case POSITIONS: return c.maxPositionEmbeddings();
            case TYPES: return c.typeVocabSize();
            default: throw new IllegalArgumentException("no shape member " + member);
        }
    }

    /**
     * Where a slot's expected shape comes from, e.g. "config.json's vocab_size 512 and hidden_size
     * 32 expect [512, 32]": the shape alone left the user to guess that config.json, not the
     * weights, set it. {@code written} holds config.json's members, or is null for a config that
     * came from elsewhere; a member it lacks took its default.
     */
    private static String expectation(Slot slot, EncoderConfig config, Set<String> written) {
        List<String> parts = new ArrayList<>();
        for (String m : new LinkedHashSet<>(Arrays.asList(slot.members))) {
            String part = m + " " + memberValue(config, m);
            if (written != null && !written.contains(m)) {
                part += " (the default; config.json leaves it out)";
            }
            parts.add(part);
        }
        return (written == null ? "the config's " : CONFIG_FILE + "'s ") + String.join(" and ", parts)
                + (parts.size() == 1 ? " expects " : " expect ") + Arrays.toString(slot.shape);
    }

    /** One more than the highest layer index among the tensor names, with or without a prefix. */
    private static int layersHeld(Iterable<String> names) {
        int held = 0;
        for (String name : names) {
            String bare = name;
            for (String candidate : PREFIXES) {
                if (bare.startsWith(candidate)) {
                    bare = bare.substring(candidate.length());
                }
            }
            if (!bare.startsWith(LAYER)) {
                continue;
            }
            int end = bare.indexOf('.', LAYER.length());
            String index = bare.substring(LAYER.length(), end < 0 ? bare.length() : end);
            // a name outside the encoder's pattern is one of the others, which is not a layer
            if (!index.isEmpty() && index.length() < 10 && index.chars().allMatch(c -> c >= '0' && c <= '9')) {
                held = Math.max(held, Integer.parseInt(index) + 1);
            }
        }
        return held;
    }

    /** Lists every HF encoder key with its parameter, in HF module order. */
    private static List<Slot> slots(TransformerEncoder enc) {
        EncoderConfig c = enc.config();
        long h = c.hiddenSize();
        long i = c.intermediateSize();
        List<Slot> s = new ArrayList<>();
        EncoderEmbeddings e = enc.embeddings();
        s.add(new Slot("embeddings.word_embeddings.weight", e.wordEmbeddings, -1, c, VOCAB, HIDDEN));
        s.add(new Slot("embeddings.position_embeddings.weight", e.positionEmbeddings, -1, c, POSITIONS, HIDDEN));
        s.add(new Slot("embeddings.token_type_embeddings.weight", e.tokenTypeEmbeddings, -1, c, TYPES, HIDDEN));
        s.add(new Slot("embeddings.LayerNorm.weight", e.layerNormWeight, -1, c, HIDDEN));
        s.add(new Slot("embeddings.LayerNorm.bias", e.layerNormBias, -1, c, HIDDEN));
        String[] qkv = {"query", "key", "value"};
        for (int n = 0; n < enc.layers().size(); n++) {
            EncoderLayer l = enc.layers().get(n);
            String p = "encoder.layer." + n + ".";
            for (int part = 0; part < 3; part++) {
                s.add(new Slot(p + "attention.self." + qkv[part] + ".weight", l.attention.qkvWeight, part, c, HIDDEN, HIDDEN));
                s.add(new Slot(p + "attention.self." + qkv[part] + ".bias", l.attention.qkvBias, part, c, HIDDEN));
            }
            s.add(new Slot(p + "attention.output.dense.weight", l.attention.outputWeight, -1, c, HIDDEN, HIDDEN));
            s.add(new Slot(p + "attention.output.dense.bias", l.attention.outputBias, -1, c, HIDDEN));
            s.add(new Slot(p + "attention.output.LayerNorm.weight", l.attention.layerNormWeight, -1, c, HIDDEN));
            s.add(new Slot(p + "attention.output.LayerNorm.bias", l.attention.layerNormBias, -1, c, HIDDEN));
            s.add(new Slot(p + "intermediate.dense.weight", l.intermediateWeight, -1, c, INTERMEDIATE, HIDDEN));
            s.add(new Slot(p + "intermediate.dense.bias", l.intermediateBias, -1, c, INTERMEDIATE));
            s.add(new Slot(p + "output.dense.weight", l.outputWeight, -1, c, HIDDEN, INTERMEDIATE));
            s.add(new Slot(p + "output.dense.bias", l.outputBias, -1, c, HIDDEN));
            s.add(new Slot(p + "output.LayerNorm.weight", l.layerNormWeight, -1, c, HIDDEN));
            s.add(new Slot(p + "output.LayerNorm.bias", l.layerNormBias, -1, c, HIDDEN));
        }
        return s;
    }

    /**
     * Returns the HF keys of an encoder with this config, in HF module order, without prefix.
     *
     * @param config the config
     * @return the keys a bare-encoder checkpoint holds
     */
    public static List<String> hfKeys(EncoderConfig config) {
        List<String> keys = new ArrayList<>();
        for (Slot s : slots(TransformerEncoder.builder().setConfig(config).build())) {
            keys.add(s.key);
        }
        return keys;
    }

    /**
     * Loads a float32 encoder from an HF model folder ({@code config.json} plus
     * {@code model.safetensors} or a sharded index).
     *
     * @param modelDir the folder
     * @param manager the manager that will own the parameter arrays (normally the Model's)
     * @return the encoder and the checkpoint's other tensors
     * @throws MalformedCheckpointException if the config or weights are missing, corrupt,
     *     unsupported, or do not fit (listing every missing or wrong-shaped tensor)
     * @throws IOException if a file cannot be read
     */
    public static LoadedCheckpoint load(Path modelDir, NDManager manager) throws IOException {
        return load(modelDir, manager, DataType.FLOAT32);
    }

    /**
     * Loads an encoder from an HF model folder, converting weights to the compute dtype.
     *
     * @param modelDir the folder
     * @param manager the manager that will own the parameter arrays
     * @param dataType FLOAT32 or FLOAT16
     * @return the encoder and the checkpoint's other tensors
     * @throws MalformedCheckpointException if the config or weights are missing, corrupt,
     *     unsupported, or do not fit (a FLOAT16 load included: a weight beyond float16's largest
     *     finite value, 65504, is refused by name with its largest magnitude, not made infinite)
     * @throws IOException if a file cannot be read
     */
    public static LoadedCheckpoint load(Path modelDir, NDManager manager, DataType dataType) throws IOException {
        Objects.requireNonNull(modelDir, "modelDir");
        Path configFile = modelDir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new MalformedCheckpointException(modelDir, "model folder lacks " + CONFIG_FILE);
        }
        byte[] configBytes = Files.readAllBytes(configFile);
        String notUtf8 = JsonFiles.notUtf8(configBytes);
        if (notUtf8 != null) {
            throw new MalformedCheckpointException(configFile, notUtf8 + "; expected a JSON object in UTF-8");
        }
        EncoderConfig config;
        try {
            config = EncoderConfig.fromJson(new String(configBytes, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new MalformedCheckpointException(configFile, e.getMessage(), e);
        }
        // the members config.json writes, so that a misfit can tell them from defaults
        Set<String> written = new HashSet<>();
        for (Map.Entry<String, JsonElement> member : JsonParser.parseString(
                new String(configBytes, StandardCharsets.UTF_8)).getAsJsonObject().entrySet()) {
            if (!member.getValue().isJsonNull()) {
                written.add(member.getKey());
            }
        }
        try (SafetensorsReader reader = SafetensorsReader.open(modelDir)) {
            return fromTensors(config, reader.readAll(), manager, dataType, reader.source(), written);
        }
    }

    /**
     * Builds an encoder from tensors already in memory under HF names (the entry point for other
     * importers, e.g. ONNX).
     *
     * @param config the encoder config
     * @param tensors tensors by HF name, with or without the {@code bert.}/{@code roberta.}
     *     prefix; floating point (F32, F16, BF16, F64)
     * @param manager the manager that will own the parameter arrays
     * @param dataType FLOAT32 or FLOAT16
     * @param source the file named in error messages, or {@code null}
     * @return the encoder and the tensors it did not consume
     * @throws MalformedCheckpointException listing every missing, duplicated, wrong-shaped or
     *     non-float encoder tensor (nothing is allocated in that case), or naming a tensor with
     *     NaN or infinite values or, for FLOAT16, one beyond float16's range with its largest
     *     magnitude
     */
    public static LoadedCheckpoint fromTensors(
            EncoderConfig config, Map<String, HostTensor> tensors, NDManager manager, DataType dataType, Path source)
            throws MalformedCheckpointException {
        return fromTensors(config, tensors, manager, dataType, source, null);
    }

    /** {@link #fromTensors(EncoderConfig, Map, NDManager, DataType, Path)}; {@code written} as {@link #expectation}'s. */
    private static LoadedCheckpoint fromTensors(EncoderConfig config, Map<String, HostTensor> tensors, NDManager manager,
            DataType dataType, Path source, Set<String> written) throws MalformedCheckpointException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(manager, "manager");
        // before the encoder is built: a config's layer count builds that many layers, and a lying
        // one (2^31 - 1) ran out of memory there instead of being told from the tensors
        int layers = layersHeld(tensors.keySet());
        if (config.numHiddenLayers() > layers) {
            throw new MalformedCheckpointException(source, "the config's num_hidden_layers is " + config.numHiddenLayers()
                    + ", but the tensors hold " + layers + " layers" + (layers == 0 ? ""
                            : " (encoder.layer.0 to encoder.layer." + (layers - 1) + ")"));
        }
        TransformerEncoder enc = TransformerEncoder.builder().setConfig(config).optDataType(dataType).build();
        List<Slot> slots = slots(enc);
        Map<String, Slot> byKey = new LinkedHashMap<>();
        for (Slot s : slots) {
            byKey.put(s.key, s);
        }
        Map<String, HostTensor> found = new LinkedHashMap<>();
        Map<String, String> foundUnder = new LinkedHashMap<>();
        Map<String, HostTensor> others = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        String prefix = "";
        for (Map.Entry<String, HostTensor> e : new TreeMap<>(tensors).entrySet()) {
            String name = e.getKey();
            // TF-era names (the Hub's bert-base-uncased): HF renames LayerNorm.gamma/.beta on load
            String modern = name.endsWith("LayerNorm.gamma") ? name.substring(0, name.length() - 5) + "weight"
                    : name.endsWith("LayerNorm.beta") ? name.substring(0, name.length() - 4) + "bias" : name;
            String key = modern;
            String p = "";
            for (String candidate : PREFIXES) {
                if (modern.startsWith(candidate) && byKey.containsKey(modern.substring(candidate.length()))) {
                    key = modern.substring(candidate.length());
                    p = candidate;
                }
            }
            Slot slot = byKey.get(key);
            if (slot == null) {
                others.put(name, e.getValue());
                continue;
            }
            if (found.containsKey(key)) {
                problems.add(key + " appears twice, as " + foundUnder.get(key) + " and " + name);
                continue;
            }
            found.put(key, e.getValue());
            foundUnder.put(key, name);
            if (!p.isEmpty()) {
                prefix = p;
            }
            HostTensor t = e.getValue();
            if (!Arrays.equals(t.shape(), slot.shape)) {
                problems.add(name + " has shape " + Arrays.toString(t.shape()) + ", but " + expectation(slot, config, written));
            }
            if (!HostTensors.isWeight(t.dtype())) {
                problems.add(name + " " + HostTensors.notAWeight(t.dtype()));
            }
        }
        List<String> missing = new ArrayList<>();
        for (Slot s : slots) {
            if (!found.containsKey(s.key)) {
                missing.add(s.key);
            }
        }
        if (!missing.isEmpty()) {
            problems.add(missing.size() + " encoder tensors are missing: " + String.join(", ", missing));
        }
        if (!problems.isEmpty()) {
            String detail = problems.size() == 1
                    ? problems.get(0)
                    : problems.size() + " problems with the encoder tensors: " + String.join("; ", problems);
            throw new MalformedCheckpointException(source, detail);
        }
        List<String> strayEncoderKeys = new ArrayList<>();
        for (String name : others.keySet()) {
            String bare = name;
            for (String candidate : PREFIXES) {
                if (bare.startsWith(candidate)) {
                    bare = bare.substring(candidate.length());
                }
            }
            if ((bare.startsWith("embeddings.") || bare.startsWith("encoder.")) && !bare.endsWith("position_ids")) {
                strayEncoderKeys.add(name);
            }
        }
        if (!strayEncoderKeys.isEmpty()) {
            LOG.warn(
                    "{}: {} encoder-like tensors match no parameter of this config ({}) and were not used: {}",
                    source == null ? "tensors" : source.getFileName(), strayEncoderKeys.size(), config, strayEncoderKeys);
        }
        PretrainedPooler pooler;
        try {
            pooler = PretrainedPooler.find(others, prefix, config.hiddenSize(), source, manager);
            assignAll(enc, slots, found, foundUnder, manager, dataType, source);
        } catch (RuntimeException | MalformedCheckpointException e) {
            enc.close();
            throw e;
        }
        Set<String> unread = new TreeSet<>(others.keySet());
        if (pooler != null) {
            String p = PretrainedPooler.prefix(others, prefix);
            unread.removeAll(List.of(p + PretrainedPooler.WEIGHT, p + PretrainedPooler.BIAS));
        }
        if (!unread.isEmpty()) {
            // what the encoder did, not what the caller will: an HF task folder's head reads them, and says so
            LOG.info("{}: {} tensors are not encoder parameters; the encoder does not read them{} and hands them to"
                    + " its caller: {}", source == null ? "tensors" : source.getFileName(), unread.size(),
                    pooler == null ? "" : " (its pooler aside)", unread);
        }
        enc.markInitialized(manager);
        String bad = firstNonFinite(enc);
        if (bad != null) {
            enc.close();
            throw MalformedCheckpointException.nonFinite(source == null ? Path.of("tensors") : source, bad);
        }
        enc.setPretrainedPooler(pooler);
        return new LoadedCheckpoint(source, config, enc, prefix, others);
    }

    /** The name of the first parameter with a NaN or infinite value, or null. One host read each, at load time. */
    private static String firstNonFinite(TransformerEncoder enc) {
        for (ai.djl.util.Pair<String, Parameter> p : enc.getParameters()) {
            if (!HostTensors.allFinite(p.getValue().getArray())) {
                return p.getKey();
            }
        }
        return null;
    }

    private static void assignAll(TransformerEncoder enc, List<Slot> slots, Map<String, HostTensor> found,
            Map<String, String> foundUnder, NDManager manager, DataType dataType, Path source)
            throws MalformedCheckpointException {
        Map<Parameter, NDArray[]> fusedParts = new LinkedHashMap<>();
        try (NDManager scratch = manager.newSubManager()) {
            for (Slot s : slots) {
                HostTensor t = found.get(s.key);
                if (s.part < 0) {
                    NDArray value = HostTensors.toNDArray(t, manager, dataType);
                    Params.assign(s.parameter, value);
                    refuseOverflow(value, t, foundUnder.get(s.key), dataType, source, scratch);
                } else {
                    NDArray[] parts = fusedParts.computeIfAbsent(s.parameter, k -> new NDArray[3]);
                    parts[s.part] = HostTensors.toNDArray(t, scratch, dataType);
                    refuseOverflow(parts[s.part], t, foundUnder.get(s.key), dataType, source, scratch);
                    if (parts[0] != null && parts[1] != null && parts[2] != null) {
                        NDArray fused = NDArrays.concat(new NDList(parts), 0);
                        fused.attach(manager);
                        Params.assign(s.parameter, fused);
                    }
                }
            }
        }
    }

    /** float16's largest finite value; PyTorch's cast rounds a float32 from 65520 on in magnitude to infinity. */
    private static final float FLOAT16_MAX = 65504f;

    /**
     * Refuses a finite checkpoint tensor that its cast to float16 made infinite, naming it and its
     * largest magnitude: the diverged-run refusal that would otherwise catch the infinity blames
     * the checkpoint for what is a choice of dtype. One host read per tensor, at load time, and
     * only for float16 loads.
     */
    private static void refuseOverflow(NDArray converted, HostTensor t, String name, DataType dataType, Path source,
            NDManager scratch) throws MalformedCheckpointException {
        if (dataType != DataType.FLOAT16 || HostTensors.allFinite(converted)) {
            return;
        }
        try (NDArray wide = HostTensors.toNDArray(t, scratch, DataType.FLOAT32)) {
            if (!HostTensors.allFinite(wide)) {
                return; // NaN or infinite in the file: the diverged-run refusal below names it
            }
            float max = wide.abs().max().getFloat();
            throw new MalformedCheckpointException(source == null ? Path.of("tensors") : source, name
                    + " has values up to " + max + " in magnitude, beyond float16's largest finite value "
                    + (int) FLOAT16_MAX + " (the cast would make them infinite); load it in float32");
        }
    }

    /**
     * Copies an encoder's parameters to the host under HF names (F32, query/key/value split).
     *
     * @param encoder an initialized encoder; not modified
     * @param prefix prepended to every key: {@code ""} for a bare encoder, {@code "bert."} or
     *     {@code "roberta."} inside a task model
     * @return the tensors in HF module order
     * @throws IllegalStateException if a parameter's array was freed (its model or manager is
     *     closed), naming the parameter
     */
    public static List<HostTensor> toHostTensors(TransformerEncoder encoder, String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        long h = encoder.config().hiddenSize();
        List<HostTensor> out = new ArrayList<>();
        for (Slot s : slots(encoder)) {
            NDArray array = s.parameter.getArray();
            if (array.isReleased()) {
                // DJL would say only "Native resource has been released already."
                throw new IllegalStateException("encoder: its parameter " + prefix + s.key + " was freed (the model or"
                        + " manager that owned it is closed); save the encoder before closing its model");
            }
            if (s.part < 0) {
                out.add(HostTensors.toHost(prefix + s.key, array));
            } else {
                try (NDArray part = array.get(new NDIndex("{}:{}", s.part * h, (s.part + 1) * h))) {
                    out.add(HostTensors.toHost(prefix + s.key, part));
                }
            }
        }
        return out;
    }

    /**
     * Saves an encoder as an HF model folder: {@code config.json}, {@code model.safetensors} (F32,
     * the names {@code BertModel}/{@code XLMRobertaModel.save_pretrained} writes) and, when given,
     * a copy of {@code tokenizer.json}. An encoder loaded with a {@link
     * TransformerEncoder#pretrainedPooler()} writes that pooler too, unchanged, as {@code
     * pooler.dense.*}: the heads' poolers are theirs, and a later finetuning starts its new heads
     * from the one the encoder came with.
     *
     * @param encoder an initialized encoder; not modified
     * @param modelDir the folder, created if absent; existing files of the same names are replaced
     * @param tokenizerJson a {@code tokenizer.json} to copy, or {@code null}
     * @throws NoSuchFileException if {@code tokenizerJson} is not a file; nothing is
     *     written then
     * @throws IllegalStateException if the encoder's arrays were freed (its model or manager is
     *     closed: save before closing them); nothing is written then
     * @throws IOException if writing fails
     */
    public static void save(TransformerEncoder encoder, Path modelDir, Path tokenizerJson) throws IOException {
        save(encoder, modelDir, modelDir, tokenizerJson);
    }

    /**
     * Saves an encoder as {@link #save(TransformerEncoder, Path, Path)} does, into a folder below
     * one the user named (the grid's {@code --out}): the folders below {@code anchor} are entered
     * without following links and every file is written whole relative to the entered folder, so a
     * folder swapped for a symbolic link while the weights are written cannot redirect them.
     *
     * @param encoder an initialized encoder; not modified
     * @param anchor the folder the user named; links in it and above it are followed
     * @param modelDir the folder, the anchor or inside it, created if absent; existing files of the
     *     same names are replaced
     * @param tokenizerJson a {@code tokenizer.json} to copy, or {@code null}
     * @throws NoSuchFileException if {@code tokenizerJson} is not a file; nothing is
     *     written then
     * @throws java.nio.file.FileSystemException naming the link and its target if one is in place
     *     of a folder below the anchor
     * @throws IllegalStateException if the encoder's arrays were freed; nothing is written then
     * @throws IOException if writing fails otherwise
     */
    public static void save(TransformerEncoder encoder, Path anchor, Path modelDir, Path tokenizerJson)
            throws IOException {
        Objects.requireNonNull(encoder, "encoder");
        if (tokenizerJson != null && !Files.isRegularFile(tokenizerJson)) {
            // before any file is replaced: a folder must not mix this encoder's weights with what was there
            throw new NoSuchFileException(tokenizerJson.toString(), null, "no tokenizer.json to copy into " + modelDir);
        }
        // read before any folder is made: an encoder whose arrays were freed leaves nothing behind
        List<HostTensor> tensors = new ArrayList<>(toHostTensors(encoder, ""));
        // the pooler it was loaded with, unchanged: a later finetuning's heads start from it as
        // they would have from the original checkpoint
        encoder.pretrainedPooler().ifPresent(p -> {
            tensors.add(p.weight());
            tensors.add(p.bias());
        });
        PlainFolders.create(anchor, modelDir);
        // every file whole or absent, and config.json last: a folder with a config is complete,
        // whatever killed a writer or filled the disk
        SafetensorsWriter.write(anchor, modelDir.resolve(SafetensorsReader.MODEL_FILE), tensors,
                SafetensorsWriter.PT_METADATA);
        if (tokenizerJson != null) {
            Path target = modelDir.resolve(TOKENIZER_FILE);
            if (!(Files.exists(target) && Files.isSameFile(tokenizerJson, target))) {
                PlainFolders.write(anchor, target, Files.readAllBytes(tokenizerJson));
            }
        }
        AtomicFiles.write(anchor, modelDir.resolve(CONFIG_FILE), encoder.config().toJson());
        LOG.info("saved {} encoder to {}", encoder.config().modelType().modelType(), modelDir);
    }
}
