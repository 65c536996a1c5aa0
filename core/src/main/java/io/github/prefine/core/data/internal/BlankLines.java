package io.github.prefine.core.data.internal;

import io.github.prefine.core.data.ReadReport;
import io.github.prefine.eval.internal.Counts;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * The blank lines a line-read file's reader passes over, counted and reported as the CSV reader
 * reports its own: under {@link ReadReport#cleaned} as {@link ReadReport#BLANK_LINE_PASSED_OVER}
 * and once in the log with the first lines' numbers. Nothing is passed over unseen. Not API.
 * Not thread-safe.
 */
public final class BlankLines {
    /** How many blank lines' numbers the log line names. */
    public static final int FIRST = 3;

    private int count;
    private final List<Integer> first = new ArrayList<>();

    /** Starts with none noted: one per file read. */
    public BlankLines() {}

    /**
     * Notes one blank line passed over.
     *
     * @param line its 1-based number
     */
    public void add(int line) {
        count++;
        if (first.size() < FIRST) {
            first.add(line);
        }
    }

    /**
     * Counts the lines noted into the report and says so once in the log; nothing when none.
     *
     * @param log the reader's log
     * @param report receives the count
     * @param file the short name of the file the lines are in
     * @param how why they are no records, after "passed over N blank lines" (say, {@code ", as
     *     Python's csv.reader does"}), or ""
     */
    public void report(Logger log, ReadReport.Builder report, String file, String how) {
        report(log, report, file, how, count, first);
    }

    /**
     * Counts blank lines passed over into the report and says so once in the log; nothing when
     * {@code n} is 0.
     *
     * @param log the reader's log
     * @param report receives the count
     * @param file the short name of the file the lines are in
     * @param how why they are no records, or ""
     * @param n how many were passed over
     * @param first the first ones' 1-based numbers, at most {@value #FIRST}
     */
    public static void report(Logger log, ReadReport.Builder report, String file, String how, int n,
            List<Integer> first) {
        if (n == 0) {
            return;
        }
        report.clean(ReadReport.BLANK_LINE_PASSED_OVER, n);
        String lines = first.stream().map(String::valueOf).collect(Collectors.joining(", "));
        log.info("{}: passed over {}{} ({} {}{})", file, Counts.counted(n, "blank line"), how, Counts.noun(n, "line"),
                lines, n > first.size() ? ", ..." : "");
    }
}
