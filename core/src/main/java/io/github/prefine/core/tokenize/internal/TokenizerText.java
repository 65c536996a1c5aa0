package io.github.prefine.core.tokenize.internal;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@code tokenizer.json} read and parsed once, for a load that both inspects its components and
 * hands it to the native tokenizer ({@link
 * io.github.prefine.core.tokenize.SubwordTokenizer.Builder#setTokenizerText}): a 17 MB file (XLM-R's)
 * is then read and parsed by Gson once, not once per reader. Not API.
 *
 * <p>Immutable but for {@link #json()}, which a loader may change before it calls {@link
 * #rebuilt(String)}. Not a record: its {@code toString} would print the whole text.
 */
public final class TokenizerText {
    private final Path file;
    private final String text;
    private final JsonObject json;
    private final boolean rebuilt;

    private TokenizerText(Path file, String text, JsonObject json, boolean rebuilt) {
        this.file = file;
        this.text = text;
        this.json = json;
        this.rebuilt = rebuilt;
    }

    /**
     * Reads a {@code tokenizer.json} and parses it.
     *
     * @param file the file
     * @return its text and top-level object
     * @throws IOException as {@link JsonFiles#object(Path)}
     */
    public static TokenizerText read(Path file) throws IOException {
        String text = JsonFiles.read(file);
        return new TokenizerText(file, text, JsonFiles.object(text, file, false), false);
    }

    /**
     * The same file, rebuilt: {@link #json()}, as the loader changed it, written out.
     *
     * @param text {@link #json()} serialized, which the native tokenizer loads in place of the file's text
     * @return the rebuilt tokenizer, sharing this one's object
     */
    public TokenizerText rebuilt(String text) {
        return new TokenizerText(file, text, json, true);
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
     * Tells whether the text was rebuilt from the file.
     *
     * @return true after {@link #rebuilt(String)}
     */
    public boolean isRebuilt() {
        return rebuilt;
    }

    /** Omits the text, which may run to megabytes. */
    @Override
    public String toString() {
        return "TokenizerText[" + file + (rebuilt ? ", rebuilt" : "") + "]";
    }
}
