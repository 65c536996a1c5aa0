package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.tokenize.Padding;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import io.github.prefine.core.tokenize.Truncation;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChoiceAndClassificationFeaturizerTest {

    @Test
    void multipleChoiceRowsAndBatchShapes() throws IOException {
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            List<ChoiceExample> exs = List.of(
                    new ChoiceExample("c0", "The bank opened.", "cause", List.of("money", "river"), 0),
                    new ChoiceExample("c1", "John won.", "", List.of("the game", "a goal"), 1),
                    new ChoiceExample("c2", "Mary ran.", "effect", List.of("fast", "slow", "sad"), 2));
            ChoiceFeatures f = ChoiceFeaturizer.builder().setTokenizer(tok).build().featurize(exs);
            assertEquals(3, f.size());
            assertEquals(7, f.tokens().rowCount());
            assertEquals(3, f.choiceCount(2));
            assertEquals("The bank opened. cause", ChoiceFeaturizer.firstSequence(exs.get(0)));
            TokenEncoding want = tok.encodePair("The bank opened. cause", "river");
            int row = f.row(0, 1);
            assertEquals(want.length(), f.tokens().length(row));
            for (int p = 0; p < want.length(); p++) {
                assertEquals(want.ids()[p], f.tokens().id(row, p));
            }
            PaddedBatch b = f.batch(new int[] {1, 0});
            assertEquals(4, b.rows());
            assertEquals(2, b.groupSize());
            assertArrayEquals(new long[] {1, 0}, b.labels());
            assertEquals(4 * b.seqLen(), b.inputIds().length);
            assertThrows(IllegalArgumentException.class, () -> f.batch(new int[] {0, 2}));
            assertEquals(3, f.report().featuresMade());
        }
    }

    @Test
    void classificationKeepsOrderAndMatchesNativePadding() throws IOException {
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert");
                SubwordTokenizer padded = tok.toBuilder().optPadding(Padding.LONGEST).build()) {
            List<TextExample> exs = List.of(
                    new TextExample("t0", "John Smith visited Paris in May.", null, "pos"),
                    new TextExample("t1", "who went?", "John went to Berlin.", "neg"),
                    new TextExample("t2", "won", null, "meh"),
                    new TextExample("t3", "The bank opened a new loan office.", null, null));
            ClassificationFeatures f = ClassificationFeaturizer.builder()
                    .setTokenizer(tok).setLabels(List.of("neg", "pos")).optMaxLength(9).build().featurize(exs);
            // "meh" is not in the list: kept with an ignored label, to be scored as wrong
            assertEquals(4, f.size());
            assertEquals(Map.of(), f.report().skipped());
            assertEquals(1L, f.report().counters().get(ClassificationFeaturizer.LABEL_OUTSIDE_LIST));
            assertEquals(3, f.report().truncated()); // the three long inputs exceed 9 positions
            assertEquals(1L, f.report().counters().get("unlabelled"));
            assertArrayEquals(new int[] {0, 1, 2, 3},
                    new int[] {f.exampleIndex(0), f.exampleIndex(1), f.exampleIndex(2), f.exampleIndex(3)});
            assertArrayEquals(new long[] {-1}, f.batch(new int[] {2}).labels());
            PaddedBatch b = f.batch(new int[] {0, 1, 3});
            assertArrayEquals(new long[] {1, 0, -1}, b.labels());
            // Our padding must equal the native tokenizer's own padded batch.
            try (SubwordTokenizer nat = padded.toBuilder().optMaxLength(9).optTruncation(Truncation.LONGEST_FIRST).build()) {
                List<TokenEncoding> single = nat.encodeBatch(List.of(exs.get(0).textA(), exs.get(3).textA()));
                TokenEncoding pair = nat.encodePair(exs.get(1).textA(), exs.get(1).textB());
                int t = b.seqLen();
                assertArrayEquals(Arrays.stream(single.get(0).ids()).asLongStream().toArray(), Arrays.copyOfRange(b.inputIds(), 0, t));
                assertArrayEquals(Arrays.stream(pair.ids()).asLongStream().toArray(), Arrays.copyOfRange(b.inputIds(), t, 2 * t));
                assertArrayEquals(Arrays.stream(pair.typeIds()).asLongStream().toArray(), Arrays.copyOfRange(b.typeIds(), t, 2 * t));
                assertArrayEquals(Arrays.stream(single.get(1).ids()).asLongStream().toArray(), Arrays.copyOfRange(b.inputIds(), 2 * t, 3 * t));
                assertArrayEquals(Arrays.stream(single.get(1).attentionMask()).asLongStream().toArray(), Arrays.copyOfRange(b.attentionMask(), 2 * t, 3 * t));
            }
        }
    }

    @Test
    void tokenRowsPackLargeIdsIn18Bits() {
        TokenRows.Builder b = TokenRows.builder(1);
        b.add(new int[] {0, 250001, 65536, 2}, new int[] {0, 0, 1, 1}, 4);
        b.add(new int[] {7}, new int[] {0}, 1);
        TokenRows r = b.build();
        assertEquals(18, r.bitsPerId());
        assertEquals(250001, r.id(0, 1));
        assertEquals(65536, r.id(0, 2));
        assertEquals(2, r.secondStart(0));
        assertEquals(1, r.secondStart(1));
        // 5 ids x 18 bits fit in two longs.
        assertEquals(8 * 2 + 4 * 3 + 4 * 2, r.storedBytes());
        assertThrows(IllegalArgumentException.class, () -> b.add(new int[] {1, 2}, new int[] {1, 0}, 2));
    }
}
