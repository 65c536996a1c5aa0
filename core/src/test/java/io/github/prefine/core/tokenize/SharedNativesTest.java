package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tokenizer and its variants share their native tokenizers ({@link NativeTokenizers}), yet each
 * is closed on its own: the others go on encoding as a tokenizer loaded afresh does, and a closed
 * one refuses every call, its shared bare tokenizer included. A text changed on disk is checked
 * for standard JSON again before the library sees it, though the text first read passed, and
 * the bare form of the tokenizer built from the first text refuses it.
 */
class SharedNativesTest {
    private static final String TEXT = "Hello, world of shared tokenizers!";

    @TempDir
    Path tmp;

    @Test
    void eachTokenizerSharingNativesIsClosedOnItsOwn() throws Exception {
        Path file = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        int[] whole;
        int[] cut;
        int[] pieces;
        try (SubwordTokenizer fresh = SubwordTokenizer.builder().setTokenizerPath(file).build();
                SubwordTokenizer freshCut = SubwordTokenizer.builder().setTokenizerPath(file).optMaxLength(6).build()) {
            whole = fresh.encode(TEXT).ids();
            cut = freshCut.encode(TEXT).ids();
            pieces = fresh.encodePieces(List.of(TEXT), false).ids();
        }
        SubwordTokenizer base = SubwordTokenizer.builder().setTokenizerPath(file).build();
        SubwordTokenizer variant = base.toBuilder().optMaxLength(6).build();
        base.close();
        assertArrayEquals(cut, variant.encode(TEXT).ids(), "the variant outlives the tokenizer it came from");
        assertArrayEquals(pieces, variant.encodePieces(List.of(TEXT), false).ids());
        try (SubwordTokenizer again = variant.toBuilder().optMaxLength(512).build()) {
            variant.close();
            assertArrayEquals(whole, again.encode(TEXT).ids(), "a variant of a variant, the first closed");
            assertArrayEquals(pieces, again.encodePieces(List.of(TEXT), false).ids());
        }
        for (SubwordTokenizer closed : List.of(base, variant)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> closed.encodePieces(List.of(TEXT), false));
            assertTrue(e.getMessage().equals(file + ": tokenizer is closed"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> closed.encodeWordPieces(List.of("a")));
            assertThrows(IllegalStateException.class, closed::specialTokenLayout);
            closed.close();
        }
    }

