package io.github.prefine.examples.cli;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.train.EpochReport;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.core.train.FitResult;
import io.github.prefine.core.train.Trainer;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.examples.demo.SyntheticSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * A training run of a few seconds for {@link LocaleIndependenceTest}, in a child JVM under the
 * locale it is given: writes a tiny random BERT (whose {@code pad_token_id} makes training use the
 * TorchScript {@code PaddedEmbedding}, whose source an ar-EG default locale once broke), trains a
 * tagger of the synthetic suite on it for two epochs and saves the encoder. Prints each epoch's
 * validation losses as the bits of their doubles and the SHA-256 of every file saved, so that any
 * difference in what was trained or written shows.
 */
public final class LocaleTrainingChild {
    private LocaleTrainingChild() {}

    /**
     * Trains and prints.
     *
     * @param args the work folder
     * @throws Exception if anything fails: the child then exits 1 with the stack trace
     */
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        SyntheticSuite suite = SyntheticSuite.generate(7, new SyntheticSuite.Sizes(32, 16, 16, 16));
        Path base = Files.createDirectories(work.resolve("random-bert"));
        Path tokenizerFile = base.resolve("source-tokenizer.json");
        suite.writeTokenizerJson(tokenizerFile);
        EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.BERT)
                .setVocabSize(suite.vocabulary().size()).setHiddenSize(32).setNumHiddenLayers(1)
                .setNumAttentionHeads(2).setIntermediateSize(64).optMaxPositionEmbeddings(128).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            TransformerEncoder encoder = TransformerEncoder.builder().setConfig(config).build();
            encoder.initializeRandom(manager, 1);
            EncoderCheckpoint.save(encoder, base, tokenizerFile);
        }
        SyntheticSuite.SyntheticTask st = suite.tasks().stream().filter(t -> t.name().equals("syn-sl-people"))
                .findFirst().orElseThrow();
        TaskData data = InMemoryTasks.data(InMemoryTasks.task(st.name(), TaskGroup.SL, TaskFormat.TOKEN,
                MetricType.SPAN_F1, st.labels()), st.train(), st.validation(), st.test());
        Path trained = work.resolve("trained");
        StringBuilder out = new StringBuilder();
        try (NDManager manager = NDManager.newBaseManager();
                SubwordTokenizer tokenizer = SubwordTokenizer.builder()
                        .setTokenizerPath(base.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
            TaskSet tasks = TaskSet.featurize(List.of(data), tokenizer, FeatureSettings.paper());
            TransformerEncoder encoder = EncoderCheckpoint.load(base, manager).encoder();
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(manager).setEncoder(encoder)
                            .addTasks(tasks).optHeadSeed(3).build();
                    Trainer trainer = Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks))
                            .optBatchSize(8).optLearningRate(3e-3).optMaxEpochs(2).optSeed(3).build()) {
                FitResult fit = trainer.fit();
                for (EpochReport e : fit.epochs()) {
                    out.append("epoch ").append(e.epoch());
                    e.validationLosses().forEach(l -> out.append(' ').append(Long.toHexString(Double.doubleToLongBits(l))));
                    out.append('\n');
                }
                EncoderCheckpoint.save(encoder, trained, base.resolve(EncoderCheckpoint.TOKENIZER_FILE));
            }
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (var files = Files.list(trained)) {
            for (Path f : files.sorted().toList()) {
                out.append(f.getFileName()).append(' ')
                        .append(HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f)))).append('\n');
            }
        }
        System.out.print(out);
        System.out.flush();
    }
}
