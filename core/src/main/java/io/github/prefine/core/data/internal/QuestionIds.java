package io.github.prefine.core.data.internal;

import io.github.prefine.core.data.ReadReport;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The question ids a QA read has kept, so that one used again is flagged naming both places: an
 * id-keyed predictions file (SQuAD's official script, MRQA's) holds one answer per id, while
 * prefine scores by position, so both questions are kept. Not API. Not thread-safe.
 */
public final class QuestionIds {
    /** Flag reason: a kept question whose id an earlier kept question of the file has. */
    public static final String DUPLICATE_ID = "question id used before";

    private static final String EXPECTED = "a question id not used before (an id-keyed predictions file holds one"
            + " answer per id; prefine scores by position)";

    // id to where it was first seen: a JSON path, or "line N, path" in a JSON-lines file
    private final Map<String, String> first = new HashMap<>();

    /** Starts with no id seen. */
    public QuestionIds() {}

    /**
     * Notes a kept question's id, flagging it when an earlier question had it.
     *
     * @param id the question id
     * @param at the file and line the question is on
     * @param line the line number, empty in a whole JSON document
     * @param path the id's JSON path
     * @param report receives the flag, its sample naming both places
     */
    public void add(String id, Json.At at, String line, String path, ReadReport.Builder report) {
        String here = line.isEmpty() ? path : "line " + line + ", " + path;
        String before = first.putIfAbsent(id, here);
        if (before != null) {
            report.flag(DUPLICATE_ID, at.error(path, EXPECTED, new com.google.gson.JsonPrimitive(id) + " again, first at "
                    + before).getMessage());
        }
    }

    /**
     * Warns once when a read flagged repeated ids.
     *
     * @param log the reader's logger
     * @param r the read's report
     */
    public static void warn(Logger log, ReadReport r) {
        int n = r.flagged(DUPLICATE_ID);
        if (n > 0) {
            log.warn("{}: {} with the id of an earlier one; kept, each scored against its own answers"
                    + " (an id-keyed predictions file would hold one answer for both), e.g. {}", r.file(),
                    io.github.prefine.eval.internal.Counts.counted(n, "question"),
                    r.samples(DUPLICATE_ID).get(0));
        }
    }
}
