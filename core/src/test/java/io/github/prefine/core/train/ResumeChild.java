package io.github.prefine.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.TinyEncoder;
import io.github.prefine.core.model.internal.TensorArchive;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A training run for {@link TrainerResumeTest}, started in a child JVM: args are the checkpoint
 * folder, the output folder, milliseconds to sleep after each step once its first epoch is done
 * (to give the parent time to kill it mid-run after its first checkpoint), and optionally a file
 * to wait for before training (so the parent can start this JVM and the engine while another run
 * still goes on). Writes {@code weights.ndlist} and {@code result.txt} into the output folder when
 * training ends.
 */
public final class ResumeChild {
    private ResumeChild() {}

    public static void main(String[] args) throws Exception {
        Path ckpt = Path.of(args[0]);
        Path out = Path.of(args[1]);
        long sleep = Long.parseLong(args[2]);
        // two tasks of each format, so the production heads run stacked
        SyntheticTasks tasks = new SyntheticTasks(31, 48, 16, TrainerTest.SIX);
        AtomicInteger epochsRun = new AtomicInteger();
        if (args.length > 3) {
            Engine.getInstance(); // loads PyTorch while waiting
            Path go = Path.of(args[3]);
            while (!Files.exists(go)) {
                Thread.sleep(10);
            }
        }
        try (NDManager root = NDManager.newBaseManager()) {
            // the entry point seeds the engine once, before the model's parameters are initialized
            Engine.getInstance().setRandomSeed(7);
            MultiHeadModel.Builder b = MultiHeadModel.builder().setManager(root)
                    .setEncoder(new TinyEncoder(SyntheticTasks.VOCAB, 16).init(root), 16);
            for (int t = 0; t < tasks.numTasks(); t++) {
                b.addHead(tasks.name(t), tasks.head(t));
            }
            try (MultiHeadModel model = b.build();
                    Trainer trainer = Trainer.builder().setModel(model).setData(tasks).optBatchSize(16)
                            .optLearningRate(1e-2).optWarmupSteps(4).optMaxEpochs(3).optLogEvery(1).optSeed(99)
                            .optOptimizer(AdamW.builder().optWeightDecay(0.01))
                            .optCheckpointDir(ckpt)
                            .addListener(new TrainingListener() {
                                @Override
                                public void onSteps(StepReport r) {
                                    if (sleep > 0 && epochsRun.get() > 0) {
                                        try {
                                            Thread.sleep(sleep);
                                        } catch (InterruptedException e) {
                                            Thread.currentThread().interrupt();
                                        }
                                    }
                                }

                                @Override
                                public void onEpoch(EpochReport r) {
                                    epochsRun.incrementAndGet();
                                }
                            }).build()) {
                FitResult r = trainer.fit();
                Files.createDirectories(out);
                TensorArchive.write(out.resolve("weights.ndlist"), MultiHeadModel.arrays(model.parameters()));
                StringBuilder sb = new StringBuilder();
                sb.append("epochsRunHere=").append(epochsRun.get()).append('\n');
                sb.append("bestEpoch=").append(r.bestEpoch()).append('\n');
                sb.append("globalSteps=").append(r.globalSteps()).append('\n');
                for (EpochReport e : r.epochs()) {
                    sb.append("epoch ").append(e.epoch()).append(' ').append(e.validationLosses())
                            .append(' ').append(Double.doubleToRawLongBits(e.averageValidationLoss())).append('\n');
                }
                Path tmp = out.resolve("result.txt.tmp");
                Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
                Files.move(tmp, out.resolve("result.txt"), StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }
}
