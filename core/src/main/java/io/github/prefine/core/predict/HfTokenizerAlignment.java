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
 * <p>For every class, {@code truncation_side} and {@code padding_side} are taken over the {@code
 * direction} of {@code tokenizer.json}'s {@code truncation} and {@code padding} sections, as HF's fast
 * tokenizer takes them: "right" turns a section that cuts or pads on the left to the right; a
 * {@code truncation_side} "left" is refused, as prefine cuts on the right, and a {@code padding_side}
 * "left" is warned of and padded on the right, as all of prefine's rows are.
 *
 * <p>For BERT and RoBERTa, a flag the file leaves out takes the class's default ({@code
 * BertTokenizer}: {@code do_lower_case} true, {@code strip_accents} null, {@code
 * tokenize_chinese_chars} true; {@code RobertaTokenizer}: {@code add_prefix_space} false, {@code
 * trim_offsets} true), and so does every flag of a folder without the file, as HF's {@code
 * AutoTokenizer} then takes the family's class: HF 4 compared these components with its
 * constructor's arguments, defaults included, and HF 5 builds its class's pipeline. XLM-R's file
 * changes only where {@code add_prefix_space} is stated (HF 4 left it alone). Any other class keeps
 * the file as written. HF 5 differs in rebuilding the whole pipeline, components of other types
 * included; only the components above are rebuilt here.
 *
 * <p>Stateless.
 */
final class HfTokenizerAlignment {
    private static final Logger LOG = LoggerFactory.getLogger(HfTokenizerAlignment.class);

    private static final JsonPrimitive TRUE = new JsonPrimitive(true);
    private static final JsonPrimitive FALSE = new JsonPrimitive(false);

    private HfTokenizerAlignment() {}

    /**
     * Rebuilds a folder's parsed {@code tokenizer.json} as HF's tokenizer class rebuilds its
     * components, logging at WARN which flags of {@code tokenizer_config.json} or of the class
     * defaults were applied over which of {@code tokenizer.json}'s; the file itself is not touched.
     *
     * @param dir the folder
     * @param family the folder's model family, whose class is HF's where {@code tokenizer_class} is absent
     * @param declared what the folder's {@code tokenizer_config.json} declares, read once by the caller
     * @param root the folder's {@code tokenizer.json}, parsed once by the caller; changed in place
     *     where this returns text, and left as it was where it returns null
     * @return the rebuilt JSON ({@code root} written out), or null where nothing changed: {@code
     *     tokenizer_config.json} names another class, or its flags and the class defaults agree with
     *     {@code tokenizer.json}, and its sides (below) change no direction
     * @throws IOException naming {@code tokenizer_config.json} and what was expected if a flag is
     *     not a boolean ({@code strip_accents}: nor null), {@code tokenizer_class} not a string, or
     *     {@code truncation_side} not "right" (prefine cuts on the right)
     */
    static String aligned(Path dir, ModelFamily family, HfTokenizerDeclaration declared, JsonObject root)
            throws IOException {
        JsonObject stated = declared.rebuildSettings();
        // without the file, HF's AutoTokenizer takes the family's class with all its defaults
        JsonObject settings = stated != null ? stated : new JsonObject();
        String named = settings.has("tokenizer_class") ? settings.get("tokenizer_class").getAsString() : null;
        ModelFamily rules = named == null ? family : classFamily(named);
        List<String> applied = new ArrayList<>();
        // whatever the class: HF's fast tokenizer takes the config's sides over the file's directions
        sides(declared, root, applied);
        if (rules != null) {
            switch (rules) {
                case BERT -> {
                    JsonElement normalizer = root.get("normalizer");
                    if (HfTokenizerConfig.type(normalizer).equals("BertNormalizer")) {
                        JsonObject n = normalizer.getAsJsonObject();
                        // BertTokenizer's defaults: do_lower_case true, strip_accents null, tokenize_chinese_chars true
                        apply(settings, "do_lower_case", TRUE, n, "lowercase", TRUE, applied);
                        apply(settings, "strip_accents", JsonNull.INSTANCE, n, "strip_accents", JsonNull.INSTANCE, applied);
                        apply(settings, "tokenize_chinese_chars", TRUE, n, "handle_chinese_chars", TRUE, applied);
                    }
                }
                case ROBERTA -> {
                    JsonObject pre = HfTokenizerConfig.find(root.get("pre_tokenizer"), "ByteLevel");
                    JsonObject post = HfTokenizerConfig.find(root.get("post_processor"), "RobertaProcessing");
                    if (post == null) {
                        post = HfTokenizerConfig.find(root.get("post_processor"), "ByteLevel");
                    }
                    // RobertaTokenizer's defaults: add_prefix_space false, trim_offsets true (the
                    // constructors' of HF 4's RobertaTokenizerFast and HF 5's RobertaTokenizer); the last
                    // argument is the Rust component's default, where tokenizer.json leaves a field out
                    if (pre != null) {
                        apply(settings, "add_prefix_space", FALSE, pre, "add_prefix_space", TRUE, applied);
                    }
                    if (post != null) {
                        apply(settings, "add_prefix_space", FALSE, post, "add_prefix_space", TRUE, applied);
                        apply(settings, "trim_offsets", TRUE, post, "trim_offsets", TRUE, applied);
                    }
                }
                case XLM_ROBERTA -> {
                    JsonElement prefix = settings.get("add_prefix_space");
                    if (prefix != null) {
                        String scheme = prefix.getAsBoolean() ? "always" : "never";
                        prependScheme(HfTokenizerConfig.find(root.get("pre_tokenizer"), "Metaspace"), scheme, "pre_tokenizer",
                                applied);
                        JsonElement decoder = root.get("decoder");
                        prependScheme(HfTokenizerConfig.type(decoder).equals("Metaspace") ? decoder.getAsJsonObject() : null,
                                scheme, "decoder", applied);
                    }
                }
                default -> throw new AssertionError(rules);
            }
        }
        if (applied.isEmpty()) {
            return null;
        }
        LOG.warn("{}: {} read as HF's {} rebuilds it from {}: {} ({} on disk is left as written)", dir,
                EncoderCheckpoint.TOKENIZER_FILE, rules != null ? HfTokenizerConfig.tokenizerClass(rules) : named,
                stated != null
                ? HfTokenizerConfig.FILE + " and the class defaults" : "the class defaults (there is no "
                + HfTokenizerConfig.FILE + ")", String.join(", ", applied), EncoderCheckpoint.TOKENIZER_FILE);
        return HfTokenizerConfig.GSON.toJson(root);
    }

