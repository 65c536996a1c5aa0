package io.github.prefine.core.tokenize.internal;

import com.google.gson.JsonObject;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * A {@code tokenizer.json} read and parsed once, for a load that both inspects its components and
 * hands it to the native tokenizer ({@link #setOn}): a 17 MB file (XLM-R's) is then read and parsed
 * by Gson once, not once per reader. Not API.
 *
 * <p>Immutable but for {@link #json()}, which a loader may change before it calls {@link
 * #rebuilt(String)}. Not a record: its {@code toString} would print the whole text.
 */
public final class TokenizerText {
    private final Path file;
    private final String text;
    private final JsonObject json;
    private final boolean rebuilt;

    /**
     * The builder's own setter, installed by its class as it is initialised, so before any builder
     * exists: the way in stays out of {@link SubwordTokenizer.Builder}'s public methods.
     */
    private static volatile BiConsumer<SubwordTokenizer.Builder, TokenizerText> setter;

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
