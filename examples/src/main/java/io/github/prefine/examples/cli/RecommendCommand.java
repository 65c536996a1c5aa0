package io.github.prefine.examples.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.checkpoint.PlainFolders;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.transfer.EmbeddingListener;
import io.github.prefine.core.transfer.EmbeddingMethod;
import io.github.prefine.core.transfer.EmbeddingStore;
import io.github.prefine.core.transfer.TaskEmbedder;
import io.github.prefine.core.transfer.TaskEmbedding;
import io.github.prefine.core.transfer.TransferAgreement;
import io.github.prefine.core.transfer.TransferRanking;
import io.github.prefine.core.transfer.TransferRecommender;
import io.github.prefine.core.transfer.TransferSource;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.ResultSet;
import io.github.prefine.examples.demo.SyntheticSuite;
import io.github.prefine.examples.demo.SyntheticTaskSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code prefine recommend}: ranks pre-finetuning groups and tasks for target tasks by the cosine
 * similarity of task embeddings (TextEmb, TaskEmb; Vu et al., EMNLP 2020), and with {@code
 * --against} measures how well that ranking predicted a finished grid's transfer.
 *
 * <p>Embeddings are cached under {@code --out}/embeddings keyed by task, encoder hash, method and
 * settings, so a second run (or one after an interruption) computes only what is missing. {@code
 * --data demo} uses the demo's synthetic suite and, unless {@code --encoder} is given, the demo's
 * random BERT (same seed, so its embeddings match a {@code demo} output's encoder).
 */
@Command(name = "recommend", mixinStandardHelpOptions = true, versionProvider = PrefineVersion.class, sortOptions = false,
        description = {"Rank pre-finetuning groups and tasks for targets by task-embedding similarity (TextEmb, TaskEmb).",
            "With --against results.jsonl (a reproduce or demo output), print how well the ranking predicted the "
                    + "measured transfer."})
public final class RecommendCommand implements Callable<Integer> {
    /** The --data value that selects the demo's synthetic suite. */
    static final String DEMO_DATA = "demo";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** {@code --against}'s runs, read by {@link #readAgainst}; null without it. */
    private ResultSet measured;

    @Option(names = "--target", split = ",",
            preprocessor = OptionValues.ListValue.class, description = "target tasks (default: every target with data)")
    List<String> targets;

    @Option(names = "--method", defaultValue = "both", description = "textemb, taskemb or both (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--groups", split = ",", preprocessor = OptionValues.ListValue.class, defaultValue = "SL,QA,C",
            description = "pre-finetuning groups to rank (default: ${DEFAULT-VALUE})")
    List<String> groups;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "../shared/data",
            description = "data root in the TaskCatalog layout, or 'demo' for the synthetic suite (default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--encoder", description = "HF model id, a local HF folder, or 'minilm' (default: minilm; "
            + "with --data demo the demo's random BERT)")
    String encoder;

    @Option(names = "--against", paramLabel = "FILE", description = "a finished results.jsonl to compare the ranking with")
    Path against;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "recommend-out",
            description = "folder of the embedding cache and resolved encoders (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--center", description = "centre embeddings on the sources' mean before the cosine "
            + "(see docs/recommend.md; default: plain cosine)")
    boolean center;

    @Option(names = "--fisher-examples", defaultValue = "256",
            description = "training examples TaskEmb uses (default: ${DEFAULT-VALUE})")
    int fisherExamples;

    @Option(names = "--head-steps", defaultValue = "100",
            description = "Adam steps training TaskEmb's head on the frozen encoder (default: ${DEFAULT-VALUE})")
    int headSteps;

    @Option(names = "--max-text-rows", defaultValue = "0",
            description = "cap the rows TextEmb averages over, 0 = all (default: ${DEFAULT-VALUE})")
    int maxTextRows;

    @Option(names = "--batch-size", defaultValue = "32", description = "rows per forward (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--max-length", defaultValue = "128", description = "max sub-tokens per row (default: ${DEFAULT-VALUE})")
    int maxLength;

    @Option(names = "--qa-max-length", defaultValue = "384", description = "QA window length (default: ${DEFAULT-VALUE})")
    int qaMaxLength;

    @Option(names = "--qa-stride", defaultValue = "128", description = "QA window overlap (default: ${DEFAULT-VALUE})")
    int qaStride;

    @Option(names = "--seed", defaultValue = "1", description = "seed of samples and heads (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--suite-seed", defaultValue = "7", description = "seed of the synthetic suite with --data demo "
            + "(default: ${DEFAULT-VALUE})")
    long suiteSeed;

    @Option(names = "--threads", description = "CPU cores to use: threads that each run encoder forwards on their own "
            + "batches with one PyTorch intra-op thread (default: every core with --device cpu, else 1 thread with the "
            + "engine's intra-op threads)")
    Integer threads;

    @Option(names = "--device", defaultValue = "cpu", description = "auto, cpu, gpu or gpu:K (default: ${DEFAULT-VALUE})")
    String device;

    /** Creates the command; picocli fills the fields. */
    public RecommendCommand() {}

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        int embedThreads = embeddingThreads();
        checkOptions();
        Set<EmbeddingMethod> methods = parseMethods(method);
        List<TaskGroup> g = ReproduceCommand.parseGroups(groups);
        Device dev = DeviceOption.parse(device);
        Inputs in = OptionValues.is(data, DEMO_DATA) ? demoInputs() : catalogInputs(g);
        if (!OptionValues.is(data, DEMO_DATA)) {
            // real rows reach the lengths; the demo suite's short rows fit its encoder's 128 positions at the defaults
            List<Task> featurized = new ArrayList<>(in.targets());
            in.sources().stream().filter(t -> g.contains(t.group())).forEach(featurized::add);
            OptionChecks.lengthsFitEncoder(in.encoder(), featurized, maxLength, qaMaxLength);
        }
        ConsoleProgress bar = ConsoleProgress.onStderr();
        long start = System.nanoTime();
        List<TransferRanking> rankings;
        try (NDManager m = NDManager.newBaseManager(dev)) {
            TaskEmbedder.Builder eb = TaskEmbedder.builder().setManager(m).setEncoder(in.encoder())
                    .optBatchSize(batchSize).optThreads(embedThreads).optMaxTextRows(maxTextRows).optFisherExamples(fisherExamples)
                    .optHeadSteps(headSteps).optSeed(seed).optStore(EmbeddingStore.open(out, out.resolve("embeddings")))
                    .optListener(progress(bar));
            FeatureSettings fs = new FeatureSettings(maxLength, qaMaxLength, qaStride, 0, 1, 1L);
            rankings = rank(eb, in.data(), in.sources().stream().filter(t -> g.contains(t.group())).toList(),
                    in.targets(), methods, center, fs, o, in.skipped());
        }
        bar.finishLine();
        // a group asked for that no ranking holds would otherwise only be absent from the list
        Set<String> ranked = new HashSet<>();
        rankings.forEach(r -> r.groups().forEach(x -> ranked.add(x.group())));
        for (TaskGroup asked : g) {
            if (!rankings.isEmpty() && !ranked.contains(asked.name())) {
                o.println("not ranked: group " + asked.name() + ", none of whose pre-finetuning tasks has data that"
                        + " could be read (they are among the skipped tasks above)");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        for (TransferRanking r : rankings) {
            print(o, r);
        }
        o.printf(Locale.ROOT, "time: %.1f s (embeddings cached in %s)%n", seconds, out.resolve("embeddings"));
        if (measured != null) {
            printAgreement(o, rankings, measured);
        }
        o.flush();
        return 0;
    }

    /**
     * Rejects bad values before the output folder is created, the encoder written or the engine
     * started: until this release they surfaced only after MiniLM was written under {@code --out},
     * some (an unknown {@code --target}) as an internal error, and a bad {@code --against} only
     * after every embedding was computed.
     */
    private void checkOptions() {
        checkValues();
        if (against != null) {
            OptionChecks.inputFile("--against", against, "a results.jsonl of a finished demo or reproduce run");
        }
        if (!OptionValues.is(data, DEMO_DATA)) {
            OptionChecks.inputFolder("--data", Path.of(data), "the data root in the TaskCatalog layout"
                    + " (docs/data-layout.md), or demo");
        }
        OptionChecks.outputFolder("--out", out);
    }

    /**
     * Checks every option's value on its own, reading no file and starting no engine; the
     * documentation's command lines are checked through it.
     */
    void checkValues() {
        OptionChecks.notBlank("--data", data, "a data root folder or demo");
        OptionChecks.notBlank("--encoder", encoder, "an HF model id, a local HF folder or minilm");
        parseMethods(method);
        ReproduceCommand.parseGroups(groups);
        DeviceOption.checkForm(device);
        OptionChecks.atLeast("--fisher-examples", fisherExamples, 1);
        OptionChecks.atLeast("--head-steps", headSteps, 0);
        OptionChecks.atLeast("--max-text-rows", maxTextRows, 0);
        OptionChecks.atLeast("--batch-size", batchSize, 1);
        OptionChecks.featureLengths(maxLength, qaMaxLength, qaStride);
        if (targets != null && targets.isEmpty()) {
            throw new IllegalArgumentException("--target: expected some target names, comma-separated, found none;"
                    + " leave --target out for every target with data");
        }
        // an empty name or one listed twice (ranked twice, it would count twice in --against's averages) is
        // refused when parsed, as in every list option (OptionValues.ListValue)
    }

    /**
     * Chooses the embedding threads and, before the engine starts, gives each one PyTorch intra-op
     * thread: short rows make poor matrix products to split, and intra-op workers spin at every
     * barrier, which on a shared machine costs more than it gains (see {@link TaskEmbedder.Builder#optThreads}).
     * A {@code -Dai.djl.pytorch.num_threads} of the user's own wins.
     */
    private int embeddingThreads() {
        boolean cpu = OptionValues.is(device, "cpu");
        if (threads != null) {
            OptionChecks.atLeast("--threads", threads, 1);
        }
        int n = threads != null ? threads : cpu ? Runtime.getRuntime().availableProcessors() : 1;
        if ((threads != null || cpu) && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        return n;
    }

    /**
     * Embeds sources and targets (from the store where it has them) and ranks the sources for
     * every target. The one place this command featurizes and embeds tasks.
     *
     * @param embedder a configured embedder builder
     * @param data where the tasks' examples come from
     * @param sources the pre-finetuning tasks
     * @param targets the targets
     * @param methods the methods to use
     * @param centered true to centre embeddings on the sources' mean
     * @param settings featurization settings
     * @param o where to print skipped tasks
     * @param skipped tasks already skipped for missing data
     * @return one ranking per target, in target order
     * @throws IOException if data or the encoder cannot be read
     */
    static List<TransferRanking> rank(TaskEmbedder.Builder embedder, TaskDataSource data, List<Task> sources,
            List<Task> targets, Set<EmbeddingMethod> methods, boolean centered, FeatureSettings settings, PrintWriter o,
            List<String> skipped) throws IOException {
        List<String> skips = new ArrayList<>(skipped);
        List<TransferRanking> out = new ArrayList<>();
        try (TaskEmbedder e = embedder.build();
                SubwordTokenizer tokenizer = SubwordTokenizer.builder()
                        .setTokenizerPath(e.encoderFolder().resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
            TransferRecommender.Builder rb = TransferRecommender.builder().setMethods(methods).optCentered(centered);
            int added = 0;
            for (Task t : sources) {
                TaskData d = data.load(t);
                FeaturizedTask f = featurize(d, tokenizer, settings, skips);
                if (f != null) {
                    rb.addSource(new TransferSource(t.name(), t.group().name(), f.features().get(Split.TRAIN).size(),
                            embed(e, f, methods)));
                    added++;
                }
            }
            if (added == 0) {
                throw new IllegalArgumentException("no pre-finetuning task of the chosen groups has data"
                        + (skips.isEmpty() ? "" : " (" + skips.size() + " skipped, first " + skips.get(0) + ")")
                        + "; check --data (the TaskCatalog layout, docs/data-layout.md) and --groups");
            }
            TransferRecommender rec = rb.build();
            for (Task t : targets) {
                FeaturizedTask f = featurize(data.load(t), tokenizer, settings, skips);
                if (f != null) {
                    out.add(rec.rank(t.name(), embed(e, f, methods)));
                }
            }
        }
        if (!skips.isEmpty()) {
            o.println("skipped " + Counts.counted(skips.size(), "task") + ": " + String.join("; ", skips));
        }
        return out;
    }

    private static FeaturizedTask featurize(TaskData d, SubwordTokenizer tokenizer, FeatureSettings s, List<String> skips)
            throws IOException {
        try {
            return FeaturizedTask.featurize(d, tokenizer, s);
        } catch (IllegalArgumentException ex) {
            skips.add(d.task().name() + " (" + ex.getMessage() + ")");
            return null;
        }
    }

    private static Map<EmbeddingMethod, TaskEmbedding> embed(TaskEmbedder e, FeaturizedTask f, Set<EmbeddingMethod> methods)
            throws IOException {
        Map<EmbeddingMethod, TaskEmbedding> m = new EnumMap<>(EmbeddingMethod.class);
        for (EmbeddingMethod k : methods) {
            m.put(k, e.embed(f, k));
        }
        return m;
    }

    static Set<EmbeddingMethod> parseMethods(String value) {
        if (OptionValues.is(value, "both")) {
            return EnumSet.allOf(EmbeddingMethod.class);
        }
        try {
            return EnumSet.of(OptionValues.keyword("--method", value, EmbeddingMethod.class, EmbeddingMethod::cliName));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--method: expected textemb, taskemb or both, found '" + value + "'", e);
        }
    }

    private static EmbeddingListener progress(ConsoleProgress bar) {
        String[] current = {""};
        return (task, phase, done, total) -> {
            String label = task + " " + phase;
            if (!label.equals(current[0])) {
                current[0] = label;
                bar.start(label, total, unit(phase));
            }
            bar.update(done, "");
        };
    }

    private static String unit(String phase) {
        return switch (phase) {
            case "textemb" -> "rows";
            case "taskemb encode" -> "examples";
            case "taskemb head" -> "steps";
            default -> "batches";
        };
    }

    static void print(PrintWriter o, TransferRanking r) {
        String ms = String.join("+", r.methods().stream().map(EmbeddingMethod::cliName).toList());
        o.printf(Locale.ROOT, "%nTarget %s (%s)%n", r.target(), ms);
        o.println("  groups:");
        int i = 1;
        for (TransferRanking.ScoredGroup g : r.groups()) {
            o.printf(Locale.ROOT, "    %d. %-4s %8.4f  (%d tasks, %d training units)%n", i++, g.group(), g.score(),
                    g.tasks().size(), g.size());
        }
        o.println("  tasks:");
        i = 1;
        for (TransferRanking.ScoredTask t : r.tasks()) {
            StringBuilder c = new StringBuilder();
            t.cosines().forEach((k, v) -> c.append(String.format(Locale.ROOT, "  %s %.4f", k.cliName(), v)));
            o.printf(Locale.ROOT, "    %2d. %-22s %-4s %8.4f%s%n", i++, t.task(), t.group(), t.score(), c);
        }
    }

    static List<TransferAgreement> printAgreement(PrintWriter o, List<TransferRanking> rankings, ResultSet results) {
        List<TransferAgreement> all = new ArrayList<>();
        o.printf(Locale.ROOT, "%nAgreement with %s%n", "measured transfer");
        o.printf(Locale.ROOT, "  %-22s %8s %10s %10s %6s %8s %8s%n", "target", "settings", "spearman", "top group",
                "best", "ndcg@3", "kendall");
        for (TransferRanking r : rankings) {
            // asked, not caught: any other refusal of TransferAgreement.of was reported as this
            if (!TransferAgreement.hasPrefinetunedRun(r.target(), results.runs())) {
                o.printf(Locale.ROOT, "  %-22s no pre-finetuned run in the results%n", r.target());
                continue;
            }
            TransferAgreement a;
            try {
                a = TransferAgreement.of(r, results.runs());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--against: target " + r.target() + ": " + e.getMessage(), e);
            }
            all.add(a);
            o.printf(Locale.ROOT, "  %-22s %8d %10s %10s %6s %8s %8s%n", a.target(), a.settings().size(),
                    measure(a.spearman()), a.topGroup(),
                    a.bestGroup() == null ? "-" : a.topIsBest() ? "yes" : "no (" + a.bestGroup() + ")",
                    measure(a.ndcgAt3()), measure(a.kendallTau()));
            if (a.skippedSettings() > 0) {
                // not in the "settings" count: said, as nothing is dropped without a word
                o.printf(Locale.ROOT, "  %s: %s left out, with no prediction: a group they were pre-finetuned on has"
                        + " no source task, or the name names no groups%n", a.target(),
                        Counts.counted(a.skippedSettings(), "setting"));
            }
        }
        double[] avg = TransferAgreement.averages(all);
        o.printf(Locale.ROOT, "  %-22s %8s %10s %10s %6s %8s %8s%n", "average (" + all.size() + ")", "", measure(avg[0]),
                "", Double.isNaN(avg[1]) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * avg[1]), measure(avg[2]),
                measure(avg[3]));
        // the averages skip a target whose rho or NDCG is undefined (every setting measured the same):
        // "average (6)" over three rhos read as one over six
        // Kendall's tau is undefined exactly where rho is (fewer than two settings, or a constant side)
        long rhos = all.stream().filter(a -> !Double.isNaN(a.spearman())).count();
        long ndcgs = all.stream().filter(a -> !Double.isNaN(a.ndcgAt3())).count();
        if (rhos < all.size() || ndcgs < all.size()) {
            o.println("  " + (rhos == ndcgs ? "spearman, kendall and ndcg@3 average " + rhos
                    : "spearman and kendall average " + rhos + " and ndcg@3 " + ndcgs) + " of the " + all.size()
                    + " targets: undefined (-) where the settings give nothing to rank (one setting, or all measured"
                    + " alike; for rho, or all predicted alike)");
        }
        return all;
    }

    /** A rho, tau or NDCG with three decimals, {@code -} where undefined (NaN). */
    private static String measure(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    private record Inputs(Path encoder, TaskDataSource data, List<Task> sources, List<Task> targets, List<String> skipped) {}

    private Inputs catalogInputs(List<TaskGroup> g) throws IOException {
        TaskDataSource source = io.github.prefine.examples.data.FetchedData.source(Path.of(data), Leniency.LENIENT);
        List<String> skipped = new ArrayList<>();
        List<Task> pre = new ArrayList<>();
        for (Task t : TaskCatalog.prefinetuning()) {
            if (g.contains(t.group())) {
                addIfPresent(source, t, pre, skipped);
            }
        }
        List<Task> tgt = new ArrayList<>();
        if (targets == null) {
            for (Task t : TaskCatalog.targets()) {
                addIfPresent(source, t, tgt, skipped);
            }
        } else {
            for (String name : targets) {
                String n = name.trim();
                Task t = TaskCatalog.all().stream().filter(k -> k.name().equals(n)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("--target: no catalogued task named '" + n
                                + "'; expected some of " + TaskCatalog.targets().stream().map(Task::name).toList()
                                + ", comma-separated"));
                if (TaskCatalog.prefinetuning().stream().anyMatch(k -> k.name().equals(n))) {
                    // its own embedding would rank its group first: a target must be unseen, as in the paper
                    throw new IllegalArgumentException("--target: '" + n + "' is a pre-finetuning task of group "
                            + t.group() + ", not a target; expected some of " + TaskCatalog.targets().stream()
                            .map(Task::name).toList() + ", comma-separated");
                }
                tgt.add(t);
            }
            // every name is checked before any data: a wrong name is the first thing to say
            for (Task t : tgt) {
                if (!source.missing(t).isEmpty()) {
                    throw new IllegalArgumentException("--target " + t.name() + ": data missing under " + data + ": "
                            + source.missing(t) + "; expected the TaskCatalog layout (docs/data-layout.md)");
                }
            }
        }
        // before the encoder is resolved (MiniLM is written under --out): nothing to rank, nothing to write
        if (pre.isEmpty() || tgt.isEmpty()) {
            throw new IllegalArgumentException("--data " + data + ": no " + (pre.isEmpty() ? "pre-finetuning task of "
                    + groups + " has" : "target task has") + " its data (" + skipped.size() + " missing"
                    + (skipped.isEmpty() ? "" : ", first " + skipped.get(0)) + "); expected the TaskCatalog layout"
                    + " (docs/data-layout.md); check --data, --groups and --target");
        }
        refuseOptionsNotRead();
        readAgainst();
        Path enc = EncoderOption.resolve(encoder == null ? EncoderOption.MINILM : encoder, out);
        // after the encoder: a wrong --encoder leaves no empty --out behind
        Files.createDirectories(out);
        return new Inputs(enc, source, pre, tgt, skipped);
    }

    /**
     * Refuses an option given on the command line that this run does not read, as {@code bench}
     * refuses the options of another {@code --part}: {@code --suite-seed} without {@code --data
     * demo}, TaskEmb's {@code --fisher-examples} and {@code --head-steps} with {@code --method
     * textemb}, TextEmb's {@code --max-text-rows} with {@code --method taskemb}. Each was ignored
     * without a word. Called after the data and target checks, so that those name their own
     * mistakes first, and before the encoder is resolved or {@code --out} written.
     */
    private void refuseOptionsNotRead() {
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        if (given == null) {
            return;
        }
        if (given.hasMatchedOption("--suite-seed") && !OptionValues.is(data, DEMO_DATA)) {
            throw new IllegalArgumentException("--suite-seed is for --data demo only, found it with --data " + data
                    + "; leave it out");
        }
        Set<EmbeddingMethod> methods = parseMethods(method);
        List<String> notRead = new ArrayList<>();
        if (!methods.contains(EmbeddingMethod.TASK_EMB)) {
            notRead.addAll(List.of("--fisher-examples", "--head-steps"));
        }
        if (!methods.contains(EmbeddingMethod.TEXT_EMB)) {
            notRead.add("--max-text-rows");
        }
        for (String o : notRead) {
            if (given.hasMatchedOption(o)) {
                String reads = o.equals("--max-text-rows") ? "textemb" : "taskemb";
                throw new IllegalArgumentException(o + " is for --method " + reads + " or both only, found it with"
                        + " --method " + method.strip() + "; leave it out");
            }
        }
    }

    private static void addIfPresent(TaskDataSource source, Task t, List<Task> into, List<String> skipped) {
        List<String> missing = source.missing(t);
        if (missing.isEmpty()) {
            into.add(t);
        } else {
            skipped.add(t.name() + " (missing " + Counts.counted(missing.size(), "file") + ")");
        }
    }

    /**
     * Reads {@code --against} whole, once the targets' names are checked (a wrong name is the thing
     * to say, not a line of the file) and before anything is written or embedded (a bad line was
     * once named only after every task had been embedded).
     */
    private void readAgainst() throws IOException {
        measured = against == null ? null : ResultLog.load(against);
    }

    private Inputs demoInputs() throws IOException {
        SyntheticSuite suite = SyntheticSuite.generate(suiteSeed, SyntheticSuite.Sizes.demo());
        SyntheticTaskSet set = SyntheticTaskSet.of(suite);
        List<Task> tgt = set.targets();
        if (targets != null) {
            Map<String, Task> byName = new LinkedHashMap<>();
            set.targets().forEach(t -> byName.put(t.name(), t));
            tgt = new ArrayList<>();
            for (String name : targets) {
                Task t = byName.get(name.trim());
                if (t == null) {
                    throw new IllegalArgumentException("--target: no synthetic target named '" + name.trim()
                            + "' in --data demo; expected some of " + byName.keySet() + ", comma-separated");
                }
                tgt.add(t);
            }
        }
        // an unknown target is refused before the encoder is written
        refuseOptionsNotRead();
        readAgainst();
        Files.createDirectories(out);
        Path enc = encoder != null ? EncoderOption.resolve(encoder, out) : DemoCommand.demoEncoder(suite,
                PlainFolders.create(out, out.resolve("base-encoder")), false);
        return new Inputs(enc, set.data(), set.prefinetuning(), tgt, List.of());
    }
}
