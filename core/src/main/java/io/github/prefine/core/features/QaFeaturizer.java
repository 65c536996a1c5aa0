package io.github.prefine.core.features;

import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.tokenize.Pieces;
import io.github.prefine.core.tokenize.SpecialTokenLayout;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import io.github.prefine.core.tokenize.Truncation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns {@link QaExample}s into {@link QaFeatures} the way HF's {@code run_qa.py} prepares SQuAD:
 * question first (leading whitespace removed, as Python's {@code lstrip()} does), context second,
 * only the context truncated, into windows of the maximum length that overlap by the stride.
 *
 * <p>A window's target is the token span of the first gold answer with text left once leading and
 * trailing whitespace is removed (no-break spaces included, as Python's {@code strip()} reads it)
 * that overlaps a context token of some window, less that whitespace, when that answer lies wholly
 * inside the window's context, else position 0 ({@code [CLS]}/{@code <s>}); {@code run_qa.py} takes
 * {@code answers[0]} even when it is blank. The answers passed over are counted ({@link
 * #ANSWERS_PASSED_OVER}).
 * Two departures from {@code run_qa.py}'s search, whose targets there lie
 * outside the answer: an answer starting in the window's last context token targets that token
 * (the script's start search walks on over the closing separator's (0, 0) offset), and the end
 * is never before the start (the script's end search stops on XLM-R's lone "▁" before the
 * context's first word, which shares that word's first character, for an answer ending there).
 * The target search reads a context token as reaching past the characters
 * right after it that no token covers and that are not whitespace (what the normalizer removed:
 * combining marks once accents are stripped, format and control characters, U+FFFD), so that an
 * answer ending in one targets its own word. The kept character span, which answers are decoded
 * with, is the tokenizer's own, as in HF's {@code offset_mapping}, except that it reaches over the
 * uncovered combining marks right after the token: HF's {@code run_qa.py} decodes "Москва́" as
 * "Москва" and Hindi "है" as "ह" under BERT's accent stripping, prefine as the whole word. A format
 * or control character after a word stays out of the answer's text, as in HF. Skipped and
 * reported: examples none of whose answers covers a context token, each having no text but
 * whitespace (empty or whitespace-only, even where a token's offsets cover that whitespace, as
 * XLM-R's may) or only characters the normalizer removed (a lone U+200B under BERT); a task scores a
 * skipped question as unanswered; examples whose
 * context has no tokens, whose question leaves the context no more tokens than the stride (a
 * setting against the question, reported as such), or that the tokenizer rejects otherwise.
 * Counted but kept: answers in no single window, answer boundaries inside a token, unlabelled examples. Immutable and thread-safe; the given tokenizer is not owned.
 */
public final class QaFeaturizer extends FeaturizerBase {
    /**
     * Why an example whose question leaves the context no more tokens than the stride is skipped:
     * a setting (max length, stride) against the question, not a defect of the input. One reason
     * for every such example, so that a report counts them together; a predictor adds the numbers.
     */
    public static final String NO_ROOM = "question leaves the context no more tokens than the stride at this max length";

    /**
     * Feature report counter: kept questions whose target answer lies wholly inside no window
     * (longer than a window's context, or across a window's edge with too small a stride), so that
     * every window trains it as having no answer.
     */
    public static final String NO_SINGLE_WINDOW = "answer in no single window";

    /**
     * Feature report counter: gold answers passed over before a kept question's target, since they
     * have no text but whitespace or their text maps to no context token (a lone U+200B that the
     * normalizer removed); the question trains the first answer that maps to a token.
     */
    public static final String ANSWERS_PASSED_OVER = "answers passed over: no context token";

    private final int stride;
    private final boolean fastPath;

    private QaFeaturizer(Builder b) {
        super(b);
        stride = b.stride;
        fastPath = b.fastPath;
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Featurizes the examples with native batch encoding.
     *
     * @param examples the examples; the feature's example index refers to this list
     * @return the windows and their report
     * @throws IOException when the tokenizer variant cannot be loaded
     */
    public QaFeatures featurize(List<QaExample> examples) throws IOException {
        Acc acc = new Acc(report(examples.size()), tokenizer.padId());
        ProgressSteps steps = progress(examples.size());
        int done = fastPath ? featurizeByPieces(examples, acc, steps) : 0;
        if (done < examples.size()) {
            featurizeByPairs(examples, done, acc, steps);
        }
        steps.finish();
        return acc.finish();
    }

    /**
     * Fast path: tokenizes each distinct context and each question once, without special tokens,
     * and builds the windows the way the tokenizer's only-second truncation with a stride does.
     * Works through the examples in batches of the batch size, a context being tokenized with the
     * first batch that holds it. Returns how many examples, from the start, it featurized: all of
     * them, or fewer when the tokenizer's special-token layout is not known (none) or a batch holds
     * a text that piece encoding refuses (those before that batch), for the reference path to go on.
     */
    private int featurizeByPieces(List<QaExample> examples, Acc acc, ProgressSteps steps) {
        Optional<SpecialTokenLayout> found = tokenizer.specialTokenLayout();
        if (found.isEmpty()) {
            return 0;
        }
        SpecialTokenLayout layout = found.get();
        // a context's pieces: the batch's encoding that holds it and its row there
        Map<String, ContextPieces> contextIndex = new HashMap<>();
        List<Window> windows = new ArrayList<>();
        for (int from = 0; from < examples.size(); from += batchSize) {
            int to = Math.min(examples.size(), from + batchSize);
            List<String> questions = new ArrayList<>(to - from);
            List<String> contexts = new ArrayList<>();
            Map<String, Integer> fresh = new HashMap<>();
            for (int i = from; i < to; i++) {
                QaExample ex = examples.get(i);
                questions.add(lstrip(ex.question()));
                if (!contextIndex.containsKey(ex.context()) && fresh.putIfAbsent(ex.context(), contexts.size()) == null) {
                    contexts.add(ex.context());
                }
            }
            Pieces q;
            Pieces c;
            try {
                q = tokenizer.encodePieces(questions, false);
                c = tokenizer.encodePieces(contexts, true);
            } catch (IllegalArgumentException ex) {
                return from;
            }
            for (int r = 0; r < contexts.size(); r++) {
                contextIndex.put(contexts.get(r), new ContextPieces(c, r));
            }
            for (int i = from; i < to; i++) {
                ContextPieces cp = contextIndex.get(examples.get(i).context());
                addWindows(examples.get(i), i, q, i - from, cp.pieces(), cp.row(), layout, windows, acc);
            }
            steps.report(to);
        }
        return examples.size();
    }

    /**
     * The question without its leading whitespace as Python's {@code str.lstrip()} removes it in HF's
     * {@code run_qa.py}: Java's own whitespace plus the no-break spaces (U+00A0, U+2007, U+202F) and
     * U+0085, which XLM-R's NFKC would turn into spaces and Metaspace into a token of their own.
     * Public so that a message about a question counts the tokens of the question as featurized.
     *
     * @param question a question as given
     * @return the question as this featurizer encodes it
     */
    public static String lstrip(String question) {
        int i = 0;
        while (i < question.length() && isSpace(question.charAt(i))) {
            i++;
        }
        return question.substring(i);
    }

    /** Whitespace as Python's {@code str.strip()} reads it. */
    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /** A context's row in the piece encoding of the batch that first held it. */
    private record ContextPieces(Pieces pieces, int row) {}

    /** Builds one example's windows from its question's and its context's pieces and adds them. */
    private void addWindows(QaExample example, int i, Pieces q, int qRow, Pieces c, int cRow, SpecialTokenLayout layout,
            List<Window> windows, Acc acc) {
        int[] prefix = layout.pairPrefix();
        int[] middle = layout.pairMiddle();
        int[] suffix = layout.pairSuffix();
        int added = layout.pairAdded();
        int qFrom = q.rowStart()[qRow];
        int qLen = q.length(qRow);
        int cFrom = c.rowStart()[cRow];
        int cLen = c.length(cRow);
        int maxB = cLen;
        if (qLen + cLen + added > maxLength) {
            int toRemove = qLen + cLen + added - maxLength;
            maxB = cLen - toRemove;
            if (maxB <= 0 || stride >= maxB) {
                acc.report.skip(example.id(), NO_ROOM);
                return;
            }
        }
        windows.clear();
        int step = maxB - stride;
        for (int from = 0; ; from += step) {
            int to = Math.min(from + maxB, cLen);
            int n = added + qLen + (to - from);
            int[] ids = new int[n];
            int[] types = new int[n];
            int k = 0;
            for (int id : prefix) {
                ids[k++] = id;
            }
            System.arraycopy(q.ids(), qFrom, ids, k, qLen);
            k += qLen;
            for (int id : middle) {
                ids[k++] = id;
            }
            int cs = k;
            System.arraycopy(c.ids(), cFrom + from, ids, k, to - from);
            k += to - from;
            int ce = k;
            for (int id : suffix) {
                ids[k++] = id;
            }
            Arrays.fill(types, 0, cs, layout.firstType());
            Arrays.fill(types, cs, n, layout.secondType());
            windows.add(new Window(ids, types, n, cs, ce, c.starts(), c.ends(), cFrom + from - cs));
            if (to >= cLen) {
                break;
            }
        }
        acc.example(example, i, windows);
    }

    /** Reference path: encodes every pair from {@code start} on through {@link SubwordTokenizer#encodePairBatch}. */
    private void featurizeByPairs(List<QaExample> examples, int start, Acc acc, ProgressSteps steps)
            throws IOException {
        try (SubwordTokenizer tok = ChunkEncoder.variant(tokenizer, maxLength, Truncation.ONLY_SECOND, stride)) {
            for (int from = start; from < examples.size(); from += batchSize) {
                int to = Math.min(examples.size(), from + batchSize);
                List<String> questions = new ArrayList<>(to - from);
                List<String> contexts = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    questions.add(lstrip(examples.get(i).question()));
                    contexts.add(examples.get(i).context());
                }
                TokenEncoding[] enc = ChunkEncoder.encode(
                        () -> tok.encodePairBatch(questions, contexts),
                        k -> tok.encodePair(questions.get(k), contexts.get(k)),
                        to - from);
                for (int i = from; i < to; i++) {
                    QaExample ex = examples.get(i);
                    TokenEncoding first = enc[i - from];
                    if (first == null) {
                        acc.report.skip(ex.id(), rejection(questions.get(i - from), ex.context()));
                        continue;
                    }
                    List<TokenEncoding> encodings = new ArrayList<>(1 + first.overflowing().size());
                    encodings.add(first);
                    encodings.addAll(first.overflowing());
                    List<Window> windows = new ArrayList<>(encodings.size());
                    for (TokenEncoding e : encodings) {
                        int[] range = contextRange(e);
                        int cs = range == null ? 0 : range[0];
                        int ce = range == null ? 0 : range[1];
                        windows.add(new Window(e.ids(), e.typeIds(), e.unpaddedLength(), cs, ce, e.starts(), e.ends(), 0));
                    }
                    acc.example(ex, i, windows);
                }
                steps.report(to);
            }
        }
    }

    /**
     * Why the tokenizer rejected a pair: {@link #NO_ROOM} when the pair needs truncation and its
     * question with the special tokens and the stride fills the max length (the fast path's test,
     * so both paths give one reason), else {@link ChunkEncoder#REJECTED}. Needs the special-token
     * layout; without it the reason stays the generic one.
     */
    private String rejection(String question, String context) {
        Optional<SpecialTokenLayout> layout = tokenizer.specialTokenLayout();
        if (layout.isEmpty()) {
            return ChunkEncoder.REJECTED;
        }
        int q;
        int c;
        try {
            q = tokenizer.encodePieces(List.of(question), false).length(0);
            c = tokenizer.encodePieces(List.of(context), false).length(0);
        } catch (IllegalArgumentException unencodable) {
            return ChunkEncoder.REJECTED;
        }
        int added = layout.get().pairAdded();
        boolean truncated = q + c + added > maxLength;
        return truncated && q + added + stride >= maxLength ? NO_ROOM : ChunkEncoder.REJECTED;
    }

    /**
     * One window: ids and type ids of its first {@code length} positions, its context positions
     * {@code [cs, ce)}, and the character span of context position {@code p} at {@code
     * starts[p + shift]}, {@code ends[p + shift]}.
     */
    private record Window(int[] ids, int[] types, int length, int cs, int ce, int[] starts, int[] ends, int shift) {
        int start(int p) {
            return starts[p + shift];
        }

        int end(int p) {
            return ends[p + shift];
        }
    }

    /**
     * Where context position {@code p} ends for the target search: its token's end, moved past the
     * characters right after it that no token of any window covers and that are not whitespace:
     * what the normalizer removed, as a combining mark once accents are stripped (the vowel sign of
     * Hindi "है", the stress mark of "Москва́"), a format or control character, U+FFFD. Without it an
     * answer ending in such a character was mapped to the next token.
     */
    private static int searchEnd(String context, boolean[] covered, Window w, int p) {
        int end = w.end(p);
        while (end < context.length() && !covered[end] && !Character.isWhitespace(context.charAt(end))
                && !Character.isSpaceChar(context.charAt(end))) {
            end++;
        }
        return end;
    }

    /**
     * Where the text of context position {@code p} ends, which answers are decoded with: its
     * token's end (HF's offset), moved past the uncovered combining marks right after it, so that a
     * span ending on "है" keeps the vowel sign that accent stripping removed. Format and control
     * characters stay out, as HF's slice leaves them: "Paris" followed by U+00AD decodes as "Paris".
     */
    private static int textEnd(String context, boolean[] covered, Window w, int p) {
        int end = w.end(p);
        while (end < context.length() && !covered[end] && isMark(context.codePointAt(end))) {
            end += Character.charCount(context.codePointAt(end));
        }
        return end;
    }

    private static boolean isMark(int cp) {
        int t = Character.getType(cp);
        return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK
                || t == Character.ENCLOSING_MARK;
    }

    /** Collects windows and their targets; mutable, single-threaded. */
    private static final class Acc {
        final ReportCollector report;
        final TokenRows.Builder rows;
        final IntBuffer exampleOf = new IntBuffer();
        final IntBuffer startPos = new IntBuffer();
        final IntBuffer endPos = new IntBuffer();
        final IntBuffer ctxStart = new IntBuffer();
        final IntBuffer ctxEnd = new IntBuffer();
        final IntBuffer base = new IntBuffer();
        final IntBuffer charStarts = new IntBuffer();
        final IntBuffer charEnds = new IntBuffer();

        Acc(ReportCollector report, int padId) {
            this.report = report;
            this.rows = TokenRows.builder(padId);
        }

        void example(QaExample ex, int i, List<Window> windows) {
            for (Window w : windows) {
                if (w.cs() == w.ce()) {
                    report.skip(ex.id(), "context has no tokens");
                    return;
                }
            }
            // the first answer with text that touches a context token; those before it are counted
            int[] answer = null;
            int passedOver = 0;
            for (GoldAnswer a : ex.answers()) {
                int[] span = trimmed(ex.context(), a);
                if (span[0] < span[1] && touchesToken(windows, span)) {
                    answer = span;
                    break;
                }
                passedOver++;
            }
            // no answer with text left (empty, or whitespace that XLM-R's tokens may cover) on a token: nothing to target
            if (answer == null && !ex.answers().isEmpty()) {
                report.skip(ex.id(), "answer text maps to no context token");
                return;
            }
            if (passedOver > 0) {
                report.count(ANSWERS_PASSED_OVER, passedOver);
            }
            if (answer == null) {
                report.count(FeatureReport.UNLABELLED_QUESTIONS, 1);
            }
            boolean[] covered = new boolean[ex.context().length()];
            for (Window w : windows) {
                for (int p = w.cs(); p < w.ce(); p++) {
                    Arrays.fill(covered, w.start(p), w.end(p), true);
                }
            }
            boolean inSome = false;
            boolean boundaryInside = false;
            for (Window w : windows) {
                int cs = w.cs();
                int ce = w.ce();
                int[] ends = new int[ce - cs];
                int[] textEnds = new int[ce - cs];
                for (int p = cs; p < ce; p++) {
                    ends[p - cs] = searchEnd(ex.context(), covered, w, p);
                    textEnds[p - cs] = textEnd(ex.context(), covered, w, p);
                }
                int s = 0;
                int t = 0;
                if (answer != null && w.start(cs) <= answer[0] && ends[ce - 1 - cs] >= answer[1]) {
                    // HF run_qa.py's search: the last token starting at or before the answer, the first
                    // ending at or after it; a boundary in a gap no token covers moves inward
                    s = cs;
                    while (s < ce && w.start(s) <= answer[0]) {
                        s++;
                    }
                    s--;
                    if (ends[s - cs] <= answer[0]) {
                        s++;
                    }
                    t = ce - 1;
                    while (t >= cs && ends[t - cs] >= answer[1]) {
                        t--;
                    }
                    t++;
                    if (w.start(t) >= answer[1]) {
                        t--;
                    }
                    // a token before the start sharing its span (XLM-R's lone "▁" takes the
                    // context's first character) stopped the search: HF's end precedes its start there
                    t = Math.max(t, s);
                    inSome = true;
                    // counted where the target's decoded text is not the answer's
                    boundaryInside |= w.start(s) != answer[0] || textEnds[t - cs] != answer[1];
                    report.count("windows with the answer", 1);
                } else if (answer != null) {
                    report.count("windows without the answer (target 0)", 1);
                }
                rows.add(w.ids(), w.types(), w.length());
                exampleOf.add(i);
                startPos.add(s);
                endPos.add(t);
                ctxStart.add(cs);
                ctxEnd.add(ce);
                base.add(charStarts.size);
                for (int p = cs; p < ce; p++) {
                    charStarts.add(w.start(p));
                    charEnds.add(textEnds[p - cs]);
                }
            }
            if (windows.size() > 1) {
                report.truncated();
            }
            report.max("max windows per example", windows.size());
            if (answer != null && !inSome) {
                report.count(NO_SINGLE_WINDOW, 1);
            }
            if (boundaryInside) {
                report.count("answer boundary inside a token", 1);
            }
        }

        /** Whether a character span overlaps a context token of some window. */
        private static boolean touchesToken(List<Window> windows, int[] span) {
            for (Window w : windows) {
                for (int p = w.cs(); p < w.ce(); p++) {
                    if (w.start(p) < span[1] && w.end(p) > span[0]) {
                        return true;
                    }
                }
            }
            return false;
        }

        /**
         * The answer's span without leading and trailing whitespace as {@link #lstrip} reads it (no-break
         * spaces included), empty for an answer of whitespace only: left in, a leading space made the search start on the word before it, and
         * a trailing no-break space, which XLM-R's next token covers, made it end on the word after.
         */
        private static int[] trimmed(String context, GoldAnswer a) {
            int from = a.start();
            int to = a.end();
            while (from < to && isSpace(context.charAt(from))) {
                from++;
            }
            while (to > from && isSpace(context.charAt(to - 1))) {
                to--;
            }
            return new int[] {from, to};
        }

        QaFeatures finish() {
            TokenRows built = rows.build();
            int n = built.rowCount();
            base.add(charStarts.size);
            long bytes = built.storedBytes() + 4L * (5L * n + 1) + 8L * charStarts.size;
            return new QaFeatures(
                    built, exampleOf.toArray(), startPos.toArray(), endPos.toArray(), ctxStart.toArray(),
                    ctxEnd.toArray(), base.toArray(), charStarts.toArray(), charEnds.toArray(),
                    report.finish(n, built.tokenCount(), bytes));
        }
    }

    /** Returns {first, end} of the sequence-1 positions, or null when there are none. */
    private static int[] contextRange(TokenEncoding e) {
        int[] seq = e.sequenceIds();
        int first = -1;
        int last = -1;
        for (int p = 0; p < seq.length; p++) {
            if (seq[p] == 1) {
                if (first < 0) {
                    first = p;
                }
                last = p;
            }
        }
        return first < 0 ? null : new int[] {first, last + 1};
    }

    /** A growable int array. */
    private static final class IntBuffer {
        private int[] data = new int[256];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    /**
     * Builds a {@link QaFeaturizer}; mutable and single-threaded.
     *
     * <p>Required: {@link #setTokenizer}. {@link #build()} checks that the stride is positive and
     * below the maximum length ({@link FeatureSettings#checkQaStride}), that the sizes are positive
     * and that the maximum length is at least {@link FeatureSettings#MIN_QA_WINDOW}.
     *
     * <p>Defaults: maximum length (the window length, question and special tokens included) 384,
     * batch size 512 examples, name {@code qa}.
     */
    public static final class Builder extends FeaturizerBuilder<Builder> {
        private int stride = 128;
        private boolean fastPath = true;

        private Builder() {
            super(384, 512, "qa");
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets how many context tokens consecutive windows share. Default 128.
         *
         * @param stride in {@code (0, maxLength)}, as {@link FeatureSettings#qaStride} is
         * @return this builder
         */
        public Builder optStride(int stride) {
            this.stride = stride;
            return this;
        }

        /**
         * Sets whether each distinct context and each question is tokenized once, without special
         * tokens, and the windows are assembled in Java following the tokenizer's only-second
         * truncation with a stride, when the tokenizer's special-token layout is known. Default
         * true. False encodes every pair through the tokenizer's batch pair encoding; both give
         * the same features.
         *
         * @param fastPath false to force pair encoding
         * @return this builder
         */
        public Builder optFastPath(boolean fastPath) {
            this.fastPath = fastPath;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the featurizer
         * @throws IllegalArgumentException if the stride, a size or the window is out of range, the
         *     window shorter than {@link FeatureSettings#MIN_QA_WINDOW} naming this featurizer's name
         */
        public QaFeaturizer build() {
            requireTokenizer();
            checkSizes();
            FeatureSettings.checkQaWindow(name, maxLength);
            // the rule FeatureSettings holds qaStride to: 0 was taken here and refused there
            FeatureSettings.checkQaStride(name, stride, maxLength);
            return new QaFeaturizer(this);
        }
    }
}
