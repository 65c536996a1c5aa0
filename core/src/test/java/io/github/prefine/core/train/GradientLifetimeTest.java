package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.HiddenActivation;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.kernels.EngineScalars;
import io.github.prefine.heads.HeadFamily;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gradients must not depend on when the garbage collector runs. A constant operand that DJL backs
 * with a Java direct buffer, kept by autograd for the backward pass, is freed by a collection
 * between forward and backward; the backward then reads reused memory. These tests force that
 * collection and compare against a step without it.
 */
class GradientLifetimeTest {

    /** Collects garbage (so cleaners free unreachable direct buffers), then reuses freed memory. */
    private static List<ByteBuffer> collectAndScribble() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 + (i % 8) * 4);
            while (b.hasRemaining()) {
                b.put((byte) 0x4B);
            }
            junk.add(b);
        }
        return junk;
    }

    @Test
    void engineScalarsKeepTheirValueForTheBackwardPass() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1f, -2f, 3f});
            x.setRequiresGradient(true);
            List<ByteBuffer> junk;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                // d/dx sum(x^3 * 0.25 / 2) = 0.375 x^2
                NDArray y = EngineScalars.div(EngineScalars.mul(EngineScalars.pow(x, 3f), 0.25f), 2f).sum();
                junk = collectAndScribble();
                gc.backward(y);
            }
            assertArrayEquals(new float[] {0.375f, 1.5f, 3.375f}, x.getGradient().toFloatArray(), 1e-6f);
            assertEquals(20_000, junk.size());
        }
    }

    @Test
    void aCollectionBetweenForwardAndBackwardLeavesEveryGradientUnchanged() throws Exception {
        SyntheticTasks tasks = new SyntheticTasks(61, 24, 8, TrainerTest.THREE);
        MultiTaskBatch batch = tasks.assemble(Split.TRAIN, new int[] {0, 1, 2, 0, 1, 2}, new int[] {0, 1, 2, 3, 4, 5});
        // dropout on (reseeded per pass); gelu_new and the span loss exercise the constant operands of the activation and loss
        EncoderConfig cfg = EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(SyntheticTasks.VOCAB)
                .setHiddenSize(32).setNumHiddenLayers(2).setNumAttentionHeads(4).setIntermediateSize(64)
                .optHiddenAct(HiddenActivation.GELU_TANH).build();
        try (NDManager root = NDManager.newBaseManager()) {
            TransformerEncoder encoder = TransformerEncoder.builder().setConfig(cfg).build();
            encoder.initializeRandom(root, 4);
            int h = cfg.hiddenSize();
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(root).setEncoder(encoder)
                    .addHead("token", TaskFormat.TOKEN.newHead(3, HeadFamily.BERT, 1))
                    .addHead("sequence", TaskFormat.SINGLE_TEXT.newHead(2, HeadFamily.BERT, 2))
                    .addHead("span", TaskFormat.QA.newHead(2, HeadFamily.BERT, 3))
                    .build()) {
                for (NamedParameter p : model.parameters()) {
                    p.parameter().getArray().setRequiresGradient(true);
                }
                List<float[]> quiet = gradients(model, batch, false);
                List<float[]> collected = gradients(model, batch, true);
                for (int i = 0; i < quiet.size(); i++) {
                    assertArrayEquals(quiet.get(i), collected.get(i), 0f, model.parameters().get(i).key());
                }
            }
        }
    }

    private static List<float[]> gradients(MultiHeadModel model, MultiTaskBatch batch, boolean collect) throws Exception {
        List<ByteBuffer> junk = null;
        try (NDManager sm = model.getManager().newSubManager()) {
            Engine.getInstance().setRandomSeed(9);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = model.forward(sm, batch, true).meanLoss();
                if (collect) {
                    junk = collectAndScribble();
                }
                gc.backward(loss);
            }
            List<float[]> out = new ArrayList<>();
            for (NamedParameter p : model.parameters()) {
                try (NDArray g = p.parameter().getArray().getGradient()) {
                    out.add(g.toFloatArray());
                    g.subi(g);
                }
            }
            if (junk != null) {
                assertEquals(20_000, junk.size());
            }
            return out;
        }
    }
}
