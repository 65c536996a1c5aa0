package io.github.prefine.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.HostTensors;
import io.github.prefine.core.checkpoint.MalformedCheckpointException;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import io.github.prefine.core.model.internal.TensorArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MultiHeadModel}'s folder on disk: writing the encoder, the heads and the manifest, and
 * reading tensors back into the model's parameters. The model's public {@code save},
 * {@code saveEncoder}, {@code loadParameters} and {@code setValues} delegate here, after checking
 * that the model is open.
 *
 * <p>Stateless. Arrays read from files live in a sub-manager of the model's manager that is closed
 * before a load returns; the values are copied into the parameters' own arrays.
 */
final class ModelFiles {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFiles.class);
    private static final String MANIFEST = "prefine-model.json";
    private static final String HEADS_FILE = "heads.safetensors";
    private static final String ENCODER_FILE = "encoder.safetensors";

    private ModelFiles() {}

    /** See {@link MultiHeadModel#saveEncoder}. */
    static void saveEncoder(MultiHeadModel model, Path dir, EncoderWriter writer) throws IOException {
        writer.write(model.encoder(), dir);
    }

    /** See {@link MultiHeadModel#save}. */
    static void save(MultiHeadModel model, Path dir, EncoderWriter writer) throws IOException {
        Files.createDirectories(dir);
        // the manifest vouches for the files beside it: gone while they are replaced and written
        // last, so a save that fails or is killed midway leaves no earlier manifest over a mix of
        // this model's tensors and the earlier one's, which loadParameters then refuses
        Files.deleteIfExists(dir.resolve(MANIFEST));
        if (writer != null) {
            writer.write(model.encoder(), dir.resolve("encoder"));
            // loadParameters reads an encoder.safetensors whenever there is one: a stale one from an
            // earlier save without a writer would replace the encoder written here
            Files.deleteIfExists(dir.resolve(ENCODER_FILE));
        } else {
            writeSafetensors(dir.resolve(ENCODER_FILE), model.encoderParameters());
        }
        List<NamedParameter> hp = new ArrayList<>();
        for (int t = 0; t < model.numTasks(); t++) {
            hp.addAll(model.headParameters(t));
        }
        writeSafetensors(dir.resolve(HEADS_FILE), hp);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", "prefine-multi-head-model/1");
        manifest.put("hiddenSize", model.hiddenSize());
        manifest.put("taskLossWeighting", model.taskLossWeighting().name());
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (int t = 0; t < model.numTasks(); t++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", model.taskNames().get(t));
            m.put("numLabels", model.head(t).numLabels());
            m.put("headType", model.head(t).block().getClass().getName());
            tasks.add(m);
        }
        manifest.put("tasks", tasks);
        manifest.put("encoder", writer != null ? "encoder/" : ENCODER_FILE);
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        AtomicFiles.write(dir.resolve(MANIFEST), gson.toJson(manifest));
    }

    /** See {@link MultiHeadModel#loadParameters}. */
    static void loadParameters(MultiHeadModel model, Path dir) throws IOException {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new MalformedCheckpointException(manifest, "is missing; expected the manifest that"
                    + " MultiHeadModel.save writes after the tensors, so a folder without it is no saved model or"
                    + " one whose save did not finish (its tensors may mix two models): save the model again");
        }
        Set<String> wanted = new LinkedHashSet<>();
        try (NDManager tmp = model.getManager().newSubManager()) {
            Map<String, Shape> heads = new LinkedHashMap<>();
            for (int t = 0; t < model.numTasks(); t++) {
                model.headParameters(t).forEach(p -> heads.put(p.key(), p.parameter().getArray().getShape()));
            }
            Map<String, NDArray> values = new LinkedHashMap<>();
            // a task the manifest no longer lists: the folder alone was named, as of a parameter
            values.putAll(readPart(dir.resolve(HEADS_FILE), tmp, heads, "no head of this model's tasks "
                    + model.taskNames()));
            wanted.addAll(heads.keySet());
            Path enc = dir.resolve(ENCODER_FILE);
            if (Files.exists(enc)) {
                Map<String, Shape> encoder = new LinkedHashMap<>();
                model.encoderParameters().forEach(p -> encoder.put(p.key(), p.parameter().getArray().getShape()));
                values.putAll(readPart(enc, tmp, encoder, "no parameter of this model's encoder"));
                wanted.addAll(encoder.keySet());
            }
            setValues(model, values, wanted, dir.toString());
        }
    }

    private static void writeSafetensors(Path file, List<NamedParameter> params) throws IOException {
        List<HostTensor> ts = new ArrayList<>(params.size());
        for (NamedParameter p : params) {
            ts.add(HostTensors.toHost(p.key(), p.parameter().getArray()));
        }
        SafetensorsWriter.write(file, ts);
    }

    /**
     * Reads one file of a saved folder, which must hold its part's tensors, each of its
     * parameter's shape, and no other: checked here, where the file is known, as a tensor whose
     * name a corrupt byte changed was told missing from the folder, not from the file that lost
     * it, and a shape or a stray tensor of the encoder's file was told of the folder alone.
     *
     * @param part each key of the part to its parameter's shape
     * @param belongsTo what a tensor outside the part belongs to, for the message
     */
    private static Map<String, NDArray> readPart(Path file, NDManager m, Map<String, Shape> part, String belongsTo)
            throws IOException {
        Map<String, NDArray> values = readSafetensors(file, m);
        for (String k : part.keySet()) {
            if (!values.containsKey(k)) {
                throw new MalformedCheckpointException(file, "tensor " + k + " is missing");
            }
        }
        for (Map.Entry<String, NDArray> e : values.entrySet()) {
            Shape expected = part.get(e.getKey());
            if (expected == null) {
                throw new MalformedCheckpointException(file, "tensor " + e.getKey() + " belongs to " + belongsTo);
            }
            if (!expected.equals(e.getValue().getShape())) {
                throw new MalformedCheckpointException(file, "tensor " + e.getKey() + " has shape "
                        + e.getValue().getShape() + ", expected " + expected);
            }
        }
        return values;
    }

    private static Map<String, NDArray> readSafetensors(Path file, NDManager m) throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            for (Map.Entry<String, HostTensor> e : r.readAll().entrySet()) {
                if (!HostTensors.isWeight(e.getValue().dtype())) {
                    throw new MalformedCheckpointException(file, "tensor " + e.getKey() + " "
                            + HostTensors.notAWeight(e.getValue().dtype()));
                }
                NDArray a = HostTensors.toNDArray(e.getValue(), m, DataType.FLOAT32);
                if (!HostTensors.allFinite(a)) {
                    // refused before any value is set, as EncoderCheckpoint.load refuses a diverged encoder
                    throw MalformedCheckpointException.nonFinite(file, e.getKey());
                }
                out.put(e.getKey(), a);
            }
        }
        return out;
    }

    /** See {@link MultiHeadModel#setValues}. */
    static void setValues(MultiHeadModel model, Map<String, NDArray> values, Set<String> required, String source)
            throws IOException {
        Map<String, NamedParameter> byKey = new LinkedHashMap<>();
        for (NamedParameter p : model.parameters()) {
            byKey.put(p.key(), p);
        }
        for (String k : required) {
            if (!values.containsKey(k)) {
                throw new IOException(source + ": tensor " + k + " is missing");
            }
        }
        // every key, shape and dtype checked, and every value converted, before any value is copied:
        // a refusal leaves the model as it was
        Map<String, NDArray> converted = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, NDArray> e : values.entrySet()) {
                NamedParameter p = byKey.get(e.getKey());
                if (p == null) {
                    throw new IOException(source + ": tensor " + e.getKey() + " matches no parameter of this model");
                }
                NDArray target = p.parameter().getArray();
                NDArray value = e.getValue();
                if (!target.getShape().equals(value.getShape())) {
                    throw new IOException(source + ": " + e.getKey() + " has shape " + value.getShape()
                            + ", expected " + target.getShape());
                }
                if (value.getDataType().isFloating() && !HostTensors.allFinite(value)) {
                    // as loadParameters' read and EncoderCheckpoint.load refuse a diverged run's weights
                    throw new IOException(source + ": " + e.getKey() + " holds NaN or infinite values,"
                            + " expected finite weights");
                }
                if (value.getDataType() != target.getDataType()) {
                    converted.put(e.getKey(), convert(e.getKey(), value, target.getDataType(), source));
                }
            }
            for (Map.Entry<String, NDArray> e : values.entrySet()) {
                NDArray value = converted.getOrDefault(e.getKey(), e.getValue());
                TensorArchive.copyInto(value, byKey.get(e.getKey()).parameter().getArray());
            }
        } finally {
            converted.values().forEach(NDArray::close);
        }
        LOG.debug("loaded {} tensors from {}", values.size(), source);
    }

    /**
     * A floating-point value in another floating dtype: files hold float32 (a float16 encoder's
     * weights widened, exactly), narrowed to the parameter's dtype as EncoderCheckpoint.load narrows
     * an HF checkpoint's. A value that narrows to infinity is refused, as a non-finite weight is.
     */
    private static NDArray convert(String key, NDArray value, DataType dtype, String source) throws IOException {
        if (!value.getDataType().isFloating() || !dtype.isFloating()) {
            throw new IOException(source + ": " + key + " has dtype " + value.getDataType() + ", expected " + dtype);
        }
        NDArray narrowed = value.toType(dtype, true);
        // the value is finite (checked before): an infinite result is an overflow
        if (!HostTensors.allFinite(narrowed)) {
            narrowed.close();
            throw new IOException(source + ": " + key + " has values outside " + dtype + "'s range"
                    + " (they would become infinite), expected finite " + dtype + " weights");
        }
        return narrowed;
    }
}
