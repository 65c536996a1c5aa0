package io.github.prefine.examples;

import ai.djl.ndarray.NDManager;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.pipeline.TaskScorer;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.core.train.Trainer;
import io.github.prefine.eval.evaluator.EvaluationResult;
import io.github.prefine.eval.evaluator.Evaluator;
import io.github.prefine.eval.evaluator.SeedSummary;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.examples.cli.CliErrors;
import io.github.prefine.examples.demo.SyntheticSuite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The library in one page: pre-finetune an encoder on a custom group of two taggers with
 * heterogeneous batches, then finetune a target tagger from it over two seeds and report its
 * metric.
 *
 * <p>{@link #train} is the README's library page, word for word; {@link #main} feeds it the
 * synthetic suite and a small random BERT, and runs in seconds. Run it with {@code java -cp
 * 'examples/target/prefine.jar:examples/target/lib/*' io.github.prefine.examples.QuickStart}.
 */
public final class QuickStart {
    /** What {@code --help} prints. */
    static final String USAGE = "usage: QuickStart (no arguments)";

    private QuickStart() {}

    /**
     * Trains an encoder on tasks with one head each, saves it, and scores every task.
     *
     * @param data the tasks' examples; with several tasks, each batch mixes them
     * @param encoderDir an HF encoder folder with its {@code tokenizer.json}
     * @param out where the trained encoder is written, as an HF folder
     * @param seed seed of the heads, the sampler and dropout
     * @param maxEpochs the most epochs (early stopping may end sooner)
     * @return task name to its metric on its evaluation split
     * @throws IOException if reading or writing fails
     */
    public static Map<String, EvaluationResult> train(List<TaskData> data, Path encoderDir, Path out, long seed,
            int maxEpochs) throws IOException {
        Path tokenizerFile = encoderDir.resolve(EncoderCheckpoint.TOKENIZER_FILE);
        try (NDManager manager = NDManager.newBaseManager();
                SubwordTokenizer tokenizer = SubwordTokenizer.builder().setTokenizerPath(tokenizerFile).build()) {
            TaskSet tasks = TaskSet.featurize(data, tokenizer, FeatureSettings.paper());
            TransformerEncoder encoder = EncoderCheckpoint.load(encoderDir, manager).encoder();
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(manager).setEncoder(encoder)
                            .addTasks(tasks).optHeadSeed(seed).build();
                    Trainer trainer = Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks))
                            .optBatchSize(16).optLearningRate(3e-3).optMaxEpochs(maxEpochs).optSeed(seed).build()) {
                trainer.fit(); // heterogeneous batches; early stopping on the mean validation loss
                EncoderCheckpoint.save(encoder, out, tokenizerFile);
                return TaskScorer.scoreAll(trainer, tasks);
            }
        }
    }

    /**
     * Refuses arguments, which the example would otherwise ignore; the documentation's command
     * lines are checked through it.
     *
     * @param args the arguments
     */
    static void checkArguments(String... args) {
        if (args.length > 0) {
            throw new IllegalArgumentException("takes no arguments, found " + String.join(" ", args));
        }
    }

    /**
     * Runs the example; {@code --help} or {@code -h} prints its usage line and exits 0, any other
     * argument ends it with exit 2 and one line, as the bench mains and the {@code prefine} command
     * line do.
     *
     * @param args none
     * @throws IOException if anything fails
     */
    public static void main(String[] args) throws IOException {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        try {
            checkArguments(args);
        } catch (IllegalArgumentException e) {
            System.err.println("QuickStart: " + e.getMessage());
            System.exit(CliErrors.BAD_INPUT);
        }
        main(args, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** Runs the example in a work folder made under {@code tempRoot}, so that a test can see it go. */
    static void main(String[] args, Path tempRoot) throws IOException {
        checkArguments(args);
        Path work = Files.createTempDirectory(tempRoot, "prefine-quickstart");
        try {
            run(work);
        } finally {
            MoreFiles.deleteRecursively(work, RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }

    private static void run(Path work) throws IOException {
        SyntheticSuite suite = SyntheticSuite.generate(7, new SyntheticSuite.Sizes(200, 48, 48, 64));
        Path base = randomBert(suite, work.resolve("random-bert"));

        // 1. Pre-finetune on a custom "NER" group of two taggers
        TaskGroup ner = TaskGroup.of("NER");
        List<TaskData> group = List.of(tagger(suite, "syn-sl-people", ner), tagger(suite, "syn-sl-business", ner));
        train(group, base, work.resolve("prefinetuned"), 1, 4);

        // 2. Finetune a target tagger from the pre-finetuned encoder over two seeds
        TaskData target = tagger(suite, "syn-sl-target-all", TaskGroup.SL);
        List<EvaluationResult> runs = new ArrayList<>();
        for (long seed : new long[] {1, 2}) {
            Map<String, EvaluationResult> scores = train(List.of(target), work.resolve("prefinetuned"),
                    work.resolve("target-seed" + seed), seed, 10);
            runs.add(scores.get(target.task().name()));
        }
        SeedSummary s = Evaluator.builder().setMetric(target.task().metric()).build().aggregate(runs);
        System.out.printf(Locale.ROOT, "%s %s after pre-finetuning on %s: %.1f ± %.1f%n", target.task().name(),
                target.task().metric(),
                group.stream().map(d -> d.task().name()).toList(), s.mean(), s.std());
    }

    /** Writes the suite's tokenizer and a small random BERT as an HF folder. */
    private static Path randomBert(SyntheticSuite suite, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path tokenizerJson = dir.resolve("source-tokenizer.json");
        suite.writeTokenizerJson(tokenizerJson);
        EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.BERT)
                .setVocabSize(suite.vocabulary().size()).setHiddenSize(64).setNumHiddenLayers(2)
                .setNumAttentionHeads(4).setIntermediateSize(128).optMaxPositionEmbeddings(128).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            TransformerEncoder encoder = TransformerEncoder.builder().setConfig(config).build();
            encoder.initializeRandom(manager, 1);
            EncoderCheckpoint.save(encoder, dir, tokenizerJson);
        }
        return dir;
    }

    /** One of the suite's taggers as an in-memory task of the given group. */
    private static TaskData tagger(SyntheticSuite suite, String name, TaskGroup group) {
        SyntheticSuite.SyntheticTask st = suite.tasks().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow();
        return InMemoryTasks.data(InMemoryTasks.task(name, group, TaskFormat.TOKEN, MetricType.SPAN_F1, st.labels()),
                st.train(), st.validation(), st.test());
    }
}
