package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.testing.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import picocli.CommandLine;

/**
 * Generated bad invocations of every command, run in this JVM through {@link PrefineCli#commandLine()}
 * (the entry point {@link PrefineCli#main} calls, less its {@code System.exit}): each must be refused as
 * bad input before any work.
 *
 * <p>A case is built from the command's real options: a random subset given valid values, then one
 * mutation that the command must refuse: a value left out, an unknown or mistyped option, an option
 * repeated, a bad number (negative, zero, NaN, infinite, huge, {@code 1e3} for a whole number, empty,
 * digits outside ASCII), a missing path, a file where a directory is expected and the reverse, a
 * path below a file, an unreadable file (where this user cannot bypass permissions), or options that
 * exclude each other. So that no case can start work even when its mutation is wrongly accepted,
 * each command also gets an <em>anchor</em>: a value that it refuses only after all its option checks
 * (an empty data root, a missing model folder, a malformed prediction file, {@code --device
 * foo}). A mutation the command does not check then fails on the anchor, which names something
 * else, and the property reports it.
 *
 * <p>Conventions relied on, from {@link PrefineCli} and {@link CliErrors}:
 * <ul>
 *   <li>bad input exits {@link CliErrors#BAD_INPUT} (2), whether picocli or the command refuses it;
 *   <li>the refusal is one line on standard error, {@code prefine COMMAND: message}, and nothing else
 *       is printed on either stream;
 *   <li>the message names the offending option, either first ({@code --seeds: expected ...}, as
 *       {@link OptionChecks} writes them) or quoted as picocli quotes it ({@code '--seeds'},
 *       {@code (PREDICTIONS)}), or it contains the offending path;
 *   <li>it says what was expected ({@link #EXPECTED} lists the phrasings);
 *   <li>without {@code --verbose} it holds no stack frame and no Java exception class name;
 *   <li>checks run before any work: nothing is created or changed below the fixture folder, nor in
 *       the working directory (where a default {@code --out} would go).
 * </ul>
 *
 * <p>{@code data status} and {@code data fetch} have no anchor: only refused values are generated for
 * them ({@code data status} on an existing empty folder is a valid run, and a wrongly accepted fetch
 * would reach for the Hub). Unreadable files are generated only where this user cannot read them
 * (not as root, which reads them all the same). Each property is limited in tries so that the
 * class runs in seconds; a case worth keeping becomes an {@code @Example} below the properties.
 */
class CliArgumentsProperties {
    /** How a message says what was expected, in the commands' and picocli's wordings. */
    static final Pattern EXPECTED = Pattern.compile("expected|must be|is not an? |should be specified only once"
            + "|unknown options?:|missing required|unmatched argument|is listed twice|is for .+ only|needs"
            + "|not a saved prefine model folder|no such (file|directory)|not readable|not writable|; pass ",
            Pattern.CASE_INSENSITIVE);
    /** A Java exception or error class name, simple or qualified, which a user's message never needs. */
    private static final Pattern JAVA_CLASS = Pattern.compile("\\b(java|javax|sun|jdk)\\.[a-z]+\\.|\\b[A-Z]\\w*(Exception|Error)\\b");

    private static Path root;
    private static Path aFile;
    private static Path emptyDir;
    /** A model folder that does not exist: predict's and export's anchor, refused before the engine starts. */
    private static Path noModel;
    private static Path unreadable;
    private static Path input;
    private static Path results;
    private static Path badConll;
    private static Path badJsonl;
    private static Path badSquad;
    private static Path badSquadPredictions;
    private static Path baseRun;
    private static Path otherRun;
    /** A tokenizer.json of the shared fixtures, or null where they are absent. */
    private static Path tokenizer;
    /** Folders that must never be created. */
    private static Path out;

    @BeforeContainer
    static void fixtures() throws IOException {
        root = Files.createTempDirectory("prefine-cli-props");
        aFile = Files.writeString(root.resolve("a-file"), "x");
        emptyDir = Files.createDirectories(root.resolve("empty-data"));
        noModel = root.resolve("no-model");
        input = Files.writeString(root.resolve("input.jsonl"), "{\"text\":\"hello\"}\n");
        results = Files.writeString(root.resolve("results.jsonl"), "{}\n");
        badConll = Files.writeString(root.resolve("bad.conll"), "x\n");
        badJsonl = Files.writeString(root.resolve("bad.jsonl"), "x\n");
        badSquad = Files.writeString(root.resolve("bad-dev.json"), "x");
        badSquadPredictions = Files.writeString(root.resolve("bad-predictions.json"), "x");
        baseRun = Files.createDirectories(root.resolve("run-base"));
        otherRun = Files.createDirectories(root.resolve("run-other"));
        for (Path run : List.of(baseRun, otherRun)) {
            Files.writeString(run.resolve("table1.json"), "x");
            Files.writeString(run.resolve("table2.json"), "x");
        }
        unreadable = Files.writeString(root.resolve("unreadable"), "x");
        if (!unreadable.toFile().setReadable(false, false) || Files.isReadable(unreadable)) {
            unreadable = null; // root reads it all the same: no case can use it
        }
        out = root.resolve("out");
        Path t = SharedFixtures.root().resolve("fixtures/hf-reference/bert/tokenizer.json");
        tokenizer = Files.isRegularFile(t) ? t : null;
    }

    @AfterContainer
    static void removeFixtures() throws IOException {
        if (unreadable != null) {
            unreadable.toFile().setReadable(true, false);
        }
        TestFiles.deleteTree(root);
    }

    // ---------------------------------------------------------------------------------------------
    // the model of a command line

    /**
     * One option: the values it accepts and those it must refuse, each refusal with what the message
     * must name (the option, and for a path also the path itself).
     */
    private record Opt(String name, Arbitrary<String> valid, Arbitrary<Bad> invalid, boolean flag, boolean list) {}

    /** A refused value and the names of which the message must hold one. */
    private record Bad(String value, List<String> blame) {}

    /**
     * A mutation: the tokens it adds, whether they go last (a value left out), the options it takes
     * over (left out of the valid base; the anchor's among them replaces the anchor), and the names
     * of which the refusal must hold one.
     */
    private record Mutation(List<String> tokens, boolean last, Set<String> touches, List<String> blame, String kind) {}

    /** One generated command line and what its refusal must name. */
    record Invocation(List<String> args, List<String> blame, String kind) {
        @Override
        public String toString() {
            return kind + ": prefine " + String.join(" ", args.stream().map(a -> a.isEmpty() || a.contains(" ")
                    ? "'" + a + "'" : a).toList()) + "  (must name one of " + blame + ")";
        }
    }

    /**
     * A command: its words, options, the anchor's pieces (by the option or parameter each gives, in
     * order; a mutation that touches one replaces it), what the anchor's refusal names, and whether it
     * takes positional parameters of any number.
     */
    private record Command(List<String> words, List<Opt> options, Map<String, List<String>> anchor,
            List<String> anchorBlame, List<Arbitrary<Mutation>> specials, boolean positionals) {
        Set<String> anchorOptions() {
            return anchor.keySet();
        }
    }

