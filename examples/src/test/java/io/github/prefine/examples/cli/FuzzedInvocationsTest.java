package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random invocations of every command, with the values a typo or a hostile script gives
 * (empty, negative, zero, huge, NaN, not a number, unknown names, commas only, repeated options,
 * files for folders and folders for files, missing and non-ASCII paths). Each must end with exit 0
 * or 2 (never 1, an internal fault; never 3, a failed service, since none may reach the network;
 * never an escaping exception), a refusal with exactly one line on standard error and no stack
 * frame, and a refusal must leave its {@code --out} unwritten.
 *
 * <p>No invocation can train, download or embed: every one carries a value that the command
 * refuses before any work (an invalid precision, a data root without data, an unknown task), so
 * the whole run takes seconds. Explore with {@code -Dprefine.fuzz.seed=N -Dprefine.fuzz.count=M};
 * a failure prints the invocation.
 */
class FuzzedInvocationsTest {
    private static final long SEED = Long.getLong("prefine.fuzz.seed", 20261205L);
    private static final int INVOCATIONS = Integer.getInteger("prefine.fuzz.count", 400);

    @TempDir
    static Path tmp;

    private SplittableRandom random;
    private Path aFile;
    private Path emptyDir;
    /** Valid and malformed prediction files, and run folders with malformed tables. */
    private String[] predictions;
    private String[] runs;
    private int outs;

    private String pick(String... values) {
        return values[random.nextInt(values.length)];
    }

    private String badInt() {
        return pick("", " ", "0", "-1", "-2147483648", "2147483648", "99999999999999999999", "NaN", "1.5", "abc", ",",
                "1,2", "0x10", "١");
    }

    private String badDouble() {
        return pick("", "0", "-0", "-1e-4", "NaN", "Infinity", "-Infinity", "1e400", "abc", ",", ",,", "1e-4,,", "0x1p3");
    }

    private String anyPath() {
        return pick(aFile.toString(), aFile.resolve("sub").toString(), emptyDir.toString(),
                tmp.resolve("missing-" + outs++).toString(), tmp.resolve("ünïcødé-" + outs++ + "/日本").toString(), "",
                " ", "/", "/proc/self/nonexistent");
    }

    /** A fresh output folder that a refusal must leave absent. */
    private Path freshOut() {
        return tmp.resolve(pick("out-", "öut-", "out dir ") + outs++);
    }

    private String badPrecision() {
        return pick("", "fp8", "FP64", "fp-32", "int8", ",");
    }

    private String badDevice() {
        return pick("", "foo", "gpu:", "gpu:-1", "-1", "0", "gpu:x", "cpu,gpu", "2");
    }

    /** One option and its generated value, or a flag. */
    private void option(List<String> args, String name, Supplier<String> value) {
        args.add(name);
        if (value != null) {
            args.add(value.get());
        }
    }

