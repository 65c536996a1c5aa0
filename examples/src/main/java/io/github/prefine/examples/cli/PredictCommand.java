package io.github.prefine.examples.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.ReadReport;
import io.github.prefine.core.data.internal.LineReader;
import io.github.prefine.core.data.internal.TextFiles;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.predict.ChoicePrediction;
import io.github.prefine.core.predict.FinetunedModel;
import io.github.prefine.core.predict.IdeographWords;
import io.github.prefine.core.predict.LabelPrediction;
import io.github.prefine.core.predict.ModelManifest;
import io.github.prefine.core.predict.RefusedInputException;
import io.github.prefine.core.predict.SavedTask;
import io.github.prefine.core.predict.TagPrediction;
import io.github.prefine.core.predict.TaskPredictor;
import io.github.prefine.core.predict.TextTagPrediction;
import io.github.prefine.core.task.ExtractiveQa;
import io.github.prefine.eval.files.StrictJson;
import io.github.prefine.eval.metrics.Span;
import io.github.prefine.eval.qa.QaAnswer;
import io.github.prefine.eval.qa.QaPostProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code predict}: runs one task of a saved model (a folder {@code ModelExport} wrote, or a Hugging
 * Face task-model folder, read with {@code FinetunedModel.loadHuggingFace} when the folder has no
 * {@code prefine-model.json}) on JSON lines and writes one JSON line per input, in order. {@code
 * --task} may be left out when the model has one task, as a Hugging Face folder has ({@code
 * text-classification}, {@code token-classification}, {@code question-answering} or {@code
 * multiple-choice}); a Hugging Face sequence classifier takes {@code {"text": ...}} lines with or
 * without a {@code "pair"}, and a Hugging Face multiple-choice model any number of choices from 2
 * per line. A saved model cuts and windows text with the lengths its tasks were trained with; a
 * Hugging Face folder with the {@code model_max_length} of its {@code tokenizer_config.json}, else
 * 512 tokens and QA windows of 384 with a stride of 128, capped by the encoder's positions ({@code
 * FinetunedModel.huggingFaceSettings}). {@code --max-length}, {@code --qa-max-length}, {@code
 * --qa-stride} and {@code --max-answer-length} replace those lengths and the longest answer for the
 * run (those {@code export}'s notes name read an exported folder as its saved task reads); one of
 * the other kind of task, or a length above the encoder's positions, is bad input. {@code
 * --ideograph-words} chooses how a token task's text lines split runs of CJK ideographs ({@code
 * TaskPredictor.withIdeographWords}): {@code tokenizer} (the default), {@code each} or {@code
 * joined}, in any case; given for a task of another format, it is bad input.
 *
 * <p>Each input line is one object whose fields match the task's format: {@code {"text": ...}}
 * (single text), {@code {"text": ..., "pair": ...}} (text pair), {@code {"words": [...]}}
 * (sequence labelling, pre-split words) or {@code {"text": ...}} (sequence labelling, raw text
 * split as {@code TaskPredictor.tagTexts} splits it; the two mixed in one file, either in each
 * line), {@code {"question": ..., "context": ...}} (extractive
 * QA) or {@code {"premise": ..., "question": ..., "choices": [...]}} (multiple choice, the
 * question optional, as COPA's {@code cause}/{@code effect}). Output lines: {@code {"label",
 * "probabilities": {label: p}, "cut"}} ({@code cut} true when the text or pair was longer than the
 * task's maxLength and classified from its first tokens), {@code {"tags": [...], "entities": [{"type", "start", "end",
 * "text"}], "wordsCut"}} (word indices, end exclusive; {@code wordsCut} counts the words at the end
 * beyond the task's maxLength, tagged {@code O} unread; for a text line, also {@code "words": [{"text",
 * "start", "end"}]} beside the tags, and each entity's and word's offsets count code points into
 * the text, as the QA offsets do), {@code {"answer", "start", "end", "score"}} (offsets
 * into the context in code points, as Python slices it and SQuAD's {@code answer_start} counts,
 * not Java's UTF-16 indexes; {@code answer} null and the offsets -1 when no window holds a valid span), or {@code
 * {"choice", "probabilities": [...], "cut"}} (the chosen index, the softmax over the choices, and
 * {@code cut} true when a choice's row, the premise and question with the choice, was longer than
 * the task's maxLength and read from its first tokens).
 *
 * <p>Input is read as strict UTF-8 and strict JSON, in chunks of {@code --chunk} lines, and the
 * output lines are written in UTF-8 whatever the locale's encoding (RFC 8259's for JSON between
 * systems); the byte-order marks opening a line (files joined with {@code cat}) are removed. A bad line
 * (not valid UTF-8, named by its column; longer than {@code --max-line-bytes}, 16 MiB by default,
 * read no further than that; blank, not an object, naming a field twice, of another
 * format, refused by the predictor: an empty text, a wrong choice count..., or whose outputs hold
 * NaN or an infinity, which JSON cannot write: a model whose activations overflow float32) ends the
 * command with exit code 2 and one line naming the file, the line and
 * what was expected, after the outputs of every line before it, so the output stays aligned with
 * the input up to the bad line. With {@code --skip-bad} a bad line's output line is {@code
 * {"error": "FILE:LINE: ..."}} instead, the command goes on, and standard error ends with the
 * count and numbers of the lines skipped (of the lines written when it stops early). When the
 * maxLength cut inputs of a classification, sequence-labelling or multiple-choice task, standard error ends with
 * how many, e.g. {@code prefine predict: 12 of 56 inputs were cut to 128 tokens (their ends not
 * read)}; a command that stops early (a bad line, an internal fault, a SIGINT or SIGTERM, standard
 * output closed) still counts the cut inputs among the lines it wrote, before the line that says
 * why it stopped ({@code 1 of the 3 inputs written before the command stopped were cut ...}; after
 * an interrupt, {@code interrupted; the outputs of input lines 4 on were not written (3 written)}). When
 * the reader of standard output closes it ({@code | head}), the command stops at the first line it
 * cannot write, says so, and exits 141 (128 + SIGPIPE, as a shell reports a process the signal
 * ended). Exit 0 on success, 2 for bad input (a folder that is not a saved model or lacks its
 * tokenizer, an unknown task, a bad line without {@code --skip-bad}), 1 for an internal fault.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = PrefineVersion.class,
        description = "Run a task of a saved model on JSON lines (text, pair, words or text for a token task, question"
                + " and context, or premise and choices; offsets into a text or context count code points).")
