package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Compares {@link SubwordTokenizer} with the encodings HF Python wrote into reference.json. */
class TokenizerParityTest {

    private static JsonObject reference(Path dir) throws IOException {
        try (Reader r = Files.newBufferedReader(dir.resolve("reference.json"), StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(r).getAsJsonObject();
        }
    }

    private static int[] ints(JsonElement arr) {
        JsonArray a = arr.getAsJsonArray();
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).isJsonNull() ? -1 : a.get(i).getAsInt();
        }
        return r;
    }

    private static void assertCase(JsonObject c, TokenEncoding e) {
        String what = c.get("text").getAsString();
        assertArrayEquals(ints(c.get("ids")), e.ids(), what + " ids");
        JsonArray toks = c.getAsJsonArray("tokens");
        String[] expTokens = new String[toks.size()];
        for (int i = 0; i < expTokens.length; i++) {
            expTokens[i] = toks.get(i).getAsString();
        }
        assertArrayEquals(expTokens, e.tokens(), what + " tokens");
        assertArrayEquals(ints(c.get("type_ids")), e.typeIds(), what + " type ids");
        assertArrayEquals(ints(c.get("attention_mask")), e.attentionMask(), what + " attention mask");
        assertArrayEquals(ints(c.get("word_ids")), e.wordIds(), what + " word ids");
        JsonArray offs = c.getAsJsonArray("offsets");
        int[] starts = new int[offs.size()];
        int[] ends = new int[offs.size()];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = offs.get(i).getAsJsonArray().get(0).getAsInt();
            ends[i] = offs.get(i).getAsJsonArray().get(1).getAsInt();
        }
        // The fixture texts are all in the BMP, so Python's code-point offsets equal UTF-16 ones.
        assertArrayEquals(starts, e.starts(), what + " starts");
        assertArrayEquals(ends, e.ends(), what + " ends");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void paddedBatchAndPairMatchHuggingFace(String family) throws IOException {
        Path dir = SharedFixtures.require("fixtures/hf-reference/" + family);
        JsonObject ref = reference(dir);
        JsonArray cases = ref.getAsJsonArray("cases");
        List<String> texts = singleTexts(cases);
        try (SubwordTokenizer padded = longestPadded(dir.resolve("tokenizer.json"));
                SubwordTokenizer plain = padded.toBuilder().optPadding(Padding.NONE).build()) {
            List<TokenEncoding> batch = padded.encodeBatch(texts);
            for (int i = 0; i < 4; i++) {
                assertCase(cases.get(i).getAsJsonObject(), batch.get(i));
            }
            JsonObject pb = ref.getAsJsonObject("padded_batch");
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(ints(pb.getAsJsonArray("ids").get(i)), batch.get(i).ids(), "padded batch ids " + i);
                assertArrayEquals(
                        ints(pb.getAsJsonArray("attention_mask").get(i)),
                        batch.get(i).attentionMask(),
                        "padded batch mask " + i);
            }
            JsonObject pairCase = cases.get(4).getAsJsonObject();
            String[] qc = pairCase.get("text").getAsString().split(" \\|\\|\\| ");
            assertCase(pairCase, plain.encodePair(qc[0], qc[1]));
            assertCase(pairCase, plain.encodePairBatch(List.of(qc[0]), List.of(qc[1])).get(0));
            int pad = family.equals("bert") ? 0 : 1;
            assertEquals(pad, padded.padId(), "pad id");
        }
    }

    /**
     * Hub files such as xlm-roberta-base's are saved with {@code "padding": null}; the native library
     * then pads with its default id 0 ({@code <s>} here) and token {@code [PAD]}, where HF pads with
     * the pad token, id 1, as the fixture (written with padding on) shows.
     */
    @Test
    void aFileSavedWithoutPaddingPadsWithItsPadTokenAsHuggingFace(@TempDir Path tmp) throws IOException {
        Path dir = SharedFixtures.require("fixtures/hf-reference/xlm-roberta");
        Path file = edited(dir, tmp, json -> json.add("padding", JsonNull.INSTANCE));
        JsonArray cases = reference(dir).getAsJsonArray("cases");
        List<String> texts = singleTexts(cases);
        try (SubwordTokenizer padded = longestPadded(file)) {
            assertEquals(1, padded.padId(), "pad id");
            List<TokenEncoding> batch = padded.encodeBatch(texts);
            // the texts split at their spaces join back to themselves: the same encodings
            List<TokenEncoding> words = padded.encodeWordsBatch(texts.stream().map(t -> Arrays.asList(t.split(" "))).toList());
            IdRows rows = padded.encodeIdRows(texts, null);
            for (int i = 0; i < 4; i++) {
                JsonObject c = cases.get(i).getAsJsonObject();
                assertCase(c, batch.get(i));
                assertArrayEquals(ints(c.get("ids")), words.get(i).ids(), "words " + i + " ids");
                assertArrayEquals(ints(c.get("ids")),
                        Arrays.copyOfRange(rows.ids(), rows.rowStart()[i], rows.rowStart()[i + 1]), "id rows " + i);
            }
        }
    }

    /**
     * A file saved with {@code padding.pad_to_multiple_of} (8 here): HF pads to a multiple only when
     * the call asks for one, where DJL took the file's, padding to 32 and, padding to maxLength,
     * even cutting the maximum length to a multiple of it (30 to 24, truncating a text of 26).
     */
    @Test
    void aFilesPadToMultipleOfIsNotAppliedAsHuggingFaceAppliesOnlyTheCallsOwn(@TempDir Path tmp) throws IOException {
        Path dir = SharedFixtures.require("fixtures/hf-reference/xlm-roberta");
        Path file = edited(dir, tmp, json -> json.getAsJsonObject("padding").addProperty("pad_to_multiple_of", 8));
        JsonArray cases = reference(dir).getAsJsonArray("cases");
        List<String> texts = singleTexts(cases);
        try (SubwordTokenizer longest = longestPadded(file);
                SubwordTokenizer fixed = longest.toBuilder()
                        .optTruncation(Truncation.LONGEST_FIRST)
                        .optPadding(Padding.MAX_LENGTH)
                        .optMaxLength(30)
                        .build()) {
            List<TokenEncoding> batch = longest.encodeBatch(texts);
            List<TokenEncoding> padded = fixed.encodeBatch(texts);
            for (int i = 0; i < 4; i++) {
                JsonObject c = cases.get(i).getAsJsonObject();
                assertCase(c, batch.get(i));
                // the reference rows are padded to the longest, 26 positions: to 30 there are 4 pads more
                int[] ids = Arrays.copyOf(ints(c.get("ids")), 30);
                Arrays.fill(ids, 26, 30, 1);
                assertArrayEquals(ids, padded.get(i).ids(), "padded to maxLength 30, text " + i);
                assertEquals(false, padded.get(i).isTruncated(), "text " + i + " fits in 30");
            }
        }
    }

    /** The fixture folder's tokenizer.json, edited, written under {@code tmp}. */
    private static Path edited(Path dir, Path tmp, Consumer<JsonObject> edit) throws IOException {
        JsonObject json;
        try (Reader r = Files.newBufferedReader(dir.resolve("tokenizer.json"), StandardCharsets.UTF_8)) {
            json = JsonParser.parseReader(r).getAsJsonObject();
        }
        edit.accept(json);
        return Files.writeString(tmp.resolve("tokenizer.json"), json.toString());
    }

    /** The texts of the first four cases, the single texts HF encoded as one padded batch. */
    private static List<String> singleTexts(JsonArray cases) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            texts.add(cases.get(i).getAsJsonObject().get("text").getAsString());
        }
        return texts;
    }

    /** An untruncated tokenizer padding each batch to its longest row, as HF encoded the single texts. */
    private static SubwordTokenizer longestPadded(Path file) throws IOException {
        return SubwordTokenizer.builder().setTokenizerPath(file).optTruncation(Truncation.NONE).optPadding(Padding.LONGEST)
                .build();
    }
}
