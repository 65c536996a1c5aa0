package io.github.prefine.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.examples.cli.PrefineCli;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where {@code bench --help} says which parts an option is for ({@code "With ENCODER or FULL:"},
 * {@code "With --part DATA:"}), those are exactly the parts that accept it, and an option whose
 * help names none is accepted by every part that runs a model: the help of {@code --profile} named
 * ENCODER and FULL while ALL took it too, and {@code --formats} and {@code --tasks}, which every
 * part but FULL and ALL refuses, named no part at all. Nothing is run: the options are only parsed
 * and checked, as before the engine starts.
 */
class BenchPartOptionsHelpTest {

    /** The help's opening "With PART, PART or PART:" clause. */
    private static final Pattern WITH = Pattern.compile("^With ([^:]+):");

    /** The parts that accept an option given on its own, with its default value (a task name for --task). */
    private static Set<BenchCommand.Part> accepting(OptionSpec o) {
        Set<BenchCommand.Part> parts = EnumSet.noneOf(BenchCommand.Part.class);
        for (BenchCommand.Part p : BenchCommand.Part.values()) {
            List<String> args = new ArrayList<>(List.of("--part", p.name(), o.longestName()));
            if (o.arity().max() > 0) {
                // the field's own value (bench declares its defaults there), a task name for the list
                Object initial = o.initialValue();
                args.add(initial instanceof java.util.Collection<?> ? "wnli" : String.valueOf(initial));
            }
            CommandLine cl = PrefineCli.withValueRules(new CommandLine(new BenchCommand()));
            cl.parseArgs(args.toArray(String[]::new));
            BenchCommand b = cl.getCommand();
            try {
                if (p == BenchCommand.Part.DATA) {
                    b.checkPartOptions(); // the rest of DATA's check looks for the files
                } else {
                    b.checkBeforeLaunch();
                }
                parts.add(p);
            } catch (IllegalArgumentException refused) {
                // not for this part
            }
        }
        return parts;
    }

    /** The parts the help names for an option; every part that runs a model where it names none. */
    static Set<BenchCommand.Part> named(String description) {
        Matcher m = WITH.matcher(description);
        if (!m.find()) {
            return EnumSet.complementOf(EnumSet.of(BenchCommand.Part.DATA));
        }
        Set<BenchCommand.Part> parts = EnumSet.noneOf(BenchCommand.Part.class);
        for (String word : m.group(1).split("[ ,]+")) {
            for (BenchCommand.Part p : BenchCommand.Part.values()) {
                if (word.equals(p.name())) {
                    parts.add(p);
                }
            }
        }
        assertTrue(!parts.isEmpty(), "no part read from '" + m.group() + "'");
        return parts;
    }

    @Test
    void theHelpNamesExactlyThePartsThatAcceptEachOption() {
        CommandLine bench = new CommandLine(new BenchCommand());
        List<String> problems = new ArrayList<>();
        int narrowed = 0;
        for (OptionSpec o : bench.getCommandSpec().options()) {
            if (o.usageHelp() || o.versionHelp() || o.longestName().equals("--part") || o.longestName().equals("--verbose")) {
                continue;
            }
            String help = String.join(" ", o.description());
            Set<BenchCommand.Part> said = named(help);
            narrowed += WITH.matcher(help).find() ? 1 : 0;
            Set<BenchCommand.Part> taken = accepting(o);
            if (!said.equals(taken)) {
                problems.add(o.longestName() + ": the help says " + said + ", the parts that take it are " + taken);
            }
        }
        assertEquals(List.of(), problems);
        // --data, --tokenizer, --task, --profile, --leak-check, --formats, --tasks say where they apply
        assertEquals(7, narrowed);
    }

    @Test
    void readsThePartsAClauseNames() {
        assertEquals(EnumSet.of(BenchCommand.Part.ENCODER, BenchCommand.Part.FULL),
                named("With ENCODER or FULL: also print"));
        assertEquals(EnumSet.of(BenchCommand.Part.DATA), named("With --part DATA: the data root"));
        assertEquals(EnumSet.complementOf(EnumSet.of(BenchCommand.Part.DATA)), named("Sequences per step."));
    }
}
