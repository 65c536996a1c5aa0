package io.github.prefine.core.grid;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The steps that {@code fp16-mixed} training skipped because a gradient overflowed float16 (the
 * loss scaler's skips, made by {@code torch.amp.GradScaler}'s rules), summed over a grid's
 * training runs from their records: each pre-finetuning run's {@code history.json} and each
 * finetuning run's {@code lr-<rate>.json} carry {@code skippedSteps} when the run had a loss
 * scaler. Runs in fp32 or bf16-mixed, which cannot skip a step, record none and are not counted.
 *
 * <p>Immutable and thread-safe.
 *
 * @param runs training runs whose records carry a count
 * @param runsWithSkips those of them that skipped at least one step
 * @param total the steps skipped in all of them
 * @param most the most steps one run skipped
 */
public record SkippedSteps(int runs, int runsWithSkips, long total, long most) {
    /** No run with a loss scaler. */
    public static final SkippedSteps NONE = new SkippedSteps(0, 0, 0, 0);

    /** The field of a run record that holds the count. */
    static final String FIELD = "skippedSteps";

    /**
     * Sums the counts in the records of a grid's output folder, from every process that shared it.
     *
     * @param layout the grid's files
     * @return the sums; {@link #NONE} when no record carries a count
     * @throws IOException if a record cannot be read, is not a JSON object in UTF-8, or its count is not a whole number (the message names the file)
     */
    public static SkippedSteps collect(GridLayout layout) throws IOException {
        int runs = 0;
        int withSkips = 0;
        long total = 0;
        long most = 0;
        for (Path record : layout.trainingRunRecords()) {
            // names the file and the line of a byte that is not UTF-8 or where the text stops being JSON
            JsonObject root = JsonFiles.object(record);
            JsonElement count = root.get(FIELD);
            if (count == null) {
                continue;
            }
            String expected = "a whole number of steps, 0 or more";
            long n = JsonShapes.wholeLong(count, "$." + FIELD, (at, whole, found) -> new IOException(
                    record + " " + at + ": expected " + expected + ", found " + found));
            if (n < 0) {
                throw new IOException(record + " $." + FIELD + ": expected " + expected + ", found " + count);
            }
            runs++;
            total += n;
            most = Math.max(most, n);
            if (n > 0) {
                withSkips++;
            }
        }
        return new SkippedSteps(runs, withSkips, total, most);
    }

    /**
     * Returns the line a run summary prints, when any run had a loss scaler.
     *
     * @return e.g. {@code fp16-mixed: 196 steps skipped for overflow in 150 of 1482 training runs,
     *     at most 3 in one}; empty for {@link #NONE}
     */
    public Optional<String> summaryLine() {
        if (runs == 0) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "fp16-mixed: %d steps skipped for overflow in %d of %d training runs%s",
                total, runsWithSkips, runs, total == 0 ? "" : ", at most " + most + " in one"));
    }
}
