package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.testing.ChildJvm;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Featurizing again with the same tokenizer loads no native tokenizer: the variant a featurizer
 * derives, the untruncated form a sentence is encoded with again (XLM-R's lone {@code ▁} before
 * "´", cut at 8) and the bare form that counts the template's special tokens are loaded once per
 * text and kept while a tokenizer of it is open. A load costs about a second for a 250k-piece
 * vocabulary. The loads are counted from the DEBUG line each one logs, in a child JVM that turns
 * that logger on ({@link NativeLoadsProbe}), and its rows checked against those of a tokenizer
 * loaded afresh here.
 */
class NativeLoadsPerFeaturizationTest {
    /** A sentence of WNUT-17's dev split whose "´" XLM-R's Metaspace turns into a lone ▁ after a space. */
    private static final TokenExample LONE_SPACE = new TokenExample("wnut", List.of("Stabilized", "approach", "or",
            "not", "?", "That", "\u00b4", "s", "insane", "and", "good", "."), Collections.nCopies(12, "O"));
    private static final TextExample TEXT = new TextExample("t", "That\u00b4s insane", "and good", "pos");
    private static final String LOAD = "loading a native tokenizer from ";

    @Test
    void aSecondFeaturizationLoadsNoNativeTokenizer(@TempDir Path dir) throws Exception {
        assertLaterCyclesLoadNothing(dir, 8);
    }

    /**
     * A cycle featurizing at three lengths, as a program comparing lengths, or featurizing for
     * models of several lengths with one tokenizer, does: each length's variant and its
     * untruncated form, which encodes the sentence again. Those forms are one native tokenizer,
     * maxLength doing nothing untruncated: three variants and it fit among the {@code
     * NativeTokenizers.UNUSED_KEPT} (4) kept unused, so the later cycles load nothing. Keyed by
     * maxLength, the three untruncated forms made six, and every cycle loaded them again.
     */
    @Test
    void laterCyclesOfFeaturizationsAtThreeLengthsLoadNoNativeTokenizer(@TempDir Path dir) throws Exception {
        assertLaterCyclesLoadNothing(dir, 8, 16, 32);
    }

    /**
     * A cycle featurizing at four lengths (three classification lengths and a QA one, say): between
     * featurizations five native tokenizers are unused, the four lengths' variants and the
     * untruncated form they share, one more than {@code NativeTokenizers.UNUSED_KEPT} (4). The first
     * cycle frees one of them (the oldest left, maxLength 8's); the second loads that one again,
     * which shows the cycle needs it and keeps five from then on; the third and fourth load nothing.
     * Before, the five took turns to be freed and every cycle loaded the four lengths' variants again.
     */
    @Test
    void cyclesOfFeaturizationsAtFourLengthsLoadNothingOnceTheFreedVariantIsLoadedAgain(@TempDir Path dir)
            throws Exception {
        assertLaterCyclesLoad(dir, new int[] {1, 0, 0}, 8, 16, 32, 64);
    }

    /** Runs {@link NativeLoadsProbe} at these lengths: its first cycle loads, its later ones not, rows as a fresh tokenizer's. */
    private static void assertLaterCyclesLoadNothing(Path dir, int... lengths) throws Exception {
        assertLaterCyclesLoad(dir, new int[] {0, 0, 0}, lengths);
    }

    /**
     * Runs {@link NativeLoadsProbe} at these lengths: its first cycle loads, its later ones as many
     * as given, rows as a fresh tokenizer's.
     */
    private static void assertLaterCyclesLoad(Path dir, int[] laterLoads, int... lengths) throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        List<String> fresh = new ArrayList<>();
        try (SubwordTokenizer once = SubwordTokenizer.builder().setTokenizerPath(fixture).build()) {
            for (int[] row : featurizeAll(once, lengths)) {
                fresh.add("ROW " + Arrays.toString(row));
            }
        }
        List<String> args = new ArrayList<>(List.of(fixture.toString()));
        Arrays.stream(lengths).forEach(l -> args.add(Integer.toString(l)));
        String log = ChildJvm.run(NativeLoadsProbe.class, dir.resolve("child.log"),
                List.of("-Dorg.slf4j.simpleLogger.log.io.github.prefine.core.tokenize.TokenizerSource=debug"),
                args.toArray(String[]::new));
        String[] runs = log.split("FEATURIZATION ");
        assertEquals(5, runs.length, log);
        for (int r = 1; r < runs.length; r++) {
            int loads = runs[r].split(LOAD, -1).length - 1;
            if (r == 1) {
                assertTrue(loads > 0, "the first featurization loads the variants it needs:\n" + log);
            } else {
                assertEquals(laterLoads[r - 2], loads, "featurization " + r + " at maxLength " + Arrays.toString(lengths)
                        + " loads " + laterLoads[r - 2] + " native tokenizers:\n" + log);
            }
            assertEquals(fresh, runs[r].lines().filter(l -> l.startsWith("ROW ")).toList(),
                    "featurization " + r + "'s rows, as a fresh tokenizer gives them");
        }
    }

    /**
     * The token rows of the sentence on the word path and the sentence path, and of the text pair,
     * at each length in turn; what {@link NativeLoadsProbe} prints.
     */
    static List<int[]> featurizeAll(SubwordTokenizer tok, int... lengths) throws IOException {
        List<int[]> out = new ArrayList<>();
        for (int length : lengths) {
            for (boolean fast : new boolean[] {true, false}) {
                out.add(ids(TokenClassificationFeaturizer.builder().setTokenizer(tok).setLabels(List.of("O"))
                        .optMaxLength(length).optFastPath(fast).build().featurize(List.of(LONE_SPACE))));
            }
            out.add(ids(ClassificationFeaturizer.builder().setTokenizer(tok).setLabels(List.of("neg", "pos"))
                    .optMaxLength(length).build().featurize(List.of(TEXT))));
        }
        return out;
    }

    private static int[] ids(Features f) {
        int[] row = new int[f.tokens().length(0)];
        for (int p = 0; p < row.length; p++) {
            row[p] = f.tokens().id(0, p);
        }
        return row;
    }
}
