package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.testing.SharedFixtures;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who owns what after {@code MultiHeadModel.Builder.build()}, with the fixture BERT encoder: the
 * model's manager owns the encoder's parameters ("its parameters move to the model's manager").
 */
class MultiHeadModelOwnershipTest {
    @Test
    void aBuildRefusedForAnUninitializedEncoderLeavesNothingInTheManager() throws Exception {
        Path config = SharedFixtures.require("fixtures/hf-reference/bert/encoder").resolve(EncoderCheckpoint.CONFIG_FILE);
        TransformerEncoder encoder = TransformerEncoder.builder().setConfig(EncoderConfig.fromJson(config)).build();
        try (NDManager root = NDManager.newBaseManager()) {
            int before = resources(root);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> MultiHeadModel.builder()
                    .setManager(root).setEncoder(encoder).addHead("a", TestHeads.sequence(2)).build());
            assertEquals("model: the encoder must be initialized before build()", e.getMessage());
            // no model exists to close the sub-manager it would have owned
            assertEquals(before, resources(root));
        }
    }

    @Test
    void aSecondEncoderIsRefusedRatherThanReplacingTheFirst() throws Exception {
        // before, the second call silently replaced the first encoder (and its hidden size)
        Path config = SharedFixtures.require("fixtures/hf-reference/bert/encoder").resolve(EncoderCheckpoint.CONFIG_FILE);
        EncoderConfig c = EncoderConfig.fromJson(config);
        TransformerEncoder first = TransformerEncoder.builder().setConfig(c).build();
        TransformerEncoder second = TransformerEncoder.builder().setConfig(c).build();
        MultiHeadModel.Builder b = MultiHeadModel.builder().setEncoder(first);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.setEncoder(second));
        assertTrue(e.getMessage().startsWith("model: the encoder is already set"), e.getMessage());
        IllegalArgumentException block = assertThrows(IllegalArgumentException.class,
                () -> b.setEncoder(new TinyEncoder(4, 8), 8));
        assertTrue(block.getMessage().startsWith("model: the encoder is already set"), block.getMessage());
    }

    @Test
    void aHeadFailingToInitializeLeavesTheEncodersArraysWhereTheyWere() throws Exception {
        // the constructor had moved the encoder's arrays into its sub-manager when a head failed: they
        // stayed in that orphan, with the good head's arrays, until the caller's manager closed
        try (NDManager root = NDManager.newBaseManager()) {
            TransformerEncoder encoder = TransformerEncoder.builder().setConfig(tinyBert()).build();
            encoder.initializeRandom(root, 1);
            int before = resources(root);
            io.github.prefine.core.head.TaskHead bad = io.github.prefine.core.head.HeadAdapter.of("bad", 2,
                    hidden -> io.github.prefine.heads.TokenClassificationHead.builder().setHiddenSize(hidden + 1)
                            .setNumLabels(2).build(), io.github.prefine.core.head.HeadAdapter.classes());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MultiHeadModel.builder()
                    .setManager(root).setEncoder(encoder).addHead("good", TestHeads.sequence(2)).addHead("bad", bad)
                    .build());
            assertEquals("head bad: block hidden size 9 differs from the encoder's 8", e.getMessage());
            assertEquals(before, resources(root), "the failed build left resources in the caller's manager");
            for (var p : encoder.getParameters()) {
                assertTrue(p.getValue().getArray().getManager() == root, p.getKey() + " left the caller's manager");
            }
            // the encoder is still the caller's, whole: a new model takes it
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(root).setEncoder(encoder)
                    .addHead("good", TestHeads.sequence(2)).build()) {
                assertTrue(model.encoderParameters().get(0).parameter().getArray().toFloatArray().length > 0);
            }
        }
    }

    @Test
    void aRollbackThatCannotReturnAnArrayStillThrowsTheHeadsFailureAndFreesTheModelsManager() throws Exception {
        // the rollback's attach to a manager closed meanwhile threw out of the loop: the head's own
        // failure was lost and the model's sub-manager stayed in the caller's, with every array in it
        try (NDManager root = NDManager.newBaseManager()) {
            NDManager owner = root.newSubManager();
            TransformerEncoder encoder = TransformerEncoder.builder().setConfig(tinyBert()).build();
            encoder.initializeRandom(owner, 1);
            int before = resources(root);
            io.github.prefine.core.head.TaskHead closing = io.github.prefine.core.head.HeadAdapter.of("closing", 2,
                    hidden -> {
                        owner.close();
                        throw new IllegalStateException("head closing: its factory failed");
                    }, io.github.prefine.core.head.HeadAdapter.classes());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> MultiHeadModel.builder()
                    .setManager(root).setEncoder(encoder).addHead("closing", closing).build());
            assertEquals("head closing: its factory failed", e.getMessage());
            assertTrue(e.getSuppressed().length > 0, "the rollback's own failure is kept as suppressed");
            // the owner closed (one resource fewer), and no model sub-manager left behind
            assertEquals(before - 1, resources(root), "the failed build left resources in the caller's manager");
        }
    }

    /** A BERT encoder of hidden size 8, one layer. */
    private static EncoderConfig tinyBert() {
        return EncoderConfig.builder().setModelType(io.github.prefine.core.encoder.ModelFamily.BERT)
                .setVocabSize(16).setHiddenSize(8).setNumHiddenLayers(1).setNumAttentionHeads(2)
                .setIntermediateSize(8).optMaxPositionEmbeddings(16).build();
    }

    /** The resources a manager holds (sub-managers included, which getManagedArrays does not count). */
    private static int resources(NDManager m) throws ReflectiveOperationException {
        Field f = BaseNDManager.class.getDeclaredField("resources");
        f.setAccessible(true);
        return ((Map<?, ?>) f.get(m)).size();
    }

    @Test
    void aBuilderBuildsOneModelBecauseTheModelTakesTheEncoder() throws Exception {
        Path dir = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        try (NDManager root = NDManager.newBaseManager()) {
            MultiHeadModel.Builder b = MultiHeadModel.builder().setManager(root)
                    .setEncoder(EncoderCheckpoint.load(dir, root).encoder()).addHead("a", TestHeads.sequence(2));
            try (MultiHeadModel first = b.build()) {
                // a second model would take the same encoder arrays, and closing it would free the
                // first model's encoder
                IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
                assertTrue(e.getMessage().contains("already built"), e.getMessage());
                assertTrue(first.encoderParameters().get(0).parameter().getArray().toFloatArray().length > 0);
            }
        }
    }

    @Test
    void aFolderSavedAgainAsAnHfFolderLoadsTheNewEncoderNotAStaleTensorFile(@TempDir Path tmp)
            throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        EncoderConfig config = EncoderConfig.fromJson(fixture.resolve(EncoderCheckpoint.CONFIG_FILE));
        Path dir = tmp.resolve("model");
        try (NDManager root = NDManager.newBaseManager()) {
            // first saved without a writer (encoder.safetensors), from a randomly initialised encoder
            TransformerEncoder random = TransformerEncoder.builder().setConfig(config).build();
            random.initializeRandom(root, 1);
            try (MultiHeadModel m = MultiHeadModel.builder().setManager(root).setEncoder(random)
                    .addHead("a", TestHeads.sequence(2)).build()) {
                m.save(dir, null);
            }
            // then saved again into the same folder as an HF folder, from the fixture's encoder
            float[] expected;
            try (MultiHeadModel m = MultiHeadModel.builder().setManager(root)
                    .setEncoder(EncoderCheckpoint.load(fixture, root).encoder()).addHead("a", TestHeads.sequence(2)).build()) {
                m.save(dir, EncoderWriter.huggingFace(null));
                expected = m.encoderParameters().get(0).parameter().getArray().toFloatArray();
            }
            // save-then-load: the encoder read back is the one saved last
            try (MultiHeadModel m = MultiHeadModel.builder().setManager(root)
                    .setEncoder(EncoderCheckpoint.load(dir.resolve("encoder"), root).encoder())
                    .addHead("a", TestHeads.sequence(2)).build()) {
                m.loadParameters(dir);
                assertArrayEquals(expected,
                        m.encoderParameters().get(0).parameter().getArray().toFloatArray());
            }
        }
    }

    @Test
    void aModelWhoseManagerWasClosedSaysSoInsteadOfFailingInsideTheEngine(@TempDir Path tmp) throws Exception {
        Path dir = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        NDManager root = NDManager.newBaseManager();
        MultiHeadModel model = MultiHeadModel.builder().setManager(root).setEncoder(EncoderCheckpoint.load(dir, root).encoder())
                .addHead("a", TestHeads.sequence(2)).build();
        // the model's arrays live in a sub-manager of root, so they die with it; save failed in
        // HostTensors with "Native resource has been released already"
        root.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.save(tmp, null));
        assertEquals("model: the manager given to setManager was closed, and the parameters with it", e.getMessage());
        assertThrows(IllegalStateException.class, () -> model.loadParameters(tmp));
        model.close();
        model.close();
    }

    @Test
    void aClosedModelRefusesItsParametersInsteadOfHandingOutFreedArrays() throws Exception {
        Path dir = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        try (NDManager root = NDManager.newBaseManager()) {
            MultiHeadModel model = MultiHeadModel.builder().setManager(root)
                    .setEncoder(EncoderCheckpoint.load(dir, root).encoder()).addHead("a", TestHeads.sequence(2)).build();
            model.close();
            // reading one of them failed inside the engine: "Native resource has been released already"
            for (Executable call : List.<Executable>of(
                    model::parameters, model::encoderParameters, () -> model.headParameters(0),
                    () -> model.activeParameters(new int[] {0}))) {
                assertEquals("model: already closed", assertThrows(IllegalStateException.class, call).getMessage());
            }
            // what it was stays known
            assertEquals(List.of("a"), model.taskNames());
        }
    }

    @Test
    void buildRefusesAClosedManagerAndANullTaskSet() throws Exception {
        Path dir = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        try (NDManager root = NDManager.newBaseManager()) {
            TransformerEncoder encoder = EncoderCheckpoint.load(dir, root).encoder();
            NDManager closed = NDManager.newBaseManager();
            closed.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> MultiHeadModel.builder()
                    .setManager(closed).setEncoder(encoder).addHead("a", TestHeads.sequence(2)).build());
            assertEquals("model: the manager given to setManager is closed", e.getMessage());
            NullPointerException npe = assertThrows(NullPointerException.class, () -> MultiHeadModel.builder().addTasks(null));
            assertEquals("tasks", npe.getMessage());
        }
    }

    @Test
    void anEncoderIsOwnedByOneOpenModelAndCannotBeReusedOnceFreed() throws Exception {
        Path dir = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        try (NDManager root = NDManager.newBaseManager()) {
            TransformerEncoder encoder = EncoderCheckpoint.load(dir, root).encoder();
            try (MultiHeadModel first = MultiHeadModel.builder().setManager(root).setEncoder(encoder)
                    .addHead("a", TestHeads.sequence(2)).build()) {
                // through a second builder the second model took the arrays, and closing it freed the
                // first model's encoder ("Native resource has been released already" on its next use)
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> MultiHeadModel.builder()
                        .setManager(root).setEncoder(encoder).addHead("b", TestHeads.sequence(2)).build());
                assertTrue(e.getMessage().contains("belongs to another open model"), e.getMessage());
                assertTrue(first.encoderParameters().get(0).parameter().getArray().toFloatArray().length > 0);
            }
            // the first model freed the encoder's arrays when it closed
            IllegalStateException freed = assertThrows(IllegalStateException.class, () -> MultiHeadModel.builder()
                    .setManager(root).setEncoder(encoder).addHead("b", TestHeads.sequence(2)).build());
            assertTrue(freed.getMessage().contains("was freed"), freed.getMessage());
        }
        // a freshly loaded encoder builds a model again
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel again = MultiHeadModel.builder().setManager(root)
                        .setEncoder(EncoderCheckpoint.load(dir, root).encoder()).addHead("a", TestHeads.sequence(2)).build()) {
            assertEquals(1, again.numTasks());
        }
    }

    @Test
    void aHiddenSizeOtherThanTheEncodersIsRefusedAtBuild() throws Exception {
        Path dir = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        try (NDManager root = NDManager.newBaseManager()) {
            TransformerEncoder encoder = EncoderCheckpoint.load(dir, root).encoder();
            int resources = resources(root);
            // the heads were made for 7 and the first forward failed in the head: "input must be
            // lastHiddenState [batch, seqLen, 7], found (4, 8, 32)"
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MultiHeadModel.builder()
                    .setManager(root).setEncoder(encoder, 7).addHead("a", TestHeads.sequence(2)).build());
            assertEquals("model: hiddenSize 7 differs from the encoder's " + encoder.config().hiddenSize(), e.getMessage());
            assertEquals(resources, resources(root));
        }
    }
}
