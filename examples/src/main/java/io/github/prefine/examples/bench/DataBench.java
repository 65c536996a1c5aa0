package io.github.prefine.examples.bench;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.ReadReport;
import io.github.prefine.core.features.FeatureReport;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.ExtractiveQa;
import io.github.prefine.core.task.TokenClassification;
import io.github.prefine.core.task.UnfeaturizableTaskException;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.evaluator.EvaluationResult;
import io.github.prefine.examples.data.FetchedData;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ref.Reference;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures how the data path scales on real files: per catalogued task, reading its train and
 * validation splits (test is left out, as pre-finetuning leaves it out), featurizing them with
 * the paper's lengths, and scoring seeded random logits on the validation split.
 *
 * <p>Figures per task: examples read, features made (QA: windows), examples skipped by the
 * readers and by featurization, seconds of each phase, the process's CPU seconds of read plus
 * featurize (steadier than wall time on a shared machine; it includes the collector's threads), examples per second of read plus
 * featurize, the heap's peak while the readers read the task's files and its peak during the
 * whole task (each the sum of the heap pools' peaks, an upper bound), and the heap the task keeps
 * once featurized, the bytes of its live objects ({@link LiveHeap}): what the grid keeps of it, the featurized task and the
 * read reports, not the examples read (those are gone with the frame that read them). Tasks run one
 * after another in one JVM and nothing of a task outlives it, so a task's heap figures do not include earlier
 * tasks. Peaks depend on the collector and {@code -Xmx}; the smallest {@code -Xmx} a task runs
 * with is the figure to compare across versions.
 *
 * <p>Not thread-safe; runs on the calling thread.
 */
final class DataBench {
    private static final double MIB = 1024.0 * 1024.0;

    private final Path dataRoot;
    private final Path tokenizerPath;
    private final List<String> taskNames;
    private final FeatureSettings settings;
    private final PrintStream out;
    /**
     * Hears each split's read and featurization: the CLI's bars, which hear of a read once per MiB
     * and of a featurization once per batch, and so leave the figures as they were.
     */
    private final FeaturizationListener progress;

    DataBench(Path dataRoot, Path tokenizerPath, List<String> taskNames, FeatureSettings settings, PrintStream out,
            FeaturizationListener progress) {
        this.dataRoot = dataRoot;
        this.tokenizerPath = tokenizerPath;
        this.taskNames = List.copyOf(taskNames);
        this.settings = settings;
        this.out = out;
        this.progress = progress;
    }

    /** One task's figures. */
    record Row(String task, int examples, int features, int readSkipped, int featureSkipped, double readSeconds,
            double featurizeSeconds, double cpuSeconds, double scoreSeconds, double readPeakMib, double peakMib, double retainedMib,
            String skips) {
        double examplesPerSecond() {
            return examples / Math.max(1e-9, readSeconds + featurizeSeconds);
        }
    }

    /**
     * Checks that the data root is a folder and the tokenizer a file, before anything is read.
     *
     * @param dataRoot the {@code --data} folder
     * @param tokenizerPath the {@code --tokenizer} file
     * @throws IllegalArgumentException naming the option and the path it found nothing at
     */
    static void checkInputs(Path dataRoot, Path tokenizerPath) {
        if (!java.nio.file.Files.isDirectory(dataRoot)) {
            throw new IllegalArgumentException("--data: expected a data root folder (see docs/data-layout.md), found no folder at "
                    + dataRoot.toAbsolutePath());
        }
        if (!java.nio.file.Files.isRegularFile(tokenizerPath)) {
            throw new IllegalArgumentException("--tokenizer: expected a tokenizer.json file, found none at "
                    + tokenizerPath.toAbsolutePath());
        }
    }

    /**
     * Runs every selected task whose files are present and prints one line per task.
     *
     * @return the rows, in catalog order (or the order of the names given)
     * @throws IllegalArgumentException when the data root or the tokenizer is absent, or a task
     *     name is not in the catalog
     * @throws IOException when a file cannot be read or the tokenizer cannot be loaded
     * @throws io.github.prefine.examples.data.IncompleteFetchException when a selected task's files
     *     are still being replaced by a {@code data fetch}, or were left half replaced by one
     */
    List<Row> run() throws IOException {
        checkInputs(dataRoot, tokenizerPath);
        List<Task> tasks = selected();
        // a fetch stopped between two renames leaves a folder mixing two versions: refused before any
        // work, as reproduce refuses it, rather than measured as data
        for (Task t : tasks) {
            FetchedData.check(dataRoot, t);
        }
        out.printf(Locale.ROOT, "data %s, tokenizer %s, max length %d, QA %d/%d, %d tasks, max heap %.0f MiB%n",
                dataRoot, tokenizerPath, settings.maxLength(), settings.qaMaxLength(), settings.qaStride(), tasks.size(),
                Runtime.getRuntime().maxMemory() / MIB);
        out.printf(Locale.ROOT, "%-18s %8s %8s %8s %7s %7s %7s %7s %9s %9s %8s %9s  %s%n", "task", "examples", "features",
                "skipped", "read s", "feat s", "cpu s", "score s", "ex/s", "read peak", "peak MiB", "kept MiB", "skip reasons");
        List<Row> rows = new ArrayList<>();
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(tokenizerPath).build()) {
            for (Task t : tasks) {
                Row r;
                try {
                    r = measure(t, tok);
                } catch (UnfeaturizableTaskException | java.nio.file.NoSuchFileException e) {
                    // as the grid does: the task is left out, and why is said
                    out.printf(Locale.ROOT, "%-18s left out: %s%n", t.name(),
                            e instanceof java.nio.file.NoSuchFileException n ? n.getReason() : e.getMessage());
                    continue;
                }
                rows.add(r);
                out.printf(Locale.ROOT, "%-18s %8d %8d %8d %7.2f %7.2f %7.2f %7.2f %9.0f %9.0f %8.0f %9.1f  %s%n", r.task(),
                        r.examples(), r.features(), r.readSkipped() + r.featureSkipped(), r.readSeconds(),
                        r.featurizeSeconds(), r.cpuSeconds(), r.scoreSeconds(), r.examplesPerSecond(), r.readPeakMib(),
                        r.peakMib(), r.retainedMib(),
                        r.skips());
            }
        }
        int examples = rows.stream().mapToInt(Row::examples).sum();
        double seconds = rows.stream().mapToDouble(r -> r.readSeconds() + r.featurizeSeconds()).sum();
        out.printf(Locale.ROOT, "all %d tasks: %d examples in %.2f s (%.0f examples/s)%n", rows.size(), examples, seconds,
                examples / Math.max(1e-9, seconds));
        return rows;
    }

    private List<Task> selected() {
        List<Task> out = new ArrayList<>();
        if (taskNames.isEmpty()) {
            for (Task t : TaskCatalog.all()) {
                if (t.availability(dataRoot).missing().size() < t.source().files().size()) {
                    out.add(t);
                }
            }
        } else {
            for (String name : taskNames) {
                try {
                    out.add(TaskCatalog.task(name));
                } catch (java.util.NoSuchElementException e) {
                    throw new IllegalArgumentException("--task: " + e.getMessage() + "; expected catalogued task names,"
                            + " comma-separated (`prefine data status` lists them)");
                }
            }
        }
        return out;
    }

    private Row measure(Task task, SubwordTokenizer tok) throws IOException {
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        long before = LiveHeap.bytes();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);

        Prepared p = prepare(task, tok, heap);
        long t2 = System.nanoTime();
        FeaturizedTask f = p.task();
        EvaluationResult scored = score(f);
        long t3 = System.nanoTime();

        long peak = Math.max(p.readPeak(), peak(heap));
        long retained = LiveHeap.bytes() - before;
        // kept is what the grid keeps of a task once it is featurized: the featurized task and the
        // read reports; the read examples (the TaskData) are gone with prepare's frame
        Reference.reachabilityFence(f);
        Reference.reachabilityFence(p.reports());

        int readSkipped = 0;
        Map<String, Integer> reasons = new LinkedHashMap<>();
        for (ReadReport r : p.reports().values()) {
            readSkipped += r.totalSkipped();
            r.skipped().forEach((k, v) -> reasons.merge(k, v, Integer::sum));
        }
        int examples = 0;
        int features = 0;
        int featureSkipped = 0;
        for (Features fs : f.features().values()) {
            FeatureReport r = fs.report();
            examples += r.examplesRead();
            features += r.featuresMade();
            featureSkipped += r.skippedCount();
            r.skipped().forEach((k, v) -> reasons.merge(k, v, Integer::sum));
        }
        if (!(scored.percent() >= 0)) {
            throw new IllegalStateException("task " + task.name() + ": score " + scored.percent());
        }
        return new Row(task.name(), examples, features, readSkipped, featureSkipped, p.readSeconds(), p.featurizeSeconds(),
                p.cpuSeconds(), (t3 - t2) / 1e9, p.readPeak() / MIB, peak / MIB, retained / MIB,
                reasons.isEmpty() ? "-" : reasons.toString());
    }

    /**
     * A task read and featurized, with the read reports, the heap's peak while reading and the
     * phases' seconds; the read examples are not kept.
     */
    private record Prepared(FeaturizedTask task, Map<String, ReadReport> reports, long readPeak, double readSeconds,
            double featurizeSeconds, double cpuSeconds) {}

    /** Reads and featurizes a task in a frame of its own, so that nothing but what it returns outlives it. */
    private Prepared prepare(Task task, SubwordTokenizer tok, List<MemoryPoolMXBean> heap) throws IOException {
        long c0 = processCpuNanos();
        long t0 = System.nanoTime();
        TaskData d = task.load(dataRoot, Leniency.LENIENT, progress);
        long t1 = System.nanoTime();
        long readPeak = peak(heap);
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        // pre-finetuning never featurizes a test split (GridTasks leaves it out): neither does this
        FeaturizedTask f = FeaturizedTask.featurize(d.without(Split.TEST), tok, settings, progress);
        long t2 = System.nanoTime();
        return new Prepared(f, d.reports(), readPeak, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                (processCpuNanos() - c0) / 1e9);
    }

    /** CPU time of the whole process (the tokenizer may encode on threads of its own), or 0 where unknown. */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0L;
    }

    private static long peak(List<MemoryPoolMXBean> heap) {
        return heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    /** Scores seeded random logits on the validation split, the path an evaluation takes after the forward. */
    private static EvaluationResult score(FeaturizedTask f) {
        Features v = f.features().get(Split.VALIDATION);
        int width = f.numLabels();
        boolean perPosition = f.task().format() instanceof TokenClassification || f.task().format() instanceof ExtractiveQa;
        SplittableRandom rnd = new SplittableRandom(42);
        List<float[]> logits = new ArrayList<>(v.size());
        for (int u = 0; u < v.size(); u++) {
            float[] lg = new float[(perPosition ? v.tokens().length(u) : 1) * width];
            for (int i = 0; i < lg.length; i++) {
                lg[i] = (float) rnd.nextDouble();
            }
            logits.add(lg);
        }
        return f.score(Split.VALIDATION, logits, width);
    }
}
