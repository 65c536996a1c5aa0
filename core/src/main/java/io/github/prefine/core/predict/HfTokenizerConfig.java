package io.github.prefine.core.predict;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.core.tokenize.internal.TokenizerText;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code tokenizer_config.json} and {@code special_tokens_map.json} of a Hugging Face task-model
 * folder: what {@code AutoTokenizer.from_pretrained} reads beside {@code tokenizer.json}, and
 * without which HF falls back on its class defaults (no length limit, BERT lower-casing).
 *
 * <p>Written from the encoder config, the task's feature length and the {@code tokenizer.json}
 * copied beside it, nothing guessed: {@code model_max_length} is the task's feature length (a QA
 * task's window, another task's {@code maxLength}), which HF's tokenizer cuts at under {@code
 * truncation=True} without a {@code max_length} and which prefine reads an HF folder with, so both
 * read the folder as the task was trained (it is at most the encoder's positions, {@link
 * EncoderConfig#maxSequenceLength()}, which a saved model's lengths are checked against; a task
 * read from an HF folder has the length it declared, so a re-export writes back the limit it
 * loaded, as HF's {@code save_pretrained} does, except a QA task, whose window is at most 384); {@code cls_token} and {@code sep_token} are the tokens the
 * post-processor puts around a text, and for RoBERTa and XLM-R also {@code bos_token} and {@code
 * eos_token}, as HF's classes make {@code <s>} both and {@code </s>} both; {@code pad_token} the
 * token of the padding id; {@code unk_token} the model's ({@code unk_token}, or the Unigram vocabulary's
 * {@code unk_id}), else the family's name for it when {@code added_tokens} lists it; {@code
 * mask_token} the one the tokenizer's folder names ({@link HfTokenizerDeclaration#maskToken()}),
 * else the family's name ({@code [MASK]}, {@code <mask>}), which {@code added_tokens} must list.
 * {@code added_tokens_decoder} repeats {@code added_tokens} as HF Transformers 4 (from 4.34) writes
 * it: the id the tokenizers library gives the token (not the file's, which it ignores) as a string,
 * in id order, to the token's {@code content} and, of its last listing as the library keeps them,
 * {@code lstrip}, {@code
 * normalized}, {@code rstrip} and {@code single_word}, and {@code special} where any listing is, as
 * the library never unmarks a special token (HF 5 leaves it out beside a
 * {@code tokenizer.json}; it serves HF 4 and tools that read the config alone). BERT's {@code
 * do_lower_case}, {@code strip_accents} and {@code tokenize_chinese_chars} repeat the {@code
 * BertNormalizer}'s flags (HF's BERT tokenizer rebuilds the normalizer when they
 * differ, and lower-cases by default); RoBERTa's {@code add_prefix_space} and {@code trim_offsets}
 * repeat its pre- and post-processor's, for the same reason, and XLM-R's {@code add_prefix_space}
 * its {@code Metaspace}'s {@code prepend_scheme} ({@code always} true, {@code never} false: HF 5's
 * class builds the scheme from the flag, true by default). {@code clean_up_tokenization_spaces}
 * is true where the decoder is WordPiece's with its clean-up, the same rule, and false for
 * decoders that give back the text's own spaces.
 *
 * <p>Read back, a folder's declarations are {@link HfTokenizerDeclaration}'s: the length limit, and
 * {@code tokenizer_class} with the flags above, the settings HF's tokenizer class rebuilds {@code
 * tokenizer.json}'s components with (applied by {@link HfTokenizerAlignment}).
 *
 * <p>Stateless; each method reads or writes its own files.
 */
final class HfTokenizerConfig {
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

