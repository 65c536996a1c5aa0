package io.github.prefine.examples.data;

import io.github.prefine.core.task.Split;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where one catalogued task's data lives on the Hugging Face Hub and how its rows become the files
 * the {@link io.github.prefine.core.task.TaskCatalog} reads.
 *
 * <p>The file each split is written to is not repeated here: it is the catalog's own path for that
 * split (or its hold-out file), so the two can never disagree. Label names are never listed here
 * either: they are read at fetch time from the {@code ClassLabel} features in the parquet files'
 * {@code huggingface} metadata.
 *
 * @param task the catalog task name
 * @param repo the Hub dataset id, for example {@code nyu-mll/glue}
 * @param config the dataset config (the first folder of its parquet conversion)
 * @param splits Hub split name to catalog split, in fetch order; for a {@link SplitRule#HOLD_OUT_4_1}
 *     task one entry, mapped to {@link Split#TRAIN} (the hold-out file)
 * @param rule how the paper splits the data
 * @param conversion how rows become catalog files, with the columns read
 */
public record HubDataset(String task, String repo, String config, Map<String, Split> splits, SplitRule rule,
        Conversion conversion) {

    /** The paper's split rule for a task. */
    public enum SplitRule {
        /** Each Hub split gives one catalog split file. */
        AS_PUBLISHED,
        /**
         * One Hub split is written as the one file the catalog holds out 4:1 into train and
         * validation (seed {@code 20230401}, {@link io.github.prefine.core.data.SeededSplit}).
         */
        HOLD_OUT_4_1
    }

    /** How a label column is written. */
    public enum LabelForm {
        /** The ClassLabel name, matched to the catalog's declared label ignoring case. */
        NAME,
        /** The ClassLabel index, for catalog labels {@code 0..n-1} (GLUE's binary TSV columns, COPA). */
        INDEX
    }

    /** How rows become files: one kind per catalog reader. */
    public sealed interface Conversion {
        /**
         * Returns the Hub columns this conversion reads.
         *
         * @return the column names
         */
        List<String> columns();
    }

    /**
     * Token and tag lists to a CoNLL file, one {@code token SEP tag} line per token, a blank line
     * between sentences.
     *
     * @param tokens the token-list column
     * @param tags the ClassLabel-list column
     * @param tab true for a TAB separator, false for a space
     */
    public record Conll(String tokens, String tags, boolean tab) implements Conversion {
        @Override
        public List<String> columns() {
            return List.of(tokens, tags);
        }
    }

    /**
     * Rows to a GLUE TSV file. Each output column is filled from a source: {@code col:NAME} (a Hub
     * column), {@code label} (the label column, written per {@code form}), {@code row} (the row
     * number in the split, from 0, counted across all of the split's parquet files) or {@code const:TEXT}.
     *
     * @param header the output column names, written as a header row when {@code withHeader}
     * @param sources one source per output column
     * @param label the label column
     * @param form how the label is written
     * @param withHeader whether the file starts with a header row
     */
    public record Tsv(List<String> header, List<String> sources, String label, LabelForm form, boolean withHeader)
            implements Conversion {
        /**
         * Checks the lists match.
         *
         * @param header the output column names, written as a header row when {@code withHeader}
         * @param sources one source per output column
         * @param label the label column
         * @param form how the label is written
         * @param withHeader whether the file starts with a header row
         */
        public Tsv {
            header = List.copyOf(header);
            sources = List.copyOf(sources);
            if (header.size() != sources.size()) {
                throw new IllegalArgumentException(header.size() + " TSV columns need as many sources, found " + sources.size());
            }
        }

        @Override
        public List<String> columns() {
            return Conversions.sourceColumns(sources, label);
        }
    }

    /**
     * Rows to JSON lines: each output field from a source as in {@link Tsv}; {@code label} fields
     * are strings in NAME form and numbers in INDEX form.
     *
     * @param fields output field name to source, in order
     * @param label the label column
     * @param form how the label is written
     */
    public record Jsonl(Map<String, String> fields, String label, LabelForm form) implements Conversion {
        /**
         * Copies the map, keeping its order.
         *
         * @param fields output field name to source, in order
         * @param label the label column
         * @param form how the label is written
         */
        public Jsonl {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        @Override
        public List<String> columns() {
            return Conversions.sourceColumns(List.copyOf(fields.values()), label);
        }
    }

    /**
     * SuperGLUE WiC rows to the WiC v1.0 package ({@code X.data.txt} and, for labelled splits,
     * {@code X.gold.txt}); the part-of-speech column, absent from the Hub's copy, is written as
     * {@code -} (the catalog's reader does not use it).
     */
    public record Wic() implements Conversion {
        @Override
        public List<String> columns() {
            return List.of("word", "sentence1", "sentence2", "start1", "start2", "label");
        }
    }

    /**
     * SQuAD-style rows ({@code id, title, context, question, answers.text, answers.answer_start})
     * to SQuAD v1.1 JSON, grouping consecutive rows of one title and context into one paragraph.
     *
     * @param title the title column, or {@code null} where the dataset has none (XQuAD)
     */
    public record Squad(String title) implements Conversion {
        @Override
        public List<String> columns() {
            return title == null ? List.of("id", "context", "question", "answers.text", "answers.answer_start")
                    : List.of("id", title, "context", "question", "answers.text", "answers.answer_start");
        }
    }

    /**
     * MRQA rows of one {@code subset} to MRQA JSON lines, gzipped: a header line, then one context
     * per line with its question, {@code detected_answers} (character spans, end inclusive) and
     * {@code answers} (the texts MRQA's evaluation scores against, aliases included).
     *
     * @param subset the value of the {@code subset} column to keep, for example {@code NewsQA}
     */
    public record Mrqa(String subset) implements Conversion {
        @Override
        public List<String> columns() {
            return List.of("subset", "context", "qid", "question", "detected_answers.text",
                    "detected_answers.char_spans.start", "detected_answers.char_spans.end", "answers");
        }
    }

    /**
     * SubjQA rows back to SubjQA's own CSV ({@code SubjQA/<domain>/splits/*.csv}), the format the
     * catalog's {@link io.github.prefine.core.data.SubjQaReader} reads. The Hub's loader made the
     * CSV SQuAD-shaped: {@code id} is the CSV's {@code q_review_id}, {@code title} its {@code
     * item_id}, {@code context} the review without its trailing {@code " ANSWERNOTFOUND"} marker,
     * and {@code answers} holds one entry per answer annotation (none for an unanswerable
     * question). Each answer is written as one CSV row with {@code human_ans_indices} {@code
     * (answer_start, answer_start + length)}, an unanswerable question as one {@code
     * ANSWERNOTFOUND} row, and the marker is put back at the end of the review, so the contexts
     * equal those of the original files.
     */
    public record SubjQa() implements Conversion {
        @Override
        public List<String> columns() {
            return List.of("id", "title", "context", "question", "answers.text", "answers.answer_start");
        }
    }

    /**
     * QED rows back to QED JSON lines ({@code qed-*.jsonlines}), the format the catalog's {@link
     * io.github.prefine.core.data.QedReader} reads: the Hub's {@code question} is written as {@code
     * question_text}, every {@code annotation.answer} with its {@code paragraph_reference} span, and
     * {@code original_nq_answers}. The Hub's loader kept only the first NQ answer (one list of
     * spans), which is written back as the only one; it matters only for an example without a QED
     * answer, where the reader falls back on the single-span NQ answers.
     */
    public record Qed() implements Conversion {
        @Override
        public List<String> columns() {
            return List.of("example_id", "title_text", "question", "paragraph_text",
                    "original_nq_answers.start", "original_nq_answers.end", "original_nq_answers.string",
                    "annotation.answer.paragraph_reference.start", "annotation.answer.paragraph_reference.end",
                    "annotation.answer.paragraph_reference.string");
        }
    }

    /**
     * Checks and copies the fields.
     *
     * @param task the catalog task name
     * @param repo the Hub dataset id, for example {@code nyu-mll/glue}
     * @param config the dataset config (the first folder of its parquet conversion)
     * @param splits Hub split name to catalog split, in fetch order; for a {@link SplitRule#HOLD_OUT_4_1}
     *     task one entry, mapped to {@link Split#TRAIN} (the hold-out file)
     * @param rule how the paper splits the data
     * @param conversion how rows become catalog files, with the columns read
     */
    public HubDataset {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(conversion, "conversion");
        splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
        if (splits.isEmpty()) {
            throw new IllegalArgumentException(task + ": at least one Hub split is needed");
        }
        if (rule == SplitRule.HOLD_OUT_4_1 && (splits.size() != 1 || !splits.containsValue(Split.TRAIN))) {
            throw new IllegalArgumentException(task + ": a 4:1 hold-out takes one Hub split mapped to TRAIN, found " + splits);
        }
    }
}
