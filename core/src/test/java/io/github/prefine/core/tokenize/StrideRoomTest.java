package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildJvm;
import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A stride the tokenizers library cannot window with, on single texts and on longest-first pairs:
 * its assertion that the stride is below the kept length panics, which aborts the JVM (exit 134),
 * and a stride above the maximum length less a single text's special tokens makes it drop the
 * truncation settings, so rows come back longer than the maximum length. Each case runs in a
 * child JVM so an abort fails this test instead of ending the run; the child exits 0 only when
 * the call is refused with a message naming the file and the stride, or when (a case with room)
 * every row is within the maximum length.
 *
 * <p>Ground truth by hand: the BERT and XLM-R fixtures add 2 special tokens to a text (3 and 4 to
 * a pair), and "a" and "loan" are one token each. A text of 20 such words under maxLength 8 keeps
 * 6 tokens; a longest-first pair of two 20-word texts under maxLength 10 keeps 3 and 4 (BERT: 7
 * tokens for the sequences, split 3 + 4).
 */
class StrideRoomTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1} {2} maxLength {3} stride {4}")
    @CsvSource({
        // stride == 8 - 2: the library's assertion panics
        "bert, single, LONGEST_FIRST, 8, 6, refused",
        "bert, batch, LONGEST_FIRST, 8, 6, refused",
        "bert, words, LONGEST_FIRST, 8, 6, refused",
        "bert, idrows, LONGEST_FIRST, 8, 6, refused",
        "xlm-roberta, single, ONLY_FIRST, 8, 6, refused",
        // stride 7 > 8 - 2: the library drops truncation, rows of 22 tokens
        "bert, single, LONGEST_FIRST, 8, 7, refused",
        "xlm-roberta, batch, LONGEST_FIRST, 8, 7, refused",
        // longest-first pair: 3 + 4 kept, stride 3 panics on the first sequence
        "bert, pair, LONGEST_FIRST, 10, 3, refused",
        "bert, pairbatch, LONGEST_FIRST, 10, 3, refused",
        "bert, pairidrows, LONGEST_FIRST, 10, 3, refused",
        // longest-first pair with stride 7 > 8 - 2: truncation dropped, a pair of 43 tokens
        "xlm-roberta, pairbatch, LONGEST_FIRST, 8, 7, refused",
        // room: single keeps 6 > 5; pair keeps 3 + 4 > 2
        "bert, batch, LONGEST_FIRST, 8, 5, fits",
        "bert, pairbatch, LONGEST_FIRST, 10, 2, fits",
        "xlm-roberta, pair, LONGEST_FIRST, 12, 3, fits",
        // a text keeps 3 > 1; the build's probe of a pair's room, ("a", "b") of 2 + 2 tokens in
        // the XLM-R fixture, kept 0 + 1 = the stride, and the library's panic aborted the JVM
        "xlm-roberta, single, LONGEST_FIRST, 5, 1, fits",
    })
    void aStrideTheLibraryCannotWindowWithIsRefusedBeforeTheNativeCall(String family, String call, String truncation,
            int maxLength, int stride, String expected) throws Exception {
        Path file = SharedFixtures.require("fixtures/hf-reference/" + family + "/tokenizer.json");
        String log = ChildJvm.run(StrideRoomProbe.class, dir.resolve("child.log"), List.of(), file.toString(), call,
                truncation, Integer.toString(maxLength), Integer.toString(stride));
        assertTrue(log.contains("OUTCOME " + expected), log);
        if (expected.equals("refused")) {
            assertTrue(log.contains(file.toString()) && log.contains("stride " + stride), log);
        }
    }

    /**
     * Only-first truncation of a pair whose second sequence alone fills the room has no kept length
     * to state: of 20 + 20 tokens under maxLength 12, 12 - 3 = 9 leave the first sequence 9 - 20 =
     * -11, which the refusal stated as "keeps -11 tokens". It says the cut takes all 20 and 11
     * more. In a child JVM, as above.
     */
    @Test
    void aPairWhoseOtherSequenceFillsTheRoomIsRefusedWithoutANegativeCount() throws Exception {
        Path file = SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json");
        String log = ChildJvm.run(StrideRoomProbe.class, dir.resolve("child.log"), List.of(), file.toString(),
                "pairbatch", "ONLY_FIRST", "12", "1");
        assertTrue(log.contains("OUTCOME refused: " + file + ": ONLY_FIRST truncation to maxLength 12 would cut all 20"
                + " tokens of the first sequence and 11 more (input 1); use a longer maxLength"), log);
    }

    /**
     * A single text longer than the maximum length under ONLY_SECOND, which has no second sequence
     * to cut: the library's error ("Second sequence not provided") became a panic in DJL's batch
     * binding, aborting the JVM, from encodeBatch, encodeWords and encodeIdRows alike; one call per
     * text raised it. Refused before the native call, naming the input: 20 one-token words under
     * maxLength 8 leave room for 8 - 2 = 6. With room (maxLength 32 for 22 tokens) nothing is cut,
     * and every row fits.
     */
    @ParameterizedTest(name = "{0} maxLength {1}")
    @CsvSource({
        "batch, 8, input 1 has 20 tokens",
        "words, 8, the text has 20 tokens",
        "idrows, 8, the text has 20 tokens",
        "single, 8, the text has 20 tokens",
        "batch, 32, ",
        "words, 32, ",
    })
    void aSingleTextTooLongForOnlySecondIsRefusedBeforeTheNativeCall(String call, int maxLength, String refused)
            throws Exception {
        Path file = SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json");
        String log = ChildJvm.run(StrideRoomProbe.class, dir.resolve("child.log"), List.of(), file.toString(), call,
                "ONLY_SECOND", Integer.toString(maxLength), "0");
        if (refused == null) {
            assertTrue(log.contains("OUTCOME fits"), log);
        } else {
            assertTrue(log.contains("OUTCOME refused: " + file + ": ONLY_SECOND truncation cannot cut a single text,"
                    + " and " + refused + ", more than the 6 that maxLength 8 leaves beside 2 special tokens"), log);
        }
    }

    /**
     * The refusal counts the tokens a text keeps: 8 - 2 = 6 are "6 tokens", 3 - 2 = 1 is "1 token",
     * where both said "token(s)". In a child JVM, as above, should the refusal not come.
     */
    @ParameterizedTest(name = "maxLength {0} stride {1}")
    @CsvSource({"8, 6, keeps 6 tokens of the text", "3, 1, keeps 1 token of the text"})
    void theRefusalCountsOneTokenInTheSingular(int maxLength, int stride, String kept) throws Exception {
        Path file = SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json");
        String log = ChildJvm.run(StrideRoomProbe.class, dir.resolve("child.log"), List.of(), file.toString(), "single",
                "LONGEST_FIRST", Integer.toString(maxLength), Integer.toString(stride));
        assertTrue(log.contains("OUTCOME refused") && log.contains(kept + ", not more than the stride " + stride), log);
    }

    /**
     * The special tokens the stride check subtracts are a pair's, not a padded row's: with padding
     * to the maximum length, the empty pair the check probed came back 20 ids long, so every pair
     * seemed to overflow and ("a", "b"), 5 tokens with BERT's 3 special tokens, was refused. It
     * fits: one row of 20, padded.
     */
    @Test
    void aPaddingTokenizerCountsOnlyItsSpecialTokensAgainstTheStride() throws Exception {
        try (SubwordTokenizer tok = SubwordTokenizer.builder()
                .setTokenizerPath(SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json"))
                .optTruncation(Truncation.ONLY_SECOND).optPadding(Padding.MAX_LENGTH).optMaxLength(20).optStride(2)
                .build()) {
            assertEquals(20, tok.encodePair("a", "b").ids().length);
            assertEquals(List.of(20), tok.encodePairBatch(List.of("a"), List.of("b")).stream()
                    .map(e -> e.ids().length).toList());
        }
    }

    @ParameterizedTest(name = "MiniLM {0}")
    @CsvSource({"single, 8, 6, refused", "pairbatch, 10, 3, refused", "pairbatch, 10, 2, fits"})
    void theModelFolderTokenizerIsGuardedTheSameWay(String call, int maxLength, int stride, String expected)
            throws Exception {
        Path file = SharedFixtures.require("models/all-MiniLM-L6-v2/tokenizer.json");
        String log = ChildJvm.run(StrideRoomProbe.class, dir.resolve("child.log"), List.of(), file.toString(), call,
                "LONGEST_FIRST", Integer.toString(maxLength), Integer.toString(stride));
        assertEquals(1, log.split("OUTCOME " + expected, -1).length - 1, log);
    }
}
