package io.github.prefine.examples;

import java.util.List;

/**
 * JVM options for the short-lived child JVMs the tests start. C1 alone compiles what a run of a
 * few seconds needs; C2's compiler threads took a third of such a child's CPU time on a two-core
 * CI runner. Compilation tiers change no result (Java arithmetic is strict), only the cost.
 */
public final class ShortLivedJvm {
    /** The options, to place before {@code -cp}. */
    public static final List<String> OPTIONS = List.of("-XX:TieredStopAtLevel=1");

    private ShortLivedJvm() {}
}
