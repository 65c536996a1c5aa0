package io.github.prefine.core.predict;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tokenizer_config.json} and {@code special_tokens_map.json} of a Hugging Face task-model
 * folder: what {@code AutoTokenizer.from_pretrained} reads beside {@code tokenizer.json}, and
 * without which HF falls back on its class defaults (no length limit, BERT lower-casing).
 *
 * <p>Written from the encoder config and the {@code tokenizer.json} copied beside it, nothing
 * guessed: {@code model_max_length} is the positions the encoder takes ({@link
 * EncoderConfig#maxSequenceLength()}: BERT's {@code max_position_embeddings}, RoBERTa's and XLM-R's
 * less the padding offset); {@code cls_token} and {@code sep_token} are the tokens the
 * post-processor puts around a text, and for RoBERTa and XLM-R also {@code bos_token} and {@code
 * eos_token}, as HF's classes make {@code <s>} both and {@code </s>} both; {@code pad_token} the
 * token of the padding id; {@code unk_token} the model's ({@code unk_token}, or the Unigram vocabulary's
 * {@code unk_id}), else the family's name for it when {@code added_tokens} lists it; {@code
 * mask_token} the family's name ({@code [MASK]}, {@code <mask>}), which {@code added_tokens} must
 * list. BERT's {@code do_lower_case}, {@code strip_accents} and {@code tokenize_chinese_chars}
 * repeat the {@code BertNormalizer}'s flags (HF's BERT tokenizer rebuilds the normalizer when they
 * differ, and lower-cases by default); RoBERTa's {@code add_prefix_space} and {@code trim_offsets}
 * repeat its pre- and post-processor's, for the same reason. {@code clean_up_tokenization_spaces}
 * is true where the decoder is WordPiece's with its clean-up, the same rule, and false for
 * decoders that give back the text's own spaces.
 *
 * <p>Read back, {@code model_max_length} gives the lengths ({@link #modelMaxLength}), and {@code
 * tokenizer_class} with the flags above the settings HF's tokenizer class rebuilds {@code
 * tokenizer.json}'s components with ({@link #rebuildSettings}, applied by {@link
 * HfTokenizerAlignment}).
 *
 * <p>Stateless; each method reads or writes its own files.
 */
final class HfTokenizerConfig {
    private static final Logger LOG = LoggerFactory.getLogger(HfTokenizerConfig.class);

    /** The file HF's tokenizers read their settings from. */
    static final String FILE = "tokenizer_config.json";
    /** The special tokens alone, which older HF versions read. */
    static final String SPECIAL_TOKENS_FILE = "special_tokens_map.json";

    /** HF's {@code VERY_LARGE_INTEGER}, {@code int(1e30)}: {@code model_max_length} when a tokenizer has none. */
    static final BigInteger UNSET = new BigInteger("1000000000000000019884624838656");

    /**
     * The {@code tokenizer_config.json} flags that HF's BERT, RoBERTa and XLM-R tokenizer classes
     * rebuild {@code tokenizer.json}'s components with.
     */
    static final List<String> REBUILD_FLAGS = List.of("do_lower_case", "strip_accents", "tokenize_chinese_chars",
            "add_prefix_space", "trim_offsets");

    /** JSON's integer syntax, which Python's {@code json} reads as an {@code int}. */
    private static final Pattern INTEGER_LITERAL = Pattern.compile("-?(0|[1-9][0-9]*)");

    /** Writes JSON with its keys as given, nulls kept and no HTML escapes. */
    static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
            .create();

    private HfTokenizerConfig() {}

    /**
     * The two files' contents, keys sorted as HF writes them.
     *
     * @param tokenizerConfig {@code tokenizer_config.json}
     * @param specialTokens {@code special_tokens_map.json}
     */
    record Contents(Map<String, Object> tokenizerConfig, Map<String, Object> specialTokens) {}

