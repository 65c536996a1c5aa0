package io.github.prefine.examples.demo;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A deterministic synthetic task suite in the paper's three formats, small enough for a CPU demo.
 *
 * <p>Each group owns one piece of knowledge that its tasks share and the other groups' tasks do
 * not need:
 *
 * <ul>
 *   <li>SL: which invented words are names of people, places, organisations and products;
 *   <li>C: which invented words carry positive or negative sentiment;
 *   <li>QA: how a question's relation word points at a span of a context sentence.
 * </ul>
 *
 * <p>Pre-finetuning tasks teach that knowledge with plenty of data; held-out targets reuse it
 * under new templates or label sets with little data, so an encoder pre-finetuned on the related
 * group should beat one pre-finetuned on an unrelated group. The vocabulary is closed, so a
 * word-level tokenizer (see {@link #writeTokenizerJson(Path)}) covers it without unknown tokens.
 *
 * <p>Instances are immutable; the same seed and sizes give the same suite on every machine.
 */
public final class SyntheticSuite {

    /** The format of a synthetic task. */
    public enum Kind {
        /** Token classification with BIO tags. */
        SL,
        /** Single-text classification. */
        C_SINGLE,
        /** Text-pair classification. */
        C_PAIR,
        /** Extractive question answering. */
        QA
    }

    /**
     * One synthetic task with its splits.
     *
     * @param name task name
     * @param group {@code SL}, {@code QA} or {@code C}
     * @param kind the format
     * @param target true for a held-out target, false for a pre-finetuning task
     * @param labels the label set (BIO tags for SL, class names for C, empty for QA)
     * @param train training examples
     * @param validation validation examples
     * @param test test examples
     */
    public record SyntheticTask(
            String name,
            String group,
            Kind kind,
            boolean target,
            List<String> labels,
            List<Example> train,
            List<Example> validation,
            List<Example> test) {
        /**
         * Copies the lists.
         *
         * @param name task name
         * @param group {@code SL}, {@code QA} or {@code C}
         * @param kind the format
         * @param target true for a held-out target, false for a pre-finetuning task
         * @param labels the label set (BIO tags for SL, class names for C, empty for QA)
         * @param train training examples
         * @param validation validation examples
         * @param test test examples
         */
        public SyntheticTask {
            Objects.requireNonNull(name, "name");
            labels = List.copyOf(labels);
            train = List.copyOf(train);
            validation = List.copyOf(validation);
            test = List.copyOf(test);
        }
    }

    /**
     * How many examples each split gets.
     *
     * @param pretrainTrain training examples of each pre-finetuning task
     * @param targetTrain training examples of each target (small on purpose)
     * @param validation validation examples of every task
     * @param test test examples of every target
     */
    public record Sizes(int pretrainTrain, int targetTrain, int validation, int test) {
        /**
         * Checks that every size is positive.
         *
         * @param pretrainTrain training examples of each pre-finetuning task
         * @param targetTrain training examples of each target (small on purpose)
         * @param validation validation examples of every task
         * @param test test examples of every target
         */
        public Sizes {
            if (pretrainTrain <= 0 || targetTrain <= 0 || validation <= 0 || test <= 0) {
                throw new IllegalArgumentException("every split size must be positive");
            }
        }

        /**
         * Returns the sizes the README's demo uses.
         *
         * @return the demo sizes
         */
        public static Sizes demo() {
            return new Sizes(600, 48, 96, 160);
        }
    }

    private static final String[] ENTITY_TYPES = {"PER", "LOC", "ORG", "PRO"};
    private static final String[] SPECIALS = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};

    private final Map<String, List<String>> entities = new LinkedHashMap<>();
    private final List<String> positive = new ArrayList<>();
    private final List<String> negative = new ArrayList<>();
    private final List<String> fillers = new ArrayList<>();
    private final List<String> vocabulary;
    private final List<SyntheticTask> tasks = new ArrayList<>();

    private SyntheticSuite(long seed, Sizes sizes) {
        SplittableRandom lexRng = new SplittableRandom(seed);
        LinkedHashSet<String> used = new LinkedHashSet<>();
        for (String t : ENTITY_TYPES) {
            entities.put(t, words(lexRng, used, 24, t.toLowerCase(Locale.ROOT)));
        }
        positive.addAll(words(lexRng, used, 20, "p"));
        negative.addAll(words(lexRng, used, 20, "n"));
        fillers.addAll(words(lexRng, used, 60, "f"));
        LinkedHashSet<String> vocab = new LinkedHashSet<>(List.of(SPECIALS));
        vocab.addAll(List.of(FIXED_WORDS));
        vocab.addAll(used);
        this.vocabulary = List.copyOf(vocab);

        SplittableRandom rng = lexRng.split();
        // SL: tag entities; pre-finetuning tasks each see part of the type system.
        addSl(rng, "syn-sl-people", false, List.of("PER", "LOC"), sizes);
        addSl(rng, "syn-sl-business", false, List.of("ORG", "PRO"), sizes);
        addSl(rng, "syn-sl-mixed", false, List.of("PER", "ORG"), sizes);
        addSl(rng, "syn-sl-target-all", true, List.of("PER", "LOC", "ORG", "PRO"), sizes);
        addSl(rng, "syn-sl-target-places", true, List.of("LOC", "PRO"), sizes);
        // C: sentiment lexicon.
        addSentiment(rng, "syn-c-polarity", false, sizes);
        addPairSentiment(rng, "syn-c-agree", false, sizes);
        addSentimentStrength(rng, "syn-c-target-review", true, sizes);
        addPairSentiment(rng, "syn-c-target-match", true, sizes);
        // QA: relation-directed spans.
        addQa(rng, "syn-qa-birth", false, 0, sizes);
        addQa(rng, "syn-qa-founder", false, 1, sizes);
        addQa(rng, "syn-qa-target-maker", true, 2, sizes);
        addQa(rng, "syn-qa-target-home", true, 3, sizes);
    }

    /**
     * Generates the suite.
     *
     * @param seed the seed of every random choice
     * @param sizes split sizes
     * @return the suite
     */
    public static SyntheticSuite generate(long seed, Sizes sizes) {
        return new SyntheticSuite(seed, Objects.requireNonNull(sizes, "sizes"));
    }

    /**
     * Returns every task, pre-finetuning tasks and targets, in a stable order.
     *
     * @return the tasks
     */
    public List<SyntheticTask> tasks() {
        return Collections.unmodifiableList(tasks);
    }

    /**
     * Returns the closed vocabulary, special tokens first ({@code [PAD]} has id 0).
     *
     * @return the words in id order
     */
    public List<String> vocabulary() {
        return vocabulary;
    }

    /**
     * Writes a word-level Hugging Face {@code tokenizer.json} for the vocabulary, with BERT-style
     * {@code [CLS] A [SEP] B [SEP]} templates, so the Rust tokenizers load it like any other.
     *
     * @param file where to write
     * @throws IOException if writing fails
     */
    public void writeTokenizerJson(Path file) throws IOException {
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", null);
        root.add("padding", null);
        JsonArray added = new JsonArray();
        for (int i = 0; i < SPECIALS.length; i++) {
            JsonObject t = new JsonObject();
            t.addProperty("id", i);
            t.addProperty("content", SPECIALS[i]);
            t.addProperty("single_word", false);
            t.addProperty("lstrip", false);
            t.addProperty("rstrip", false);
            t.addProperty("normalized", false);
            t.addProperty("special", true);
            added.add(t);
        }
        root.add("added_tokens", added);
        root.add("normalizer", null);
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "WhitespaceSplit");
        root.add("pre_tokenizer", pre);
        JsonObject post = new JsonObject();
        post.addProperty("type", "TemplateProcessing");
        post.add("single", template(false));
        post.add("pair", template(true));
        JsonObject specials = new JsonObject();
        for (String s : new String[] {"[CLS]", "[SEP]"}) {
            JsonObject st = new JsonObject();
            st.addProperty("id", s);
            JsonArray ids = new JsonArray();
            ids.add(vocabulary.indexOf(s));
            st.add("ids", ids);
            JsonArray toks = new JsonArray();
            toks.add(s);
            st.add("tokens", toks);
            specials.add(s, st);
        }
        post.add("special_tokens", specials);
        root.add("post_processor", post);
        root.add("decoder", null);
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordLevel");
        JsonObject vocab = new JsonObject();
        for (int i = 0; i < vocabulary.size(); i++) {
            vocab.addProperty(vocabulary.get(i), i);
        }
        model.add("vocab", vocab);
        model.addProperty("unk_token", "[UNK]");
        root.add("model", model);
        Gson gson = new GsonBuilder().serializeNulls().create();
        // atomically: worker processes of one demo write the same file while others read it
        AtomicFiles.write(file, gson.toJson(root));
    }

    private static JsonArray template(boolean pair) {
        JsonArray a = new JsonArray();
        a.add(special("[CLS]", 0));
        a.add(sequence("A", 0));
        a.add(special("[SEP]", 0));
        if (pair) {
            a.add(sequence("B", 1));
            a.add(special("[SEP]", 1));
        }
        return a;
    }

    private static JsonObject special(String id, int typeId) {
        JsonObject inner = new JsonObject();
        inner.addProperty("id", id);
        inner.addProperty("type_id", typeId);
        JsonObject o = new JsonObject();
        o.add("SpecialToken", inner);
        return o;
    }

    private static JsonObject sequence(String id, int typeId) {
        JsonObject inner = new JsonObject();
        inner.addProperty("id", id);
        inner.addProperty("type_id", typeId);
        JsonObject o = new JsonObject();
        o.add("Sequence", inner);
        return o;
    }

    // QA templates: {context relation phrase, question before the subject, question after it}.
    // Targets reuse the pre-finetuning relation phrases with new questions and new subject types,
    // so what QA pre-finetuning learns (the answer follows the phrase) is what the targets need.
    private static final String[][] RELATIONS = {
        {"was born in", "where was", "born"},
        {"was founded by", "who founded", ""},
        {"was founded by", "who is behind", ""},
        {"was born in", "where is the home of", ""},
    };
    private static final String[] FIXED_WORDS = {
        ".", "?", "the", "and", "was", "is", "in", "by", "born", "founded", "made", "lives", "live",
        "where", "who", "does", "makes", "very", "not", "quite", "behind", "home", "of"
    };
    // Entity type of the subject and answer of each template.
    private static final String[][] RELATION_TYPES = {{"PER", "LOC"}, {"ORG", "PER"}, {"PRO", "PER"}, {"ORG", "LOC"}};

    private static List<String> words(SplittableRandom rng, LinkedHashSet<String> used, int n, String prefix) {
        String consonants = "bdfgklmnprstvz";
        String vowels = "aeiou";
        List<String> out = new ArrayList<>(n);
        while (out.size() < n) {
            StringBuilder sb = new StringBuilder(prefix.substring(0, 1));
            int syllables = 2 + rng.nextInt(2);
            for (int s = 0; s < syllables; s++) {
                sb.append(consonants.charAt(rng.nextInt(consonants.length())));
                sb.append(vowels.charAt(rng.nextInt(vowels.length())));
            }
            String w = sb.toString();
            if (used.add(w)) {
                out.add(w);
            }
        }
        return out;
    }

    private String pick(SplittableRandom rng, List<String> list) {
        return list.get(rng.nextInt(list.size()));
    }

    private List<String> bioLabels(List<String> types) {
        List<String> labels = new ArrayList<>();
        labels.add("O");
        for (String t : types) {
            labels.add("B-" + t);
            labels.add("I-" + t);
        }
        return labels;
    }

    private void addSl(SplittableRandom rng, String name, boolean target, List<String> types, Sizes sizes) {
        int train = target ? sizes.targetTrain() : sizes.pretrainTrain();
        List<List<Example>> splits = new ArrayList<>();
        for (int n : new int[] {train, sizes.validation(), target ? sizes.test() : 1}) {
            List<Example> ex = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                List<String> toks = new ArrayList<>();
                List<String> tags = new ArrayList<>();
                int len = 6 + rng.nextInt(8);
                while (toks.size() < len) {
                    if (rng.nextInt(3) == 0) {
                        // any entity type may appear; only the task's types are tagged
                        String type = ENTITY_TYPES[rng.nextInt(ENTITY_TYPES.length)];
                        int words = 1 + (rng.nextInt(3) == 0 ? 1 : 0);
                        boolean tagged = types.contains(type);
                        for (int w = 0; w < words; w++) {
                            toks.add(pick(rng, entities.get(type)));
                            tags.add(tagged ? (w == 0 ? "B-" : "I-") + type : "O");
                        }
                    } else {
                        toks.add(pick(rng, fillers));
                        tags.add("O");
                    }
                }
                ex.add(new TokenExample(name + "-" + splits.size() + "-" + i, toks, tags));
            }
            splits.add(ex);
        }
        tasks.add(new SyntheticTask(name, "SL", Kind.SL, target, bioLabels(types), splits.get(0), splits.get(1), splits.get(2)));
    }

    private int sentimentScore(List<String> words) {
        int s = 0;
        for (String w : words) {
            if (positive.contains(w)) {
                s++;
            } else if (negative.contains(w)) {
                s--;
            }
        }
        return s;
    }

    private List<String> sentimentSentence(SplittableRandom rng, int sign, int strength) {
        List<String> words = new ArrayList<>();
        int len = 6 + rng.nextInt(6);
        int polar = strength;
        while (words.size() < len) {
            if (polar > 0 && rng.nextInt(3) == 0) {
                words.add(pick(rng, sign > 0 ? positive : negative));
                polar--;
            } else {
                words.add(rng.nextInt(5) == 0 ? pick(rng, entities.get(ENTITY_TYPES[rng.nextInt(4)])) : pick(rng, fillers));
            }
        }
        while (polar-- > 0) {
            words.add(pick(rng, sign > 0 ? positive : negative));
        }
        return words;
    }

    private void addSentiment(SplittableRandom rng, String name, boolean target, Sizes sizes) {
        List<List<Example>> splits = new ArrayList<>();
        for (int n : new int[] {target ? sizes.targetTrain() : sizes.pretrainTrain(), sizes.validation(), target ? sizes.test() : 1}) {
            List<Example> ex = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int sign = rng.nextBoolean() ? 1 : -1;
                List<String> words = sentimentSentence(rng, sign, 1 + rng.nextInt(2));
                ex.add(new TextExample(name + "-" + splits.size() + "-" + i, String.join(" ", words), null, sign > 0 ? "positive" : "negative"));
            }
            splits.add(ex);
        }
        tasks.add(new SyntheticTask(name, "C", Kind.C_SINGLE, target, List.of("negative", "positive"), splits.get(0), splits.get(1), splits.get(2)));
    }

    private void addSentimentStrength(SplittableRandom rng, String name, boolean target, Sizes sizes) {
        // three classes from the net count of polar words: new label set, same lexicon
        List<List<Example>> splits = new ArrayList<>();
        for (int n : new int[] {target ? sizes.targetTrain() : sizes.pretrainTrain(), sizes.validation(), target ? sizes.test() : 1}) {
            List<Example> ex = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int cls = rng.nextInt(3);
                List<String> words = cls == 1
                        ? sentimentSentence(rng, 1, 0)
                        : sentimentSentence(rng, cls == 2 ? 1 : -1, 1 + rng.nextInt(2));
                String label = sentimentScore(words) > 0 ? "good" : sentimentScore(words) < 0 ? "bad" : "neutral";
                ex.add(new TextExample(name + "-" + splits.size() + "-" + i, String.join(" ", words), null, label));
            }
            splits.add(ex);
        }
        tasks.add(new SyntheticTask(name, "C", Kind.C_SINGLE, target, List.of("bad", "neutral", "good"), splits.get(0), splits.get(1), splits.get(2)));
    }

    private void addPairSentiment(SplittableRandom rng, String name, boolean target, Sizes sizes) {
        List<List<Example>> splits = new ArrayList<>();
        for (int n : new int[] {target ? sizes.targetTrain() : sizes.pretrainTrain(), sizes.validation(), target ? sizes.test() : 1}) {
            List<Example> ex = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int a = rng.nextBoolean() ? 1 : -1;
                int b = rng.nextBoolean() ? 1 : -1;
                String ta = String.join(" ", sentimentSentence(rng, a, 1 + rng.nextInt(2)));
                String tb = String.join(" ", sentimentSentence(rng, b, 1 + rng.nextInt(2)));
                ex.add(new TextExample(name + "-" + splits.size() + "-" + i, ta, tb, a == b ? "same" : "different"));
            }
            splits.add(ex);
        }
        tasks.add(new SyntheticTask(name, "C", Kind.C_PAIR, target, List.of("different", "same"), splits.get(0), splits.get(1), splits.get(2)));
    }

    private void addQa(SplittableRandom rng, String name, boolean target, int relation, Sizes sizes) {
        String[] rel = RELATIONS[relation];
        String[] types = RELATION_TYPES[relation];
        List<List<Example>> splits = new ArrayList<>();
        for (int n : new int[] {target ? sizes.targetTrain() : sizes.pretrainTrain(), sizes.validation(), target ? sizes.test() : 1}) {
            List<Example> ex = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                // one fact of the relation, and two distractor mentions of the answer's type elsewhere:
                // the answer is the entity right after the relation phrase, not any entity of its type
                String subject = pick(rng, entities.get(types[0]));
                String answer = pick(rng, entities.get(types[1]));
                String d1 = pick(rng, entities.get(types[1]));
                String d2 = pick(rng, entities.get(types[1]));
                String fact = subject + " " + rel[0] + " ";
                String distractors = d1 + " and " + d2;
                StringBuilder ctx = new StringBuilder();
                int answerStart;
                int order = rng.nextInt(3);
                if (order == 0) {
                    ctx.append(fact);
                    answerStart = ctx.length();
                    ctx.append(answer).append(" . ").append(filler(rng, 1 + rng.nextInt(3))).append(' ').append(distractors);
                } else if (order == 1) {
                    ctx.append(distractors).append(' ').append(filler(rng, 1 + rng.nextInt(3))).append(" . ").append(fact);
                    answerStart = ctx.length();
                    ctx.append(answer).append(" .");
                } else {
                    ctx.append(filler(rng, 1 + rng.nextInt(3))).append(' ').append(distractors).append(" . ").append(fact);
                    answerStart = ctx.length();
                    ctx.append(answer).append(" . ").append(filler(rng, 1 + rng.nextInt(2)));
                }
                String context = ctx.toString().trim();
                String question = rel[1] + " " + subject + (rel[2].isEmpty() ? "" : " " + rel[2]) + " ?";
                ex.add(new QaExample(name + "-" + splits.size() + "-" + i, question, context, List.of(new GoldAnswer(answer, answerStart))));
            }
            splits.add(ex);
        }
        tasks.add(new SyntheticTask(name, "QA", Kind.QA, target, List.of(), splits.get(0), splits.get(1), splits.get(2)));
    }

    private String filler(SplittableRandom rng, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(pick(rng, fillers));
        }
        return sb.toString();
    }
}
