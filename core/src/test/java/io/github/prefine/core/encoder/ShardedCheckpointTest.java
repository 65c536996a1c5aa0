package io.github.prefine.core.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.MalformedCheckpointException;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sharded checkpoints ({@code model.safetensors.index.json} and its shards) cut from the HF
 * fixtures' single files: read whole, they give HF's states; where index and shards disagree, the
 * load is refused naming the shard, the tensor and what the index says, instead of a tensor being
 * passed over.
 */
class ShardedCheckpointTest {

    private static final String SHARD1 = "model-00001-of-00002.safetensors";
    private static final String SHARD2 = "model-00002-of-00002.safetensors";

    @TempDir
    Path dir;

    /** The fixture's tensors by name. */
    private static Map<String, HostTensor> tensorsOf(Path folder) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(folder)) {
            return new TreeMap<>(r.readAll());
        }
    }

    /**
     * Splits a fixture folder as HF {@code save_pretrained} does with a small {@code max_shard_size}:
     * the embeddings and layer 0 in the first shard, the rest (layer 1, heads) in the second. Copies
     * config.json; writes no {@code model.safetensors}.
     *
     * @return the weight map written to the index
     */
    private Map<String, String> split(Path fixture) throws IOException {
        Map<String, HostTensor> all = tensorsOf(fixture);
        List<HostTensor> first = new ArrayList<>();
        List<HostTensor> second = new ArrayList<>();
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (HostTensor t : all.values()) {
            boolean early = t.name().contains("embeddings.") || t.name().contains("encoder.layer.0.");
            (early ? first : second).add(t);
            weightMap.put(t.name(), early ? SHARD1 : SHARD2);
        }
        assertTrue(!first.isEmpty() && !second.isEmpty(), "both shards hold tensors");
        SafetensorsWriter.write(dir.resolve(SHARD1), first);
        SafetensorsWriter.write(dir.resolve(SHARD2), second);
        writeIndex(weightMap);
        Files.copy(fixture.resolve(EncoderCheckpoint.CONFIG_FILE), dir.resolve(EncoderCheckpoint.CONFIG_FILE));
        return weightMap;
    }

    private void writeIndex(Map<String, String> weightMap) throws IOException {
        JsonObject index = new JsonObject();
        JsonObject metadata = new JsonObject();
        metadata.addProperty("total_size", 0);
        index.add("metadata", metadata);
        JsonObject map = new JsonObject();
        weightMap.forEach(map::addProperty);
        index.add("weight_map", map);
        Files.writeString(dir.resolve(SafetensorsReader.INDEX_FILE), index.toString(), StandardCharsets.UTF_8);
    }

    /** Rewrites one shard with a tensor added (a copy of one the fixture holds, under its name). */
    private void addToShard(String shard, HostTensor extra) throws IOException {
        Map<String, HostTensor> held = tensorsOf(dir.resolve(shard));
        held.put(extra.name(), extra);
        SafetensorsWriter.write(dir.resolve(shard), new ArrayList<>(held.values()));
    }

    private MalformedCheckpointException refusal() {
        return assertThrows(MalformedCheckpointException.class, () -> {
            try (NDManager m = NDManager.newBaseManager()) {
                EncoderCheckpoint.load(dir, m).close();
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void aShardedCheckpointLoadsTheSameEncoderAndHeadsAndMatchesHf(String family) throws Exception {
        Path root = SharedFixtures.require("fixtures/hf-reference/" + family);
        Path fixture = root.resolve("sequence-classification");
        split(fixture);
        HfReference ref = new HfReference(root.resolve("reference.json"));
        try (NDManager m = NDManager.newBaseManager();
                LoadedCheckpoint whole = EncoderCheckpoint.load(fixture, m);
                LoadedCheckpoint sharded = EncoderCheckpoint.load(dir, m)) {
            assertEquals(dir.resolve(SafetensorsReader.INDEX_FILE), sharded.source());
            assertEquals(whole.encoderPrefix(), sharded.encoderPrefix());
            assertEquals(whole.otherTensors().keySet(), sharded.otherTensors().keySet());
            for (Map.Entry<String, HostTensor> head : whole.otherTensors().entrySet()) {
                assertEquals(head.getValue().data(), sharded.otherTensors().get(head.getKey()).data(), head.getKey());
            }
            List<HostTensor> expected = EncoderCheckpoint.toHostTensors(whole.encoder(), "");
            List<HostTensor> actual = EncoderCheckpoint.toHostTensors(sharded.encoder(), "");
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i).data(), actual.get(i).data(), actual.get(i).name());
            }
            for (HfReference.Case c : ref.cases) {
                float[][] states = EncoderParityTest.run(sharded.encoder(), m, new long[][] {c.ids()},
                        new long[][] {c.mask()}, new long[][] {c.typeIds()})[0];
                double err = EncoderParityTest.maxAbsDiff(c.hidden(), states, c.realTokens());
                assertTrue(err < 1e-4, family + " case '" + c.text() + "': max abs error " + err);
            }
        }
    }

    @Test
    void aShardTensorTheIndexDoesNotListIsRefusedNamingShardAndTensor() throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        split(fixture);
        // a stale head left in a shard: HF would load it, and prefine passed it over with an INFO line
        HostTensor bias = tensorsOf(fixture).get("encoder.layer.1.output.dense.bias");
        addToShard(SHARD2, new HostTensor("classifier.bias", bias.dtype(), bias.shape(), bias.data()));
        assertEquals(dir.resolve(SHARD2) + ": holds tensor classifier.bias, which " + SafetensorsReader.INDEX_FILE
                + " does not list; expected the index's weight_map to name every tensor of its shards (a shard"
                + " or the index left from another save?)", refusal().getMessage());
    }

    @Test
    void aTensorInTwoShardsIsRefusedNamingBoth() throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        split(fixture);
        // the second copy differs: which one a reader took used to depend on the index alone, unsaid
        HostTensor w = tensorsOf(fixture).get("embeddings.LayerNorm.weight");
        float[] changed = new float[(int) w.numel()];
        java.util.Arrays.fill(changed, 2f);
        addToShard(SHARD2, HostTensor.ofFloats(w.name(), w.shape(), changed));
        assertEquals(dir.resolve(SHARD2) + ": holds tensor embeddings.LayerNorm.weight, which "
                + SafetensorsReader.INDEX_FILE + " lists in " + SHARD1 + "; expected each tensor in one shard only",
                refusal().getMessage());
    }

    @Test
    void aTensorTheIndexListsButNoShardHoldsIsRefusedNamingItsShard() throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        Map<String, String> weightMap = split(fixture);
        weightMap.put("pooler.dense.bias", SHARD2);
        writeIndex(weightMap);
        assertEquals(dir.resolve(SHARD2) + ": " + SafetensorsReader.INDEX_FILE + " lists tensor pooler.dense.bias in"
                + " this shard, but its header lacks it; expected the shard to hold every tensor the index names for"
                + " it", refusal().getMessage());
        // listed in the wrong shard: the message says where it is
        weightMap.remove("pooler.dense.bias");
        weightMap.put("embeddings.LayerNorm.bias", SHARD2);
        writeIndex(weightMap);
        assertEquals(dir.resolve(SHARD2) + ": " + SafetensorsReader.INDEX_FILE + " lists tensor embeddings.LayerNorm.bias"
                + " in this shard, but its header lacks it (" + SHARD1 + " holds it); expected the shard to hold every"
                + " tensor the index names for it", refusal().getMessage());
    }

    @Test
    void aShardOfTheSeriesThatTheIndexDoesNotNameIsRefused() throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        Map<String, String> weightMap = split(fixture);
        // an index cut short: the second shard's tensors were read as if the checkpoint had none
        weightMap.values().removeIf(SHARD2::equals);
        writeIndex(weightMap);
        MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class, () -> SafetensorsReader.open(dir).close());
        assertEquals(dir.resolve(SafetensorsReader.INDEX_FILE) + ": names no tensor in " + SHARD2 + " beside it, of the"
                + " same series of shards as " + SHARD1 + "; expected the index to name every shard of its series (an"
                + " index cut short or left from another save?)", e.getMessage());
        // a shard of another save's series (another count) is not this checkpoint's
        Files.move(dir.resolve(SHARD2), dir.resolve("model-00002-of-00003.safetensors"));
        try (SafetensorsReader r = SafetensorsReader.open(dir)) {
            assertEquals(new java.util.TreeSet<>(weightMap.keySet()), new java.util.TreeSet<>(r.names()));
        }
    }

    @Test
    void aShardTheIndexNamesButTheFolderLacksIsRefusedNamingATensor() throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        split(fixture);
        Files.delete(dir.resolve(SHARD2));
        // the first tensor, sorted, that the index names for the absent shard
        assertEquals(dir.resolve(SafetensorsReader.INDEX_FILE) + ": shard " + SHARD2 + " is missing; expected it beside"
                + " the index, which names it for 16 tensors (encoder.layer.1.attention.output.LayerNorm.bias, ...)",
                refusal().getMessage());
    }
}
