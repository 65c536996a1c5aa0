package io.github.prefine.examples.data;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.prefine.core.checkpoint.PlainFiles;
import io.github.prefine.core.data.SubjQaReader;
import io.github.prefine.core.task.Task;
import io.github.prefine.examples.data.HubDataset.Conll;
import io.github.prefine.examples.data.HubDataset.Jsonl;
import io.github.prefine.examples.data.HubDataset.LabelForm;
import io.github.prefine.examples.data.HubDataset.Mrqa;
import io.github.prefine.examples.data.HubDataset.Qed;
import io.github.prefine.examples.data.HubDataset.Squad;
import io.github.prefine.examples.data.HubDataset.SubjQa;
import io.github.prefine.examples.data.HubDataset.Tsv;
import io.github.prefine.examples.data.HubDataset.Wic;
import io.github.prefine.examples.data.parquet.ParquetFile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.zip.GZIPOutputStream;

/**
 * Writes one Hub split's rows as the catalog file its task reads, in that reader's format.
 *
 * <p>Output goes to a temporary sibling that the caller moves into place only after every split
 * of the task converted, so a failed conversion never leaves a half-written data file. Text that
 * the target format cannot hold (a TAB or line break inside a TSV field, whitespace inside a CoNLL
 * token) is replaced and counted in {@link #repairs()}; empty sentences are skipped and counted
 * there too, and so is a null text cell, written as an empty field. Not thread-safe; one instance
 * per task.
 */
final class CatalogWriter {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private final HubDataset dataset;
    private final Task task;
    private final FooterReader footers;
    private final Map<String, Integer> repairs = new TreeMap<>();
    /** The repair rule of a null cell read as text. */
    static final String NULL_TEXT = "null text written as an empty field";

    /** Opens a parquet file, reading its footer: {@link ParquetFile#open(Path)}, or a counting one in tests. */
    @FunctionalInterface
    interface FooterReader {
        ParquetFile open(Path file) throws IOException;
    }

    /** Receives a conversion's progress: parquet bytes decoded so far, out of the split's total. */
    @FunctionalInterface
    interface ConversionProgress {
        void progress(long done, long total);
    }

    CatalogWriter(HubDataset dataset, Task task) {
        this(dataset, task, ParquetFile::open);
    }

    CatalogWriter(HubDataset dataset, Task task, FooterReader footers) {
        this.dataset = dataset;
        this.task = task;
        this.footers = footers;
    }

    /** What was replaced or skipped while writing, by rule. */
    Map<String, Integer> repairs() {
        return repairs;
    }

    /**
     * Converts the rows of one Hub split.
     *
     * @param hubSplit the Hub split name, for messages
     * @param files the split's parquet files, in order
     * @param target the temporary output file
     * @return the rows written
     */
    int write(String hubSplit, List<Path> files, Path target) throws IOException {
        return write(hubSplit, open(files), target, bytes -> {});
    }

    /** Reads each file's footer, once. */
    private List<ParquetFile> open(List<Path> files) throws IOException {
        List<ParquetFile> out = new ArrayList<>(files.size());
        for (Path f : files) {
            out.add(footers.open(f));
        }
        return out;
    }

    /**
     * Converts one split, reporting the parquet bytes decoded: 0 of the total first, then as the
     * columns are decoded (decoding a large split takes seconds to minutes), then the total once the
     * rows are written.
     *
     * @param hubSplit the Hub split name, for messages
     * @param files the split's parquet files, in order
     * @param target the temporary output file
     * @param progress receives the bytes decoded and the split's total
     * @return the rows written
     */
    int convert(String hubSplit, List<Path> files, Path target, ConversionProgress progress) throws IOException {
        // one footer read per file: the total and the decoding both use it
        List<ParquetFile> parquet = open(files);
        long total = bytesToRead(parquet);
        long[] done = {0};
        progress.progress(0, total);
        int written = write(hubSplit, parquet, target, bytes -> {
            done[0] += bytes;
            // the end is reported once, after the rows are written
            if (done[0] < total) {
                progress.progress(done[0], total);
            }
        });
        progress.progress(total, total);
        return written;
    }

    /**
     * The bytes {@link #write(String, List, Path, LongConsumer)} reads from a split's files: the
     * stored size of each column the conversion takes, in every file (a missing column counts 0
     * here; the conversion refuses the file).
     */
    private long bytesToRead(List<ParquetFile> files) throws IOException {
        long total = 0;
        for (ParquetFile p : files) {
            for (String c : dataset.conversion().columns()) {
                if (p.columns().contains(c)) {
                    total += p.columnBytes(c);
                }
            }
        }
        return total;
    }

