package io.github.prefine.core.predict;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.ModelFamily;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tokenizer.json} of a Hugging Face folder as HF Transformers' tokenizer class rebuilds
 * it from the flags its {@code tokenizer_config.json} states, so that new text gets HF's ids where
 * the two files disagree (a cased checkpoint whose {@code tokenizer.json} lower-cases, or the
 * opposite).
 *
 * <p>HF's class is {@code tokenizer_class} ({@code Fast} suffix or not), else the model family's.
 * Its rules, as HF Transformers 5 applies them:
 *
 * <ul>
 *   <li>{@code BertTokenizer}: a {@code BertNormalizer} takes {@code do_lower_case} as {@code
 *       lowercase}, {@code strip_accents} (null: strip where lower-casing) and {@code
 *       tokenize_chinese_chars} as {@code handle_chinese_chars}.
 *   <li>{@code RobertaTokenizer}: the {@code ByteLevel} pre-tokenizer takes {@code
 *       add_prefix_space}, the {@code RobertaProcessing} (or {@code ByteLevel}) post-processor
 *       {@code add_prefix_space} and {@code trim_offsets}.
 *   <li>{@code XLMRobertaTokenizer}: the {@code Metaspace} pre-tokenizer and decoder take {@code
 *       add_prefix_space} as {@code prepend_scheme} {@code always} or {@code never} ({@code
 *       trim_offsets} plays no part: HF's post-processor for it is a template, which trims nothing).
 * </ul>
 *
 * <p>Only flags the file states are applied, each to a component of the type listed; a flag the
 * file leaves out (or a folder without the file) keeps {@code tokenizer.json}'s value, and any
 * other class keeps the file as written. HF differs there, knowingly: version 5 rebuilds the whole
 * pipeline from its class, and version 4 compared the BERT and RoBERTa components of these types
 * with its constructor's arguments, so both take the class defaults for a flag left out ({@code
 * BertTokenizer}: {@code do_lower_case} true, {@code strip_accents} null, {@code
 * tokenize_chinese_chars} true; {@code RobertaTokenizer}: {@code add_prefix_space} false, {@code
 * trim_offsets} true; version 4 left XLM-R's file alone). Files HF writes state every flag of
 * their class ({@code save_pretrained} saves the constructor's arguments), and prefine's exports
 * state those of a {@code BertNormalizer}, so the difference reaches hand-made configs and folders
 * without one, where the file is taken as the tokenizer the model was trained with.
 *
 * <p>Stateless.
 */
final class HfTokenizerAlignment {
    private static final Logger LOG = LoggerFactory.getLogger(HfTokenizerAlignment.class);

    private HfTokenizerAlignment() {}

    /**
     * Returns a folder's {@code tokenizer.json} with its components rebuilt as HF's tokenizer class
     * rebuilds them, logging at WARN which flags of {@code tokenizer_config.json} were applied over
     * which of {@code tokenizer.json}'s; the file itself is not touched.
     *
     * @param dir the folder
     * @param family the folder's model family, whose class is HF's where {@code tokenizer_class} is absent
     * @param declared what the folder's {@code tokenizer_config.json} declares, read once by the caller
     * @return the rebuilt JSON, or null where there is no {@code tokenizer_config.json}, it names
     *     another class, or it agrees with {@code tokenizer.json}
     * @throws IOException naming {@code tokenizer_config.json} and what was expected if a flag is
     *     not a boolean ({@code strip_accents}: nor null) or {@code tokenizer_class} not a string, or
     *     naming {@code tokenizer.json} if that is not a JSON object
     */
    static String aligned(Path dir, ModelFamily family, HfTokenizerDeclaration declared) throws IOException {
        JsonObject settings = declared.rebuildSettings();
        if (settings == null) {
            return null;
        }
        String named = settings.has("tokenizer_class") ? settings.get("tokenizer_class").getAsString() : null;
        ModelFamily rules = named == null ? family : classFamily(named);
        if (rules == null) {
            return null;
        }
        Path file = dir.resolve(EncoderCheckpoint.TOKENIZER_FILE);
        JsonObject root = HfTokenizerConfig.object(file);
        List<String> applied = new ArrayList<>();
        switch (rules) {
            case BERT -> {
                JsonElement normalizer = root.get("normalizer");
                if (HfTokenizerConfig.type(normalizer).equals("BertNormalizer")) {
                    JsonObject n = normalizer.getAsJsonObject();
                    apply(settings, "do_lower_case", n, "lowercase", new JsonPrimitive(true), applied);
                    apply(settings, "strip_accents", n, "strip_accents", JsonNull.INSTANCE, applied);
                    apply(settings, "tokenize_chinese_chars", n, "handle_chinese_chars", new JsonPrimitive(true), applied);
                }
            }
            case ROBERTA -> {
                JsonObject pre = HfTokenizerConfig.find(root.get("pre_tokenizer"), "ByteLevel");
                JsonObject post = HfTokenizerConfig.find(root.get("post_processor"), "RobertaProcessing");
                if (post == null) {
                    post = HfTokenizerConfig.find(root.get("post_processor"), "ByteLevel");
                }
                // the Rust components' defaults, where tokenizer.json leaves a field out
                if (pre != null) {
                    apply(settings, "add_prefix_space", pre, "add_prefix_space", new JsonPrimitive(true), applied);
                }
                if (post != null) {
                    apply(settings, "add_prefix_space", post, "add_prefix_space", new JsonPrimitive(true), applied);
                    apply(settings, "trim_offsets", post, "trim_offsets", new JsonPrimitive(true), applied);
                }
            }
            case XLM_ROBERTA -> {
                JsonElement stated = settings.get("add_prefix_space");
                if (stated != null) {
                    String scheme = stated.getAsBoolean() ? "always" : "never";
                    prependScheme(HfTokenizerConfig.find(root.get("pre_tokenizer"), "Metaspace"), scheme, "pre_tokenizer",
                            applied);
                    JsonElement decoder = root.get("decoder");
                    prependScheme(HfTokenizerConfig.type(decoder).equals("Metaspace") ? decoder.getAsJsonObject() : null,
                            scheme, "decoder", applied);
                }
            }
            default -> throw new AssertionError(rules);
        }
        if (applied.isEmpty()) {
            return null;
        }
        LOG.warn("{}: {} applied over {} as HF's {} rebuilds the tokenizer: {} ({} on disk is left as written)", dir,
                HfTokenizerConfig.FILE, EncoderCheckpoint.TOKENIZER_FILE, HfTokenizerConfig.tokenizerClass(rules),
                String.join(", ", applied), EncoderCheckpoint.TOKENIZER_FILE);
        return HfTokenizerConfig.GSON.toJson(root);
    }

    /**
     * The family whose HF tokenizer class {@code tokenizer_class} names, with or without {@code
     * Fast}; null for another class.
     */
    private static ModelFamily classFamily(String tokenizerClass) {
        String bare = tokenizerClass.endsWith("Fast")
                ? tokenizerClass.substring(0, tokenizerClass.length() - "Fast".length()) : tokenizerClass;
        for (ModelFamily f : ModelFamily.values()) {
            if (HfTokenizerConfig.tokenizerClass(f).equals(bare)) {
                return f;
            }
        }
        return null;
    }

    /** Sets a component's field to the flag the config states, where that differs from the field's value. */
    private static void apply(JsonObject settings, String flag, JsonObject component, String field, JsonElement absent,
            List<String> applied) {
        JsonElement stated = settings.get(flag);
        if (stated == null) {
            return;
        }
        JsonElement current = component.has(field) ? component.get(field) : absent;
        if (!current.equals(stated)) {
            component.add(field, stated);
            applied.add(flag + " " + stated + " (was " + HfTokenizerConfig.type(component) + "." + field + " "
                    + current + ")");
        }
    }

    /**
     * Sets a {@code Metaspace}'s {@code prepend_scheme}, where it differs; the legacy {@code
     * add_prefix_space} field, which the scheme replaces, goes.
     */
    private static void prependScheme(JsonObject metaspace, String scheme, String where, List<String> applied) {
        if (metaspace == null) {
            return;
        }
        JsonElement legacy = metaspace.get("add_prefix_space");
        JsonElement named = metaspace.get("prepend_scheme");
        String current = named != null && named.isJsonPrimitive() ? named.getAsString()
                : legacy != null && legacy.isJsonPrimitive() && !legacy.getAsBoolean() ? "never" : "always";
        if (!current.equals(scheme)) {
            metaspace.remove("add_prefix_space");
            metaspace.addProperty("prepend_scheme", scheme);
            applied.add("add_prefix_space " + scheme.equals("always") + " (was " + where + " Metaspace.prepend_scheme "
                    + current + ")");
        }
    }
}
