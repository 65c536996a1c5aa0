package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonParser;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.pipeline.WordTokenizer;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tokenizer other than the encoder's given to {@link ModelExport}: the folder was written, and
 * new text was cut into ids the encoder has no rows for (failing at prediction) or padded with
 * another token. The tokenizer's vocabulary size is checked against the HF configuration each
 * fixture was written with, an independent count.
 */
class ExportTokenizerTest {
    private static final FeatureSettings SETTINGS = FeatureSettings.paper().withLengths(32, 40, 8);

    @Test
    void theVocabularySizeIsTheOneTheEncodersConfigurationCounts() throws Exception {
        // WordPiece (a token-to-id object) and Unigram (a list of pieces, its <mask> added past it)
        for (String family : List.of("bert", "xlm-roberta")) {
            Path dir = SharedFixtures.require("fixtures/hf-reference/" + family);
            int configured = JsonParser.parseString(Files.readString(dir.resolve("encoder/config.json")))
                    .getAsJsonObject().get("vocab_size").getAsInt();
            try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(dir.resolve("tokenizer.json")).build();
                    SubwordTokenizer variant = tok.toBuilder().optMaxLength(16).build()) {
                assertEquals(configured, tok.vocabularySize(), family);
                assertEquals(configured, variant.vocabularySize(), family);
            }
        }
    }

    @Test
    void anExportRefusesATokenizerWhoseIdsOrPaddingAreNotTheEncoders(@TempDir Path dir) throws Exception {
        // 4 special tokens and 400 words: ids up to 403 on the BERT fixture's 362 rows
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            words.add("w" + i);
        }
        Path large = WordTokenizer.write(dir.resolve("large.json"), words);
        Path xlmr = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        try (NDManager m = NDManager.newBaseManager(); MultiHeadModel model = TinyFinetuning.untrained(m);
                SubwordTokenizer tooLarge = SubwordTokenizer.builder().setTokenizerPath(large).build();
                SubwordTokenizer otherPad = SubwordTokenizer.builder().setTokenizerPath(xlmr).build();
                SubwordTokenizer own = TinyFinetuning.tokenizer()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TinyFinetuning.export(model, tooLarge, SETTINGS));
            assertEquals("model export: the tokenizer " + large + " gives 404 token ids, but the encoder has 362"
                    + " embedding rows, so ids past 361 would fail at prediction: it is not the tokenizer the encoder"
                    + " was trained with; give setTokenizer the tokenizer.json the tasks were featurized with",
                    e.getMessage());
            // XLM-R's 257 ids fit the 362 rows, but it pads with <pad> = 1 where the encoder's pad_token_id is 0
            e = assertThrows(IllegalArgumentException.class, () -> TinyFinetuning.export(model, otherPad, SETTINGS));
            assertEquals("model export: the tokenizer " + xlmr + " pads with id 1, but the encoder's pad_token_id is 0:"
                    + " it is not the tokenizer the encoder was trained with; give setTokenizer the tokenizer.json the"
                    + " tasks were featurized with", e.getMessage());
            TinyFinetuning.export(model, own, SETTINGS).writeTo(dir.resolve("own"));
        }
    }

    @Test
    void aNullPadTokenIdLeavesThePaddingToTheTokenizer(@TempDir Path dir) throws Exception {
        // HF's BERT with "pad_token_id": null has no padding_idx, and its tokenizer pads with its own id: the
        // XLM-R fixture's <pad> = 1 (257 ids, within the 362 rows), refused beside 0 given or absent (the family's)
        Path xlmr = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/tokenizer.json");
        String config = "{\"model_type\": \"bert\", \"vocab_size\": 362, \"hidden_size\": 32,"
                + " \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"intermediate_size\": 37,"
                + " \"max_position_embeddings\": 64%s}";
        try (SubwordTokenizer otherPad = SubwordTokenizer.builder().setTokenizerPath(xlmr).build()) {
            assertEquals(1, otherPad.padId());
            EncoderConfig nullPad = EncoderConfig.fromJson(Files.writeString(dir.resolve("null.json"),
                    String.format(config, ", \"pad_token_id\": null")));
            assertTrue(nullPad.padTokenIdNull());
            ModelExport.checkTokenizer(nullPad, otherPad);
            for (String pad : List.of(", \"pad_token_id\": 0", "")) {
                EncoderConfig zero = EncoderConfig.fromJson(Files.writeString(dir.resolve("zero.json"),
                        String.format(config, pad)));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> ModelExport.checkTokenizer(zero, otherPad));
                assertEquals("model export: the tokenizer " + xlmr + " pads with id 1, but the encoder's pad_token_id"
                        + " is 0: it is not the tokenizer the encoder was trained with", e.getMessage());
            }
        }
    }
}
