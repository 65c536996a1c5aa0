package io.github.prefine.core.tokenize.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * A {@code tokenizer.json} read and parsed once, for a load that both inspects its components and
 * hands it to the native tokenizer ({@link #setOn}): a 17 MB file (XLM-R's) is then read and parsed
 * by Gson once, not once per reader. The parse is the check that the text is standard JSON, which
 * the native library is given only after it ({@link JsonFiles#standardValue}): the load takes the
 * file's text as checked and its value as parsed, and walks it no more. Not API.
 *
 * <p>Immutable but for {@link #json()}, which a loader may change before it calls {@link
 * #rebuilt(String)}. Not a record: its {@code toString} would print the whole text.
 */
public final class TokenizerText {
    private final Path file;
    private final String text;
    private final JsonObject json;
    private final boolean rebuilt;
    /** Whether {@link #text} was found standard JSON: the file's, as read; not a rebuilt text. */
    private final boolean standard;

    /**
     * The builder's own setter, installed by its class as it is initialised, so before any builder
     * exists: the way in stays out of {@link SubwordTokenizer.Builder}'s public methods.
     */
    private static volatile BiConsumer<SubwordTokenizer.Builder, TokenizerText> setter;

    private TokenizerText(Path file, String text, JsonObject json, boolean rebuilt, boolean standard) {
        this.file = file;
        this.text = text;
        this.json = json;
        this.rebuilt = rebuilt;
        this.standard = standard;
    }

    /**
     * Reads a {@code tokenizer.json} and parses it as standard JSON, as the native tokenizer's load
     * checks it: the one pass over the text both take.
     *
     * @param file the file
     * @return its text and top-level object
     * @throws IOException as {@link JsonFiles#read(Path)}, or naming the file, line, column and JSON
     *     path where the text stops being standard JSON ({@link JsonFiles#standardValue}), or what it
     *     holds instead of an object
     */
    public static TokenizerText read(Path file) throws IOException {
        String text = JsonFiles.read(file);
        JsonElement value = JsonFiles.standardValue(text, file, false, JsonFiles.TOKENIZER_JSON);
        return new TokenizerText(file, text, JsonFiles.object(value, text, file, false), false, true);
    }

    /**
     * The same file, rebuilt: {@link #json()}, as the loader changed it, written out.
     *
     * @param text {@link #json()} serialized, which the native tokenizer loads in place of the file's text
     * @return the rebuilt tokenizer, sharing this one's object
     */
    public TokenizerText rebuilt(String text) {
        return new TokenizerText(file, text, json, true, false);
    }

    /**
     * Returns the file, which every message names.
     *
     * @return the {@code tokenizer.json} path
     */
    public Path file() {
        return file;
    }

    /**
     * Returns the text to load.
     *
     * @return the file's text, or the rebuilt text
     */
    public String text() {
        return text;
    }

    /**
     * Returns the parsed text.
     *
     * @return the top-level object, which {@link #text()} serializes
     */
    public JsonObject json() {
        return json;
    }

    /**
     * Returns the largest token id the tokenizer can give: of its model's vocabulary (a map to ids,
     * or a Unigram list whose places are the ids), of its added tokens as the library numbers them
     * ({@link #addedTokenIds}), and of the special tokens
     * its post-processor adds by id (a template's {@code special_tokens.*.ids}, a RoBERTa or BERT
     * processor's {@code cls} and {@code sep} pairs). The shapes are those the native library's
     * schema allows; others count as no id.
     *
     * @return the id, or -1 when the file holds no token
     */
    public long largestId() {
        return largestId(json);
    }

    /**
     * Returns the largest token id a parsed {@code tokenizer.json} can give, as {@link #largestId()}
     * counts it: the one rule for every check of ids against an encoder's vocabulary.
     *
     * @param json the parsed file
     * @return the id, or -1 when the file holds no token
     */
    public static long largestId(JsonObject json) {
        long largest = -1;
        JsonElement model = json.get("model");
        JsonElement vocab = model != null && model.isJsonObject() ? model.getAsJsonObject().get("vocab") : null;
        if (vocab != null && vocab.isJsonObject()) {
            for (JsonElement id : vocab.getAsJsonObject().asMap().values()) {
                largest = Math.max(largest, number(id));
            }
        } else if (vocab != null && vocab.isJsonArray()) {
            largest = vocab.getAsJsonArray().size() - 1;
        }
        // the ids the library gives the added tokens, not the file's, which it ignores
        for (long id : addedTokenIds(json).values()) {
            largest = Math.max(largest, id);
        }
        return Math.max(largest, processorId(json.get("post_processor")));
    }

    /**
     * Returns the ids the tokenizers library gives a parsed file's added tokens, by content. It
     * numbers them as it adds them on loading, in the file's order ({@code AddedVocabulary::add_tokens};
     * the file's ids it only compares, warning): a content the model holds gets the model's id of
     * it (for a Unigram list holding it twice, the last index, as the library's piece-to-id map
     * keeps the last), one listed again the id it got first, and any other one past the largest id
     * added so far where that is at least the model's size (the count of {@code model.vocab}'s
     * entries), else the model's size. An empty content the library skips.
     *
     * @param json the parsed file
     * @return each added token's content to its id, in the file's order; empty when it lists none
     */
    public static Map<String, Long> addedTokenIds(JsonObject json) {
        JsonElement added = json.get("added_tokens");
        if (added == null || !added.isJsonArray()) {
            return Map.of();
        }
        JsonElement model = json.get("model");
        JsonElement vocab = model != null && model.isJsonObject() ? model.getAsJsonObject().get("vocab") : null;
        Map<String, Long> lastIndex = new HashMap<>();
        long size = 0;
        if (vocab != null && vocab.isJsonArray()) {
            JsonArray list = vocab.getAsJsonArray();
            size = list.size();
            for (int i = 0; i < list.size(); i++) {
                JsonElement entry = list.get(i);
                JsonElement piece = entry.isJsonArray() && !entry.getAsJsonArray().isEmpty()
                        ? entry.getAsJsonArray().get(0) : null;
                if (piece != null && piece.isJsonPrimitive()) {
                    lastIndex.put(piece.getAsString(), (long) i);
                }
            }
        } else if (vocab != null && vocab.isJsonObject()) {
            size = vocab.getAsJsonObject().size();
        }
        Map<String, Long> ids = new LinkedHashMap<>();
        long largest = -1;
        for (JsonElement t : added.getAsJsonArray()) {
            JsonElement c = t.isJsonObject() ? t.getAsJsonObject().get("content") : null;
            if (c == null || !c.isJsonPrimitive() || c.getAsString().isEmpty() || ids.containsKey(c.getAsString())) {
                continue;
            }
            String content = c.getAsString();
            long own = vocab != null && vocab.isJsonObject() ? number(vocab.getAsJsonObject().get(content))
                    : lastIndex.getOrDefault(content, -1L);
            long id = own >= 0 ? own : largest < 0 ? size : largest >= size || size == 0 ? largest + 1 : size;
            ids.put(content, id);
            largest = Math.max(largest, id);
        }
        return ids;
    }

    /** The largest id a post-processor (or those of a Sequence of them) adds itself. */
    private static long processorId(JsonElement e) {
        long largest = -1;
        if (e != null && e.isJsonArray()) {
            for (JsonElement x : e.getAsJsonArray()) {
                largest = Math.max(largest, processorId(x));
            }
        } else if (e != null && e.isJsonObject()) {
            for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
                JsonElement v = m.getValue();
                boolean pair = (m.getKey().equals("cls") || m.getKey().equals("sep")) && v.isJsonArray()
                        && v.getAsJsonArray().size() == 2;
                if (pair) {
                    largest = Math.max(largest, number(v.getAsJsonArray().get(1)));
                } else if (m.getKey().equals("ids") && v.isJsonArray()) {
                    for (JsonElement id : v.getAsJsonArray()) {
                        largest = Math.max(largest, number(id));
                    }
                } else {
                    largest = Math.max(largest, processorId(v));
                }
            }
        }
        return largest;
    }

    /**
     * Finds a token type id of the post-processor above a limit: prefine's rows hold type 0, then
     * type 1, so a template's type 2 (or a u32 past an {@code int}) failed only at the first text
     * encoded, naming no file.
     *
     * @param max the largest type id allowed
     * @return the first such {@code type_id} as {@code "$.post_processor.pair[2].Sequence.type_id
     *     7"}, or {@code null} when there is none
     */
    public String typeIdAbove(long max) {
        return typeIdAbove(json.get("post_processor"), "$.post_processor", max);
    }

    private static String typeIdAbove(JsonElement e, String path, long max) {
        if (e == null) {
            return null;
        }
        if (e.isJsonArray()) {
            for (int i = 0; i < e.getAsJsonArray().size(); i++) {
                String found = typeIdAbove(e.getAsJsonArray().get(i), path + "[" + i + "]", max);
                if (found != null) {
                    return found;
                }
            }
        } else if (e.isJsonObject()) {
            for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
                String at = path + "." + m.getKey();
                if (m.getKey().equals("type_id") && number(m.getValue()) > max) {
                    return at + " " + m.getValue();
                }
                String found = typeIdAbove(m.getValue(), at, max);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static long number(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsLong() : -1;
    }

    /**
     * Tells whether {@link #text()} was found standard JSON and {@link #json()} is its value as
     * parsed then: the file's text as {@link #read} read it. A rebuilt text is checked when loaded.
     *
     * @return true for the text {@link #read} gave
     */
    public boolean isStandard() {
        return standard;
    }

    /**
     * Tells whether the text was rebuilt from the file.
     *
     * @return true after {@link #rebuilt(String)}
     */
    public boolean isRebuilt() {
        return rebuilt;
    }

    /**
     * Sets this text as a builder's tokenizer, so that its load reads and parses it no more: the
     * file as {@link SubwordTokenizer.Builder#setTokenizerPath} sets it, or the rebuilt text as
     * {@link SubwordTokenizer.Builder#setRebuiltTokenizer} does (the later call wins).
     *
     * @param builder the builder
     * @return the builder
     */
    public SubwordTokenizer.Builder setOn(SubwordTokenizer.Builder builder) {
        setter.accept(Objects.requireNonNull(builder, "builder"), this);
        return builder;
    }

    /**
     * Installs the builder's setter that {@link #setOn} calls; for {@link SubwordTokenizer.Builder}
     * alone, which calls it once.
     *
     * @param builderSetter sets a builder's text
     */
    public static void installSetter(BiConsumer<SubwordTokenizer.Builder, TokenizerText> builderSetter) {
        setter = Objects.requireNonNull(builderSetter, "builderSetter");
    }

    /** Omits the text, which may run to megabytes. */
    @Override
    public String toString() {
        return "TokenizerText[" + file + (rebuilt ? ", rebuilt" : "") + "]";
    }
}
