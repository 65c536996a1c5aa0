package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.examples.docs.DocCommands;
import io.github.prefine.examples.docs.ProjectDocs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command line that README.md, docs/*.md and the device-check scripts give for prefine names
 * a command that exists, options it takes and values its parsers accept; and the usage text of
 * {@code prefine} names only options of the command it describes. Nothing is run: see
 * {@link DocCommandCheck}.
 */
class DocCommandLinesTest {

    @Test
    void everyCommandLineOfTheDocsParses() {
        // the README alone shows some thirty: finding few means the extraction broke, not that the docs are right
        checkAll(DocCommands::in, inv -> DocCommandCheck.problem(inv).map(p -> inv.where() + ": " + inv.text() + "\n    " + p),
                "command lines that do not parse", 40);
    }

    @Test
    void everyOptionNamedInProseBelongsToACommandThatAcceptsItsValue() {
        checkAll(DocCommands::optionMentions, s -> DocCommandCheck.mentionProblem(s.where(), s.text())
                .map(p -> s.where() + ": `" + s.text() + "`: " + p), "options named in prose that fail", 100);
    }

    /** Checks what each document holds, and that the extraction found at least {@code least} items. */
    private static <T> void checkAll(Function<ProjectDocs.Doc, List<T>> items, Function<T, Optional<String>> problem,
            String what, int least) {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (ProjectDocs.Doc doc : ProjectDocs.markdown()) {
            for (T item : items.apply(doc)) {
                checked++;
                problem.apply(item).ifPresent(problems::add);
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " of " + checked + " " + what + " " + ProjectDocs.CONVENTION
                + ":\n" + String.join("\n", problems));
        assertTrue(checked >= least, "only " + checked + " found");
    }

    @Test
    void everyCommandLineOfTheDeviceCheckScriptsParses(@TempDir Path tmp) throws Exception {
        List<List<String>> runs = new ArrayList<>();
        for (String rehearsal : List.of("0", "1")) {
            for (Path script : ProjectDocs.scripts()) {
                if (!script.getFileName().toString().equals("common.sh")) {
                    runs.addAll(javaCommands(script, rehearsal, tmp.resolve(script.getFileName() + "-" + rehearsal)));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (List<String> argv : runs) {
            for (DocCommands.Invocation inv : DocCommands.ofArgv("docs/device-check", argv)) {
                checked++;
                DocCommandCheck.problem(inv).ifPresent(p -> problems.add(inv.text() + "\n    " + p));
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        // bench.sh starts 13 JVMs and demo.sh 8 (six demos, the resumed one twice, and compare), and all.sh
        // both scripts again, in each mode
        assertEquals(2 * 2 * (13 + 8), checked, "java command lines recorded: " + runs);
    }

    /**
     * Runs a device-check script from a copy of docs/device-check (so that no GPU kit of the
     * checkout is used) with a {@code java} on the PATH that records its arguments and exits 0.
     */
    private static List<List<String>> javaCommands(Path script, String rehearsal, Path tmp) throws Exception {
        Path copy = tmp.resolve("root/docs/device-check");
        Files.createDirectories(copy);
        for (Path s : ProjectDocs.scripts()) {
            Files.copy(s, copy.resolve(s.getFileName()));
        }
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path log = tmp.resolve("java-" + script.getFileName() + ".log");
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\nprintf '%s\\0' \"$@\" >> \"$DOCGUARD_LOG\"\nprintf '\\n\\0' >> \"$DOCGUARD_LOG\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = ChildProcesses.builder("bash", copy.resolve(script.getFileName()).toString(), "600")
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile());
        Map<String, String> env = pb.environment();
        env.put("PATH", bin + ":" + env.get("PATH"));
        env.put("DOCGUARD_LOG", log.toString());
        env.put("DEVICE_CHECK_REHEARSAL", rehearsal);
        env.put("OUT", tmp.resolve("out").toString());
        env.put("WORK", tmp.resolve("work").toString());
        env.remove("HF_PEER");
        env.remove("PREFINE_JAR");
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), script + " did not end within 60 s");
        assertEquals(0, p.exitValue(), script + ": " + Files.readString(tmp.resolve("out.txt")));
        List<List<String>> commands = new ArrayList<>();
        if (!Files.exists(log)) {
            return commands;
        }
        List<String> argv = new ArrayList<>(List.of("java"));
        for (String a : Files.readString(log, StandardCharsets.UTF_8).split("\0")) {
            if (a.equals("\n")) {
                commands.add(argv);
                argv = new ArrayList<>(List.of("java"));
            } else {
                argv.add(a);
            }
        }
        return commands;
    }

    @Test
    void theUsageTextNamesOnlyOptionsOfItsCommand() {
        List<String> problems = new ArrayList<>();
        usage(PrefineCli.commandLine(), problems);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");

    /**
     * Each {@code --name} in a command's usage text is an option of that command or, where the
     * text describes its subcommands, of one of them.
     */
    static void usage(CommandLine cli, List<String> problems) {
        String text = cli.getUsageMessage(CommandLine.Help.Ansi.OFF);
        Matcher m = OPTION.matcher(text);
        TreeSet<String> unknown = new TreeSet<>();
        while (m.find()) {
            if (!hasOption(cli, m.group())) {
                unknown.add(m.group());
            }
        }
        if (!unknown.isEmpty()) {
            problems.add(cli.getCommandSpec().qualifiedName() + " --help names " + unknown + ", options of neither "
                    + cli.getCommandSpec().qualifiedName() + " nor its subcommands");
        }
        cli.getSubcommands().values().forEach(sub -> usage(sub, problems));
    }

    private static boolean hasOption(CommandLine cli, String name) {
        return cli.getCommandSpec().findOption(name) != null
                || cli.getSubcommands().values().stream().anyMatch(sub -> hasOption(sub, name));
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
