package io.github.prefine.core.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderConfigTest {

    private static String json(String modelType, String extra) {
        return "{\"model_type\":\"" + modelType + "\",\"vocab_size\":100,\"hidden_size\":32,\"num_hidden_layers\":2,"
                + "\"num_attention_heads\":4,\"intermediate_size\":37" + extra + "}";
    }

    @Test
    void readsTheFixtureConfigs() throws Exception {
        EncoderConfig xlmr = EncoderConfig.fromJson(SharedFixtures.require("fixtures/hf-reference/xlm-roberta/encoder"));
        assertEquals(ModelFamily.XLM_ROBERTA, xlmr.modelType());
        assertEquals(257, xlmr.vocabSize());
        assertEquals(32, xlmr.hiddenSize());
        assertEquals(2, xlmr.numHiddenLayers());
        assertEquals(4, xlmr.numAttentionHeads());
        assertEquals(37, xlmr.intermediateSize());
        assertEquals(66, xlmr.maxPositionEmbeddings());
        assertEquals(1, xlmr.typeVocabSize());
        assertEquals(1e-12f, xlmr.layerNormEps());
        assertEquals(1, xlmr.padTokenId());
        assertEquals(0f, xlmr.hiddenDropoutProb());
        assertEquals(HiddenActivation.GELU, xlmr.hiddenAct());
        assertEquals(64, xlmr.maxSequenceLength());

        Path bertDir = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        EncoderConfig bert = EncoderConfig.fromJson(bertDir.resolve("config.json"));
        assertEquals(ModelFamily.BERT, bert.modelType());
        assertEquals(0, bert.padTokenId());
        assertEquals(2, bert.typeVocabSize());
        assertEquals(64, bert.maxSequenceLength());
    }

    /**
     * {@code "pad_token_id": null} is not the member absent: HF's config class gives the family's
     * id (BERT 0, XLM-R 1) only where the member is missing, and with null BERT's embeddings have
     * no padding_idx. prefine read null as absent. XLM-R counts its position ids from the padding
     * id, which HF's RobertaEmbeddings cannot do with None, so such a config.json is refused naming
     * the file and the member.
     */
    @Test
    void aNullPadTokenIdIsNotTheFamilysDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json("bert", ",\"pad_token_id\":null"));
        EncoderConfig none = EncoderConfig.fromJson(file);
        assertTrue(none.padTokenIdNull());
        // the id a tokenizer without its own padding id takes
        assertEquals(0, none.padTokenId());
        EncoderConfig absent = EncoderConfig.fromJson(json("bert", ""));
        assertFalse(absent.padTokenIdNull());
        assertEquals(0, absent.padTokenId());
        assertNotEquals(absent, none);
        assertFalse(EncoderConfig.fromJson(json("bert", ",\"pad_token_id\":0")).padTokenIdNull());

        // written back as null, not dropped (which would read back as the family's 0)
        JsonObject written = JsonParser.parseString(none.toJson()).getAsJsonObject();
        assertTrue(written.has("pad_token_id") && written.get("pad_token_id").isJsonNull(), none.toJson());
        assertEquals(none, EncoderConfig.fromJson(none.toJson()));
        assertEquals(none, none.toBuilder().build());
        assertEquals(3, none.toBuilder().optPadTokenId(3).build().padTokenId());
        assertFalse(none.toBuilder().optPadTokenId(3).build().padTokenIdNull());

        for (String family : new String[] {"xlm-roberta", "roberta"}) {
            Files.writeString(file, json(family, ",\"pad_token_id\":null"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderConfig.fromJson(file));
            assertEquals(file + ": pad_token_id: expected the padding token id, found null; " + family + " counts its"
                    + " position ids from pad_token_id + 1, so config.json must give it (the tokenizer's padding id, 1"
                    + " for " + family + "'s own)", e.getMessage());
        }
        // absent is the family's 1
        assertEquals(1, EncoderConfig.fromJson(json("xlm-roberta", "")).padTokenId());
    }

    @Test
    void rejectsHiddenSizeNotDivisibleByHeads() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderConfig.builder()
                .setModelType(ModelFamily.BERT).setVocabSize(10).setHiddenSize(770).setNumHiddenLayers(1)
                .setNumAttentionHeads(12).setIntermediateSize(8).build());
        assertEquals("hiddenSize 770 is not divisible by numAttentionHeads 12", e.getMessage());
    }

    @Test
    void rejectsMissingRequiredFieldsAndBadValues() {
        EncoderConfig.Builder ok = EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(10)
                .setHiddenSize(8).setNumHiddenLayers(1).setNumAttentionHeads(2).setIntermediateSize(8);
        ok.build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EncoderConfig.builder().setModelType(ModelFamily.BERT)
                .setHiddenSize(8).setNumHiddenLayers(1).setNumAttentionHeads(2).setIntermediateSize(8).build())
                .getMessage().contains("vocabSize is required"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ok.build().toBuilder()
                .optHiddenDropoutProb(1.5f).build()).getMessage().contains("hiddenDropoutProb must lie in [0, 1), found 1.5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ok.optLayerNormEps(0f).build())
                .getMessage().contains("layerNormEps"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ok.optLayerNormEps(1e-5f).optPadTokenId(10).build())
                .getMessage().contains("padTokenId must lie in [0, vocabSize 10), found 10"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EncoderConfig.fromJson("{\"model_type\":\"bert\"}"))
                .getMessage().contains("vocab_size"));
    }

    @Test
    void rejectsUnsupportedModelTypeNamingTheSupportedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderConfig.fromJson(json("deberta-v2", "")));
        assertEquals("model_type \"deberta-v2\" is not supported; supported: bert, roberta, xlm-roberta", e.getMessage());
    }

    /**
     * A config.json holding only the sizes takes the defaults of transformers' BertConfig,
     * RobertaConfig and XLMRobertaConfig (their {@code __init__}): gelu, dropouts 0.1, 512
     * positions, 2 token types, eps 1e-12, initializer range 0.02; pad 0 for BERT, 1 for the
     * RoBERTa family. Every fixture config states each member, so no test read a default.
     */
    @Test
    void absentMembersTakeTheHfConfigClassDefaults() {
        for (String type : new String[] {"bert", "roberta", "xlm-roberta"}) {
            EncoderConfig c = EncoderConfig.fromJson(json(type, ""));
            assertEquals(HiddenActivation.GELU, c.hiddenAct(), type);
            assertEquals(0.1f, c.hiddenDropoutProb(), type);
            assertEquals(0.1f, c.attentionProbsDropoutProb(), type);
            assertEquals(0.1f, c.headDropout(), type + ": classifier_dropout None falls back to the hidden dropout");
            assertEquals(512, c.maxPositionEmbeddings(), type);
            assertEquals(2, c.typeVocabSize(), type);
            assertEquals(1e-12f, c.layerNormEps(), type);
            assertEquals(0.02f, c.initializerRange(), type);
            assertEquals(type.equals("bert") ? 0 : 1, c.padTokenId(), type);
        }
    }

    @Test
    void mapsHiddenActNames() {
        assertEquals(HiddenActivation.GELU, EncoderConfig.fromJson(json("bert", ",\"hidden_act\":\"gelu\"")).hiddenAct());
        for (String tanh : new String[] {"gelu_new", "gelu_pytorch_tanh", "gelu_fast"}) {
            assertEquals(HiddenActivation.GELU_TANH, EncoderConfig.fromJson(json("bert", ",\"hidden_act\":\"" + tanh + "\"")).hiddenAct());
        }
        assertEquals(HiddenActivation.RELU, EncoderConfig.fromJson(json("roberta", ",\"hidden_act\":\"relu\"")).hiddenAct());
        assertEquals(HiddenActivation.SILU, EncoderConfig.fromJson(json("roberta", ",\"hidden_act\":\"swish\"")).hiddenAct());
        assertEquals(HiddenActivation.SILU, EncoderConfig.fromJson(json("roberta", ",\"hidden_act\":\"silu\"")).hiddenAct());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncoderConfig.fromJson(json("bert", ",\"hidden_act\":\"quick_gelu\"")));
        assertTrue(e.getMessage().startsWith("hidden_act \"quick_gelu\" is not supported; supported: gelu, gelu_new"), e.getMessage());
    }

    @Test
    void rejectsRelativePositionEmbeddings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncoderConfig.fromJson(json("bert", ",\"position_embedding_type\":\"relative_key\"")));
        assertTrue(e.getMessage().contains("relative_key"), e.getMessage());
    }

    @Test
    void refusesADecoderConfigNamingTheFileAndTheKey(@TempDir Path dir) throws Exception {
        // HF's BertModel with is_decoder masks attention causally; with add_cross_attention it has
        // cross-attention layers: either way its outputs are not those of a bidirectional encoder
        Path file = dir.resolve("config.json");
        String[][] cases = {
            {",\"is_decoder\":true", "is_decoder: expected false, found true; a decoder's attention is causal, while"
                + " prefine's encoder attends both ways, so its outputs would differ from HF's"},
            {",\"add_cross_attention\":true", "add_cross_attention: expected false, found true; prefine's encoder has no"
                + " cross-attention layers (HF adds them for encoder-decoder models), so its outputs would differ from"
                + " HF's"},
            // HF keeps a non-boolean as written and tests it by Python's truthiness (bool("false") is True,
            // bool(0) False, bool([]) False): refused either way, saying how HF would read it
            {",\"is_decoder\":\"false\"", "is_decoder: expected true or false, found \"false\", which HF's"
                + " PretrainedConfig keeps as written and its model reads by Python's truthiness as true"},
            {",\"is_decoder\":0", "is_decoder: expected true or false, found 0, which HF's PretrainedConfig keeps as"
                + " written and its model reads by Python's truthiness as false"},
            {",\"add_cross_attention\":[]", "add_cross_attention: expected true or false, found [], which HF's"
                + " PretrainedConfig keeps as written and its model reads by Python's truthiness as false"},
            {",\"is_decoder\":0.5", "is_decoder: expected true or false, found 0.5, which HF's PretrainedConfig keeps"
                + " as written and its model reads by Python's truthiness as true"},
        };
        for (String family : new String[] {"bert", "xlm-roberta"}) {
            for (String[] c : cases) {
                Files.writeString(file, json(family, c[0]));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderConfig.fromJson(file));
                assertEquals(file + ": " + c[1], e.getMessage());
            }
        }
        // HF's defaults, written out (PretrainedConfig.to_dict writes both), and null, load
        assertEquals(32, EncoderConfig.fromJson(json("bert", ",\"is_decoder\":false,\"add_cross_attention\":false"))
                .hiddenSize());
        assertEquals(32, EncoderConfig.fromJson(json("bert", ",\"is_decoder\":null")).hiddenSize());
    }

    @Test
    void writesAStandardConfigThatReadsBackEqual() {
        EncoderConfig c = EncoderConfig.xlmRobertaBase();
        JsonObject o = JsonParser.parseString(c.toJson()).getAsJsonObject();
        assertEquals("xlm-roberta", o.get("model_type").getAsString());
        assertEquals("XLMRobertaModel", o.getAsJsonArray("architectures").get(0).getAsString());
        assertEquals("float32", o.get("torch_dtype").getAsString());
        assertEquals(c, EncoderConfig.fromJson(c.toJson()));
        EncoderConfig b = EncoderConfig.bertBase().toBuilder().optHiddenAct(HiddenActivation.GELU_TANH).build();
        assertEquals("BertModel", JsonParser.parseString(b.toJson()).getAsJsonObject().getAsJsonArray("architectures").get(0).getAsString());
        assertEquals(b, EncoderConfig.fromJson(b.toJson()));
        assertEquals(514 - 2, EncoderConfig.xlmRobertaBase().maxSequenceLength());
    }

    /**
     * Python's json reads 32.5, 32.0 and 3.2e1 as floats (HF then fails building a layer of that
     * size) and 4294967328 as an int too large for a Java int; getAsInt read them as 32, 32, 32
     * and 32 (wrapped).
     */
    @Test
    void refusesSizesThatPythonWouldNotReadAsAnInt(@TempDir Path dir) throws Exception {
        for (String size : new String[] {"32.5", "32.0", "3.2e1", "4294967328"}) {
            Path file = dir.resolve("config.json");
            Files.writeString(file, json("bert", "").replace("\"hidden_size\":32", "\"hidden_size\":" + size));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderConfig.fromJson(file));
            assertEquals(file + ": hidden_size: expected an integer from -2147483648 to 2147483647, without a fraction"
                    + " or exponent, found " + size, e.getMessage());
        }
        for (String field : new String[] {"max_position_embeddings", "type_vocab_size", "pad_token_id"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EncoderConfig.fromJson(json("bert", ",\"" + field + "\":2.5")));
            assertEquals(field + ": expected an integer from -2147483648 to 2147483647, without a fraction or exponent,"
                    + " found 2.5", e.getMessage());
        }
        assertEquals(32, EncoderConfig.fromJson(json("bert", "")).hiddenSize());
    }

    @Test
    void refusesMembersOfTheWrongKindNamingTheFileAndTheMember(@TempDir Path dir) throws Exception {
        // each read as Gson's getAsString/getAsFloat would: an unnamed UnsupportedOperationException
        // for an object, "For input string" for a word, and a one-element array as its element
        String[][] cases = {
            {"\"model_type\":\"bert\"", "\"model_type\":{}", "model_type: expected a string, found {}"},
            {"\"hidden_size\":32", "\"hidden_size\":32,\"hidden_act\":[\"gelu\"]",
                "hidden_act: expected a string, found [\"gelu\"]"},
            {"\"hidden_size\":32", "\"hidden_size\":32,\"position_embedding_type\":{\"a\":1}",
                "position_embedding_type: expected a string, found {\"a\":1}"},
            {"\"hidden_size\":32", "\"hidden_size\":32,\"layer_norm_eps\":{\"value\":\"1\"}",
                "layer_norm_eps: expected a number, found {\"value\":\"1\"}"},
            {"\"hidden_size\":32", "\"hidden_size\":32,\"hidden_dropout_prob\":\"x\"",
                "hidden_dropout_prob: expected a number, found \"x\""},
            {"\"hidden_size\":32", "\"hidden_size\":32,\"attention_probs_dropout_prob\":true",
                "attention_probs_dropout_prob: expected a number, found true"},
        };
        Path file = dir.resolve("config.json");
        for (String[] c : cases) {
            Files.writeString(file, json("bert", "").replace(c[0], c[1]));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderConfig.fromJson(file));
            assertEquals(file + ": " + c[2], e.getMessage());
        }
        // Gson reads a bare NaN as a string: it reaches the range check, which names it
        Files.writeString(file, json("bert", ",\"layer_norm_eps\":NaN"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderConfig.fromJson(file));
        assertEquals(file + ": layerNormEps must be positive and finite, found NaN", e.getMessage());
    }

    @Test
    void refusesAConfigThatIsNotUtf8NamingTheFileAndTheByte(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.json");
        byte[] text = json("bert", "").getBytes(StandardCharsets.UTF_8);
        text[0] = (byte) 0x80;
        Files.write(file, text);
        IOException e = assertThrows(IOException.class, () -> EncoderConfig.fromJson(dir));
        assertEquals(file + ": line 1 (byte 0) holds 0x80, not UTF-8; expected a JSON object in UTF-8", e.getMessage());
    }

    @Test
    void headDropoutIsTheClassifierDropoutElseTheHiddenDropout() {
        // HF's task models: classifier_dropout if not None else hidden_dropout_prob
        String base = "{\"model_type\": \"bert\", \"vocab_size\": 16, \"hidden_size\": 8, \"num_hidden_layers\": 1,"
                + " \"num_attention_heads\": 2, \"intermediate_size\": 8, \"hidden_dropout_prob\": 0.2";
        assertEquals(0.2f, EncoderConfig.fromJson(base + "}").headDropout());
        assertEquals(0.2f, EncoderConfig.fromJson(base + ", \"classifier_dropout\": null}").headDropout());
        EncoderConfig own = EncoderConfig.fromJson(base + ", \"classifier_dropout\": 0.3}");
        assertEquals(0.3f, own.headDropout());
        assertEquals(0.2f, own.hiddenDropoutProb());
        // written back, and read back equal; absent stays absent, as HF's null
        assertEquals(own, EncoderConfig.fromJson(own.toJson()));
        assertEquals(0.3, JsonParser.parseString(own.toJson()).getAsJsonObject().get("classifier_dropout").getAsDouble(), 1e-7);
        assertTrue(!JsonParser.parseString(EncoderConfig.fromJson(base + "}").toJson()).getAsJsonObject()
                .has("classifier_dropout"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncoderConfig.fromJson(base + ", \"classifier_dropout\": 1.5}"));
        assertEquals("classifierDropout must lie in [0, 1), found 1.5", e.getMessage());
    }
}