    /** The AddedToken flags HF writes beside {@code content}, as {@code AddedToken.__getstate__} gives them. */
    private static final List<String> ADDED_TOKEN_FLAGS = List.of("lstrip", "normalized", "rstrip", "single_word",
            "special");

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
     * The tokenizer an export copies.
     *
     * @param file the {@code tokenizer.json} file, which errors name, copied where {@code rebuilt}
     *     is null
     * @param rebuilt the text to copy in its place, rebuilt from it as HF rebuilds it ({@link
     *     HfTokenizerAlignment}), which is what the tokenizer was loaded from; or null
     * @param declared what the folder it came from declares, for its mask token (the limit an export
     *     writes is the task's length)
     */
    record Source(Path file, String rebuilt, HfTokenizerDeclaration declared) {
        /**
         * A tokenizer file as it is, with what its own folder declares.
         *
         * @param tokenizerJson the file
         * @return the source
         * @throws IOException naming the folder's {@code tokenizer_config.json} if that cannot be
         *     read or is not a JSON object
         */
        static Source of(Path tokenizerJson) throws IOException {
            Path file = tokenizerJson.toAbsolutePath();
            return new Source(file, null, HfTokenizerDeclaration.read(file.getParent()));
        }

        /**
         * What a tokenizer was loaded from (its file, or the text rebuilt from it), with what the
         * file's folder declares.
         *
         * @param tokenizer the tokenizer
         * @return the source
         * @throws IOException as {@link #of(Path)}
         */
        static Source of(SubwordTokenizer tokenizer) throws IOException {
            Path file = tokenizer.path().toAbsolutePath();
            return new Source(file, tokenizer.rebuiltJson().orElse(null), HfTokenizerDeclaration.read(file.getParent()));
        }

        /** The text an export copies, parsed; errors name the file. */
        JsonObject object() throws IOException {
            return rebuilt == null ? JsonFiles.object(file) : JsonFiles.object(rebuilt, file, true);
        }

        /** Omits the rebuilt text, which may run to megabytes. */
        @Override
        public String toString() {
            return "Source[" + file + (rebuilt == null ? "" : ", rebuilt") + "]";
        }
    }

    /**
     * Works out both files for a tokenizer and an encoder, before anything is written.
     *
     * @param config the encoder's config
     * @param source the {@code tokenizer.json} the folder carries, with what its folder declares
     * @param padId the id the tokenizer pads with
     * @param maxLength the task's feature length, written as {@code model_max_length}
     * @return the contents
     * @throws IOException naming {@code tokenizer.json} ({@link Source#file()}) and the token
     *     if a special token the family needs, or the mask token the source folder names, is not
     *     among its {@code added_tokens}, or the file is not a tokenizer; or naming the source
     *     folder's file if its {@code mask_token} is malformed
     */
    static Contents of(EncoderConfig config, Source source, int padId, int maxLength) throws IOException {
        ModelFamily family = config.modelType();
        boolean bert = family == ModelFamily.BERT;
        Path shown = source.file();
        JsonObject root = source.object();
        AddedTokens added = addedTokens(shown, root);
        String[] clsSep = clsAndSep(shown, root.get("post_processor"), added.ids());
        Map<String, Object> special = new TreeMap<>();
        if (!bert) {
            special.put("bos_token", clsSep[0]);
            special.put("eos_token", clsSep[1]);
        }
        special.put("cls_token", clsSep[0]);
        special.put("sep_token", clsSep[1]);
        special.put("pad_token", padToken(shown, added.ids(), padId));
        special.put("unk_token", unkToken(shown, root.get("model"), added.ids(), bert ? "[UNK]" : "<unk>"));
        special.put("mask_token", maskToken(shown, source.declared(), added.ids(), family));

        Map<String, Object> settings = new TreeMap<>(special);
        settings.put("tokenizer_class", tokenizerClass(family));
        settings.put("model_max_length", maxLength);
        settings.put("clean_up_tokenization_spaces", cleansUpSpaces(root.get("decoder")));
        settings.put("added_tokens_decoder", added.decoder());
        if (bert) {
            normalizerFlags(root.get("normalizer"), settings);
        } else if (family == ModelFamily.ROBERTA) {
            byteLevelFlags(root, settings);
        } else if (family == ModelFamily.XLM_ROBERTA) {
            metaspaceFlag(root, settings);
        }
        return new Contents(settings, special);
    }

    /**
     * The mask token: the one the source folder names ({@link HfTokenizerDeclaration#maskToken()}),
     * else the family's ({@code [MASK]}, {@code <mask>}); either must be one of {@code added_tokens},
     * the tokens HF never splits.
     */
    private static String maskToken(Path file, HfTokenizerDeclaration declared, Map<String, Integer> added,
            ModelFamily family) throws IOException {
        return named(file, declared.maskToken(), added, family, "mask", family == ModelFamily.BERT ? "[MASK]" : "<mask>");
    }

    /**
     * The id HF's tokenizer pads with where {@code config.json}'s {@code pad_token_id} is null
     * ({@link EncoderConfig#padTokenIdNull()}): that of the padding token the folder names ({@link
     * HfTokenizerDeclaration#padToken()}), else of the family's ({@code [PAD]}, {@code <pad>}), as
     * HF's tokenizer class defaults to it; either must be one of {@code added_tokens}, as the pad
     * token a written folder names must be.
     *
     * @param file the {@code tokenizer.json}, for messages
     * @param root its parsed text
     * @param declared what its folder declares
     * @param family the encoder's family
     * @return the padding token's id
     * @throws IOException naming the file and the token if {@code added_tokens} lacks it, or naming
     *     the folder's file if its {@code pad_token} is malformed
     */
    static int declaredPadId(Path file, JsonObject root, HfTokenizerDeclaration declared, ModelFamily family)
            throws IOException {
        Map<String, Integer> added = addedTokens(file, root).ids();
        return added.get(named(file, declared.padToken(), added, family, "padding",
                family == ModelFamily.BERT ? "[PAD]" : "<pad>"));
    }

    /**
     * A special token: the one the source folder names, else the family's; either must be one of
     * {@code added_tokens}, the tokens HF never splits.
     */
    private static String named(Path file, HfTokenizerDeclaration.Named named, Map<String, Integer> added,
            ModelFamily family, String role, String familyToken) throws IOException {
        String token = named != null ? named.token() : familyToken;
        if (!added.containsKey(token)) {
            String key = role.equals("padding") ? "pad_token" : role + "_token";
            throw new IOException(file + ": added_tokens lacks the " + role + " token " + token + ", which "
                    + (named != null ? named.file() + " names as " + key : tokenizerClass(family) + " names in " + FILE
                    + " where the tokenizer's folder names none") + "; expected it among the special tokens");
        }
        return token;
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
     * {@code added_tokens}, read once.
     *
     * @param ids content to the id the library gives it, in file order
     * @param decoder HF's {@code added_tokens_decoder}: each id as a string, in id order, to the
     *     token's {@code content} and its last listing's flags {@code lstrip}, {@code normalized},
     *     {@code rstrip} and {@code single_word}, and {@code special} where any listing is
     */
    private record AddedTokens(Map<String, Integer> ids, Map<String, Object> decoder) {}

    private static AddedTokens addedTokens(Path file, JsonObject root) throws IOException {
        Map<String, Integer> ids = new LinkedHashMap<>();
        TreeMap<Integer, Map<String, Object>> byId = new TreeMap<>();
        JsonElement list = root.get("added_tokens");
        if (list != null && !list.isJsonNull()) {
            JsonArray a = JsonShapes.array(list, "added_tokens", mismatch(file));
            Map<String, Long> numbered = TokenizerText.addedTokenIds(root);
            for (int i = 0; i < a.size(); i++) {
                String at = "added_tokens[" + i + "]";
                JsonObject t = JsonShapes.object(a.get(i), at, mismatch(file));
                String content = JsonShapes.string(t.get("content"), at + ".content", mismatch(file));
                JsonShapes.wholeInt(t.get("id"), at + ".id", mismatch(file));
                if (!numbered.containsKey(content)) {
                    continue; // empty, which the library does not add
                }
                // the id the library gives the token, as HF's tokenizer reports it; the file's it ignores
                int id = Math.toIntExact(numbered.get(content));
                Map<String, Object> token = new TreeMap<>();
                token.put("content", content);
                for (String flag : ADDED_TOKEN_FLAGS) {
                    token.put(flag, addedTokenFlag(file, t, at, flag));
                }
                if (ids.containsKey(content)) {
                    // listed before: the library keeps the first id and takes this listing's flags, but
                    // never unmarks a special token (its set of them only grows)
                    token.put("special", (Boolean) byId.get(id).get("special") || (Boolean) token.get("special"));
                    byId.put(id, token);
                    continue;
                }
                if (byId.put(id, token) != null) {
                    throw new IOException(file + ": " + at + " has the id " + id + " of an earlier added token;"
                            + " expected one token per id");
                }
                ids.put(content, id);
            }
        }
        Map<String, Object> decoder = new LinkedHashMap<>();
        byId.forEach((id, token) -> decoder.put(Integer.toString(id), token));
        return new AddedTokens(ids, decoder);
    }

    /**
     * An added token's flag; where the file leaves it out, the Rust {@code AddedToken}'s default:
     * false, but {@code normalized} true for a token that is not special.
     */
    private static boolean addedTokenFlag(Path file, JsonObject token, String at, String flag) throws IOException {
        JsonElement e = token.get(flag);
        if (e == null || e.isJsonNull()) {
            return flag.equals("normalized") && !addedTokenFlag(file, token, at, "special");
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new IOException(file + ": " + at + "." + flag + " is " + JsonShapes.describe(e)
                    + "; expected true or false");
        }
        return e.getAsBoolean();
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

    /**
     * RoBERTa's flags, from its {@code ByteLevel} pre-tokenizer (else its {@code RobertaProcessing},
     * which takes the same {@code add_prefix_space}) and {@code RobertaProcessing}: HF's class
     * applies its defaults to the flags a config leaves out.
     */
    private static void byteLevelFlags(JsonObject root, Map<String, Object> out) {
        JsonObject pre = find(root.get("pre_tokenizer"), "ByteLevel");
        JsonObject post = find(root.get("post_processor"), "RobertaProcessing");
        if (pre != null && pre.has("add_prefix_space")) {
            out.put("add_prefix_space", flag(pre, "add_prefix_space", false));
        } else if (post != null && post.has("add_prefix_space")) {
            out.put("add_prefix_space", flag(post, "add_prefix_space", true));
        }
        if (post != null && post.has("trim_offsets")) {
            out.put("trim_offsets", flag(post, "trim_offsets", true));
        }
    }

    /**
     * XLM-R's {@code add_prefix_space}: true where the {@code Metaspace} pre-tokenizer prepends
     * {@code always}, false for {@code never}. HF 5's class builds its {@code Metaspace} from the
     * flag, true where the config leaves it out, so a file rebuilt to {@code never} would be read
     * as {@code always} without it (HF 4 keeps the file either way). The scheme {@code first} has no
     * flag HF 5 builds it from, and none is written.
     */
    private static void metaspaceFlag(JsonObject root, Map<String, Object> out) {
        JsonObject metaspace = find(root.get("pre_tokenizer"), "Metaspace");
        String scheme = metaspace == null ? null : prependScheme(metaspace);
        if ("always".equals(scheme) || "never".equals(scheme)) {
            out.put("add_prefix_space", scheme.equals("always"));
        }
    }

    /**
     * A {@code Metaspace}'s {@code prepend_scheme}; for a file written before the scheme existed,
     * {@code never} where its {@code add_prefix_space} is false, else {@code always}, as the Rust
     * library reads it.
     */
    static String prependScheme(JsonObject metaspace) {
        JsonElement legacy = metaspace.get("add_prefix_space");
        JsonElement named = metaspace.get("prepend_scheme");
        return named != null && named.isJsonPrimitive() ? named.getAsString()
                : legacy != null && legacy.isJsonPrimitive() && !legacy.getAsBoolean() ? "never" : "always";
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
