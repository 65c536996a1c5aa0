package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.PaddedBatch;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.util.Arrays;
import java.util.List;
import io.github.prefine.eval.metrics.MetricType;
import org.junit.jupiter.api.Test;

class FeatureBatchSourceTest {

    /** Checks that the grid rows of a slice are the featurizer's own padded rows, re-padded. */
    private static void sameRows(MultiTaskBatch b, TaskSlice s, PaddedBatch own, int padId) {
        for (int r = 0; r < s.rows().length; r++) {
            int row = s.rows()[r];
            long[] ids = Arrays.copyOfRange(b.inputIds(), row * b.seqLen(), (row + 1) * b.seqLen());
            long[] mask = Arrays.copyOfRange(b.attentionMask(), row * b.seqLen(), (row + 1) * b.seqLen());
            long[] types = Arrays.copyOfRange(b.tokenTypeIds(), row * b.seqLen(), (row + 1) * b.seqLen());
            long[] wantIds = new long[b.seqLen()];
            long[] wantMask = new long[b.seqLen()];
            long[] wantTypes = new long[b.seqLen()];
            Arrays.fill(wantIds, padId);
            System.arraycopy(own.inputIds(), r * own.seqLen(), wantIds, 0, own.seqLen());
            System.arraycopy(own.attentionMask(), r * own.seqLen(), wantMask, 0, own.seqLen());
            System.arraycopy(own.typeIds(), r * own.seqLen(), wantTypes, 0, own.seqLen());
            assertArrayEquals(wantIds, ids, "row " + r);
            assertArrayEquals(wantMask, mask, "mask of row " + r);
            assertArrayEquals(wantTypes, types, "types of row " + r);
        }
    }

    private static FeaturizedTask featurize(Task task, List<? extends Example> examples, SubwordTokenizer tok)
            throws Exception {
        return FeaturizedTask.featurize(InMemoryTasks.data(task, examples, examples, List.of()), tok,
                FeatureSettings.paper());
    }

    @Test
    void mixesFormatsIntoOneGridPaddedOnceWithTaskSlices() throws Exception {
        try (SubwordTokenizer tok = SubwordTokenizer.builder()
                .setTokenizerPath(SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json")).build()) {
            FeaturizedTask clsTask = featurize(InMemoryTasks.task("cls", TaskGroup.C, TaskFormat.TEXT_PAIR,
                    MetricType.ACCURACY, List.of("neg", "pos")), List.of(
                            new TextExample("t0", "John Smith visited Paris in May.", null, "pos"),
                            new TextExample("t1", "who went?", "John went to Berlin.", "neg")), tok);
            FeaturizedTask tokTask = featurize(InMemoryTasks.task("ner", TaskGroup.SL, TaskFormat.TOKEN,
                    MetricType.SPAN_F1, List.of("O", "B-PER", "B-LOC")), List.of(
                            new TokenExample("s0", List.of("Who", "went", "to", "Berlin"), List.of("B-PER", "O", "O", "B-LOC")),
                            new TokenExample("s1", List.of("won"), List.of("O"))), tok);
            FeaturizedTask choiceTask = featurize(InMemoryTasks.task("copa", TaskGroup.C, TaskFormat.CHOICE,
                    MetricType.ACCURACY, List.of()), List.of(
                            new ChoiceExample("c0", "The bank opened.", "cause", List.of("money", "river"), 1)), tok);
            Features cls = clsTask.features().get(Split.TRAIN);
            Features tokf = tokTask.features().get(Split.TRAIN);
            Features choice = choiceTask.features().get(Split.TRAIN);
            FeatureBatchSource src = FeatureBatchSource.of(TaskSet.of(clsTask, tokTask, choiceTask));
            assertEquals(List.of("cls", "ner", "copa"), src.taskNames());
            assertEquals(2, src.size(1, Split.VALIDATION));
            assertEquals(0, src.size(1, Split.TEST));

            MultiTaskBatch b = src.assemble(Split.TRAIN, new int[] {1, 2, 0, 1, 0}, new int[] {1, 0, 1, 0, 0});
            assertEquals(2 + 2 + 2, b.rows(), "two classification rows, two token rows, one example of two choices");
            assertEquals(3, b.slices().size());
            int pad = tok.padId();
            List<Features> fs = List.of(cls, tokf, choice);
            int[][] units = {{1, 0}, {1, 0}, {0}};
            int longest = 0;
            for (int t = 0; t < 3; t++) {
                longest = Math.max(longest, fs.get(t).batch(units[t]).seqLen());
            }
            assertEquals(longest, b.seqLen(), "one width: the longest row of the whole batch");
            for (int t = 0; t < 3; t++) {
                TaskSlice s = b.slices().get(t);
                assertEquals(t, s.task());
                assertArrayEquals(units[t], s.exampleIndices());
                sameRows(b, s, fs.get(t).batch(units[t]), pad);
            }
            assertArrayEquals(new int[] {0, 1}, b.slices().get(0).labels(), "neg, pos");
            assertArrayEquals(new int[] {1}, b.slices().get(2).labels());
            PaddedBatch ownTok = tokf.batch(new int[] {1, 0});
            TaskSlice ts = b.slices().get(1);
            assertArrayEquals(new long[] {2, b.seqLen()}, ts.labelShape());
            for (int r = 0; r < 2; r++) {
                for (int p = 0; p < b.seqLen(); p++) {
                    long want = p < ownTok.seqLen() ? ownTok.labels()[r * ownTok.seqLen() + p] : -100;
                    assertEquals(want, ts.labels()[r * b.seqLen() + p], "token label " + r + "," + p);
                }
            }
            MultiTaskBatch noTypes = FeatureBatchSource.of(TaskSet.of(clsTask)).withoutTokenTypes()
                    .assemble(Split.TRAIN, new int[] {0}, new int[] {0});
            assertNull(noTypes.tokenTypeIds());
        }
    }
}
