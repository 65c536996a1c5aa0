package io.github.prefine.examples.cli;

import io.github.prefine.examples.docs.DocCommands;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Checks one documented command line with the project's own parsers, running nothing: the
 * {@code prefine} command line's picocli model ({@link PrefineCli#commandLine}), then the chosen
 * command's {@code checkValues()} (the values picocli leaves as text: {@code --precision},
 * {@code --device}, {@code --groups}, ...); a main class through its picocli model or its
 * {@code checkArguments(String...)}.
 */
public final class DocCommandCheck {
    private DocCommandCheck() {}

    /**
     * What is wrong with a command line.
     *
     * @param inv the command line
     * @return the parser's message, or empty when the line parses and its values are accepted
     */
    public static Optional<String> problem(DocCommands.Invocation inv) {
        try {
            if (inv.program().equals(DocCommands.PREFINE)) {
                parse(prefine(), inv);
            } else {
                main(inv);
            }
            return Optional.empty();
        } catch (CommandLine.MissingParameterException e) {
            return inv.elided() ? Optional.empty() : Optional.of(e.getMessage());
        } catch (CommandLine.ParameterException | IllegalArgumentException | IllegalStateException
                | java.util.NoSuchElementException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static CommandLine prefine;

    /**
     * One {@code prefine} model for every check: picocli resets every option to its initial value
     * before each parse, and building the model of all commands costs a tenth of a second.
     */
    private static CommandLine prefine() {
        if (prefine == null) {
            prefine = PrefineCli.commandLine();
        }
        return prefine;
    }

    private static void main(DocCommands.Invocation inv) {
        Class<?> c;
        try {
            c = Class.forName(inv.program());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("no class " + inv.program());
        }
        if (c.isAnnotationPresent(CommandLine.Command.class)) {
            try {
                parse(new CommandLine(c.getDeclaredConstructor().newInstance()), inv);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(c.getName() + " cannot be made: " + e, e);
            }
            return;
        }
        Method check;
        try {
            check = c.getDeclaredMethod("checkArguments", String[].class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(c.getName() + " has neither a picocli model nor checkArguments(String...),"
                    + " so its documented command lines cannot be checked");
        }
        call(check, null, (Object) placeholders(null, inv.args()).toArray(String[]::new));
    }

    private static void parse(CommandLine cli, DocCommands.Invocation inv) {
        CommandLine.ParseResult r = cli.parseArgs(placeholders(cli.getCommandSpec(), inv.args()).toArray(String[]::new));
        while (r.hasSubcommand()) {
            r = r.subcommand();
        }
        if (r.isUsageHelpRequested() || r.isVersionHelpRequested()) {
            return;
        }
        Object command = r.commandSpec().userObject();
        for (Class<?> k = command.getClass(); k != null; k = k.getSuperclass()) {
            try {
                call(k.getDeclaredMethod("checkValues"), command);
                return;
            } catch (NoSuchMethodException e) {
                // a command whose values picocli checks alone
            }
        }
    }

    private static void call(Method m, Object target, Object... args) {
        m.setAccessible(true);
        try {
            m.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the documents may name beside prefine's own options: spark-submit's and the JVM's. */
    private static final java.util.Set<String> OTHER_OPTIONS = java.util.Set.of("--class", "--jars", "--conf",
            "--master", "--deploy-mode", "--files", "--enable-native-access", "--claim-timeout");

    /**
     * What is wrong with an option named in prose without its command ({@code --report-split
     * test}, {@code --out/run.json}, {@code --precision fp32|bf16-mixed}): the option must belong
     * to some command, and with its words, every alternative of an {@code a|b} value included,
     * parse for one of the commands that have it.
     *
     * @param where the document and line
     * @param text the span
     * @return the problem, or empty
     */
    public static Optional<String> mentionProblem(String where, String text) {
        String option = text.split("[\\s=/]", 2)[0];
        if (OTHER_OPTIONS.contains(option)) {
            return Optional.empty();
        }
        List<List<String>> owners = new ArrayList<>();
        owners(prefine(), new ArrayList<>(), option, owners);
        if (owners.isEmpty()) {
            return Optional.of(option + " is an option of no prefine command");
        }
        if (!text.matches("--[a-z0-9-]+( .*)?")) {
            return Optional.empty(); // --out/run.json: a path under the option's folder
        }
        List<String> words = List.of(text.split("\\s+"));
        for (String alternative : words.size() > 1 ? List.of(words.get(1).split("\\|")) : List.of("")) {
            List<String> args = new ArrayList<>(words);
            if (words.size() > 1) {
                args.set(1, alternative);
            }
            Optional<String> last = Optional.empty();
            boolean accepted = false;
            for (List<String> command : owners) {
                List<String> line = new ArrayList<>(command);
                line.addAll(args);
                last = problem(new DocCommands.Invocation(where, DocCommands.PREFINE, line, true, List.of(), text));
                accepted |= last.isEmpty();
            }
            if (!accepted) {
                return last;
            }
        }
        return Optional.empty();
    }

    private static void owners(CommandLine cli, List<String> path, String option, List<List<String>> found) {
        if (!path.isEmpty() && cli.getCommandSpec().findOption(option) != null) {
            found.add(List.copyOf(path));
        }
        cli.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> p = new ArrayList<>(path);
                p.add(name);
                owners(sub, p, option, found);
            }
        });
    }

    /**
     * Replaces each placeholder by what the parser accepts there: the option's default, else a
     * value of its type; a positional {@code <value>} by {@code x}. An option's placeholder is
     * {@code <value>}, a single capital letter ({@code --seeds N}) or the option's own parameter
     * label ({@code --data DIR}).
     */
    static List<String> placeholders(CommandSpec root, List<String> args) {
        List<String> out = new ArrayList<>();
        CommandSpec spec = root;
        for (String a : args) {
            if (spec != null && spec.subcommands().containsKey(a)) {
                spec = spec.subcommands().get(a).getCommandSpec();
            }
            OptionSpec o = spec == null || out.isEmpty() ? null : spec.findOption(out.get(out.size() - 1));
            boolean placeholder = a.matches("<[^<>]+>")
                    || o != null && o.arity().max() > 0 && (a.matches("[A-Z]") || a.equals(o.paramLabel()));
            if (!placeholder) {
                out.add(a);
                continue;
            }
            out.add(o == null ? "x" : sample(o));
        }
        return out;
    }

    private static String sample(ArgSpec o) {
        if (o.defaultValue() != null) {
            return o.defaultValue();
        }
        if (o.initialValue() != null && !(o.initialValue() instanceof java.util.Collection<?>)) {
            return String.valueOf(o.initialValue());
        }
        Class<?> t = o.type();
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return "1";
        }
        if (t == double.class || t == Double.class || t == float.class) {
            return "1e-4";
        }
        return "x";
    }
}
