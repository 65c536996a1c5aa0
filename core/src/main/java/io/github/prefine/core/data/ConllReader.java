package io.github.prefine.core.data;

import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.data.internal.LineReader;
import io.github.prefine.core.data.internal.TextFiles;
import io.github.prefine.eval.internal.Counts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads CoNLL-style sequence-labelling files (CoNLL-2002/2003, WNUT17, BIO slot files) into
 * {@link TokenExample}s.
 *
 * <p>One token per line, in columns; the token is the first column and the tag the last by
 * default, and both positions are configurable (MIT Movie puts the tag first). A line that is
 * empty or holds only whitespace (WNUT17's lone TAB) ends a sentence, whitespace being any Unicode
 * white space ({@link Character#isWhitespace} or a space separator: a line of U+00A0 no-break
 * spaces or U+3000 too, as Python's {@code str.isspace} reads it); such a line holding white space other than spaces, tabs
 * and CR is flagged at its line ({@link #OTHER_WHITESPACE_BREAK}), so that no break is guessed
 * silently. Lines whose token column
 * starts with {@code -DOCSTART-} are document boundaries and are neither tokens nor sentences. A
 * byte-order mark at the file start is removed; U+FEFF characters inside tokens (WNUT17's {@code
 * Dubbz\ufeff}) are removed too, and so are those opening a later line (files joined with {@code cat})
 * that is otherwise blank, a document start or a comment, so that they hide none of them, or whose
 * first column is not the token (MIT Movie's tag); all are counted in the report. Every line of a file must have
 * the same number of columns (taken from the first token line unless set), so a tag column missing
 * mid-file is caught. Tags are checked against the declared {@link FileTagScheme}, and IOB1 and IO are
 * converted to IOB2. In an IOB2 or BIOES file an {@code I-} tag that opens an entity is kept as
 * written and flagged at its line ({@link #I_OPENS_ENTITY}): many of them mean an IOB1 file read
 * with the wrong scheme. Comment lines before a sentence (CoNLL-U's {@code # sent_id = 1}) are
 * passed over with {@link Builder#optCommentPrefix}.
 *
 * <p>Example ids are {@code file:line} of the sentence's first token. Immutable and thread-safe.
 */
public final class ConllReader implements DatasetReader<TokenExample> {
    private static final Logger LOG = LoggerFactory.getLogger(ConllReader.class);
    private static final String DOCSTART = "-DOCSTART-";

    /** How the columns of a line are separated. */
    public enum Separator {
        /** Any run of spaces and tabs; leading and trailing whitespace is ignored. */
        WHITESPACE,
        /** Exactly one TAB between columns; empty columns are kept. */
        TAB
    }

    /** Skip reason: a line with another number of columns than the file's first token line. */
    public static final String WRONG_FIELD_COUNT = "wrong field count";
    /** Skip reason: a tag not valid in the declared scheme. */
    public static final String INVALID_TAG = "invalid tag";
    /** Skip reason: a line that is not valid UTF-8. */
    public static final String INVALID_UTF8 = Defects.INVALID_UTF8;
    /** Skip reason: a token that is empty (after removing U+FEFF). */
    public static final String EMPTY_TOKEN = "empty token";
    /** Skip reason: a file without any sentence. */
    public static final String EMPTY_FILE = Defects.EMPTY_FILE;
    /** Repair key: IOB1 or IO tags rewritten to IOB2. */
    public static final String CONVERTED_TO_IOB2 = "tag converted to IOB2";
    /**
     * Flag reason: in an IOB2 or BIOES file, an {@code I-} tag that opens an entity (after {@code O},
     * another type, or at the sentence start). Kept as written, as the evaluation reads the tags; many
     * of them say the file is IOB1 ({@link FileTagScheme#IOB1} converts them).
     */
    public static final String I_OPENS_ENTITY = "I- tag opening an entity";
    /**
     * Cleaning kind ({@link ReadReport#cleaned}): a line starting with the comment prefix ({@link
     * Builder#optCommentPrefix}) before a sentence's first token, passed over.
     */
    public static final String COMMENT_LINE_PASSED_OVER = "comment line passed over";
    /**
     * Flag reason: a line of only white space that holds some other than spaces, tabs and CR (U+00A0,
     * U+3000, U+000B...), read as a sentence break as a blank line is; its sample names the line and
     * its characters. A no-break space was a token line of one field before, refused for its width,
     * while a line of U+3000 ended the sentence unreported.
     */
    public static final String OTHER_WHITESPACE_BREAK = "sentence break on a line of other white space";

    private final Separator separator;
    private final int tokenColumn;
    private final int tagColumn;
    private final int columns;
    private final FileTagScheme scheme;
    private final String commentPrefix;

    private ConllReader(Builder b) {
        this.separator = b.separator;
        this.tokenColumn = b.tokenColumn;
        this.tagColumn = b.tagColumn;
        this.columns = b.columns;
        this.scheme = b.scheme;
        this.commentPrefix = b.commentPrefix;
    }

    /**
     * Starts a builder; the defaults read {@code token ... tag} whitespace-separated IOB2 files.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this reader's settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.separator = separator;
        b.tokenColumn = tokenColumn;
        b.tagColumn = tagColumn;
        b.columns = columns;
        b.scheme = scheme;
        b.commentPrefix = commentPrefix;
        return b;
    }

    /**
     * Returns the tag scheme of the files this reader reads.
     *
     * @return the input scheme
     */
    public FileTagScheme scheme() {
        return scheme;
    }

    @Override
    public Class<TokenExample> exampleType() {
        return TokenExample.class;
    }

    @Override
    public ReadResult<TokenExample> read(Path file, Leniency leniency, LongConsumer bytesRead) throws IOException {
        Objects.requireNonNull(leniency, "leniency");
        String name = TextFiles.shortName(file);
        ReadReport.Builder report = new ReadReport.Builder(name);
        List<TokenExample> out = new ArrayList<>();
        int expectedColumns = columns;
        List<String> tokens = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        int firstLine = -1;
        Defects.Found defect = null;
        int sentences = 0;
        int bomsInside = 0;
        int converted = 0;
        int comments = 0;
        // one instance per distinct token and tag: a file repeats a few tags and a vocabulary of
        // words hundreds of thousands of times, and the examples keep them for the task's lifetime
        Map<String, String> canonical = new HashMap<>();
        try (LineReader lines = TextFiles.lines(file, leniency, report, bytesRead)) {
            try {
                int last = 0;
                boolean end = false;
                while (!end) {
                    TextFiles.Line line = lines.next();
                    if (line == null) {
                        // a sentinel blank line flushes the last sentence
                        line = new TextFiles.Line(last + 1, "");
                        end = true;
                    } else {
                        last = line.number();
                    }
                    String text = line.text();
                    int marks = TextFiles.leadingMarks(text);
                    if (marks > 0 && holdsNoToken(text.substring(marks))) {
                        // files joined with cat: the next file's marks would hide a -DOCSTART-, blank or
                        // comment line (line 1's own first mark LineReader removed); each counted as in a
                        // token, every one removed as JSON lines' are. A token line keeps them, removed
                        // from its token below as before
                        text = text.substring(marks);
                        bomsInside += marks;
                    }
                    boolean blank = text != null && TextFiles.isBlank(text);
                    if (blank && !end) {
                        flagOtherWhitespace(text, name, line.number(), report);
                    }
                    String[] fields = text == null || blank ? null : fields(text);
                    // a -DOCSTART- line ends a sentence as a blank line does, and is not a token
                    boolean boundary = text != null && (fields == null || isDocStart(fields));
                    if (boundary) {
                        if (firstLine >= 0 || defect != null) {
                            sentences++;
                            if (defect != null) {
                                defect.skip(report);
                            } else {
                                if (scheme == FileTagScheme.IOB2 || scheme == FileTagScheme.BIOES) {
                                    flagOpeningI(tags, name, firstLine, report);
                                }
                                List<String> t = new ArrayList<>(scheme.toTrainingScheme(tags));
                                for (int i = 0; i < t.size(); i++) {
                                    if (!t.get(i).equals(tags.get(i))) {
                                        converted++;
                                        t.set(i, canonical.computeIfAbsent(t.get(i), k -> k));
                                    }
                                }
                                out.add(new TokenExample(name + ":" + firstLine, tokens, t));
                            }
                        }
                        tokens = new ArrayList<>();
                        tags = new ArrayList<>();
                        firstLine = -1;
                        defect = null;
                        continue;
                    }
                    if (commentPrefix != null && firstLine < 0 && defect == null && text != null
                            && text.startsWith(commentPrefix)) {
                        comments++;
                        continue;
                    }
                    if (text == null) {
                        // lenient only: strict mode threw while decoding
                        defect = defect == null ? Defects.invalidUtf8(line) : defect;
                        if (firstLine < 0) {
                            firstLine = line.number();
                        }
                        continue;
                    }
                    if (firstLine < 0) {
                        firstLine = line.number();
                    }
                    if (defect != null) {
                        continue;
                    }
                    if (expectedColumns == 0) {
                        expectedColumns = fields.length;
                        if (expectedColumns < 2 || Math.max(tokenColumn, tagColumn) >= expectedColumns
                                || Math.min(tokenColumn, tagColumn) < -expectedColumns) {
                            defect = Defects.found(leniency, WRONG_FIELD_COUNT, name, line.number(),
                                    fieldsNeeded(), fields.length + commentHint(text));
                            expectedColumns = 0;
                            continue;
                        }
                        if (index(tokenColumn, expectedColumns) == index(tagColumn, expectedColumns)) {
                            // of this many fields a negative column names the other's: each token would be its own tag
                            defect = Defects.found(leniency, WRONG_FIELD_COUNT, name, line.number(),
                                    "token column " + tokenColumn + " and tag column " + tagColumn + " in different fields",
                                    fields.length + " " + sepName() + " fields, which make both field "
                                            + index(tokenColumn, expectedColumns));
                            expectedColumns = 0;
                            continue;
                        }
                    }
                    if (fields.length != expectedColumns) {
                        defect = Defects.found(leniency, WRONG_FIELD_COUNT, name, line.number(),
                                expectedColumns + " " + sepName() + " fields" + columnNames(expectedColumns),
                                fields.length + commentHint(text));
                        continue;
                    }
                    int first = TextFiles.leadingMarks(fields[0]);
                    if (first > 0 && index(tokenColumn, fields.length) != 0) {
                        // a later file's mark opening a tag-first line (cat) would go into the tag; a
                        // token loses its marks below
                        fields[0] = fields[0].substring(first);
                        bomsInside += first;
                    }
                    String token = fields[index(tokenColumn, fields.length)];
                    String tag = fields[index(tagColumn, fields.length)];
                    if (token.indexOf(TextFiles.BOM) >= 0) {
                        int before = token.length();
                        token = token.replace(String.valueOf(TextFiles.BOM), "");
                        bomsInside += before - token.length();
                    }
                    if (token.isEmpty()) {
                        defect = Defects.found(leniency, EMPTY_TOKEN, name, line.number(), "a non-empty token", "an empty one");
                        continue;
                    }
                    if (!scheme.isValid(tag)) {
                        defect = Defects.found(leniency, INVALID_TAG, name, line.number(),
                                scheme.describe() + " (" + scheme + ")", "'" + tag + "'");
                        continue;
                    }
                    tokens.add(canonical.computeIfAbsent(token, k -> k));
                    tags.add(canonical.computeIfAbsent(tag, k -> k));
                }
            } catch (MalformedDatasetException e) {
                throw lines.outranking(e);
            }
        }
        report.clean(ReadReport.BOM_INSIDE, bomsInside);
        report.clean(COMMENT_LINE_PASSED_OVER, comments);
        if (converted > 0) {
            for (int i = 0; i < converted; i++) {
                report.repair(CONVERTED_TO_IOB2);
            }
        }
        Defects.requireRecords(sentences, leniency, report, name, "", "at least one sentence", "an empty file");
        ReadReport r = report.records(sentences).examples(out.size()).build();
        Defects.warnSkips(LOG, r, "sentence");
        int opening = r.flagged(I_OPENS_ENTITY);
        if (opening > 0) {
            LOG.warn("{}: {} an entity, kept as written (read an IOB1 file with optScheme(FileTagScheme.IOB1)); first: {}",
                    name, Counts.counted(opening, "I- tag") + (opening == 1 ? " opens" : " open"),
                    r.samples(I_OPENS_ENTITY).get(0));
        }
        return new ReadResult<>(out, r);
    }

    /**
     * Flags each {@code I-} tag of a kept IOB2 or BIOES sentence that does not continue a {@code B-}
     * or {@code I-} of its type; a sentence's tokens lie on consecutive lines from {@code firstLine}.
     */
    private void flagOpeningI(List<String> tags, String name, int firstLine, ReadReport.Builder report) {
        String prev = null;
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i);
            if (tag.startsWith("I-")) {
                String type = tag.substring(2);
                boolean continues = prev != null && (prev.startsWith("B-") || prev.startsWith("I-"))
                        && prev.substring(2).equals(type);
                if (!continues) {
                    report.flag(I_OPENS_ENTITY, new MalformedDatasetException(name, Integer.toString(firstLine + i),
                            "B-" + type + ", or " + tag + " after B-" + type + " or " + tag + " (" + scheme
                                    + " opens an entity with B-; a file whose entities open with I- is IOB1)",
                            "'" + tag + "' " + (prev == null ? "opening the sentence" : "after '" + prev + "'"))
                            .getMessage());
                }
            }
            prev = tag;
        }
    }

    /** Flags a blank line holding white space other than spaces and tabs, naming its characters. */
    private static void flagOtherWhitespace(String text, String name, int line, ReadReport.Builder report) {
        if (text.chars().allMatch(ConllReader::plainBlank)) {
            return;
        }
        String found = text.codePoints().filter(c -> !plainBlank(c)).distinct()
                .mapToObj(c -> String.format(java.util.Locale.ROOT, "U+%04X", c)).collect(Collectors.joining(", "));
        report.flag(OTHER_WHITESPACE_BREAK, new MalformedDatasetException(name, Integer.toString(line),
                "a blank line of spaces and tabs, or a token line", "a line of only white space holding " + found
                        + ", read as a sentence break").getMessage());
    }

    /** Space, TAB, or a CR left by a doubled CR before LF (a line end to Python's universal newlines). */
    private static boolean plainBlank(int c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    /** Whether a line is blank, a document start or a comment: a line that holds no token. */
    private boolean holdsNoToken(String text) {
        return TextFiles.isBlank(text) || isDocStart(fields(text))
                || commentPrefix != null && text.startsWith(commentPrefix);
    }

    /** The token column starts with -DOCSTART-; a line too short to have one (a bare marker) is judged by its first field. */
    private boolean isDocStart(String[] fields) {
        int token = index(tokenColumn, fields.length);
        return fields[token >= 0 && token < fields.length ? token : 0].startsWith(DOCSTART);
    }

    /**
     * Splits a line into its fields: at each tab, or at runs of spaces and tabs of the stripped
     * line (as {@code text.strip().split("[ \\t]+")}, without a regular expression per line).
     */
    private String[] fields(String text) {
        if (separator == Separator.TAB) {
            return text.split("\t", -1);
        }
        int begin = 0;
        int end = text.length();
        while (begin < end && Character.isWhitespace(text.charAt(begin))) {
            begin++;
        }
        while (end > begin && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (begin == end) {
            return new String[] {""};
        }
        List<String> out = new ArrayList<>(4);
        int start = begin;
        for (int i = begin; i < end; i++) {
            char ch = text.charAt(i);
            if (ch == ' ' || ch == '\t') {
                if (i > start) {
                    out.add(text.substring(start, i));
                }
                start = i + 1;
            }
        }
        out.add(text.substring(start, end));
        return out.toArray(new String[0]);
    }

    /**
     * Names {@link Builder#optCommentPrefix} for a line of the wrong width that starts with
     * {@code #}, the comment mark of CoNLL-U and MultiCoNER files, when no prefix is set; with one
     * set, such a line starting with it is a comment inside a sentence (no blank line before it).
     */
    private String commentHint(String text) {
        if (commentPrefix != null) {
            return !text.startsWith(commentPrefix) ? "" : " (a line starting with the comment prefix '" + commentPrefix
                    + "' inside a sentence: comments are passed over only before a sentence's first token; end the"
                    + " sentence before it with a blank line)";
        }
        if (!text.startsWith("#")) {
            return "";
        }
        return " (a line starting with '#': if it is a comment, optCommentPrefix(\"#\") passes over such lines"
                + " before a sentence)";
    }

    private String sepName() {
        return separator == Separator.TAB ? "tab-separated" : "whitespace-separated";
    }

    /** The fields the token and tag columns need, as a defect's expectation. */
    private String fieldsNeeded() {
        int need = Math.max(2, Math.max(Math.max(tokenColumn, tagColumn) + 1, -Math.min(tokenColumn, tagColumn)));
        if (need == 2) {
            return "at least 2 " + sepName() + " fields (token, tag)";
        }
        // columns beyond the defaults: name them, or the count contradicts the line it refuses
        return "at least " + need + " " + sepName() + " fields (token column " + tokenColumn + ", tag column "
                + tagColumn + ")";
    }

    private String columnNames(int n) {
        if (n == 2) {
            return index(tokenColumn, 2) == 0 ? " (token, tag)" : " (tag, token)";
        }
        return "";
    }

    private static int index(int column, int size) {
        return column >= 0 ? column : size + column;
    }

    /** Builder for {@link ConllReader}; mutable and single-threaded. */
    public static final class Builder {
        private Separator separator = Separator.WHITESPACE;
        private int tokenColumn = 0;
        private int tagColumn = -1;
        private int columns = 0;
        private FileTagScheme scheme = FileTagScheme.IOB2;
        private String commentPrefix;

        private Builder() {}

        /**
         * Sets how columns are separated.
         *
         * @param separator default {@link Separator#WHITESPACE}
         * @return this builder
         */
        public Builder optSeparator(Separator separator) {
            this.separator = Objects.requireNonNull(separator, "separator");
            return this;
        }

        /**
         * Sets the token column; negative counts from the end ({@code -1} is the last).
         *
         * @param column default 0
         * @return this builder
         */
        public Builder optTokenColumn(int column) {
            this.tokenColumn = column;
            return this;
        }

        /**
         * Sets the tag column; negative counts from the end ({@code -1} is the last).
         *
         * @param column default -1 (the last column)
         * @return this builder
         */
        public Builder optTagColumn(int column) {
            this.tagColumn = column;
            return this;
        }

        /**
         * Sets the number of columns every token line must have.
         *
         * @param columns default 0, meaning the count of the file's first token line
         * @return this builder
         */
        public Builder optColumns(int columns) {
            this.columns = columns;
            return this;
        }

        /**
         * Sets the tag scheme of the input; IOB1 and IO are converted to IOB2.
         *
         * @param scheme default {@link FileTagScheme#IOB2}
         * @return this builder
         */
        public Builder optScheme(FileTagScheme scheme) {
            this.scheme = Objects.requireNonNull(scheme, "scheme");
            return this;
        }

        /**
         * Passes over comment lines: a line that starts with {@code prefix} before a sentence's
         * first token (CoNLL-U's {@code # sent_id = 1} and {@code # text = ...}, MultiCoNER's
         * {@code # id ...}), counted as {@link #COMMENT_LINE_PASSED_OVER}. Inside a sentence such a
         * line is a token line, as a token {@code #} is in a tweet (one of the wrong width is refused
         * as a comment without a blank line before it); so a sentence whose first token
         * starts with the prefix would be taken for a comment: give the longest prefix the
         * comments share ({@code "# id "} rather than {@code "#"}) where tokens can start with it.
         *
         * @param prefix what a comment line starts with, not empty; default none (every line is
         *     a token line, a blank line or a {@code -DOCSTART-} line)
         * @return this builder
         * @throws IllegalArgumentException if the prefix is empty or starts with whitespace
         */
        public Builder optCommentPrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (prefix.isEmpty() || Character.isWhitespace(prefix.charAt(0))) {
                // an empty prefix would pass over every sentence; a blank one, lines that end sentences
                throw new IllegalArgumentException("comment prefix must be non-empty and start with a visible"
                        + " character, found '" + prefix + "'");
            }
            this.commentPrefix = prefix;
            return this;
        }

        /**
         * Builds the reader.
         *
         * @return the reader
         * @throws IllegalArgumentException if the columns are inconsistent
         */
        public ConllReader build() {
            if (columns == 1 || columns < 0) {
                throw new IllegalArgumentException("columns must be 0 (inferred) or at least 2, found " + columns);
            }
            if (columns >= 2) {
                int tok = index(tokenColumn, columns);
                int tag = index(tagColumn, columns);
                if (tok < 0 || tok >= columns || tag < 0 || tag >= columns) {
                    throw new IllegalArgumentException("token column " + tokenColumn + " or tag column "
                            + tagColumn + " is outside " + columns + " columns");
                }
                if (tok == tag) {
                    throw new IllegalArgumentException("token column " + tokenColumn + " and tag column " + tagColumn
                            + " are both column " + tok + " of " + columns);
                }
            }
            if (tokenColumn == tagColumn) {
                throw new IllegalArgumentException("token and tag columns are both " + tokenColumn);
            }
            return new ConllReader(this);
        }
    }
}
