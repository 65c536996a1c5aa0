package io.github.prefine.core.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a {@link SubwordTokenizer}'s {@code tokenizer.json} comes from: a file read as it is, or a
 * text rebuilt from a file ({@link SubwordTokenizer.Builder#setRebuiltTokenizer}), which is never
 * written to disk. Either way the file is the one every message names, and the native tokenizers
 * are loaded through {@link #load}, which turns the Rust library's refusal into an {@link
 * IOException} naming the file.
 *
 * <p>Immutable. Not a record: its {@code toString} would print the whole text.
 */
final class TokenizerSource {
    private static final Logger LOG = LoggerFactory.getLogger(TokenizerSource.class);
    /** The library's message: serde's reason, then the place it stopped reading. */
    private static final Pattern PLACE = Pattern.compile("^(.*) at line (\\d+) column (\\d+)$", Pattern.DOTALL);
    /** serde's words for a component that is none of its enum's variants, the enum named after the component. */
    private static final Pattern UNTAGGED = Pattern.compile("untagged enum (\\w+)Untagged");
    /** A subword prefix that is not empty, which a BPE model cuts from its merges. */
    private static final Pattern PREFIX = Pattern.compile("\"continuing_subword_prefix\"\\s*:\\s*\"[^\"]");
    /** A JSON escape of an ASCII letter, which could spell a type name; writers escape only other characters. */
    private static final Pattern ESCAPED_LETTER = Pattern.compile("\\\\u00[4-7][0-9A-Fa-f]");

    /** What the check of standard JSON names as expected. */
    private static final String STANDARD = JsonFiles.TOKENIZER_JSON;

    private final Path file;
    private final String rebuilt;
    /** SHA-256 of a text of this source found standard JSON, or null. */
    private final byte[] checked;

    /**
     * Makes the source.
     *
     * @param file the {@code tokenizer.json} file
     * @param rebuilt the text loaded in place of the file's, or null to read the file
     */
    TokenizerSource(Path file, String rebuilt) {
        this(file, rebuilt, null);
    }

    private TokenizerSource(Path file, String rebuilt, byte[] checked) {
        this.file = file;
        this.rebuilt = rebuilt;
        this.checked = checked;
    }

    /**
     * The same source, whose {@link #load(Map)} loads only the text found standard (the same
     * SHA-256), and does not check it again: a 17 MB {@code tokenizer.json} took a third of a
     * second to check.
     *
     * @param digest SHA-256 of the text found standard JSON
     * @return the source
     */
    TokenizerSource checked(byte[] digest) {
        return new TokenizerSource(file, rebuilt, digest.clone());
    }

    /** The file, which every message names. */
    Path file() {
        return file;
    }

    /** The text loaded in place of the file's, or null where the file is read. */
    String rebuilt() {
        return rebuilt;
    }

    /**
     * Loads a native tokenizer from the text {@link #text()} gives now, which must be the text
     * {@link #checked} names where it names one (that text passed every check then), else checked
     * for standard JSON as {@link #load(String, Map)} does.
     *
     * @param options DJL's options for it
     * @return the tokenizer, which the caller must close
     * @throws IOException naming the file when it cannot be read or changed since the text {@link
     *     #checked} names, or naming it, the line and column the library names, its reason and, for a
     *     component of a type it does not know, what it expects, when the library refuses the text
     */
    HuggingFaceTokenizer load(Map<String, String> options) throws IOException {
        String text = text();
        if (checked == null) {
            return load(text, options);
        }
        if (!Arrays.equals(checked, TokenizerJson.sha256(text))) {
            // the tokenizer's facts, and the checks that keep the library from aborting (its template's
            // among them), are the first text's: another text would be loaded unchecked, and unlike it
            throw new IOException(file + ": changed since the tokenizer was built from it; expected the text it"
                    + " was built from (its settings and checks are that text's): build the tokenizer again");
        }
        // that text passed every check when the tokenizer was built
        return loadChecked(text, options);
    }

    /**
     * Loads a native tokenizer from the text {@link #text()} gives, read already.
     *
     * @param text the file's text, or the rebuilt text
     * @param options DJL's options for it
     * @return the tokenizer, which the caller must close
     * @throws IOException as {@link #load(Map)}, or naming the file, line and column where the text
     *     stops being standard JSON, or the JSON path of a {@code Precompiled} normalizer's charsmap
     *     the library cannot use (see {@link PrecompiledCharsmap}) or of a BPE merge it cannot cut its
     *     subword prefix from ({@link TokenizerJson#checkMergePrefix}), none of which the library is given
     */
    HuggingFaceTokenizer load(String text, Map<String, String> options) throws IOException {
        // the library aborts the JVM, not refuses, on some text that is not standard JSON
        JsonFiles.requireStandard(text, file, rebuilt != null, STANDARD);
        return loadStandard(text, options, null);
    }

    /**
     * Checks that a text {@link #text()} gave is standard JSON, as {@link #load(String, Map)} does,
     * and gives its value, which {@link #json(JsonElement, String)} takes: one pass over a text both
     * loaded and read.
     *
     * @param text the file's text, or the rebuilt text
     * @return its value
     * @throws IOException naming the file, line and column where the text stops being standard JSON
     */
    JsonElement standardValue(String text) throws IOException {
        return JsonFiles.standardValue(text, file, rebuilt != null, STANDARD);
    }

    /**
     * Loads a native tokenizer from a text already found standard JSON ({@link #standardValue}), or
     * the same as one that was, after the checks that keep the library from aborting on it.
     *
     * @param text the file's text, or the rebuilt text
     * @param options DJL's options for it
     * @param value the text's value as {@link #standardValue} read it, or null to parse it where a check needs it
     * @return the tokenizer, which the caller must close
     * @throws IOException as {@link #load(String, Map)}
     */
    HuggingFaceTokenizer loadStandard(String text, Map<String, String> options, JsonElement value) throws IOException {
        // the library also aborts on a Precompiled normalizer's broken charsmap, at load or at the first text, and on
        // BPE merges its subword prefix cannot be cut from, at load; only a text that may hold
        // either (plainly, or with a letter escaped) is parsed for them
        if (text.contains("Precompiled") || PREFIX.matcher(text).find() || ESCAPED_LETTER.matcher(text).find()) {
            String shown = rebuilt == null ? file.toString() : file + " (as rebuilt)";
            JsonObject root = value == null ? json(text) : json(value, text);
            PrecompiledCharsmap.check(shown, root.get("normalizer"), "$.normalizer");
            TokenizerJson.checkMergePrefix(shown, root.get("model"));
        }
        return loadChecked(text, options);
    }

    /**
     * Loads a native tokenizer from a text that passed every check before: the same text (the same
     * SHA-256) as one a tokenizer was built from. A 17 MB {@code tokenizer.json} takes a tenth of a
     * second or more to parse again, per load. A tokenizer that pads is given a {@code padding}
     * section that pads on the left turned to the right ({@link TokenizerJson#paddedRight}).
     *
     * @param text the file's text, or the rebuilt text
     * @param options DJL's options for it
     * @return the tokenizer, which the caller must close
     * @throws IOException naming the file, line and column the library names and its reason, when it refuses the text
     */
    HuggingFaceTokenizer loadChecked(String text, Map<String, String> options) throws IOException {
        // a load costs about a second for a 250k-piece vocabulary: the line shows where each one comes from
        LOG.debug("loading a native tokenizer from {}{} with {}", file, rebuilt == null ? "" : " as rebuilt",
                new java.util.TreeMap<>(options));
        if (!"false".equals(options.get("padding")) && text.contains("\"Left\"")) {
            // DJL pads in the file's direction; prefine pads after a row's tokens
            JsonObject root = json(text);
            if (TokenizerJson.isLeft(root.get("padding"))) {
                text = TokenizerJson.paddedRight(root);
            }
        }
        try {
            // DJL reads a file through this same call
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                    options);
        } catch (RuntimeException e) {
            throw refusal(e);
        }
    }

    /**
     * Returns the text to load: the file's, read now, or the rebuilt text.
     *
     * @return the text
     * @throws IOException naming the file when it cannot be read or is not UTF-8
     */
    String text() throws IOException {
        return rebuilt == null ? JsonFiles.read(file) : rebuilt;
    }

    /**
     * Parses the text {@link #text()} gave.
     *
     * @param text the text
     * @return its top-level object
     * @throws IOException naming the file, and the line and column, when the text does not hold a JSON object
     */
    JsonObject json(String text) throws IOException {
        return JsonFiles.object(text, file, rebuilt != null);
    }

    /**
     * Takes the value {@link #standardValue} read as the top-level object, as {@link #json(String)} does.
     *
     * @param value the value
     * @param text the text it was read from
     * @return the object
     * @throws IOException naming the file, when the text does not hold a JSON object
     */
    JsonObject json(JsonElement value, String text) throws IOException {
        return JsonFiles.object(value, text, file, rebuilt != null);
    }

    /** The library's refusal, located in the file (or in the text rebuilt from it) as the library locates it. */
    private IOException refusal(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        Matcher untagged = UNTAGGED.matcher(message);
        // serde names the enum only: PreTokenizerUntagged is the pre_tokenizer of tokenizer.json
        String expected = untagged.find() ? "; expected a " + untagged.group(1).replaceAll("([a-z])([A-Z])", "$1_$2")
                .toLowerCase(Locale.ROOT) + " of a type the tokenizers library knows, with that type's fields" : "";
        Matcher place = PLACE.matcher(message);
        if (!place.matches()) {
            return new IOException(file + ": the tokenizers library refuses " + (rebuilt == null ? "it" : "the text"
                    + " rebuilt from it") + ": " + message + expected, e);
        }
        String reason = place.group(1) + expected;
        if (rebuilt == null) {
            return new IOException(file + ":" + place.group(2) + ": the tokenizers library refuses it at column "
                    + place.group(3) + ": " + reason, e);
        }
        // the rebuilt text's lines are not the file's
        return new IOException(file + ": the tokenizers library refuses the text rebuilt from it at line "
                + place.group(2) + " column " + place.group(3) + ": " + reason, e);
    }
}
