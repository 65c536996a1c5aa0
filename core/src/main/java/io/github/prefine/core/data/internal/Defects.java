package io.github.prefine.core.data.internal;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.MalformedDatasetException;
import io.github.prefine.core.data.ReadReport;
import io.github.prefine.eval.internal.Counts;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The one rule every reader applies to a defect: strict mode throws it, lenient mode skips the
 * smallest unit holding it and counts the skip per reason. Not API.
 */
public final class Defects {
    private Defects() {}

    /** Skip reason: a line (or row) that is not valid UTF-8. */
    public static final String INVALID_UTF8 = "invalid UTF-8";
    /** Skip reason: an input without any record. */
    public static final String EMPTY_FILE = "empty file";
    /** Skip reason: a row or line whose label field is empty or only whitespace. */
    public static final String EMPTY_LABEL = "empty label";

    /**
     * Applies the leniency to a defective unit that is dropped now.
     *
     * @param leniency strict throws {@code defect}; lenient counts one skip for {@code reason}
     * @param report receives the skip
     * @param reason the skip reason
     * @param defect the located error
     * @throws MalformedDatasetException {@code defect}, in strict mode
     */
    public static void skip(
            Leniency leniency, ReadReport.Builder report, String reason, MalformedDatasetException defect)
            throws MalformedDatasetException {
        if (leniency == Leniency.STRICT) {
            throw defect;
        }
        report.skip(reason, defect.getMessage());
    }

    /**
     * A defect found in lenient mode whose unit is dropped later: the skip reason and the located
     * message a strict read would have thrown.
     *
     * @param reason the skip reason
     * @param sample the located message
     */
    public record Found(String reason, String sample) {
        /**
         * Counts the skip of the unit holding this defect.
         *
         * @param report receives the skip and its sample
         */
        public void skip(ReadReport.Builder report) {
            report.skip(reason, sample);
        }
    }

    /**
     * Applies the leniency to a defect on one line, for a caller that drops the unit (and counts
     * the skip) later, as a CoNLL sentence is dropped at its end.
     *
     * @param leniency strict throws; lenient returns the reason and the message
     * @param reason the skip reason to return
     * @param file short file name
     * @param line 1-based line number
     * @param expected what the line should have held
     * @param found what it held
     * @return the reason and the located message, in lenient mode
     * @throws MalformedDatasetException located at {@code file:line}, in strict mode
     */
    public static Found found(
            Leniency leniency, String reason, String file, int line, String expected, String found)
            throws MalformedDatasetException {
        MalformedDatasetException e = new MalformedDatasetException(file, Integer.toString(line), expected, found);
        if (leniency == Leniency.STRICT) {
            throw e;
        }
        return new Found(reason, e.getMessage());
    }

    /**
     * What a label field holds where {@link #EMPTY_LABEL} applies, for its message.
     *
     * @param label the field's text
     * @param empty what an empty one is called, for example {@code "an empty field"}
     * @return {@code null} when the label has a character other than whitespace, else {@code
     *     empty} for an empty one and {@code "only whitespace \" \""} (JSON-quoted) for a blank one
     */
    public static String emptyLabel(String label, String empty) {
        if (!label.isBlank()) {
            return null;
        }
        return label.isEmpty() ? empty : "only whitespace " + new com.google.gson.JsonPrimitive(label);
    }

    /** What an empty label was expected to be, with the way to read a file that has none. */
    public static final String NO_LABELS_HINT = "(a file without labels is read with no label configured)";

    /**
     * The located message of a line that is not valid UTF-8, as a lenient read skips it.
     *
     * @param line a line whose text is null
     * @return its message, as a strict read would have thrown it
     */
    public static Found invalidUtf8(TextFiles.Line line) {
        return new Found(INVALID_UTF8, line.invalid());
    }