    /**
     * Converts the rows of one Hub split, reporting the bytes read as the columns are decoded
     * (decoding takes most of a conversion's time).
     *
     * @param hubSplit the Hub split name, for messages
     * @param files the split's parquet files, in order, their footers read
     * @param target the temporary output file
     * @param bytesRead receives the stored size of each column chunk once decoded; they add up to
     *     {@link #bytesToRead(List)}
     * @return the rows written
     */
    private int write(String hubSplit, List<ParquetFile> files, Path target, LongConsumer bytesRead)
            throws IOException {
        Files.createDirectories(target.getParent());
        HubDataset.Conversion c = dataset.conversion();
        if (c instanceof Wic) {
            return writeWic(Rows.read(dataset, hubSplit, files, 0, bytesRead), target);
        } else if (c instanceof Squad squad) {
            return writeSquad(squad, Rows.read(dataset, hubSplit, files, 0, bytesRead), target);
        } else if (c instanceof SubjQa) {
            return writeSubjQa(Rows.read(dataset, hubSplit, files, 0, bytesRead), target);
        }
        // line formats: one file at a time, so a large split never sits in memory whole
        boolean gzip = c instanceof Mrqa;
        int written = 0;
        try (OutputStream raw = PlainFiles.newOutputStream(target);
                OutputStream out = gzip ? new GZIPOutputStream(raw) : raw;
                Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8))) {
            if (c instanceof Tsv tsv && tsv.withHeader()) {
                w.write(String.join("\t", tsv.header()) + "\n");
            }
            if (c instanceof Mrqa m) {
                JsonObject header = new JsonObject();
                JsonObject h = new JsonObject();
                h.addProperty("dataset", m.subset());
                h.addProperty("split", hubSplit);
                header.add("header", h);
                w.write(GSON.toJson(header) + "\n");
            }
            int first = 0;
            for (ParquetFile f : files) {
                // numbered from the split's first row: the source "row" and messages count across files
                Rows rows = Rows.read(dataset, hubSplit, List.of(f), first, bytesRead);
                first += rows.size();
                if (c instanceof Conll conll) {
                    written += writeConll(conll, rows, w);
                } else if (c instanceof Tsv tsv) {
                    written += writeTsv(tsv, rows, w);
                } else if (c instanceof Jsonl jsonl) {
                    written += writeJsonl(jsonl, rows, w);
                } else if (c instanceof Mrqa mrqa) {
                    written += writeMrqa(mrqa, rows, w);
                } else if (c instanceof Qed) {
                    written += writeQed(rows, w);
                }
            }
        }
        if (c instanceof Mrqa m && written == 0) {
            throw new IOException(dataset.repo() + "/" + dataset.config() + "/" + hubSplit + ": no row has subset '"
                    + m.subset() + "'");
        }
        return written;
    }

    /**
     * The columns of one split, read from some of its files; {@code first} is the split's number
     * of their first row, the rows of the split's earlier files.
     */
    record Rows(String where, int first, int size, Map<String, List<Object>> columns, Map<String, List<String>> labels,
            String noLabels) {
        static Rows read(HubDataset d, String hubSplit, List<ParquetFile> files, int first, LongConsumer bytesRead)
                throws IOException {
            String where = d.repo() + "/" + d.config() + "/" + hubSplit;
            Map<String, List<Object>> cols = new LinkedHashMap<>();
            Map<String, List<String>> labels = null;
            String noLabels = null; // why there are no label names; an error only if a label column is read
            int size = 0;
            for (ParquetFile p : files) {
                Path f = p.path();
                if (labels == null) {
                    try {
                        labels = HubFeatures.classLabels(where + "/" + f.getFileName(), p.keyValueMetadata());
                    } catch (IOException e) {
                        labels = Map.of();
                        noLabels = e.getMessage();
                    }
                }
                for (String c : d.conversion().columns()) {
                    if (!p.columns().contains(c)) {
                        throw new IOException(where + "/" + f.getFileName() + ": expected column '" + c
                                + "', the file has " + p.columns());
                    }
                    cols.computeIfAbsent(c, k -> new ArrayList<>()).addAll(p.column(c, bytesRead));
                }
                size += (int) p.rowCount();
            }
            return new Rows(where, first, size, cols, labels == null ? Map.of() : labels, noLabels);
        }

        /** The split's number of row i of these files, counted from 0 across all the split's files. */
        int number(int i) {
            return first + i;
        }

        List<Object> col(String name) {
            return columns.get(name);
        }

        List<String> namesOf(String column) throws IOException {
            List<String> names = labels.get(column);
            if (names == null && noLabels != null) {
                throw new IOException(noLabels);
            }
            if (names == null) {
                throw new IOException(where + ": column '" + column + "' has no ClassLabel names in the files' "
                        + "huggingface features; prefine does not guess label names");
            }
            return names;
        }
    }

    private void repaired(String rule) {
        repairs.merge(rule, 1, Integer::sum);
    }

    /** The label of row i, in the form the catalog reads, or null for an unlabelled row (-1). */
    private String label(Rows rows, String column, LabelForm form, int i) throws IOException {
        Object v = rows.col(column).get(i);
        List<String> names = rows.namesOf(column);
        if (v == null || ((Number) v).longValue() < 0) {
            return null;
        }
        long idx = ((Number) v).longValue();
        if (idx >= names.size()) {
            throw new IOException(rows.where() + ": row " + rows.number(i) + ": label " + idx + " is outside the "
                    + names.size() + " ClassLabel names " + names);
        }
        List<String> declared = task.labels();
        if (form == LabelForm.INDEX) {
            if (!declared.isEmpty() && declared.size() != names.size()) {
                throw new IOException(rows.where() + ": the catalog declares " + declared.size() + " labels "
                        + declared + " for " + task.name() + ", the dataset's features name " + names.size() + " " + names);
            }
            return Long.toString(idx);
        }
        String name = names.get((int) idx);
        if (declared.isEmpty()) {
            return name;
        }
        for (String d : declared) {
            if (d.equalsIgnoreCase(name)) {
                return d;
            }
        }
        throw new IOException(rows.where() + ": ClassLabel name '" + name + "' is none of the catalog's labels "
                + declared + " for " + task.name());
    }

    private String source(Rows rows, String src, String labelColumn, LabelForm form, int i) throws IOException {
        if (src.equals("label")) {
            String l = label(rows, labelColumn, form, i);
            if (l == null) {
                throw new IOException(rows.where() + ": row " + rows.number(i) + " is unlabelled (-1) in a split the catalog reads as labelled");
            }
            return l;
        } else if (src.equals("row")) {
            return Integer.toString(rows.number(i));
        } else if (src.startsWith("const:")) {
            return src.substring(6);
        } else if (src.startsWith("col:")) {
            return str(rows, src.substring(4), i);
        }
        throw new IllegalArgumentException("unknown source '" + src + "'");
    }

    private int writeConll(Conll c, Rows rows, Writer w) throws IOException {
        List<Object> tokens = rows.col(c.tokens());
        List<Object> tags = rows.col(c.tags());
        List<String> names = rows.namesOf(c.tags());
        String sep = c.tab() ? "\t" : " ";
        int written = 0;
        for (int i = 0; i < rows.size(); i++) {
            List<?> tok = (List<?>) tokens.get(i);
            List<?> tag = (List<?>) tags.get(i);
            if (tok == null || tag == null || tok.size() != tag.size()) {
                throw new IOException(rows.where() + ": row " + rows.number(i) + ": expected as many tags as tokens, found "
                        + (tok == null ? "no tokens" : tok.size() + " tokens") + " and "
                        + (tag == null ? "no tags" : tag.size() + " tags"));
            }
            if (tok.isEmpty()) {
                repaired("empty sentence skipped");
                continue;
            }
            for (int k = 0; k < tok.size(); k++) {
                String t = tok.get(k) == null ? "" : tok.get(k).toString();
                String clean = t.isEmpty() ? "_" : t.replaceAll("\\s", "_");
                if (!clean.equals(t)) {
                    repaired("empty token or whitespace inside a token replaced by _");
                }
                long idx = ((Number) tag.get(k)).longValue();
                if (idx < 0 || idx >= names.size()) {
                    throw new IOException(rows.where() + ": row " + rows.number(i) + " token " + k + ": tag " + idx
                            + " is outside the " + names.size() + " ClassLabel names");
                }
                w.write(clean + sep + names.get((int) idx) + "\n");
            }
            w.write("\n");
            written++;
        }
        return written;
    }

    private String field(String s) {
        if (s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            repaired("TAB or line break inside a TSV field replaced by a space");
            return s.replaceAll("[\t\r\n]", " ");
        }
        return s;
    }

    private int writeTsv(Tsv t, Rows rows, Writer w) throws IOException {
        for (int i = 0; i < rows.size(); i++) {
            List<String> f = new ArrayList<>();
            for (String src : t.sources()) {
                f.add(field(source(rows, src, t.label(), t.form(), i)));
            }
            w.write(String.join("\t", f) + "\n");
        }
        return rows.size();
    }

    private int writeJsonl(Jsonl j, Rows rows, Writer w) throws IOException {
        for (int i = 0; i < rows.size(); i++) {
            JsonObject o = new JsonObject();
            for (Map.Entry<String, String> e : j.fields().entrySet()) {
                String src = e.getValue();
                if (src.equals("label")) {
                    String l = source(rows, src, j.label(), j.form(), i);
                    if (j.form() == LabelForm.INDEX) {
                        o.addProperty(e.getKey(), Long.parseLong(l));
                    } else {
                        o.addProperty(e.getKey(), l);
                    }
                } else if (src.startsWith("col:") && rows.col(src.substring(4)).get(i) instanceof Number n) {
                    o.addProperty(e.getKey(), n);
                } else {
                    o.addProperty(e.getKey(), source(rows, src, j.label(), j.form(), i));
                }
            }
            w.write(GSON.toJson(o) + "\n");
        }
        return rows.size();
    }

    private int writeWic(Rows rows, Path target) throws IOException {
        String fn = target.getFileName().toString();
        Path gold = target.resolveSibling(fn.replace(".data.", ".gold."));
        List<String> labels = new ArrayList<>();
        try (Writer w = PlainFiles.newWriter(target)) {
            for (int i = 0; i < rows.size(); i++) {
                labels.add(label(rows, "label", LabelForm.NAME, i));
                w.write(field(str(rows, "word", i)) + "\t-\t-\t" + field(str(rows, "sentence1", i)) + "\t"
                        + field(str(rows, "sentence2", i)) + "\n");
            }
        }
        long unlabelled = labels.stream().filter(l -> l == null).count();
        if (unlabelled == 0) {
            try (Writer w = PlainFiles.newWriter(gold)) {
                for (String l : labels) {
                    w.write((l.equals("true") ? "T" : "F") + "\n");
                }
            }
        } else if (unlabelled != labels.size()) {
            throw new IOException(rows.where() + ": " + unlabelled + " of " + labels.size()
                    + " rows are unlabelled; expected all or none");
        }
        return rows.size();
    }

    /** The gold file written beside a WiC data file (moved with it), if any. */
    static Path wicGold(Path dataFile) {
        String fn = dataFile.getFileName().toString();
        return dataFile.resolveSibling(fn.replace(".data.", ".gold."));
    }

    /** A cell as text; a null (the Hub's None) is written empty and counted, the row kept. */
    private String str(Rows rows, String col, int i) {
        Object v = rows.col(col).get(i);
        if (v == null) {
            repaired(NULL_TEXT);
            return "";
        }
        return v.toString();
    }

    /**
     * Element k of a list cell, refused naming the split, the row and the column where it is null
     * or of another type: a null answer text was written as JSON null without a word, a null start
     * stopped the conversion with a NullPointerException naming neither file nor row.
     */
    private static <T> T element(Rows rows, int i, String column, List<?> list, int k, Class<T> type)
            throws IOException {
        Object v = list.get(k);
        if (!type.isInstance(v)) {
            throw new IOException(rows.where() + ": row " + rows.number(i) + ": " + column + "[" + k + "] is "
                    + (v == null ? "null" : "a " + v.getClass().getSimpleName()) + "; expected "
                    + (type == String.class ? "a text" : "a number"));
        }
        return type.cast(v);
    }

    private int writeSquad(Squad s, Rows rows, Path target) throws IOException {
        JsonArray data = new JsonArray();
        JsonObject article = null;
        JsonArray paragraphs = null;
        JsonObject paragraph = null;
        JsonArray qas = null;
        String lastTitle = null;
        String lastContext = null;
        for (int i = 0; i < rows.size(); i++) {
            String title = s.title() == null ? "" : str(rows, s.title(), i);
            String context = str(rows, "context", i);
            if (article == null || !title.equals(lastTitle)) {
                article = new JsonObject();
                article.addProperty("title", title);
                paragraphs = new JsonArray();
                article.add("paragraphs", paragraphs);
                data.add(article);
                lastTitle = title;
                lastContext = null;
            }
            if (!context.equals(lastContext)) {
                paragraph = new JsonObject();
                paragraph.addProperty("context", context);
                qas = new JsonArray();
                paragraph.add("qas", qas);
                paragraphs.add(paragraph);
                lastContext = context;
            }
            JsonObject qa = new JsonObject();
            qa.addProperty("id", str(rows, "id", i));
            qa.addProperty("question", str(rows, "question", i));
            JsonArray answers = new JsonArray();
            List<?> texts = (List<?>) rows.col("answers.text").get(i);
            List<?> starts = (List<?>) rows.col("answers.answer_start").get(i);
            if (texts == null || starts == null || texts.size() != starts.size()) {
                throw new IOException(rows.where() + ": row " + rows.number(i) + ": expected as many answer starts as answer texts");
            }
            for (int k = 0; k < texts.size(); k++) {
                JsonObject a = new JsonObject();
                a.addProperty("text", element(rows, i, "answers.text", texts, k, String.class));
                a.addProperty("answer_start",
                        element(rows, i, "answers.answer_start", starts, k, Number.class).intValue());
                answers.add(a);
            }
            qa.add("answers", answers);
            qas.add(qa);
        }
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.1");
        root.add("data", data);
        try (Writer w = PlainFiles.newWriter(target)) {
            GSON.toJson(root, w);
        }
        return rows.size();
    }

    /** SubjQA's CSV columns that its reader needs, with the item and review ids for a reader's eye. */
    private static final List<String> SUBJQA_HEADER =
            List.of("item_id", "q_review_id", "question", "review", "human_ans_spans", "human_ans_indices");

    private int writeSubjQa(Rows rows, Path target) throws IOException {
        String marker = " " + SubjQaReader.NOT_FOUND;
        try (Writer w = PlainFiles.newWriter(target)) {
            w.write(csvLine(SUBJQA_HEADER));
            for (int i = 0; i < rows.size(); i++) {
                String review = str(rows, "context", i) + marker;
                List<?> texts = (List<?>) rows.col("answers.text").get(i);
                List<?> starts = (List<?>) rows.col("answers.answer_start").get(i);
                if (texts == null || starts == null || texts.size() != starts.size()) {
                    throw new IOException(rows.where() + ": row " + rows.number(i) + ": expected as many answer starts as answer texts");
                }
                List<String> head = List.of(str(rows, "title", i), str(rows, "id", i), str(rows, "question", i), review);
                if (texts.isEmpty()) {
                    // the question is unanswerable: the original files mark it with a row pointing at the marker
                    // indices count code points, as the original (Python-made) files do
                    int length = review.codePointCount(0, review.length());
                    int at = length - SubjQaReader.NOT_FOUND.length();
                    w.write(csvLine(concat(head, SubjQaReader.NOT_FOUND, "(" + at + ", " + length + ")")));
                }
                for (int k = 0; k < texts.size(); k++) {
                    String text = element(rows, i, "answers.text", texts, k, String.class);
                    int start = element(rows, i, "answers.answer_start", starts, k, Number.class).intValue();
                    int end = start + text.codePointCount(0, text.length());
                    w.write(csvLine(concat(head, text, "(" + start + ", " + end + ")")));
                }
            }
        }
        return rows.size();
    }

    private static List<String> concat(List<String> head, String a, String b) {
        List<String> out = new ArrayList<>(head);
        out.add(a);
        out.add(b);
        return out;
    }

    /** One RFC 4180 record, every field quoted so commas, quotes and line breaks survive. */
    private static String csvLine(List<String> fields) {
        StringBuilder b = new StringBuilder();
        for (String f : fields) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append('"').append(f.replace("\"", "\"\"")).append('"');
        }
        return b.append('\n').toString();
    }

    private int writeQed(Rows rows, Writer w) throws IOException {
        for (int i = 0; i < rows.size(); i++) {
            JsonObject o = new JsonObject();
            Object id = rows.col("example_id").get(i);
            if (id instanceof Number n) {
                o.addProperty("example_id", n);
            } else {
                o.addProperty("example_id", str(rows, "example_id", i));
            }
            o.addProperty("title_text", str(rows, "title_text", i));
            o.addProperty("question_text", str(rows, "question", i));
            o.addProperty("paragraph_text", str(rows, "paragraph_text", i));
            // the Hub keeps one NQ answer (a list of spans); the original format lists answers
            JsonArray nq = new JsonArray();
            JsonArray first = spans(rows, "original_nq_answers", i);
            if (!first.isEmpty()) {
                nq.add(first);
            }
            o.add("original_nq_answers", nq);
            JsonArray answers = new JsonArray();
            for (var ref : spans(rows, "annotation.answer.paragraph_reference", i)) {
                JsonObject a = new JsonObject();
                a.add("paragraph_reference", ref);
                answers.add(a);
            }
            JsonObject annotation = new JsonObject();
            annotation.add("answer", answers);
            o.add("annotation", annotation);
            w.write(GSON.toJson(o) + "\n");
        }
        return rows.size();
    }

    /** The {@code {start, end, string}} spans of one row under a list-of-structs column prefix. */
    private static JsonArray spans(Rows rows, String prefix, int i) throws IOException {
        List<?> starts = (List<?>) rows.col(prefix + ".start").get(i);
        List<?> ends = (List<?>) rows.col(prefix + ".end").get(i);
        List<?> strings = (List<?>) rows.col(prefix + ".string").get(i);
        JsonArray out = new JsonArray();
        if (starts == null) {
            return out;
        }
        if (ends == null || strings == null || ends.size() != starts.size() || strings.size() != starts.size()) {
            throw new IOException(rows.where() + ": row " + rows.number(i) + ": " + prefix + " needs as many ends and strings as starts");
        }
        for (int k = 0; k < starts.size(); k++) {
            JsonObject span = new JsonObject();
            span.addProperty("start", element(rows, i, prefix + ".start", starts, k, Number.class).intValue());
            span.addProperty("end", element(rows, i, prefix + ".end", ends, k, Number.class).intValue());
            span.addProperty("string", element(rows, i, prefix + ".string", strings, k, String.class));
            out.add(span);
        }
        return out;
    }

    private int writeMrqa(Mrqa m, Rows rows, Writer w) throws IOException {
        int written = 0;
        for (int i = 0; i < rows.size(); i++) {
            if (!m.subset().equals(rows.col("subset").get(i))) {
                continue;
            }
            JsonObject qa = new JsonObject();
            qa.addProperty("qid", str(rows, "qid", i));
            qa.addProperty("question", str(rows, "question", i));
            JsonArray detected = new JsonArray();
            List<?> texts = (List<?>) rows.col("detected_answers.text").get(i);
            List<?> starts = (List<?>) rows.col("detected_answers.char_spans.start").get(i);
            List<?> ends = (List<?>) rows.col("detected_answers.char_spans.end").get(i);
            int textCount = texts == null ? 0 : texts.size();
            int startLists = starts == null ? 0 : starts.size();
            int endLists = ends == null ? 0 : ends.size();
            // each text has its list of spans: fewer lists failed on an index, naming neither row nor
            // file, and spans beside no text at all were dropped unseen
            if (startLists != textCount || endLists != textCount) {
                throw new IOException(rows.where() + ": row " + rows.number(i) + ": detected_answers has " + textCount
                        + " texts and " + (startLists != endLists
                                ? startLists + " lists of span starts and " + endLists + " of span ends"
                                : startLists + " lists of character spans") + "; expected one list per text");
            }
            for (int k = 0; k < textCount; k++) {
                JsonObject a = new JsonObject();
                a.addProperty("text", element(rows, i, "detected_answers.text", texts, k, String.class));
                JsonArray spans = new JsonArray();
                List<?> s = (List<?>) starts.get(k);
                List<?> e = (List<?>) ends.get(k);
                if (s == null || e == null || s.size() != e.size()) {
                    throw new IOException(rows.where() + ": row " + rows.number(i) + " answer " + k
                            + ": expected as many span ends as starts");
                }
                for (int j = 0; j < s.size(); j++) {
                    JsonArray span = new JsonArray();
                    String at = "[" + k + "]";
                    span.add(element(rows, i, "detected_answers.char_spans.start" + at, s, j, Number.class).intValue());
                    span.add(element(rows, i, "detected_answers.char_spans.end" + at, e, j, Number.class).intValue());
                    spans.add(span);
                }
                a.add("char_spans", spans);
                detected.add(a);
            }
            qa.add("detected_answers", detected);
            List<?> listed = (List<?>) rows.col("answers").get(i);
            if (listed != null) {
                JsonArray answers = new JsonArray();
                for (int k = 0; k < listed.size(); k++) {
                    answers.add(element(rows, i, "answers", listed, k, String.class));
                }
                qa.add("answers", answers);
            }
            JsonArray qas = new JsonArray();
            qas.add(qa);
            JsonObject line = new JsonObject();
            line.addProperty("context", str(rows, "context", i));
            line.add("qas", qas);
            w.write(GSON.toJson(line) + "\n");
            written++;
        }
        return written;
    }
}
