package io.github.prefine.examples.cli;

import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.task.ExtractiveQa;
import io.github.prefine.core.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks of option values that commands run before any work (no encoder written, no engine
 * started), so a typo costs a second and not an 87 MB download or an hour of training. Every
 * failure is an {@link IllegalArgumentException} whose message names the option, what was
 * expected, what was found and what to pass instead. Stateless.
 */
final class OptionChecks {
    private OptionChecks() {}

    /**
     * Rejects a value below a minimum.
     *
     * @param option the option's name, for example {@code --batch-size}
     * @param value its value
     * @param min the smallest allowed value
     */
    static void atLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(option + ": expected a whole number of at least " + min + ", found "
                    + value + "; pass for example " + option + " " + Math.max(min, 1) + " or leave it out for the default");
        }
    }

    /**
     * Rejects an empty or blank value of an option that names a file, a folder or a model: read as a
     * path it would be the working directory. Options of type {@code Path} are refused so by
     * {@link PrefineCli#withValueRules}; this is for those read as text (a model id or a folder,
     * {@code -} or a file).
     *
     * @param option the option's name
     * @param value its value (may be null: the default applies)
     * @param expected what the option takes, for the message
     */
    static void notBlank(String option, String value, String expected) {
        if (value != null && value.isBlank()) {
            throw new IllegalArgumentException(option + ": expected " + expected + ", found "
                    + (value.isEmpty() ? "an empty value" : "only blanks '" + value + "'"));
        }
    }

    /**
     * Rejects featurization lengths that cannot make a window: {@code --max-length},
     * {@code --qa-max-length} and {@code --qa-stride}, the stride shorter than a QA window.
     *
     * @param maxLength tokens per sequence
     * @param qaMaxLength tokens per QA window
     * @param qaStride overlap of two QA windows
     */
    static void featureLengths(int maxLength, int qaMaxLength, int qaStride) {
        atLeast("--max-length", maxLength, FeatureSettings.MIN_LENGTH);
        atLeast("--qa-max-length", qaMaxLength, FeatureSettings.MIN_QA_WINDOW);
        atLeast("--qa-stride", qaStride, 1);
        if (qaStride >= qaMaxLength) {
            throw new IllegalArgumentException("--qa-stride: expected less than --qa-max-length " + qaMaxLength
                    + ", found " + qaStride + "; pass for example --qa-stride " + qaMaxLength / 3);
        }
    }

    /**
     * Rejects a length the encoder cannot read, before any work: rows longer than its positions
     * would leave every task featurized with it out of the run, as if its data were missing.
     * {@code --max-length} is checked where a task is not QA, {@code --qa-max-length} where one is.
     *
     * @param encoder the encoder's folder, holding {@code config.json}
     * @param tasks the tasks the command will featurize
     * @param maxLength {@code --max-length}
     * @param qaMaxLength {@code --qa-max-length}
     * @throws IOException if {@code config.json} cannot be read
     */
    static void lengthsFitEncoder(Path encoder, List<Task> tasks, int maxLength, int qaMaxLength) throws IOException {
        int positions = EncoderConfig.fromJson(encoder.resolve(EncoderCheckpoint.CONFIG_FILE)).maxSequenceLength();
        // told by type, as the featurizer reads it: a format built with new ExtractiveQa() is QA too
        if (tasks.stream().anyMatch(t -> !(t.format() instanceof ExtractiveQa))) {
            fitsEncoder(encoder, positions, "--max-length", maxLength);
        }
        if (tasks.stream().anyMatch(t -> t.format() instanceof ExtractiveQa)) {
            fitsEncoder(encoder, positions, "--qa-max-length", qaMaxLength);
        }
    }

    /**
     * Rejects one length the encoder cannot read: a saved model's or a Hugging Face folder's, read
     * with {@code --max-length} or {@code --qa-max-length} of {@code predict}.
     *
     * @param encoder the encoder's folder, holding {@code config.json}
     * @param option the option's name
     * @param length its value
     * @throws IOException if {@code config.json} cannot be read
     */
    static void lengthFitsEncoder(Path encoder, String option, int length) throws IOException {
        fitsEncoder(encoder, EncoderConfig.fromJson(encoder.resolve(EncoderCheckpoint.CONFIG_FILE)).maxSequenceLength(),
                option, length);
    }

    private static void fitsEncoder(Path encoder, int positions, String option, int length) {
        if (length > positions) {
            throw new IllegalArgumentException(option + " " + length + ": expected at most the " + positions
                    + " positions of the encoder " + encoder + " (from max_position_embeddings in its config.json); pass "
                    + option + " " + positions + " or less, or an encoder with more positions");
        }
    }

    /**
     * Rejects a learning rate that is not a positive finite number.
     *
     * @param option the option's name
     * @param values its values (may be null: the default applies)
     */
    static void learningRates(String option, List<Double> values) {
        if (values == null) {
            return;
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException(option + ": expected at least one learning rate, found none;"
                    + " pass for example " + option + " 1e-4,3e-4");
        }
        for (Double v : values) {
            learningRate(option, v);
        }
    }

    /**
     * Rejects a learning rate that is not a positive finite number.
     *
     * @param option the option's name
     * @param value its value (may be null: the default applies)
     */
    static void learningRate(String option, Double value) {
        if (value != null && !(value > 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(option + ": expected a positive learning rate, found " + value
                    + "; pass for example " + option + " 1e-4");
        }
    }

    /**
     * Checks that an output folder can be created or written: it is a directory (or absent) and
     * writable, as is the nearest existing parent when absent.
     *
     * @param option the option's name
     * @param out the folder
     */
    static void outputFolder(String option, Path out) {
        Path existing = folderCanExist(option, out);
        if (existing == null) {
            return;
        }
        if (!Files.isWritable(existing)) {
            throw new IllegalArgumentException(option + " " + out + ": " + existing + " is not writable;"
                    + " choose a writable " + option + " or fix its permissions");
        }
    }

    /**
     * Checks that a folder exists or could: it is a directory or absent, and the nearest existing
     * parent of an absent one is a directory, not a file.
     *
     * @param option the option's name
     * @param dir the folder
     * @return the folder or its nearest existing parent; null when none exists
     */
    static Path folderCanExist(String option, Path dir) {
        Path p = dir.toAbsolutePath().normalize();
        if (Files.exists(p) && !Files.isDirectory(p)) {
            throw new IllegalArgumentException(option + " " + dir + ": expected a directory, found a file;"
                    + " choose another " + option + " or remove the file");
        }
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw new IllegalArgumentException(option + " " + dir + ": " + existing + " is a file, expected a directory;"
                    + " choose another " + option);
        }
        return existing;
    }

    /**
     * Checks that an input folder exists and is a directory.
     *
     * @param option the option's name
     * @param dir the folder
     * @param what what the folder should hold, for the message
     */
    static void inputFolder(String option, Path dir, String what) {
        if (!Files.exists(dir)) {
            throw new IllegalArgumentException(option + " " + dir + ": no such directory; expected " + what
                    + "; pass " + option + " DIR");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + " " + dir + ": expected a directory, found a file; expected "
                    + what);
        }
        if (!Files.isReadable(dir)) {
            throw new IllegalArgumentException(option + " " + dir + ": not readable; fix its permissions");
        }
    }

    /**
     * Checks that an input file exists and is a regular, readable file.
     *
     * @param option the option or parameter name
     * @param file the file
     * @param what what the file should hold
     */
    static void inputFile(String option, Path file, String what) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(option + " " + file + ": no such file; expected " + what
                    + "; check the path");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + " " + file + ": expected a file, found a directory; expected "
                    + what);
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(option + " " + file + ": not readable; fix its permissions");
        }
    }
}
