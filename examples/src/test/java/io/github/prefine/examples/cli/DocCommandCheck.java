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
                parse(PrefineCli.commandLine(), inv);
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

    /**
     * Replaces each {@code <value>} placeholder by what the parser accepts there: the option's
     * default, else a value of its type; a positional placeholder by {@code x}.
     */
    static List<String> placeholders(CommandSpec root, List<String> args) {
        List<String> out = new ArrayList<>();
        CommandSpec spec = root;
        for (String a : args) {
            if (spec != null && spec.subcommands().containsKey(a)) {
                spec = spec.subcommands().get(a).getCommandSpec();
            }
            if (!a.matches("<[^<>]+>")) {
                out.add(a);
                continue;
            }
            OptionSpec o = spec == null || out.isEmpty() ? null : spec.findOption(out.get(out.size() - 1));
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
