package io.github.prefine.examples.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.TokenRows;
import io.github.prefine.core.hub.MiniLmArtifact;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.train.MallocSettings;
import io.github.prefine.core.transfer.TaskEmbedder;
import io.github.prefine.core.transfer.TaskEmbedding;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.examples.cli.PrefineCli;
import io.github.prefine.examples.cli.PrefineVersion;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures the cost of TextEmb ({@link TaskEmbedder#textEmb}) on one real task: wall time, the
 * process's CPU time (how many cores it really had) and the load average before and after, since
 * a shared machine's figure means little without them.
 *
 * <p>Run from the repository root after {@code mvn -B -q -o package -DskipTests}: {@code java -cp
 * 'examples/target/prefine.jar:examples/target/lib/*' io.github.prefine.examples.bench.TextEmbBench
 * --data ../shared/data --task conll2003-en --rows 10000 --threads 2}: two threads, each running
 * whole batches with one PyTorch intra-op thread ({@link TaskEmbedder.Builder#optThreads}). The encoder defaults to
 * all-MiniLM-L6-v2 from its Maven artifact. {@code --save FILE} writes the embedding (one value a
 * line, whole: a temp file renamed over FILE) so two builds can be compared value by value.
 */
@Command(name = "textemb-bench", mixinStandardHelpOptions = true, versionProvider = PrefineVersion.class,
        description = "Wall and CPU time of TextEmb over one task's training rows.")
public final class TextEmbBench implements Callable<Integer> {

    @Option(names = "--data", description = "data root in the TaskCatalog layout. Default: ${DEFAULT-VALUE}")
    Path data = Path.of("../shared/data");

    @Option(names = "--task", description = "catalogued task. Default: ${DEFAULT-VALUE}")
    String task = "conll2003-en";

    @Option(names = "--rows", description = "training rows embedded (a seeded sample), 0 = all. Default: ${DEFAULT-VALUE}")
    int rows = 10_000;

    @Option(names = "--encoder", description = "a local HF folder. Default: all-MiniLM-L6-v2 from its Maven artifact, "
            + "written under --work")
    Path encoder;

    @Option(names = "--work", description = "where the MiniLM folder is written, as recommend's --out. "
            + "Default: ${DEFAULT-VALUE}")
    Path work = Path.of("recommend-out");

    @Option(names = "--batch-size", description = "rows per forward. Default: ${DEFAULT-VALUE}")
    int batchSize = 32;

    @Option(names = "--max-length", description = "max sub-tokens per row. Default: ${DEFAULT-VALUE}")
    int maxLength = 128;

    @Option(names = "--threads", description = "threads running forwards on separate batches, as recommend's --threads. "
            + "Default: ${DEFAULT-VALUE}")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--intra-op", description = "PyTorch intra-op threads of each (inter-op is 1). Default: ${DEFAULT-VALUE}; "
            + "--threads 1 --intra-op 2 is the former single-thread path on two cores")
    int intraOp = 1;

    @Option(names = "--repeats", description = "timed TextEmb runs (no cache). Default: ${DEFAULT-VALUE}")
    int repeats = 1;

    @Option(names = "--save", description = "write the embedding there, one value a line")
    Path save;

    /**
     * Runs the benchmark and exits with its status.
     *
     * @param args the options ({@code --help} lists them)
     */
    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // prefine's value rules and failure handling: a bad option exits 2 with one line, as the CLI's do
        System.exit(PrefineCli.withErrorHandling(PrefineCli.withValueRules(new CommandLine(new TextEmbBench())))
                .execute(args));
    }

    /** Creates the command; picocli fills the fields. */
    public TextEmbBench() {}

    /** Checks the option values, reading no file; the documentation's command lines are checked through it. */
    void checkValues() {
        BenchCommand.atLeast("--rows", rows, 0);
        BenchCommand.atLeast("--batch-size", batchSize, 1);
        BenchCommand.atLeast("--repeats", repeats, 1);
        BenchCommand.atLeast("--threads", threads, 1);
        BenchCommand.atLeast("--intra-op", intraOp, 1);
        // else the feature settings refuse it, naming maxLength, after MiniLM was written under --work
        BenchCommand.atLeast("--max-length", maxLength, FeatureSettings.MIN_LENGTH);
        List<String> names = TaskCatalog.all().stream().map(Task::name).toList();
        if (!names.contains(task)) {
            // else the catalog's NoSuchElementException, an internal error, after MiniLM was written under --work
            throw new IllegalArgumentException("--task: no catalogued task named '" + task + "'; expected one of " + names);
        }
    }

    @Override
    public Integer call() throws Exception {
        checkValues();
        if (!Files.isDirectory(data)) {
            throw new IllegalArgumentException("--data " + data + ": no such directory; expected the data root in the"
                    + " TaskCatalog layout (docs/data-layout.md)");
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intraOp));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Path enc = encoder;
        if (enc == null) {
            enc = work.resolve("base-encoder-minilm");
            if (!Files.exists(enc.resolve(EncoderCheckpoint.TOKENIZER_FILE))) {
                MiniLmArtifact.fromClasspath().writeHfFolder(enc);
            }
        }
        Engine engine = Engine.getInstance();
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "engine %s %s, encoder %s, %d cores, %s of %s, batch %d, malloc: %s%n",
                engine.getEngineName(), engine.getVersion(), enc, Runtime.getRuntime().availableProcessors(),
                Counts.counted(threads, "embedding thread"), Counts.counted(intraOp, "intra-op thread"), batchSize,
                MallocSettings.describe(System.getenv()));

        long t0 = System.nanoTime();
        TaskData d = io.github.prefine.examples.data.FetchedData.source(data, Leniency.LENIENT).load(TaskCatalog.task(task));
        FeaturizedTask f;
        try (SubwordTokenizer tok = SubwordTokenizer.builder()
                .setTokenizerPath(enc.resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
            f = FeaturizedTask.featurize(d, tok, new FeatureSettings(maxLength, 384, 128, 0, 1, 1L));
        }
        TokenRows tokens = f.features().get(Split.TRAIN).tokens();
        System.out.printf(Locale.ROOT, "task %s: %d training rows, %d tokens; read and featurized in %.1f s%n", task,
                tokens.rowCount(), tokens.tokenCount(), (System.nanoTime() - t0) / 1e9);

        List<Double> walls = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
                TaskEmbedder e = TaskEmbedder.builder().setManager(m).setEncoder(enc).optBatchSize(batchSize)
                        .optThreads(threads).optMaxTextRows(rows).build()) {
            for (int r = 0; r < repeats; r++) {
                double loadBefore = os.getSystemLoadAverage();
                long cpu0 = DataBench.processCpuNanos();
                long w0 = System.nanoTime();
                TaskEmbedding emb = e.textEmb(f);
                double wall = (System.nanoTime() - w0) / 1e9;
                double cpu = (DataBench.processCpuNanos() - cpu0) / 1e9;
                walls.add(wall);
                System.out.printf(Locale.ROOT, "textemb run %d: %d rows in %.1f s wall, %.1f s process CPU (%.2f cores), "
                        + "%.0f rows/s; load average %.2f before, %.2f after%n", r + 1, emb.numExamples(), wall, cpu,
                        cpu / wall, emb.numExamples() / wall, loadBefore, os.getSystemLoadAverage());
                if (save != null && r == 0) {
                    StringBuilder sb = new StringBuilder();
                    for (float v : emb.values()) {
                        sb.append(Float.toString(v)).append('\n');
                    }
                    AtomicFiles.writeWhereNamed(save, sb.toString());
                }
            }
        }
        walls.sort(null);
        System.out.printf(Locale.ROOT, "textemb best %.1f s, median %.1f s over %s%n", walls.get(0),
                walls.get(walls.size() / 2), Counts.counted(walls.size(), "run"));
        return 0;
    }
}