    /**
     * Works out both files for a tokenizer and an encoder, before anything is written.
     *
     * @param config the encoder's config
     * @param tokenizerJson the {@code tokenizer.json} the folder carries
     * @param padId the id the tokenizer pads with
     * @return the contents
     * @throws IOException naming {@code tokenizer.json} and the token if a special token the family
     *     needs is not in it, or the file is not a tokenizer
     */
    static Contents of(EncoderConfig config, Path tokenizerJson, int padId) throws IOException {
        ModelFamily family = config.modelType();
        boolean bert = family == ModelFamily.BERT;
        JsonObject root = object(tokenizerJson);
        Map<String, Integer> added = addedTokens(tokenizerJson, root);
        String[] clsSep = clsAndSep(tokenizerJson, root.get("post_processor"), added);
        Map<String, Object> special = new TreeMap<>();
        if (!bert) {
            special.put("bos_token", clsSep[0]);
            special.put("eos_token", clsSep[1]);
        }
        special.put("cls_token", clsSep[0]);
        special.put("sep_token", clsSep[1]);
        special.put("pad_token", padToken(tokenizerJson, added, padId));
        special.put("unk_token", unkToken(tokenizerJson, root.get("model"), added, bert ? "[UNK]" : "<unk>"));
        String mask = bert ? "[MASK]" : "<mask>";
        if (!added.containsKey(mask)) {
            throw new IOException(tokenizerJson + ": added_tokens lacks the mask token " + mask + ", which "
                    + tokenizerClass(family) + " names in " + FILE + "; expected it among the special tokens");
        }
        special.put("mask_token", mask);

        Map<String, Object> settings = new TreeMap<>(special);
        settings.put("tokenizer_class", tokenizerClass(family));
        settings.put("model_max_length", config.maxSequenceLength());
        settings.put("clean_up_tokenization_spaces", cleansUpSpaces(root.get("decoder")));
        if (bert) {
            normalizerFlags(root.get("normalizer"), settings);
        } else if (family == ModelFamily.ROBERTA) {
            byteLevelFlags(root, settings);
        }
        return new Contents(settings, special);
    }

    /**
     * HF's tokenizer class for a family: {@code BertTokenizer}, {@code RobertaTokenizer}, {@code
     * XLMRobertaTokenizer}.
     */
    static String tokenizerClass(ModelFamily family) {
        return HfTaskFolder.familyName(family) + "Tokenizer";
    }

    /**
     * Writes both files into a folder, each atomically.
     *
     * @param contents what {@link #of} worked out
     * @param dir the folder
     * @throws IOException if writing fails
     */
    static void write(Contents contents, Path dir) throws IOException {
        AtomicFiles.write(dir.resolve(FILE), GSON.toJson(contents.tokenizerConfig()) + "\n");
        AtomicFiles.write(dir.resolve(SPECIAL_TOKENS_FILE), GSON.toJson(contents.specialTokens()) + "\n");
    }

