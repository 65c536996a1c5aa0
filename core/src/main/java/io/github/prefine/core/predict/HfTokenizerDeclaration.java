package io.github.prefine.core.predict;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a folder's {@code tokenizer_config.json} declares beside its {@code tokenizer.json}: the
 * length limit, the flags HF's tokenizer class rebuilds the file's components with, and the mask
 * and padding tokens (there, else in {@code special_tokens_map.json}). {@link #read} parses {@code
 * tokenizer_config.json} once, so that a load asks it everything from one reading; each value is
 * checked when asked for, and {@code special_tokens_map.json} is read only when a token is asked
 * for and the config names none.
 *
 * <p>Immutable once read (the parsed object is never changed, nor handed out).
 *
 * @param dir the folder
 * @param config {@code tokenizer_config.json}'s object, or null where the folder has no such file
 */
record HfTokenizerDeclaration(Path dir, JsonObject config) {
    private static final Logger LOG = LoggerFactory.getLogger(HfTokenizerDeclaration.class);

    /** JSON's integer syntax, which Python's {@code json} reads as an {@code int}. */
    private static final Pattern INTEGER_LITERAL = Pattern.compile("-?(0|[1-9][0-9]*)");

    /**
     * A special token as a file names it.
     *
     * @param token the token's content
     * @param file the file that names it
     */
    record Named(String token, Path file) {}

    /**
     * Reads a folder's {@code tokenizer_config.json}, where it has one.
     *
     * @param dir the folder
     * @return the declaration ({@link #config()} null without the file)
     * @throws IOException naming the file if it cannot be read or is not a JSON object
     */
    static HfTokenizerDeclaration read(Path dir) throws IOException {
        Path file = dir.resolve(HfTokenizerConfig.FILE);
        return new HfTokenizerDeclaration(dir, Files.exists(file) ? JsonFiles.object(file) : null);
    }

    Path file() {
        return dir.resolve(HfTokenizerConfig.FILE);
    }

    /**
     * The length limit new text is read with: the declared {@code model_max_length} where it is
     * at most the encoder's positions.
     *
     * @param cap the positions the encoder takes
     * @return the declared limit, or empty when the file or the field is absent, null, HF's unset
     *     value, or above {@code cap} (each but the first logged)
     * @throws IOException naming the file if its {@code model_max_length} is not a positive whole number
     */
    OptionalInt modelMaxLength(int cap) throws IOException {
        if (config == null) {
            return OptionalInt.empty();
        }
        BigInteger n = declaredLimit();
        if (n == null) {
            LOG.info("{}: no model_max_length; new text is read with the default lengths", file());
            return OptionalInt.empty();
        }
        if (n.compareTo(BigInteger.valueOf(cap)) > 0) {
            if (n.equals(HfTokenizerConfig.UNSET)) {
                LOG.info("{}: model_max_length is HF's unset value; new text is read with the default lengths", file());
            } else {
                LOG.warn("{}: model_max_length {} is more than the {} positions the encoder takes; the default"
                        + " lengths, capped by the positions, are used", file(), n, cap);
            }
            return OptionalInt.empty();
        }
        return OptionalInt.of(n.intValueExact());
    }

