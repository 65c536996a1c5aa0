package io.github.prefine.eval.files;

import io.github.prefine.eval.internal.JsonShapes;
import io.github.prefine.eval.metrics.SpanF1;
import io.github.prefine.eval.metrics.SpanReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads a CoNLL-style prediction file (token, gold tag, predicted tag) and scores it like seqeval.
 *
 * <p>Each non-blank line holds columns separated by spaces and tabs: token, gold tag and predicted tag are the
 * last three (so extra leading columns are allowed, as in conlleval output). Lines that hold only
 * white space (Python's {@code str.isspace}: U+00A0 and U+3000 too, as the core CoNLL reader reads
 * them) separate sentences; {@code -DOCSTART-} lines are skipped. The file must be UTF-8 and
 * hold at least one token line. Stateless.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConllPredictions {

    /** The scheme's name in the strict extractor's refusal ("tag prefix not allowed by IOB2, ..."). */
    private static final java.util.regex.Pattern SCHEME = java.util.regex.Pattern.compile("not allowed by (\\S+),");

    private ConllPredictions() {}

    /**
     * Gold and predicted tags of a file, one list per sentence.
     *
     * @param gold gold tags
     * @param predicted predicted tags, same shape
     */
    public record Tags(List<List<String>> gold, List<List<String>> predicted) {
        /**
         * Copies the lists.
         *
         * @param gold see the record description
         * @param predicted see the record description
         */
        public Tags {
            gold = gold.stream().map(List::copyOf).toList();
            predicted = predicted.stream().map(List::copyOf).toList();
        }
    }

    /**
     * Reads the tags of a file.
     *
     * @param file the CoNLL file (UTF-8)
     * @return gold and predicted tags
     * @throws PredictionFileException if a byte is not UTF-8, a line has fewer than three columns
     *     (file, line, count), or there is no token line
     * @throws IOException if reading fails
     */
    public static Tags read(Path file) throws IOException {
        return read(file, new ArrayList<>());
    }

    /** Reads the tags, and into {@code lineNumbers} the file line of each token, one list per sentence. */
    private static Tags read(Path file, List<List<Integer>> lineNumbers) throws IOException {
        Objects.requireNonNull(file, "file");
        List<List<String>> gold = new ArrayList<>();
        List<List<String>> pred = new ArrayList<>();
        List<String> g = new ArrayList<>();
        List<String> p = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        String[] lines = StrictText.readUtf8(file).split("\r\n|[\n\r]", -1);
        for (int i = 0; i < lines.length; i++) {
            int no = i + 1;
            String line = lines[i];
            String s = line.strip();
            // a -DOCSTART- line ends the sentence like a blank line (conlleval reads it as an O token)
            if (blank(line) || s.startsWith("-DOCSTART-")) {
                if (!g.isEmpty()) {
                    gold.add(g);
                    pred.add(p);
                    lineNumbers.add(at);
                    g = new ArrayList<>();
                    p = new ArrayList<>();
                    at = new ArrayList<>();
                }
                continue;
            }
            String[] cols = s.split("[ \t]+");
            if (cols.length < 3) {
                throw new PredictionFileException(file, Integer.toString(no),
                        "3 whitespace-separated columns (token, gold, predicted)", cols.length + " in \""
                                + JsonShapes.abbreviate(line) + "\"");
            }
            g.add(cols[cols.length - 2]);
            p.add(cols[cols.length - 1]);
            at.add(no);
        }
        if (!g.isEmpty()) {
            gold.add(g);
            pred.add(p);
            lineNumbers.add(at);
        }
        if (gold.isEmpty()) {
            throw new PredictionFileException(file, "1", "at least one line of token, gold and predicted tag",
                    "no token lines");
        }
        return new Tags(gold, pred);
    }

    /**
     * Whether a line is blank as the core CoNLL reader reads it: every code point white space to
     * Python's {@code str.isspace} (Java's white space, a Unicode space separator such as U+00A0, or
     * U+0085). A line that is not is stripped of Java's white space at its ends ({@code strip()}) and
     * split into columns at runs of spaces and tabs, as that reader splits a token line; {@code \s+}
     * split at U+000B and U+000C too, and a line of no-break spaces was a line of one column.
     */
    private static boolean blank(String line) {
        return line.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85);
    }

    /**
     * Reads and scores a file.
     *
     * @param file the CoNLL file
     * @param scorer lenient (seqeval default) or strict scorer
     * @return overall and per-type scores
     * @throws PredictionFileException if the file is malformed, or in strict mode a tag's prefix is not
     *     the scheme's (naming the line and whether the gold or the predicted tag)
     * @throws IOException if reading fails
     */
    public static SpanReport score(Path file, SpanF1 scorer) throws IOException {
        List<List<Integer>> lineNumbers = new ArrayList<>();
        Tags t = read(file, lineNumbers);
        try {
            return scorer.score(t.gold(), t.predicted());
        } catch (IllegalArgumentException e) {
            throw refusedTag(file, scorer, t, lineNumbers, e);
        }
    }

    /**
     * The first tag in file order that the strict scorer refuses, by line and column: its own
     * message counts sentences and tokens, which a reader of the file would have to redo by hand. A
     * scheme refuses a tag for its prefix alone, so each tag is tried by itself.
     */
    private static PredictionFileException refusedTag(Path file, SpanF1 scorer, Tags t, List<List<Integer>> lineNumbers,
            IllegalArgumentException e) {
        for (int s = 0; s < t.gold().size(); s++) {
            for (int i = 0; i < t.gold().get(s).size(); i++) {
                for (String column : List.of("gold", "predicted")) {
                    String tag = (column.equals("gold") ? t.gold() : t.predicted()).get(s).get(i);
                    try {
                        scorer.spans(List.of(List.of(tag)));
                    } catch (IllegalArgumentException refused) {
                        java.util.regex.Matcher m = SCHEME.matcher(refused.getMessage());
                        String scheme = m.find() ? m.group(1) : "the strict scheme";
                        return new PredictionFileException(file, Integer.toString(lineNumbers.get(s).get(i)),
                                "a " + column + " tag whose prefix " + scheme + " allows", "\"" + tag + "\"", e);
                    }
                }
            }
        }
        return new PredictionFileException(file, "tags", "tags of the chosen scheme", e.getMessage(), e);
    }
}
