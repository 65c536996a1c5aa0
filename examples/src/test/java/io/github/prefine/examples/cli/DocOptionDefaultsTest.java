package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.examples.docs.ProjectDocs;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every default that README.md and docs/*.md state for an option ({@code `--alpha` (default
 * 0.05)}, {@code `--device` defaults to `auto`}) is the default of that option in the command line
 * of at least one command that has it. The usage text takes its defaults from the code; the prose
 * repeats them by hand, and nothing else notices when a default moves.
 */
class DocOptionDefaultsTest {

    /**
     * An option's code span, then within the same clause (no other code span, no full stop or
     * semicolon between) "default", "defaults to" or "default is", and the value: a number or a
     * code span. A default said in words ("one per core") is not checked.
     */
    private static final Pattern STATED = Pattern.compile(
            "`(--[a-z][a-z0-9-]*)[^`]*`[^`.;]{0,40}?\\bdefaults?(?: to| is)?:?\\s+(`[^`]+`|\\d[\\d.]*(?:e-?\\d+)?)");

    /**
     * One stated default.
     *
     * @param where the document and line
     * @param option the option
     * @param value the value as stated, without code marks
     */
    record Stated(String where, String option, String value) {}

    static List<Stated> stated(ProjectDocs.Doc doc) {
        // fenced blocks and comments blanked; a clause may wrap, so lines are joined with spaces
        StringBuilder prose = new StringBuilder();
        List<Integer> lineStarts = new ArrayList<>();
        for (String line : ProjectDocs.prose(doc)) {
            lineStarts.add(prose.length());
            prose.append(line).append(' ');
        }
        List<Stated> out = new ArrayList<>();
        Matcher m = STATED.matcher(prose);
        while (m.find()) {
            int line = 0;
            while (line + 1 < lineStarts.size() && lineStarts.get(line + 1) <= m.start()) {
                line++;
            }
            String value = m.group(2).replace("`", "").replaceAll("\\.$", "");
            out.add(new Stated(doc.name() + ":" + (line + 1), m.group(1), value));
        }
        return out;
    }

    /**
     * What is wrong with a stated default.
     *
     * @return empty when some command that has the option defaults it to the stated value, or when
     *     no command has it (the command-line check reports that)
     */
    static Optional<String> problem(CommandLine prefine, Stated s) {
        List<String> defaults = new ArrayList<>();
        collect(prefine, "prefine", s.option(), defaults);
        if (defaults.isEmpty()) {
            return Optional.empty();
        }
        for (String d : defaults) {
            if (same(s.value(), d.substring(d.indexOf('=') + 1))) {
                return Optional.empty();
            }
        }
        return Optional.of(s.where() + ": " + s.option() + " is said to default to " + s.value() + ", but the code's"
                + " default is " + String.join(", ", defaults));
    }

    private static void collect(CommandLine cli, String path, String option, List<String> defaults) {
        OptionSpec o = path.equals("prefine") ? null : cli.getCommandSpec().findOption(option);
        if (o != null) {
            Object initial = o.initialValue();
            String d = o.defaultValue() != null ? o.defaultValue()
                    : initial == null || initial instanceof java.util.Collection<?> ? "(none)" : String.valueOf(initial);
            defaults.add(path + "=" + d);
        }
        cli.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                collect(sub, path + " " + name, option, defaults);
            }
        });
    }

    private static boolean same(String stated, String code) {
        try {
            return Double.parseDouble(stated) == Double.parseDouble(code);
        } catch (NumberFormatException e) {
            return stated.toLowerCase(Locale.ROOT).equals(code.toLowerCase(Locale.ROOT));
        }
    }

    @Test
    void everyDefaultStatedInTheDocsIsTheCodes() {
        CommandLine prefine = PrefineCli.commandLine();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (ProjectDocs.Doc doc : ProjectDocs.markdown()) {
            for (Stated s : stated(doc)) {
                checked++;
                problem(prefine, s).ifPresent(problems::add);
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " of " + checked + " stated defaults differ from the code:\n"
                + String.join("\n", problems));
        // README and docs state a dozen or so: finding few means the extraction broke
        assertTrue(checked >= 10, "only " + checked + " stated defaults found");
    }

    @Test
    void findsPlantedWrongDefaults() {
        CommandLine prefine = PrefineCli.commandLine();
        ProjectDocs.Doc doc = ProjectDocs.Doc.of("planted.md", String.join("\n",
                "the level (`--alpha`, default 0.05) and the sample (`--fisher-examples`, default 256);",
                "`--device` defaults to `auto` in `demo`; `--within` points (default 2).",
                "the level (`--alpha`, default 0.01) and `--head-steps` Adam steps (default 50, learning rate 1e-3);",
                "`--device` defaults to `gpu`; `--workers` (default: one per core) is said in words.",
                "```", "java -jar prefine.jar compare --alpha 0.01 a b # default 0.05", "```"));
        List<Stated> found = stated(doc);
        assertEquals(List.of("--alpha 0.05", "--fisher-examples 256", "--device auto", "--within 2", "--alpha 0.01",
                "--head-steps 50", "--device gpu"), found.stream().map(s -> s.option() + " " + s.value()).toList());
        List<String> problems = found.stream().map(s -> problem(prefine, s)).flatMap(Optional::stream).toList();
        assertEquals(3, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).startsWith("planted.md:3: --alpha is said to default to 0.01"), problems.get(0));
        assertTrue(problems.get(1).contains("--head-steps") && problems.get(1).contains("prefine recommend=100"),
                problems.get(1));
        assertTrue(problems.get(2).startsWith("planted.md:4: --device"), problems.get(2));
    }
}
