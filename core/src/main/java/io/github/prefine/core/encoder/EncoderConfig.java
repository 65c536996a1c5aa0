package io.github.prefine.core.encoder;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The sizes and options of a BERT-family encoder, as in an HF {@code config.json}.
 *
 * <p>Immutable and thread-safe; equal when every field is equal. Built with {@link #builder()}
 * (whose {@code build()} checks every constraint below), read with {@link #fromJson(Path)}, varied
 * with {@link #toBuilder()}, written with {@link #toJson()}. Presets: {@link #xlmRobertaBase()},
 * {@link #bertBase()}.
 */
public final class EncoderConfig {

    /** The weight-init standard deviation of HF ({@code initializer_range}). */
    public static final float INITIALIZER_RANGE = 0.02f;

    private final ModelFamily modelType;
    private final int vocabSize;
    private final int hiddenSize;
    private final int numHiddenLayers;
    private final int numAttentionHeads;
    private final int intermediateSize;
    private final HiddenActivation hiddenAct;
    private final float hiddenDropoutProb;
    private final float attentionProbsDropoutProb;
    /** {@code classifier_dropout}, or null where the heads take {@code hidden_dropout_prob}. */
    private final Float classifierDropout;
    private final int maxPositionEmbeddings;
    private final int typeVocabSize;
    private final float layerNormEps;
    private final float initializerRange;
    private final int padTokenId;
    /** {@code "pad_token_id": null}: HF's embeddings then have no padding_idx, whose row its init zeroes. */
    private final boolean padTokenIdNull;

    private EncoderConfig(Builder b) {
        this.modelType = b.modelType;
        this.vocabSize = b.vocabSize;
        this.hiddenSize = b.hiddenSize;
        this.numHiddenLayers = b.numHiddenLayers;
        this.numAttentionHeads = b.numAttentionHeads;
        this.intermediateSize = b.intermediateSize;
        this.hiddenAct = b.hiddenAct;
        this.hiddenDropoutProb = b.hiddenDropoutProb;
        this.attentionProbsDropoutProb = b.attentionProbsDropoutProb;
        this.classifierDropout = b.classifierDropout;
        this.maxPositionEmbeddings = b.maxPositionEmbeddings;
        this.typeVocabSize = b.typeVocabSize;
        this.layerNormEps = b.layerNormEps;
        this.initializerRange = b.initializerRange;
        this.padTokenId = b.padTokenId != null ? b.padTokenId : b.modelType.defaultPadTokenId();
        this.padTokenIdNull = b.padTokenIdNull;
    }

    /**
     * Starts a builder.
     *
     * @return a new builder with HF defaults for the optional fields
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the configuration of {@code xlm-roberta-base}.
     *
     * @return vocab 250002, hidden 768, 12 layers, 12 heads, intermediate 3072, 514 positions, 1
     *     token type, eps 1e-5, pad 1
     */
    public static EncoderConfig xlmRobertaBase() {
        return builder().setModelType(ModelFamily.XLM_ROBERTA).setVocabSize(250002).setHiddenSize(768)
                .setNumHiddenLayers(12).setNumAttentionHeads(12).setIntermediateSize(3072)
                .optMaxPositionEmbeddings(514).optTypeVocabSize(1).optLayerNormEps(1e-5f).optPadTokenId(1).build();
    }

    /**
     * Returns the configuration of {@code bert-base-uncased}.
     *
     * @return vocab 30522, hidden 768, 12 layers, 12 heads, intermediate 3072, 512 positions, 2
     *     token types, eps 1e-12, pad 0
     */
    public static EncoderConfig bertBase() {
        return builder().setModelType(ModelFamily.BERT).setVocabSize(30522).setHiddenSize(768)
                .setNumHiddenLayers(12).setNumAttentionHeads(12).setIntermediateSize(3072).build();
    }

    /**
     * Reads an HF {@code config.json} (a file, or a folder holding one).
     *
     * @param path the file or model folder
     * @return the validated config
     * @throws IOException if the file cannot be read or is not valid JSON
     * @throws IllegalArgumentException if the model_type, hidden_act or a size is unsupported or
     *     invalid (the message names the field and the value)
     */
    public static EncoderConfig fromJson(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        // the JDK's refusal of a byte that is not UTF-8 names no file
        String text = JsonFiles.read(file);
        try {
            return fromJson(text);
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(file + ": not a valid config.json: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the text of an HF {@code config.json}.
     *
     * <p>Required: {@code model_type}, {@code vocab_size}, {@code hidden_size},
     * {@code num_hidden_layers}, {@code num_attention_heads}, {@code intermediate_size}. The other
     * fields take HF's defaults when absent. A {@code position_embedding_type} other than
     * {@code "absolute"} is rejected, and so are {@code "is_decoder": true} and {@code
     * "add_cross_attention": true} (a causal or cross-attending model, which prefine's
     * bidirectional encoder is not).
     *
     * @param json the JSON text
     * @return the validated config
     * @throws JsonParseException if the text is not JSON
     * @throws IllegalArgumentException if a field is missing, unsupported or invalid
     */
    public static EncoderConfig fromJson(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        Builder b = builder();
        b.setModelType(ModelFamily.fromModelType(requireString(o, "model_type")));
        b.setVocabSize(requireInt(o, "vocab_size"));
        b.setHiddenSize(requireInt(o, "hidden_size"));
        b.setNumHiddenLayers(requireInt(o, "num_hidden_layers"));
        b.setNumAttentionHeads(requireInt(o, "num_attention_heads"));
        b.setIntermediateSize(requireInt(o, "intermediate_size"));
        if (has(o, "hidden_act")) {
            b.optHiddenAct(HiddenActivation.fromHfName(string(o, "hidden_act")));
        }
        if (has(o, "hidden_dropout_prob")) {
            b.optHiddenDropoutProb(number(o, "hidden_dropout_prob"));
        }
        if (has(o, "attention_probs_dropout_prob")) {
            b.optAttentionProbsDropoutProb(number(o, "attention_probs_dropout_prob"));
        }
        if (has(o, "classifier_dropout")) {
            b.optClassifierDropout(number(o, "classifier_dropout"));
        }
        if (has(o, "max_position_embeddings")) {
            b.optMaxPositionEmbeddings(wholeInt(o, "max_position_embeddings"));
        }
        if (has(o, "type_vocab_size")) {
            b.optTypeVocabSize(wholeInt(o, "type_vocab_size"));
        }
        if (has(o, "layer_norm_eps")) {
            b.optLayerNormEps(number(o, "layer_norm_eps"));
        }
        if (has(o, "pad_token_id")) {
            b.optPadTokenId(wholeInt(o, "pad_token_id"));
        } else if (o.has("pad_token_id")) {
            // null is not absent: HF's config class gives the family's id only where the member is missing
            b.optPadTokenIdNull();
        }
        if (has(o, "initializer_range")) {
            b.optInitializerRange(number(o, "initializer_range"));
        }
        if (has(o, "position_embedding_type")) {
            String pet = string(o, "position_embedding_type");
            if (!pet.equals("absolute")) {
                throw new IllegalArgumentException(
                        "position_embedding_type \"" + pet + "\" is not supported; supported: absolute");
            }
        }
        refuseDecoderOptions(o);
        return b.build();
    }

    /**
     * Refuses HF's decoder switches, which change what the model computes: {@code is_decoder}
     * makes self-attention causal (each position sees only those before it), {@code
     * add_cross_attention} adds cross-attention layers. prefine's encoder attends both ways and has
     * no cross-attention, so loading such a config would give other outputs than HF's, silently.
     */
    private static void refuseDecoderOptions(JsonObject o) {
        if (flag(o, "is_decoder")) {
            throw new IllegalArgumentException("is_decoder: expected false, found true; a decoder's attention is "
                    + "causal, while prefine's encoder attends both ways, so its outputs would differ from HF's");
        }
        if (flag(o, "add_cross_attention")) {
            throw new IllegalArgumentException("add_cross_attention: expected false, found true; prefine's encoder "
                    + "has no cross-attention layers (HF adds them for encoder-decoder models), so its outputs would "
                    + "differ from HF's");
        }
    }

    /**
     * A boolean member, false when absent or null; anything but true or false is refused by name.
     * HF's {@code PretrainedConfig} keeps such a value as written and its models test it by Python's
     * truthiness, so "false" (a non-empty string) would build a decoder there, and 0 an encoder:
     * refused rather than read either way, the message saying how HF would read it, since a config
     * written by HF's {@code to_dict} always holds a boolean and another value is a hand edit whose
     * intent the value does not settle.
     */
    private static boolean flag(JsonObject o, String key) {
        if (!has(o, key)) {
            return false;
        }
        JsonElement e = o.get(key);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
            return e.getAsBoolean();
        }
        throw mismatch(key, "true or false", JsonShapes.describe(e) + ", which HF's PretrainedConfig keeps as written"
                + " and its model reads by Python's truthiness as " + pythonTruth(e));
    }

    /** What Python's {@code bool()} makes of a JSON value as {@code json.load} reads it (null is handled before). */
    private static boolean pythonTruth(JsonElement e) {
        if (e.isJsonArray()) {
            return !e.getAsJsonArray().isEmpty();
        }
        if (e.isJsonObject()) {
            return e.getAsJsonObject().size() > 0;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isString()) {
            return !p.getAsString().isEmpty();
        }
        // a number: 0, 0.0 and -0.0 are false; NaN and the infinities (Python's json reads them) true
        try {
            return p.getAsBigDecimal().signum() != 0;
        } catch (NumberFormatException notFinite) {
            return true;
        }
    }

    private static boolean has(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull();
    }

    private static String requireString(JsonObject o, String key) {
        if (!has(o, key)) {
            throw new IllegalArgumentException("config.json lacks the required field " + key);
        }
        return string(o, key);
    }

    /** A string; Gson's getAsString would throw an unnamed UnsupportedOperationException on an object. */
    private static String string(JsonObject o, String key) {
        return JsonShapes.string(o.get(key), key, EncoderConfig::mismatch);
    }

    /**
     * A number, as Python's json reads one: a quoted "0.1" or a one-element array, which Gson's
     * getAsFloat reads as a number, make HF fail. Gson reads a bare NaN or Infinity as a string: it
     * is let through so that the range check refuses it by its value.
     */
    private static float number(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (JsonShapes.isLenientNumber(e)) {
            return Float.parseFloat(e.getAsString());
        }
        throw mismatch(key, "a number", JsonShapes.describe(e));
    }

    /** How a config member of the wrong kind is refused: by member, then what was expected and found. */
    private static IllegalArgumentException mismatch(String key, String expected, String found) {
        return new IllegalArgumentException(key + ": expected " + expected + ", found " + found);
    }

    private static int requireInt(JsonObject o, String key) {
        if (!has(o, key)) {
            throw new IllegalArgumentException("config.json lacks the required field " + key);
        }
        return wholeInt(o, key);
    }

    /** An integer as Python's json reads one: HF fails on a size read as a float, such as 768.0. */
    private static int wholeInt(JsonObject o, String key) {
        return JsonShapes.wholeInt(o.get(key), key, EncoderConfig::mismatch);
    }

    /**
     * Renders a standard HF {@code config.json} for the bare encoder ({@code architectures} set to
     * the family's model class, {@code torch_dtype} {@code float32}).
     *
     * @return pretty-printed JSON text
     */
    public String toJson() {
        // serializeNulls: a null pad_token_id, dropped, would read back as the family's id
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create()
                .toJson(toJsonMap()) + "\n";
    }

    /**
     * Returns the fields of {@link #toJson()} as a fresh mutable map, so that task models can add
     * their own entries (e.g. {@code id2label}) or replace {@code architectures} before writing.
     * A null {@code pad_token_id} ({@link #padTokenIdNull()}) is a null value, which the writer
     * must keep (Gson's {@code serializeNulls}).
     *
     * @return a new insertion-ordered map of JSON-compatible values
     */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", new java.util.ArrayList<>(List.of(modelType.architecture())));
        m.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
        if (classifierDropout != null) {
            m.put("classifier_dropout", classifierDropout);
        }
        m.put("hidden_act", hiddenAct.hfName());
        m.put("hidden_dropout_prob", hiddenDropoutProb);
        m.put("hidden_size", hiddenSize);
        m.put("initializer_range", initializerRange);
        m.put("intermediate_size", intermediateSize);
        m.put("layer_norm_eps", layerNormEps);
        m.put("max_position_embeddings", maxPositionEmbeddings);
        m.put("model_type", modelType.modelType());
        m.put("num_attention_heads", numAttentionHeads);
        m.put("num_hidden_layers", numHiddenLayers);
        m.put("pad_token_id", padTokenIdNull ? null : padTokenId);
        m.put("position_embedding_type", "absolute");
        m.put("torch_dtype", "float32");
        m.put("type_vocab_size", typeVocabSize);
        m.put("vocab_size", vocabSize);
        return m;
    }

    /**
     * Returns a builder holding this config's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = builder().setModelType(modelType).setVocabSize(vocabSize).setHiddenSize(hiddenSize)
                .setNumHiddenLayers(numHiddenLayers).setNumAttentionHeads(numAttentionHeads)
                .setIntermediateSize(intermediateSize).optHiddenAct(hiddenAct)
                .optHiddenDropoutProb(hiddenDropoutProb).optAttentionProbsDropoutProb(attentionProbsDropoutProb)
                .optClassifierDropout(classifierDropout).optMaxPositionEmbeddings(maxPositionEmbeddings)
                .optTypeVocabSize(typeVocabSize)
                .optLayerNormEps(layerNormEps).optPadTokenId(padTokenId).optInitializerRange(initializerRange);
        return padTokenIdNull ? b.optPadTokenIdNull() : b;
    }

    /**
     * Returns the model family ({@code model_type}).
     *
     * @return the model family
     */
    public ModelFamily modelType() {
        return modelType;
    }

    /**
     * Returns the number of token ids ({@code vocab_size}).
     *
     * @return the number of token ids
     */
    public int vocabSize() {
        return vocabSize;
    }

    /**
     * Returns the hidden width ({@code hidden_size}).
     *
     * @return the hidden width
     */
    public int hiddenSize() {
        return hiddenSize;
    }

    /**
     * Returns the number of layers ({@code num_hidden_layers}).
     *
     * @return the number of layers
     */
    public int numHiddenLayers() {
        return numHiddenLayers;
    }

    /**
     * Returns the number of attention heads ({@code num_attention_heads}).
     *
     * @return the number of attention heads
     */
    public int numAttentionHeads() {
        return numAttentionHeads;
    }

    /**
     * Returns the width of one head, {@code hiddenSize / numAttentionHeads}.
     *
     * @return the width of one head, {@code hiddenSize / numAttentionHeads}
     */
    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    /**
     * Returns the feed-forward width ({@code intermediate_size}).
     *
     * @return the feed-forward width
     */
    public int intermediateSize() {
        return intermediateSize;
    }

    /**
     * Returns the feed-forward activation ({@code hidden_act}).
     *
     * @return the feed-forward activation
     */
    public HiddenActivation hiddenAct() {
        return hiddenAct;
    }

    /**
     * Returns the dropout on embeddings and sub-layer outputs ({@code hidden_dropout_prob}).
     *
     * @return the dropout on embeddings and sub-layer outputs
     */
    public float hiddenDropoutProb() {
        return hiddenDropoutProb;
    }

    /**
     * Returns the dropout on attention probabilities ({@code attention_probs_dropout_prob}).
     *
     * @return the dropout on attention probabilities
     */
    public float attentionProbsDropoutProb() {
        return attentionProbsDropoutProb;
    }

    /**
     * Returns the dropout of the task heads, as HF's task models set it: {@code classifier_dropout},
     * or {@code hidden_dropout_prob} where that is absent or null. (HF's extractive QA head has no
     * dropout.)
     *
     * @return a probability in [0, 1)
     */
    public float headDropout() {
        return classifierDropout != null ? classifierDropout : hiddenDropoutProb;
    }

    /**
     * Returns the rows of the position table ({@code max_position_embeddings}).
     *
     * @return the rows of the position table
     */
    public int maxPositionEmbeddings() {
        return maxPositionEmbeddings;
    }

    /**
     * Returns the rows of the token type table ({@code type_vocab_size}).
     *
     * @return the rows of the token type table
     */
    public int typeVocabSize() {
        return typeVocabSize;
    }

    /**
     * Returns the LayerNorm epsilon ({@code layer_norm_eps}).
     *
     * @return the LayerNorm epsilon
     */
    public float layerNormEps() {
        return layerNormEps;
    }

    /**
     * Returns the standard deviation new weights are drawn with ({@code initializer_range}): HF's
     * {@code _init_weights} uses it for an encoder drawn at random and for the task heads it adds,
     * and so do prefine's ({@link TransformerEncoder#initializeRandom}, DJL's initialize path, the
     * heads).
     *
     * @return the range, finite and &gt;= 0; {@value #INITIALIZER_RANGE} when the config gives none
     */
    public float initializerRange() {
        return initializerRange;
    }

    /**
     * Returns the padding token id ({@code pad_token_id}); where config.json gives null, the
     * family's ({@link ModelFamily#defaultPadTokenId()}), which only a tokenizer's padding then uses.
     *
     * @return the padding token id
     */
    public int padTokenId() {
        return padTokenId;
    }

    /**
     * Tells whether config.json gives {@code "pad_token_id": null} (absent is the family's id): HF's
     * embeddings then have no {@code padding_idx}, so a new encoder's word table has no row zeroed.
     * Only BERT takes it; RoBERTa and XLM-R count position ids from the padding id.
     *
     * @return true where {@code pad_token_id} is null
     */
    public boolean padTokenIdNull() {
        return padTokenIdNull;
    }

    /**
     * Returns the longest sequence the position table allows: {@code max_position_embeddings} for
     * BERT, {@code max_position_embeddings - pad_token_id - 1} for RoBERTa and XLM-R.
     *
     * @return the maximum sequence length
     */
    public int maxSequenceLength() {
        return modelType.usesPaddingPositions() ? maxPositionEmbeddings - padTokenId - 1 : maxPositionEmbeddings;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof EncoderConfig)) {
            return false;
        }
        EncoderConfig c = (EncoderConfig) o;
        return modelType == c.modelType && vocabSize == c.vocabSize && hiddenSize == c.hiddenSize
                && numHiddenLayers == c.numHiddenLayers && numAttentionHeads == c.numAttentionHeads
                && intermediateSize == c.intermediateSize && hiddenAct == c.hiddenAct
                && Float.compare(hiddenDropoutProb, c.hiddenDropoutProb) == 0
                && Float.compare(attentionProbsDropoutProb, c.attentionProbsDropoutProb) == 0
                && Objects.equals(classifierDropout, c.classifierDropout)
                && maxPositionEmbeddings == c.maxPositionEmbeddings && typeVocabSize == c.typeVocabSize
                && Float.compare(layerNormEps, c.layerNormEps) == 0 && padTokenId == c.padTokenId
                && padTokenIdNull == c.padTokenIdNull
                && Float.compare(initializerRange, c.initializerRange) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(modelType, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                hiddenAct, hiddenDropoutProb, attentionProbsDropoutProb, classifierDropout, maxPositionEmbeddings,
                typeVocabSize, layerNormEps, padTokenId, padTokenIdNull, initializerRange);
    }

    @Override
    public String toString() {
        return modelType.modelType() + "(vocab " + vocabSize + ", hidden " + hiddenSize + ", layers " + numHiddenLayers
                + ", heads " + numAttentionHeads + ", intermediate " + intermediateSize + ", " + hiddenAct.hfName() + ")";
    }

    /** Mutable, single-threaded builder of {@link EncoderConfig}; {@code set*} are required. */
    public static final class Builder {
        private ModelFamily modelType;
        private int vocabSize = UNSET;
        private int hiddenSize = UNSET;
        private int numHiddenLayers = UNSET;
        private int numAttentionHeads = UNSET;
        private int intermediateSize = UNSET;
        private HiddenActivation hiddenAct = HiddenActivation.GELU;
        private float hiddenDropoutProb = 0.1f;
        private float attentionProbsDropoutProb = 0.1f;
        private Float classifierDropout;
        private int maxPositionEmbeddings = 512;
        private int typeVocabSize = 2;
        private float layerNormEps = 1e-12f;
        private Integer padTokenId;
        private boolean padTokenIdNull;
        private float initializerRange = INITIALIZER_RANGE;

        /** Marks a required size that was never set. */
        private static final int UNSET = Integer.MIN_VALUE;

        private Builder() {}

        /**
         * Sets the family (required).
         *
         * @param modelType the family
         * @return this builder
         */
        public Builder setModelType(ModelFamily modelType) {
            this.modelType = Objects.requireNonNull(modelType, "modelType");
            return this;
        }

        /**
         * Sets the vocabulary size (required).
         *
         * @param vocabSize rows of the word embedding table
         * @return this builder
         */
        public Builder setVocabSize(int vocabSize) {
            this.vocabSize = vocabSize;
            return this;
        }

        /**
         * Sets the hidden width (required); must divide by the head count.
         *
         * @param hiddenSize the width
         * @return this builder
         */
        public Builder setHiddenSize(int hiddenSize) {
            this.hiddenSize = hiddenSize;
            return this;
        }

        /**
         * Sets the number of layers (required).
         *
         * @param numHiddenLayers the layer count
         * @return this builder
         */
        public Builder setNumHiddenLayers(int numHiddenLayers) {
            this.numHiddenLayers = numHiddenLayers;
            return this;
        }

        /**
         * Sets the number of attention heads (required).
         *
         * @param numAttentionHeads the head count
         * @return this builder
         */
        public Builder setNumAttentionHeads(int numAttentionHeads) {
            this.numAttentionHeads = numAttentionHeads;
            return this;
        }

        /**
         * Sets the feed-forward width (required).
         *
         * @param intermediateSize the width
         * @return this builder
         */
        public Builder setIntermediateSize(int intermediateSize) {
            this.intermediateSize = intermediateSize;
            return this;
        }

        /**
         * Sets the feed-forward activation; default {@link HiddenActivation#GELU}.
         *
         * @param hiddenAct the activation
         * @return this builder
         */
        public Builder optHiddenAct(HiddenActivation hiddenAct) {
            this.hiddenAct = Objects.requireNonNull(hiddenAct, "hiddenAct");
            return this;
        }

        /**
         * Sets the hidden dropout; default 0.1.
         *
         * @param p a probability in [0, 1)
         * @return this builder
         */
        public Builder optHiddenDropoutProb(float p) {
            this.hiddenDropoutProb = p;
            return this;
        }

        /**
         * Sets the attention-probability dropout; default 0.1.
         *
         * @param p a probability in [0, 1)
         * @return this builder
         */
        public Builder optAttentionProbsDropoutProb(float p) {
            this.attentionProbsDropoutProb = p;
            return this;
        }

        /**
         * Sets the dropout of the task heads ({@code classifier_dropout}); default null, where they
         * take the hidden dropout (see {@link EncoderConfig#headDropout()}).
         *
         * @param p a probability in [0, 1), or null
         * @return this builder
         */
        public Builder optClassifierDropout(Float p) {
            this.classifierDropout = p;
            return this;
        }

        /**
         * Sets the position table size; default 512.
         *
         * @param n rows of the position table
         * @return this builder
         */
        public Builder optMaxPositionEmbeddings(int n) {
            this.maxPositionEmbeddings = n;
            return this;
        }

        /**
         * Sets the token type table size; default 2.
         *
         * @param n rows of the token type table
         * @return this builder
         */
        public Builder optTypeVocabSize(int n) {
            this.typeVocabSize = n;
            return this;
        }

        /**
         * Sets the LayerNorm epsilon; default 1e-12 (BERT's; XLM-R uses 1e-5).
         *
         * @param eps a positive epsilon
         * @return this builder
         */
        public Builder optLayerNormEps(float eps) {
            this.layerNormEps = eps;
            return this;
        }

        /**
         * Sets the padding token id; default the family's ({@link ModelFamily#defaultPadTokenId()}).
         *
         * @param id the id, in [0, vocabSize)
         * @return this builder
         */
        public Builder optPadTokenId(int id) {
            this.padTokenId = id;
            this.padTokenIdNull = false;
            return this;
        }

        /**
         * Sets {@code pad_token_id} to null, as config.json may: no padding row, which a new
         * encoder's word table then keeps drawn as HF's does ({@link EncoderConfig#padTokenIdNull()}).
         * Only BERT takes it; {@link #build()} refuses it for RoBERTa and XLM-R.
         *
         * @return this builder
         */
        public Builder optPadTokenIdNull() {
            this.padTokenId = null;
            this.padTokenIdNull = true;
            return this;
        }

        /**
         * Sets the standard deviation of new weights ({@code initializer_range}); default
         * {@value EncoderConfig#INITIALIZER_RANGE}.
         *
         * @param range finite and &gt;= 0
         * @return this builder
         */
        public Builder optInitializerRange(float range) {
            this.initializerRange = range;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the config
         * @throws IllegalArgumentException if a required field is missing or a constraint fails
         */
        public EncoderConfig build() {
            if (modelType == null) {
                throw new IllegalArgumentException("modelType is required");
            }
            positive("vocabSize", vocabSize);
            positive("hiddenSize", hiddenSize);
            positive("numHiddenLayers", numHiddenLayers);
            positive("numAttentionHeads", numAttentionHeads);
            positive("intermediateSize", intermediateSize);
            positive("maxPositionEmbeddings", maxPositionEmbeddings);
            positive("typeVocabSize", typeVocabSize);
            if (hiddenSize % numAttentionHeads != 0) {
                throw new IllegalArgumentException(
                        "hiddenSize " + hiddenSize + " is not divisible by numAttentionHeads " + numAttentionHeads);
            }
            probability("hiddenDropoutProb", hiddenDropoutProb);
            probability("attentionProbsDropoutProb", attentionProbsDropoutProb);
            if (classifierDropout != null) {
                probability("classifierDropout", classifierDropout);
            }
            if (!(layerNormEps > 0) || Float.isInfinite(layerNormEps)) {
                throw new IllegalArgumentException("layerNormEps must be positive and finite, found " + layerNormEps);
            }
            if (!(initializerRange >= 0) || Float.isInfinite(initializerRange)) {
                throw new IllegalArgumentException(
                        "initializerRange must be finite and >= 0, found " + initializerRange);
            }
            if (padTokenIdNull && modelType.usesPaddingPositions()) {
                // HF's RobertaEmbeddings counts positions from its padding_idx, and fails on None at the first forward
                throw new IllegalArgumentException("pad_token_id: expected the padding token id, found null; "
                        + modelType.modelType() + " counts its position ids from pad_token_id + 1, so config.json must"
                        + " give it (the tokenizer's padding id, " + modelType.defaultPadTokenId() + " for "
                        + modelType.modelType() + "'s own)");
            }
            int pad = padTokenId != null ? padTokenId : modelType.defaultPadTokenId();
            if (pad < 0 || pad >= vocabSize) {
                throw new IllegalArgumentException("padTokenId must lie in [0, vocabSize " + vocabSize + "), found " + pad);
            }
            if (modelType.usesPaddingPositions() && maxPositionEmbeddings <= pad + 1) {
                throw new IllegalArgumentException(
                        "maxPositionEmbeddings " + maxPositionEmbeddings + " leaves no positions after padTokenId + 1 = "
                                + (pad + 1) + " (" + modelType.modelType() + " counts positions from there)");
            }
            return new EncoderConfig(this);
        }

        private static void positive(String name, int v) {
            if (v == UNSET) {
                throw new IllegalArgumentException(name + " is required");
            }
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be positive, found " + v);
            }
        }

        private static void probability(String name, float p) {
            if (!(p >= 0f && p < 1f)) {
                throw new IllegalArgumentException(name + " must lie in [0, 1), found " + p);
            }
        }
    }
}
