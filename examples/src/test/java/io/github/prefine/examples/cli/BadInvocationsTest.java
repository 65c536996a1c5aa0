package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.examples.ShortLivedJvm;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Bad invocations of every command, as a new user or a hostile input makes them: each must end
 * with exit 2 and one line on standard error that names the option or file and what was
 * expected, with no stack frame, before any work is done (nothing is trained, downloaded or
 * written). The test prints the outcome table of issue 18, measured the same way.
 */
class BadInvocationsTest {
    /** How every list option refuses a value of empty elements only. */
    private static final String EMPTY_LIST = "expected values separated by single commas, none empty, found ','";

    @TempDir
    static Path tmp;

    /** One row of the table: the arguments, the exit code and a fragment the one line must contain. */
    private record Case(String name, List<String> args, int exit, String fragment) {}

    private static Path emptyData;
    private static Path aFile;

    private static Case c(String name, int exit, String fragment, String... args) {
        return new Case(name, List.of(args), exit, fragment);
    }

    private static Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static String readOnlyFolder() throws IOException {
        Path ro = Files.createDirectories(tmp.resolve("read-only"));
        ro.toFile().setWritable(false, false);
        if (!Files.isWritable(ro)) {
            return ro.resolve("out").toString();
        }
        // root ignores permission bits, but not a file system the kernel keeps read-only
        Path procSys = Path.of("/proc/sys");
        return Files.isDirectory(procSys) && !Files.isWritable(procSys) ? procSys.resolve("prefine-out").toString() : null;
    }

