package io.github.prefine.core.predict;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.core.train.Trainer;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small real finetuning of the tiny HF BERT fixture ({@code ../shared/fixtures/hf-reference/bert})
 * on four generated tasks, one per predictable format, over words of the fixture's vocabulary:
 * {@code topic} (single text: does it name a place or a person), {@code match} (text pair: do both
 * texts name the same place), {@code ner} (PER and LOC tags) and {@code qa} (who visited a place).
 */
final class TinyFinetuning {
    static final List<String> PEOPLE = List.of("john", "mary", "alice", "bob");
    static final List<String> PLACES = List.of("paris", "london", "tokyo", "rome");
    static final List<String> FILLER = List.of("walked", "wrote", "read", "game", "team", "film", "month", "week",
            "people", "with", "about", "while", "during");
    /** Short rows and QA windows of 40 tokens with a stride of 8, so a long context takes several windows. */
    static final FeatureSettings SETTINGS = FeatureSettings.paper().withLengths(32, 40, 8);

    private TinyFinetuning() {}

    static Path bert() {
        return SharedFixtures.require("fixtures/hf-reference/bert");
    }

    static SubwordTokenizer tokenizer() throws Exception {
        return SubwordTokenizer.builder().setTokenizerPath(bert().resolve("tokenizer.json")).build();
    }