    /**
     * Applies the leniency to an input that held no record at all.
     *
     * @param records the records seen
     * @param leniency strict throws; lenient counts one {@link #EMPTY_FILE} skip
     * @param report receives the skip
     * @param file short file name
     * @param location where in the file, or empty
     * @param expected what the file should have held
     * @param found what it held
     * @throws MalformedDatasetException when {@code records} is 0, in strict mode
     */
    public static void requireRecords(
            int records,
            Leniency leniency,
            ReadReport.Builder report,
            String file,
            String location,
            String expected,
            String found)
            throws MalformedDatasetException {
        if (records == 0) {
            skip(leniency, report, EMPTY_FILE, new MalformedDatasetException(file, location, expected, found));
        }
    }

    /**
     * Logs what a lenient read dropped, once per file: for a file without any unit, why the whole
     * file was skipped; otherwise the units read, kept and skipped, which add up since each skip
     * drops one unit.
     *
     * @param log the reader's logger
     * @param r the finished report
     * @param unit what a unit is called, singular, for example {@code "row"}
     */
    public static void warnSkips(Logger log, ReadReport r, String unit) {
        if (!warnEmpty(log, r, unit) && r.totalSkipped() > 0) {
            log.warn("{}: read {}, kept {}, skipped {}: {}", r.file(), Counts.counted(r.records(), unit), r.examples(),
                    r.totalSkipped(), r.skipped());
        }
    }

    /**
     * Logs why a lenient read skipped a whole file that held no unit. Its {@link #EMPTY_FILE} skip
     * is the file's, not a unit's, so "skipped 1 of 0" would misreport it.
     *
     * @param log the reader's logger
     * @param r the finished report
     * @param unit what a unit is called, singular, for example {@code "row"}
     * @return whether the file was skipped as empty (and logged)
     */
    public static boolean warnEmpty(Logger log, ReadReport r, String unit) {
        if (r.skipped(EMPTY_FILE) == 0) {
            return false;
        }
        log.warn("{}; read {}, kept 0: skipped the file", r.samples(EMPTY_FILE).get(0), Counts.counted(0, unit));
        return true;
    }

    /**
     * Logs what a lenient read of questions dropped, once per file, where not every skip drops one
     * counted unit: a skipped answer is a part of a question ({@code DataReport.PART_REASONS}), and
     * a line that is no JSON drops questions never counted. Gives the units read and kept (their
     * difference is what the unit-level reasons dropped) and the skips per reason, with no total
     * set against the units; a file without any unit is logged as {@link #warnEmpty} logs it, with
     * what was skipped before.
     *
     * @param log the reader's logger
     * @param r the finished report
     * @param unit what a unit is called, singular, for example {@code "question"}
     */
    public static void warnSkipsPerReason(Logger log, ReadReport r, String unit) {
        warnSkipsPerReason(log, r, unit, "");
    }

    /**
     * Logs as {@link #warnSkipsPerReason(Logger, ReadReport, String)} does, for a reader whose
     * examples are not its units (SubjQA reads rows and keeps questions, several rows each): the
     * count kept is followed by what it counts.
     *
     * @param log the reader's logger
     * @param r the finished report
     * @param unit what a unit read is called, singular, for example {@code "row"}
     * @param kept what an example kept is called, singular, for example {@code "question"}; empty when
     *     examples are units
     */
    public static void warnSkipsPerReason(Logger log, ReadReport r, String unit, String kept) {
        Map<String, Integer> before = new LinkedHashMap<>(r.skipped());
        before.remove(EMPTY_FILE);
        if (r.skipped(EMPTY_FILE) > 0) {
            log.warn("{}; read {}, kept 0: skipped the file{}", r.samples(EMPTY_FILE).get(0), Counts.counted(0, unit),
                    before.isEmpty() ? "" : ", after skipping " + before);
        } else if (!before.isEmpty()) {
            log.warn("{}: read {}, kept {}{}; skipped {}", r.file(), Counts.counted(r.records(), unit), r.examples(),
                    kept.isEmpty() ? "" : " " + Counts.noun(r.examples(), kept), before);
        }
    }
}