    /** Anchor pieces in order: key, tokens, key, tokens... */
    private static Map<String, List<String>> anchor(Object... keysAndTokens) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int k = 0; k < keysAndTokens.length; k += 2) {
            @SuppressWarnings("unchecked")
            List<String> tokens = (List<String>) keysAndTokens[k + 1];
            m.put((String) keysAndTokens[k], tokens);
        }
        return m;
    }

    private static Opt flag(String name) {
        return new Opt(name, Arbitraries.just(""), null, true, false);
    }

    private static Opt choice(String name, List<String> valid, List<String> invalid) {
        return new Opt(name, Arbitraries.of(valid), invalid.isEmpty() ? null
                : Arbitraries.of(invalid).map(v -> new Bad(v, List.of(name))), false, false);
    }

    private static Opt list(String name, List<String> valid, List<String> invalid) {
        return new Opt(name, Arbitraries.of(valid), Arbitraries.of(invalid).map(v -> new Bad(v, List.of(name))), false,
                true);
    }

    /** Strings no whole-number option may accept: not numbers, fractions, overflows, digits outside ASCII. */
    private static final List<String> NOT_WHOLE = List.of("", " ", "abc", "1e3", "1.5", "NaN", "Infinity", ",", "1,2",
            "0x10", "2147483648", "99999999999999999999", "\u0661", "\u0663\u0662", "\uFF13", "\u0967", "1_000", "5 5");
    /** Strings no number option may accept. */
    private static final List<String> NOT_NUMBER = List.of("", "abc", ",", "1,,2", "\u0661", "\uFF13", "1e-4e2", "--1",
            "0x1p-10", "1e-4d", "1_000.5", "1e-4f");

    /** An {@code int} option accepting {@code min} and above. */
    private static Opt whole(String name, int min) {
        Arbitrary<String> below = min == Integer.MIN_VALUE ? null
                : Arbitraries.oneOf(Arbitraries.integers().between(Math.max(-1_000_000, min - 1_000_000), min - 1),
                        Arbitraries.of(Integer.MIN_VALUE, min - 1)).map(String::valueOf);
        Arbitrary<String> bad = below == null ? Arbitraries.of(NOT_WHOLE) : Arbitraries.oneOf(Arbitraries.of(NOT_WHOLE), below);
        return new Opt(name, Arbitraries.integers().between(min, min + 64).map(String::valueOf),
                bad.map(v -> new Bad(v, List.of(name))), false, false);
    }

    /** A {@code long} option accepting any value. */
    private static Opt anyLong(String name) {
        return new Opt(name, Arbitraries.longs().map(String::valueOf),
                Arbitraries.of(Stream.concat(NOT_WHOLE.stream().filter(v -> !v.equals("2147483648")),
                        Stream.of("9223372036854775808")).toList()).map(v -> new Bad(v, List.of(name))), false, false);
    }

    /** A learning rate: positive and finite. */
    private static Opt rate(String name, boolean commaList) {
        List<String> bad = new ArrayList<>(NOT_NUMBER);
        bad.addAll(List.of("0", "-0", "-1e-4", "NaN", "Infinity", "-Infinity", "1e400"));
        if (commaList) {
            bad.addAll(List.of("1e-4,NaN", "1e-4,0", "1e-4,abc", "1e-4,-3e-4"));
        }
        return new Opt(name, Arbitraries.of("1e-5", "3e-5", "1e-4", "0.001", "2", "1e3", "+1e-4", " 0.01 ", ".5").map(v -> commaList
                ? v + ",3e-4" : v), Arbitraries.of(bad).map(v -> new Bad(v, List.of(name))), false, commaList);
    }

    /** A significance level: within (0, 1). */
    private static Opt level(String name) {
        List<String> bad = new ArrayList<>(NOT_NUMBER);
        bad.addAll(List.of("0", "1", "-0.05", "1.5", "NaN", "Infinity", "1e400"));
        return new Opt(name, Arbitraries.of("0.05", "0.01", "0.5", "0.999", "1e-9"),
                Arbitraries.of(bad).map(v -> new Bad(v, List.of(name))), false, false);
    }

    /** A path option: the valid value, and refused values, each refused for the path it names. */
    private static Opt path(String name, Path valid, Path... refused) {
        List<Bad> bad = new ArrayList<>();
        for (Path p : refused) {
            if (p != null) {
                bad.add(new Bad(p.toString(), List.of(name, p.toString())));
            }
        }
        bad.add(new Bad("", List.of(name)));
        bad.add(new Bad(" ", List.of(name)));
        return new Opt(name, Arbitraries.just(valid.toString()), Arbitraries.of(bad), false, false);
    }

    private static Path missing() {
        return root.resolve("missing").resolve("nowhere");
    }

    private static Path belowFile() {
        return aFile.resolve("sub");
    }

    private static Opt device(List<String> valid) {
        return choice("--device", valid, List.of("", "foo", "gpu:", "gpu:-1", "gpu:x", "cpu,gpu", "gpu:\u0661", "0",
                "gpu:99999"));
    }

    private static Opt precision() {
        return choice("--precision", List.of("fp32", "FP32", "float32", "fp16-mixed", "bf16-mixed", "auto"),
                List.of("", "fp8", "fp64", "fp-32", "int8", ","));
    }

    private static Opt exportModels() {
        return choice("--export-models", List.of("none", "best", "all"), List.of("", "x", "best,all", "some"));
    }

    private static Opt groups() {
        return list("--groups", List.of("SL", "QA", "C", "SL,QA", "C,SL", "sl,qa,c"), List.of("", "XX", "SL,SL",
                "SL,,C", "S+L", " "));
    }

    // ---------------------------------------------------------------------------------------------
    // generic mutations

    private static Arbitrary<Mutation> badValue(Opt o) {
        return o.invalid().map(b -> new Mutation(List.of(o.name(), b.value()), false, Set.of(o.name()), b.blame(),
                "bad value"));
    }

    private static Mutation missingValue(Opt o) {
        return new Mutation(List.of(o.name()), true, Set.of(o.name()), List.of(o.name()), "missing value");
    }

    private static Arbitrary<Mutation> repeated(Opt o) {
        if (o.flag()) {
            return Arbitraries.just(new Mutation(List.of(o.name(), o.name()), false, Set.of(o.name()), List.of(o.name()),
                    "repeated"));
        }
        return Combinators.combine(o.valid(), o.valid()).as((a, b) -> new Mutation(List.of(o.name(), a, o.name(), b),
                false, Set.of(o.name()), List.of(o.name()), "repeated"));
    }

    private static Arbitrary<Mutation> unknown(Command c) {
        List<String> names = c.options().stream().map(Opt::name).toList();
        Arbitrary<String> upper = Arbitraries.of(names).map(n -> n.toUpperCase(java.util.Locale.ROOT));
        Arbitrary<String> made = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)
                .map(s -> "--no-such-" + s);
        Arbitrary<String> near = Arbitraries.of(names).filter(n -> n.length() > 4).map(n -> n.substring(0, n.length() - 1))
                .filter(n -> !names.contains(n));
        Arbitrary<String> token = Arbitraries.oneOf(upper, made, near, Arbitraries.of("-x", "-Z", "--", "---seeds"))
                .filter(t -> !t.equals("--"));
        List<Arbitrary<Mutation>> all = new ArrayList<>();
        all.add(token.map(t -> new Mutation(List.of(t), false, Set.of(), List.of(t), "unknown option")));
        if (!c.positionals()) {
            all.add(Arbitraries.of("extra", "x.json", "日本").map(t -> new Mutation(List.of(t), true, Set.of(),
                    List.of(t), "stray argument")));
        }
        return Arbitraries.oneOf(all);
    }

    private static Arbitrary<Mutation> mutation(Command c) {
        List<Arbitrary<Mutation>> all = new ArrayList<>();
        for (Opt o : c.options()) {
            if (o.invalid() != null) {
                all.add(badValue(o));
            }
            if (!o.flag()) {
                all.add(Arbitraries.just(missingValue(o)));
            }
            if (!o.list()) {
                all.add(repeated(o));
            }
        }
        all.addAll(c.specials());
        all.add(unknown(c));
        return Arbitraries.oneOf(all);
    }

    /** Valid values for a subset of the options the mutation leaves alone, in declaration order. */
    private static Arbitrary<List<String>> base(Command c, Set<String> excluded) {
        List<Opt> free = c.options().stream().filter(o -> !excluded.contains(o.name())
                && !c.anchorOptions().contains(o.name())).toList();
        if (free.isEmpty()) {
            return Arbitraries.just(List.of());
        }
        return Arbitraries.subsetOf(free).ofMaxSize(5).flatMap(chosen -> {
            List<Opt> ordered = free.stream().filter(chosen::contains).toList();
            if (ordered.isEmpty()) {
                return Arbitraries.just(List.<String>of());
            }
            List<Arbitrary<List<String>>> parts = ordered.stream().map(o -> o.flag() ? Arbitraries.just(List.of(o.name()))
                    : o.valid().map(v -> List.of(o.name(), v))).toList();
            return Combinators.combine(parts).as(l -> l.stream().flatMap(List::stream).toList());
        });
    }

    private static Arbitrary<Invocation> invocations(Command c) {
        return mutation(c).flatMap(m -> base(c, m.touches()).map(b -> {
            List<String> args = new ArrayList<>(c.words());
            args.addAll(b);
            if (!m.last()) {
                args.addAll(m.tokens());
            }
            c.anchor().forEach((k, tokens) -> {
                if (!m.touches().contains(k)) {
                    args.addAll(tokens);
                }
            });
            if (m.last()) {
                args.addAll(m.tokens());
            }
            return new Invocation(args, m.blame(), m.kind());
        }));
    }

    // ---------------------------------------------------------------------------------------------
    // the commands

    private static Command demo() {
        List<Opt> opts = List.of(
                path("--out", aFile, aFile, belowFile(), unreadable),
                flag("--minilm"), whole("--seeds", 1), whole("--epochs", 1), whole("--target-epochs", 1),
                rate("--lr", false), rate("--target-lr", false), anyLong("--suite-seed"), precision(),
                device(List.of("auto", "cpu", "CPU", "gpu", "gpu:0", "gpu:3")),
                choice("--workers", List.of("auto", "1", "2", "4", " 3 "), List.of("", "0", "-3", "many", "99999",
                        "\u0661", "1.5", "auto,auto")),
                flag("--force"), exportModels(), level("--alpha"));
        // --out a file: refused after every option value, before the suite is generated
        return new Command(List.of("demo"), opts, anchor("--out", List.of("--out", aFile.toString())),
                List.of("--out"), List.of(), false);
    }

    /** {@code --qa-stride} at or beyond {@code --qa-max-length}, which only the pair can refuse. */
    private static Arbitrary<Mutation> strideBeyondWindow() {
        return Arbitraries.integers().between(8, 600).flatMap(w -> Arbitraries.integers().between(w, w + 100)
                .map(s -> new Mutation(List.of("--qa-max-length", w.toString(), "--qa-stride", s.toString()), false,
                        Set.of("--qa-max-length", "--qa-stride"), List.of("--qa-stride"), "stride not below the window")));
    }

    private static List<Opt> lengths() {
        Opt window = whole("--qa-max-length", 8);
        Opt stride = whole("--qa-stride", 1);
        // valid together: every window at least 129, every stride at most 65
        return List.of(whole("--max-length", 4),
                new Opt(window.name(), Arbitraries.integers().between(129, 512).map(String::valueOf), window.invalid(),
                        false, false),
                new Opt(stride.name(), Arbitraries.integers().between(1, 65).map(String::valueOf), stride.invalid(),
                        false, false));
    }

    private static Command reproduce() {
        List<Opt> opts = new ArrayList<>(List.of(
                path("--data", emptyDir, missing(), aFile, belowFile()),
                choice("--encoder", List.of("minilm", "FacebookAI/xlm-roberta-base"), List.of("", " ")),
                groups(),
                list("--targets", List.of("cb", "cb,wnut17", "copa,boolq"), List.of("", ",", "cb,cb", "conll9", "CB",
                        " ")),
                whole("--seeds", 1), rate("--lr", true), rate("--target-lr", true), whole("--batch-size", 1),
                whole("--target-batch-size", 1),
                choice("--report-split", List.of("validation", "test", "TEST"), List.of("", "x", "val", ",")),
                choice("--lr-selection", List.of("per-target", "per-seed"), List.of("", "x", "per_target", ",")),
                whole("--epochs", 1), whole("--target-epochs", 1), whole("--schedule-epochs", 1),
                whole("--target-schedule-epochs", 1), whole("--patience", 1), whole("--max-train-examples", 0),
                whole("--max-eval-examples", 0), precision(),
                device(List.of("auto", "cpu", "gpu", "gpu:1", "2")), whole("--threads", 1), whole("--workers", 1),
                whole("--log-every", 1), level("--alpha"),
                path("--out", out, aFile, belowFile()),
                flag("--allow-partial"), flag("--force"), exportModels()));
        opts.addAll(lengths());
        // --strict only repeated: it changes the anchor's refusal ("--strict: data missing ...")
        List<Arbitrary<Mutation>> specials = List.of(strideBeyondWindow(), repeated(flag("--strict")));
        return new Command(List.of("reproduce"), opts, anchor("--data", List.of("--data", emptyDir.toString()),
                "--out", List.of("--out", out.toString())), List.of("--data"), specials, false);
    }

    private static Command recommend() {
        List<Opt> opts = new ArrayList<>(List.of(
                path("--data", emptyDir, missing(), aFile, belowFile()),
                path("--out", out, aFile, belowFile()),
                choice("--method", List.of("textemb", "taskemb", "both", "BOTH"), List.of("", "x", "textemb,taskemb",
                        "text")),
                groups(),
                choice("--encoder", List.of("minilm"), List.of("", " ")),
                path("--against", results, missing(), emptyDir, unreadable),
                flag("--center"), whole("--fisher-examples", 1), whole("--head-steps", 0), whole("--max-text-rows", 0),
                whole("--batch-size", 1), anyLong("--seed"), anyLong("--suite-seed"), whole("--threads", 1),
                device(List.of("cpu", "CPU"))));
        opts.addAll(lengths());
        List<Arbitrary<Mutation>> specials = List.of(strideBeyondWindow(),
                Arbitraries.of("", ",", "nope", "cb,cb", "cb,,copa").map(t -> new Mutation(List.of("--target", t), false,
                        Set.of("--target"), List.of("--target"), "bad value")),
                Arbitraries.just(new Mutation(List.of("--target"), true, Set.of("--target"), List.of("--target"),
                        "missing value")),
                // the synthetic suite's targets are others: refused before its encoder is written
                Arbitraries.of("nope", "cb", "syn-sl-target-all,syn-sl-target-all").map(t -> new Mutation(
                        List.of("--data", "demo", "--target", t, "--out", out.toString()), false,
                        Set.of("--data", "--out", "--target"), List.of("--target"), "unknown synthetic target")));
        return new Command(List.of("recommend"), opts, anchor("--data", List.of("--data", emptyDir.toString()),
                "--out", List.of("--out", out.toString())), List.of("--data"), specials, false);
    }

    private static Command predict() {
        List<Opt> opts = List.of(
                path("--model", noModel, missing(), aFile),
                choice("--task", List.of("cb", "x"), List.of()),
                path("--input", input, missing(), emptyDir, unreadable),
                whole("--chunk", 1), whole("--max-line-bytes", 1), flag("--skip-bad"), whole("--max-length", 4),
                whole("--qa-max-length", 8),
                whole("--qa-stride", 1), whole("--max-answer-length", 1),
                choice("--ideograph-words", List.of("tokenizer", "each", "joined"),
                        List.of("split", "\u017Fplit", "")));
        List<Arbitrary<Mutation>> specials = List.of(Arbitraries.just(new Mutation(List.of(), false, Set.of("--model"),
                List.of("--model"), "required option left out")),
                // a whole number, but more than the 1 GiB a line's bytes may take
                Arbitraries.of("1073741825", "2147483647").map(v -> new Mutation(List.of("--max-line-bytes", v), false,
                        Set.of("--max-line-bytes"), List.of("--max-line-bytes"), "line cap above 1 GiB")));
        return new Command(List.of("predict"), opts, anchor("--model", List.of("--model", noModel.toString())),
                List.of(noModel.toString()), specials, false);
    }

    private static Command export() {
        List<Opt> opts = List.of(
                path("--model", noModel, missing(), aFile),
                choice("--task", List.of("cb", "x"), List.of()),
                path("--out", out, aFile, belowFile()));
        List<Arbitrary<Mutation>> specials = List.of(
                Arbitraries.just(new Mutation(List.of(), false, Set.of("--model"), List.of("--model"),
                        "required option left out")),
                Arbitraries.just(new Mutation(List.of(), false, Set.of("--out"), List.of("--out"),
                        "required option left out")));
        return new Command(List.of("export"), opts, anchor("--model", List.of("--model", noModel.toString()),
                "--out", List.of("--out", out.toString())), List.of(noModel.toString()), specials, false);
    }

    private static Command encode() {
        List<Opt> opts = List.of(path("--model", emptyDir, missing(), aFile));
        return new Command(List.of("encode"), opts, anchor("--model", List.of("--model", emptyDir.toString(),
                "a sentence")), List.of(emptyDir.toString()), List.of(), true);
    }

    private static Command compare() {
        List<Opt> opts = List.of(choice("--within", List.of("0", "2", "0.5", "100"), List.of("", "abc", "-1", "-0.1",
                "NaN", "Infinity", "1e400", "\u0661")), level("--alpha"));
        List<Arbitrary<Mutation>> specials = new ArrayList<>();
        for (Path p : Arrays.asList(missing(), aFile, emptyDir, unreadable)) {
            if (p != null) {
                specials.add(Arbitraries.just(new Mutation(List.of(p.toString(), otherRun.toString()), false,
                        Set.of("BASE"), List.of(p.toString()), "bad BASE")));
                specials.add(Arbitraries.just(new Mutation(List.of(baseRun.toString(), p.toString()), false,
                        Set.of("BASE"), List.of(p.toString()), "bad OTHER")));
            }
        }
        specials.add(Arbitraries.just(new Mutation(List.of(baseRun.toString()), false, Set.of("BASE"),
                List.of("OTHER"), "required parameter left out")));
        specials.add(Arbitraries.just(new Mutation(List.of("", otherRun.toString()), false, Set.of("BASE"),
                List.of("BASE"), "empty BASE")));
        // BASE and OTHER with malformed tables: refused when read, after every option and folder check
        return new Command(List.of("compare"), opts, anchor("BASE", List.of(baseRun.toString(), otherRun.toString())),
                List.of(baseRun.toString(), otherRun.toString()), specials, true);
    }

    private static Command dataStatus() {
        return new Command(List.of("data", "status"), List.of(path("--data", emptyDir, aFile, belowFile())), anchor(),
                List.of(), List.of(), false);
    }

    private static Command dataFetch() {
        // only refused values: a value wrongly accepted would fetch from the Hub
        List<Opt> opts = List.of(
                new Opt("--tasks", Arbitraries.just("cb"), Arbitraries.of("", ",", "nope", "all,nope", "cb,nope", " ")
                        .map(v -> new Bad(v, List.of("--tasks"))), false, true),
                new Opt("--data", Arbitraries.just(out.toString()), Arbitraries.of(aFile, belowFile()).map(p ->
                        new Bad(p.toString(), List.of("--data", p.toString()))), false, false));
        return new Command(List.of("data", "fetch"), opts, anchor(), List.of(), List.of(), false);
    }

    private static Command bench() {
        List<Opt> opts = List.of(
                choice("--model", List.of("DEMO", "MINILM", "XLMR_BASE", "demo", "Minilm", "xlmr_base"), List.of("", "x",
                        "xlmr-base", "DEMO,MINILM")),
                whole("--layers", 0), whole("--batch", 1),
                new Opt("--length", Arbitraries.integers().between(3, 128).map(String::valueOf),
                        whole("--length", 3).invalid(), false, false),
                precision(),
                choice("--part", List.of("FORWARD", "ENCODER", "BERTBLOCK", "FULL", "ALL", "PAIRED", "full", "BertBlock"),
                        List.of("", "x", "ENCODER,FULL")),
                choice("--formats", List.of("MIXED", "TOKEN", "SEQUENCE", "SPAN", "mixed", " span "), List.of("", "x",
                        "TOKENS")),
                new Opt("--tasks", Arbitraries.of("0", "1"), whole("--tasks", 0).invalid(), false, false),
                flag("--padded"),
                choice("--warmup", List.of("auto", "0", "5", "+2", "AUTO", "Auto", " 3 "), List.of("", "-1", "x", "1.5",
                        "\u0661", "1e3", "auto,auto", "autos")),
                whole("--steps", 1), anyLong("--seed"),
                device(List.of("foo")));
        List<Arbitrary<Mutation>> specials = new ArrayList<>();
        // values valid alone that their pairing refuses, before the engine starts
        specials.add(Arbitraries.integers().between(129, 100_000).map(l -> new Mutation(List.of("--model", "DEMO",
                "--length", l.toString()), false, Set.of("--model", "--length"), List.of("--length"),
                "length beyond the model's positions")));
        specials.add(Arbitraries.integers().between(1, 16).flatMap(b -> Arbitraries.integers().between(b + 1, b + 20)
                .map(t -> new Mutation(List.of("--batch", b.toString(), "--tasks", t.toString()), false,
                        Set.of("--batch", "--tasks"), List.of("--tasks"), "more tasks than sequences"))));
        specials.add(Arbitraries.of("2", "3").map(n -> new Mutation(List.of("--device", n), false, Set.of("--device"),
                List.of("--device"), "a GPU count")));
        // options of another part: --profile times the encoder or the full step only
        specials.add(Arbitraries.of("FORWARD", "BERTBLOCK", "PAIRED").map(p -> new Mutation(List.of("--part", p,
                "--profile"), false, Set.of("--part"), List.of("--profile"), "option of another part")));
        specials.add(repeated(flag("--profile")));
        // --leak-check counts around the full step's timed steps only
        specials.add(Arbitraries.of("FORWARD", "ENCODER", "BERTBLOCK", "PAIRED").map(p -> new Mutation(List.of("--part", p,
                "--leak-check"), false, Set.of("--part"), List.of("--leak-check"), "option of another part")));
        specials.add(Arbitraries.of(List.of("--task", "cb"), List.of("--tokenizer", aFile.toString()),
                List.of("--data", emptyDir.toString())).map(t -> new Mutation(t, false, Set.of(t.get(0)),
                List.of(t.get(0)), "option of another part")));
        // every option given here is the mutation's: the base would add model options DATA refuses
        Set<String> all = new java.util.HashSet<>(opts.stream().map(Opt::name).toList());
        all.add("--part");
        specials.add(Arbitraries.of(List.of("--batch", "4"), List.of("--model", "DEMO"), List.of("--padded"),
                List.of("--seed", "3"), List.of("--device", "cpu"), List.of("--profile"), List.of("--warmup", "0"))
                .map(t -> {
                    List<String> a = new ArrayList<>(List.of("--part", "DATA", "--data", missing().toString()));
                    a.addAll(t);
                    return new Mutation(a, false, all, List.of(t.get(0)), "option of another part");
                }));
        if (tokenizer != null) {
            // --part DATA: the folder and the tokenizer, then the task names, before any file is read
            List<String> data = List.of("--part", "DATA", "--data", emptyDir.toString(), "--tokenizer", tokenizer.toString());
            for (Path p : Arrays.asList(missing(), aFile)) {
                specials.add(Arbitraries.just(new Mutation(List.of("--part", "DATA", "--data", p.toString(), "--tokenizer",
                        tokenizer.toString()), false, all, List.of("--data"), "bad --data")));
            }
            for (Path p : Arrays.asList(missing(), emptyDir)) {
                specials.add(Arbitraries.just(new Mutation(List.of("--part", "DATA", "--data", emptyDir.toString(),
                        "--tokenizer", p.toString()), false, all, List.of("--tokenizer"), "bad --tokenizer")));
            }
            specials.add(Arbitraries.of("nope", "cb,nope", "CB").map(t -> {
                List<String> a = new ArrayList<>(data);
                a.addAll(List.of("--task", t));
                return new Mutation(a, false, all, List.of("--task"), "unknown task");
            }));
        }
        // --device foo: refused last among the values, before the engine starts
        return new Command(List.of("bench"), opts, anchor("--device", List.of("--device", "foo")), List.of("--device"),
                specials, false);
    }

    /**
     * {@code eval}: the anchor is a malformed prediction file (and a malformed dataset for squad),
     * refused when read, after every option check.
     */
    private static Arbitrary<Invocation> evalInvocations() {
        Arbitrary<String> format = Arbitraries.of("conll", "cls", "squad");
        return format.flatMap(f -> {
            Path predictions = f.equals("conll") ? badConll : f.equals("cls") ? badJsonl : badSquadPredictions;
            List<String> anchorBlame = f.equals("squad") ? List.of(predictions.toString(), badSquad.toString())
                    : List.of(predictions.toString());
            List<Opt> opts = new ArrayList<>(List.of(flag("--strict"),
                    path("--json", root.resolve("scores.json"), emptyDir, belowFile().resolve("s.json"))));
            if (f.equals("conll")) {
                opts.add(choice("--scheme", List.of("IOB2", "IOBES", "BILOU", "iob2", "Bilou"), List.of("", "x", "IOB1")));
            }
            if (f.equals("squad")) {
                opts.add(path("--dataset", badSquad, missing(), emptyDir, unreadable));
            }
            List<Arbitrary<Mutation>> specials = new ArrayList<>();
            for (Path p : Arrays.asList(missing(), emptyDir, unreadable)) {
                if (p != null) {
                    specials.add(Arbitraries.just(new Mutation(List.of(p.toString()), true, Set.of("PREDICTIONS"),
                            List.of("PREDICTIONS", p.toString()), "bad PREDICTIONS")));
                }
            }
            specials.add(Arbitraries.just(new Mutation(List.of(""), true, Set.of("PREDICTIONS"), List.of("PREDICTIONS"),
                    "empty PREDICTIONS")));
            specials.add(Arbitraries.just(new Mutation(List.of(), true, Set.of("PREDICTIONS"), List.of("PREDICTIONS"),
                    "required parameter left out")));
            specials.add(Arbitraries.of("xml", "", "conl", "json").map(x -> new Mutation(List.of("--format", x), false,
                    Set.of("--format"), List.of("--format"), "bad value")));
            // options of another format
            if (!f.equals("squad")) {
                specials.add(Arbitraries.just(new Mutation(List.of("--dataset", badSquad.toString()), false,
                        Set.of("--dataset"), List.of("--dataset"), "option of another format")));
                specials.add(Arbitraries.just(new Mutation(List.of("--format", "squad"), false, Set.of("--format"),
                        List.of("--format", "--dataset"), "squad without --dataset")));
            } else {
                specials.add(Arbitraries.just(new Mutation(List.of(), false, Set.of("--dataset"),
                        List.of("--format", "--dataset"), "squad without --dataset")));
            }
            if (!f.equals("conll")) {
                specials.add(Arbitraries.of("IOB2", "BILOU").map(s -> new Mutation(List.of("--scheme", s), false,
                        Set.of("--scheme"), List.of("--scheme"), "option of another format")));
            }
            Map<String, List<String>> anchor = f.equals("squad")
                    ? anchor("--dataset", List.of("--dataset", badSquad.toString()), "PREDICTIONS",
                            List.of(predictions.toString()))
                    : anchor("PREDICTIONS", List.of(predictions.toString()));
            List<Opt> withFormat = new ArrayList<>(opts);
            withFormat.add(choice("--format", List.of(f), List.of()));
            Command c = new Command(List.of("eval"), withFormat, anchor, anchorBlame, specials, true);
            // --format leads, unless the mutation replaces it
            return invocations(c).map(i -> i.args().contains("--format") ? i : withArgs(i, "--format", f));
        });
    }

    private static Invocation withArgs(Invocation i, String... lead) {
        List<String> a = new ArrayList<>(i.args().subList(0, 1));
        a.addAll(List.of(lead));
        a.addAll(i.args().subList(1, i.args().size()));
        return new Invocation(a, i.blame(), i.kind());
    }

    // ---------------------------------------------------------------------------------------------
    // the properties

    @Provide
    Arbitrary<Invocation> demoArgs() {
        return invocations(demo());
    }

    @Provide
    Arbitrary<Invocation> reproduceArgs() {
        return invocations(reproduce());
    }

    @Provide
    Arbitrary<Invocation> recommendArgs() {
        return invocations(recommend());
    }

    @Provide
    Arbitrary<Invocation> modelArgs() {
        return Arbitraries.oneOf(invocations(predict()), invocations(export()), invocations(encode()));
    }

    @Provide
    Arbitrary<Invocation> fileArgs() {
        return Arbitraries.oneOf(evalInvocations(), invocations(compare()), invocations(dataStatus()),
                invocations(dataFetch()));
    }

    @Provide
    Arbitrary<Invocation> benchArgs() {
        return invocations(bench());
    }

    @Property(tries = 40)
    void demoRefusesBadArgumentsBeforeAnyWork(@ForAll("demoArgs") Invocation i) throws IOException {
        refused(i);
    }

    @Property(tries = 40)
    void reproduceRefusesBadArgumentsBeforeAnyWork(@ForAll("reproduceArgs") Invocation i) throws IOException {
        refused(i);
    }

    @Property(tries = 40)
    void recommendRefusesBadArgumentsBeforeAnyWork(@ForAll("recommendArgs") Invocation i) throws IOException {
        refused(i);
    }

    @Property(tries = 40)
    void predictExportAndEncodeRefuseBadArgumentsBeforeLoadingAModel(@ForAll("modelArgs") Invocation i)
            throws IOException {
        refused(i);
    }

    @Property(tries = 50)
    void evalCompareAndDataRefuseBadArgumentsBeforeReadingOrWriting(@ForAll("fileArgs") Invocation i)
            throws IOException {
        refused(i);
    }

    @Property(tries = 40)
    void benchRefusesBadArgumentsBeforeTheEngineStarts(@ForAll("benchArgs") Invocation i) throws IOException {
        refused(i);
    }

    // ---------------------------------------------------------------------------------------------
    // examples: the anchors alone, and what the properties found

    private static Invocation example(List<String> blame, String... args) {
        return new Invocation(List.of(args), blame, "example");
    }

    /** Each anchor alone is refused before any work, naming what it is meant to name. */
    @Example
    void everyAnchorAloneIsRefusedBeforeAnyWork() throws IOException {
        for (Command c : List.of(demo(), reproduce(), recommend(), predict(), export(), encode(), compare(), bench())) {
            List<String> args = new ArrayList<>(c.words());
            c.anchor().values().forEach(args::addAll);
            refused(new Invocation(args, c.anchorBlame(), "anchor"));
        }
        for (String[] e : new String[][] {{"conll", badConll.toString()}, {"cls", badJsonl.toString()}}) {
            refused(example(List.of(e[1]), "eval", "--format", e[0], e[1]));
        }
        refused(example(List.of(badSquad.toString(), badSquadPredictions.toString()), "eval", "--format", "squad",
                "--dataset", badSquad.toString(), badSquadPredictions.toString()));
    }

    /** An empty or blank path was the working directory: data status listed it, demo trained in it. */
    @Example
    void anEmptyOrBlankPathIsRefused() throws IOException {
        refused(example(List.of("--data"), "data", "status", "--data", ""));
        refused(example(List.of("--data"), "data", "status", "--data", " "));
        refused(example(List.of("--model"), "encode", "--model", ""));
        refused(example(List.of("--input"), "predict", "--model", noModel.toString(), "--input", ""));
        refused(example(List.of("--encoder"), "reproduce", "--encoder", "", "--data", emptyDir.toString(), "--out",
                out.toString()));
        refused(example(List.of("--data"), "recommend", "--data", "", "--out", out.toString()));
    }

    /** Digits outside ASCII were read as numbers ({@code --seeds ١} as 1) where {@code --workers} refused them. */
    @Example
    void digitsOutsideAsciiAreNotNumbers() throws IOException {
        refused(example(List.of("--seeds"), "demo", "--seeds", "\u0661", "--out", aFile.toString()));
        refused(example(List.of("--suite-seed"), "demo", "--suite-seed", "\uFF13", "--out", aFile.toString()));
        refused(example(List.of("--batch-size"), "reproduce", "--batch-size", "\u0967\u0968", "--data",
                emptyDir.toString(), "--out", out.toString()));
    }

    /** recommend named neither --method nor --target, and ranked a target listed twice twice. */
    @Example
    void recommendNamesMethodAndTargetAndRefusesATargetListedTwice() throws IOException {
        refused(example(List.of("--method"), "recommend", "--method", "", "--data", emptyDir.toString(), "--out",
                out.toString()));
        refused(example(List.of("--target"), "recommend", "--target", "cb,cb", "--data", emptyDir.toString(), "--out",
                out.toString()));
        refused(example(List.of("--target"), "recommend", "--data", "demo", "--target", "nope", "--out", out.toString()));
    }

    /** predict read --input, and export checked --out, only after loading the model. */
    @Example
    void predictAndExportCheckTheirFilesBeforeLoadingTheModel() throws IOException {
        refused(example(List.of("--input"), "predict", "--model", noModel.toString(), "--input", missing().toString()));
        refused(example(List.of("--input"), "predict", "--model", noModel.toString(), "--input", emptyDir.toString()));
        refused(example(List.of("--out"), "export", "--model", noModel.toString(), "--out", aFile.toString()));
        refused(example(List.of("--model"), "predict", "--model", aFile.toString()));
    }

    /** bench checked --length against the model and --tasks against --batch only after --device. */
    @Example
    void benchChecksLengthAndTasksWithTheOtherValues() throws IOException {
        refused(example(List.of("--length"), "bench", "--model", "DEMO", "--length", "200", "--device", "foo"));
        refused(example(List.of("--tasks"), "bench", "--batch", "2", "--tasks", "3", "--device", "foo"));
    }

    /** data status took a path below a file, which can never be a folder, for a root not fetched yet. */
    @Example
    void dataStatusRefusesAPathBelowAFile() throws IOException {
        refused(example(List.of("--data"), "data", "status", "--data", belowFile().toString()));
    }

    /** data fetch's --tasks, bench's --device N and bench's --task named the option but not what it takes. */
    @Example
    void refusalsSayWhatTheOptionTakes() throws IOException {
        refused(example(List.of("--tasks"), "data", "fetch", "--tasks", " "));
        refused(example(List.of("--device"), "bench", "--device", "2"));
        if (tokenizer != null) {
            refused(example(List.of("--task"), "bench", "--part", "DATA", "--data", emptyDir.toString(), "--tokenizer",
                    tokenizer.toString(), "--task", "nope"));
        }
    }

    /** bench ignored, without a word, the options of the parts it was not asked to run. */
    @Example
    void benchRefusesOptionsOfAnotherPart() throws IOException {
        refused(example(List.of("--task"), "bench", "--part", "FULL", "--task", "cb", "--device", "foo"));
        refused(example(List.of("--tokenizer"), "bench", "--tokenizer", aFile.toString(), "--device", "foo"));
        refused(example(List.of("--profile"), "bench", "--part", "FORWARD", "--profile", "--device", "foo"));
        refused(example(List.of("--batch"), "bench", "--part", "DATA", "--data", missing().toString(), "--batch", "4"));
        refused(example(List.of("--device"), "bench", "--part", "DATA", "--device", "gpu", "--data", missing().toString()));
    }

    /**
     * {@code bench --warmup AUTO} was refused where {@code auto} ran, and bench's and eval's enum
     * options took only their constants' case ({@code --part full} refused): every keyword is read
     * in any case, blanks around it ignored. Each line is refused by its anchor alone.
     */
    @Example
    void keywordsAreReadInAnyCase() throws IOException {
        refused(example(List.of("--device"), "bench", "--warmup", "AUTO", "--device", "foo"));
        refused(example(List.of("--device"), "bench", "--warmup", " Auto ", "--device", "foo"));
        refused(example(List.of("--device"), "bench", "--part", "full", "--model", "demo", "--formats", "Mixed",
                "--length", "64", "--device", "foo"));
        refused(example(List.of(badConll.toString()), "eval", "--format", "CONLL", "--scheme", "iob2",
                badConll.toString()));
        refused(example(List.of("--data"), "recommend", "--method", " BOTH", "--data", emptyDir.toString(), "--out",
                out.toString()));
        // a letter of another script is not one of ASCII's in another case (Java folds ſ to s)
        refused(example(List.of("--warmup"), "bench", "--warmup", "\u0391uto", "--device", "foo"));
        refused(example(List.of("--formats"), "bench", "--formats", "\u017FPAN", "--device", "foo"));
        refused(example(List.of("--lr-selection"), "reproduce", "--lr-selection", "per-\u017Feed", "--data",
                emptyDir.toString(), "--out", out.toString()));
        refused(example(List.of("--export-models"), "demo", "--export-models", "be\u017Ft", "--out", aFile.toString()));
        refused(example(List.of("--method"), "recommend", "--method", "ta\u017Fkemb", "--data", emptyDir.toString(),
                "--out", out.toString()));
    }

    /**
     * {@code --lr 1e-4,,} ran one learning rate: picocli drops a list's trailing empty elements.
     * Every list option refuses an empty element wherever it is, naming the option and the value.
     */
    @Example
    void aListWithAnEmptyElementIsRefusedWithTheValue() throws IOException {
        String[][] cases = {
            {"reproduce", "--lr", "1e-4,,"}, {"reproduce", "--target-lr", "1e-4,"}, {"reproduce", "--groups", "SL,"},
            {"reproduce", "--targets", "cb,"}, {"recommend", "--groups", "SL,QA,"}, {"recommend", "--target", "cb,"},
            {"reproduce", "--lr", ",1e-4"}, {"reproduce", "--targets", "cb, ,copa"},
        };
        for (String[] c : cases) {
            Invocation i = example(List.of(c[1]), c[0], c[1], c[2], "--data", emptyDir.toString(), "--out",
                    out.toString());
            assertTrue(refused(i).err().contains("'" + c[2] + "'"), "the value is named; " + i);
        }
        refused(example(List.of("--tasks"), "data", "fetch", "--tasks", "cb,", "--data", out.toString()));
        refused(example(List.of("--tasks"), "data", "fetch", "--tasks", "cb,,copa", "--data", out.toString()));
        if (tokenizer != null) {
            refused(example(List.of("--task"), "bench", "--part", "DATA", "--data", missing().toString(), "--tokenizer",
                    tokenizer.toString(), "--task", "cb,"));
        }
    }

    /** {@code --lr 1e-4,0.0001} trained one rate twice: an element given twice is refused, numbers by value. */
    @Example
    void aListWithAnElementTwiceIsRefused() throws IOException {
        String[][] cases = {
            {"--lr", "1e-4,0.0001"}, {"--target-lr", "3e-4,3.0E-4"}, {"--lr", "+1e-3,.001"}, {"--targets", "cb, cb"},
        };
        for (String[] c : cases) {
            refused(example(List.of(c[0]), "reproduce", c[0], c[1], "--data", emptyDir.toString(), "--out",
                    out.toString()));
        }
        // across repetitions of the option too
        refused(example(List.of("--lr"), "reproduce", "--lr", "1e-4", "--lr", "3e-4,0.0001", "--data",
                emptyDir.toString(), "--out", out.toString()));
    }

    /**
     * Every keyword of every command, as one invocation that its anchor alone refuses: the
     * command, the option, the keyword, and the anchor's tokens and blame.
     */
    private record Keyword(List<String> command, String option, String keyword, List<String> anchor,
            List<String> blame) {}

    private static List<Keyword> keywords() {
        List<String> grid = List.of("--data", emptyDir.toString(), "--out", out.toString());
        List<String> bench = List.of("--device", "foo");
        List<String> demo = List.of("--out", aFile.toString());
        List<Keyword> k = new ArrayList<>();
        for (String v : List.of("tokenizer", "each", "joined")) {
            k.add(new Keyword(List.of("predict"), "--ideograph-words", v, List.of("--model", noModel.toString()),
                    List.of("--model")));
        }
        for (String v : List.of("DEMO", "MINILM", "XLMR_BASE")) {
            k.add(new Keyword(List.of("bench", "--length", "64"), "--model", v, bench, List.of("--device")));
        }
        for (String v : List.of("FORWARD", "ENCODER", "BERTBLOCK", "FULL", "ALL", "PAIRED")) {
            k.add(new Keyword(List.of("bench"), "--part", v, bench, List.of("--device")));
        }
        for (String v : List.of("MIXED", "TOKEN", "SEQUENCE", "SPAN")) {
            k.add(new Keyword(List.of("bench"), "--formats", v, bench, List.of("--device")));
        }
        k.add(new Keyword(List.of("bench"), "--warmup", "auto", bench, List.of("--device")));
        for (String v : List.of("fp32", "fp16-mixed", "bf16-mixed", "auto")) {
            k.add(new Keyword(List.of("bench"), "--precision", v, bench, List.of("--device")));
            k.add(new Keyword(List.of("reproduce"), "--precision", v, grid, List.of("--data")));
            k.add(new Keyword(List.of("demo"), "--precision", v, demo, List.of("--out")));
        }
        for (String v : List.of("none", "best", "all")) {
            k.add(new Keyword(List.of("reproduce"), "--export-models", v, grid, List.of("--data")));
            k.add(new Keyword(List.of("demo"), "--export-models", v, demo, List.of("--out")));
        }
        for (String v : List.of("validation", "test")) {
            k.add(new Keyword(List.of("reproduce"), "--report-split", v, grid, List.of("--data")));
        }
        for (String v : List.of("per-target", "per-seed")) {
            k.add(new Keyword(List.of("reproduce"), "--lr-selection", v, grid, List.of("--data")));
        }
        for (String v : List.of("auto", "cpu")) {
            k.add(new Keyword(List.of("reproduce"), "--device", v, grid, List.of("--data")));
            k.add(new Keyword(List.of("demo"), "--device", v, demo, List.of("--out")));
        }
        k.add(new Keyword(List.of("demo"), "--workers", "auto", demo, List.of("--out")));
        k.add(new Keyword(List.of("reproduce"), "--encoder", "minilm", grid, List.of("--data")));
        for (String v : List.of("textemb", "taskemb", "both")) {
            k.add(new Keyword(List.of("recommend"), "--method", v, grid, List.of("--data")));
        }
        for (String v : List.of("SL", "QA", "C")) {
            k.add(new Keyword(List.of("recommend"), "--groups", v, grid, List.of("--data")));
            k.add(new Keyword(List.of("reproduce"), "--groups", v, grid, List.of("--data")));
        }
        k.add(new Keyword(List.of("recommend"), "--device", "cpu", grid, List.of("--data")));
        for (String v : List.of("IOB2", "IOBES", "BILOU")) {
            k.add(new Keyword(List.of("eval", "--format", "conll"), "--scheme", v, List.of(badConll.toString()),
                    List.of(badConll.toString())));
        }
        for (String v : List.of("conll", "cls")) {
            Path p = v.equals("conll") ? badConll : badJsonl;
            k.add(new Keyword(List.of("eval"), "--format", v, List.of(p.toString()), List.of(p.toString())));
        }
        return k;
    }

    @Provide
    Arbitrary<Invocation> keywordsInAnyCase() {
        return Arbitraries.of(keywords()).flatMap(k -> Combinators.combine(
                Arbitraries.of(true, false).list().ofSize(k.keyword().length()), blanks(), blanks()).as((upper, a, b) -> {
                    StringBuilder v = new StringBuilder(a);
                    for (int c = 0; c < k.keyword().length(); c++) {
                        char ch = k.keyword().charAt(c);
                        v.append(upper.get(c) ? Character.toUpperCase(ch) : Character.toLowerCase(ch));
                    }
                    List<String> args = new ArrayList<>(k.command());
                    args.addAll(List.of(k.option(), v.append(b).toString()));
                    args.addAll(k.anchor());
                    return new Invocation(args, k.blame(), "keyword in another case");
                }));
    }

    /**
     * Every keyword of every command is read in any mix of cases, blanks around it ignored: the
     * command goes on to its anchor, which alone refuses it.
     */
    @Property(tries = 80)
    void everyKeywordIsReadInAnyCase(@ForAll("keywordsInAnyCase") Invocation i) throws IOException {
        refused(i);
    }

    /**
     * Keywords are matched the same in every default locale: a Turkish one upper-cases {@code mixed}
     * to {@code MİXED}, which a match through {@code toUpperCase()} would miss.
     */
    @Example
    void keywordsAreReadAlikeInATurkishLocale() throws IOException {
        java.util.Locale before = java.util.Locale.getDefault();
        java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));
        try {
            refused(example(List.of("--device"), "bench", "--formats", "mixed", "--warmup", "AUTO", "--device", "foo"));
            refused(example(List.of(badConll.toString()), "eval", "--format", "CONLL", "--scheme", "iobes",
                    badConll.toString()));
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    /**
     * Numbers of one kind read alike: {@code demo --workers +2} and {@code --seeds " 3"} were refused
     * where {@code reproduce --workers +2} and {@code --lr " 1e-3"} ran, and a decimal option took
     * Java's hexadecimal and type suffixes ({@code --lr 0x1p-10}) where a whole one refuses {@code 0x10}.
     */
    @Example
    void numbersOfOneKindReadAlike() throws IOException {
        refused(example(List.of("--out"), "demo", "--workers", "+2", "--seeds", " 3", "--lr", " 1e-3 ", "--alpha",
                "+.05", "--out", aFile.toString()));
        refused(example(List.of("--lr"), "reproduce", "--lr", "0x1p-10", "--data", emptyDir.toString(), "--out",
                out.toString()));
        refused(example(List.of("--target-lr"), "reproduce", "--target-lr", "1e-4,3e-4d", "--data", emptyDir.toString(),
                "--out", out.toString()));
        refused(example(List.of("--alpha"), "compare", "--alpha", "0.05f", baseRun.toString(), otherRun.toString()));
    }

    /** Every list option of every command reads its values through the one list parser. */
    @Example
    void everyListOptionReadsItsValuesThroughOneParser() {
        List<String> lists = new ArrayList<>();
        List<CommandLine> commands = new ArrayList<>(List.of(PrefineCli.commandLine()));
        for (int k = 0; k < commands.size(); k++) {
            CommandLine c = commands.get(k);
            commands.addAll(c.getSubcommands().values());
            for (CommandLine.Model.OptionSpec o : c.getCommandSpec().options()) {
                if (!o.splitRegex().isEmpty()) {
                    String name = c.getCommandSpec().qualifiedName() + " " + o.longestName();
                    lists.add(name);
                    assertTrue(o.preprocessor() instanceof OptionValues.ListValue, name + " has its own list parsing");
                    assertEquals(",", o.splitRegex(), name);
                }
            }
        }
        // reproduce's four, recommend's two, data fetch's and bench's: a list option that lost its split is a finding
        assertEquals(8, lists.size(), lists.toString());
    }

    // ---------------------------------------------------------------------------------------------
    // list options: one parser, one rule

    /**
     * A list option and the spellings of its elements: each inner list spells one value (so two
     * of them in one list are a duplicate), then the command's words and an anchor that refuses
     * the command line after its lists are checked.
     */
    private record ListOpt(List<String> words, String name, List<List<String>> values, List<String> anchor) {}

    private static List<ListOpt> listOptions() {
        List<String> grid = List.of("--data", emptyDir.toString(), "--out", out.toString());
        List<List<String>> rates = List.of(List.of("1e-4", "0.0001", "1.0E-4", "+1e-4", "1e-04"),
                List.of("3e-4", "0.0003", "3.0e-4"), List.of("1e-3", "0.001", ".001", "1E-3"), List.of("2", "2.0", "+2"));
        List<List<String>> groups = List.of(List.of("SL", "sl", "Sl"), List.of("QA", "qa", "Qa"), List.of("C", "c"));
        List<List<String>> targets = List.of(List.of("cb"), List.of("copa"), List.of("wnut17"), List.of("boolq"));
        List<ListOpt> l = new ArrayList<>(List.of(
                new ListOpt(List.of("reproduce"), "--lr", rates, grid),
                new ListOpt(List.of("reproduce"), "--target-lr", rates, grid),
                new ListOpt(List.of("reproduce"), "--groups", groups, grid),
                new ListOpt(List.of("reproduce"), "--targets", targets, grid),
                new ListOpt(List.of("recommend"), "--groups", groups, grid),
                new ListOpt(List.of("recommend"), "--target", targets, grid),
                // refused values only: one wrongly accepted would reach for the Hub
                new ListOpt(List.of("data", "fetch"), "--tasks", List.of(List.of("cb"), List.of("copa")),
                        List.of("--data", out.toString()))));
        if (tokenizer != null) {
            l.add(new ListOpt(List.of("bench"), "--task", List.of(List.of("cb"), List.of("copa")), List.of("--part",
                    "DATA", "--data", missing().toString(), "--tokenizer", tokenizer.toString())));
        }
        return l;
    }

    /** Blanks that may surround an element, and that an element made only of them is not. */
    private static Arbitrary<String> blanks() {
        return Arbitraries.of("", "", " ", "  ", "\t");
    }

    /** Distinct values of a list option, each in one of its spellings with blanks around. */
    private static Arbitrary<List<String>> elements(ListOpt o, int min) {
        return Arbitraries.subsetOf(o.values()).ofMinSize(min).flatMap(chosen -> {
            List<Arbitrary<String>> each = chosen.stream().map(spellings -> Combinators.combine(blanks(),
                    Arbitraries.of(spellings), blanks()).as((a, v, b) -> a + v + b)).toList();
            return Combinators.combine(each).as(ArrayList::new);
        });
    }

    private static Invocation listInvocation(ListOpt o, List<String> optionTokens, String kind) {
        List<String> args = new ArrayList<>(o.words());
        args.addAll(optionTokens);
        args.addAll(o.anchor());
        return new Invocation(args, List.of(o.name()), kind);
    }

    @Provide
    Arbitrary<Invocation> badLists() {
        return Arbitraries.of(listOptions()).flatMap(o -> Arbitraries.oneOf(
                // an empty or blank element anywhere: first, between two, last, or the only one
                Combinators.combine(elements(o, 0), Arbitraries.of("", " ", "\t"), Arbitraries.integers().between(0, 99))
                        .as((e, empty, at) -> {
                            List<String> l = new ArrayList<>(e);
                            l.add(at % (l.size() + 1), empty);
                            return listInvocation(o, List.of(o.name(), String.join(",", l)), "empty element");
                        }),
                // one value twice, in the same or another spelling, in one value or across two
                Combinators.combine(elements(o, 1), Arbitraries.integers().between(0, 99),
                        Arbitraries.integers().between(0, 99), Arbitraries.of(true, false)).as((e, which, at, split) -> {
                            String twice = e.get(which % e.size()).trim();
                            List<String> spellings = o.values().stream().filter(s -> s.contains(twice)).findFirst()
                                    .orElseThrow();
                            List<String> l = new ArrayList<>(e);
                            l.add(at % (l.size() + 1), spellings.get(at % spellings.size()));
                            if (split && l.size() > 1) {
                                int cut = 1 + at % (l.size() - 1);
                                return listInvocation(o, List.of(o.name(), String.join(",", l.subList(0, cut)), o.name(),
                                        String.join(",", l.subList(cut, l.size()))), "element twice across repetitions");
                            }
                            return listInvocation(o, List.of(o.name(), String.join(",", l)), "element twice");
                        })));
    }

    /**
     * Every list option refuses an empty or blank element (leading, inner, trailing or alone) and
     * a value given twice (numbers by value, group names in any case), naming the option; an empty
     * element's refusal also quotes the value as given.
     */
    @Property(tries = 60)
    void everyListOptionRefusesEmptyElementsAndDuplicates(@ForAll("badLists") Invocation i) throws IOException {
        // the refusal's own line: a second run of the same command line printed the same
        String err = refused(i).err();
        if (i.kind().equals("empty element")) {
            String value = i.args().get(i.args().indexOf(i.blame().get(0)) + 1);
            assertTrue(err.contains("'" + value + "'"), "the value is quoted; " + i + "\n  " + err);
        } else {
            assertTrue(err.contains("twice"), "says the element is listed twice; " + i + "\n  " + err);
        }
    }

    @Provide
    Arbitrary<List<String>> listsWithBlanks() {
        return Arbitraries.of(listOptions()).filter(o -> !o.words().get(0).equals("data") && !o.name().equals("--task"))
                .flatMap(o -> elements(o, 1).map(e -> {
                    List<String> r = new ArrayList<>(o.words());
                    r.addAll(List.of(o.name(), String.join(",", e)));
                    return r;
                }));
    }

    /**
     * Blanks around an element are ignored, as around a number or a keyword: the list parses to
     * the same values as the list without them.
     */
    @Property(tries = 60)
    void blanksAroundListElementsAreIgnored(@ForAll("listsWithBlanks") List<String> args) {
        List<String> stripped = new ArrayList<>(args);
        String value = args.get(args.size() - 1);
        stripped.set(args.size() - 1, String.join(",", Arrays.stream(value.split(",", -1)).map(String::strip).toList()));
        assertEquals(listValue(stripped), listValue(args), String.join(" ", args));
    }

    /** The value of a command line's last option after parsing. */
    private static Object listValue(List<String> args) {
        CommandLine.ParseResult parsed = PrefineCli.commandLine().parseArgs(args.toArray(String[]::new));
        return parsed.subcommand().matchedOption(args.get(args.size() - 2)).getValue();
    }

    // ---------------------------------------------------------------------------------------------
    // the promise

    /** What one run printed, on picocli's streams and on {@code System.out}/{@code System.err} directly. */
    record Outcome(int exit, String out, String err) {}

    /** Runs a command line in this JVM as {@link PrefineCli#main} would, less its exit. */
    static Outcome run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream sysOut = new ByteArrayOutputStream();
        ByteArrayOutputStream sysErr = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        int exit;
        System.setOut(new PrintStream(sysOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(sysErr, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = PrefineCli.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            exit = cl.execute(args.toArray(String[]::new));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Outcome(exit, out + sysOut.toString(StandardCharsets.UTF_8), err + sysErr.toString(StandardCharsets.UTF_8));
    }

    /**
     * Asserts that the invocation is refused as bad input, in one clear line, before any work, and
     * returns the run for checks of its own.
     */
    static Outcome refused(Invocation i) throws IOException {
        TreeMap<String, String> before = snapshot(root);
        TreeMap<String, String> cwdBefore = listing(Path.of("").toAbsolutePath());
        Outcome o = run(i.args());
        String command = "prefine " + (i.args().get(0).equals("data") ? "data " + i.args().get(1) : i.args().get(0));
        List<String> lines = o.err().lines().filter(l -> !l.isBlank()).toList();
        String why = i + "\n  exit " + o.exit() + ", stderr: " + o.err() + (o.out().isEmpty() ? "" : "\n  stdout: " + o.out());
        assertEquals(CliErrors.BAD_INPUT, o.exit(), "exit code; " + why);
        assertEquals(1, lines.size(), "lines on standard error; " + why);
        String line = lines.get(0);
        assertTrue(line.startsWith(command + ": "), "prefix; " + why);
        String message = line.substring(command.length() + 2);
        assertTrue(i.blame().stream().anyMatch(b -> names(message, b)), "names none of " + i.blame() + "; " + why);
        assertTrue(EXPECTED.matcher(message).find(), "says nothing of what was expected; " + why);
        assertTrue(!JAVA_CLASS.matcher(message).find() && !o.err().contains("\tat "), "Java internals; " + why);
        assertEquals("", o.out(), "standard output; " + why);
        assertEquals(before, snapshot(root), "files below " + root + " changed; " + why);
        assertEquals(cwdBefore, listing(Path.of("").toAbsolutePath()), "the working directory changed; " + why);
        return o;
    }

    /**
     * Whether a message names an option or parameter (first, or quoted as picocli quotes it) or
     * holds a path or token.
     */
    static boolean names(String message, String name) {
        if (name.startsWith("-") || name.matches("[A-Z]+")) {
            return Pattern.compile("(^|['(])" + Pattern.quote(name) + "($|[')=:, ;])").matcher(message).find();
        }
        return message.contains(name) || message.contains(Path.of(name).toAbsolutePath().normalize().toString());
    }

    private static TreeMap<String, String> snapshot(Path dir) throws IOException {
        TreeMap<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                m.put(dir.relativize(p).toString(), a.size() + "@" + a.lastModifiedTime());
            }
        }
        return m;
    }

    private static TreeMap<String, String> listing(Path dir) throws IOException {
        TreeMap<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> m.put(p.getFileName().toString(), ""));
        }
        return m;
    }
}
