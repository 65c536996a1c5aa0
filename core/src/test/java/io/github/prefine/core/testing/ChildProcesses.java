package io.github.prefine.core.testing;

import java.util.List;

/**
 * Process builders for the child processes tests start, in an environment that the machine running
 * the tests does not reach into through JVM option variables.
 */
public final class ChildProcesses {
    /**
     * Variables through which a machine adds options to every JVM it starts. A JVM that finds one
     * prints {@code Picked up JAVA_TOOL_OPTIONS: ...} (or {@code NOTE: Picked up ...}) on its
     * standard error before anything of its own, so a child's first line or whole output is no
     * longer what the test reads; CI images often set one.
     */
    public static final List<String> OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
            "_JAVA_OPTIONS");

    private ChildProcesses() {}

    /**
     * A process builder for a child JVM, or for a script that starts one, whose environment lacks
     * {@link #OPTION_VARIABLES}: the child runs with the options its test gives and prints only its
     * own output.
     *
     * @param command the program and its arguments
     * @return the builder
     */
    public static ProcessBuilder builder(String... command) {
        return builder(List.of(command));
    }

    /**
     * As {@link #builder(String...)}, from a list.
     *
     * @param command the program and its arguments
     * @return the builder
     */
    public static ProcessBuilder builder(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeAll(OPTION_VARIABLES);
        return pb;
    }
}
