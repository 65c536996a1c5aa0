package io.github.prefine.core.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.prefine.core.checkpoint.FolderSwap;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.MalformedCheckpointException;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import io.github.prefine.core.testing.SharedFixtures;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderCheckpointTest {

    @TempDir
    Path tmp;

    /** A copy of the fixture encoder folder with its tensors rewritten by {@code edit}. */
    private Path editedFixture(java.util.function.Consumer<Map<String, HostTensor>> edit) throws Exception {
        Path src = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        Map<String, HostTensor> tensors;
        try (SafetensorsReader r = SafetensorsReader.open(src)) {
            tensors = new LinkedHashMap<>(r.readAll());
        }
        edit.accept(tensors);
        Path dir = tmp.resolve("edited");
        Files.createDirectories(dir);
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors.values());
        return dir;
    }

    private static HostTensor zeros(String name, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return HostTensor.ofFloats(name, shape, new float[(int) n]);
    }

    @Test
    void savingAnEncoderWhoseArraysWereFreedNamesTheParameterAndWritesNothing() throws Exception {
        Path src = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        Path out = tmp.resolve("saved");
        try (NDManager m = NDManager.newBaseManager()) {
            // its arrays freed, as a save placed after the README's try-with-resources (model or
            // manager closed) meets them; DJL said only "Native resource has been released already."
            NDManager owner = m.newSubManager();
            TransformerEncoder encoder = EncoderCheckpoint.load(src, owner).encoder();
            owner.close();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> EncoderCheckpoint.save(encoder, out, src.resolve("tokenizer.json")));
            assertEquals("encoder: its parameter embeddings.word_embeddings.weight was freed (the model or manager that"
                    + " owned it is closed); save the encoder before closing its model", e.getMessage());
            assertFalse(Files.exists(out), "nothing is written for an encoder that cannot be read");
        }
    }

    @Test
    void reportsAWrongShapeWithBothShapes() throws Exception {
        String key = "encoder.layer.1.intermediate.dense.weight";
        Path dir = editedFixture(t -> t.put(key, zeros(key, 32, 37)));
        try (NDManager m = NDManager.newBaseManager()) {
            MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class, () -> EncoderCheckpoint.load(dir, m));
            assertEquals(dir.resolve("model.safetensors") + ": encoder.layer.1.intermediate.dense.weight has shape [32, 37], but config.json's"
                    + " intermediate_size 37 and hidden_size 32 expect [37, 32]", e.getMessage());
        }
    }

    /** A copy of the fixture encoder folder, weights untouched, with its config.json edited. */
    private Path fixtureWithConfig(java.util.function.Consumer<com.google.gson.JsonObject> edit) throws Exception {
        Path src = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        Path dir = tmp.resolve("config-edited");
        Files.createDirectories(dir);
        Files.copy(src.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        com.google.gson.JsonObject config = com.google.gson.JsonParser.parseString(
                Files.readString(src.resolve("config.json"))).getAsJsonObject();
        edit.accept(config);
        Files.writeString(dir.resolve("config.json"), config.toString());
        return dir;
    }

    @Test
    void aShapeMisfitNamesTheConfigMembersTheExpectedShapeComesFrom() throws Exception {
        // the fixture's weights hold 362 word rows of 32 (its config.json says so); the config now claims 400
        Path dir = fixtureWithConfig(c -> c.addProperty("vocab_size", 400));
        try (NDManager m = NDManager.newBaseManager()) {
            MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class, () -> EncoderCheckpoint.load(dir, m));
            assertEquals(dir.resolve("model.safetensors") + ": embeddings.word_embeddings.weight has shape [362, 32], but config.json's"
                    + " vocab_size 400 and hidden_size 32 expect [400, 32]", e.getMessage());
        }
    }

    @Test
    void aShapeMisfitFromAMemberConfigJsonLeavesOutSaysTheDefaultSetIt() throws Exception {
        // the fixture has 64 positions; without the member HF's default of 512 applies
        Path dir = fixtureWithConfig(c -> c.remove("max_position_embeddings"));
        try (NDManager m = NDManager.newBaseManager()) {
            MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class, () -> EncoderCheckpoint.load(dir, m));
            assertEquals(dir.resolve("model.safetensors") + ": embeddings.position_embeddings.weight has shape [64, 32], but config.json's"
                    + " max_position_embeddings 512 (the default; config.json leaves it out) and hidden_size 32 expect [512, 32]",
                    e.getMessage());
        }
    }

    @Test
    void listsEveryMissingAndWrongTensor() throws Exception {
        Path dir = editedFixture(t -> {
            t.remove("encoder.layer.0.attention.self.key.bias");
            t.remove("embeddings.LayerNorm.weight");
            t.put("encoder.layer.0.output.dense.bias", zeros("encoder.layer.0.output.dense.bias", 33));
        });
        try (NDManager m = NDManager.newBaseManager()) {
            MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class, () -> EncoderCheckpoint.load(dir, m));
            String msg = e.getMessage();
            assertTrue(msg.startsWith(dir.resolve("model.safetensors") + ": 2 problems with the encoder tensors: "), msg);
            assertTrue(msg.contains("encoder.layer.0.output.dense.bias has shape [33], but config.json's hidden_size 32 expects [32]"), msg);
            assertTrue(msg.contains("2 encoder tensors are missing: embeddings.LayerNorm.weight, encoder.layer.0.attention.self.key.bias"), msg);
        }
    }

    @Test
    void rejectsATensorPresentWithAndWithoutPrefix() throws Exception {
        Path dir = editedFixture(t -> t.put("bert.embeddings.LayerNorm.bias", t.get("embeddings.LayerNorm.bias").renamed("bert.embeddings.LayerNorm.bias")));
        try (NDManager m = NDManager.newBaseManager()) {
            MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class, () -> EncoderCheckpoint.load(dir, m));
            assertTrue(e.getMessage().contains("embeddings.LayerNorm.bias appears twice"), e.getMessage());
        }
    }

    @Test
    void rejectsUnsupportedModelTypeAndMissingConfig() throws Exception {
        Path dir = editedFixture(t -> {});
        Files.writeString(dir.resolve("config.json"),
                Files.readString(dir.resolve("config.json")).replace("\"model_type\": \"bert\"", "\"model_type\": \"electra\""));
        try (NDManager m = NDManager.newBaseManager()) {
            MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class, () -> EncoderCheckpoint.load(dir, m));
            assertTrue(e.getMessage().startsWith(dir.resolve("config.json") + ": model_type \"electra\" is not supported"), e.getMessage());
            Files.delete(dir.resolve("config.json"));
            e = assertThrows(MalformedCheckpointException.class, () -> EncoderCheckpoint.load(dir, m));
            assertEquals(dir + ": model folder lacks config.json", e.getMessage());
        }
    }

    @Test
    void aDecoderConfigIsRefusedNamingTheConfigFileAndTheKey() throws Exception {
        Path dir = editedFixture(t -> {});
        String config = Files.readString(dir.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            for (String key : new String[] {"is_decoder", "add_cross_attention"}) {
                // the fixture writes both, false, as HF's to_dict does
                assertTrue(config.contains("\"" + key + "\": false"), key);
                Files.writeString(dir.resolve("config.json"), config.replace("\"" + key + "\": false", "\"" + key + "\": true"));
                MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class,
                        () -> EncoderCheckpoint.load(dir, m));
                assertTrue(e.getMessage().startsWith(dir.resolve("config.json") + ": " + key + ": expected false, found"
                        + " true; "), e.getMessage());
            }
        }
    }

    @Test
    void aFloat16LoadRefusesAWeightBeyondFloat16sRangeNamingItAndItsLargestMagnitude() throws Exception {
        // float16's largest finite value is 65504; PyTorch rounds float32 values below 65520 to it
        // and those from 65520 on to infinity
        String name = "encoder.layer.1.intermediate.dense.weight";
        for (float[] big : new float[][] {{65519f, 0}, {70000f, -100000f}}) {
            Path dir = editedFixture(t -> {
                HostTensor w = t.get(name);
                float[] v = new float[37 * 32];
                v[5] = big[0];
                v[700] = big[1];
                t.put(name, HostTensor.ofFloats(name, w.shape(), v));
            });
            try (NDManager m = NDManager.newBaseManager()) {
                if (big[0] < 65520f) {
                    // rounds to 65504, finite: loads as HF's model.half() would
                    EncoderCheckpoint.load(dir, m, DataType.FLOAT16).close();
                } else {
                    MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class,
                            () -> EncoderCheckpoint.load(dir, m, DataType.FLOAT16));
                    assertEquals(dir.resolve("model.safetensors") + ": " + name + " has values up to 100000.0 in"
                            + " magnitude, beyond float16's largest finite value 65504 (the cast would make them"
                            + " infinite); load it in float32", e.getMessage());
                    // float32 holds it
                    EncoderCheckpoint.load(dir, m, DataType.FLOAT32).close();
                }
            } finally {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    @Test
    void aFloat16LoadRefusesAnOverflowingAttentionProjection() throws Exception {
        // query/key/value are fused into one parameter on load: each part is checked as it is cast
        String name = "encoder.layer.0.attention.self.key.bias";
        Path dir = editedFixture(t -> t.put(name, HostTensor.ofFloats(name, new long[] {32}, filled(32, -70000f))));
        try (NDManager m = NDManager.newBaseManager()) {
            MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class,
                    () -> EncoderCheckpoint.load(dir, m, DataType.FLOAT16));
            assertTrue(e.getMessage().startsWith(dir.resolve("model.safetensors") + ": " + name
                    + " has values up to 70000.0 in magnitude, beyond float16's"), e.getMessage());
        }
    }

    private static float[] filled(int n, float value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return v;
    }

    @Test
    void refusesAConfigThatIsNotUtf8NamingTheByte() throws Exception {
        Path dir = editedFixture(t -> {});
        byte[] config = Files.readAllBytes(dir.resolve("config.json"));
        // the fixture's second line starts at byte 2 with two spaces; its third byte is the quote
        config[4] = (byte) 0xFF;
        Files.write(dir.resolve("config.json"), config);
        try (NDManager m = NDManager.newBaseManager()) {
            MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class, () -> EncoderCheckpoint.load(dir, m));
            assertEquals(dir.resolve("config.json") + ": line 2 (byte 4) holds 0xFF, not UTF-8; expected a JSON object in UTF-8", e.getMessage());
        }
    }

    @Test
    void refusesALayerCountTheTensorsDoNotHoldBeforeBuildingTheLayers() throws Exception {
        Path dir = editedFixture(t -> {});
        String config = Files.readString(dir.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            // 2^31 - 1 layers ran out of memory building the layer list
            for (String layers : new String[] {"2147483647", "3"}) {
                Files.writeString(dir.resolve("config.json"),
                        config.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": " + layers));
                MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class, () -> EncoderCheckpoint.load(dir, m));
                assertEquals(dir.resolve("model.safetensors") + ": the config's num_hidden_layers is " + layers
                        + ", but the tensors hold 2 layers (encoder.layer.0 to encoder.layer.1)", e.getMessage());
            }
        }
    }

    @Test
    void savingTheFixtureReproducesItsTensorsBitForBit() throws Exception {
        for (String family : List.of("bert", "xlm-roberta")) {
            Path src = SharedFixtures.require("fixtures/hf-reference/" + family + "/encoder");
            Path out = tmp.resolve(family);
            try (NDManager m = NDManager.newBaseManager();
                    LoadedCheckpoint ck = EncoderCheckpoint.load(src, m)) {
                EncoderCheckpoint.save(ck.encoder(), out, src.resolve("tokenizer.json"));
            }
            try (SafetensorsReader original = SafetensorsReader.open(src);
                    SafetensorsReader saved = SafetensorsReader.open(out)) {
                assertEquals(original.names(), saved.names(), "standard HF names");
                assertEquals(Map.of("format", "pt"), saved.metadata());
                for (String name : original.names()) {
                    assertArrayEquals(original.shape(name), saved.shape(name), name);
                    assertEquals(HostTensor.DType.F32, saved.dtype(name));
                    assertEquals(original.read(name).data(), saved.read(name).data(), name);
                }
            }
            assertEquals(EncoderConfig.fromJson(src), EncoderConfig.fromJson(out));
            assertArrayEquals(Files.readAllBytes(src.resolve("tokenizer.json")), Files.readAllBytes(out.resolve("tokenizer.json")));
            String header = new String(Files.readAllBytes(out.resolve("model.safetensors")), 8, 64, StandardCharsets.US_ASCII);
            assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"}"), header);
        }
    }

    @Test
    void loadsTheTfEraLayerNormNamesThatHfRenamesOnLoad() throws Exception {
        // the Hub's bert-base-uncased names its LayerNorms bert.*.LayerNorm.gamma and .beta;
        // from_pretrained reads them as .weight and .bias
        Path src = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        Map<String, HostTensor> original;
        try (SafetensorsReader r = SafetensorsReader.open(src)) {
            original = r.readAll();
        }
        List<HostTensor> renamed = new ArrayList<>();
        for (HostTensor t : original.values()) {
            renamed.add(t.renamed("bert." + t.name().replace("LayerNorm.weight", "LayerNorm.gamma")
                    .replace("LayerNorm.bias", "LayerNorm.beta")));
        }
        Path dir = Files.createDirectories(tmp.resolve("tf-names"));
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), renamed);
        Path out = tmp.resolve("tf-names-saved");
        try (NDManager m = NDManager.newBaseManager(); LoadedCheckpoint ck = EncoderCheckpoint.load(dir, m)) {
            assertEquals(Map.of(), ck.otherTensors());
            EncoderCheckpoint.save(ck.encoder(), out, null);
        }
        try (SafetensorsReader saved = SafetensorsReader.open(out)) {
            assertEquals(original.keySet(), new java.util.TreeSet<>(saved.names()));
            for (String name : original.keySet()) {
                assertEquals(original.get(name).data(), saved.read(name).data(), name);
            }
        }
    }

    @Test
    void randomEncoderSavesAndLoadsWithIdenticalTensorsAndOutputs() throws Exception {
        EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.XLM_ROBERTA).setVocabSize(50).setHiddenSize(16)
                .setNumHiddenLayers(2).setNumAttentionHeads(2).setIntermediateSize(24).optMaxPositionEmbeddings(20)
                .optTypeVocabSize(1).optLayerNormEps(1e-5f).build();
        long[][] ids = {{0, 5, 6, 7, 2}, {0, 8, 2, 1, 1}};
        long[][] mask = {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}};
        try (NDManager m = NDManager.newBaseManager();
                TransformerEncoder enc = TransformerEncoder.builder().setConfig(config).build()) {
            enc.initializeRandom(m, 42);
            EncoderCheckpoint.save(enc, tmp.resolve("random"), null);
            assertFalse(Files.exists(tmp.resolve("random/tokenizer.json")));
            try (LoadedCheckpoint back = EncoderCheckpoint.load(tmp.resolve("random"), m)) {
                assertEquals(config, back.config());
                List<HostTensor> a = EncoderCheckpoint.toHostTensors(enc, "");
                List<HostTensor> b = EncoderCheckpoint.toHostTensors(back.encoder(), "");
                assertEquals(a.size(), b.size());
                for (int i = 0; i < a.size(); i++) {
                    assertEquals(a.get(i).name(), b.get(i).name());
                    assertEquals(a.get(i).data(), b.get(i).data(), a.get(i).name());
                }
                float[][][] x = EncoderParityTest.run(enc, m, ids, mask, null);
                float[][][] y = EncoderParityTest.run(back.encoder(), m, ids, mask, null);
                for (int s = 0; s < 2; s++) {
                    for (int t = 0; t < 5; t++) {
                        assertArrayEquals(x[s][t], y[s][t], 0f);
                    }
                }
            }
        }
    }

    /** The JVM's direct buffers: those not yet collected, with their bytes. */
    private static long[] directBuffers() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return new long[] {pool.getCount(), pool.getMemoryUsed()};
            }
        }
        throw new IllegalStateException("the JVM reports no direct buffer pool");
    }

    /*
     * Every unit of a grid loads an encoder. A direct buffer per tensor is native memory that only
     * a GC frees: as much as the whole model per load, piling up between collections (up to the
     * JVM's direct-memory cap, the heap size by default) while the heap itself stays small.
     */
    @Test
    void loadingFloat32WeightsLeavesNoDirectBuffersBehind() throws Exception {
        EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(50).setHiddenSize(16)
                .setNumHiddenLayers(2).setNumAttentionHeads(2).setIntermediateSize(24).optMaxPositionEmbeddings(20).build();
        Path dir = tmp.resolve("f32");
        try (NDManager m = NDManager.newBaseManager();
                TransformerEncoder enc = TransformerEncoder.builder().setConfig(config).build()) {
            enc.initializeRandom(m, 7);
            EncoderCheckpoint.save(enc, dir, null);
            List<HostTensor> saved = EncoderCheckpoint.toHostTensors(enc, "");
            // a first load warms the JDK's per-thread I/O buffers, which later loads reuse
            EncoderCheckpoint.load(dir, m).close();
            long[] before = directBuffers();
            try (LoadedCheckpoint back = EncoderCheckpoint.load(dir, m)) {
                long[] after = directBuffers();
                assertEquals(before[0], after[0], "direct buffers made by loading " + saved.size() + " tensors");
                assertEquals(before[1], after[1], "bytes of direct buffers made by loading");
                List<HostTensor> loaded = EncoderCheckpoint.toHostTensors(back.encoder(), "");
                for (int i = 0; i < saved.size(); i++) {
                    assertEquals(saved.get(i).data(), loaded.get(i).data(), saved.get(i).name());
                }
            }
        }
    }

    @Test
    void aSaveRefusedForAMissingTokenizerLeavesTheFolderAsItWas() throws Exception {
        EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(30).setHiddenSize(8)
                .setNumHiddenLayers(1).setNumAttentionHeads(2).setIntermediateSize(12).optMaxPositionEmbeddings(16).build();
        Path tokenizer = Files.writeString(tmp.resolve("tok.json"), "{}");
        Path dir = tmp.resolve("saved");
        try (NDManager m = NDManager.newBaseManager();
                TransformerEncoder first = TransformerEncoder.builder().setConfig(config).build();
                TransformerEncoder second = TransformerEncoder.builder().setConfig(config).build()) {
            first.initializeRandom(m, 1);
            second.initializeRandom(m, 2);
            EncoderCheckpoint.save(first, dir, tokenizer);
            byte[] weights = Files.readAllBytes(dir.resolve("model.safetensors"));
            // the second's weights replaced the first's before the copy of the tokenizer failed, and
            // the first's config.json, written last, then vouched for them as a complete folder
            Path missing = tmp.resolve("no-such/tokenizer.json");
            java.nio.file.NoSuchFileException e = assertThrows(java.nio.file.NoSuchFileException.class,
                    () -> EncoderCheckpoint.save(second, dir, missing));
            assertEquals(missing.toString(), e.getFile());
            assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
        }
    }

    /**
     * Another process swaps the encoder folder below the user's output folder for a link to a
     * victim folder while the encoder is saved into it again and again (the grid saves one per
     * learning rate): no weights, config or tokenizer may land where the link leads. Saved by name,
     * the files follow the link whenever the swap falls between the folder's check and the write.
     */
    @Test
    void anEncoderFolderSwappedForALinkWhileSavingGetsNothingWhereTheLinkLeads() throws Exception {
        try (var s = Files.newDirectoryStream(tmp)) {
            assumeTrue(s instanceof java.nio.file.SecureDirectoryStream, "needs openat (Linux, macOS)");
        }
        EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(30).setHiddenSize(8)
                .setNumHiddenLayers(1).setNumAttentionHeads(2).setIntermediateSize(12).optMaxPositionEmbeddings(16).build();
        Path tokenizer = Files.writeString(tmp.resolve("tok.json"), "{}");
        Path victim = Files.createDirectories(tmp.resolve("victim"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.createDirectories(out.resolve("encoder"));
        int[] n;
        try (NDManager m = NDManager.newBaseManager();
                TransformerEncoder enc = TransformerEncoder.builder().setConfig(config).build()) {
            enc.initializeRandom(m, 1);
            n = FolderSwap.during(out, "encoder", victim, 300,
                    i -> EncoderCheckpoint.save(enc, out, out.resolve("encoder"), tokenizer));
        }
        System.out.printf("encoder folder swap race: %d saves, %d refused%n", n[0], n[1]);
        assertEquals(List.of(), FolderSwap.below(victim), "saved through a link swapped in place of the folder");
    }

    @Test
    void weightsOfADivergedRunAreRefusedNamingTheTensorAndSavingLeavesNoTempFile() throws Exception {
        EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(30).setHiddenSize(8)
                .setNumHiddenLayers(1).setNumAttentionHeads(2).setIntermediateSize(12).optMaxPositionEmbeddings(16).build();
        Path tokenizer = Files.writeString(tmp.resolve("tok.json"), "{}");
        try (NDManager m = NDManager.newBaseManager();
                TransformerEncoder enc = TransformerEncoder.builder().setConfig(config).build()) {
            enc.initializeRandom(m, 3);
            EncoderCheckpoint.save(enc, tmp.resolve("ok"), tokenizer);
            try (var files = Files.list(tmp.resolve("ok"))) {
                assertEquals(List.of("config.json", "model.safetensors", "tokenizer.json"),
                        files.map(f -> f.getFileName().toString()).sorted().toList(), "whole files only");
            }
            ai.djl.nn.Parameter p = enc.layers().get(0).getParameters().get(0).getValue();
            p.getArray().set(new ai.djl.ndarray.index.NDIndex("0"), Float.NaN);
            EncoderCheckpoint.save(enc, tmp.resolve("diverged"), null);
            MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class,
                    () -> EncoderCheckpoint.load(tmp.resolve("diverged"), m));
            assertTrue(e.getMessage().contains("NaN or infinite") && e.getMessage().contains("model.safetensors"),
                    e.getMessage());
        }
    }

    @Test
    void randomInitIsDeterministicAndHfStyled() throws Exception {
        EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.ROBERTA).setVocabSize(300).setHiddenSize(64)
                .setNumHiddenLayers(1).setNumAttentionHeads(4).setIntermediateSize(96).optMaxPositionEmbeddings(40).build();
        try (NDManager m = NDManager.newBaseManager();
                TransformerEncoder a = TransformerEncoder.builder().setConfig(config).build();
                TransformerEncoder b = TransformerEncoder.builder().setConfig(config).build();
                TransformerEncoder c = TransformerEncoder.builder().setConfig(config).build()) {
            a.initializeRandom(m, 7);
            b.initializeRandom(m, 7);
            c.initializeRandom(m, 8);
            List<HostTensor> ta = EncoderCheckpoint.toHostTensors(a, "");
            List<HostTensor> tb = EncoderCheckpoint.toHostTensors(b, "");
            List<HostTensor> tc = EncoderCheckpoint.toHostTensors(c, "");
            for (int i = 0; i < ta.size(); i++) {
                assertEquals(ta.get(i).data(), tb.get(i).data(), "same seed, same " + ta.get(i).name());
            }
            Map<String, float[]> byName = new LinkedHashMap<>();
            for (HostTensor t : ta) {
                float[] v = new float[(int) t.numel()];
                t.data().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                byName.put(t.name(), v);
            }
            assertNotEquals(ta.get(0).data(), tc.get(0).data(), "another seed, other values");
            float[] words = byName.get("embeddings.word_embeddings.weight");
            double sum = 0;
            double sq = 0;
            for (float f : words) {
                sum += f;
                sq += f * f;
            }
            double mean = sum / words.length;
            double std = Math.sqrt(sq / words.length - mean * mean);
            assertEquals(0.02, std, 0.001, "normal(0, 0.02)");
            assertEquals(0, mean, 0.001);
            for (int col = 0; col < 64; col++) {
                assertEquals(0f, words[config.padTokenId() * 64 + col], "padding row of the word table is zero");
                assertEquals(0f, byName.get("embeddings.position_embeddings.weight")[config.padTokenId() * 64 + col]);
            }
            for (float f : byName.get("encoder.layer.0.output.LayerNorm.weight")) {
                assertEquals(1f, f);
            }
            for (float f : byName.get("encoder.layer.0.attention.self.key.bias")) {
                assertEquals(0f, f);
            }
            assertThrows(IllegalStateException.class, () -> a.initializeRandom(m, 1));
        }
    }

    @Test
    void toHostTensorsUsesTheGivenPrefix() throws Exception {
        Path src = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/encoder");
        try (NDManager m = NDManager.newBaseManager();
                LoadedCheckpoint ck = EncoderCheckpoint.load(src, m)) {
            List<String> names = new ArrayList<>();
            for (HostTensor t : EncoderCheckpoint.toHostTensors(ck.encoder(), "roberta.")) {
                names.add(t.name());
            }
            assertEquals("roberta.embeddings.word_embeddings.weight", names.get(0));
            assertTrue(names.contains("roberta.encoder.layer.1.attention.self.value.weight"));
        }
    }

    @Test
    void collectionsDocumentedUnmodifiableAreAndOtherTensorsAreSorted() throws Exception {
        Path qa = SharedFixtures.require("fixtures/hf-reference/bert/question-answering");
        try (NDManager m = NDManager.newBaseManager();
                LoadedCheckpoint c = EncoderCheckpoint.load(qa, m)) {
            // LoadedCheckpoint.otherTensors: "an unmodifiable map sorted by name" (the QA head, the pooler)
            List<String> names = new ArrayList<>(c.otherTensors().keySet());
            assertTrue(names.contains("qa_outputs.weight"), names.toString());
            assertEquals(names.stream().sorted().toList(), names);
            assertThrows(UnsupportedOperationException.class, () -> c.otherTensors().clear());
            TransformerEncoder e = c.encoder();
            int layers = e.config().numHiddenLayers();
            // "an unmodifiable list of numHiddenLayers layers", "unmodifiable set of 8 * numHiddenLayers"
            assertEquals(layers, e.layers().size());
            assertEquals(8 * layers, e.matrixParameters().size());
            assertEquals(8 * layers, e.halfPrecisionParameters().size());
            assertThrows(UnsupportedOperationException.class, () -> e.layers().clear());
            assertThrows(UnsupportedOperationException.class, () -> e.matrixParameters().clear());
            assertThrows(UnsupportedOperationException.class, () -> e.halfPrecisionParameters().clear());
            try (SafetensorsReader r = SafetensorsReader.open(qa)) {
                // "an unmodifiable, sorted list of names"
                List<String> all = r.names();
                assertEquals(all.stream().sorted().toList(), all);
                assertThrows(UnsupportedOperationException.class, () -> all.remove(0));
            }
        }
    }
}
