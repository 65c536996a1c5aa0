package io.github.prefine.eval.stats;

/**
 * Which two-sided t-test compared a setting's seeds with the baseline's.
 *
 * <p>Immutable and thread-safe.
 */
public enum TestKind {
    /** Paired t-test over the differences of runs with the same seed; df = n - 1. */
    PAIRED,
    /** Welch's unequal-variance t-test of two independent samples; df by Welch–Satterthwaite. */
    WELCH;

    /**
     * Returns the name written to table files: {@code paired} or {@code welch}.
     *
     * @return the lower-case name
     */
    public String fileName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses {@link #fileName()}.
     *
     * @param name {@code paired} or {@code welch}
     * @return the kind
     * @throws IllegalArgumentException naming what was expected when the name is neither
     */
    public static TestKind ofFileName(String name) {
        for (TestKind k : values()) {
            if (k.fileName().equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("test must be \"paired\" or \"welch\", found \"" + name + "\"");
    }
}