    private static List<Case> cases() throws IOException {
        emptyData = Files.createDirectories(tmp.resolve("empty-data"));
        aFile = write("a-file", "x");
        String data = emptyData.toString();
        String out = tmp.resolve("out").toString();
        Path noConfig = Files.createDirectories(tmp.resolve("no-config"));
        Path badConfig = Files.createDirectories(tmp.resolve("bad-config"));
        Files.writeString(badConfig.resolve("config.json"), "{\"hidden_size\": 32,");
        Files.writeString(badConfig.resolve("tokenizer.json"), "{}");
        Path badWeights = Files.createDirectories(tmp.resolve("bad-weights"));
        Files.writeString(badWeights.resolve("config.json"), "{\"model_type\":\"bert\",\"vocab_size\":10,\"hidden_size\":8,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"intermediate_size\":16,"
                + "\"max_position_embeddings\":16,\"type_vocab_size\":2}");
        Files.write(badWeights.resolve("model.safetensors"), new byte[] {16, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        Files.writeString(badWeights.resolve("tokenizer.json"), "{}");
        Path dataset = write("dev.json", "{\"data\":[{\"paragraphs\":[{\"qas\":[{\"id\":\"a\",\"answers\":[{\"text\":\"x\"}]},"
                + "{\"id\":\"b\",\"answers\":[{\"text\":\"y\"}]}]}]}]}");
        Path squadPred = write("pred.json", "{\"a\":\"x\"}");
        Path latin1 = tmp.resolve("latin1.conll");
        Files.write(latin1, new byte[] {'a', ' ', 'O', ' ', 'O', '\n', (byte) 0xE9, ' ', 'O', ' ', 'O', '\n'});
        List<Case> cases = new ArrayList<>(List.of(
                c("demo --seeds 0", 2, "--seeds: expected a whole number of at least 1, found 0", "demo", "--seeds", "0", "--out", out),
                c("demo --alpha 0", 2, "--alpha must be a significance level in (0, 1), such as 0.05, found 0.0",
                        "demo", "--alpha", "0", "--out", out),
                c("demo --alpha 1.5", 2, "found 1.5", "demo", "--alpha", "1.5", "--out", out),
                c("demo --epochs 0", 2, "--epochs: expected", "demo", "--epochs", "0", "--out", out),
                c("demo --target-epochs -1", 2, "--target-epochs: expected", "demo", "--target-epochs", "-1", "--out", out),
                c("demo --lr 0", 2, "--lr: expected a positive learning rate", "demo", "--lr", "0", "--out", out),
                c("demo --target-lr NaN", 2, "--target-lr: expected a positive", "demo", "--target-lr", "NaN", "--out", out),
                c("demo --out FILE", 2, "expected a directory, found a file", "demo", "--out", aFile.toString()),
                c("demo --out FILE/sub", 2, "is a file, expected a directory", "demo", "--out", aFile.resolve("sub").toString()),
                c("demo --device foo", 2, "--device: expected auto, cpu, gpu, gpu:K", "demo", "--device", "foo", "--out", out),
                c("demo --device 0", 2, "--device: expected a GPU count of at least 1", "demo", "--device", "0", "--out", out),
                c("demo --workers 0", 2, "--workers: expected auto or a whole number of at least 1", "demo", "--workers", "0",
                        "--out", out),
                c("demo --workers many", 2, "--workers: expected auto or", "demo", "--workers", "many", "--out", out),
                c("demo --precision fp8", 2, "--precision must be fp32, fp16-mixed, bf16-mixed or auto, found fp8", "demo",
                        "--precision", "fp8", "--out", out),
                c("demo --seeds x", 2, "Invalid value for option '--seeds'", "demo", "--seeds", "x"),
                c("demo --batch-size 0 (no such option)", 2, "Unknown option", "demo", "--batch-size", "0"),
                c("reproduce --data missing", 2, "no such directory; expected the data root", "reproduce", "--data",
                        tmp.resolve("nope").toString(), "--out", out),
                c("reproduce --data FILE", 2, "expected a directory, found a file", "reproduce", "--data", aFile.toString(),
                        "--out", out),
                c("reproduce --targets unknown", 2, "--targets: no target task named 'conll9'", "reproduce", "--data", data,
                        "--targets", "conll9", "--out", out),
                c("reproduce --targets , (an empty list, not all targets)", 2, "--targets: " + EMPTY_LIST,
                        "reproduce", "--data", data, "--targets", ",", "--out", out),
                c("reproduce --groups , (an empty list)", 2, "--groups: " + EMPTY_LIST, "reproduce",
                        "--data", data, "--groups", ",", "--out", out),
                c("reproduce --groups unknown", 2, "--groups: no pre-finetuning group named 'XX'", "reproduce", "--data", data,
                        "--groups", "SL,XX", "--out", out),
                c("reproduce --groups twice", 2, "is listed twice", "reproduce", "--data", data, "--groups", "SL,SL", "--out", out),
                c("reproduce --batch-size 0", 2, "--batch-size: expected a whole number of at least 1, found 0", "reproduce",
                        "--data", data, "--batch-size", "0", "--out", out),
                c("reproduce --alpha 0", 2, "--alpha must be a significance level in (0, 1), such as 0.05, found 0.0",
                        "reproduce", "--data", data, "--alpha", "0", "--out", out),
                c("reproduce --alpha 1.5", 2, "found 1.5", "reproduce", "--data", data, "--alpha", "1.5", "--out", out),
                c("reproduce --batch-size -5", 2, "found -5", "reproduce", "--data", data, "--batch-size", "-5", "--out", out),
                c("reproduce --max-length 0", 2, "--max-length: expected", "reproduce", "--data", data, "--max-length", "0",
                        "--out", out),
                c("reproduce --seeds 0", 2, "--seeds: expected", "reproduce", "--data", data, "--seeds", "0", "--out", out),
                c("reproduce --lr 0,1e-4", 2, "--lr: expected a positive learning rate, found 0.0", "reproduce", "--data", data,
                        "--lr", "0,1e-4", "--out", out),
                c("reproduce --lr abc", 2, "Invalid value for option '--lr'", "reproduce", "--lr", "abc"),
                c("reproduce --qa-stride 400", 2, "--qa-stride: expected less than --qa-max-length 384", "reproduce", "--data",
                        data, "--qa-stride", "400", "--out", out),
                c("reproduce --patience 0", 2, "--patience: expected", "reproduce", "--data", data, "--patience", "0", "--out", out),
                c("reproduce --max-train-examples -1", 2, "--max-train-examples: expected", "reproduce", "--data", data,
                        "--max-train-examples", "-1", "--out", out),
                c("reproduce --target-batch-size 0", 2, "--target-batch-size: expected a whole number of at least 1, found 0",
                        "reproduce", "--data", data, "--target-batch-size", "0", "--out", out),
                c("reproduce --report-split train", 2, "--report-split: expected validation or test, found 'train'", "reproduce",
                        "--data", data, "--report-split", "train", "--out", out),
                c("reproduce --lr-selection best", 2, "--lr-selection: expected per-target or per-seed, found 'best'",
                        "reproduce", "--data", data, "--lr-selection", "best", "--out", out),
                c("reproduce --target-schedule-epochs 0", 2, "--target-schedule-epochs: expected", "reproduce", "--data", data,
                        "--target-schedule-epochs", "0", "--out", out),
                c("reproduce --threads 0", 2, "--threads: expected", "reproduce", "--data", data, "--threads", "0", "--out", out),
                c("reproduce --workers 0", 2, "--workers: expected a whole number of at least 1", "reproduce", "--data", data,
                        "--workers", "0", "--out", out),
                c("reproduce --log-every 0", 2, "--log-every: expected", "reproduce", "--data", data, "--log-every", "0",
                        "--out", out),
                c("reproduce --out FILE", 2, "expected a directory, found a file", "reproduce", "--data", data, "--out",
                        aFile.toString()),
                c("reproduce, no data under --data", 2, "none of the 12 target tasks has its data", "reproduce", "--data", data,
                        "--out", out),
                c("reproduce --strict, data missing", 2, " tasks under " + data + ", first ", "reproduce", "--strict", "--data", data,
                        "--out", out),
                c("encode --model missing folder", 2, "not found", "encode", "--model", tmp.resolve("nope").toString()),
                c("encode --model folder without config.json", 2, "no config.json", "encode", "--model", noConfig.toString()),
                c("encode --model malformed config.json", 2, "config.json", "encode", "--model", badConfig.toString()),
                c("encode --model malformed safetensors", 2,
                        badWeights.resolve("model.safetensors") + ": header length 16 goes beyond the file",
                        "encode", "--model", badWeights.toString()),
                c("bench --steps 0", 2, "--steps: expected a whole number of at least 1, found 0", "bench", "--steps", "0"),
                c("bench --warmup -1", 2, "--warmup: expected auto (untimed steps until the JIT compiler is idle) or a whole"
                        + " number of at least 0, found -1", "bench", "--warmup", "-1"),
                c("bench --warmup soon", 2, "--warmup: expected auto (untimed steps until the JIT compiler is idle) or a whole"
                        + " number of at least 0, found soon", "bench", "--warmup", "soon"),
                c("bench --precision FP8", 2, "--precision must be fp32, fp16-mixed, bf16-mixed or auto", "bench", "--precision", "FP8"),
                c("bench --device 2", 2, "bench measures one device", "bench", "--device", "2"),
                // read only by the full step: the other parts ignored them without a word (the small model
                // makes the old code's run of the encoder part short)
                c("bench --formats with --part ENCODER", 2, "--formats is for --part FULL or ALL only, found it with"
                        + " --part ENCODER", "bench", "--part", "ENCODER", "--formats", "TOKEN", "--model", "DEMO",
                        "--layers", "1", "--batch", "1", "--length", "3", "--steps", "1", "--warmup", "0"),
                c("bench --tasks with --part PAIRED", 2, "--tasks is for --part FULL or ALL only, found it with"
                        + " --part PAIRED", "bench", "--part", "paired", "--tasks", "1", "--model", "DEMO",
                        "--layers", "1", "--batch", "1", "--length", "3", "--steps", "1", "--warmup", "0"),
                c("bench --tasks 5 --batch 2", 2, "--tasks: at most one task per sequence, found 5 tasks for --batch 2",
                        "bench", "--tasks", "5", "--batch", "2"),
                c("eval missing file", 2, "no such file", "eval", "--format", "cls", tmp.resolve("nope.jsonl").toString()),
                c("eval a directory", 2, "expected a file, found a directory", "eval", "--format", "cls", tmp.toString()),
                c("eval empty file", 2, "expected at least one prediction line", "eval", "--format", "cls",
                        write("empty.jsonl", "").toString()),
                c("eval single quotes", 2, "expected strict JSON", "eval", "--format", "cls",
                        write("quotes.jsonl", "{'id':1,'gold':'a','pred':'a'}\n").toString()),
                c("eval unquoted keys", 2, "expected strict JSON", "eval", "--format", "cls",
                        write("keys.jsonl", "{id:1,gold:\"a\",pred:\"a\"}\n").toString()),
                c("eval repeated id", 2, "expected a unique id", "eval", "--format", "cls",
                        write("dup.jsonl", "{\"id\":1,\"gold\":\"a\",\"pred\":\"a\"}\n{\"id\":1,\"gold\":\"b\",\"pred\":\"a\"}\n")
                                .toString()),
                c("eval byte that is not UTF-8", 2, ":2 (byte 6): expected UTF-8 text, found the byte 0xE9", "eval", "--format",
                        "conll", latin1.toString()),
                c("eval conll two columns", 2, "expected 3 whitespace-separated columns", "eval", "--format", "conll",
                        write("two.conll", "a O\n").toString()),
                c("eval squad without --dataset", 2, "--format squad needs --dataset FILE", "eval", "--format", "squad",
                        squadPred.toString()),
                c("eval squad --dataset missing", 2, "no such file", "eval", "--format", "squad", "--dataset",
                        tmp.resolve("nope.json").toString(), squadPred.toString()),
                c("eval squad repeated id", 2, "expected each name (id) once", "eval", "--format", "squad", "--dataset",
                        dataset.toString(), write("dup.json", "{\"a\":\"x\",\"a\":\"y\"}").toString()),
                c("eval squad empty predictions", 2, "expected at least one prediction", "eval", "--format", "squad",
                        "--dataset", dataset.toString(), write("empty.json", "{}").toString()),
                c("eval squad --strict unanswered", 2, "1 missing, first \"b\"", "eval", "--format", "squad", "--strict",
                        "--dataset", dataset.toString(), squadPred.toString()),
                c("eval --format xml", 2, "Invalid value for option '--format'", "eval", "--format", "xml", aFile.toString()),
                c("eval without --format", 2, "Missing required option: '--format", "eval", aFile.toString()),
                c("eval --scheme with cls", 2, "--scheme is for --format conll only", "eval", "--format", "cls", "--scheme",
                        "IOB2", aFile.toString()),
                c("eval --json DIR", 2, "expected a file name, found a directory", "eval", "--format", "conll", "--json",
                        tmp.toString(), write("ok.conll", "a O O\n").toString()),
                c("eval --json / (the root has no parent)", 2, "--json /: expected a file name, found a directory", "eval",
                        "--format", "conll", "--json", "/", tmp.resolve("ok.conll").toString()),
                // recommend checked nothing before it wrote MiniLM under --out (an unknown --target even exited 1)
                c("recommend --target unknown", 2, "--target: no catalogued task named 'conll9'", "recommend", "--data",
                        data, "--target", "conll9", "--out", out),
                c("recommend --target , (an empty list)", 2, "--target: " + EMPTY_LIST, "recommend",
                        "--data", data, "--target", ",", "--out", out),
                c("recommend --groups unknown", 2, "--groups: no pre-finetuning group named 'XX'", "recommend", "--data",
                        data, "--groups", "XX", "--out", out),
                c("recommend --batch-size 0", 2, "--batch-size: expected a whole number of at least 1, found 0",
                        "recommend", "--data", data, "--batch-size", "0", "--out", out),
                c("recommend --qa-stride 400", 2, "--qa-stride: expected less than --qa-max-length 384", "recommend",
                        "--data", data, "--qa-stride", "400", "--out", out),
                c("recommend --against missing", 2, "no such file", "recommend", "--data", data, "--against",
                        tmp.resolve("nope.jsonl").toString(), "--out", out),
                c("recommend --data missing", 2, "--data " + tmp.resolve("nope") + ": no such directory", "recommend",
                        "--data", tmp.resolve("nope").toString(), "--out", out),
                c("recommend, no data under --data", 2, "no pre-finetuning task of [SL, QA, C] has its data",
                        "recommend", "--data", data, "--out", out),
                c("recommend --device foo", 2, "--device: expected auto, cpu, gpu, gpu:K", "recommend", "--data", data,
                        "--device", "foo", "--out", out),
                c("recommend --out FILE", 2, "expected a directory, found a file", "recommend", "--data", data, "--out",
                        aFile.toString()),
                c("data fetch --tasks , (an empty list)", 2, "--tasks: " + EMPTY_LIST, "data", "fetch",
                        "--tasks", ",", "--data", out),
                c("data fetch --data FILE", 2, "--data " + aFile + ": expected a directory, found a file", "data",
                        "fetch", "--tasks", "conll2003-de", "--data", aFile.toString()),
                c("data status --data FILE", 2, "--data " + aFile + ": expected a directory, found a file", "data",
                        "status", "--data", aFile.toString()),
                c("unknown command", 2, "Unmatched argument", "train")));
        String shared = System.getProperty("prefine.shared");
        Path realData = shared == null ? null : Path.of(shared, "data");
        if (realData != null && Files.isDirectory(realData.resolve("cls/cb"))) {
            String other = tmp.resolve("out-encoder").toString();
            cases.add(c("reproduce --encoder folder without config.json", 2, "no config.json", "reproduce", "--data",
                    realData.toString(), "--groups", "C", "--targets", "cb", "--device", "cpu", "--encoder",
                    noConfig.toString(), "--out", other));
            cases.add(c("reproduce --groups with a group without data", 2, "--groups: no task of QA has data under",
                    "reproduce", "--data", realData.toString(), "--groups", "C,QA", "--targets", "cb", "--device", "cpu",
                    "--out", other));
            cases.add(c("reproduce --encoder malformed config.json", 2, "config.json", "reproduce", "--data",
                    realData.toString(), "--groups", "C", "--targets", "cb", "--device", "cpu", "--encoder",
                    badConfig.toString(), "--out", other));
            // it created --out before it resolved the encoder
            cases.add(c("recommend --encoder missing folder", 2, "not found", "recommend", "--data", realData.toString(),
                    "--groups", "C", "--target", "cb", "--encoder", tmp.resolve("nope").toString(), "--out", out));
            // options of the other method or of the synthetic suite were read and ignored without a word; the
            // missing --encoder makes the old code fail fast on something else instead of embedding for minutes
            cases.add(c("recommend --suite-seed without --data demo", 2, "--suite-seed is for --data demo only, found it"
                    + " with --data " + realData, "recommend", "--data", realData.toString(), "--groups", "C", "--target",
                    "cb", "--suite-seed", "3", "--encoder", tmp.resolve("nope").toString(), "--out", out));
            cases.add(c("recommend --fisher-examples with --method textemb", 2, "--fisher-examples is for --method"
                    + " taskemb or both only, found it with --method textemb", "recommend", "--data", realData.toString(),
                    "--groups", "C", "--target", "cb", "--method", "textemb", "--fisher-examples", "64", "--encoder",
                    tmp.resolve("nope").toString(), "--out", out));
            cases.add(c("recommend --head-steps with --method textemb", 2, "--head-steps is for --method taskemb or both"
                    + " only", "recommend", "--data", "demo", "--method", "TextEmb", "--head-steps", "5", "--encoder",
                    tmp.resolve("nope").toString(), "--out", out));
            cases.add(c("recommend --max-text-rows with --method taskemb", 2, "--max-text-rows is for --method textemb or"
                    + " both only, found it with --method taskemb", "recommend", "--data", "demo", "--method", "taskemb",
                    "--max-text-rows", "100", "--encoder", tmp.resolve("nope").toString(), "--out", out));
            // the fixture's BERT has 64 positions (max_position_embeddings in its config.json); a longer
            // length made the grid leave the target out "for missing data", then end with an internal error
            Path tiny = Path.of(shared, "fixtures", "hf-reference", "bert", "encoder");
            cases.add(c("reproduce --max-length beyond the encoder's positions", 2,
                    "--max-length 128: expected at most the 64 positions of the encoder ", "reproduce", "--data",
                    realData.toString(), "--groups", "C", "--targets", "cb", "--device", "cpu", "--encoder",
                    tiny.toString(), "--max-length", "128", "--out", tmp.resolve("out-length").toString()));
            cases.add(c("reproduce --qa-max-length beyond the encoder's positions", 2,
                    "--qa-max-length 96: expected at most the 64 positions of the encoder ", "reproduce", "--data",
                    realData.toString(), "--groups", "C", "--targets", "xquad-en", "--device", "cpu", "--encoder",
                    tiny.toString(), "--max-length", "64", "--qa-max-length", "96", "--qa-stride", "32", "--out",
                    tmp.resolve("out-qa-length").toString()));
            // recommend refused it too, but named FeatureSettings.withLengths rather than the option
            cases.add(c("recommend --max-length beyond the encoder's positions", 2,
                    "--max-length 128: expected at most the 64 positions of the encoder ", "recommend", "--data",
                    realData.toString(), "--groups", "C", "--target", "cb", "--encoder", tiny.toString(),
                    "--max-length", "128", "--out", tmp.resolve("out-recommend-length").toString()));
            // the XLM-R fixture (257 ids) with BERT's tokenizer (362): every target refused at
            // featurization ended as "internal error (... no target task has its data ...)", exit 1
            Path mixed = Files.createDirectories(tmp.resolve("mixed-encoder"));
            Path xlmr = Path.of(shared, "fixtures", "hf-reference", "xlm-roberta", "encoder");
            Files.copy(xlmr.resolve("config.json"), mixed.resolve("config.json"));
            Files.copy(xlmr.resolve("model.safetensors"), mixed.resolve("model.safetensors"));
            Files.copy(Path.of(shared, "fixtures", "hf-reference", "bert", "tokenizer.json"), mixed.resolve("tokenizer.json"));
            cases.add(c("reproduce, the encoder's tokenizer gives ids beyond its vocabulary", 2,
                    "no target task can be used: cb: cannot be featurized: task cb: the train split has token id",
                    "reproduce", "--data", realData.toString(), "--groups", "C", "--targets", "cb", "--device", "cpu",
                    "--encoder", mixed.toString(), "--max-length", "64", "--out", tmp.resolve("out-vocab").toString()));
        } else {
            System.out.println("reproduce --encoder cases skipped: no shared data at " + realData);
        }
        String ro = readOnlyFolder();
        if (ro != null) {
            cases.add(c("demo --out read-only", 2, "not writable", "demo", "--out", ro));
            cases.add(c("reproduce --out read-only", 2, "not writable", "reproduce", "--data", data, "--out", ro));
        } else {
            System.out.println("read-only --out cases skipped: no read-only folder on this machine for this user");
        }
        return cases;
    }

    private static String[] run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = PrefineCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int rc = cl.execute(args.toArray(String[]::new));
        return new String[] {Integer.toString(rc), err.toString()};
    }

    @Test
    void everyBadInvocationEndsWithExit2AndOneClearLine() throws Exception {
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        for (String o : List.of("clear one-line error", "Java stack trace", "unclear one-line error", "wrong exit code",
                "exit 0")) {
            outcomes.put(o, 0);
        }
        List<String> failures = new ArrayList<>();
        List<Case> cases = cases();
        for (Case k : cases) {
            String[] r = run(k.args());
            int rc = Integer.parseInt(r[0]);
            List<String> lines = r[1].lines().filter(l -> !l.isBlank()).toList();
            String command = k.args().get(0).startsWith("-") || k.name().equals("unknown command") ? "prefine"
                    : k.args().get(0).equals("data") ? "prefine data " + k.args().get(1) : "prefine " + k.args().get(0);
            String outcome;
            if (r[1].contains("\tat ") || r[1].contains("Exception in thread") || r[1].contains("Caused by:")) {
                outcome = "Java stack trace";
            } else if (rc == 0) {
                outcome = "exit 0";
            } else if (rc != k.exit()) {
                outcome = "wrong exit code";
            } else if (lines.size() == 1 && lines.get(0).startsWith(command + ": ") && lines.get(0).contains(k.fragment())) {
                outcome = "clear one-line error";
            } else {
                outcome = "unclear one-line error";
            }
            outcomes.merge(outcome, 1, Integer::sum);
            if (!outcome.equals("clear one-line error")) {
                failures.add(k.name() + " -> " + outcome + " (exit " + rc + "): " + r[1]);
            }
        }
        System.out.println("| outcome (" + cases.size() + " bad invocations) | count |");
        System.out.println("|---|---|");
        outcomes.forEach((k, v) -> System.out.println("| " + k + " | " + v + " |"));
        assertTrue(cases.size() >= 30, "at least 30 cases");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        // nothing was written for any of them: every check ran before any work
        assertFalse(Files.exists(tmp.resolve("out")), "a bad invocation created --out");
    }

    @Test
    void aRealProcessWithoutNetworkEndsWithExit3AndOneLine() throws Exception {
        // the Hub endpoint is a closed port: what a machine without network sees; the Hub failed as a
        // service (README: exit 3, which a script may retry), not bad input (2)
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ShortLivedJvm.OPTIONS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PrefineCli.class.getName(), "encode", "--model",
                "acme/tiny", "hi"));
        ProcessBuilder pb = ChildProcesses.builder(cmd)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("no-network.log").toFile());
        pb.environment().put("HF_ENDPOINT", "http://127.0.0.1:9");
        pb.environment().put("HF_HUB_CACHE", tmp.resolve("hf-cache").toString());
        pb.environment().remove("HF_HUB_OFFLINE");
        Process p = pb.start();
        assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES));
        String log = Files.readString(tmp.resolve("no-network.log"));
        assertEquals(CliErrors.SERVICE, p.exitValue(), log);
        List<String> errors = log.lines().filter(l -> l.startsWith("prefine encode: ")).toList();
        assertEquals(1, errors.size(), log);
        String error = errors.get(0);
        assertTrue(error.contains("acme/tiny: could not be fetched from the Hub"), error);
        // the Hub's own text advises the network; the command's adds what else to check and do, once
        assertEquals(1, error.split("check the network", -1).length - 1, "'check the network' once: " + error);
        for (String fact : List.of("cannot reach http://127.0.0.1:9", "HF_HUB_OFFLINE=1", "HF_ENDPOINT", "a proxy",
                "a local HF folder", "minilm (from Maven, no network needed)")) {
            assertTrue(error.contains(fact), "'" + fact + "' missing: " + error);
        }
        assertFalse(log.contains("\tat "), log);
    }

    @Test
    void aMistypedCommandOrOptionNamesTheNearestOne() {
        String[] command = run(List.of("reproduse", "--data", "x"));
        assertEquals("2", command[0]);
        assertEquals(1, command[1].lines().count(), command[1]);
        assertTrue(command[1].startsWith("prefine: ") && command[1].contains("'reproduse'")
                && command[1].contains("; did you mean reproduce? see 'prefine --help'"),
                command[1]);
        String[] option = run(List.of("demo", "--seed", "3"));
        assertEquals("2", option[0]);
        assertEquals(1, option[1].lines().count(), option[1]);
        assertTrue(option[1].startsWith("prefine demo: ") && option[1].contains("did you mean --seeds"), option[1]);
    }

    @Test
    void aMistypedCommandWithHelpIsRefusedAsWithoutIt() {
        // picocli lets a help option win over an unknown word: the top-level usage came out, exit 0
        for (List<String> args : List.of(List.of("reproduse", "--help"), List.of("reproduse", "-h"))) {
            String[] help = run(args);
            assertEquals("2", help[0], args.toString());
            assertEquals(run(List.of("reproduse"))[1], help[1], args.toString());
            assertEquals(1, help[1].lines().count(), help[1]);
            assertTrue(help[1].contains("'reproduse'") && help[1].contains("; did you mean reproduce? see 'prefine --help'"),
                    help[1]);
        }
        String[] first = run(List.of("--help", "reproduse"));
        assertEquals("2", first[0]);
        assertEquals("prefine: Unmatched argument at index 1: 'reproduse'; did you mean reproduce? see 'prefine --help'",
                first[1].strip());
        // one level down, the same: data's subcommands
        String[] data = run(List.of("data", "fetsh", "--help"));
        assertEquals("2", data[0]);
        assertEquals(run(List.of("data", "fetsh"))[1], data[1]);
        assertTrue(data[1].startsWith("prefine data: ") && data[1].contains("did you mean fetch?"), data[1]);
        // a known command's help is unchanged
        assertEquals("0", run(List.of("reproduce", "--help"))[0]);
    }

    @Test
    void helpForAnUnknownCommandSaysItOnceAndNamesTheNearestOne() {
        // picocli's help command ends its message with a full stop, and the line read "'nosuch'.; see ..."
        String[] none = run(List.of("help", "nosuch"));
        assertEquals("2", none[0]);
        assertEquals(1, none[1].lines().count(), none[1]);
        assertTrue(none[1].startsWith("prefine: Unknown subcommand 'nosuch'; ") && !none[1].contains("'.")
                && none[1].strip().endsWith(" see 'prefine --help'"), none[1]);
        // picocli's nearest command for "nosuch" is "bench", five edits away: no help to offer
        assertFalse(none[1].contains("did you mean"), none[1]);
        assertEquals("prefine: Unmatched argument at index 0: 'nosuch'; see 'prefine --help'",
                run(List.of("nosuch"))[1].strip());
        assertEquals("prefine demo: Unknown option: '--zzz'; see 'prefine demo --help'",
                run(List.of("demo", "--zzz"))[1].strip());
        // a near miss gets the nearest command, as `prefine reproduse` does
        String[] near = run(List.of("help", "reproduse"));
        assertEquals("2", near[0]);
        assertEquals("prefine: Unknown subcommand 'reproduse'; did you mean reproduce? see 'prefine --help'",
                near[1].strip());
        assertEquals("0", run(List.of("help", "reproduce"))[0]);
    }

    @Test
    void noArgumentsPrintsTheUsageAndExits2() {
        String[] r = run(List.of());
        assertEquals("2", r[0]);
        assertTrue(r[1].startsWith("Usage: prefine"), r[1]);
        assertTrue(r[1].replaceAll("\\s+", " ").contains("--strict means the same in reproduce and eval"), r[1]);
    }

    @Test
    void aCommandGroupWithoutItsCommandPrintsItsUsageAndExits2() {
        // as `prefine` alone: `prefine data` ran nothing, yet printed its usage on standard output with exit 0,
        // so `prefine data && next-step` went on as if data had been fetched
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = PrefineCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertEquals(2, cl.execute("data"));
        assertEquals("", out.toString());
        assertTrue(err.toString().startsWith("Usage: prefine data"), err.toString());
        assertTrue(err.toString().contains("fetch") && err.toString().contains("status"), err.toString());
        // asked for, the usage is no error: standard output and exit 0, as for every command
        assertEquals("0", run(List.of("data", "--help"))[0]);
    }

    @Test
    void theUsageNamesEveryExitCodeTheReadmePromises() {
        // README: 2 bad input or environment, 3 the Hub failed as a service, 1 internal fault
        String usage = run(List.of())[1].replaceAll("\\s+", " ");
        assertTrue(usage.contains(CliErrors.BAD_INPUT + " bad input or environment"), usage);
        assertTrue(usage.contains(CliErrors.SERVICE + " the Hugging Face Hub failed as a service"), usage);
        assertTrue(usage.contains(CliErrors.INTERNAL + " internal fault"), usage);
    }

    @Test
    void verboseAddsTheStackTrace() {
        String[] r = run(List.of("eval", "--verbose", "--format", "cls", tmp.resolve("nope.jsonl").toString()));
        assertEquals("2", r[0]);
        assertTrue(r[1].startsWith("prefine eval: "), r[1]);
        assertTrue(r[1].contains("\tat io.github.prefine."), r[1]);
    }

    @Test
    void anInternalFaultExits1AndAsksForVerbose() {
        CliErrors.Outcome o = CliErrors.classify(new IllegalStateException("head 3 has no task"));
        assertEquals(CliErrors.INTERNAL, o.exitCode());
        assertTrue(o.message().contains("internal error (java.lang.IllegalStateException: head 3 has no task)"));
        assertTrue(o.message().contains("--verbose"));
        CliErrors.Outcome disk = CliErrors.classify(new java.nio.file.FileSystemException("/out/table2.svg", null,
                "No space left on device"));
        assertEquals(CliErrors.BAD_INPUT, disk.exitCode());
        assertEquals("/out/table2.svg: no space left on device; free some space or choose another --out, then run the same"
                + " command again to resume", disk.message());
        // an --out holding another run is bad input, not a fault
        CliErrors.Outcome mismatch = CliErrors.classify(new io.github.prefine.core.grid.RunMismatchException(
                "/out/run.json: this folder holds a run with other settings or data (grid.seeds was [1], now [1, 2])"));
        assertEquals(CliErrors.BAD_INPUT, mismatch.exitCode());
        assertTrue(mismatch.message().contains("grid.seeds was [1], now [1, 2]"), mismatch.message());
        CliErrors.Outcome diverged = CliErrors.classify(new io.github.prefine.core.train.NonFiniteLossException(12, 0,
                List.of("wnut17")));
        assertEquals(CliErrors.BAD_INPUT, diverged.exitCode());
        assertTrue(diverged.message().startsWith("training diverged: training step 12 (epoch 0)")
                && diverged.message().endsWith("; lower the learning rate (--lr, --target-lr)"), diverged.message());
        assertTrue(CliErrors.classify(new java.io.IOException("No space left on device")).message()
                .contains("free some space"));
        // a cluster's quota (EDQUOT) and a file-size limit (EFBIG) stop a run as a full disk does
        assertEquals("/out/ckpt-epoch-000002.tmp: disk quota exceeded; free some space or choose another --out, then run"
                + " the same command again to resume", CliErrors.classify(new java.nio.file.FileSystemException(
                        "/out/ckpt-epoch-000002.tmp", null, "Disk quota exceeded")).message());
        assertEquals("File too large; raise the file-size limit (ulimit -f) or choose another --out, then run the same"
                + " command again to resume", CliErrors.classify(new java.io.IOException("File too large")).message());
        assertEquals(CliErrors.BAD_INPUT, CliErrors.classify(new java.io.UncheckedIOException(
                new java.nio.file.AccessDeniedException("/out/x"))).exitCode());
    }
}
