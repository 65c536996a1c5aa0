package io.github.prefine.examples;

import ai.djl.ndarray.NDManager;
import com.google.common.primitives.Doubles;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.core.pipeline.FeatureSettings;
import io.github.prefine.core.pipeline.FeaturizedTask;
import io.github.prefine.core.pipeline.FormatHeads;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.train.HeterogeneousBatchSampler;
import io.github.prefine.core.pipeline.TaskScorer;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskRegistry;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.train.TargetFinetuning;
import io.github.prefine.core.train.Trainer;
import io.github.prefine.eval.evaluator.SeedSummary;
import io.github.prefine.eval.evaluator.StdKind;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.examples.demo.SyntheticSuite;
import io.github.prefine.heads.HeadFamily;
import io.github.prefine.sampling.HeterogeneousSampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The library in one page: define tasks, group them, pre-finetune an encoder on the group with
 * heterogeneous batches, then finetune a target over two seeds and report its metric.
 *
 * <p>Runs in seconds on the synthetic suite with a small random BERT. Run it with {@code java -cp
 * examples/target/prefine.jar io.github.prefine.examples.QuickStart}.
 */
public final class QuickStart {
    private QuickStart() {}

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws Exception if anything fails
     */
    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("prefine-quickstart");
        SyntheticSuite suite = SyntheticSuite.generate(7, new SyntheticSuite.Sizes(200, 48, 48, 64));
        suite.writeTokenizerJson(work.resolve("tokenizer.json"));

        // 1. Your tasks: a custom "NER" group of two taggers, and a target tagger
        TaskGroup ner = TaskGroup.of("NER");
        Task people = tagger("syn-sl-people", ner, suite);
        Task business = tagger("syn-sl-business", ner, suite);
        Task target = tagger("syn-sl-target-all", TaskGroup.SL, suite);
        TaskRegistry registry = TaskRegistry.builder().register(people).register(business).build();

        try (SubwordTokenizer tokenizer = SubwordTokenizer.builder().setTokenizerPath(work.resolve("tokenizer.json")).build();
                NDManager manager = NDManager.newBaseManager()) {
            FeatureSettings lengths = new FeatureSettings(64, 64, 16, 0, 0, 1L);
            List<FeaturizedTask> group = new ArrayList<>();
            for (Task t : registry.tasks(ner)) {
                group.add(FeaturizedTask.featurize(data(t, suite), tokenizer, lengths));
            }

            // 2. Pre-finetune a small random BERT on the group, batches mixing both tasks
            EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.BERT)
                    .setVocabSize(suite.vocabulary().size()).setHiddenSize(64).setNumHiddenLayers(2)
                    .setNumAttentionHeads(4).setIntermediateSize(128).optMaxPositionEmbeddings(128).build();
            TransformerEncoder encoder = TransformerEncoder.builder().setConfig(config).build();
            encoder.initializeRandom(manager, 1);
            FeatureBatchSource source = FeaturizedTask.source(group, true);
            HeterogeneousSampler sampler = HeterogeneousSampler.builder()
                    .setTaskSizes(source.size(0, Split.TRAIN), source.size(1, Split.TRAIN))
                    .setBatchSize(32).optSeed(1).build();
            MultiHeadModel.Builder mb = MultiHeadModel.builder().setManager(manager).setEncoder(encoder, 64);
            for (FeaturizedTask t : group) {
                mb.addHead(t.name(), FormatHeads.create(t.task().format(), t.numLabels(), HeadFamily.BERT, 1));
            }
            try (MultiHeadModel model = mb.build();
                    Trainer trainer = Trainer.builder().setModel(model).setData(source)
                            .optSampler(new HeterogeneousBatchSampler(sampler)).optLearningRate(1e-3).optWarmupSteps(5)
                            .optMaxEpochs(4).build()) {
                trainer.fit();
                EncoderCheckpoint.save(encoder, work.resolve("encoder"), work.resolve("tokenizer.json"));
            }

            // 3. Finetune the target from the pre-finetuned encoder over two seeds, and score it
            FeaturizedTask tgt = FeaturizedTask.featurize(data(target, suite), tokenizer, lengths);
            List<TargetFinetuning.SeedResult> runs = TargetFinetuning.builder()
                    .setEncoder(m -> EncoderCheckpoint.load(work.resolve("encoder"), m).encoder(), 64)
                    .setHead(seed -> FormatHeads.create(target.format(), tgt.numLabels(), HeadFamily.BERT, seed))
                    .setData(FeaturizedTask.source(List.of(tgt), true))
                    .setMetric(p -> TaskScorer.score(tgt, p.split(), p).percent())
                    .optTaskName(target.name()).optEvaluationSplit(Split.TEST).optSeeds(List.of(1L, 2L))
                    .optTrainer(t -> t.optBatchSize(16).optLearningRate(3e-3).optWarmupSteps(3).optMaxEpochs(10))
                    .build().run(manager);
            SeedSummary s = SeedSummary.of(Doubles.asList(TargetFinetuning.metrics(runs)), StdKind.SAMPLE);
            System.out.printf("%s %s after pre-finetuning on %s: %.1f ± %.1f%n", target.name(), target.metric(),
                    registry.tasks(ner).stream().map(Task::name).toList(), s.mean(), s.std());
        }
    }

    private static Task tagger(String name, TaskGroup group, SyntheticSuite suite) {
        SyntheticSuite.SyntheticTask st = suite.tasks().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
        return InMemoryTasks.task(name, group, TaskFormat.TOKEN, MetricType.SPAN_F1, st.labels());
    }

    private static TaskData data(Task task, SyntheticSuite suite) {
        SyntheticSuite.SyntheticTask st = suite.tasks().stream().filter(t -> t.name().equals(task.name())).findFirst().orElseThrow();
        return InMemoryTasks.data(task, st.train(), st.validation(), st.test());
    }
}
