package io.github.prefine.core.data;

/** Answer-versus-context checks shared by the QA readers. */
final class QaAnswers {
    private QaAnswers() {}

    /**
     * Converts an offset counted in code points (as Python counts, and so SQuAD, MRQA, QED and
     * SubjQA files) to a UTF-16 index into {@code context}; -1 when it lies outside.
     */
    static int utf16Offset(String context, int codePoints) {
        if (codePoints < 0) {
            return -1;
        }
        try {
            return context.offsetByCodePoints(0, codePoints);
        } catch (IndexOutOfBoundsException e) {
            return -1;
        }
    }

    /** The length of a text as Python counts it (code points), as the files' offsets count. */
    static int characters(String text) {
        return text.codePointCount(0, text.length());
    }

    /** Whether a non-empty text lies at {@code start}: an empty one would match at every offset. */
    static boolean matches(String context, String text, int start) {
        return !text.isEmpty() && start >= 0 && start + text.length() <= context.length()
                && context.regionMatches(start, text, 0, text.length());
    }

    static String expectation(String text, int start) {
        if (text.isEmpty()) {
            return "a non-empty answer at offset " + start + " of the context";
        }
        return "answer '" + clip(text) + "' at offset " + start + " of the context";
    }

    /** What the context holds at a code-point offset, for an error message. */
    static String found(String context, String text, int codePoints) {
        if (text.isEmpty()) {
            return "an empty answer text";
        }
        int start = utf16Offset(context, codePoints);
        if (start < 0 || start >= context.length()) {
            return "offset " + codePoints + " outside a context of " + characters(context) + " characters";
        }
        return "'" + clip(context.substring(start, Math.min(context.length(), start + text.length()))) + "'";
    }

    static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /**
     * Whitespace-insensitive repair: returns the end offset of the shortest context region from
     * {@code start} whose non-whitespace characters equal those of {@code text}, or -1.
     */
    static int whitespaceInsensitiveEnd(String context, String text, int start) {
        if (start < 0 || start > context.length()) {
            return -1;
        }
        int j = start;
        int k = 0;
        int lastMatched = -1;
        while (k < text.length()) {
            if (Character.isWhitespace(text.charAt(k))) {
                k++;
                continue;
            }
            while (j < context.length() && Character.isWhitespace(context.charAt(j))) {
                j++;
            }
            if (j >= context.length() || context.charAt(j) != text.charAt(k)) {
                return -1;
            }
            lastMatched = j;
            j++;
            k++;
        }
        return lastMatched < 0 ? -1 : lastMatched + 1;
    }
}
