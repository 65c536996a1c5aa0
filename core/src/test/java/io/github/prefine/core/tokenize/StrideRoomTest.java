package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.github.prefine.core.testing.ChildJvm;
import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;

/**
 * A stride the tokenizers library cannot window with, on single texts and on longest-first pairs:
 * its assertion that the stride is below the kept length panics, which aborts the JVM (exit 134),
 * and a stride above the maximum length less a single text's special tokens makes it drop the
 * truncation settings, so rows come back longer than the maximum length. The cases run in a child
 * JVM so an abort fails this test instead of ending the run; a case passes only when the call is
 * refused with a message naming the file and the stride, or when (a case with room) every row is
 * within the maximum length.
 *
 * <p>One child runs every case of the class, one after another ({@link #runEveryCaseInOneChild}),
 * and each case reads its own lines of that child's log; should the child end early (an abort),
 * each case it did not finish runs again in a child of its own, so that only the case that aborts
 * fails, with its own log, as when every case had its own child.
 *
 * <p>Ground truth by hand: the BERT and XLM-R fixtures add 2 special tokens to a text (3 and 4 to
 * a pair), and "a" and "loan" are one token each. A text of 20 such words under maxLength 8 keeps
 * 6 tokens; a longest-first pair of two 20-word texts under maxLength 10 keeps 3 and 4 (BERT: 7
 * tokens for the sequences, split 3 + 4).
 */
class StrideRoomTest {
    private static final String BERT = "fixtures/hf-reference/bert/tokenizer.json";
    private static final String MINILM = "models/all-MiniLM-L6-v2/tokenizer.json";

    /** Each probe's lines of the child's log, by its arguments joined with spaces. */
    private static final Map<String, String> LOGS = new HashMap<>();

    static Stream<Arguments> strides() {
        return Stream.of(
                // stride == 8 - 2: the library's assertion panics
                arguments("bert", "single", "LONGEST_FIRST", 8, 6, "refused"),
                arguments("bert", "batch", "LONGEST_FIRST", 8, 6, "refused"),
                arguments("bert", "words", "LONGEST_FIRST", 8, 6, "refused"),
                arguments("bert", "idrows", "LONGEST_FIRST", 8, 6, "refused"),
                arguments("xlm-roberta", "single", "ONLY_FIRST", 8, 6, "refused"),
                // stride 7 > 8 - 2: the library drops truncation, rows of 22 tokens
                arguments("bert", "single", "LONGEST_FIRST", 8, 7, "refused"),
                arguments("xlm-roberta", "batch", "LONGEST_FIRST", 8, 7, "refused"),
                // longest-first pair: 3 + 4 kept, stride 3 panics on the first sequence
                arguments("bert", "pair", "LONGEST_FIRST", 10, 3, "refused"),
                arguments("bert", "pairbatch", "LONGEST_FIRST", 10, 3, "refused"),
                arguments("bert", "pairidrows", "LONGEST_FIRST", 10, 3, "refused"),
                // longest-first pair with stride 7 > 8 - 2: truncation dropped, a pair of 43 tokens
                arguments("xlm-roberta", "pairbatch", "LONGEST_FIRST", 8, 7, "refused"),
                // room: single keeps 6 > 5; pair keeps 3 + 4 > 2
                arguments("bert", "batch", "LONGEST_FIRST", 8, 5, "fits"),
                arguments("bert", "pairbatch", "LONGEST_FIRST", 10, 2, "fits"),
                arguments("xlm-roberta", "pair", "LONGEST_FIRST", 12, 3, "fits"),
                // a text keeps 3 > 1; the build's probe of a pair's room, ("a", "b") of 2 + 2 tokens in
                // the XLM-R fixture, kept 0 + 1 = the stride, and the library's panic aborted the JVM
                arguments("xlm-roberta", "single", "LONGEST_FIRST", 5, 1, "fits"));
    }

    static Stream<Arguments> onlySecond() {
        return Stream.of(
                arguments("batch", 8, "input 1 has 20 tokens"),
                arguments("words", 8, "the text has 20 tokens"),
                arguments("idrows", 8, "the text has 20 tokens"),
                arguments("single", 8, "the text has 20 tokens"),
                arguments("batch", 32, null),
                arguments("words", 32, null));
    }

    static Stream<Arguments> singular() {
        return Stream.of(arguments(8, 6, "keeps 6 tokens of the text"), arguments(3, 1, "keeps 1 token of the text"));
    }

    static Stream<Arguments> miniLm() {
        return Stream.of(arguments("single", 8, 6, "refused"), arguments("pairbatch", 10, 3, "refused"),
                arguments("pairbatch", 10, 2, "fits"));
    }