    /**
     * Reads the length limit a folder's {@code tokenizer_config.json} declares.
     *
     * @param dir the folder
     * @param cap the positions the encoder takes
     * @return the declared {@code model_max_length}, or empty when the file or the field is absent,
     *     null, HF's unset value, or above {@code cap} (each but the first logged)
     * @throws IOException naming the file if it cannot be read, is not a JSON object, or its {@code
     *     model_max_length} is not a positive whole number
     */
    static OptionalInt modelMaxLength(Path dir, int cap) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return OptionalInt.empty();
        }
        JsonElement e = object(file).get("model_max_length");
        if (e == null || e.isJsonNull()) {
            LOG.info("{}: no model_max_length; new text is read with the default lengths", file);
            return OptionalInt.empty();
        }
        String expected = "; expected a positive whole number of tokens (or null, or HF's unset value " + UNSET + ")";
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()
                || !INTEGER_LITERAL.matcher(e.getAsString()).matches()) {
            throw new IOException(file + ": model_max_length is " + JsonShapes.describe(e) + expected);
        }
        BigInteger n = new BigInteger(e.getAsString());
        if (n.signum() <= 0) {
            throw new IOException(file + ": model_max_length is " + n + expected);
        }
        if (n.compareTo(BigInteger.valueOf(cap)) > 0) {
            if (n.equals(UNSET)) {
                LOG.info("{}: model_max_length is HF's unset value; new text is read with the default lengths", file);
            } else {
                LOG.warn("{}: model_max_length {} is more than the {} positions the encoder takes; the default"
                        + " lengths, capped by the positions, are used", file, n, cap);
            }
            return OptionalInt.empty();
        }
        return OptionalInt.of(n.intValueExact());
    }

    /**
     * Reads what a folder's {@code tokenizer_config.json} states of the settings HF's tokenizer
     * class rebuilds {@code tokenizer.json}'s components with: {@code tokenizer_class} and the
     * flags of {@link #REBUILD_FLAGS}, each checked.
     *
     * @param dir the folder
     * @return the keys of those the file has, with their values ({@code strip_accents} may be JSON
     *     null), or null when the folder has no such file
     * @throws IOException naming the file if it cannot be read or is not a JSON object, a flag is
     *     not a boolean ({@code strip_accents}: nor null), or {@code tokenizer_class} is not a string
     */
    static JsonObject rebuildSettings(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        JsonObject config = object(file);
        JsonObject out = new JsonObject();
        JsonElement cls = config.get("tokenizer_class");
        if (cls != null && !cls.isJsonNull()) {
            out.addProperty("tokenizer_class", JsonShapes.string(cls, "tokenizer_class", mismatch(file)));
        }
        for (String name : REBUILD_FLAGS) {
            JsonElement e = config.get(name);
            if (e == null) {
                continue;
            }
            boolean nullable = name.equals("strip_accents");
            if (e.isJsonNull() && nullable) {
                out.add(name, e);
            } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
                out.add(name, e);
            } else {
                throw new IOException(file + ": " + name + " is " + JsonShapes.describe(e) + "; expected true or false"
                        + (nullable ? ", or null (accents stripped where do_lower_case lower-cases)" : ""));
            }
        }
        return out;
    }

    /** A file's top-level JSON object. */
    static JsonObject object(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException(file + ": cannot be read (" + e + "); expected a JSON object", e);
        }
        JsonElement e;
        try {
            e = JsonParser.parseString(text);
        } catch (RuntimeException ex) {
            throw new IOException(file + ": not JSON: " + ex.getMessage() + "; expected a JSON object", ex);
        }
        if (!e.isJsonObject()) {
            throw new IOException(file + ": expected a JSON object, found " + JsonShapes.describe(e));
        }
        return e.getAsJsonObject();
    }

    /** {@code added_tokens}: content to id, in file order. */
    private static Map<String, Integer> addedTokens(Path file, JsonObject root) throws IOException {
        Map<String, Integer> out = new LinkedHashMap<>();
        JsonElement list = root.get("added_tokens");
        if (list == null || list.isJsonNull()) {
            return out;
        }
        JsonArray a = JsonShapes.array(list, "added_tokens", mismatch(file));
        for (int i = 0; i < a.size(); i++) {
            JsonObject t = JsonShapes.object(a.get(i), "added_tokens[" + i + "]", mismatch(file));
            out.put(JsonShapes.string(t.get("content"), "added_tokens[" + i + "].content", mismatch(file)),
                    JsonShapes.wholeInt(t.get("id"), "added_tokens[" + i + "].id", mismatch(file)));
        }
        return out;
    }

    private static JsonShapes.Mismatch<IOException> mismatch(Path file) {
        return (at, expected, found) -> new IOException(file + ": " + at + ": expected " + expected + ", found " + found);
    }

    /**
     * The tokens the post-processor puts before and after a single text: {@code cls} and {@code sep}
     * of {@code BertProcessing}/{@code RobertaProcessing}, or the special tokens around {@code $A}
     * in {@code TemplateProcessing}'s {@code single}; a {@code Sequence} is searched in order.
     */
    private static String[] clsAndSep(Path file, JsonElement post, Map<String, Integer> added) throws IOException {
        String[] found = clsAndSep(file, post);
        if (found == null) {
            throw new IOException(file + ": post_processor is " + JsonShapes.describe(post) + "; expected a"
                    + " TemplateProcessing, BertProcessing or RobertaProcessing that puts one special token before"
                    + " a text and one after, which " + FILE + " names as cls_token and sep_token");
        }
        for (String t : found) {
            if (!added.containsKey(t)) {
                throw new IOException(file + ": the post-processor's special token " + t + " is not in added_tokens;"
                        + " expected every special token there");
            }
        }
        return found;
    }

    private static String[] clsAndSep(Path file, JsonElement post) throws IOException {
        if (post == null || !post.isJsonObject()) {
            return null;
        }
        JsonObject o = post.getAsJsonObject();
        switch (type(o)) {
            case "BertProcessing", "RobertaProcessing" -> {
                return new String[] {
                    JsonShapes.string(JsonShapes.array(o.get("cls"), "post_processor.cls", mismatch(file)).get(0),
                            "post_processor.cls[0]", mismatch(file)),
                    JsonShapes.string(JsonShapes.array(o.get("sep"), "post_processor.sep", mismatch(file)).get(0),
                            "post_processor.sep[0]", mismatch(file))};
            }
            case "TemplateProcessing" -> {
                return template(file, o);
            }
            case "Sequence" -> {
                JsonElement members = o.get("processors");
                if (members != null && members.isJsonArray()) {
                    for (JsonElement m : members.getAsJsonArray()) {
                        String[] found = clsAndSep(file, m);
                        if (found != null) {
                            return found;
                        }
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** {@code single} of a template as {@code S1 $A S2}, each special piece one token. */
    private static String[] template(Path file, JsonObject o) throws IOException {
        JsonElement single = o.get("single");
        if (single == null || !single.isJsonArray() || single.getAsJsonArray().size() != 3) {
            return null;
        }
        JsonArray s = single.getAsJsonArray();
        JsonElement seq = s.get(1).isJsonObject() ? s.get(1).getAsJsonObject().get("Sequence") : null;
        if (seq == null) {
            return null;
        }
        String[] out = new String[2];
        for (int k = 0; k < 2; k++) {
            JsonElement piece = s.get(2 * k).isJsonObject() ? s.get(2 * k).getAsJsonObject().get("SpecialToken") : null;
            if (piece == null || !piece.isJsonObject()) {
                return null;
            }
            String key = JsonShapes.string(piece.getAsJsonObject().get("id"), "post_processor.single[" + 2 * k
                    + "].SpecialToken.id", mismatch(file));
            JsonObject specials = JsonShapes.object(o.get("special_tokens"), "post_processor.special_tokens",
                    mismatch(file));
            JsonObject entry = JsonShapes.object(specials.get(key), "post_processor.special_tokens." + key,
                    mismatch(file));
            JsonArray tokens = JsonShapes.array(entry.get("tokens"), "post_processor.special_tokens." + key + ".tokens",
                    mismatch(file));
            if (tokens.size() != 1) {
                return null;
            }
            out[k] = JsonShapes.string(tokens.get(0), "post_processor.special_tokens." + key + ".tokens[0]",
                    mismatch(file));
        }
        return out;
    }

    private static String padToken(Path file, Map<String, Integer> added, int padId) throws IOException {
        for (Map.Entry<String, Integer> t : added.entrySet()) {
            if (t.getValue() == padId) {
                return t.getKey();
            }
        }
        throw new IOException(file + ": added_tokens has no token of the padding id " + padId + ", which " + FILE
                + " names as pad_token; expected the padding token among the special tokens");
    }

    /**
     * The model's unknown token: WordPiece's, BPE's or WordLevel's {@code unk_token}, or the
     * Unigram vocabulary's entry at {@code unk_id}; where the model names none (byte-level BPE,
     * which never needs one), the family's name if {@code added_tokens} lists it.
     */
    private static String unkToken(Path file, JsonElement model, Map<String, Integer> added, String familyUnk)
            throws IOException {
        String unk = null;
        if (model != null && model.isJsonObject()) {
            JsonObject m = model.getAsJsonObject();
            JsonElement named = m.get("unk_token");
            JsonElement id = m.get("unk_id");
            if (named != null && !named.isJsonNull()) {
                unk = JsonShapes.string(named, "model.unk_token", mismatch(file));
            } else if (id != null && !id.isJsonNull()) {
                int i = JsonShapes.wholeInt(id, "model.unk_id", mismatch(file));
                JsonArray vocab = JsonShapes.array(m.get("vocab"), "model.vocab", mismatch(file));
                if (i < 0 || i >= vocab.size()) {
                    throw new IOException(file + ": model.unk_id " + i + " is outside the vocabulary of " + vocab.size());
                }
                JsonArray entry = JsonShapes.array(vocab.get(i), "model.vocab[" + i + "]", mismatch(file));
                unk = JsonShapes.string(entry.get(0), "model.vocab[" + i + "][0]", mismatch(file));
            }
        }
        String token = unk != null ? unk : familyUnk;
        if (!added.containsKey(token)) {
            throw new IOException(file + ": added_tokens lacks the unknown token " + token + (unk != null
                    ? ", which the model names" : ", which the model names none of and HF's class defaults to")
                    + "; expected it among the special tokens");
        }
        return token;
    }

    /** True for WordPiece's decoder with its clean-up, the rule HF's {@code clean_up_tokenization_spaces} applies. */
    private static boolean cleansUpSpaces(JsonElement decoder) {
        if (decoder == null || !decoder.isJsonObject()) {
            return false;
        }
        JsonObject d = decoder.getAsJsonObject();
        String type = type(d);
        if (type.equals("Sequence") && d.get("decoders") != null && d.get("decoders").isJsonArray()) {
            for (JsonElement member : d.getAsJsonArray("decoders")) {
                if (cleansUpSpaces(member)) {
                    return true;
                }
            }
            return false;
        }
        return type.equals("WordPiece") && flag(d, "cleanup", true);
    }

    /**
     * BERT's normalizer flags under HF's names. A {@code BertNormalizer} gives all three; otherwise
     * {@code do_lower_case} says whether a {@code Lowercase} normalizer runs, and the other two are
     * left out (HF's BERT tokenizer compares only flags the normalizer has).
     */
    private static void normalizerFlags(JsonElement normalizer, Map<String, Object> out) {
        JsonObject bertNormalizer = find(normalizer, "BertNormalizer");
        if (bertNormalizer != null) {
            out.put("do_lower_case", flag(bertNormalizer, "lowercase", true));
            JsonElement strip = bertNormalizer.get("strip_accents");
            out.put("strip_accents", strip == null || strip.isJsonNull() ? null : strip.getAsBoolean());
            out.put("tokenize_chinese_chars", flag(bertNormalizer, "handle_chinese_chars", true));
        } else {
            out.put("do_lower_case", find(normalizer, "Lowercase") != null);
        }
    }

    /** RoBERTa's flags, from its {@code ByteLevel} pre-tokenizer and {@code RobertaProcessing}. */
    private static void byteLevelFlags(JsonObject root, Map<String, Object> out) {
        JsonObject pre = find(root.get("pre_tokenizer"), "ByteLevel");
        if (pre != null && pre.has("add_prefix_space")) {
            out.put("add_prefix_space", flag(pre, "add_prefix_space", false));
        }
        JsonObject post = find(root.get("post_processor"), "RobertaProcessing");
        if (post != null && post.has("trim_offsets")) {
            out.put("trim_offsets", flag(post, "trim_offsets", true));
        }
    }

    /** The first component of a type in a normalizer, pre-tokenizer or processor tree, or null. */
    static JsonObject find(JsonElement e, String type) {
        if (e == null || !e.isJsonObject()) {
            return null;
        }
        JsonObject o = e.getAsJsonObject();
        if (type(o).equals(type)) {
            return o;
        }
        for (String members : new String[] {"normalizers", "pretokenizers", "processors"}) {
            if (o.get(members) != null && o.get(members).isJsonArray()) {
                for (JsonElement m : o.getAsJsonArray(members)) {
                    JsonObject found = find(m, type);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        return null;
    }

    /** A tokenizer component's {@code type}, or "" where it is no object or has no such string. */
    static String type(JsonElement component) {
        JsonElement t = component != null && component.isJsonObject() ? component.getAsJsonObject().get("type") : null;
        return t != null && t.isJsonPrimitive() ? t.getAsString() : "";
    }

    /** A component's boolean setting, or {@code absent} where it has none. */
    static boolean flag(JsonObject o, String name, boolean absent) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? absent : e.getAsBoolean();
    }
}