    /** The four featurized tasks: 48 training and 16 validation examples each. */
    static TaskSet tasks(SubwordTokenizer tok) throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        return TaskSet.of(
                featurize(tok, InMemoryTasks.task("topic", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                        List.of("person", "place")), rnd, TinyFinetuning::topic),
                featurize(tok, InMemoryTasks.task("match", TaskGroup.C, TaskFormat.TEXT_PAIR, MetricType.MACRO_F1,
                        List.of("different", "same")), rnd, TinyFinetuning::match),
                featurize(tok, InMemoryTasks.task("ner", TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1,
                        List.of("O", "B-LOC", "B-PER", "I-LOC", "I-PER")), rnd, TinyFinetuning::ner),
                featurize(tok, InMemoryTasks.task("qa", TaskGroup.QA, TaskFormat.QA, MetricType.SQUAD_F1, List.of()),
                        rnd, TinyFinetuning::qa));
    }

    /** One multiple-choice task, {@code copa}: which of two places did the premise name (48 training, 16 validation). */
    static TaskSet choiceTasks(SubwordTokenizer tok) throws Exception {
        SplittableRandom rnd = new SplittableRandom(11);
        return TaskSet.of(featurize(tok, InMemoryTasks.task("copa", TaskGroup.C, TaskFormat.CHOICE, MetricType.ACCURACY,
                List.of()), rnd, TinyFinetuning::choice));
    }

    interface Maker {
        Example make(String id, SplittableRandom rnd);
    }

    private static FeaturizedTask featurize(SubwordTokenizer tok, Task task, SplittableRandom rnd, Maker maker)
            throws Exception {
        List<Example> train = new ArrayList<>();
        List<Example> validation = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            train.add(maker.make("t" + i, rnd));
        }
        for (int i = 0; i < 16; i++) {
            validation.add(maker.make("v" + i, rnd));
        }
        return FeaturizedTask.featurize(InMemoryTasks.data(task, train, validation, List.of()), tok, SETTINGS);
    }

    private static String pick(List<String> words, SplittableRandom rnd) {
        return words.get(rnd.nextInt(words.size()));
    }

    private static List<String> filler(SplittableRandom rnd, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(pick(FILLER, rnd));
        }
        return out;
    }

    private static Example topic(String id, SplittableRandom rnd) {
        boolean place = rnd.nextBoolean();
        List<String> w = filler(rnd, 3);
        w.add(rnd.nextInt(4), pick(place ? PLACES : PEOPLE, rnd));
        return new TextExample(id, String.join(" ", w), null, place ? "place" : "person");
    }

    private static Example match(String id, SplittableRandom rnd) {
        String a = pick(PLACES, rnd);
        boolean same = rnd.nextBoolean();
        String b = same ? a : PLACES.get((PLACES.indexOf(a) + 1 + rnd.nextInt(3)) % 4);
        return new TextExample(id, pick(FILLER, rnd) + " " + a, b + " " + pick(FILLER, rnd), same ? "same" : "different");
    }

    private static Example ner(String id, SplittableRandom rnd) {
        List<String> words = new ArrayList<>(filler(rnd, 2));
        List<String> tags = new ArrayList<>(List.of("O", "O"));
        int at = rnd.nextInt(3);
        words.addAll(at, List.of(pick(PEOPLE, rnd), "smith"));
        tags.addAll(at, List.of("B-PER", "I-PER"));
        words.add(pick(PLACES, rnd));
        tags.add("B-LOC");
        return new TokenExample(id, words, tags);
    }

    private static Example qa(String id, SplittableRandom rnd) {
        String person = pick(PEOPLE, rnd);
        String place = pick(PLACES, rnd);
        // a long context, so that the stride matters: the answer sits after several filler words
        String before = String.join(" ", filler(rnd, 10 + rnd.nextInt(30)));
        String context = before + " " + person + " visited " + place + " " + String.join(" ", filler(rnd, 6)) + ".";
        return new QaExample(id, "who visited " + place + "?", context,
                List.of(new GoldAnswer(person, before.length() + 1)));
    }

    private static Example choice(String id, SplittableRandom rnd) {
        String place = pick(PLACES, rnd);
        String other = PLACES.get((PLACES.indexOf(place) + 1 + rnd.nextInt(3)) % 4);
        String premise = pick(PEOPLE, rnd) + " " + pick(FILLER, rnd) + " " + place;
        int label = rnd.nextInt(2);
        List<String> choices = label == 0 ? List.of(place + " " + pick(FILLER, rnd), other + " " + pick(FILLER, rnd))
                : List.of(other + " " + pick(FILLER, rnd), place + " " + pick(FILLER, rnd));
        // every other example has no question, as a choice task's question may be empty
        return new ChoiceExample(id, premise, rnd.nextBoolean() ? "where" : "", choices, label);
    }

    /** A model over the fixture's encoder with one head per task. */
    static MultiHeadModel model(NDManager manager, TaskSet tasks) throws Exception {
        return MultiHeadModel.builder().setManager(manager)
                .setEncoder(EncoderCheckpoint.load(bert().resolve("encoder"), manager).encoder())
                .optHeadSeed(3).addTasks(tasks).build();
    }

    /** Trains the model a few epochs on all four tasks. */
    static Trainer train(MultiHeadModel model, TaskSet tasks) throws Exception {
        Trainer trainer = Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks)).optBatchSize(8)
                .optLearningRate(3e-3).optMaxEpochs(3).optSeed(5).build();
        trainer.fit();
        return trainer;
    }

    /** The fixture's encoder with seeded, untrained heads: {@code topic} (2 labels), {@code ner} (3), {@code qa}. */
    static MultiHeadModel untrained(NDManager m) throws java.io.IOException {
        return MultiHeadModel.builder().setManager(m)
                .setEncoder(EncoderCheckpoint.load(bert().resolve("encoder"), m).encoder())
                .addHead("topic", TaskFormat.SINGLE_TEXT.newHead(2, io.github.prefine.heads.HeadFamily.BERT, 1))
                .addHead("ner", TaskFormat.TOKEN.newHead(3, io.github.prefine.heads.HeadFamily.BERT, 2))
                .addHead("qa", TaskFormat.QA.newHead(2, io.github.prefine.heads.HeadFamily.BERT, 3)).build();
    }

    /**
     * Writes {@link #untrained}'s export with {@link #SETTINGS} to a folder.
     *
     * @param dir the folder
     * @return {@code dir}
     */
    static Path saveUntrained(Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); SubwordTokenizer tok = tokenizer();
                MultiHeadModel model = untrained(m)) {
            export(model, tok, SETTINGS).writeTo(dir);
        }
        return dir;
    }

    /** The export of {@link #untrained}'s tasks. */
    static ModelExport export(MultiHeadModel model, SubwordTokenizer tok, FeatureSettings settings) {
        return ModelExport.builder().setModel(model).setTokenizer(tok).setFeatureSettings(settings)
                .addTask("topic", TaskFormat.SINGLE_TEXT, List.of("person", "place"))
                .addTask("ner", TaskFormat.TOKEN, List.of("O", "B-PER", "I-PER"))
                .addTask("qa", TaskFormat.QA, List.of()).build();
    }
}
