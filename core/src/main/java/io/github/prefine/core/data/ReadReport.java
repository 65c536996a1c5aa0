package io.github.prefine.core.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one read of one file produced: how many records it saw and kept, and what it skipped,
 * repaired or cleaned, per reason.
 *
 * <p>A record is the file's natural unit: a sentence (CoNLL), a row (TSV, CSV), a line (JSON
 * lines) or a question (SQuAD). Maps keep the order in which reasons first occurred. Each skipped
 * or flagged reason keeps its first {@value #MAX_SAMPLES} samples: where the unit was and what was
 * wrong, in the words a strict read would have thrown ({@code wnut17/train.conll:412: expected 2
 * tab-separated fields (token, tag), found 3}). Immutable; equality covers every field.
 *
 * @param file the short file name (parent folder and name)
 * @param records units seen in the file, kept or not
 * @param examples examples returned
 * @param skipped units dropped, per reason (after a strict read only the reasons that are not
 *     defects, such as an unanswerable question, since defects throw instead)
 * @param repaired values changed by a documented repair rule, per rule
 * @param cleaned harmless artefacts removed (byte-order marks), per kind
 * @param flagged units kept but worth knowing about, per reason (for example evaluation examples
 *     whose label the head cannot predict, which are scored as wrong)
 * @param samples up to {@value #MAX_SAMPLES} located samples per skipped or flagged reason
 */
public record ReadReport(
        String file,
        int records,
        int examples,
        Map<String, Integer> skipped,
        Map<String, Integer> repaired,
        Map<String, Integer> cleaned,
        Map<String, Integer> flagged,
        Map<String, List<String>> samples) {
    /** How many samples a report keeps per reason. */
    public static final int MAX_SAMPLES = 3;

    /**
     * Checks the fields and copies the maps, keeping their order.
     *
     * @param file the short file name (parent folder and name)
     * @param records units seen in the file, kept or not
     * @param examples examples returned
     * @param skipped units dropped, per reason (after a strict read only the reasons that are not
     *     defects, such as an unanswerable question, since defects throw instead)
     * @param repaired values changed by a documented repair rule, per rule
     * @param cleaned harmless artefacts removed (byte-order marks), per kind
     * @param flagged units kept but worth knowing about, per reason (for example evaluation examples
     *     whose label the head cannot predict, which are scored as wrong)
     * @param samples up to {@value #MAX_SAMPLES} located samples per skipped or flagged reason
     */
    public ReadReport {
        Objects.requireNonNull(file, "file");
        skipped = copy(skipped);
        repaired = copy(repaired);
        cleaned = copy(cleaned);
        flagged = copy(flagged);
        Map<String, List<String>> s = new LinkedHashMap<>();
        samples.forEach((k, v) -> s.put(k, List.copyOf(v)));
        samples = Collections.unmodifiableMap(s);
    }

    /**
     * Creates a report without flagged units or samples.
     *
     * @param file the short file name
     * @param records units seen
     * @param examples examples returned
     * @param skipped units dropped, per reason
     * @param repaired values repaired, per rule
     * @param cleaned artefacts removed, per kind
     */
    public ReadReport(String file, int records, int examples, Map<String, Integer> skipped,
            Map<String, Integer> repaired, Map<String, Integer> cleaned) {
        this(file, records, examples, skipped, repaired, cleaned, Map.of(), Map.of());
    }

    private static Map<String, Integer> copy(Map<String, Integer> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /**
     * Returns the samples kept for one reason.
     *
     * @param reason a skipped or flagged reason as reported
     * @return up to {@value #MAX_SAMPLES} located messages, in file order; empty when none
     */
    public List<String> samples(String reason) {
        return samples.getOrDefault(reason, List.of());
    }

    /**
     * Returns the count flagged for one reason.
     *
     * @param reason a reason as reported
     * @return its count, 0 when absent
     */
    public int flagged(String reason) {
        return flagged.getOrDefault(reason, 0);
    }

    /**
     * Returns the total number of flagged units.
     *
     * @return the sum over reasons
     */
    public int totalFlagged() {
        return flagged.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * Returns the count skipped for one reason.
     *
     * @param reason a reason as reported
     * @return its count, 0 when absent
     */
    public int skipped(String reason) {
        return skipped.getOrDefault(reason, 0);
    }

    /**
     * Returns the total number of skipped units.
     *
     * @return the sum over reasons
     */
    public int totalSkipped() {
        return skipped.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * Returns the count repaired by one rule.
     *
     * @param rule a rule as reported
     * @return its count, 0 when absent
     */
    public int repaired(String rule) {
        return repaired.getOrDefault(rule, 0);
    }

    /**
     * Returns the count cleaned for one kind.
     *
     * @param kind a kind as reported, for example {@link #BOM_AT_START}
     * @return its count, 0 when absent
     */
    public int cleaned(String kind) {
        return cleaned.getOrDefault(kind, 0);
    }

    /**
     * Cleaning kind: a U+FEFF byte-order mark removed from the start of the file; a whole-document
     * file (JSON, CSV) counts every mark opening it, a line-read file the first.
     */
    public static final String BOM_AT_START = "byte-order mark at file start";

    /**
     * Cleaning kind: a U+FEFF character removed from inside a token or field, or from the start of a
     * CoNLL line after the file's first (files joined with {@code cat}).
     */
    public static final String BOM_INSIDE = "U+FEFF inside a token";

    /**
     * Cleaning kind: a U+FEFF removed from the start of a line of a JSON-lines, TSV or WiC file, or
     * of a CSV record (files joined with {@code cat}, each saved with a byte-order mark), other than
     * the file's own first mark ({@link #BOM_AT_START}); Python's {@code json.loads} refuses such a
     * JSON line.
     */
    public static final String BOM_AT_LINE_START = "byte-order mark at a line's start";

    /**
     * Cleaning kind: a blank line passed over, no record lost: in a CSV file before, between or
     * after the records; in a JSON-lines or WiC file (data or gold) anywhere; in a TSV file after
     * the last row. Counted so that nothing a reader passes over goes unseen.
     */
    public static final String BLANK_LINE_PASSED_OVER = "blank line passed over";

    /**
     * Mutable accumulator for a {@link ReadReport}; single-threaded, used by the readers.
     */
    public static final class Builder {
        private final String file;
        private int records;
        private int examples;
        private final Map<String, Integer> skipped = new LinkedHashMap<>();
        private final Map<String, Integer> repaired = new LinkedHashMap<>();
        private final Map<String, Integer> cleaned = new LinkedHashMap<>();
        private final Map<String, Integer> flagged = new LinkedHashMap<>();
        private final Map<String, List<String>> samples = new LinkedHashMap<>();

        /**
         * Starts an empty report.
         *
         * @param file the short file name
         */
        public Builder(String file) {
            this.file = Objects.requireNonNull(file, "file");
        }

        /**
         * Counts one record seen.
         *
         * @return this builder
         */
        public Builder record() {
            records++;
            return this;
        }

        /**
         * Sets the number of records seen.
         *
         * @param n the count
         * @return this builder
         */
        public Builder records(int n) {
            records = n;
            return this;
        }

        /**
         * Sets the number of examples returned.
         *
         * @param n the count
         * @return this builder
         */
        public Builder examples(int n) {
            examples = n;
            return this;
        }

        /**
         * Counts one skipped unit without a sample; prefer {@link #skip(String, String)}.
         *
         * @param reason why it was skipped
         * @return this builder
         */
        public Builder skip(String reason) {
            skipped.merge(reason, 1, Integer::sum);
            return this;
        }

        /**
         * Counts one skipped unit and keeps where it was, while the reason has fewer than
         * {@value #MAX_SAMPLES} samples.
         *
         * @param reason why it was skipped
         * @param sample where and what, as a strict read would say it ({@code file:line: expected
         *     X, found Y})
         * @return this builder
         */
        public Builder skip(String reason, String sample) {
            skipped.merge(reason, 1, Integer::sum);
            sample(reason, sample);
            return this;
        }

        /**
         * Counts one unit kept but flagged, and keeps where it was while the reason has fewer than
         * {@value #MAX_SAMPLES} samples.
         *
         * @param reason what is special about it
         * @param sample where and what
         * @return this builder
         */
        public Builder flag(String reason, String sample) {
            flagged.merge(reason, 1, Integer::sum);
            sample(reason, sample);
            return this;
        }

        private void sample(String reason, String sample) {
            List<String> s = samples.computeIfAbsent(reason, k -> new ArrayList<>());
            if (s.size() < MAX_SAMPLES) {
                s.add(Objects.requireNonNull(sample, "sample"));
            }
        }

        /**
         * Counts one repaired value.
         *
         * @param rule the repair rule applied
         * @return this builder
         */
        public Builder repair(String rule) {
            repaired.merge(rule, 1, Integer::sum);
            return this;
        }

        /**
         * Counts cleaned artefacts.
         *
         * @param kind what was cleaned
         * @param n how many
         * @return this builder
         */
        public Builder clean(String kind, int n) {
            if (n > 0) {
                cleaned.merge(kind, n, Integer::sum);
            }
            return this;
        }

        /**
         * Builds the immutable report.
         *
         * @return the report
         */
        public ReadReport build() {
            return new ReadReport(file, records, examples, skipped, repaired, cleaned, flagged, samples);
        }
    }
}