public final class PredictCommand implements Callable<Integer> {

    /** Fields a line may leave out, as format.field: a choice task's question may be absent, as empty. */
    private static final List<String> OPTIONAL = List.of("choice.question");

    @Spec
    private CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "a folder written by ModelExport,"
            + " or a Hugging Face task-model folder (config.json naming a BertFor..., RobertaFor... or XLMRobertaFor..."
            + " sequence classifier, token classifier, QA or multiple-choice model, with tokenizer.json; its"
            + " tokenizer_config.json's model_max_length, if any, cuts the text)")
    private Path model;

    @Option(names = "--task", paramLabel = "NAME", description = "the task to run; may be left out when the model has"
            + " one (a Hugging Face folder's is text-classification, token-classification, question-answering or"
            + " multiple-choice)")
    private String task;

    @Option(names = "--input", defaultValue = "-", paramLabel = "FILE",
            description = "JSON lines to read, - for standard input. Default: ${DEFAULT-VALUE}.")
    private String input;

    @Option(names = "--chunk", defaultValue = "256", paramLabel = "N",
            description = "input lines read and predicted at once. Default: ${DEFAULT-VALUE}.")
    private int chunk;

    @Option(names = "--max-line-bytes", defaultValue = "16777216", paramLabel = "N", description = "the longest input"
            + " line read, in bytes (its line break not counted), at most 1073741824: a longer line is a bad line,"
            + " read no further than that, so a file without line breaks is not read into memory whole."
            + " Default: ${DEFAULT-VALUE} (16 MiB).")
    private int maxLineBytes;

    @Option(names = "--skip-bad", description = "write {\"error\": \"FILE:LINE: ...\"} for a bad input line and go on,"
            + " then count the lines skipped on standard error (default: stop at the first bad line, exit 2, after the"
            + " outputs of every line before it)")
    private boolean skipBad;

    @Option(names = "--max-length", paramLabel = "N", description = "tokens a text, pair, word sequence or choice"
            + " row is cut to, for a task that is not QA (default: the task's own for a saved model; for a Hugging Face"
            + " folder its model_max_length, else 512, within the encoder's positions; a folder export wrote declares"
            + " the task's own there)")
    private Integer maxLength;

    @Option(names = "--qa-max-length", paramLabel = "N", description = "tokens of a QA window, for a QA task (default:"
            + " the task's own for a saved model; for a Hugging Face folder min(model_max_length, 384), within the"
            + " encoder's positions); export's note names the saved task's")
    private Integer qaMaxLength;

    @Option(names = "--qa-stride", paramLabel = "N", description = "context tokens two QA windows share, below the"
            + " window's room for the context, for a QA task (default: the task's own for a saved model; for a Hugging"
            + " Face folder a third of its window, at most 128); export's note names the saved task's")
    private Integer qaStride;

    @Option(names = "--max-answer-length", paramLabel = "N", description = "tokens of the longest answer picked, for a"
            + " QA task (default: the task's own for a saved model; for a Hugging Face folder the evaluation's 30);"
            + " export's note names the saved task's")
    private Integer maxAnswerLength;

    @Option(names = "--ideograph-words", defaultValue = "tokenizer", paramLabel = "RULE", description = "how a token"
            + " task's text lines split runs of CJK ideographs: tokenizer (each a word of its own where the tokenizer"
            + " spaces them out, as BERT's does; a run one word under XLM-R's), each (one word per ideograph, for a"
            + " task trained on per-character labelled text under any tokenizer) or joined (runs whole)."
            + " Default: ${DEFAULT-VALUE}.")
    private String ideographWords;

    /** Creates the command; picocli fills the fields. */
    public PredictCommand() {}

    /**
     * One input line: its number, and its parsed object (once predicted, its output) or why it is
     * bad (the message names the file and the line).
     */
    private record Line(int number, JsonObject json, String error) {}

    @Override
    public Integer call() throws Exception {
        if (chunk <= 0) {
            throw new IllegalArgumentException("--chunk must be positive, found " + chunk);
        }
        OptionChecks.atLeast("--max-line-bytes", maxLineBytes, 1);
        if (maxLineBytes > TextFiles.LARGEST_MAX_LINE_BYTES) {
            throw new IllegalArgumentException("--max-line-bytes: expected a whole number of at most "
                    + TextFiles.LARGEST_MAX_LINE_BYTES
                    + " (1 GiB), found " + maxLineBytes);
        }
        checkLengths();
        // before the model loads, which takes seconds and starts the engine; the model's folder last
        OptionChecks.notBlank("--input", input, "a JSON lines file or - for standard input");
        if (!"-".equals(input)) {
            OptionChecks.inputFile("--input", Path.of(input), "JSON lines, one object per line");
        }
        OptionChecks.inputFolder("--model", model, "a folder written by ModelExport or a Hugging Face task-model folder");
        // JSON lines in UTF-8, as the input is read, whatever the locale's encoding
        PrintWriter out = PrefineCli.dataOut(spec.commandLine());
        String name = "-".equals(input) ? "<stdin>" : input;
        Written written = new Written();
        int lineNo = 0;
        boolean complete = false;
        String closed = null;
        // an interrupt or a SIGTERM still says what an early end says of the lines written: cut, skipped
        Thread stopHook = new Thread(() -> {
            written.summary(false).forEach(System.err::println);
            // then why it stopped and where the input goes on, as a closed output says: each input line
            // written has one output line, its error object included
            int lines = written.lines();
            System.err.println("prefine predict: interrupted; the outputs of input lines " + (lines + 1)
                    + " on were not written (" + lines + " written)");
            System.err.flush();
        }, "prefine-predict-stop-summary");
        Runtime.getRuntime().addShutdownHook(stopHook);
        try (NDManager manager = NDManager.newBaseManager(); FinetunedModel loaded = load(manager);
                LineReader lines = open(name)) {
            TaskPredictor predictor = readWith(loaded.predictor(taskOf(loaded)));
            written.maxLength = predictor.task().settings().maxLength();
            List<Line> batch = new ArrayList<>();
            for (TextFiles.Line line = lines.next(); line != null; line = lines.next()) {
                lineNo = line.number();
                Line read;
                if (line.text() == null) {
                    // invalid UTF-8, decoded line by line: a bad line at its number and column
                    read = new Line(lineNo, null, line.invalid());
                } else {
                    try {
                        read = new Line(lineNo, parse(line.text(), name, lineNo, predictor.task(),
                                predictor.takesTextsAndPairs()), null);
                    } catch (IllegalArgumentException e) {
                        read = new Line(lineNo, null, e.getMessage());
                    }
                }
                batch.add(read);
                if (batch.size() == chunk || (read.error() != null && !skipBad)) {
                    // a bad line ends the input unless skipped: what precedes it is still predicted and written
                    write(out, predictAll(predictor, batch, name), written);
                    batch.clear();
                }
            }
            write(out, predictAll(predictor, batch, name), written);
            complete = true;
        } catch (OutputClosed e) {
            closed = "prefine predict: standard output was closed by its reader; the outputs of input lines "
                    + e.lineNumber + " on were not written (" + written.lines() + " written)";
        } finally {
            out.flush();
            // a JVM shutting down keeps its hook, which says the count; the input may have ended under it
            if (removeHook(stopHook)) {
                // before the line of what stopped the command, if anything did: the lines written stand
                written.summary(complete).forEach(spec.commandLine().getErr()::println);
            }
        }
        if (closed != null) {
            spec.commandLine().getErr().println(closed);
            return CliErrors.OUTPUT_CLOSED;
        }
        List<Integer> skipped = written.skipped();
        if (!skipped.isEmpty()) {
            spec.commandLine().getErr().println(skippedLine(skipped, lineNo + " input lines"));
        }
        return 0;
    }

    /** The line that names the input lines skipped, of {@code of} (how many lines, and which). */
    private static String skippedLine(List<Integer> skipped, String of) {
        return "prefine predict: skipped " + skipped.size() + " of " + of + " (lines "
                + skipped.stream().map(String::valueOf).collect(Collectors.joining(", "))
                + "); their output lines hold {\"error\": ...}";
    }

    /**
     * The output lines written so far, how many of them the maxLength cut and which input lines
     * were skipped as bad; read by the shutdown hook of an interrupt, on another thread, so each
     * access locks: the hook's summary never counts a cut or skipped line beyond the lines written.
     */
    private static final class Written {
        private int lines;
        private int cut;
        private final List<Integer> skipped = new ArrayList<>();
        volatile int maxLength;

        /**
         * Adds (or, with -1, takes back) one output line, cut or not, and the number of the input
         * line it skips as bad, or 0; written by the command's thread only.
         */
        synchronized void count(boolean wasCut, int skippedLine, int n) {
            lines += n;
            if (wasCut) {
                cut += n;
            }
            if (skippedLine > 0) {
                if (n > 0) {
                    skipped.add(skippedLine);
                } else {
                    skipped.remove(skipped.size() - 1);
                }
            }
        }

        synchronized int lines() {
            return lines;
        }

        synchronized List<Integer> skipped() {
            return List.copyOf(skipped);
        }

        /**
         * The lines an end says of the lines written: how many inputs were cut, if any were, of
         * every input when {@code complete} (each has its output line), else of the inputs written
         * before the command stopped; and, when it stopped early, the bad lines skipped among them
         * (a complete run names those of every input line after this).
         */
        synchronized List<String> summary(boolean complete) {
            List<String> said = new ArrayList<>();
            if (cut > 0) {
                // as a tagger's wordsCut, per line; counted here so that a long input is not lost unseen
                said.add("prefine predict: " + cut + " of " + (complete ? "" : "the ") + lines + " inputs "
                        + (complete ? "" : "written before the command stopped ") + "were cut to " + maxLength
                        + " tokens (their ends not read)");
            }
            if (!complete && !skipped.isEmpty()) {
                // their error objects are among the lines written, as the cut inputs are
                said.add(skippedLine(skipped, "the " + lines + " input lines written before the command stopped"));
            }
            return said;
        }
    }

    /** Standard output failed, closed by its reader ({@code | head}); the input line whose output was lost. */
    private static final class OutputClosed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int lineNumber;

        OutputClosed(int lineNumber) {
            super("standard output closed", null, false, false);
            this.lineNumber = lineNumber;
        }
    }

    /** Removes the hook; false when the JVM is shutting down, its hooks running or about to. */
    private static boolean removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            return true;
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }

    /**
     * Checks the reading options before the model loads: each in range, and a window length
     * within the encoder's positions (a saved model's {@code encoder/config.json}, a Hugging Face
     * folder's {@code config.json}).
     */
    private void checkLengths() throws IOException {
        OptionChecks.atLeast("--max-length", maxLength == null ? FeatureSettings.MIN_LENGTH : maxLength,
                FeatureSettings.MIN_LENGTH);
        OptionChecks.atLeast("--qa-max-length", qaMaxLength == null ? FeatureSettings.MIN_QA_WINDOW : qaMaxLength,
                FeatureSettings.MIN_QA_WINDOW);
        OptionChecks.atLeast("--qa-stride", qaStride == null ? 1 : qaStride, 1);
        OptionChecks.atLeast("--max-answer-length", maxAnswerLength == null ? 1 : maxAnswerLength, 1);
        ideographRule();
        Path encoder = Files.exists(model.resolve(ModelManifest.FILE)) ? model.resolve("encoder") : model;
        if (!Files.isRegularFile(encoder.resolve("config.json"))) {
            // no encoder config: the load says what the folder lacks
            return;
        }
        if (maxLength != null) {
            OptionChecks.lengthFitsEncoder(encoder, "--max-length", maxLength);
        }
        if (qaMaxLength != null) {
            OptionChecks.lengthFitsEncoder(encoder, "--qa-max-length", qaMaxLength);
        }
    }

    /**
     * The predictor with the reading options in place of the lengths and longest answer the model
     * reads with; an option of the other kind of task (a QA option for a classifier, {@code
     * --max-length} for QA) is refused rather than ignored.
     */
    private TaskPredictor readWith(TaskPredictor predictor) {
        SavedTask t = predictor.task();
        boolean qa = t.format() instanceof ExtractiveQa;
        String given = qa ? (maxLength != null ? "--max-length" : null)
                : qaMaxLength != null ? "--qa-max-length" : qaStride != null ? "--qa-stride"
                : maxAnswerLength != null ? "--max-answer-length" : null;
        if (given != null) {
            throw new IllegalArgumentException(given + ": task " + t.name() + " is a " + t.format().label() + " task, "
                    + (qa ? "read in windows of --qa-max-length with --qa-stride; --max-length applies to the other"
                    + " tasks" : "cut at --max-length; --qa-max-length, --qa-stride and --max-answer-length apply to"
                    + " qa tasks only") + "; leave " + given + " out");
        }
        FeatureSettings own = t.settings();
        int window = qaMaxLength == null ? own.qaMaxLength() : qaMaxLength;
        int stride = qaStride == null ? own.qaStride() : qaStride;
        int length = maxLength == null ? own.maxLength() : maxLength;
        if (qa) {
            // a window given alone may fall to the task's own stride or below it
            OptionChecks.featureLengths(length, window, stride);
        } else {
            // a classifier of fewer positions has a QA window below the QA minimum, which it never uses
            OptionChecks.atLeast("--max-length", length, FeatureSettings.MIN_LENGTH);
        }
        TaskPredictor out = predictor;
        if (spec.commandLine().getParseResult().hasMatchedOption("--ideograph-words")) {
            if (!t.format().label().equals("token")) {
                throw new IllegalArgumentException("--ideograph-words: task " + t.name() + " is a "
                        + t.format().label() + " task; it applies to token tasks only, whose text lines it splits;"
                        + " leave --ideograph-words out");
            }
            out = out.withIdeographWords(ideographRule());
        }
        if (maxLength != null || qaMaxLength != null || qaStride != null) {
            out = out.withSettings(own.withLengths(length, window, stride));
        }
        if (maxAnswerLength != null) {
            out = out.withQaPostProcessor(QaPostProcessor.builder().optNBest(out.qaPostProcessor().nBest())
                    .optMaxAnswerLength(maxAnswerLength).build());
        }
        return out;
    }

    /**
     * The {@code --ideograph-words} rule, its keyword in any case; an unknown one is bad input,
     * checked before the model loads.
     */
    private IdeographWords ideographRule() {
        return OptionValues.keyword("--ideograph-words", ideographWords, IdeographWords.class,
                e -> e.name().toLowerCase(Locale.ROOT));
    }

    /** Loads the model; what is wrong with the folder is bad input, said as the library says it. */
    private FinetunedModel load(NDManager manager) {
        return load(model, manager);
    }

    /**
     * Loads a folder {@code ModelExport} wrote, or else, without its manifest, a Hugging Face
     * task-model folder; what is wrong with it is bad input, said as the library says it.
     */
    static FinetunedModel load(Path dir, NDManager manager) {
        try {
            return Files.exists(dir.resolve(ModelManifest.FILE)) || !Files.exists(dir.resolve("config.json"))
                    ? FinetunedModel.load(dir, manager) : FinetunedModel.loadHuggingFace(dir, manager);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The task named, or the model's only one. */
    private String taskOf(FinetunedModel loaded) {
        return taskOf(loaded, task);
    }

    /** The task named, or when none is, the model's only one; several without a name is bad input. */
    static String taskOf(FinetunedModel loaded, String named) {
        if (named != null) {
            return named;
        }
        List<SavedTask> tasks = loaded.tasks();
        if (tasks.size() != 1) {
            throw new IllegalArgumentException("model " + loaded.dir() + " has " + tasks.size() + " tasks "
                    + tasks.stream().map(SavedTask::name).toList() + "; name one with --task");
        }
        return tasks.get(0).name();
    }

    /** The input's lines, each decoded on its own, so that invalid UTF-8 is one bad line. */
    private LineReader open(String name) throws IOException {
        InputStream in = "-".equals(input) ? System.in : Files.newInputStream(Path.of(input));
        // lenient: an undecodable line comes back with its message instead of ending the read
        return TextFiles.lines(in, name, Leniency.LENIENT, new ReadReport.Builder(name)).capLines(maxLineBytes,
                " (--max-line-bytes)");
    }

    /**
     * Writes one output line per input line, in order: its prediction, or for a bad line its error
     * object (with --skip-bad) or, without it, nothing more: the command stops there with the error.
     * A line that standard output refuses (its reader gone) stops the command too.
     */
    private void write(PrintWriter out, List<Line> lines, Written written) {
        // an unanswered question keeps its null answer and score; "<stdin>" and the inputs' own text
        // stay as written, not HTML-escaped (JSON needs no escape for <, > or &)
        Gson gson = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
        for (Line l : lines) {
            if (l.error() != null && !skipBad) {
                out.flush();
                throw new IllegalArgumentException(l.error());
            }
            JsonObject o = l.json();
            boolean wasCut = l.error() == null && (o.has("cut") ? o.get("cut").getAsBoolean()
                    : o.has("wordsCut") && o.get("wordsCut").getAsInt() > 0);
            // counted before the (auto-flushed) line reaches its reader, so that a stop the reader
            // sends on reading it (a SIGTERM) finds it counted
            int skippedLine = l.error() == null ? 0 : l.number();
            written.count(wasCut, skippedLine, 1);
            if (l.error() == null) {
                out.println(gson.toJson(o));
            } else {
                JsonObject e = new JsonObject();
                e.addProperty("error", l.error());
                out.println(gson.toJson(e));
            }
            // a PrintWriter keeps an IOException to itself: without this check a closed pipe would
            // swallow every output line to the end of the input
            if (out.checkError()) {
                // nor its error object, if it was a bad line
                written.count(wasCut, skippedLine, -1);
                throw new OutputClosed(l.number());
            }
        }
    }

    /**
     * One input line as a strict JSON object holding the fields the task's format reads; with
     * {@code textsAndPairs} (a Hugging Face sequence classifier), a text with or without a pair.
     * Byte-order marks opening the line (files joined with {@code cat}) are removed first, every
     * one, as the JSON-lines readers remove them: Gson passed over one and refused a second.
     */
    static JsonObject parse(String line, String file, int lineNo, SavedTask task, boolean textsAndPairs) {
        line = line.substring(TextFiles.leadingMarks(line));
        String where = file + ":" + lineNo + ": ";
        String kind = textsAndPairs ? "text-pair" : task.format().label();
        String expected = textsAndPairs ? "{\"text\": ...} or {\"text\": ..., \"pair\": ...} for the text"
                + " classification task " + task.name() : expected(task);
        JsonElement e;
        String repeated;
        try (JsonReader r = new JsonReader(new StringReader(line));
                JsonReader again = new JsonReader(new StringReader(line))) {
            if (line.isBlank()) {
                throw new IllegalArgumentException(where + "blank line; expected " + expected);
            }
            // Gson's default strictness takes \' escapes and literals such as NULL, which JSON has not
            r.setStrictness(Strictness.STRICT);
            e = com.google.gson.internal.bind.TypeAdapters.JSON_ELEMENT.read(r);
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException(where + "text after the JSON object; expected one object per line, "
                        + expected);
            }
            // Gson's tree keeps the last of two equal names: the first value would be dropped unseen
            again.setStrictness(Strictness.STRICT);
            repeated = StrictJson.firstRepeatedName(again);
        } catch (IOException | JsonParseException | IllegalStateException ex) {
            // Gson's own text advises a Java call and links its troubleshooting page on a second line
            StrictJson.Syntax s = StrictJson.syntax(ex);
            throw new IllegalArgumentException(where + "not valid JSON (" + s.reason()
                    + (s.located() ? " at column " + s.column() : "") + "); expected " + expected);
        }
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException(where + "expected " + expected + ", found " + abbreviate(line));
        }
        if (repeated != null) {
            throw new IllegalArgumentException(where + "field \"" + abbreviate(repeated) + "\" is given twice; expected "
                    + expected);
        }
        JsonObject o = e.getAsJsonObject();
        List<String> fields = switch (kind) {
            case "text" -> List.of("text");
            case "text-pair" -> List.of("text", "pair");
            case "token" -> List.of("words", "text");
            case "qa" -> List.of("question", "context");
            default -> List.of("premise", "question", "choices");
        };
        for (String k : o.keySet()) {
            if (!fields.contains(k)) {
                throw new IllegalArgumentException(where + "field \"" + k + "\" does not belong to a "
                        + task.format().label() + " task; expected " + expected);
            }
        }
        if (kind.equals("token")) {
            // pre-split words or a raw text, one of the two
            if (o.has("words") == o.has("text")) {
                throw new IllegalArgumentException(where + (o.has("words") ? "both fields \"words\" and \"text\""
                        : "neither field \"words\" nor \"text\"") + "; expected " + expected);
            }
            fields = List.of(o.has("words") ? "words" : "text");
        }
        for (String k : fields) {
            JsonElement v = o.get(k);
            if (v == null && (OPTIONAL.contains(kind + "." + k) || textsAndPairs && k.equals("pair"))) {
                continue;
            }
            boolean ok = v != null && (k.equals("words") || k.equals("choices") ? isStringArray(v) : v.isJsonPrimitive()
                    && v.getAsJsonPrimitive().isString());
            if (!ok) {
                throw new IllegalArgumentException(where + (v == null ? "field \"" + k + "\" is missing" : "field \"" + k
                        + "\" is " + abbreviate(String.valueOf(v))) + "; expected " + expected);
            }
        }
        return o;
    }

    private static boolean isStringArray(JsonElement v) {
        if (!v.isJsonArray()) {
            return false;
        }
        for (JsonElement w : v.getAsJsonArray()) {
            if (!w.isJsonPrimitive() || !w.getAsJsonPrimitive().isString()) {
                return false;
            }
        }
        return true;
    }

    private static String expected(SavedTask task) {
        return switch (task.format().label()) {
            case "text" -> "{\"text\": ...} for the text task " + task.name();
            case "text-pair" -> "{\"text\": ..., \"pair\": ...} for the text-pair task " + task.name();
            case "token" -> "{\"words\": [...]} or {\"text\": ...} for the token task " + task.name();
            case "qa" -> "{\"question\": ..., \"context\": ...} for the qa task " + task.name();
            default -> "{\"premise\": ..., \"question\": ... (optional), \"choices\": [...]} for the choice task "
                    + task.name();
        };
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /**
     * Predicts a chunk's good lines, and returns the chunk with each good line's input replaced by
     * its output. A line the predictor refuses becomes a bad line at its file and line. With
     * --skip-bad it costs only itself: the others are featurized once, in the same call. Without it
     * the command stops at the first bad line, so the lines after it are dropped and those before
     * it predicted again, once.
     */
    private List<Line> predictAll(TaskPredictor predictor, List<Line> chunkLines, String file) {
        List<Line> lines = new ArrayList<>(chunkLines);
        Map<Integer, String> refused = new HashMap<>();
        while (true) {
            if (!skipBad) {
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).error() != null) {
                        lines = new ArrayList<>(lines.subList(0, i + 1));
                        break;
                    }
                }
            }
            List<Line> good = lines.stream().filter(l -> l.error() == null).toList();
            List<JsonObject> outputs;
            try {
                // the reason alone: the exception's index is among the good lines, not the file's
                outputs = predictUnchecked(predictor, good.stream().map(Line::json).toList(),
                        skipBad ? e -> refused.put(e.index(), e.reason()) : null);
            } catch (RefusedInputException e) {
                Line bad = good.get(e.index());
                lines.set(lines.indexOf(bad), new Line(bad.number(), null, file + ":" + bad.number() + ": " + e.reason()));
                continue;
            }
            List<Line> done = new ArrayList<>(lines.size());
            int next = 0;
            for (Line l : lines) {
                if (l.error() != null) {
                    done.add(l);
                    continue;
                }
                String reason = refused.get(next);
                String at = reason == null ? nonFinite(outputs.get(next), "") : null;
                if (at != null) {
                    // JSON has no NaN: written, the line would be no JSON, and its arg-max no choice of the model's
                    reason = "the model's outputs hold NaN or an infinity (" + at + "), which JSON cannot write;"
                            + " expected finite outputs (the model's activations overflow float32 on this input)";
                }
                done.add(reason == null ? new Line(l.number(), outputs.get(next), null)
                        : new Line(l.number(), null, file + ":" + l.number() + ": " + reason));
                next++;
            }
            return done;
        }
    }

    /**
     * The path of an output's first number that is NaN or infinite ({@code probabilities.a},
     * {@code probabilities[0]}, {@code score}), or null when every number is finite.
     */
    private static String nonFinite(JsonElement e, String path) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            double d = e.getAsDouble();
            return Double.isFinite(d) ? null : path;
        }
        if (e.isJsonArray()) {
            for (int i = 0; i < e.getAsJsonArray().size(); i++) {
                String at = nonFinite(e.getAsJsonArray().get(i), path + "[" + i + "]");
                if (at != null) {
                    return at;
                }
            }
        } else if (e.isJsonObject()) {
            for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
                String at = nonFinite(m.getValue(), path.isEmpty() ? m.getKey() : path + "." + m.getKey());
                if (at != null) {
                    return at;
                }
            }
        }
        return null;
    }

    /**
     * Each input's output, null for an input the predictor refused and passed to {@code onRefused};
     * with a null {@code onRefused} the first refusal is thrown.
     */
    private static List<JsonObject> predictUnchecked(TaskPredictor predictor, List<JsonObject> batch,
            Consumer<RefusedInputException> onRefused) {
        List<JsonObject> out = new ArrayList<>(batch.size());
        switch (predictor.task().format().label()) {
            case "text", "text-pair" -> {
                for (LabelPrediction p : classify(predictor, batch, onRefused)) {
                    if (p == null) {
                        out.add(null);
                        continue;
                    }
                    JsonObject o = new JsonObject();
                    o.addProperty("label", p.label());
                    JsonObject probabilities = new JsonObject();
                    for (Map.Entry<String, Double> e : p.probabilities().entrySet()) {
                        probabilities.addProperty(e.getKey(), e.getValue());
                    }
                    o.add("probabilities", probabilities);
                    o.addProperty("cut", p.cut());
                    out.add(o);
                }
            }
            case "token" -> out.addAll(tagAll(predictor, batch, onRefused));
            case "choice" -> {
                List<String> questions = new ArrayList<>(batch.size());
                List<List<String>> choices = new ArrayList<>(batch.size());
                for (JsonObject o : batch) {
                    questions.add(o.has("question") ? o.get("question").getAsString() : "");
                    List<String> c = new ArrayList<>();
                    o.getAsJsonArray("choices").forEach(w -> c.add(w.getAsString()));
                    choices.add(c);
                }
                for (ChoicePrediction p : predictor.choose(strings(batch, "premise"), questions, choices, onRefused)) {
                    if (p == null) {
                        out.add(null);
                        continue;
                    }
                    JsonObject o = new JsonObject();
                    o.addProperty("choice", p.choice());
                    JsonArray probabilities = new JsonArray();
                    p.probabilities().forEach(probabilities::add);
                    o.add("probabilities", probabilities);
                    o.addProperty("cut", p.cut());
                    out.add(o);
                }
            }
            default -> {
                List<String> contexts = strings(batch, "context");
                List<QaAnswer> answers = predictor.answer(strings(batch, "question"), contexts, onRefused);
                for (int i = 0; i < answers.size(); i++) {
                    QaAnswer a = answers.get(i);
                    if (a == null) {
                        out.add(null);
                        continue;
                    }
                    JsonObject o = new JsonObject();
                    if (a.found()) {
                        o.addProperty("answer", a.text());
                    } else {
                        o.add("answer", com.google.gson.JsonNull.INSTANCE);
                    }
                    // code points, as Python slices the context and SQuAD's answer_start counts; QaAnswer
                    // holds UTF-16 indexes, which differ after a character beyond U+FFFF (an emoji)
                    o.addProperty("start", a.found() ? codePoints(contexts.get(i), a.charStart()) : a.charStart());
                    o.addProperty("end", a.found() ? codePoints(contexts.get(i), a.charEnd()) : a.charEnd());
                    o.addProperty("score", a.found() ? a.score() : null);
                    out.add(o);
                }
            }
        }
        return out;
    }

    /**
     * Classifies a chunk's texts: single texts or pairs as the task's format says, or for a task
     * that takes both, the single texts and the pairs each in one call, merged back in line order
     * (a refusal names its line's index in the chunk).
     */
    private static List<LabelPrediction> classify(TaskPredictor predictor, List<JsonObject> batch,
            Consumer<RefusedInputException> onRefused) {
        if (!predictor.takesTextsAndPairs()) {
            List<String> texts = strings(batch, "text");
            return predictor.task().format().label().equals("text") ? predictor.classify(texts, onRefused)
                    : predictor.classifyPairs(texts, strings(batch, "pair"), onRefused);
        }
        List<Integer> singles = new ArrayList<>();
        List<Integer> pairs = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            (batch.get(i).has("pair") ? pairs : singles).add(i);
        }
        List<JsonObject> single = singles.stream().map(batch::get).toList();
        List<JsonObject> pair = pairs.stream().map(batch::get).toList();
        LabelPrediction[] out = new LabelPrediction[batch.size()];
        List<LabelPrediction> a;
        List<LabelPrediction> b;
        try {
            a = predictor.classify(strings(single, "text"),
                    onRefused == null ? null : e -> onRefused.accept(e.at(singles.get(e.index()))));
        } catch (RefusedInputException e) {
            throw e.at(singles.get(e.index()));
        }
        try {
            b = predictor.classifyPairs(strings(pair, "text"), strings(pair, "pair"),
                    onRefused == null ? null : e -> onRefused.accept(e.at(pairs.get(e.index()))));
        } catch (RefusedInputException e) {
            throw e.at(pairs.get(e.index()));
        }
        for (int i = 0; i < singles.size(); i++) {
            out[singles.get(i)] = a.get(i);
        }
        for (int i = 0; i < pairs.size(); i++) {
            out[pairs.get(i)] = b.get(i);
        }
        // refused inputs stay null, which List.of would refuse
        return Arrays.asList(out);
    }

    /**
     * Tags a chunk's lines: the pre-split words with {@code tag} and the raw texts with {@code
     * tagTexts}, each kind in one call, merged back in line order (a refusal names its line's index
     * in the chunk). A text's words and entities carry code point offsets into it, as a QA answer's.
     */
    private static List<JsonObject> tagAll(TaskPredictor predictor, List<JsonObject> batch,
            Consumer<RefusedInputException> onRefused) {
        List<Integer> worded = new ArrayList<>();
        List<Integer> texted = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            (batch.get(i).has("words") ? worded : texted).add(i);
        }
        List<List<String>> sentences = new ArrayList<>();
        for (int i : worded) {
            List<String> words = new ArrayList<>();
            batch.get(i).getAsJsonArray("words").forEach(w -> words.add(w.getAsString()));
            sentences.add(words);
        }
        List<String> texts = strings(texted.stream().map(batch::get).toList(), "text");
        List<TagPrediction> a;
        List<TextTagPrediction> b;
        try {
            a = predictor.tag(sentences, onRefused == null ? null : e -> onRefused.accept(e.at(worded.get(e.index()))));
        } catch (RefusedInputException e) {
            throw e.at(worded.get(e.index()));
        }
        try {
            b = predictor.tagTexts(texts, onRefused == null ? null : e -> onRefused.accept(e.at(texted.get(e.index()))));
        } catch (RefusedInputException e) {
            throw e.at(texted.get(e.index()));
        }
        JsonObject[] out = new JsonObject[batch.size()];
        for (int k = 0; k < worded.size(); k++) {
            TagPrediction p = a.get(k);
            if (p != null) {
                JsonArray entities = new JsonArray();
                for (Span s : p.entities()) {
                    entities.add(entity(s.type(), s.start(), s.end(), p.entityText(s)));
                }
                out[worded.get(k)] = tagged(p.tags(), null, entities, p.wordsCut());
            }
        }
        for (int k = 0; k < texted.size(); k++) {
            TextTagPrediction p = b.get(k);
            if (p == null) {
                continue;
            }
            // code points, as Python slices the text and as QA answers are written
            JsonArray words = new JsonArray();
            for (TextTagPrediction.Word w : p.words()) {
                JsonObject o = new JsonObject();
                o.addProperty("text", w.text());
                o.addProperty("start", w.codePointStart());
                o.addProperty("end", w.codePointEnd());
                words.add(o);
            }
            JsonArray entities = new JsonArray();
            for (TextTagPrediction.Entity e : p.entities()) {
                entities.add(entity(e.type(), e.codePointStart(), e.codePointEnd(), e.text()));
            }
            out[texted.get(k)] = tagged(p.words().stream().map(TextTagPrediction.Word::tag).toList(), words, entities,
                    p.wordsCut());
        }
        // refused lines stay null, which List.of would refuse
        return Arrays.asList(out);
    }

    /** A tagged line's output: its tags, for a text its words with their offsets, its entities. */
    private static JsonObject tagged(List<String> tagList, JsonArray words, JsonArray entities, int wordsCut) {
        JsonObject o = new JsonObject();
        JsonArray tags = new JsonArray();
        tagList.forEach(tags::add);
        o.add("tags", tags);
        if (words != null) {
            o.add("words", words);
        }
        o.add("entities", entities);
        o.addProperty("wordsCut", wordsCut);
        return o;
    }

    private static JsonObject entity(String type, int start, int end, String text) {
        JsonObject e = new JsonObject();
        e.addProperty("type", type);
        e.addProperty("start", start);
        e.addProperty("end", end);
        e.addProperty("text", text);
        return e;
    }

    /** A UTF-16 index into a text as a count of the code points before it. */
    private static int codePoints(String text, int utf16Index) {
        return text.codePointCount(0, utf16Index);
    }

    private static List<String> strings(List<JsonObject> batch, String field) {
        List<String> out = new ArrayList<>(batch.size());
        for (JsonObject o : batch) {
            out.add(o.get(field).getAsString());
        }
        return out;
    }
}
