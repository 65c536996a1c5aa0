package io.github.prefine.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.features.ClassificationFeatures;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.QaFeatures;
import io.github.prefine.core.features.TokenClassificationFeatures;
import io.github.prefine.core.features.TokenRows;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.eval.metrics.MetricType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of {@link FeatureBatchSource#assemble} over random mixes of a sequence-labelling, a
 * text-pair and a QA task (BERT fixture tokenizer, random sentences and lengths) and random draws:
 * the grid is as wide as the longest drawn row; each row is its unit's stored tokens then padding,
 * its mask 1 exactly over its own length and its segment ids 1 exactly over its second text; each
 * task's slice holds exactly its drawn units, in grid rows of its own, with their labels (token
 * labels -100 on padding, class ids, answer start and end).
 */
class BatchAssemblyProperties {
    private static final List<String> WORDS = List.of("john", "went", "to", "paris", "the", "bank", "river", "who",
            "what", "tokyo", "internationalization", "ß", "東京");
    private static SubwordTokenizer tokenizer;

    @BeforeContainer
    static void open() throws IOException {
        tokenizer = SubwordTokenizer.builder()
                .setTokenizerPath(SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json")).build();
    }

    @AfterContainer
    static void close() {
        tokenizer.close();
    }

    private static List<String> words(Random r, int max) {
        List<String> out = new ArrayList<>();
        int n = 1 + r.nextInt(max);
        for (int i = 0; i < n; i++) {
            out.add(WORDS.get(r.nextInt(WORDS.size())));
        }
        return out;
    }

    private static TaskSet tasks(Random r, int maxLength) throws IOException {
        FeatureSettings s = new FeatureSettings(maxLength, maxLength + 8, 2, 0, 0, 1L);
        List<String> tags = List.of("O", "B-X", "I-X");
        Task tg = InMemoryTasks.task("tags", TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1, tags);
        List<TokenExample> sentences = new ArrayList<>();
        for (int i = 0; i < 1 + r.nextInt(6); i++) {
            List<String> w = words(r, 12);
            List<String> t = new ArrayList<>();
            w.forEach(x -> t.add(tags.get(r.nextInt(3))));
            sentences.add(new TokenExample("s" + i, w, t));
        }
        Task cl = InMemoryTasks.task("cls", TaskGroup.C, TaskFormat.TEXT_PAIR, MetricType.ACCURACY, List.of("no", "yes"));
        List<TextExample> pairs = new ArrayList<>();
        for (int i = 0; i < 1 + r.nextInt(6); i++) {
            pairs.add(new TextExample("p" + i, String.join(" ", words(r, 10)),
                    r.nextBoolean() ? String.join(" ", words(r, 10)) : null, r.nextBoolean() ? "yes" : "no"));
        }
        Task q = InMemoryTasks.task("qa", TaskGroup.QA, TaskFormat.QA, MetricType.SQUAD_F1, List.of());
        List<QaExample> questions = new ArrayList<>();
        for (int i = 0; i < 1 + r.nextInt(4); i++) {
            List<String> c = words(r, 15);
            String context = String.join(" ", c);
            int w = r.nextInt(c.size());
            int start = String.join(" ", c.subList(0, w)).length() + (w == 0 ? 0 : 1);
            questions.add(new QaExample("q" + i, "who?", context, List.of(new GoldAnswer(c.get(w), start))));
        }
        return TaskSet.of(
                FeaturizedTask.featurize(InMemoryTasks.data(tg, sentences, sentences, List.of()), tokenizer, s),
                FeaturizedTask.featurize(InMemoryTasks.data(cl, pairs, pairs, List.of()), tokenizer, s),
                FeaturizedTask.featurize(InMemoryTasks.data(q, questions, questions, List.of()), tokenizer, s));
    }

    @Property(tries = 60)
    void gridRowsMasksAndSlicesFollowTheDrawnUnits(
            @ForAll long seed,
            @ForAll @IntRange(min = 8, max = 40) int maxLength,
            @ForAll @IntRange(min = 1, max = 12) int draws,
            @ForAll boolean tokenTypes) throws IOException {
        Random r = new Random(seed);
        TaskSet set = tasks(r, maxLength);
        FeatureBatchSource src = FeatureBatchSource.of(set);
        if (!tokenTypes) {
            src = src.withoutTokenTypes();
        }
        int[] taskIds = new int[draws];
        int[] units = new int[draws];
        for (int i = 0; i < draws; i++) {
            taskIds[i] = r.nextInt(3);
            units[i] = r.nextInt(src.size(taskIds[i], Split.TRAIN));
        }
        MultiTaskBatch b = src.assemble(Split.TRAIN, taskIds, units);
        String where = "draw tasks " + java.util.Arrays.toString(taskIds) + " units " + java.util.Arrays.toString(units);
        int longest = 1;
        for (int i = 0; i < draws; i++) {
            longest = Math.max(longest, features(set, taskIds[i]).tokens().length(units[i]));
        }
        assertEquals(draws, b.rows(), where + ": one row per drawn unit");
        assertEquals(longest, b.seqLen(), where + ": grid width");
        int seen = 0;
        int nextRow = 0;
        for (TaskSlice slice : b.slices()) {
            int t = slice.task();
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < draws; i++) {
                if (taskIds[i] == t) {
                    expected.add(units[i]);
                }
            }
            // a task's rows are exactly its draws (in draw order), in grid rows of its own
            assertEquals(expected, java.util.Arrays.stream(slice.exampleIndices()).boxed().toList(), where + ": task " + t);
            Features f = features(set, t);
            TokenRows rows = f.tokens();
            int n = slice.exampleIndices().length;
            List<Integer> labels = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                int grid = slice.rows()[k];
                assertEquals(nextRow++, grid, where + ": task " + t + " rows follow one another");
                int unit = slice.exampleIndices()[k];
                int len = rows.length(unit);
                for (int p = 0; p < b.seqLen(); p++) {
                    int at = grid * b.seqLen() + p;
                    String pos = where + ": task " + t + " unit " + unit + " position " + p;
                    assertEquals(p < len ? rows.id(unit, p) : tokenizer.padId(), b.inputIds()[at], pos + " id");
                    assertEquals(p < len ? 1L : 0L, b.attentionMask()[at], pos + " mask");
                    if (tokenTypes) {
                        assertEquals(p < len && p >= rows.secondStart(unit) ? 1L : 0L, b.tokenTypeIds()[at], pos + " type");
                    }
                    if (f instanceof TokenClassificationFeatures tc) {
                        labels.add(p < len ? tc.label(unit, p) : -100);
                    }
                }
                if (f instanceof ClassificationFeatures c) {
                    labels.add(c.label(unit));
                } else if (f instanceof QaFeatures qa) {
                    labels.add(qa.startPosition(unit));
                    labels.add(qa.endPosition(unit));
                }
            }
            assertEquals(labels, java.util.Arrays.stream(slice.labels()).boxed().toList(), where + ": task " + t + " labels");
            seen += n;
        }
        assertEquals(draws, seen, where + ": every draw in one slice");
        if (!tokenTypes) {
            assertEquals(null, b.tokenTypeIds(), where);
        }
    }

    private static Features features(TaskSet set, int task) {
        return set.get(task).features().get(Split.TRAIN);
    }
}
