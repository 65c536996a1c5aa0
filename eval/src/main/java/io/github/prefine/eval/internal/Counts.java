package io.github.prefine.eval.internal;

/**
 * Counted nouns for messages and log lines, singular for one: "1 record", "2 records", "0 records".
 * The one place the modules' messages pluralise, so that none says "record(s)". Regular plurals
 * only (a trailing "s"); every noun the messages count takes one. Stateless.
 */
public final class Counts {
    private Counts() {}

    /**
     * A count and its noun.
     *
     * @param n the count
     * @param noun the noun in the singular, for example {@code "record"} or {@code "blank line"}
     * @return {@code "1 record"} for one, {@code "2 records"} otherwise
     */
    public static String counted(long n, String noun) {
        return n + " " + noun(n, noun);
    }

    /**
     * The noun alone, in the number a count of {@code n} takes, for a message that puts the count
     * elsewhere ("(lines 3, 5)") or counts two nouns at once ("2 folders or versions").
     *
     * @param n the count
     * @param noun the noun in the singular
     * @return {@code noun} for one, {@code noun + "s"} otherwise
     */
    public static String noun(long n, String noun) {
        return n == 1 ? noun : noun + "s";
    }
}
