package io.github.prefine.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.LoadedCheckpoint;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.testing.TestFiles;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of the files of an HF model folder as prefine reads them: the tiny BERT of
 * {@code fixtures/hf-reference}, its {@code config.json} with one member removed or replaced by a
 * value of another kind or range, cut at any byte or with a byte changed, and its
 * {@code model.safetensors} with a header entry that lies (shape, offsets, dtype, header length),
 * cut short or with a byte changed, either read as a valid config or checkpoint or are refused with
 * an {@link IOException} or {@link IllegalArgumentException} naming the file (and, for a config
 * member, the member), never another exception; so is a sharded {@code
 * model.safetensors.index.json} cut, with a byte changed, or naming shards that are not there, lie
 * outside the folder or are not file names. A checkpoint that does open maps every tensor to
 * exactly the bytes its shape and dtype need, inside the file.
 */
class ModelFolderProperties {
    private static final Path FIXTURE = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
    /** The members prefine reads; the others the fixture holds are passed over. */
    private static final List<String> READ_MEMBERS = List.of("model_type", "vocab_size", "hidden_size",
            "num_hidden_layers", "num_attention_heads", "intermediate_size", "hidden_act", "hidden_dropout_prob",
            "attention_probs_dropout_prob", "max_position_embeddings", "type_vocab_size", "layer_norm_eps",
            "pad_token_id", "position_embedding_type");
    private static Path dir;
    private static int serial;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("model-folder-properties");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        TestFiles.deleteTree(dir);
    }

    private static Path freshFolder() throws IOException {
        return Files.createDirectory(dir.resolve("m" + serial++));
    }

    /** Values of every JSON kind, with the numbers a size or a rate must not take. */
    @Provide
    Arbitrary<JsonElement> values() {
        return Arbitraries.oneOf(
                Arbitraries.of(JsonNull.INSTANCE, new JsonPrimitive(true), new JsonPrimitive("x"), new JsonPrimitive(""),
                        new JsonPrimitive("gelu"), new JsonPrimitive("bert"), new JsonPrimitive("0.1"),
                        new JsonArray(), new JsonObject(), new JsonPrimitive(Double.NaN),
                        new JsonPrimitive(Double.POSITIVE_INFINITY), new JsonPrimitive(new BigDecimal("1e400")),
                        new JsonPrimitive(new BigDecimal("1e-400")), new JsonPrimitive(new BigDecimal("768.5")),
                        new JsonPrimitive(new BigDecimal("32.0")), new JsonPrimitive(2147483648L),
                        new JsonPrimitive(new BigDecimal("18446744073709551621"))),
                Arbitraries.integers().between(-3, 400).map(JsonPrimitive::new),
                Arbitraries.integers().map(JsonPrimitive::new),
                Arbitraries.of(1, 2, 3, 64).map(n -> {
                    JsonArray a = new JsonArray();
                    a.add(n);
                    return a;
                }),
                Arbitraries.of("gelu", "1").map(s -> {
                    JsonObject o = new JsonObject();
                    o.addProperty("value", s);
                    return o;
                }));
    }

    @Property(tries = 300)
    void aConfigMemberOfAnyValueIsReadOrRefusedByName(@ForAll("members") String member,
            @ForAll("values") JsonElement value, @ForAll boolean remove) throws IOException {
        JsonObject config = fixtureConfig();
        if (remove) {
            config.remove(member);
        } else {
            config.add(member, value);
        }
        Path folder = freshFolder();
        Path file = folder.resolve("config.json");
        Files.writeString(file, config.toString());
        try {
            EncoderConfig.fromJson(file);
        } catch (IOException | IllegalArgumentException e) {
            assertNames(e, file, member);
        } catch (RuntimeException e) {
            throw new AssertionError(member + " = " + value + " (removed: " + remove + ") failed with " + e, e);
        }
        // the checkpoint loader reads the config first, and must name it the same way
        Files.copy(FIXTURE.resolve("model.safetensors"), folder.resolve("model.safetensors"));
        try {
            loadCheckpoint(folder);
        } catch (IOException | IllegalArgumentException e) {
            // a size the weights do not have is told by the tensors: a shape against the config's
            String m = String.valueOf(e.getMessage());
            if (!m.startsWith(folder.resolve("model.safetensors") + ": ") || !m.contains(" expected ") && !m.contains(member)) {
                assertNames(e, file, member);
            }
        } catch (RuntimeException e) {
            throw new AssertionError(member + " = " + value + " (removed: " + remove + ") failed with " + e, e);
        }
    }

    @Provide
    Arbitrary<String> members() {
        return Arbitraries.of(READ_MEMBERS);
    }

    @Property(tries = 150)
    void aConfigCutOrChangedAtAnyByteIsReadOrRefusedNamingTheFile(@ForAll @IntRange(min = 0, max = 100_000) int at,
            @ForAll @IntRange(min = -1, max = 255) int newByte) throws IOException {
        byte[] bytes = Files.readAllBytes(FIXTURE.resolve("config.json"));
        int pos = at % bytes.length;
        byte[] changed = newByte < 0 ? Arrays.copyOf(bytes, pos) : bytes.clone();
        if (newByte >= 0) {
            changed[pos] = (byte) newByte;
        }
        Path folder = freshFolder();
        Path file = folder.resolve("config.json");
        Files.write(file, changed);
        Files.copy(FIXTURE.resolve("model.safetensors"), folder.resolve("model.safetensors"));
        String what = newByte < 0 ? "cut at byte " + pos : "byte " + pos + " set to " + newByte;
        try {
            EncoderConfig.fromJson(file);
        } catch (IOException | IllegalArgumentException e) {
            assertTrue(e.getMessage().contains(file.toString()), what + ": " + e);
        } catch (RuntimeException e) {
            throw new AssertionError(what + " failed with " + e, e);
        }
        try {
            loadCheckpoint(folder);
        } catch (IOException | IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith(file + ": ")
                    || e.getMessage().startsWith(folder.resolve("model.safetensors") + ": "),
                    what + ": " + e);
        } catch (RuntimeException e) {
            throw new AssertionError(what + " failed with " + e, e);
        }
    }

    /** One lie in one tensor's header entry, or in the header length. */
    @Provide
    Arbitrary<HeaderLie> lies() {
        Arbitrary<Long> numbers = Arbitraries.oneOf(
                Arbitraries.longs().between(-2, 300_000),
                Arbitraries.of(0L, 1L << 31, 1L << 40, (1L << 62) + 1, Long.MAX_VALUE, 4L * 1024 * 1024 * 1024));
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 36).flatMap(t -> Arbitraries.integers().between(0, 2)
                        .flatMap(d -> numbers.map(v -> new HeaderLie(t, "shape", d, v, null)))),
                Arbitraries.integers().between(0, 36).flatMap(t -> Arbitraries.integers().between(0, 1)
                        .flatMap(d -> numbers.map(v -> new HeaderLie(t, "data_offsets", d, v, null)))),
                Arbitraries.integers().between(0, 36).flatMap(t -> Arbitraries.of("F16", "BF16", "F64", "I64", "I8",
                        "U8", "BOOL", "F8_E4M3", "Q4", "", "f32").map(s -> new HeaderLie(t, "dtype", 0, 0, s))),
                Arbitraries.integers().between(0, 36).flatMap(t -> Arbitraries.of("shape", "data_offsets", "dtype")
                        .map(f -> new HeaderLie(t, f, -1, 0, null))),
                numbers.map(v -> new HeaderLie(-1, "length", 0, v, null)));
    }

    record HeaderLie(int tensor, String field, int index, long value, String text) {}

    @Property(tries = 200)
    void aSafetensorsHeaderThatLiesIsRefusedNamingTheFile(@ForAll("lies") HeaderLie lie) throws IOException {
        byte[] bytes = Files.readAllBytes(FIXTURE.resolve("model.safetensors"));
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonObject header = JsonParser.parseString(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8))
                .getAsJsonObject();
        byte[] data = Arrays.copyOfRange(bytes, 8 + (int) headerLen, bytes.length);
        long declaredLength = -1;
        if (lie.tensor() >= 0) {
            List<String> names = new ArrayList<>(new TreeMap<>(header.asMap()).keySet());
            names.remove("__metadata__");
            JsonObject entry = header.getAsJsonObject(names.get(lie.tensor() % names.size()));
            if (lie.index() < 0) {
                entry.remove(lie.field());
            } else if (lie.text() != null) {
                entry.addProperty(lie.field(), lie.text());
            } else {
                JsonArray a = entry.getAsJsonArray(lie.field());
                if (lie.index() < a.size()) {
                    a.set(lie.index(), new JsonPrimitive(lie.value()));
                } else {
                    a.add(lie.value());
                }
            }
        } else {
            declaredLength = lie.value();
        }
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + headerBytes.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(declaredLength >= 0 ? declaredLength : headerBytes.length).put(headerBytes).put(data);
        checkOpensOrIsRefused(file.array(), lie.toString());
    }

    @Property(tries = 150)
    void aSafetensorsFileCutOrChangedAtAnyByteIsReadOrRefusedNamingTheFile(
            @ForAll @IntRange(min = 0, max = 200_000) int at, @ForAll @IntRange(min = -1, max = 255) int newByte,
            @ForAll boolean inHeader) throws IOException {
        byte[] bytes = Files.readAllBytes(FIXTURE.resolve("model.safetensors"));
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        // most bytes are tensor data, which no check reads: aim half the tries at the header
        int pos = inHeader ? at % (8 + (int) headerLen) : at % bytes.length;
        byte[] changed = newByte < 0 ? Arrays.copyOf(bytes, pos) : bytes.clone();
        if (newByte >= 0) {
            changed[pos] = (byte) newByte;
        }
        checkOpensOrIsRefused(changed, newByte < 0 ? "cut at byte " + pos : "byte " + pos + " set to " + newByte);
    }

    /** Values of a sharded index's members: file names inside and outside the folder, and other kinds. */
    @Provide
    Arbitrary<JsonElement> indexValues() {
        return Arbitraries.of(JsonNull.INSTANCE, new JsonPrimitive(5), new JsonPrimitive(""), new JsonPrimitive(".."),
                new JsonPrimitive("."), new JsonPrimitive("../encoder/model.safetensors"), new JsonPrimitive("/etc/hostname"),
                new JsonPrimitive("shard-1.safetensors"), new JsonPrimitive("shard-2.safetensors"),
                new JsonPrimitive("model.safetensors.index.json"), new JsonArray(), new JsonObject(),
                new JsonPrimitive(true));
    }

    @Property(tries = 150)
    void aShardedIndexCutChangedOrLyingIsReadOrRefusedNamingAFile(@ForAll @IntRange(min = 0, max = 100_000) int at,
            @ForAll @IntRange(min = -3, max = 255) int change, @ForAll("indexValues") JsonElement value)
            throws IOException {
        Path folder = freshFolder();
        JsonObject weightMap = new JsonObject();
        try (SafetensorsReader fixture = SafetensorsReader.open(FIXTURE)) {
            List<HostTensor> first = new ArrayList<>();
            List<HostTensor> second = new ArrayList<>();
            for (HostTensor t : fixture.readAll().values()) {
                (first.size() <= second.size() ? first : second).add(t);
                weightMap.addProperty(t.name(), "shard-" + (first.contains(t) ? 1 : 2) + ".safetensors");
            }
            SafetensorsWriter.write(folder.resolve("shard-1.safetensors"), first);
            SafetensorsWriter.write(folder.resolve("shard-2.safetensors"), second);
        }
        JsonObject index = new JsonObject();
        JsonObject metadata = new JsonObject();
        metadata.addProperty("total_size", 113160);
        index.add("metadata", metadata);
        index.add("weight_map", weightMap);
        List<String> names = new ArrayList<>(weightMap.keySet());
        String what;
        byte[] bytes;
        if (change == -3) {
            // one tensor's shard, or the whole map or metadata, replaced
            int pick = at % (names.size() + 2);
            String member = pick < names.size() ? "weight_map." + names.get(pick) : pick == names.size() ? "weight_map"
                    : "metadata";
            if (pick < names.size()) {
                weightMap.add(names.get(pick), value);
            } else {
                index.add(member, value);
            }
            what = member + " = " + value;
            bytes = index.toString().getBytes(StandardCharsets.UTF_8);
        } else {
            byte[] text = index.toString().getBytes(StandardCharsets.UTF_8);
            int pos = at % text.length;
            bytes = change < 0 ? Arrays.copyOf(text, pos) : text;
            if (change >= 0) {
                bytes[pos] = (byte) change;
            }
            what = change < 0 ? "cut at byte " + pos : "byte " + pos + " set to " + change;
        }
        Path file = folder.resolve(SafetensorsReader.INDEX_FILE);
        Files.write(file, bytes);
        try (SafetensorsReader reader = SafetensorsReader.open(folder)) {
            for (HostTensor t : reader.readAll().values()) {
                assertEquals(t.numel() * t.dtype().bytes(), t.data().remaining(), what + ": " + t.name());
            }
        } catch (MalformedCheckpointException e) {
            String m = e.getMessage();
            assertTrue(m.startsWith(file + ": ") || m.startsWith(folder.resolve("shard-").toString()), what + ": " + e);
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(what + " failed with " + e, e);
        }
    }

    private static void checkOpensOrIsRefused(byte[] content, String what) throws IOException {
        Path file = freshFolder().resolve("model.safetensors");
        Files.write(file, content);
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            Map<String, HostTensor> all = reader.readAll();
            for (HostTensor t : all.values()) {
                long numel = 1;
                for (long d : t.shape()) {
                    numel = Math.multiplyExact(numel, d);
                }
                assertEquals(numel * t.dtype().bytes(), t.data().remaining(), what + ": " + t.name());
            }
        } catch (MalformedCheckpointException e) {
            assertTrue(e.getMessage().startsWith(file + ": "), what + ": " + e);
            assertEquals(file, e.file(), what);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            throw new AssertionError(what + " failed with " + e, e);
        }
    }

    private static void loadCheckpoint(Path folder) throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
                LoadedCheckpoint loaded = EncoderCheckpoint.load(folder, manager)) {
            assertEquals(folder.resolve("model.safetensors"), loaded.source());
        }
    }

    private static JsonObject fixtureConfig() throws IOException {
        return JsonParser.parseString(Files.readString(FIXTURE.resolve("config.json"))).getAsJsonObject();
    }

    private static void assertNames(Exception e, Path file, String member) {
        String m = String.valueOf(e.getMessage());
        assertTrue(m.contains(file.toString()), "names no file: " + e);
        assertTrue(m.contains(member) || m.contains(camel(member)), "names no " + member + ": " + e);
    }

    /** The builder's name of a member: hidden_size is hiddenSize. */
    private static String camel(String member) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : member.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }
}
