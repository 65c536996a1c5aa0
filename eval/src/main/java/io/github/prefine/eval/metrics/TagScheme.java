package io.github.prefine.eval.metrics;

/**
 * Tagging schemes that seqeval's strict mode accepts.
 *
 * <p>In strict mode an entity counts only if it starts and ends with the tags its scheme
 * prescribes; a tag prefix the scheme does not allow is an error.
 *
 * <p>Immutable and thread-safe.
 */
public enum TagScheme {
    /** B- begins every entity, I- continues it, O is outside. */
    IOB2("BIO"),
    /** IOB2 plus E- for the last token and S- for a single-token entity. */
    IOBES("BIOES"),
    /** IOB2 plus L- for the last token and U- for a unit-length entity. */
    BILOU("BILOU");

    private final String allowedPrefixes;

    TagScheme(String allowedPrefixes) {
        this.allowedPrefixes = allowedPrefixes;
    }

    /**
     * Returns whether a tag prefix character belongs to this scheme.
     *
     * @param prefix the first character of a tag
     * @return true if allowed
     */
    public boolean allows(char prefix) {
        return allowedPrefixes.indexOf(prefix) >= 0;
    }
}
