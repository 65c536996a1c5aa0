package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.examples.ShortLivedJvm;
import io.github.prefine.examples.spark.SparkGrid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI prints and writes the same bytes whatever the JVM's locale, time zone and native
 * encoding: each command runs in a child JVM under a UTF-8 C locale, then under ar-EG (Arabic-Indic
 * digits), tr-TR (dotless i), de-DE (decimal comma), {@code LANG=C} (ASCII default charset and
 * file names), {@code LANG=C} as Java 18+ sees it (UTF-8 default charset, ASCII standard streams)
 * and a time zone 14 hours from UTC, and standard output and the files must match. A short training
 * run ({@link LocaleTrainingChild}) under ar-EG and tr-TR must give the losses and files it gives
 * under the C locale.
 *
 * <p>The children of all the tests run side by side, started when the class starts ({@link
 * #startChildren}): each is a process of its own with its own files, so nothing one does can reach
 * another, and the second core does not sit idle, neither while one child starts nor while the
 * last child of one test runs.
 */
class LocaleIndependenceTest {

    /** A child JVM's settings: JVM options and environment. */
    private record Setting(String name, List<String> jvmOptions, Map<String, String> env) {}

    private static final Setting BASE = new Setting("C.UTF-8", List.of(), Map.of("LC_ALL", "C.UTF-8"));
    private static final Setting ASCII = new Setting("LANG=C", List.of(), Map.of("LANG", "C", "LC_ALL", "C"));
    /**
     * The C locale as Java 18 and later see it (JEP 400): a UTF-8 default charset, but standard
     * output and error still in the locale's ASCII, where the CLI printed {@code ?} for every
     * character outside ASCII. The options make a Java 17 JVM start so too.
     */
    private static final Setting ASCII_UTF8_DEFAULT = new Setting("LANG=C-utf8-default",
            List.of("-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=ANSI_X3.4-1968",
                    "-Dsun.stderr.encoding=ANSI_X3.4-1968", "-Dstdout.encoding=ANSI_X3.4-1968",
                    "-Dstderr.encoding=ANSI_X3.4-1968"),
            Map.of("LANG", "C", "LC_ALL", "C"));
    private static final List<Setting> OTHERS = List.of(
            new Setting("ar-EG", List.of("-Duser.language=ar", "-Duser.country=EG"), Map.of("LC_ALL", "C.UTF-8")),
            new Setting("tr-TR", List.of("-Duser.language=tr", "-Duser.country=TR"), Map.of("LC_ALL", "C.UTF-8")),
            new Setting("de-DE", List.of("-Duser.language=de", "-Duser.country=DE"), Map.of("LC_ALL", "C.UTF-8")),
            ASCII,
            ASCII_UTF8_DEFAULT,
            new Setting("TZ", List.of(), Map.of("LC_ALL", "C.UTF-8", "TZ", "Pacific/Kiritimati")));

    /** Exit code, standard output and standard error of a child JVM. */
    private record Run(int exit, byte[] out, String err) {}

    private static Run cli(Setting s, Path dir, String... args) throws Exception {
        return child(PrefineCli.class, s, dir, args);
    }

    /**
     * Runs an entry point's main in a child JVM on this test's class path. The main class and its
     * arguments go through an argument file ({@code java @file}) in UTF-8, so the child receives the
     * bytes a UTF-8 terminal would give it whatever this JVM's own encoding: one started under the
     * POSIX locale would pass "démo" on a command line as "d?mo".
     */
    private static Run child(Class<?> main, Setting s, Path dir, String... args) throws Exception {
        Path argFile = dir.resolve(s.name() + ".args");
        StringBuilder words = new StringBuilder(main.getName());
        for (String a : args) {
            words.append(" \"").append(a.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        Files.writeString(argFile, words.append('\n'), StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.addAll(ShortLivedJvm.OPTIONS);
        cmd.addAll(s.jvmOptions());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "@" + argFile));
        Path out = dir.resolve(s.name() + ".out");
        Path err = dir.resolve(s.name() + ".err");
        ProcessBuilder pb = ChildProcesses.builder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().remove("LANG");
        pb.environment().remove("LANGUAGE");
        pb.environment().putAll(s.env());
        Process p = pb.start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), s.name() + ": timed out");
        return new Run(p.exitValue(), Files.readAllBytes(out), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Children run at once; three keep a two-core runner busy without crowding its memory. */
    private static final int CHILDREN_AT_ONCE = 3;

    @TempDir
    static Path shared;

    private static ExecutorService pool;
    /** Each test's started children by setting name, in the order started. */
    private static final Map<String, Map<String, Future<Run>>> CHILDREN = new LinkedHashMap<>();

    /** Each test's folder: its children's work folder, which holds nothing else. */
    private static Path folder(String test) {
        return shared.resolve(test);
    }

    /**
     * Starts the children of every test, the training runs (the longest) first. What a test lays
     * down for its children is laid down here; what it checks, it checks once they have ended.
     */
    @BeforeAll
    static void startChildren() throws Exception {
        pool = Executors.newFixedThreadPool(CHILDREN_AT_ONCE);
        // training compiles TorchScript source (PaddedEmbedding, the fused optimizer and attention): written under an
        // ar-EG default locale, the padding index came out in Arabic-Indic digits and the first step failed
        Path training = Files.createDirectories(folder("training"));
        for (Setting s : List.of(BASE, OTHERS.get(0), OTHERS.get(1))) {
            Path work = Files.createDirectories(training.resolve("train-" + s.name()));
            Setting oneThread = new Setting(s.name(), Stream.concat(s.jvmOptions().stream(),
                    Stream.of("-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1")).toList(), s.env());
            start("training", s, () -> child(LocaleTrainingChild.class, oneThread, work, work.toString()));
        }
        // an entity type outside ASCII, and fractions that a decimal comma or other digits would change
        Path eval = Files.createDirectories(folder("eval"));
        Files.writeString(eval.resolve("p.conll"), "Café B-PÉR B-PÉR\nrejects O O\nGerman B-MISC B-PÉR\n\n"
                + "Peter B-PER B-PER\nIst B-ORG O\n", StandardCharsets.UTF_8);
        for (Setting s : Stream.concat(Stream.of(BASE), OTHERS.stream()).toList()) {
            Path json = eval.resolve("out-" + s.name().replace('=', '-')).resolve("scores.json");
            Files.createDirectories(json.getParent());
            start("eval", s, () -> cli(s, eval, "eval", "--format", "conll", "p.conll", "--json",
                    eval.relativize(json).toString()));
        }
        // under LANG=C the JVM decodes "démo" as "d\uFFFD\uFFFDmo"; re-launched for training, the demo wrote
        // its run into a folder named "d??mo"
        Path demo = Files.createDirectories(folder("demo"));
        Path spark = Files.createDirectories(folder("spark"));
        for (Setting ascii : List.of(ASCII, ASCII_UTF8_DEFAULT)) {
            start("demo", ascii, () -> cli(ascii, demo, "demo", "--out", "démo", "--seeds", "1", "--epochs", "1",
                    "--target-epochs", "1", "--workers", "1", "--device", "cpu"));
            // prefine-spark's own main: refused before parsing and before any Spark context, on a UTF-8 console
            start("spark", ascii, () -> child(SparkGrid.class, ascii, spark, "demo", "--out", "démo"));
        }
    }

    @AfterAll
    static void stopChildren() {
        pool.shutdownNow();
    }

    private static void start(String test, Setting s, Callable<Run> child) {
        CHILDREN.computeIfAbsent(test, t -> new LinkedHashMap<>()).put(s.name(), pool.submit(child));
    }

    /** A test's runs by setting name, once its children have ended. */
    private static Map<String, Run> runs(String test) throws Exception {
        Map<String, Run> runs = new LinkedHashMap<>();
        for (Map.Entry<String, Future<Run>> e : CHILDREN.get(test).entrySet()) {
            try {
                runs.put(e.getKey(), e.getValue().get(5, TimeUnit.MINUTES));
            } catch (ExecutionException failed) {
                // the child's own assertion or exception, as it would have failed run one by one
                if (failed.getCause() instanceof Error err) {
                    throw err;
                }
                throw (Exception) failed.getCause();
            }
        }
        return runs;
    }

    /** Every file below a folder with its bytes, by relative path. */
    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> all = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                all.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return all;
    }

    @Test
    void evalPrintsAndWritesTheSameBytesUnderEveryLocale() throws Exception {
        Path dir = folder("eval");
        Map<String, Run> runs = runs("eval");
        Run base = runs.get(BASE.name());
        assertEquals(0, base.exit(), base.err());
        String table = new String(base.out(), StandardCharsets.UTF_8);
        assertTrue(table.contains("PÉR                     0.5000    1.0000    0.6667        1"), table);
        Map<String, byte[]> baseFiles = files(dir.resolve("out-C.UTF-8"));
        assertEquals(List.of("scores.json"), List.copyOf(baseFiles.keySet()));
        for (Setting s : OTHERS) {
            Run r = runs.get(s.name());
            assertEquals(0, r.exit(), s.name() + ": " + r.err());
            assertEquals(table, new String(r.out(), StandardCharsets.UTF_8), s.name() + ": standard output");
            Map<String, byte[]> got = files(dir.resolve("out-" + s.name().replace('=', '-')));
            assertEquals(baseFiles.keySet(), got.keySet(), s.name());
            assertArrayEquals(baseFiles.get("scores.json"), got.get("scores.json"), s.name() + ": scores.json");
        }
    }

    @Test
    void trainingGivesTheSameLossesAndWeightsUnderArabicAndTurkishLocales() throws Exception {
        Map<String, Run> runs = runs("training");
        Run base = runs.get(BASE.name());
        assertEquals(0, base.exit(), base.err());
        String trained = new String(base.out(), StandardCharsets.UTF_8);
        // two epochs' losses, and the encoder's weights, configuration and tokenizer written
        assertEquals(2, trained.lines().filter(l -> l.startsWith("epoch ")).count(), trained);
        assertTrue(trained.contains("model.safetensors ") && trained.contains("config.json "), trained);
        for (String name : List.of("ar-EG", "tr-TR")) {
            Run r = runs.get(name);
            assertEquals(0, r.exit(), name + ": " + r.err());
            assertEquals(trained, new String(r.out(), StandardCharsets.UTF_8), name + ": losses and files");
            // a kernel whose source the locale broke falls back to DJL's operations, the same numbers, with a warning
            assertEquals(base.err(), r.err(), name + ": standard error");
        }
    }

    @Test
    void anArgumentTheJvmCannotDecodeIsRefusedNotTurnedIntoAnotherFolder() throws Exception {
        Path dir = folder("demo");
        Map<String, Run> runs = runs("demo");
        for (Setting ascii : List.of(ASCII, ASCII_UTF8_DEFAULT)) {
            Run r = runs.get(ascii.name());
            assertEquals(CliErrors.BAD_INPUT, r.exit(), r.err());
            assertEquals("prefine: argument 'd\uFFFD\uFFFDmo' holds bytes that this JVM's file-name encoding"
                    + " ANSI_X3.4-1968 cannot decode (U+FFFD in their place), so no file or folder of that name can be"
                    + " opened or created; run with a UTF-8 locale (LANG=C.UTF-8 or LC_ALL=C.UTF-8), or use a name in"
                    + " ASCII", r.err().strip(), ascii.name());
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(s.anyMatch(Files::isDirectory), "no folder may be created");
        }
    }

    @Test
    void sparkGridRefusesAnArgumentTheJvmCannotDecodeAsTheCliDoes() throws Exception {
        Path dir = folder("spark");
        Map<String, Run> runs = runs("spark");
        for (Setting ascii : List.of(ASCII, ASCII_UTF8_DEFAULT)) {
            Run r = runs.get(ascii.name());
            assertEquals(CliErrors.BAD_INPUT, r.exit(), r.err());
            assertEquals("prefine-spark: argument 'd\uFFFD\uFFFDmo' holds bytes that this JVM's file-name encoding"
                    + " ANSI_X3.4-1968 cannot decode (U+FFFD in their place), so no file or folder of that name can be"
                    + " opened or created; run with a UTF-8 locale (LANG=C.UTF-8 or LC_ALL=C.UTF-8), or use a name in"
                    + " ASCII", r.err().strip(), ascii.name());
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(s.anyMatch(Files::isDirectory), "no folder may be created");
        }
    }
}
