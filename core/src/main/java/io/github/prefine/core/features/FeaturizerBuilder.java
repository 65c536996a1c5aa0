package io.github.prefine.core.features;

import io.github.prefine.core.internal.OneLineNames;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.event.Level;

/**
 * The settings every featurizer builder shares: the tokenizer, the maximum length, the native
 * batch size, the report name, the report's log level and the progress listener, with their setters and checks. Each public builder supplies its
 * own defaults and documents them; mutable and single-threaded.
 *
 * @param <B> the concrete builder, returned by the setters for chaining
 */
abstract class FeaturizerBuilder<B extends FeaturizerBuilder<B>> {
    SubwordTokenizer tokenizer;
    int maxLength;
    int batchSize;
    String name;
    FeaturizationListener listener = FeaturizationListener.NONE;
    Level reportLevel = Level.INFO;

    FeaturizerBuilder(int maxLength, int batchSize, String name) {
        this.maxLength = maxLength;
        this.batchSize = batchSize;
        this.name = name;
    }

    /** Returns this builder as its concrete type. */
    abstract B self();

    /**
     * Sets the tokenizer to derive from (not owned). Required.
     *
     * @param tokenizer the base tokenizer; its truncation and padding settings are replaced
     * @return this builder
     */
    public B setTokenizer(SubwordTokenizer tokenizer) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        return self();
    }

    /**
     * Sets the maximum length of an encoded row, special tokens included; the default is in the
     * builder's class documentation.
     *
     * @param maxLength positive
     * @return this builder
     */
    public B optMaxLength(int maxLength) {
        this.maxLength = maxLength;
        return self();
    }

    /**
     * Sets how many examples go to one native batch call; the default is in the builder's class
     * documentation.
     *
     * @param batchSize positive
     * @return this builder
     */
    public B optBatchSize(int batchSize) {
        this.batchSize = batchSize;
        return self();
    }

    /**
     * Sets the name used in the report and logs; the default is in the builder's class
     * documentation.
     *
     * @param name the task or split name, one line of text that is not blank ({@code /} is fine:
     *     it names no file)
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or holds a control character, such as
     *     a line break that would split the report's log lines
     */
    public B optName(String name) {
        if (Objects.requireNonNull(name, "name").isBlank()) {
            throw new IllegalArgumentException("featurizer: optName must name what is featurized (the report's and log"
                    + " lines' name), found '" + name + "'");
        }
        int i = OneLineNames.controlCharacterAt(name);
        if (i >= 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "featurizer: optName must be one line (it"
                    + " starts the report's log lines), found control character U+%04X at index %d of the name",
                    (int) name.charAt(i), i));
        }
        this.name = name;
        return self();
    }

    /**
     * Sets who hears the featurization's progress, reported in the steps {@link
     * FeaturizationListener} documents; default {@link FeaturizationListener#NONE}.
     *
     * @param listener the listener, called on the featurizing thread
     * @return this builder
     */
    public B optListener(FeaturizationListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return self();
    }

    /**
     * Sets the level at which the report's counts are logged; default {@link Level#INFO}, one line
     * per featurization. A caller featurizing per request (a predictor) passes {@link Level#DEBUG}
     * so that its log does not grow by a line per request; skipped examples are then logged at
     * that level too, instead of WARN, since such a caller refuses them itself.
     *
     * @param level the level of the report's lines
     * @return this builder
     */
    public B optReportLevel(Level level) {
        this.reportLevel = Objects.requireNonNull(level, "level");
        return self();
    }

    /** Fails when no tokenizer was set. */
    void requireTokenizer() {
        Objects.requireNonNull(tokenizer, "tokenizer is required (setTokenizer)");
    }

    /** Fails when the maximum length or the batch size is not positive. */
    void checkSizes() {
        if (maxLength <= 0 || batchSize <= 0) {
            throw new IllegalArgumentException(
                    "maxLength and batchSize must be positive, found " + maxLength + " and " + batchSize);
        }
    }
}
