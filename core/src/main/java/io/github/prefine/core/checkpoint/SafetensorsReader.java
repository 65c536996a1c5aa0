package io.github.prefine.core.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads tensors from a <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * checkpoint: one {@code model.safetensors} file or a sharded set described by
 * {@code model.safetensors.index.json}.
 *
 * <p>The header of every file is parsed and fully validated when the reader opens (standard JSON
 * in UTF-8, dtype known, offsets matching the shape and back to back from the data section's start
 * to the file's end, without overlap or hole, {@code __metadata__} values strings), as the
 * reference reader validates it, so a corrupt file fails before any tensor is used. A sharded
 * index and its shards must agree both ways: every tensor the index lists is in the shard it names,
 * and every tensor a shard holds is listed for that shard, and no shard of the series beside the
 * index ({@code model-00003-of-00003.safetensors}) goes unnamed, so none is passed over. Tensor data is
 * then memory-mapped, never read into one {@code byte[]}: the data section of a file in one mapping
 * where it is under 2 GiB, else one tensor region at a time, so files over 2 GiB work; a single
 * tensor must stay under 2 GiB.
 *
 * <p>Resources: the reader holds open file channels and must be closed (try-with-resources). It
 * holds no native NDArray memory. The {@link HostTensor}s it returns are read-only views of
 * mapped file regions that stay valid after the reader closes (the mapping lives until the buffer
 * is garbage collected); do not modify the file while they are in use. Not thread-safe.
 *
 * <p>A {@code pytorch_model.bin} (Python pickle), single or sharded, is refused: unpickling can
 * execute arbitrary code, and the message explains how to convert it.
 */
public final class SafetensorsReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SafetensorsReader.class);

    /** The standard single-file checkpoint name written by HF {@code save_pretrained}. */
    public static final String MODEL_FILE = "model.safetensors";

    /** The index of a sharded checkpoint. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    /**
     * Headers beyond this size are rejected as corrupt rather than allocated: Hugging Face's
     * safetensors refuses a header of more than 100,000,000 bytes (its {@code MAX_HEADER_SIZE}).
     */
    private static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The single-file pickle checkpoint of HF; sharded, its index adds {@code .index.json}. */
    private static final String PICKLE_FILE = "pytorch_model.bin";

    /** HF's shard names, {@code PREFIX-00001-of-00003.safetensors}: prefix, number, count. */
    private static final Pattern SHARD_NAME = Pattern.compile("(.+)-(\\d+)-of-(\\d+)\\.safetensors");

    private static final String PICKLE_ADVICE = "unpickling can execute arbitrary code on load."
            + " Convert it to safetensors first, e.g. in Python:"
            + " AutoModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)";

    private final Path source;
    private final List<Shard> shards;
    /** Tensor name to its entry, sorted by name for a defined iteration order. */
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;
    private boolean closed;

    private SafetensorsReader(Path source, List<Shard> shards, Map<String, Entry> entries, Map<String, String> metadata) {
        this.source = source;
        this.shards = shards;
        this.entries = entries;
        this.metadata = metadata;
    }

    /**
     * Opens a checkpoint and validates all its headers.
     *
     * @param path a {@code .safetensors} file, a {@code model.safetensors.index.json} (or a
     *     variant's, {@code model.safetensors.index.fp16.json}: any {@code .json} is read as an
     *     index), or a folder holding {@code model.safetensors} or {@code model.safetensors.index.json}
     * @return the open reader
     * @throws MalformedCheckpointException if a file is corrupt, a pickle checkpoint, or absent
     *     from a folder
     * @throws IOException if a file cannot be read
     */
    public static SafetensorsReader open(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        Path file = path;
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve(MODEL_FILE))) {
                file = path.resolve(MODEL_FILE);
            } else if (Files.isRegularFile(path.resolve(INDEX_FILE))) {
                file = path.resolve(INDEX_FILE);
            } else if (Files.isRegularFile(path.resolve(PICKLE_FILE))) {
                throw pickleRefusal(path.resolve(PICKLE_FILE));
            } else if (Files.isRegularFile(path.resolve(PICKLE_FILE + ".index.json"))) {
                throw pickleRefusal(path.resolve(PICKLE_FILE + ".index.json"));
            } else {
                throw new MalformedCheckpointException(
                        path, "folder holds neither " + MODEL_FILE + " nor " + INDEX_FILE);
            }
        }
        String name = String.valueOf(file.getFileName());
        // a variant's index is named pytorch_model.bin.index.fp16.json, model.safetensors.index.fp16.json
        if (isPickle(name) || name.endsWith(".json") && name.contains(".bin.index.")) {
            throw pickleRefusal(file);
        }
        if (!Files.isRegularFile(file)) {
            throw new MalformedCheckpointException(file, "no such file");
        }
        // no safetensors file is named .json: read as the index it is, or refused as no index
        if (name.endsWith(".json")) {
            return openSharded(file);
        }
        Shard shard = Shard.open(file);
        try {
            Map<String, Entry> entries = new TreeMap<>();
            for (Entry e : shard.entries) {
                entries.put(e.name, e);
            }
            return new SafetensorsReader(file, List.of(shard), Collections.unmodifiableMap(entries), shard.metadata);
        } catch (RuntimeException e) {
            shard.close();
            throw e;
        }
    }

    private static SafetensorsReader openSharded(Path index) throws IOException {
        byte[] bytes = Files.readAllBytes(index);
        String notUtf8 = JsonFiles.notUtf8(bytes);
        if (notUtf8 != null) {
            throw new MalformedCheckpointException(index, notUtf8 + "; expected a JSON object in UTF-8");
        }
        JsonObject root;
        try {
            root = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new MalformedCheckpointException(index, "index is not a JSON object: " + e.getMessage(), e);
        }
        JsonElement mapEl = root.get("weight_map");
        if (mapEl == null || !mapEl.isJsonObject()) {
            throw new MalformedCheckpointException(index, "index has no \"weight_map\" object; expected a safetensors"
                    + " file (.safetensors) or the index of a sharded one ({\"weight_map\": {tensor: shard file}})");
        }
        Map<String, String> weightMap = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : mapEl.getAsJsonObject().entrySet()) {
            if (!e.getValue().isJsonPrimitive()) {
                throw new MalformedCheckpointException(index, "weight_map entry " + e.getKey() + " is not a file name");
            }
            weightMap.put(e.getKey(), e.getValue().getAsString());
        }
        Map<String, Shard> byFile = new LinkedHashMap<>();
        Map<String, Entry> entries = new TreeMap<>();
        try {
            for (String fileName : new TreeSet<>(weightMap.values())) {
                if (fileName.contains("/") || fileName.contains("\\") || fileName.equals("..")) {
                    throw new MalformedCheckpointException(index, "shard " + fileName + " lies outside the folder");
                }
                Path shardPath;
                try {
                    shardPath = index.resolveSibling(fileName);
                } catch (InvalidPathException e) {
                    // a NUL, say, which the JDK refuses naming neither the index nor the tensor
                    throw new MalformedCheckpointException(index, "shard " + JsonShapes.describe(new JsonPrimitive(fileName))
                            + " is not a file name: " + e.getReason() + "; expected the name of a file beside the index");
                }
                if (isPickle(fileName)) {
                    throw new MalformedCheckpointException(index, "shard " + fileName + " is a PyTorch pickle checkpoint;"
                            + " refusing to read it: " + PICKLE_ADVICE);
                }
                if (!Files.isRegularFile(shardPath)) {
                    List<String> named = new ArrayList<>();
                    weightMap.forEach((tensor, shard) -> {
                        if (shard.equals(fileName)) {
                            named.add(tensor);
                        }
                    });
                    throw new MalformedCheckpointException(index, "shard " + fileName + " is missing; expected it beside"
                            + " the index, which names it for " + named.size() + (named.size() == 1 ? " tensor (" : " tensors (")
                            + named.get(0) + (named.size() == 1 ? ")" : ", ...)"));
                }
                byFile.put(fileName, Shard.open(shardPath));
            }
            requireWholeSeries(index, byFile.keySet());
            // index and shards must agree both ways: a tensor the index does not place in the shard
            // holding it (a stale head, a copy in two shards) was passed over with an INFO line
            Map<String, String> heldBy = new TreeMap<>();
            for (Map.Entry<String, Shard> s : byFile.entrySet()) {
                for (Entry entry : s.getValue().entries) {
                    heldBy.putIfAbsent(entry.name, s.getKey());
                }
            }
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                Shard shard = byFile.get(e.getValue());
                Entry entry = shard.find(e.getKey());
                if (entry == null) {
                    String elsewhere = heldBy.get(e.getKey());
                    throw new MalformedCheckpointException(shard.path, INDEX_FILE + " lists tensor " + e.getKey()
                            + " in this shard, but its header lacks it" + (elsewhere == null ? "" : " (" + elsewhere
                                    + " holds it)") + "; expected the shard to hold every tensor the index names for it");
                }
                entries.put(e.getKey(), entry);
            }
            for (Map.Entry<String, Shard> s : byFile.entrySet()) {
                for (Entry entry : s.getValue().entries) {
                    String listed = weightMap.get(entry.name);
                    if (!s.getKey().equals(listed)) {
                        throw new MalformedCheckpointException(s.getValue().path, "holds tensor " + entry.name + ", which "
                                + INDEX_FILE + (listed == null ? " does not list; expected the index's weight_map to name"
                                        + " every tensor of its shards (a shard or the index left from another save?)"
                                        : " lists in " + listed + "; expected each tensor in one shard only"));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            for (Shard s : byFile.values()) {
                s.close();
            }
            throw e;
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonElement md = root.get("metadata");
        if (md != null && md.isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : md.getAsJsonObject().entrySet()) {
                metadata.put(e.getKey(), e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : e.getValue().toString());
            }
        }
        return new SafetensorsReader(
                index, List.copyOf(byFile.values()), Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
    }

    /**
     * Refuses a shard beside the index that belongs to the series of one it names (HF's {@code
     * model-00003-of-00003.safetensors} next to {@code model-00001-of-00003.safetensors}) but that
     * the index does not name: its tensors would be passed over, as an index left from another save
     * or cut short has it.
     */
    private static void requireWholeSeries(Path index, Set<String> named) throws IOException {
        // prefix and count of each series, to the first shard the index names in it
        Map<String, String> series = new TreeMap<>();
        for (String name : new TreeSet<>(named)) {
            Matcher m = SHARD_NAME.matcher(name);
            if (m.matches()) {
                series.putIfAbsent(m.group(1) + "\0" + m.group(3), name);
            }
        }
        if (series.isEmpty()) {
            return;
        }
        Path folder = index.toAbsolutePath().getParent();
        Map<String, String> unnamed = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                Matcher m = SHARD_NAME.matcher(name);
                String sibling = m.matches() ? series.get(m.group(1) + "\0" + m.group(3)) : null;
                if (sibling != null && !named.contains(name) && Files.isRegularFile(f)) {
                    unnamed.put(name, sibling);
                }
            }
        }
        if (!unnamed.isEmpty()) {
            Map.Entry<String, String> first = unnamed.entrySet().iterator().next();
            throw new MalformedCheckpointException(index, "names no tensor in " + String.join(", ", unnamed.keySet())
                    + " beside it, of the same series of shards as " + first.getValue() + "; expected the index to"
                    + " name every shard of its series (an index cut short or left from another save?)");
        }
    }

    private static boolean isPickle(String name) {
        return name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".ckpt");
    }

    private static MalformedCheckpointException pickleRefusal(Path file) {
        return new MalformedCheckpointException(file, "refusing to read a PyTorch pickle checkpoint: " + PICKLE_ADVICE);
    }

    /**
     * Returns the file this reader was opened on (the safetensors file or the index).
     *
     * @return the path
     */
    public Path source() {
        return source;
    }

    /**
     * Returns the tensor names, sorted.
     *
     * @return an unmodifiable, sorted list of names
     */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /**
     * Tells whether a tensor is present.
     *
     * @param name the tensor name
     * @return true if the checkpoint holds it
     */
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /**
     * Returns the {@code __metadata__} of the header (of the index for sharded checkpoints).
     *
     * @return an unmodifiable map, empty when absent
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Returns the dtype of a tensor without mapping its data.
     *
     * @param name the tensor name
     * @return the dtype
     * @throws IllegalArgumentException if there is no such tensor
     */
    public HostTensor.DType dtype(String name) {
        return entry(name).dtype;
    }

    /**
     * Returns the shape of a tensor without mapping its data.
     *
     * @param name the tensor name
     * @return a copy of the shape
     * @throws IllegalArgumentException if there is no such tensor
     */
    public long[] shape(String name) {
        return entry(name).shape.clone();
    }

    /**
     * Maps one tensor's bytes, in the dtype of the file.
     *
     * @param name the tensor name
     * @return the tensor, a read-only view of the mapped region
     * @throws IOException if the region cannot be mapped
     * @throws IllegalArgumentException if there is no such tensor
     * @throws IllegalStateException if the reader is closed
     */
    public HostTensor read(String name) throws IOException {
        if (closed) {
            throw new IllegalStateException("reader of " + source + " is closed");
        }
        Entry e = entry(name);
        return new HostTensor(name, e.dtype, e.shape, e.shard.map(e));
    }

    /**
     * Maps every tensor.
     *
     * @return tensors by name, sorted by name
     * @throws IOException if a region cannot be mapped
     */
    public Map<String, HostTensor> readAll() throws IOException {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (String name : entries.keySet()) {
            out.put(name, read(name));
        }
        return out;
    }

    private Entry entry(String name) {
        Entry e = entries.get(Objects.requireNonNull(name, "name"));
        if (e == null) {
            throw new IllegalArgumentException(source.getFileName() + ": no tensor named " + name);
        }
        return e;
    }

    /** Closes the file channels; idempotent. Tensors already read stay valid. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Shard s : shards) {
            s.close();
        }
    }

    /** One header entry. */
    private static final class Entry {
        final String name;
        final HostTensor.DType dtype;
        final long[] shape;
        final long begin;
        final long end;
        final Shard shard;

        Entry(String name, HostTensor.DType dtype, long[] shape, long begin, long end, Shard shard) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.begin = begin;
            this.end = end;
            this.shard = shard;
        }
    }

    /** One safetensors file with its parsed, validated header. */
    private static final class Shard {
        final Path path;
        final FileChannel channel;
        final long dataStart;
        final List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = Map.of();
        /** The data section, mapped once at the first read where it fits in one buffer. */
        private ByteBuffer section;
        /** True when the tensors span more than one buffer can: each is then mapped alone. */
        private boolean perTensor;

        private Shard(Path path, FileChannel channel, long dataStart) {
            this.path = path;
            this.channel = channel;
            this.dataStart = dataStart;
        }

        static Shard open(Path path) throws IOException {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
            try {
                return parse(path, ch);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }

        private static Shard parse(Path path, FileChannel ch) throws IOException {
            long size = ch.size();
            if (size < 8) {
                throw new MalformedCheckpointException(
                        path, "file of " + size + " bytes is shorter than the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(path, ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 0 || headerLen > size - 8) {
                throw new MalformedCheckpointException(
                        path, "header length " + Long.toUnsignedString(headerLen) + " goes beyond the file of " + size + " bytes");
            }
            if (headerLen > MAX_HEADER_BYTES) {
                throw new MalformedCheckpointException(
                        path, "header length " + headerLen + " exceeds the " + MAX_HEADER_BYTES + " bytes a header may have");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(path, ch, headerBuf, 8);
            // the reference reader takes the header as str: a byte that is not UTF-8 is refused, not replaced
            String notUtf8 = JsonFiles.notUtf8(headerBuf.array());
            if (notUtf8 != null) {
                throw new MalformedCheckpointException(path, "header " + notUtf8 + "; expected a JSON header in UTF-8,"
                        + " its bytes counted from the end of the 8-byte length");
            }
            String headerText = new String(headerBuf.array(), StandardCharsets.UTF_8);
            JsonObject header;
            try {
                // standard JSON, as serde_json reads it: Gson's lenient default takes unquoted names and comments
                JsonReader reader = new JsonReader(new StringReader(headerText));
                reader.setStrictness(Strictness.STRICT);
                JsonElement parsed = JsonParser.parseReader(reader);
                if (reader.peek() != JsonToken.END_DOCUMENT) {
                    throw new JsonParseException("more text after the JSON value");
                }
                if (!parsed.isJsonObject()) {
                    // Gson reads a blank text as null
                    throw new MalformedCheckpointException(path, "header is not a JSON object, found "
                            + (headerText.isBlank() ? "no text" : kind(parsed)));
                }
                header = parsed.getAsJsonObject();
            } catch (MalformedCheckpointException e) {
                throw e;
            } catch (JsonParseException | IOException e) {
                throw new MalformedCheckpointException(path, "header is not parsable JSON: " + e.getMessage(), e);
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Shard shard = new Shard(path, ch, dataStart);
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    shard.metadata = parseMetadata(path, e.getValue());
                    continue;
                }
                shard.entries.add(parseEntry(path, e.getKey(), e.getValue(), shard));
            }
            // offsets, sorted as the reference reader sorts them: back to back from 0, no overlap and no
            // hole (the format's rule against polyglot files), the last ending where the file does
            List<Entry> byBegin = new ArrayList<>(shard.entries);
            byBegin.sort(Comparator.comparingLong((Entry x) -> x.begin).thenComparingLong(x -> x.end));
            Entry prev = null;
            long end = 0;
            for (Entry cur : byBegin) {
                if (prev != null && cur.begin < prev.end && cur.end > cur.begin) {
                    throw new MalformedCheckpointException(
                            path, "tensor " + cur.name + " at [" + cur.begin + ", " + cur.end + ") overlaps tensor "
                                    + prev.name + " at [" + prev.begin + ", " + prev.end + ")");
                }
                if (cur.end > dataLen) {
                    throw new MalformedCheckpointException(
                            path, "truncated: tensor " + cur.name + " ends at byte " + cur.end
                                    + " of the data section, but only " + dataLen + " bytes follow the header");
                }
                if (cur.begin != end) {
                    throw new MalformedCheckpointException(path, "tensor " + cur.name + " begins at byte " + cur.begin
                            + " of the data section, but the tensors before it end at byte " + end + "; expected the"
                            + " tensors back to back from byte 0, without holes, as the safetensors format has them");
                }
                if (cur.end > cur.begin) {
                    prev = cur;
                }
                end = cur.end;
            }
            if (end != dataLen) {
                throw new MalformedCheckpointException(path, "the data section holds " + dataLen + " bytes, but its"
                        + " tensors end at byte " + end + "; expected the file to end with its last tensor, as the"
                        + " safetensors format has it");
            }
            return shard;
        }

        private static Map<String, String> parseMetadata(Path path, JsonElement el) throws MalformedCheckpointException {
            if (el.isJsonNull()) {
                return Map.of();
            }
            if (!el.isJsonObject()) {
                throw new MalformedCheckpointException(path, "__metadata__ is not a JSON object, found " + kind(el));
            }
            Map<String, String> md = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : el.getAsJsonObject().entrySet()) {
                JsonElement v = e.getValue();
                // the reference reader's HashMap<String, String>: a number or an object is refused there
                if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                    throw new MalformedCheckpointException(path, "__metadata__ entry " + e.getKey() + " is "
                            + JsonShapes.describe(v) + "; expected a string, as the safetensors format's metadata maps"
                            + " strings to strings");
                }
                md.put(e.getKey(), v.getAsString());
            }
            return Collections.unmodifiableMap(md);
        }

        private static Entry parseEntry(Path path, String name, JsonElement el, Shard shard)
                throws MalformedCheckpointException {
            if (!el.isJsonObject()) {
                throw new MalformedCheckpointException(path, "tensor " + name + " entry is not a JSON object, found " + kind(el));
            }
            JsonObject o = el.getAsJsonObject();
            JsonElement dtypeEl = o.get("dtype");
            if (dtypeEl == null || !dtypeEl.isJsonPrimitive()) {
                throw new MalformedCheckpointException(path, "tensor " + name + " has no dtype");
            }
            String dtypeName = dtypeEl.getAsString();
            HostTensor.DType dtype;
            try {
                dtype = HostTensor.DType.valueOf(dtypeName);
            } catch (IllegalArgumentException e) {
                throw new MalformedCheckpointException(
                        path, "tensor " + name + " has unknown dtype " + dtypeName + " (supported: "
                                + Arrays.toString(HostTensor.DType.values()) + ")");
            }
            long[] shape = longArray(path, name, "shape", o.get("shape"), -1);
            long[] offsets = longArray(path, name, "data_offsets", o.get("data_offsets"), 2);
            long begin = offsets[0];
            long end = offsets[1];
            if (begin > end) {
                throw new MalformedCheckpointException(
                        path, "tensor " + name + " has data_offsets [" + begin + ", " + end + "] out of range: begin after end");
            }
            long numel = 1;
            try {
                for (long d : shape) {
                    numel = Math.multiplyExact(numel, d);
                }
                long expected = Math.multiplyExact(numel, (long) dtype.bytes());
                if (end - begin != expected) {
                    throw new MalformedCheckpointException(
                            path, "tensor " + name + " has data_offsets [" + begin + ", " + end + "] holding "
                                    + (end - begin) + " bytes, but shape " + Arrays.toString(shape) + " of " + dtype
                                    + " needs " + expected);
                }
            } catch (ArithmeticException e) {
                throw new MalformedCheckpointException(path, "tensor " + name + " has an overflowing shape " + Arrays.toString(shape));
            }
            return new Entry(name, dtype, shape, begin, end, shard);
        }

        private static long[] longArray(Path path, String name, String field, JsonElement el, int requiredLength)
                throws MalformedCheckpointException {
            if (el == null || !el.isJsonArray()) {
                throw new MalformedCheckpointException(path, "tensor " + name + " has no " + field + " array");
            }
            JsonArray arr = el.getAsJsonArray();
            if (requiredLength >= 0 && arr.size() != requiredLength) {
                throw new MalformedCheckpointException(
                        path, "tensor " + name + " " + field + " must have " + requiredLength + " entries, found " + arr.size());
            }
            long[] out = new long[arr.size()];
            for (int i = 0; i < out.length; i++) {
                JsonElement v = arr.get(i);
                // serde reads these as usize: 2.0 is refused there too, and getAsLong wrapped 2^64 + 5 to 5
                long x = JsonShapes.wholeLong(v, field, (at, expected, found) -> new MalformedCheckpointException(
                        path, "tensor " + name + " " + at + " holds a non-integer " + found + "; expected " + expected));
                if (x < 0) {
                    throw new MalformedCheckpointException(
                            path, "tensor " + name + " " + field + " out of range: negative value " + x);
                }
                out[i] = x;
            }
            return out;
        }

        private static String kind(JsonElement el) {
            if (el.isJsonArray()) {
                return "an array";
            }
            if (el.isJsonNull()) {
                return "null";
            }
            return el.isJsonPrimitive() ? "a primitive " + el : "an object";
        }

        private static void readFully(Path path, FileChannel ch, ByteBuffer buf, long position) throws IOException {
            long pos = position;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos);
                if (n < 0) {
                    throw new MalformedCheckpointException(path, "truncated: unexpected end of file at byte " + pos);
                }
                pos += n;
            }
        }

        Entry find(String name) {
            for (Entry e : entries) {
                if (e.name.equals(name)) {
                    return e;
                }
            }
            return null;
        }

        ByteBuffer map(Entry e) throws IOException {
            long len = e.end - e.begin;
            if (len > Integer.MAX_VALUE) {
                throw new IOException(
                        path.getFileName() + ": tensor " + e.name + " has " + len
                                + " bytes, more than the 2 GiB one tensor may have here");
            }
            if (len == 0) {
                return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
            }
            // one mapping per file where its tensors fit in one buffer: a mapping lasts until the
            // GC collects its buffer, so one per tensor (about 200 for a BERT) piles up, load after
            // load, towards the kernel's limit on mappings (vm.max_map_count) between collections
            if (section == null && !perTensor) {
                long used = 0;
                for (Entry x : entries) {
                    used = Math.max(used, x.end);
                }
                perTensor = used > Integer.MAX_VALUE;
                if (!perTensor) {
                    section = channel.map(FileChannel.MapMode.READ_ONLY, dataStart, used);
                }
            }
            if (section != null) {
                return section.slice((int) e.begin, (int) len).order(ByteOrder.LITTLE_ENDIAN);
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin, len).order(ByteOrder.LITTLE_ENDIAN);
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing {} failed", path, e);
            }
        }
    }
}