    /**
     * A variant whose maximum length is below a pair's special tokens (BERT's [CLS] a [SEP] b [SEP]
     * has 3) is refused every time it is asked for. The first refusal closed the native tokenizer
     * of those settings, which the shared set kept: the second build got it, its probe failed on
     * the released handle and counted as no refusal, and the variant was built around a freed
     * tokenizer.
     */
    @Test
    void aVariantRefusedForItsLengthIsRefusedAgain() throws Exception {
        Path file = SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json");
        String refused = file + ": maxLength 2 is smaller than the 3 special tokens the template adds to a text pair";
        try (SubwordTokenizer base = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            for (int attempt = 1; attempt <= 2; attempt++) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> base.toBuilder().optMaxLength(2).build(), "attempt " + attempt);
                assertTrue(e.getMessage().startsWith(refused), "attempt " + attempt + ": " + e.getMessage());
            }
            // [CLS] a [SEP], ids of the fixture's model.vocab
            assertArrayEquals(new int[] {2, 8, 3}, base.encode("a").ids());
        }
    }

    /**
     * Threads deriving variants of four lengths from their own variants, encoding with them and
     * closing them, while the tokenizer they all came from is closed: every row is the row a
     * tokenizer loaded on its own gives, and once every tokenizer is closed every native tokenizer
     * any of them held is freed (none while a sharer was open: a freed one would have failed its
     * encode).
     */
    @Test
    void threadsDerivingEncodingAndClosingVariantsAtOnceGetTheRowsOfTokenizersLoadedAlone() throws Exception {
        Path file = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        int[] lengths = {6, 8, 16, 512};
        List<String> texts = List.of(TEXT, "a b c d e f g h i j k l m n o p", "ok");
        List<List<int[]>> expected = new ArrayList<>();
        int[] pieces;
        for (int length : lengths) {
            try (SubwordTokenizer alone = SubwordTokenizer.builder().setTokenizerPath(file).optMaxLength(length).build()) {
                expected.add(alone.encodeBatch(texts).stream().map(TokenEncoding::ids).toList());
            }
        }
        try (SubwordTokenizer alone = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            pieces = alone.encodePieces(List.of(TEXT), false).ids();
        }
        SubwordTokenizer base = SubwordTokenizer.builder().setTokenizerPath(file).build();
        int threads = 6;
        List<SubwordTokenizer> made = Collections.synchronizedList(new ArrayList<>(List.of(base)));
        List<SubwordTokenizer> firsts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            firsts.add(base.toBuilder().optMaxLength(lengths[t % lengths.length]).build());
        }
        made.addAll(firsts);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    SubwordTokenizer mine = firsts.get(thread);
                    try {
                        start.await();
                        for (int r = 0; r < 12; r++) {
                            int k = (thread + r) % lengths.length;
                            SubwordTokenizer v = mine.toBuilder().optMaxLength(lengths[k]).build();
                            made.add(v);
                            List<int[]> rows = v.encodeBatch(texts).stream().map(TokenEncoding::ids).toList();
                            for (int i = 0; i < texts.size(); i++) {
                                assertArrayEquals(expected.get(k).get(i), rows.get(i), "thread " + thread + " round " + r
                                        + " maxLength " + lengths[k] + " text " + i);
                            }
                            assertArrayEquals(pieces, v.encodePieces(List.of(TEXT), false).ids());
                            // every other round the new variant takes the place of the one it came from
                            if (r % 2 == 0) {
                                mine.close();
                                mine = v;
                            } else {
                                v.close();
                            }
                        }
                    } finally {
                        mine.close();
                    }
                    return null;
                }));
            }
            start.countDown();
            base.close();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Field delegate = SubwordTokenizer.class.getDeclaredField("delegate");
        delegate.setAccessible(true);
        Field pieceEncoder = SubwordTokenizer.class.getDeclaredField("pieces");
        pieceEncoder.setAccessible(true);
        Field bare = PieceEncoder.class.getDeclaredField("bare");
        bare.setAccessible(true);
        for (SubwordTokenizer tok : made) {
            assertTrue(((HuggingFaceTokenizer) delegate.get(tok)).isReleased(), "a native tokenizer left loaded");
            assertEquals(null, bare.get(pieceEncoder.get(tok)), "a bare tokenizer left loaded");
            assertThrows(IllegalStateException.class, () -> tok.encode(TEXT));
        }
    }

    /**
     * A long-lived tokenizer asked for variants of many lengths, each closed after use, holds the
     * native tokenizers of the variants open and at most {@link NativeTokenizers#UNUSED_KEPT} unused
     * ones, the last left: the count of live native tokenizers goes back to the base's one plus those,
     * where before it kept one per length ever asked for, and the oldest unused one is freed. A
     * variant of a length left unused lately gets its native tokenizer again, loading none (what a
     * featurizer's second call relies on). Two users of the same length share one, which the first
     * to close leaves to the other.
     */
    @Test
    void aLongLivedTokenizerKeepsTheNativesOfItsOpenVariantsAndAFewUnusedOnes() throws Exception {
        Path file = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        int kept = NativeTokenizers.UNUSED_KEPT;
        int[] cut;
        int[] whole;
        try (SubwordTokenizer alone = SubwordTokenizer.builder().setTokenizerPath(file).optMaxLength(6).build();
                SubwordTokenizer aloneWhole = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            cut = alone.encode(TEXT).ids();
            whole = aloneWhole.encode(TEXT).ids();
        }
        try (SubwordTokenizer base = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            NativeTokenizers natives = natives(base);
            assertEquals(1, natives.loadedCount(), "the base's own");
            List<HuggingFaceTokenizer> closedVariants = new ArrayList<>();
            for (int length = 6; length < 46; length++) {
                int asked = length - 6 + 1;
                try (SubwordTokenizer v = base.toBuilder().optMaxLength(length).build()) {
                    v.encode(TEXT);
                    closedVariants.add(delegate(v));
                    assertEquals(1 + Math.min(asked - 1, kept) + 1, natives.loadedCount(), "maxLength " + length + " open");
                }
                assertEquals(1 + Math.min(asked, kept), natives.loadedCount(), "maxLength " + length + " closed");
            }
            int n = closedVariants.size();
            for (int i = 0; i < n; i++) {
                assertEquals(i < n - kept, closedVariants.get(i).isReleased(), "the native of maxLength " + (6 + i)
                        + (i < n - kept ? " is freed" : " is kept, among the last left unused"));
            }
            try (SubwordTokenizer again = base.toBuilder().optMaxLength(45).build()) {
                assertTrue(closedVariants.get(n - 1) == delegate(again), "the kept native of maxLength 45, not another");
            }
            SubwordTokenizer first = base.toBuilder().optMaxLength(6).build();
            SubwordTokenizer second = first.toBuilder().build();
            HuggingFaceTokenizer shared = delegate(first);
            assertTrue(shared == delegate(second), "one native tokenizer for both users of maxLength 6");
            first.close();
            assertArrayEquals(cut, second.encode(TEXT).ids(), "the second encodes as a tokenizer loaded alone");
            second.close();
            assertEquals(1 + kept, natives.loadedCount(), "the base's and the last " + kept + " left unused");
            assertArrayEquals(whole, base.encode(TEXT).ids(), "the base's own is kept");
        }
    }

    /**
     * Variants asked for in cycles: a cycle of six lengths, two more than {@link
     * NativeTokenizers#UNUSED_KEPT}, frees the first two lengths' natives in its first pass and
     * loads them again in its second, which keeps six from then on, so the third pass gets every
     * native the second left (the same objects). A cycle of sixteen lengths keeps {@link
     * NativeTokenizers#MAX_UNUSED_KEPT} (16) from its third pass on. A cycle of twenty lengths,
     * more than the most kept, frees each length's native before the pass comes back to it however
     * many are kept (least recently left first), so keeping more saves no load: the kept ones stay
     * at {@link NativeTokenizers#UNUSED_KEPT}. Before, they grew to sixteen, each possibly a large
     * vocabulary's, and every pass still loaded all twenty.
     */
    @Test
    void variantsAskedForInCyclesKeepTheirNativesUpToTheBound() throws Exception {
        Path file = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        try (SubwordTokenizer base = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            NativeTokenizers natives = natives(base);
            List<HuggingFaceTokenizer> second = new ArrayList<>();
            for (int pass = 0; pass < 3; pass++) {
                for (int length = 6; length < 12; length++) {
                    try (SubwordTokenizer v = base.toBuilder().optMaxLength(length).build()) {
                        if (pass == 1) {
                            second.add(delegate(v));
                        } else if (pass == 2) {
                            assertTrue(second.get(length - 6) == delegate(v), "pass 3, maxLength " + length
                                    + ": the native the second pass left, not a new one");
                        }
                    }
                }
                assertEquals(1 + (pass == 0 ? NativeTokenizers.UNUSED_KEPT : 6), natives.loadedCount(),
                        "after pass " + (pass + 1) + ": the base's and those kept unused");
            }
        }
        for (int lengths : new int[] {16, 20}) {
            try (SubwordTokenizer base = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
                NativeTokenizers natives = natives(base);
                for (int pass = 0; pass < 4; pass++) {
                    for (int length = 6; length < 6 + lengths; length++) {
                        base.toBuilder().optMaxLength(length).build().close();
                        assertTrue(natives.loadedCount() <= 1 + NativeTokenizers.MAX_UNUSED_KEPT, lengths + " lengths,"
                                + " pass " + (pass + 1) + ", maxLength " + length + ": " + natives.loadedCount() + " loaded");
                    }
                }
                assertEquals(1 + (lengths <= NativeTokenizers.MAX_UNUSED_KEPT ? lengths : NativeTokenizers.UNUSED_KEPT),
                        natives.loadedCount(), lengths + " lengths in cycles: the base's and those kept unused");
            }
        }
    }

    /**
     * The kept count shrinks back: a cycle of eight lengths keeps eight unused natives from its
     * second pass (as six above), and once the work asks for one length alone, the seven others sit
     * unused; those beyond {@link NativeTokenizers#UNUSED_KEPT} are freed after {@link
     * NativeTokenizers#IDLE_JOINS} joins, leaving the base's and four. Before, all eight stayed
     * loaded until the base closed (up to sixteen, each possibly a large vocabulary's). A cycle of
     * eight asked for again grows the count back as it grew the first time.
     */
    @Test
    void nativesKeptForACycleAreFreedOnceTheWorkMovesOn() throws Exception {
        Path file = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        try (SubwordTokenizer base = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            NativeTokenizers natives = natives(base);
            for (int pass = 0; pass < 3; pass++) {
                for (int length = 6; length < 14; length++) {
                    base.toBuilder().optMaxLength(length).build().close();
                }
            }
            assertEquals(1 + 8, natives.loadedCount(), "the base's and the cycle's eight");
            // maxLength 7, the first left unused for good, was left six joins (8 to 13) before the cycle ended
            for (int i = 0; i < NativeTokenizers.IDLE_JOINS - 6; i++) {
                base.toBuilder().optMaxLength(6).build().close();
            }
            assertEquals(1 + 8, natives.loadedCount(), "none idle for more than " + NativeTokenizers.IDLE_JOINS + " joins");
            for (int i = 0; i < 8; i++) {
                base.toBuilder().optMaxLength(6).build().close();
            }
            assertEquals(1 + NativeTokenizers.UNUSED_KEPT, natives.loadedCount(),
                    "the base's and the " + NativeTokenizers.UNUSED_KEPT + " kept unused once the others idled");
            for (int pass = 0; pass < 3; pass++) {
                for (int length = 6; length < 14; length++) {
                    base.toBuilder().optMaxLength(length).build().close();
                }
            }
            assertEquals(1 + 8, natives.loadedCount(), "the cycle's eight again");
        }
    }

    /**
     * maxLength does nothing to a native tokenizer that neither truncates nor pads to it: the
     * untruncated variants of every length, unpadded or padded to a batch's longest, share one
     * native tokenizer each, where each length had its own, and they encode a text longer than
     * any of the lengths, a pair and a padded batch as a tokenizer of that length loaded alone
     * does (the library's own answer, each alone having loaded its native tokenizer with its
     * length). A featurizer's untruncated forms of many lengths are one of the {@link
     * NativeTokenizers#UNUSED_KEPT} kept unused; padded to maxLength, the length still tells the
     * native tokenizers apart, and the unused ones stay within the bound.
     */
    @Test
    void untruncatedVariantsOfEveryLengthShareOneNativeTokenizer() throws Exception {
        Path file = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        String longText = String.join(" ", Collections.nCopies(300, TEXT));
        List<String> batch = List.of("ok", TEXT, "a b c d e f g h i j k l m n o p");
        int[] lengths = {6, 16, 512, 4096};
        try (SubwordTokenizer base = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            NativeTokenizers natives = natives(base);
            for (Padding padding : List.of(Padding.NONE, Padding.LONGEST)) {
                HuggingFaceTokenizer first = null;
                for (int length : lengths) {
                    List<String> alone;
                    try (SubwordTokenizer a = SubwordTokenizer.builder().setTokenizerPath(file)
                            .optTruncation(Truncation.NONE).optPadding(padding).optMaxLength(length).build()) {
                        alone = encodings(a, longText, batch);
                    }
                    try (SubwordTokenizer v = base.toBuilder().optTruncation(Truncation.NONE).optPadding(padding)
                            .optMaxLength(length).build()) {
                        first = first == null ? delegate(v) : first;
                        assertTrue(first == delegate(v), padding + ", maxLength " + length
                                + ": the one untruncated native tokenizer of every length");
                        assertEquals(alone, encodings(v, longText, batch), padding + ", maxLength " + length
                                + ": encodings as a tokenizer of that length loaded alone");
                        int n = v.encode(longText).length();
                        assertTrue(n > 512, "untruncated, longer than the lengths below 4096: " + n + " tokens");
                    }
                }
            }
            assertEquals(3, natives.loadedCount(), "the base's, the unpadded and the LONGEST-padded untruncated one");
            List<HuggingFaceTokenizer> padded = new ArrayList<>();
            for (int length = 6; length < 16; length++) {
                try (SubwordTokenizer v = base.toBuilder().optTruncation(Truncation.NONE).optPadding(Padding.MAX_LENGTH)
                        .optMaxLength(length).build()) {
                    assertEquals(length, v.encodeBatch(List.of("ok")).get(0).length(), "padded to " + length);
                    HuggingFaceTokenizer own = delegate(v);
                    assertTrue(padded.stream().noneMatch(h -> h == own), "maxLength " + length
                            + " pads to its own length, with its own native tokenizer");
                    padded.add(own);
                }
                assertTrue(natives.loadedCount() <= 1 + NativeTokenizers.UNUSED_KEPT, "maxLength " + length + ": "
                        + natives.loadedCount() + " loaded, beyond the base's and " + NativeTokenizers.UNUSED_KEPT);
            }
        }
    }

    /** The ids, type ids, mask, offsets and overflow of a long text, a pair and a batch, as text to compare. */
    private static List<String> encodings(SubwordTokenizer tok, String longText, List<String> batch) {
        List<TokenEncoding> all = new ArrayList<>(List.of(tok.encode(longText), tok.encodePair(TEXT, longText)));
        all.addAll(tok.encodeBatch(batch));
        return all.stream().map(e -> Arrays.toString(e.ids()) + Arrays.toString(e.typeIds())
                + Arrays.toString(e.attentionMask()) + Arrays.toString(e.starts()) + Arrays.toString(e.ends())
                + " overflow " + e.overflowing().size()).toList();
    }

    /**
     * Threads building variants of one length at once from the same tokenizer all get the one native
     * tokenizer of that length, which no close of theirs frees while another of them is open, and
     * which the close of the last sharer (the base) frees with the rest.
     */
    @Test
    void concurrentUsersOfOneVariantShareOneNativeTokenizer() throws Exception {
        Path file = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        int threads = 8;
        SubwordTokenizer base = SubwordTokenizer.builder().setTokenizerPath(file).build();
        NativeTokenizers natives = natives(base);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<SubwordTokenizer> made = new ArrayList<>();
        try {
            List<Future<SubwordTokenizer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    return base.toBuilder().optMaxLength(8).build();
                }));
            }
            start.countDown();
            for (Future<SubwordTokenizer> f : done) {
                made.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, natives.loadedCount(), "the base's and one of maxLength 8");
        HuggingFaceTokenizer shared = delegate(made.get(0));
        for (SubwordTokenizer v : made) {
            assertTrue(shared == delegate(v), "every user of maxLength 8 has the one native tokenizer");
        }
        for (SubwordTokenizer v : made) {
            v.close();
            assertTrue(!shared.isReleased(), "kept while a sharer is open");
        }
        HuggingFaceTokenizer own = delegate(base);
        base.close();
        assertTrue(shared.isReleased() && own.isReleased(), "freed with the last sharer");
        assertEquals(0, natives.loadedCount());
    }

    private static NativeTokenizers natives(SubwordTokenizer tok) throws ReflectiveOperationException {
        Field f = SubwordTokenizer.class.getDeclaredField("natives");
        f.setAccessible(true);
        return (NativeTokenizers) f.get(tok);
    }

    private static HuggingFaceTokenizer delegate(SubwordTokenizer tok) throws ReflectiveOperationException {
        Field f = SubwordTokenizer.class.getDeclaredField("delegate");
        f.setAccessible(true);
        return (HuggingFaceTokenizer) f.get(tok);
    }

    @Test
    void aFileChangedToTextThatIsNotStandardJsonIsCheckedAgain() throws Exception {
        String good = Files.readString(SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json"));
        Path file = Files.writeString(tmp.resolve("tokenizer.json"), good);
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            // the library would abort the JVM on it, not refuse it
            String nan = good.replaceFirst("\"decoder\": \\{[^}]*}", "\"decoder\": NaN");
            Files.writeString(file, nan);
            String where = file + ":" + (nan.substring(0, nan.indexOf("\"decoder\"")).split("\n", -1).length) + ": not JSON";
            IOException variant = assertThrows(IOException.class, () -> tok.toBuilder().optMaxLength(16).build());
            assertTrue(variant.getMessage().startsWith(where), variant.getMessage());
            // the bare form is loaded from the text the tokenizer was built from, or not at all
            UncheckedIOException bare = assertThrows(UncheckedIOException.class,
                    () -> tok.encodePieces(List.of("hello"), false));
            assertTrue(bare.getMessage().startsWith(file + ": changed since the tokenizer was built from it"),
                    bare.getMessage());
        }
    }
}
