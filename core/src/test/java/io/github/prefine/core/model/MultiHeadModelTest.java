package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.train.SyntheticTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultiHeadModelTest {
    private static final TestHeads.Kind[] KINDS = {
        TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE, TestHeads.Kind.SPAN, TestHeads.Kind.CHOICE
    };

    static MultiHeadModel build(NDManager m, SyntheticTasks tasks, TaskLossWeighting scaling) {
        MultiHeadModel.Builder b = MultiHeadModel.builder().setManager(m)
                .setEncoder(new TinyEncoder(SyntheticTasks.VOCAB, 8).init(m), 8).optTaskLossWeighting(scaling);
        for (int t = 0; t < tasks.numTasks(); t++) {
            b.addHead(tasks.name(t), tasks.head(t));
        }
        return b.build();
    }

    /** One example alone, in a batch of its own (its own padding length). */
    private static float singleLoss(MultiHeadModel model, SyntheticTasks tasks, int task, int example) {
        try (NDManager sm = model.getManager().newSubManager()) {
            MultiTaskBatch b = tasks.assemble(Split.TRAIN, new int[] {task}, new int[] {example});
            return model.forward(sm, b, false).lossSum().getFloat();
        }
    }

    @Test
    void heterogeneousBatchLossIsMeanOfEachExamplesTaskLoss() {
        SyntheticTasks tasks = new SyntheticTasks(1, 8, 4, KINDS);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = build(root, tasks, TaskLossWeighting.NONE)) {
            int[] t = {2, 0, 3, 1, 0, 2, 1, 3, 0};
            int[] e = {0, 1, 2, 3, 4, 5, 6, 7, 0};
            double expected = 0;
            for (int i = 0; i < t.length; i++) {
                expected += singleLoss(model, tasks, t[i], e[i]);
            }
            expected /= t.length;
            try (NDManager sm = model.getManager().newSubManager()) {
                MultiTaskBatch b = tasks.assemble(Split.TRAIN, t, e);
                assertEquals(11, b.rows(), "9 examples, the two choice examples take two rows each");
                MultiHeadModel.Output out = model.forward(sm, b, false);
                assertEquals(expected, out.meanLoss().getFloat(), 1e-5);
                assertEquals(4, out.logits().size());
                assertArrayEquals(new long[] {2, 2}, out.logits().get(3).getShape().getShape(), "choice logits [examples, choices]");
            }
        }
    }

    @Test
    void muppetScalingDividesEachExampleByLogOfLabelCount() {
        SyntheticTasks tasks = new SyntheticTasks(2, 6, 2, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = build(root, tasks, TaskLossWeighting.LOG_NUM_LABELS)) {
            int[] t = {0, 1, 1, 0};
            int[] e = {0, 1, 2, 3};
            double expected = 0;
            for (int i = 0; i < t.length; i++) {
                expected += singleLoss(model, tasks, t[i], e[i]) ;
            }
            // singleLoss already applies the scaling: check it against the unscaled per-task sum
            try (NDManager sm = model.getManager().newSubManager()) {
                MultiHeadModel.Output out = model.forward(sm, tasks.assemble(Split.TRAIN, t, e), false);
                assertEquals(expected, out.lossSum().getFloat(), 1e-5);
                double unscaled = out.taskLossSums().get(0).getFloat() / Math.log(3)
                        + out.taskLossSums().get(1).getFloat() / Math.log(2);
                assertEquals(unscaled, out.lossSum().getFloat(), 1e-5);
            }
        }
    }

    @Test
    void forwardLeavesNothingInTheModelManager() {
        SyntheticTasks tasks = new SyntheticTasks(3, 8, 2, KINDS);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = build(root, tasks, TaskLossWeighting.NONE)) {
            int before = model.getManager().getManagedArrays().size();
            try (NDManager sm = root.newSubManager()) {
                model.forward(sm, tasks.assemble(Split.TRAIN, new int[] {0, 1, 2, 3}, new int[] {0, 1, 2, 3}), true);
                assertEquals(before, model.getManager().getManagedArrays().size());
            }
        }
    }

    @Test
    void saveThenLoadRestoresEveryOutput(@TempDir Path dir) throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(4, 8, 2, KINDS);
        int[] t = {0, 1, 2, 3};
        int[] e = {0, 1, 2, 3};
        try (NDManager root = NDManager.newBaseManager()) {
            float[][] expected = new float[4][];
            try (MultiHeadModel a = build(root, tasks, TaskLossWeighting.NONE); NDManager sm = root.newSubManager()) {
                List<ai.djl.ndarray.NDArray> lg = a.forward(sm, tasks.assemble(Split.TRAIN, t, e), false).logits();
                for (int i = 0; i < 4; i++) {
                    expected[i] = lg.get(i).toFloatArray();
                }
                a.save(dir, null);
            }
            try (MultiHeadModel b = build(root, tasks, TaskLossWeighting.NONE); NDManager sm = root.newSubManager()) {
                b.loadParameters(dir);
                List<ai.djl.ndarray.NDArray> lg = b.forward(sm, tasks.assemble(Split.TRAIN, t, e), false).logits();
                for (int i = 0; i < 4; i++) {
                    assertArrayEquals(expected[i], lg.get(i).toFloatArray());
                }
            }
        }
    }

    @Test
    void loadingRefusesNonFiniteWeightsNamingTheTensorAndLeavesTheModel(@TempDir Path dir) throws Exception {
        // a diverged run's weights: EncoderCheckpoint.load names such a tensor and refuses it; the
        // model's own files must too, or predictions come out of NaN logits (every arg-max class 0)
        SyntheticTasks tasks = new SyntheticTasks(4, 8, 2, KINDS);
        try (NDManager root = NDManager.newBaseManager()) {
            String[] poisoned = new String[2];
            Path[] folders = {dir.resolve("head"), dir.resolve("encoder")};
            float[] bad = {Float.NaN, Float.POSITIVE_INFINITY};
            for (int i = 0; i < 2; i++) {
                try (MultiHeadModel a = build(root, tasks, TaskLossWeighting.NONE)) {
                    NamedParameter p = i == 0 ? a.headParameters(1).get(0) : a.encoderParameters().get(1);
                    float[] v = p.parameter().getArray().toFloatArray();
                    v[v.length - 1] = bad[i];
                    p.parameter().getArray().set(java.nio.FloatBuffer.wrap(v));
                    poisoned[i] = p.key();
                    a.save(folders[i], null);
                }
            }
            try (MultiHeadModel b = build(root, tasks, TaskLossWeighting.NONE)) {
                List<float[]> before = b.parameters().stream().map(p -> p.parameter().getArray().toFloatArray()).toList();
                for (int i = 0; i < 2; i++) {
                    Path folder = folders[i];
                    io.github.prefine.core.checkpoint.MalformedCheckpointException e = assertThrows(
                            io.github.prefine.core.checkpoint.MalformedCheckpointException.class, () -> b.loadParameters(folder));
                    Path file = folder.resolve(i == 0 ? "heads.safetensors" : "encoder.safetensors");
                    assertEquals(file, e.file());
                    assertTrue(e.getMessage().contains("tensor " + poisoned[i] + " holds NaN or infinite values"),
                            e.getMessage());
                }
                List<float[]> after = b.parameters().stream().map(p -> p.parameter().getArray().toFloatArray()).toList();
                for (int k = 0; k < before.size(); k++) {
                    assertArrayEquals(before.get(k), after.get(k), "a refused load changed " + b.parameters().get(k).key());
                }
            }
        }
    }

    @Test
    void loadingRefusesAnIntegerTensorNamingFileTensorAndDtype(@TempDir Path dir) throws Exception {
        // the reader now opens files holding any fixed-width safetensors dtype; a weight of one
        // that is no float must still be refused naming the file, not only the tensor
        SyntheticTasks tasks = new SyntheticTasks(4, 8, 2, KINDS);
        try (NDManager root = NDManager.newBaseManager()) {
            String key;
            try (MultiHeadModel a = build(root, tasks, TaskLossWeighting.NONE)) {
                key = a.headParameters(1).get(0).key();
                a.save(dir, null);
            }
            Path file = dir.resolve("heads.safetensors");
            java.util.List<io.github.prefine.core.checkpoint.HostTensor> tensors = new java.util.ArrayList<>();
            try (io.github.prefine.core.checkpoint.SafetensorsReader r = io.github.prefine.core.checkpoint.SafetensorsReader.open(file)) {
                for (String n : r.names()) {
                    io.github.prefine.core.checkpoint.HostTensor t = r.read(n);
                    tensors.add(!n.equals(key) ? t : new io.github.prefine.core.checkpoint.HostTensor(n,
                            io.github.prefine.core.checkpoint.HostTensor.DType.I16, t.shape(),
                            java.nio.ByteBuffer.allocate((int) t.numel() * 2)));
                }
            }
            io.github.prefine.core.checkpoint.SafetensorsWriter.write(file, tensors);
            try (MultiHeadModel b = build(root, tasks, TaskLossWeighting.NONE)) {
                io.github.prefine.core.checkpoint.MalformedCheckpointException e = assertThrows(
                        io.github.prefine.core.checkpoint.MalformedCheckpointException.class, () -> b.loadParameters(dir));
                assertEquals(file, e.file());
                assertEquals(file + ": tensor " + key + " has dtype I16, expected F32, F16, BF16 or F64", e.getMessage());
            }
        }
    }

    @Test
    void saveReplacesLinksPlantedAtItsFileNamesWithoutWritingThroughThem(@TempDir Path dir) throws Exception {
        Path victim = Files.writeString(dir.resolve("elsewhere.txt"), "someone's own file\n");
        Path out = Files.createDirectories(dir.resolve("model"));
        for (String name : List.of("prefine-model.json", "encoder.safetensors", "heads.safetensors")) {
            Files.createSymbolicLink(out.resolve(name), victim);
        }
        SyntheticTasks tasks = new SyntheticTasks(2, 8, 2, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE);
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel a = build(root, tasks, TaskLossWeighting.NONE)) {
            a.save(out, null);
            a.loadParameters(out);
        }
        assertEquals("someone's own file\n", Files.readString(victim));
        assertTrue(Files.isRegularFile(out.resolve("prefine-model.json"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    /** A model over a float16 {@link io.github.prefine.core.encoder.TransformerEncoder} drawn from a seed. */
    private static MultiHeadModel float16Model(NDManager m, long seed) {
        io.github.prefine.core.encoder.EncoderConfig c = io.github.prefine.core.encoder.EncoderConfig.builder()
                .setModelType(io.github.prefine.core.encoder.ModelFamily.BERT).setVocabSize(30).setHiddenSize(8)
                .setNumHiddenLayers(1).setNumAttentionHeads(2).setIntermediateSize(12).build();
        io.github.prefine.core.encoder.TransformerEncoder enc = io.github.prefine.core.encoder.TransformerEncoder
                .builder().setConfig(c).optDataType(ai.djl.ndarray.types.DataType.FLOAT16).build();
        enc.initializeRandom(m, seed);
        return MultiHeadModel.builder().setManager(m).setEncoder(enc).addHead("a", TestHeads.sequence(2)).build();
    }

    private static List<float[]> values(MultiHeadModel model) {
        return model.parameters().stream()
                .map(p -> p.parameter().getArray().toType(ai.djl.ndarray.types.DataType.FLOAT32, true).toFloatArray())
                .toList();
    }

    @Test
    void float16EncoderSavedWithoutAWriterLoadsBackExactly(@TempDir Path dir) throws Exception {
        // the file holds float32 widenings of the float16 weights, which narrow back exactly; the
        // load refused them ("copy: expected (8) float16, found (8) float32") after copying the heads
        try (NDManager root = NDManager.newBaseManager()) {
            List<float[]> saved;
            try (MultiHeadModel a = float16Model(root, 1)) {
                saved = values(a);
                a.save(dir, null);
            }
            try (MultiHeadModel b = float16Model(root, 2)) {
                assertEquals(ai.djl.ndarray.types.DataType.FLOAT16,
                        b.encoderParameters().get(0).parameter().getArray().getDataType());
                b.loadParameters(dir);
                List<float[]> loaded = values(b);
                for (int k = 0; k < saved.size(); k++) {
                    assertArrayEquals(saved.get(k), loaded.get(k), b.parameters().get(k).key());
                }
                assertEquals(ai.djl.ndarray.types.DataType.FLOAT16,
                        b.encoderParameters().get(0).parameter().getArray().getDataType(), "the parameter keeps its dtype");
            }
        }
    }

    @Test
    void setValuesRefusingAShapeLeavesEveryParameterAsItWas() throws Exception {
        assertRefusalLeavesEveryParameter((m, target) -> m.zeros(new ai.djl.ndarray.types.Shape(1, 1, 1)),
                " has shape");
    }

    @Test
    void setValuesRefusingADtypeLeavesEveryParameterAsItWas() throws Exception {
        // an integer tensor cannot be a weight: refused before the good tensor ahead of it is copied
        assertRefusalLeavesEveryParameter((m, target) -> m.zeros(target.getShape(), ai.djl.ndarray.types.DataType.INT32),
                " has dtype int32, expected float32");
    }

    @Test
    void setValuesRefusesANonFiniteValueAsLoadingAFileDoes() throws Exception {
        // loadParameters refuses NaN as it reads the file, EncoderCheckpoint.load a diverged encoder;
        // setValues, which resumes and restores best weights, copied NaN in without a word
        assertRefusalLeavesEveryParameter((m, target) -> m.full(target.getShape(), Float.NaN),
                " holds NaN or infinite values");
    }

    /**
     * Gives setValues a good tensor (zeros) for the first parameter, then a bad one for the second,
     * and checks the refusal's message and that no parameter changed.
     */
    private static void assertRefusalLeavesEveryParameter(
            java.util.function.BiFunction<NDManager, ai.djl.ndarray.NDArray, ai.djl.ndarray.NDArray> bad,
            String expected) throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(2, 8, 2, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE);
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = build(root, tasks, TaskLossWeighting.NONE)) {
            List<NamedParameter> ps = model.parameters();
            List<float[]> before = ps.stream().map(p -> p.parameter().getArray().toFloatArray()).toList();
            java.util.Map<String, ai.djl.ndarray.NDArray> values = new java.util.LinkedHashMap<>();
            values.put(ps.get(0).key(), root.zeros(ps.get(0).parameter().getArray().getShape()));
            values.put(ps.get(1).key(), bad.apply(root, ps.get(1).parameter().getArray()));
            java.io.IOException e = assertThrows(java.io.IOException.class,
                    () -> model.setValues(values, java.util.Set.of(), "test values"));
            assertTrue(e.getMessage().startsWith("test values: " + ps.get(1).key() + expected), e.getMessage());
            for (int k = 0; k < ps.size(); k++) {
                assertArrayEquals(before.get(k), ps.get(k).parameter().getArray().toFloatArray(),
                        "a refused setValues changed " + ps.get(k).key());
            }
        }
    }

    @Test
    void float32ValueBeyondFloat16RangeIsRefusedNotMadeInfinite() throws Exception {
        // float16's largest finite value is 65504; 70000 would round to +inf
        try (NDManager root = NDManager.newBaseManager(); MultiHeadModel model = float16Model(root, 1)) {
            List<float[]> before = values(model);
            NamedParameter first = model.encoderParameters().get(0);
            NamedParameter second = model.encoderParameters().get(1);
            java.util.Map<String, ai.djl.ndarray.NDArray> vals = new java.util.LinkedHashMap<>();
            vals.put(first.key(), root.zeros(first.parameter().getArray().getShape()));
            vals.put(second.key(), root.full(second.parameter().getArray().getShape(), 70000f));
            java.io.IOException e = assertThrows(java.io.IOException.class,
                    () -> model.setValues(vals, java.util.Set.of(), "test values"));
            assertTrue(e.getMessage().startsWith("test values: " + second.key() + " has values outside float16's range"),
                    e.getMessage());
            List<float[]> after = values(model);
            for (int k = 0; k < before.size(); k++) {
                assertArrayEquals(before.get(k), after.get(k), "a refused setValues changed "
                        + model.parameters().get(k).key());
            }
        }
    }

    @Test
    void rejectsDuplicateTaskNamesAndMissingEncoder() {
        try (NDManager root = NDManager.newBaseManager()) {
            MultiHeadModel.Builder b = MultiHeadModel.builder().setManager(root).addHead("a", TestHeads.sequence(2));
            assertThrows(IllegalArgumentException.class, () -> b.addHead("a", TestHeads.sequence(2)));
            assertThrows(IllegalArgumentException.class, b::build);
        }
    }

    @Test
    void aSaveThatFailsMidwayLeavesNoManifestOverTwoModelsTensors(@TempDir Path dir) throws Exception {
        // a save over an earlier one that stops after its encoder (a full disk, a kill): the
        // earlier manifest stood over this model's encoder and the earlier heads, and the folder
        // loaded as a whole model
        SyntheticTasks tasks = new SyntheticTasks(2, 8, 2, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE);
        EncoderWriter plain = (encoder, folder) -> {
            List<io.github.prefine.core.checkpoint.HostTensor> ts = new java.util.ArrayList<>();
            for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : encoder.getParameters()) {
                ts.add(io.github.prefine.core.checkpoint.HostTensors.toHost(p.getKey(), p.getValue().getArray()));
            }
            io.github.prefine.core.checkpoint.SafetensorsWriter.write(folder.resolve("model.safetensors"), ts);
        };
        EncoderWriter failsAfterTheEncoder = (encoder, folder) -> {
            plain.write(encoder, folder);
            throw new java.io.IOException(folder + ": No space left on device");
        };
        Path manifest = dir.resolve("prefine-model.json");
        try (NDManager root = NDManager.newBaseManager()) {
            try (MultiHeadModel a = build(root, tasks, TaskLossWeighting.NONE)) {
                a.save(dir, plain);
            }
            assertTrue(Files.exists(manifest));
            try (MultiHeadModel b = build(root, tasks, TaskLossWeighting.NONE)) {
                assertThrows(java.io.IOException.class, () -> b.save(dir, failsAfterTheEncoder));
                assertFalse(Files.exists(manifest), "no manifest vouches for the half-replaced folder");
                io.github.prefine.core.checkpoint.MalformedCheckpointException e = assertThrows(
                        io.github.prefine.core.checkpoint.MalformedCheckpointException.class, () -> b.loadParameters(dir));
                assertTrue(e.getMessage().startsWith(manifest + ": is missing; expected the manifest"), e.getMessage());
                b.save(dir, plain);
                b.loadParameters(dir);
            }
        }
    }

    @Test
    void loadingTellsAShapeOrAStrayTensorOfTheEncodersFileNamingThatFile(@TempDir Path dir) throws Exception {
        // the heads' file was named for either; the encoder's, read alike, left both to setValues,
        // whose message named the folder alone
        SyntheticTasks tasks = new SyntheticTasks(2, 8, 2, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE);
        Path file = dir.resolve("encoder.safetensors");
        try (NDManager root = NDManager.newBaseManager()) {
            String key;
            long[] shape;
            try (MultiHeadModel a = build(root, tasks, TaskLossWeighting.NONE)) {
                NamedParameter p = a.encoderParameters().stream()
                        .filter(q -> q.parameter().getArray().getShape().dimension() == 2).findFirst().orElseThrow();
                key = p.key();
                shape = p.parameter().getArray().getShape().getShape();
                a.save(dir, null);
            }
            List<io.github.prefine.core.checkpoint.HostTensor> saved = new java.util.ArrayList<>();
            try (io.github.prefine.core.checkpoint.SafetensorsReader r = io.github.prefine.core.checkpoint.SafetensorsReader.open(file)) {
                for (String n : r.names()) {
                    saved.add(r.read(n));
                }
            }
            long numel = shape[0] * shape[1];
            List<io.github.prefine.core.checkpoint.HostTensor> flattened = saved.stream().map(t -> !t.name().equals(key) ? t
                    : new io.github.prefine.core.checkpoint.HostTensor(key, t.dtype(), new long[] {numel}, t.data())).toList();
            io.github.prefine.core.checkpoint.SafetensorsWriter.write(file, flattened);
            try (MultiHeadModel b = build(root, tasks, TaskLossWeighting.NONE)) {
                io.github.prefine.core.checkpoint.MalformedCheckpointException e = assertThrows(
                        io.github.prefine.core.checkpoint.MalformedCheckpointException.class, () -> b.loadParameters(dir));
                assertEquals(file + ": tensor " + key + " has shape (" + numel + "), expected (" + shape[0] + ", "
                        + shape[1] + ")", e.getMessage());
            }
            List<io.github.prefine.core.checkpoint.HostTensor> stray = new java.util.ArrayList<>(saved);
            stray.add(io.github.prefine.core.checkpoint.HostTensor.ofFloats("encoder.stray", new long[] {1}, new float[] {1f}));
            io.github.prefine.core.checkpoint.SafetensorsWriter.write(file, stray);
            try (MultiHeadModel b = build(root, tasks, TaskLossWeighting.NONE)) {
                io.github.prefine.core.checkpoint.MalformedCheckpointException e = assertThrows(
                        io.github.prefine.core.checkpoint.MalformedCheckpointException.class, () -> b.loadParameters(dir));
                assertEquals(file + ": tensor encoder.stray belongs to no parameter of this model's encoder",
                        e.getMessage());
            }
        }
    }
}