    private List<String> demo(Path out) {
        List<String> a = new ArrayList<>(List.of("demo"));
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(10)) {
                case 0 -> option(a, "--seeds", this::badInt);
                case 1 -> option(a, "--epochs", this::badInt);
                case 2 -> option(a, "--target-epochs", this::badInt);
                case 3 -> option(a, "--lr", this::badDouble);
                case 4 -> option(a, "--target-lr", this::badDouble);
                case 5 -> option(a, "--workers", () -> pick("", "0", "-3", "many", "99999", "auto,auto"));
                case 6 -> option(a, "--device", this::badDevice);
                case 7 -> option(a, "--suite-seed", this::badInt);
                case 8 -> option(a, "--out", this::anyPath);
                default -> option(a, pick("--minilm", "--force", "--bogus", "-x"), null);
            }
        }
        // refused last among demo's checks: nothing generated, written or trained
        a.addAll(List.of("--precision", badPrecision(), "--out", out.toString()));
        return a;
    }

    private List<String> reproduce(Path out) {
        List<String> a = new ArrayList<>(List.of("reproduce"));
        int n = 1 + random.nextInt(4);
        String[] ints = {"--seeds", "--batch-size", "--target-batch-size", "--max-length", "--qa-max-length", "--qa-stride",
            "--epochs", "--target-epochs", "--schedule-epochs", "--target-schedule-epochs", "--patience",
            "--max-train-examples", "--max-eval-examples", "--threads", "--workers", "--log-every"};
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(9)) {
                case 0, 1 -> option(a, pick(ints), this::badInt);
                case 2 -> option(a, pick("--lr", "--target-lr"), this::badDouble);
                case 3 -> option(a, "--groups", () -> pick("", ",", ",,", "SL,SL", "sl,qa", "XX", "SL,,C", " "));
                case 4 -> option(a, "--targets", () -> pick("", ",", "cb,cb", "conll9", "CB", "cb,,", " "));
                case 5 -> option(a, pick("--report-split", "--lr-selection", "--precision"), () -> pick("", "x", ",", "TEST"));
                case 6 -> option(a, "--device", this::badDevice);
                case 7 -> option(a, "--out", this::anyPath);
                default -> option(a, pick("--strict", "--allow-partial", "--force", "--unknown"), null);
            }
        }
        // a data root without data: check() refuses it last, before any work
        a.addAll(List.of("--data", random.nextBoolean() ? emptyDir.toString() : anyPath(), "--out", out.toString()));
        return a;
    }

    private List<String> recommend(Path out) {
        List<String> a = new ArrayList<>(List.of("recommend"));
        int n = 1 + random.nextInt(4);
        String[] ints = {"--fisher-examples", "--head-steps", "--max-text-rows", "--batch-size", "--max-length",
            "--qa-max-length", "--qa-stride", "--threads", "--seed", "--suite-seed"};
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(8)) {
                case 0, 1 -> option(a, pick(ints), this::badInt);
                case 2 -> option(a, "--method", () -> pick("", "x", ",", "textemb,taskemb", "BOTH "));
                case 3 -> option(a, "--groups", () -> pick("", ",", "XX", "SL,SL", "S+L", " "));
                case 4 -> option(a, "--target", () -> pick("", ",", "conll9", "cb,,", "nope"));
                case 5 -> option(a, "--device", this::badDevice);
                case 6 -> option(a, "--against", this::anyPath);
                default -> option(a, pick("--center", "--unknown", "--out"), null);
            }
        }
        // no data: nothing to rank, and the encoder must not be written to find that out
        a.addAll(List.of("--data", random.nextBoolean() ? emptyDir.toString() : anyPath(), "--out", out.toString()));
        return a;
    }

    private List<String> encode() {
        List<String> a = new ArrayList<>(List.of("encode", "--model", anyPath()));
        if (random.nextBoolean()) {
            a.add(pick("", "x", "--unknown", "日本語"));
        }
        return a;
    }

    private List<String> eval(Path out) {
        List<String> a = new ArrayList<>(List.of("eval"));
        option(a, "--format", () -> pick("conll", "squad", "cls", "", "CLS", "xml"));
        if (random.nextBoolean()) {
            option(a, "--dataset", this::anyPath);
        }
        if (random.nextBoolean()) {
            option(a, "--scheme", () -> pick("IOB2", "BILOU", "iob", ""));
        }
        if (random.nextBoolean()) {
            option(a, "--json", () -> pick(anyPath(), out.resolve("s.json").toString(), "/", aFile.resolve("s.json").toString()));
        }
        if (random.nextInt(4) == 0) {
            a.add("--strict");
        }
        a.add(random.nextBoolean() ? anyPath() : pick(predictions));
        return a;
    }

    private List<String> compare() {
        List<String> a = new ArrayList<>(List.of("compare"));
        if (random.nextBoolean()) {
            option(a, "--within", this::badDouble);
        }
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            a.add(random.nextBoolean() ? anyPath() : pick(runs));
        }
        return a;
    }

    private List<String> bench() {
        List<String> a = new ArrayList<>(List.of("bench"));
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(5)) {
                case 0, 1 -> option(a, pick("--steps", "--warmup", "--batch", "--length", "--layers", "--tasks", "--seed"),
                        this::badInt);
                case 2 -> option(a, pick("--model", "--part", "--formats"), () -> pick("", "x", "demo", ","));
                case 3 -> option(a, "--precision", this::badPrecision);
                default -> option(a, pick("--padded", "--profile", "--unknown"), null);
            }
        }
        // refused after every other check, before the engine starts
        a.addAll(List.of("--device", pick("foo", "gpu:x", "2", "")));
        return a;
    }

    private List<String> data(Path out) {
        if (random.nextBoolean()) {
            return new ArrayList<>(List.of("data", "status", "--data", anyPath()));
        }
        // never a catalogued task name: nothing is downloaded
        return new ArrayList<>(List.of("data", "fetch", "--tasks", pick("", ",", "nope", "all,nope", " ", "conll9"),
                "--data", pick(anyPath(), out.toString())));
    }

    /** The names outside ASCII that {@link #anyPath} and {@link #freshOut} put in paths. */
    private static final String[] NON_ASCII = {"ünïcødé", "日本", "öut"};

    /**
     * Runs the invocations here, or, where this JVM's file-name encoding cannot spell the non-ASCII
     * paths (one started under the POSIX locale, as an IDE does on a machine without {@code LANG}), in
     * a child JVM under {@code LC_ALL=C.UTF-8}: such a JVM's own {@code main} could never receive
     * those names either (LocaleIndependenceTest covers what it receives instead), and dropping them
     * here would weaken the test.
     */
    @Test
    void everyGeneratedInvocationEndsWith0Or2AndOneLineAndWritesNothingWhenRefused() throws Exception {
        if (ChildJvm.canName(NON_ASCII)) {
            List<String> failures = failures();
            assertTrue(failures.isEmpty(), report(failures));
        } else {
            System.out.println("FuzzedInvocationsTest: this JVM's file-name encoding "
                    + System.getProperty("sun.jnu.encoding") + " cannot spell the paths outside ASCII; the invocations"
                    + " run in a child JVM under LC_ALL=C.UTF-8");
            ChildJvm.runUnderUtf8(Child.class, tmp.resolve("child.log"), List.of("-Dprefine.fuzz.seed=" + SEED,
                    "-Dprefine.fuzz.count=" + INVOCATIONS, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                    Files.createDirectories(tmp.resolve("child")).toString());
        }
    }

    /**
     * The invocations in a child JVM: the folder to work in is the only argument; prints the report
     * and exits 1 if any broke the promise.
     */
    static final class Child {
        private Child() {}

        public static void main(String[] args) throws IOException {
            tmp = Path.of(args[0]);
            List<String> failures = new FuzzedInvocationsTest().failures();
            if (!failures.isEmpty()) {
                System.out.println(report(failures));
                System.exit(1);
            }
        }
    }

    private static String report(List<String> failures) {
        return failures.size() + " of " + INVOCATIONS + " invocations broke the promise:\n" + String.join("\n", failures);
    }

    /** Runs the invocations below {@link #tmp}; returns those that broke the promise, each with why. */
    private List<String> failures() throws IOException {
        random = new SplittableRandom(SEED);
        aFile = Files.writeString(tmp.resolve("a-file"), "x", StandardCharsets.UTF_8);
        emptyDir = Files.createDirectories(tmp.resolve("empty-data"));
        predictions = new String[] {
            Files.writeString(tmp.resolve("ok.jsonl"), "{\"id\":1,\"gold\":\"a\",\"pred\":\"a\"}\n").toString(),
            Files.writeString(tmp.resolve("ok.conll"), "John B-PER B-PER\nlives O O\n").toString(),
            Files.writeString(tmp.resolve("squad.json"), "{\"a\":\"x\"}").toString(),
            Files.writeString(tmp.resolve("null.jsonl"), "null\n{}\n[]\n").toString(),
            Files.write(tmp.resolve("latin1.conll"), new byte[] {(byte) 0xE9, ' ', 'O', ' ', 'O', '\n'}).toString(),
            Files.writeString(tmp.resolve("bom.jsonl"), "\uFEFF{\"id\":1,\"gold\":\"a\",\"pred\":\"a\"}\n").toString()};
        List<String> r = new ArrayList<>();
        String[][] tables = {{"{}", "[]"}, {"", ""}, {"null", "null"}, {"{\"title\":\"t\"}", "{\"title\":1}"}};
        for (String[] t : tables) {
            Path run = Files.createDirectories(tmp.resolve("run-" + r.size()));
            Files.writeString(run.resolve("table1.json"), t[0]);
            Files.writeString(run.resolve("table2.json"), t[1]);
            r.add(run.toString());
        }
        runs = r.toArray(String[]::new);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < INVOCATIONS; i++) {
            Path out = freshOut();
            List<String> args = switch (random.nextInt(8)) {
                case 0 -> demo(out);
                case 1 -> reproduce(out);
                case 2 -> recommend(out);
                case 3 -> encode();
                case 4 -> eval(out);
                case 5 -> compare();
                case 6 -> bench();
                default -> data(out);
            };
            int extra = random.nextInt(8);
            if (extra == 0) {
                // a stray argument
                args.add(args.size() > 2 ? args.get(args.size() - 2) : "--verbose=x");
            } else if (extra == 1 && args.size() > 2 && args.get(1).startsWith("--")) {
                // the first option given twice
                args.addAll(args.subList(1, args.get(2).startsWith("--") ? 2 : 3).stream().toList());
            }
            CliRunner cli = new CliRunner(args.get(0));
            int rc;
            try {
                rc = cli.run(args.subList(1, args.size()).toArray(String[]::new));
            } catch (RuntimeException | Error e) {
                failures.add(args + " -> threw " + e);
                continue;
            }
            List<String> lines = cli.err().lines().filter(l -> !l.isBlank()).toList();
            String err = cli.err();
            if (rc == CliErrors.SERVICE) {
                failures.add(args + " -> exit 3, so it reached the network before refusing: " + err.strip());
            } else if (rc != 0 && rc != 2) {
                failures.add(args + " -> exit " + rc + ": " + err.strip());
            } else if (err.contains("\tat ") || err.contains("Exception") || err.contains("Caused by")) {
                failures.add(args + " -> stack trace or exception name: " + err.strip());
            } else if (rc == 2 && lines.size() != 1) {
                failures.add(args + " -> " + lines.size() + " lines on stderr: " + err.strip());
            } else if (rc == 2 && Files.exists(out)) {
                failures.add(args + " -> refused but wrote " + out);
            }
        }
        return failures;
    }
}
