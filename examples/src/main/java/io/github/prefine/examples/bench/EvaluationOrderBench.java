package io.github.prefine.examples.bench;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.hub.MiniLmArtifact;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.pipeline.TaskScorer;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.train.BatchSource;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.core.train.TaskPredictions;
import io.github.prefine.core.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times a trainer's evaluation of one task (its validation loss and its logits pass) with the
 * examples in index order and shortest first, as evaluation now runs them: all-MiniLM-L6-v2 with
 * a seeded head, length 128, evaluation batch 128, the two orders alternately, and prints each
 * run's seconds, loss, score and padded fraction of the batches, then the medians and their ratio.
 * Index order is had by telling the evaluation every example has one length.
 *
 * <p>Usage: {@code EvaluationOrderBench dataRoot rounds task...}, the data root in the TaskCatalog
 * layout and catalog task names. Run from the repository root after {@code mvn -B -q -o -pl
 * examples -am package -DskipTests}: {@code java -cp 'examples/target/prefine.jar:examples/target/lib/*'
 * io.github.prefine.examples.bench.EvaluationOrderBench ../shared/data 3 conll2003-en mrpc}.
 */
public final class EvaluationOrderBench {
    /** The usage line that {@code --help} prints and a wrong argument count is refused with. */
    static final String USAGE = "usage: EvaluationOrderBench dataRoot rounds task...";
    private EvaluationOrderBench() {}

    /** The real source, counting the padded positions (attention mask 0) of the batches it assembles. */
    private static class Counting implements BatchSource {
        final FeatureBatchSource inner;
        long padded;
        long positions;

        Counting(FeatureBatchSource inner) {
            this.inner = inner;
        }

        @Override
        public int numTasks() {
            return inner.numTasks();
        }

        @Override
        public List<String> taskNames() {
            return inner.taskNames();
        }

        @Override
        public int size(int task, Split split) {
            return inner.size(task, split);
        }

        @Override
        public int rowLength(int task, Split split, int example) {
            return inner.rowLength(task, split, example);
        }

        @Override
        public MultiTaskBatch assemble(Split split, int[] tasks, int[] examples) {
            MultiTaskBatch b = inner.assemble(split, tasks, examples);
            for (long m : b.attentionMask()) {
                padded += m == 0 ? 1 : 0;
            }
            positions += b.attentionMask().length;
            return b;
        }
    }

    /** Every example of one length to the evaluation: it runs them in index order, as before. */
    private static final class IndexOrder extends Counting {
        IndexOrder(FeatureBatchSource inner) {
            super(inner);
        }

        @Override
        public int rowLength(int task, Split split, int example) {
            return 1;
        }
    }

    /**
     * Checks the arguments without reading a file: a data root, a round count of at least 1 and at
     * least one catalogued task; the documentation's command lines are checked through it.
     *
     * @param args the arguments
     */
    static void checkArguments(String... args) {
        if (args.length < 3) {
            throw new IllegalArgumentException(USAGE + ", found "
                    + args.length + " arguments");
        }
        if (!(args[1].matches("\\d{1,4}") && Integer.parseInt(args[1]) >= 1)) {
            throw new IllegalArgumentException("rounds: expected a whole number of at least 1, found '" + args[1] + "'");
        }
        for (int k = 2; k < args.length; k++) {
            // else an unknown name failed after the tasks before it were measured
            BenchArguments.task("task", args[k]);
        }
    }

    /**
     * Runs the benchmark; a bad argument or a missing data root ends it with exit 2 and one line,
     * before MiniLM is written.
     *
     * @param args the data root, the rounds and the task names
     * @throws Exception when the data or the encoder cannot be read
     */
    public static void main(String[] args) throws Exception {
        BenchArguments.usageIfAsked(USAGE, args);
        BenchArguments.checkOrExit("EvaluationOrderBench", () -> {
            checkArguments(args);
            BenchArguments.existingDirectory("dataRoot", Path.of(args[0]), "the data root in the TaskCatalog layout"
                    + " (docs/data-layout.md)");
        });
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        Path data = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Path work = Files.createTempDirectory("prefine-evaluation-order");
        try {
            Path encoder = work.resolve("minilm");
            MiniLmArtifact.fromClasspath().writeHfFolder(encoder);
            for (int k = 2; k < args.length; k++) {
                run(encoder, TaskCatalog.task(args[k]), data, rounds);
            }
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }

    private static void run(Path encoder, Task task, Path data, int rounds) throws Exception {
        FeatureSettings settings = new FeatureSettings(128, 384, 128, 0, 0, 1L);
        try (SubwordTokenizer tok = SubwordTokenizer.builder()
                .setTokenizerPath(encoder.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build();
                NDManager m = NDManager.newBaseManager()) {
            // through the commands' source, which refuses a folder a stopped data fetch left half replaced
            FeaturizedTask ft = FeaturizedTask.featurize(
                    io.github.prefine.examples.data.FetchedData.source(data, Leniency.LENIENT).load(task), tok, settings);
            TaskSet tasks = TaskSet.of(ft);
            FeatureBatchSource source = FeatureBatchSource.of(tasks);
            System.out.printf(Locale.ROOT, "%s: %d validation units%n", task.name(), source.size(0, Split.VALIDATION));
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(m)
                    .setEncoder(EncoderCheckpoint.load(encoder, m).encoder()).optHeadSeed(3).addTasks(tasks).build()) {
                List<Double> index = new ArrayList<>();
                List<Double> sorted = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    for (boolean bySize : new boolean[] {false, true}) {
                        Counting c = bySize ? new Counting(source) : new IndexOrder(source);
                        try (Trainer trainer = Trainer.builder().setModel(model).setData(c).optEvalBatchSize(128)
                                .build()) {
                            long start = System.nanoTime();
                            double loss = trainer.validationLosses()[0];
                            TaskPredictions p = trainer.predict(0, Split.VALIDATION);
                            double s = (System.nanoTime() - start) / 1e9;
                            (bySize ? sorted : index).add(s);
                            System.out.printf(Locale.ROOT, "round %d, %s: %.2f s, loss %.9f, %s %.4f, padded %d of %d"
                                    + " positions (%.3f)%n", r + 1, bySize ? "shortest first" : "index order", s, loss,
                                    task.metric().name().toLowerCase(Locale.ROOT),
                                    TaskScorer.score(ft, Split.VALIDATION, p).percent(), c.padded, c.positions,
                                    (double) c.padded / c.positions);
                        }
                    }
                }
                index.sort(null);
                sorted.sort(null);
                double a = index.get(index.size() / 2);
                double b = sorted.get(sorted.size() / 2);
                System.out.printf(Locale.ROOT, "%s medians: index order %.2f s, shortest first %.2f s, ratio %.2f%n",
                        task.name(), a, b, a / b);
            }
        }
    }
}
