package io.github.prefine.core.grid;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.pipeline.TaskDataSource;
import io.github.prefine.core.pipeline.WordTokenizer;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A tiny grid input: two SL and two C pre-finetuning tasks, one SL and one C target, a word-level
 * tokenizer and a one-layer random BERT. SL tags {@code x} as {@code B-X} and a following
 * {@code y} as {@code I-X}; C says {@code yes} when a text holds {@code x}.
 */
final class GridFixtures {
    static final List<String> WORDS = List.of("a", "b", "c", "d", "e", "f", "x", "y");

    final List<Task> prefinetuning = new ArrayList<>();
    final List<Task> targets = new ArrayList<>();
    final TaskDataSource data;
    /** The tasks' examples, as {@link #data} serves them. */
    final List<TaskData> examples;
    final Path encoder;

    GridFixtures(Path dir) throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        List<TaskData> all = new ArrayList<>();
        for (String name : List.of("sl-a", "sl-b", "sl-target")) {
            Task t = InMemoryTasks.task(name, TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1, List.of("O", "B-X", "I-X"));
            (name.endsWith("target") ? targets : prefinetuning).add(t);
            all.add(InMemoryTasks.data(t, sentences(random, name, 24), sentences(random, name, 8),
                    name.endsWith("target") ? sentences(random, name, 8) : List.of()));
        }
        for (String name : List.of("c-a", "c-b", "c-target")) {
            Task t = InMemoryTasks.task(name, TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, List.of("no", "yes"));
            (name.endsWith("target") ? targets : prefinetuning).add(t);
            all.add(InMemoryTasks.data(t, texts(random, name, 24), texts(random, name, 8),
                    name.endsWith("target") ? texts(random, name, 8) : List.of()));
        }
        data = TaskDataSource.inMemory(all);
        examples = List.copyOf(all);
        Path tok = WordTokenizer.write(dir.resolve("tokenizer.json"), WORDS);
        encoder = dir.resolve("encoder");
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderConfig c = EncoderConfig.builder().setModelType(ModelFamily.BERT)
                    .setVocabSize(WordTokenizer.SPECIALS.size() + WORDS.size()).setHiddenSize(16).setNumHiddenLayers(1)
                    .setNumAttentionHeads(2).setIntermediateSize(32).optMaxPositionEmbeddings(64).build();
            TransformerEncoder e = TransformerEncoder.builder().setConfig(c).build();
            e.initializeRandom(m, 3);
            EncoderCheckpoint.save(e, encoder, tok);
        }
    }

    /** Reads a JSON object the grid wrote. */
    static com.google.gson.JsonObject json(Path file) throws java.io.IOException {
        return com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(file)).getAsJsonObject();
    }

    /** A grid over SL and C with one seed, one learning rate and one epoch per run. */
    Grid.Builder tiny(List<Task> targets, Path out) {
        return Grid.builder().setEncoder(encoder).setData(data).setPrefinetuningTasks(prefinetuning)
                .setGroups(List.of(TaskGroup.SL, TaskGroup.C)).setTargets(targets).setOutput(out)
                .optSeeds(List.of(1L)).optLearningRates(List.of(1e-3)).optBatchSize(16).optMaxEpochs(1, 1)
                .optPatience(1).optLogEvery(2).optPollMillis(100).optFeatures(new FeatureSettings(48, 48, 8, 0, 0, 1L));
    }

    private static List<String> words(SplittableRandom random) {
        List<String> w = new ArrayList<>();
        int n = 3 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            w.add(WORDS.get(random.nextInt(WORDS.size())));
        }
        return w;
    }

    private static List<TokenExample> sentences(SplittableRandom random, String task, int n) {
        List<TokenExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> w = words(random);
            List<String> tags = new ArrayList<>();
            for (int j = 0; j < w.size(); j++) {
                boolean inside = w.get(j).equals("y") && j > 0 && w.get(j - 1).equals("x");
                tags.add(w.get(j).equals("x") ? "B-X" : inside ? "I-X" : "O");
            }
            out.add(new TokenExample(task + "-" + out.size() + "-" + random.nextInt(1000), w, tags));
        }
        return out;
    }

    private static List<TextExample> texts(SplittableRandom random, String task, int n) {
        List<TextExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> w = words(random);
            out.add(new TextExample(task + "-" + i + "-" + random.nextInt(1000), String.join(" ", w), null,
                    w.contains("x") ? "yes" : "no"));
        }
        return out;
    }
}
