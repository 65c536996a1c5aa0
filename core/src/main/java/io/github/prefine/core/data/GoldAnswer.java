package io.github.prefine.core.data;

import java.util.Objects;

/**
 * A gold answer of an extractive QA example: its text and where it starts in the context.
 *
 * <p>Immutable and thread-safe.
 *
 * @param text the answer text, exactly {@code context.substring(start, start + text.length())}
 * <p>The QA files (SQuAD, MRQA, QED, SubjQA) count offsets in code points, as Python does; their
 * readers convert, so that an answer after an emoji or another character outside the Basic
 * Multilingual Plane still lies at its offset here.
 *
 * @param start character offset in the context (UTF-16 index, as Java strings count)
 */
public record GoldAnswer(String text, int start) {
    /**
     * Checks the fields.
     *
     * @param text the answer text, exactly {@code context.substring(start, start + text.length())}
     *     <p>The QA files (SQuAD, MRQA, QED, SubjQA) count offsets in code points, as Python does; their
     *     readers convert, so that an answer after an emoji or another character outside the Basic
     *     Multilingual Plane still lies at its offset here.
     * @param start character offset in the context (UTF-16 index, as Java strings count)
     */
    public GoldAnswer {
        Objects.requireNonNull(text, "text");
        if (start < 0) {
            throw new IllegalArgumentException("answer start " + start + " is negative");
        }
    }

    /**
     * Returns the exclusive end offset.
     *
     * @return {@code start + text.length()}
     */
    public int end() {
        return start + text.length();
    }
}
