package io.github.prefine.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.examples.QuickStart;
import io.github.prefine.examples.cli.CliErrors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bench mains whose command lines README and docs give end a bad invocation as the {@code prefine}
 * command line and {@code TextEmbBench} do: exit 2 and one line on standard error, {@code Name:
 * message}, naming the argument and what was found, no stack trace, and nothing written. Each
 * invocation fails on its arguments, before any model or data is read, so each child JVM is short.
 */
class BenchMainsTest {

    @TempDir
    static Path dir;

    /** A main, its arguments ({@code DIR} stands for the temporary folder) and what its one line must say. */
    static Stream<Arguments> badInvocations() {
        return Stream.of(
                Arguments.of(ReadCost.class, List.of("conll9", "DIR/f.txt", "STRICT", "5"),
                        "TASK: no catalogued task named 'conll9'"),
                Arguments.of(ReadCost.class, List.of("rte", "DIR/f.txt", "STRICT", "x"),
                        "READS: expected a whole number of at least 1, found 'x'"),
                Arguments.of(ReadCost.class, List.of("rte", "DIR/f.txt", "strictly", "5"),
                        "STRICT|LENIENT: expected STRICT or LENIENT, found 'strictly'"),
                Arguments.of(ReadHeap.class, List.of("rte", "DIR/missing.tsv"),
                        "FILE DIR/missing.tsv: no such file"),
                Arguments.of(FeaturizeBench.class, List.of("DIR", "DIR/tokenizer.json", "0"),
                        "repeats: expected a whole number of at least 1, found '0'"),
                Arguments.of(EvaluationOrderBench.class, List.of("DIR", "1", "conll9"),
                        "task: no catalogued task named 'conll9'"),
                Arguments.of(LearningCheck.class, List.of("DIR/nope"),
                        "dataRoot DIR/nope: no such directory"),
                Arguments.of(GridSoak.class, List.of("--seeds", "0", "--out", "DIR/soak"),
                        "--seeds: expected a whole number of at least 1, found 0"),
                // it threw IllegalArgumentException out of main: a stack trace and exit 1
                Arguments.of(QuickStart.class, List.of("--seeds", "1"), "takes no arguments, found --seeds 1"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badInvocations")
    void aBadArgumentExits2WithOneLineNamingItAndWritesNothing(Class<?> main, List<String> args, String fragment)
            throws Exception {
        refused(List.of(), main, args, fragment);
    }

    /**
     * {@code --help} or {@code -h} prints the main's usage line on standard output and exits 0, as
     * {@code prefine}, {@code GridSoak}, {@code TextEmbBench} and {@code SparkGrid} do: {@code
     * LearningCheck} and {@code FeaturizeBench} took it for their data root (exit 2, "no such
     * directory"), {@code QuickStart} threw (exit 1, a stack trace), the others refused it as a wrong
     * argument count (exit 2). Nothing is read or written.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("helpInvocations")
    void helpPrintsTheUsageAndExits0(Class<?> main, String flag, String usage) throws Exception {
        Path tmp = dir.resolve("help-tmp");
        Ended r = ended(help(main, flag));
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        assertEquals(usage, r.out().strip());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "nothing written to the temporary folder");
        }
    }

    /** A main, the flag, and the usage line it must print (as its own refusals give it). */
    static Stream<Arguments> helpInvocations() {
        return Stream.of("--help", "-h").flatMap(flag -> Stream.of(
                Arguments.of(LearningCheck.class, flag, "usage: LearningCheck [dataRoot]"),
                Arguments.of(FeaturizeBench.class, flag, "usage: FeaturizeBench [sharedRoot] [tokenizer.json] [repeats]"),
                Arguments.of(EvaluationOrderBench.class, flag, "usage: EvaluationOrderBench dataRoot rounds task..."),
                Arguments.of(ReadCost.class, flag, "usage: ReadCost TASK FILE STRICT|LENIENT READS"),
                Arguments.of(ReadHeap.class, flag, "usage: ReadHeap TASK FILE"),
                Arguments.of(QuickStart.class, flag, "usage: QuickStart (no arguments)")));
    }

    /** GridSoak's documented {@code -Dprefine.soak.passes}: a value that is not a count ran one pass, or none, without a word. */
    private static final String[] PASS_COUNTS = {"two", "0"};
    private static final List<String> SOAK_ARGS = List.of("--out", "DIR/soak");

    static Stream<String> passCounts() {
        return Stream.of(PASS_COUNTS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("passCounts")
    void aBadPassCountOfGridSoakExits2(String passes) throws Exception {
        refused(List.of("-Dprefine.soak.passes=" + passes), GridSoak.class, SOAK_ARGS,
                "-Dprefine.soak.passes: expected a whole number of at least 1, found '" + passes + "'");
    }

    /** The command line of a main refusing its arguments. */
    private static List<String> refusal(List<String> properties, Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        cmd.addAll(properties);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        args.forEach(a -> cmd.add(a.replace("DIR", dir.toString())));
        return cmd;
    }

    /** The command line of a main asked for its usage, with a temporary folder of its own. */
    private static List<String> help(Class<?> main, String flag) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Djava.io.tmpdir=" + dir.resolve("help-tmp"), "-cp",
                System.getProperty("java.class.path"), main.getName(), flag);
    }

    /** A child's exit code and what it printed on each stream. */
    private record Ended(int exit, String out, String err) {}

    /** The children, by command line: every case's is started before the first case, a few at a time. */
    private static final Map<List<String>, Future<Ended>> CHILDREN = new ConcurrentHashMap<>();
    private static ExecutorService starter;

    /**
     * Starts every case's child at once, two or more at a time: each is a short JVM start that
     * leaves the cores partly idle, and the cases only read what each printed.
     */
    @BeforeAll
    static void startEveryChild() throws Exception {
        Files.createDirectories(dir.resolve("help-tmp"));
        starter = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        badInvocations().forEach(a -> start(refusal(List.of(), (Class<?>) a.get()[0], cast(a.get()[1]))));
        for (String passes : PASS_COUNTS) {
            start(refusal(List.of("-Dprefine.soak.passes=" + passes), GridSoak.class, SOAK_ARGS));
        }
        helpInvocations().forEach(a -> start(help((Class<?>) a.get()[0], (String) a.get()[1])));
    }

    @AfterAll
    static void stopStarting() {
        starter.shutdownNow();
    }

    @SuppressWarnings("unchecked")
    private static List<String> cast(Object args) {
        return (List<String>) args;
    }

    private static void start(List<String> cmd) {
        CHILDREN.computeIfAbsent(cmd, c -> starter.submit(() -> {
            Path out = Files.createTempFile(dir, "out", ".txt");
            Path err = Files.createTempFile(dir, "err", ".txt");
            Process p = ChildProcesses.builder(c).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the child ended");
            return new Ended(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        }));
    }

    /** What the child of this command line did, started now if no case started it before. */
    private static Ended ended(List<String> cmd) throws Exception {
        start(cmd);
        return CHILDREN.get(cmd).get(3, TimeUnit.MINUTES);
    }

    private static void refused(List<String> properties, Class<?> main, List<String> args, String fragment)
            throws Exception {
        Ended r = ended(refusal(properties, main, args));
        String e = r.err();
        List<String> lines = e.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(CliErrors.BAD_INPUT, r.exit(), e);
        assertFalse(e.contains("\tat ") || e.contains("Exception"), e);
        assertEquals(1, lines.size(), e);
        String expected = main.getSimpleName() + ": " + fragment.replace("DIR", dir.toString());
        assertTrue(lines.get(0).startsWith(main.getSimpleName() + ": ") && lines.get(0).contains(expected.substring(
                main.getSimpleName().length() + 2)), "expected '" + expected + "' in: " + e);
        assertEquals("", r.out(), "nothing printed before the refusal");
        assertFalse(Files.exists(dir.resolve("soak")), "nothing written");
    }
}