    /**
     * Applies {@code truncation_side} and {@code padding_side} of {@code tokenizer_config.json} as
     * HF's fast tokenizer does, over the direction of the file's {@code truncation} and {@code
     * padding} sections (the file's direction counts only where the config states none): "right"
     * over a section that cuts or pads on the left turns it to the right; "left" is refused for
     * truncation, as prefine cuts on the right and would keep other tokens than HF, and warned of for
     * padding, which prefine puts on the right ({@link io.github.prefine.core.tokenize.SubwordTokenizer}
     * pads on the right whatever the file says).
     */
    private static void sides(HfTokenizerDeclaration declared, JsonObject root, List<String> applied)
            throws IOException {
        String[][] keys = {{"truncation_side", "truncation", "truncates, keeping a text's first tokens,", "cut"},
            {"padding_side", "padding", "pads after a row's tokens", "pad"}};
        for (String[] k : keys) {
            String side = declared.side(k[0]);
            if ("left".equals(side) && k[1].equals("padding")) {
                // the side padding goes changes no token's state under the mask: prefine's rows pad after their tokens
                LOG.warn("{}: padding_side is \"left\"; prefine pads on the right, after a row's tokens (masked"
                        + " padding changes no token's state)", declared.file());
                continue;
            }
            if ("left".equals(side)) {
                throw new IOException(declared.file() + ": " + k[0] + " is \"left\"; expected \"right\" or no " + k[0]
                        + ": prefine " + k[2] + " on the right, where HF's tokenizer would " + k[3] + " on the left");
            }
            JsonElement section = root.get(k[1]);
            JsonElement direction = section != null && section.isJsonObject() ? section.getAsJsonObject().get("direction")
                    : null;
            if ("right".equals(side) && direction != null && direction.isJsonPrimitive()
                    && direction.getAsString().equals("Left")) {
                section.getAsJsonObject().addProperty("direction", "Right");
                applied.add(k[0] + " right (was " + k[1] + ".direction Left)");
            }
        }
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

    /**
     * Sets a component's field to the flag the config states, else to the class's default, where
     * that differs from the field's value ({@code absent} where the file leaves the field out).
     */
    private static void apply(JsonObject settings, String flag, JsonElement classDefault, JsonObject component,
            String field, JsonElement absent, List<String> applied) {
        boolean stated = settings.has(flag);
        JsonElement value = stated ? settings.get(flag) : classDefault;
        JsonElement current = component.has(field) ? component.get(field) : absent;
        if (!current.equals(value)) {
            component.add(field, value);
            applied.add(flag + " " + value + (stated ? "" : " (the class default)") + " (was "
                    + HfTokenizerConfig.type(component) + "." + field + " " + current + ")");
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
        String current = HfTokenizerConfig.prependScheme(metaspace);
        if (!current.equals(scheme)) {
            metaspace.remove("add_prefix_space");
            metaspace.addProperty("prepend_scheme", scheme);
            applied.add("add_prefix_space " + scheme.equals("always") + " (was " + where + " Metaspace.prepend_scheme "
                    + current + ")");
        }
    }
}
