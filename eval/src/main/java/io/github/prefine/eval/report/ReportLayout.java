package io.github.prefine.eval.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The order of settings, targets and groups in the report tables.
 *
 * <p>Settings become columns with the baseline setting first, then the others in the order given.
 * Targets become rows in the order given; each belongs to one group, and groups are listed in the
 * order given. Immutable.
 */
public final class ReportLayout {
    private final String baseline;
    private final List<String> settings;
    private final Map<String, String> targetGroups;
    private final List<String> groups;

    private ReportLayout(Builder b) {
        this.baseline = b.baseline;
        List<String> s = new ArrayList<>();
        s.add(b.baseline);
        for (String x : b.settings) {
            if (!x.equals(b.baseline)) {
                s.add(x);
            }
        }
        this.settings = List.copyOf(s);
        this.targetGroups = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.targets));
        this.groups = List.copyOf(b.groups);
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
     * The paper's layout: Baseline, Only-SL, Only-QA, Only-C, SL+QA, SL+C, QA+C, SL+QA+C; targets
     * WNUT17, Wikigold, NCBI Disease, MIT Movie (SL), BoolQ, CB, COPA, WiC (C), SQuAD-adversarial,
     * SubjQA, QED, XQuAD-en (QA); groups SL, C, QA.
     *
     * @return the layout
     */
    public static ReportLayout paper() {
        Builder b = builder().optBaseline("Baseline");
        for (String s : List.of("Only-SL", "Only-QA", "Only-C", "SL+QA", "SL+C", "QA+C", "SL+QA+C")) {
            b.addSetting(s);
        }
        for (String t : List.of("WNUT17", "Wikigold", "NCBI Disease", "MIT Movie")) {
            b.addTarget(t, "SL");
        }
        for (String t : List.of("BoolQ", "CB", "COPA", "WiC")) {
            b.addTarget(t, "C");
        }
        for (String t : List.of("SQuAD-adversarial", "SubjQA", "QED", "XQuAD-en")) {
            b.addTarget(t, "QA");
        }
        return b.build();
    }

    /**
     * Returns the baseline setting's name.
     *
     * @return the baseline setting's name
     */
    public String baseline() {
        return baseline;
    }

    /**
     * Returns settings in column order, baseline first.
     *
     * @return settings in column order, baseline first
     */
    public List<String> settings() {
        return settings;
    }

    /**
     * Returns targets in row order.
     *
     * @return targets in row order
     */
    public List<String> targets() {
        return List.copyOf(targetGroups.keySet());
    }

    /**
     * Returns groups in order of first appearance.
     *
     * @return groups in order of first appearance
     */
    public List<String> groups() {
        return groups;
    }

    /**
     * The targets of one group, in row order.
     *
     * @param group a group name
     * @return its targets (empty for an unknown group)
     */
    public List<String> targetsOf(String group) {
        List<String> out = new ArrayList<>();
        targetGroups.forEach((t, g) -> {
            if (g.equals(group)) {
                out.add(t);
            }
        });
        return out;
    }

    /** Builder for {@link ReportLayout}; mutable and single-threaded. */
    public static final class Builder {
        private String baseline = "Baseline";
        private final List<String> settings = new ArrayList<>();
        private final Map<String, String> targets = new LinkedHashMap<>();
        private final List<String> groups = new ArrayList<>();

        private Builder() {}

        /**
         * Names the baseline setting, always the first column.
         *
         * @param baseline the name, default {@code "Baseline"}
         * @return this builder
         */
        public Builder optBaseline(String baseline) {
            this.baseline = Objects.requireNonNull(baseline, "baseline");
            return this;
        }

        /**
         * Adds a setting column after the previous ones.
         *
         * @param setting the setting name
         * @return this builder
         */
        public Builder addSetting(String setting) {
            settings.add(Objects.requireNonNull(setting, "setting"));
            return this;
        }

        /**
         * Adds a target row and its group.
         *
         * @param target the target task
         * @param group its group
         * @return this builder
         * @throws IllegalArgumentException if the target was added before, or the target or the group is
         *     named {@value Tables#AVERAGE} or {@value Tables#AVERAGE_STD}, the labels of the rows the
         *     tables add
         */
        public Builder addTarget(String target, String group) {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(group, "group");
            notAnAverageRow("target", target);
            notAnAverageRow("group", group);
            if (targets.put(target, group) != null) {
                throw new IllegalArgumentException("target added twice, found \"" + target + "\"");
            }
            if (!groups.contains(group)) {
                groups.add(group);
            }
            return this;
        }

        /**
         * Refuses the label of a row the tables add: tables find rows by label, so a target or group
         * of that name would be read as the average, or the average as it.
         */
        private static void notAnAverageRow(String what, String name) {
            if (name.equals(Tables.AVERAGE) || name.equals(Tables.AVERAGE_STD)) {
                throw new IllegalArgumentException(what + " must not be named as a row the tables add (" + Tables.AVERAGE
                        + ", " + Tables.AVERAGE_STD + "), found \"" + name + "\"");
            }
        }

        /**
         * Validates and builds.
         *
         * @return the layout
         * @throws IllegalArgumentException if there is no target or a setting is repeated
         */
        public ReportLayout build() {
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("a layout needs at least one target, found none");
            }
            if (settings.stream().distinct().count() != settings.size()) {
                throw new IllegalArgumentException("settings must be distinct, found " + settings);
            }
            return new ReportLayout(this);
        }
    }
}