    /** The declared {@code model_max_length}, checked; null where there is no file, no field or null. */
    private BigInteger declaredLimit() throws IOException {
        JsonElement e = config == null ? null : config.get("model_max_length");
        if (e == null || e.isJsonNull()) {
            return null;
        }
        String expected = "; expected a positive whole number of tokens (or null, or HF's unset value "
                + HfTokenizerConfig.UNSET + ")";
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()
                || !INTEGER_LITERAL.matcher(e.getAsString()).matches()) {
            throw new IOException(file() + ": model_max_length is " + JsonShapes.describe(e) + expected);
        }
        BigInteger n = new BigInteger(e.getAsString());
        if (n.signum() <= 0) {
            throw new IOException(file() + ": model_max_length is " + n + expected);
        }
        return n;
    }

    /**
     * What the file states of the settings HF's tokenizer class rebuilds {@code tokenizer.json}'s
     * components with: {@code tokenizer_class} and the flags of {@link
     * HfTokenizerConfig#REBUILD_FLAGS}, each checked.
     *
     * @return a new object of the keys of those the file has, with their values ({@code
     *     strip_accents} may be JSON null), or null when the folder has no such file
     * @throws IOException naming the file if a flag is not a boolean ({@code strip_accents}: nor
     *     null), or {@code tokenizer_class} is not a string
     */
    JsonObject rebuildSettings() throws IOException {
        if (config == null) {
            return null;
        }
        Path file = file();
        JsonObject out = new JsonObject();
        JsonElement cls = config.get("tokenizer_class");
        if (cls != null && !cls.isJsonNull()) {
            out.addProperty("tokenizer_class", JsonShapes.string(cls, "tokenizer_class", (at, expected, found) ->
                    new IOException(file + ": " + at + ": expected " + expected + ", found " + found)));
        }
        for (String name : HfTokenizerConfig.REBUILD_FLAGS) {
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

    /**
     * The side {@code tokenizer_config.json} states for {@code truncation_side} or {@code
     * padding_side}, which HF's fast tokenizer takes over the direction of {@code tokenizer.json}'s
     * section.
     *
     * @param key {@code truncation_side} or {@code padding_side}
     * @return "right" or "left"; null where the folder has no such file or the file no such key
     * @throws IOException naming the file if the value is neither "right" nor "left", which HF refuses too
     */
    String side(String key) throws IOException {
        JsonElement e = config == null ? null : config.get(key);
        if (e == null) {
            return null;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()
                && (e.getAsString().equals("right") || e.getAsString().equals("left"))) {
            return e.getAsString();
        }
        throw new IOException(file() + ": " + key + " is " + JsonShapes.describe(e) + "; expected \"right\" or \"left\"");
    }

    /**
     * The mask token the folder names: {@code tokenizer_config.json}'s {@code mask_token}, else
     * {@code special_tokens_map.json}'s (which HF reads only for folders older than the config's
     * {@code added_tokens_decoder}), each a string or an {@code AddedToken} object whose {@code
     * content} is the token.
     *
     * @return the token and the file naming it, or null where neither file names one (or it is null)
     * @throws IOException naming the file if {@code special_tokens_map.json} cannot be read or is not
     *     a JSON object, or a {@code mask_token} is neither a string nor an object with a string
     *     {@code content}
     */
    Named maskToken() throws IOException {
        return special("mask_token");
    }

    /**
     * The padding token the folder names, read as {@link #maskToken()} reads the mask token: what
     * HF's tokenizer pads with, whatever {@code config.json}'s {@code pad_token_id} says.
     *
     * @return the token and the file naming it, or null where neither file names one (or it is null)
     * @throws IOException as {@link #maskToken()}, for {@code pad_token}
     */
    Named padToken() throws IOException {
        return special("pad_token");
    }

    /** A special token of {@code tokenizer_config.json}, else of {@code special_tokens_map.json}. */
    private Named special(String key) throws IOException {
        Named named = config == null ? null : named(config, file(), key);
        if (named != null) {
            return named;
        }
        Path map = dir.resolve(HfTokenizerConfig.SPECIAL_TOKENS_FILE);
        return Files.exists(map) ? named(JsonFiles.object(map), map, key) : null;
    }

    /** A special token of a file, as a string or as HF's serialized {@code AddedToken}. */
    private static Named named(JsonObject o, Path file, String key) throws IOException {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        JsonElement content = e.isJsonObject() ? e.getAsJsonObject().get("content") : e;
        if (content == null || !content.isJsonPrimitive() || !content.getAsJsonPrimitive().isString()) {
            throw new IOException(file + ": " + key + " is " + JsonShapes.describe(e) + "; expected the token as a"
                    + " string, or an AddedToken object with the token as its string content");
        }
        return new Named(content.getAsString(), file);
    }
}
