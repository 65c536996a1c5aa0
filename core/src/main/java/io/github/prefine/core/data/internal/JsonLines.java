package io.github.prefine.core.data.internal;

import com.google.gson.JsonObject;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.MalformedDatasetException;
import io.github.prefine.core.data.ReadReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a JSON-lines file one object per non-blank line, with the leniency applied per line,
 * holding one line at a time. Not API.
 *
 * <p>Every non-blank line is a record; a blank line is passed over and counted as {@link
 * ReadReport#BLANK_LINE_PASSED_OVER}, as the CSV reader counts its own. Each U+FEFF opening a line after the file's first (whose mark
 * {@link LineReader} removes) is removed and counted as {@link ReadReport#BOM_AT_LINE_START}. A
 * line that is not valid UTF-8 throws while decoding in strict mode and is skipped as {@link
 * Defects#INVALID_UTF8} in lenient mode. A line that is not a JSON object, or that the handler
 * rejects, throws in strict mode and is skipped as {@link #MALFORMED_LINE} in lenient mode;
 * examples the handler kept before rejecting stay kept.
 */
public final class JsonLines {
    private JsonLines() {}

    private static final Logger LOG = LoggerFactory.getLogger(JsonLines.class);

    /** Skip reason: a line that is not a JSON object of the expected shape. */
    public static final String MALFORMED_LINE = "malformed JSON line";

    /** What a reader does with the object of one line. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Handles one line.
         *
         * @param object the line's JSON object
         * @param at errors located at this file and line, JSON paths from {@code $}
         * @param line the 1-based line number
         * @throws MalformedDatasetException if the object has the wrong shape
         */
        void accept(JsonObject object, Json.At at, int line) throws MalformedDatasetException;
    }

    /**
     * Hands the object of every non-blank line to {@code handler}, in file order.
     *
     * @param file the file ({@code .gz} is decompressed)
     * @param leniency whether defective lines throw or are skipped and counted
     * @param report receives skips, the byte-order-mark count and the blank lines passed over
     * @param bytesRead receives the number of the file's bytes each read took
     * @param handler turns each object into examples
     * @return the number of non-blank lines, kept or skipped
     * @throws IOException on read failure or, strictly, a defective line
     */
    public static int forEachObject(Path file, Leniency leniency, ReadReport.Builder report, LongConsumer bytesRead,
            Handler handler) throws IOException {
        String name = TextFiles.shortName(file);
        int records = 0;
        BlankLines blank = new BlankLines();
        try (LineReader lines = TextFiles.lines(file, leniency, report, bytesRead)) {
            try {
                for (TextFiles.Line read = lines.next(); read != null; read = lines.next()) {
                    // Gson would pass over one mark unseen (files joined with cat); json.loads refuses it.
                    // Every one goes: Gson passes over a second once the first is gone
                    TextFiles.Line line = TextFiles.withoutLeadingMarks(read, report);
                    String text = line.text();
                    if (text != null && text.isBlank()) {
                        blank.add(line.number());
                        continue;
                    }
                    records++;
                    if (text == null) {
                        // lenient only: strict mode threw while decoding
                        Defects.invalidUtf8(line).skip(report);
                        continue;
                    }
                    String ln = Integer.toString(line.number());
                    Json.At at = new Json.At(name, ln);
                    try {
                        handler.accept(at.object(Json.parse(text, name, ln), "$"), at, line.number());
                    } catch (MalformedDatasetException e) {
                        Defects.skip(leniency, report, MALFORMED_LINE, e);
                    }
                }
            } catch (MalformedDatasetException e) {
                throw lines.outranking(e);
            }
        }
        blank.report(LOG, report, name, "");
        return records;
    }
}
