package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.model.EncoderWriter;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.heads.HeadFamily;
import io.github.prefine.sampling.HeterogeneousSampler;
import io.github.prefine.sampling.SamplingStrategy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pre-finetuning with the real encoder (tiny random XLM-R fixture), the heads module and the sampling module. */
class HfEncoderTrainingTest {

    private static MultiHeadModel model(NDManager root, TransformerEncoder encoder) {
        int h = encoder.config().hiddenSize();
        return MultiHeadModel.builder().setManager(root).setEncoder(encoder)
                .addHead("token", TaskFormat.TOKEN.newHead(3, HeadFamily.ROBERTA, 1))
                .addHead("sequence", TaskFormat.SINGLE_TEXT.newHead(2, HeadFamily.ROBERTA, 2))
                .addHead("span", TaskFormat.QA.newHead(2, HeadFamily.ROBERTA, 3))
                .build();
    }

    private static float[] encode(NDManager m, TransformerEncoder enc, MultiTaskBatch b) {
        try (NDManager sm = m.newSubManager()) {
            Shape s = new Shape(b.rows(), b.seqLen());
            NDList in = new NDList(sm.create(b.inputIds(), s), sm.create(b.attentionMask(), s));
            NDArray out = enc.forward(new ParameterStore(sm, false), in, false).head();
            return out.mul(sm.create(b.attentionMask(), s).expandDims(-1).toType(out.getDataType(), false)).toFloatArray();
        }
    }

    @Test
    void preFinetunesTheFixtureEncoderAndSavesItAsAnHfFolder(@TempDir Path tmp) throws Exception {
        Path encoderDir = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/encoder");
        SyntheticTasks tasks = new SyntheticTasks(51, 48, 16, TrainerTest.THREE);
        HeterogeneousSampler sampler = HeterogeneousSampler.builder()
                .setTaskSizes(tasks.size(0, Split.TRAIN), tasks.size(1, Split.TRAIN), tasks.size(2, Split.TRAIN))
                .setBatchSize(16).optStrategy(SamplingStrategy.PROPORTIONAL).optSeed(5).build();
        MultiTaskBatch probe = tasks.assemble(Split.VALIDATION, new int[] {0, 1, 2, 1}, new int[] {0, 1, 2, 3});
        Engine.getInstance().setRandomSeed(3);
        try (NDManager root = NDManager.newBaseManager()) {
            TransformerEncoder encoder = EncoderCheckpoint.load(encoderDir, root).encoder();
            float[] trainedStates;
            try (MultiHeadModel model = model(root, encoder);
                    Trainer trainer = Trainer.builder().setModel(model).setData(tasks)
                            .optSampler(new HeterogeneousBatchSampler(sampler))
                            .optLearningRate(3e-3).optMaxEpochs(3).build()) {
                double[] before = trainer.validationLosses();
                trainer.fit();
                double[] after = trainer.validationLosses();
                for (int t = 0; t < 3; t++) {
                    assertTrue(after[t] < before[t], "task " + t + ": " + before[t] + " -> " + after[t]);
                }
                trainedStates = encode(root, encoder, probe);
                model.saveEncoder(tmp.resolve("encoder"), EncoderWriter.huggingFace(null));
                model.save(tmp.resolve("full"), EncoderWriter.huggingFace(null));
                float[][] logits = new float[3][];
                try (NDManager sm = root.newSubManager()) {
                    List<NDArray> lg = model.forward(sm, probe, false).logits();
                    for (int i = 0; i < 3; i++) {
                        logits[i] = lg.get(i).toFloatArray();
                    }
                }
                // the saved encoder reloads to the same states, bit for bit
                TransformerEncoder reloaded = EncoderCheckpoint.load(tmp.resolve("encoder"), root).encoder();
                assertArrayEquals(trainedStates, encode(root, reloaded, probe));
                // encoder + heads reload to the same logits
                try (MultiHeadModel again = model(root, EncoderCheckpoint.load(tmp.resolve("full/encoder"), root).encoder());
                        NDManager sm = root.newSubManager()) {
                    again.loadParameters(tmp.resolve("full"));
                    List<NDArray> lg = again.forward(sm, probe, false).logits();
                    for (int i = 0; i < 3; i++) {
                        assertArrayEquals(logits[i], lg.get(i).toFloatArray(), "task " + i);
                    }
                }
            }
        }
    }
}
