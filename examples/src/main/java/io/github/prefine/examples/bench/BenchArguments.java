package io.github.prefine.examples.bench;

import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.examples.cli.CliErrors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/**
 * The bench mains' handling of bad arguments, as the {@code prefine} command line's: one line on
 * standard error, {@code Name: message}, naming the argument and what was found, and exit 2, with
 * no stack trace and before any work. A failure of the work itself ends as before (its stack trace,
 * exit 1): a benchmark's user wants the trace. Stateless.
 */
final class BenchArguments {
    private BenchArguments() {}

    /**
     * Runs a main's argument check; on a refusal prints its one line and ends the JVM with
     * {@link CliErrors#BAD_INPUT}.
     *
     * @param name the main's name, the line's prefix
     * @param check the check, which throws {@link IllegalArgumentException} or picocli's {@code
     *     ParameterException} on a bad argument
     */
    static void checkOrExit(String name, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException | CommandLine.ParameterException e) {
            System.err.println(name + ": " + CliErrors.oneLine(e.getMessage()));
            System.err.flush();
            System.exit(CliErrors.BAD_INPUT);
        }
    }

    /**
     * Prints the main's usage line on standard output and ends the JVM with exit 0 where an argument
     * is {@code --help} or {@code -h}, as the picocli mains do; else returns. Called first: a main
     * whose first argument is a folder took {@code --help} for one.
     *
     * @param usage the usage line, as the main's refusals give it
     * @param args the arguments
     */
    static void usageIfAsked(String usage, String... args) {
        if (java.util.Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"))) {
            System.out.println(usage);
            System.out.flush();
            System.exit(0);
        }
    }

    /**
     * The catalogued task of that name.
     *
     * @param label the argument's name in the main's usage, for the message
     * @param name the name given
     * @return the task
     * @throws IllegalArgumentException naming the argument, the value and the known names
     */
    static Task task(String label, String name) {
        List<String> names = TaskCatalog.all().stream().map(Task::name).toList();
        if (!names.contains(name)) {
            throw new IllegalArgumentException(label + ": no catalogued task named '" + name + "'; expected one of " + names);
        }
        return TaskCatalog.task(name);
    }

    /**
     * A whole number of at least 1.
     *
     * @param label the argument's name in the main's usage, for the message
     * @param value its text
     * @return the number
     * @throws IllegalArgumentException naming the argument and the value
     */
    static int positive(String label, String value) {
        if (!(value.matches("\\d{1,6}") && Integer.parseInt(value) >= 1)) {
            throw new IllegalArgumentException(label + ": expected a whole number of at least 1, found '" + value + "'");
        }
        return Integer.parseInt(value);
    }

    /**
     * Refuses a path that is not an existing file.
     *
     * @param label the argument's name in the main's usage, for the message
     * @param file the path
     * @throws IllegalArgumentException naming the argument and the path
     */
    static void existingFile(String label, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(label + " " + file + ": no such file" + (Files.isDirectory(file)
                    ? " (a directory)" : "") + "; check the path");
        }
    }

    /**
     * Refuses a path that is not an existing directory.
     *
     * @param label the argument's name in the main's usage, for the message
     * @param folder the path
     * @param expected what the directory should hold, for the message
     * @throws IllegalArgumentException naming the argument and the path
     */
    static void existingDirectory(String label, Path folder, String expected) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(label + " " + folder + ": no such directory; expected " + expected);
        }
    }
}