    /** The probes of every case below, in the order the cases run. */
    private static List<List<String>> probes() {
        List<List<String>> out = new ArrayList<>();
        strides().map(Arguments::get).forEach(a -> out.add(probe("fixtures/hf-reference/" + a[0] + "/tokenizer.json",
                a[1], a[2], a[3], a[4])));
        out.add(probe(BERT, "pairbatch", "ONLY_FIRST", 12, 1));
        onlySecond().map(Arguments::get).forEach(a -> out.add(probe(BERT, a[0], "ONLY_SECOND", a[1], 0)));
        singular().map(Arguments::get).forEach(a -> out.add(probe(BERT, "single", "LONGEST_FIRST", a[0], a[1])));
        miniLm().map(Arguments::get).forEach(a -> out.add(probe(MINILM, a[0], "LONGEST_FIRST", a[1], a[2])));
        return out;
    }

    private static List<String> probe(String file, Object call, Object truncation, Object maxLength, Object stride) {
        return List.of(SharedFixtures.require(file).toString(), call.toString(), truncation.toString(),
                maxLength.toString(), stride.toString());
    }

    /**
     * Runs every probe in one child JVM (a JVM and the native library started once, not 27 times);
     * the probes it did not finish, each in a child of its own.
     */
    @BeforeAll
    static void runEveryCaseInOneChild(@TempDir Path dir) throws Exception {
        List<List<String>> left = new ArrayList<>(new LinkedHashSet<>(probes()));
        Path all = dir.resolve("all.log");
        try {
            ChildJvm.run(StrideRoomProbe.class, all, List.of(), left.stream().flatMap(List::stream).toArray(String[]::new));
        } catch (AssertionFailedError ended) {
            // an abort or a timeout: the cases finished before it keep their lines
        }
        String[] sections = Files.readString(all).split("(?m)^(?=CASE )");
        for (String section : sections) {
            int eol = section.indexOf('\n');
            if (section.startsWith("CASE ") && section.contains("\nEND\n")) {
                LOGS.put(section.substring("CASE ".length(), eol), section);
            }
        }
        left.removeIf(p -> LOGS.containsKey(String.join(" ", p)));
        for (int i = 0; i < left.size(); i++) {
            Path log = dir.resolve("alone" + i + ".log");
            String key = String.join(" ", left.get(i));
            try {
                LOGS.put(key, ChildJvm.run(StrideRoomProbe.class, log, List.of(), left.get(i).toArray(String[]::new)));
            } catch (AssertionFailedError ended) {
                LOGS.put(key, "the child ended early: " + ended.getMessage());
            }
        }
    }

    /** The probe's lines of the child's log. */
    private static String log(List<String> probe) {
        String log = LOGS.get(String.join(" ", probe));
        assertNotNull(log, "no child ran " + probe);
        return log;
    }

    @ParameterizedTest(name = "{0} {1} {2} maxLength {3} stride {4}")
    @MethodSource("strides")
    void aStrideTheLibraryCannotWindowWithIsRefusedBeforeTheNativeCall(String family, String call, String truncation,
            int maxLength, int stride, String expected) throws Exception {
        Path file = SharedFixtures.require("fixtures/hf-reference/" + family + "/tokenizer.json");
        String log = log(probe(file.toString(), call, truncation, maxLength, stride));
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
        Path file = SharedFixtures.require(BERT);
        String log = log(probe(BERT, "pairbatch", "ONLY_FIRST", 12, 1));
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
    @MethodSource("onlySecond")
    void aSingleTextTooLongForOnlySecondIsRefusedBeforeTheNativeCall(String call, int maxLength, String refused)
            throws Exception {
        Path file = SharedFixtures.require(BERT);
        String log = log(probe(BERT, call, "ONLY_SECOND", maxLength, 0));
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
    @MethodSource("singular")
    void theRefusalCountsOneTokenInTheSingular(int maxLength, int stride, String kept) throws Exception {
        String log = log(probe(BERT, "single", "LONGEST_FIRST", maxLength, stride));
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
                .setTokenizerPath(SharedFixtures.require(BERT))
                .optTruncation(Truncation.ONLY_SECOND).optPadding(Padding.MAX_LENGTH).optMaxLength(20).optStride(2)
                .build()) {
            assertEquals(20, tok.encodePair("a", "b").ids().length);
            assertEquals(List.of(20), tok.encodePairBatch(List.of("a"), List.of("b")).stream()
                    .map(e -> e.ids().length).toList());
        }
    }

    @ParameterizedTest(name = "MiniLM {0}")
    @MethodSource("miniLm")
    void theModelFolderTokenizerIsGuardedTheSameWay(String call, int maxLength, int stride, String expected)
            throws Exception {
        String log = log(probe(MINILM, call, "LONGEST_FIRST", maxLength, stride));
        assertEquals(1, log.split("OUTCOME " + expected, -1).length - 1, log);
    }
}
