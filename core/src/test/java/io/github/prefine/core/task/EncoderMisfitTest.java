package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.pipeline.WordTokenizer;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FeaturizedTask#encoderMisfit} names the split that holds the offending row or id. The
 * word-level tokenizer's ids are [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, a 4, b 5, x 6; a row of n
 * words is n + 2 tokens ([CLS] and [SEP]). The model builder's and the grid's refusals built on it
 * are pinned by EncoderPositionsTest, EncoderVocabularyTest and GridTasksTest.
 */
class EncoderMisfitTest {
    private static final Task TASK = InMemoryTasks.task("c-task", TaskGroup.C, TaskFormat.SINGLE_TEXT,
            MetricType.ACCURACY, List.of("no", "yes"));
    private static final FeatureSettings SETTINGS = new FeatureSettings(48, 48, 8, 0, 0, 1L);

    private static List<TextExample> rows(String split, String... texts) {
        return java.util.stream.IntStream.range(0, texts.length)
                .mapToObj(i -> new TextExample(split + i, texts[i], null, i % 2 == 0 ? "yes" : "no")).toList();
    }

    private static FeaturizedTask featurize(Path dir, int padId, List<TextExample> train, List<TextExample> validation,
            List<TextExample> test) throws Exception {
        Path file = WordTokenizer.write(dir.resolve("tokenizer.json"), List.of("a", "b", "x"));
        SubwordTokenizer.Builder b = SubwordTokenizer.builder().setTokenizerPath(file);
        if (padId >= 0) {
            b.optPadId(padId);
        }
        try (SubwordTokenizer tok = b.build()) {
            return FeaturizedTask.featurize(InMemoryTasks.data(TASK, train, validation, test), tok, SETTINGS);
        }
    }

    @Test
    void aLongRowInValidationOnlyIsNamedWithItsSplitLengthAndLimit(@TempDir Path dir) throws Exception {
        // validation's "a x b a x b" is 8 tokens; every training row "a x" is 4
        FeaturizedTask f = featurize(dir, -1, rows("t", "a x", "a x", "a x", "a x"), rows("v", "a x", "a x b a x b"),
                List.of());
        assertEquals(Optional.of("the validation split has featurized rows of up to 8 tokens, beyond the 6 positions"
                + " of the encoder; featurize it with FeatureSettings lengths of at most 6"
                + " (FeatureSettings.withLengths)"), f.encoderMisfit(6, 7));
        assertEquals(Optional.empty(), f.encoderMisfit(8, 7), "8 positions hold a row of 8 tokens");
    }

    @Test
    void anIdBeyondTheVocabularyInTestOnlyIsNamedWithItsSplit(@TempDir Path dir) throws Exception {
        // x (id 6) only in the test split; a and b are ids 4 and 5
        FeaturizedTask f = featurize(dir, -1, rows("t", "a b", "b a", "a", "b"), rows("v", "a", "b"),
                rows("s", "a x", "b"));
        assertEquals(Optional.of("the test split has token id 6, beyond the 6-entry vocabulary of the encoder;"
                + " featurize it with the encoder's own tokenizer, the tokenizer.json its model was trained with"),
                f.encoderMisfit(48, 6));
        assertEquals(Optional.empty(), f.encoderMisfit(48, 7), "7 entries hold ids 0 to 6");
    }

    @Test
    void thePadIdCountsThoughNoRowHoldsIt(@TempDir Path dir) throws Exception {
        // every padded batch holds the pad id: 9 here, above every word's id
        FeaturizedTask f = featurize(dir, 9, rows("t", "a x", "b", "a", "b"), rows("v", "a", "b"), List.of());
        assertEquals(Optional.of("the train split has token id 9, beyond the 7-entry vocabulary of the encoder;"
                + " featurize it with the encoder's own tokenizer, the tokenizer.json its model was trained with"),
                f.encoderMisfit(48, 7));
        assertEquals(Optional.empty(), f.encoderMisfit(48, 10));
    }
}
