package io.github.prefine.examples.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.github.prefine.eval.files.ClassificationPredictions;
import io.github.prefine.eval.files.ConllPredictions;
import io.github.prefine.eval.files.SquadPredictions;
import io.github.prefine.eval.metrics.PrfScore;
import io.github.prefine.eval.metrics.SpanF1;
import io.github.prefine.eval.metrics.SpanReport;
import io.github.prefine.eval.metrics.SquadScore;
import io.github.prefine.eval.metrics.TagScheme;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code eval}: scores a prediction file and prints a small table.
 *
 * <ul>
 *   <li>{@code --format conll FILE}: columns token, gold, predicted; seqeval entity P/R/F1 overall
 *       and per type ({@code --strict IOB2|IOBES|BILOU} for strict mode).
 *   <li>{@code --format squad --dataset DEV.json PRED.json}: SQuAD v1.1 EM and F1 like the
 *       official script.
 *   <li>{@code --format cls FILE}: JSON lines {@code {"id", "gold", "pred"}}; accuracy, macro F1
 *       and per-class scores.
 * </ul>
 * {@code --json OUT} also writes the numbers as JSON. Exit code 0 on success, 1 for a malformed
 * or unreadable file (the message names file, line or JSON path, expected and found), 2 for usage
 * errors.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Score a CoNLL, SQuAD or classification prediction file.")
public final class EvalCommand implements Callable<Integer> {

    /** Prediction file formats. */
    public enum Format {
        /** token, gold tag, predicted tag columns. */
        conll,
        /** SQuAD predictions JSON against a v1.1 dataset. */
        squad,
        /** classification JSON lines. */
        cls
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--format", required = true, description = "conll, squad or cls")
    private Format format;

    @Parameters(index = "0", paramLabel = "PREDICTIONS", description = "the prediction file")
    private Path predictions;

    @Option(names = "--dataset", paramLabel = "FILE", description = "SQuAD v1.1 dataset JSON (squad only)")
    private Path dataset;

    @Option(names = "--strict", paramLabel = "SCHEME", description = "seqeval strict mode: IOB2, IOBES or BILOU (conll only)")
    private TagScheme strict;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the scores as JSON to FILE")
    private Path json;

    /** Creates the command; picocli fills the fields. */
    public EvalCommand() {}

    /**
     * Runs the scoring.
     *
     * @return the exit code
     */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            JsonObject result;
            switch (format) {
                case conll:
                    result = conll(out);
                    break;
                case squad:
                    if (dataset == null) {
                        err.println("eval: --format squad needs --dataset FILE");
                        return 2;
                    }
                    result = squad(out);
                    break;
                default:
                    result = cls(out);
                    break;
            }
            if (json != null) {
                Files.writeString(json, new GsonBuilder().setPrettyPrinting().create().toJson(result) + "\n",
                        StandardCharsets.UTF_8);
            }
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println("eval: " + e.getMessage());
            return 1;
        }
    }

    private JsonObject conll(PrintWriter out) throws IOException {
        SpanReport r = ConllPredictions.score(predictions, strict == null ? SpanF1.lenient() : SpanF1.strict(strict));
        out.printf(Locale.ROOT, "%-20s %9s %9s %9s %8s%n", "type", "precision", "recall", "f1", "support");
        for (Map.Entry<String, PrfScore> e : r.perType().entrySet()) {
            row(out, e.getKey(), e.getValue());
        }
        row(out, "micro avg", r.micro());
        JsonObject o = header("conll");
        o.addProperty("mode", strict == null ? "default" : "strict-" + strict);
        o.add("overall", prf(r.micro()));
        JsonObject per = new JsonObject();
        r.perType().forEach((k, v) -> per.add(k, prf(v)));
        o.add("perType", per);
        return o;
    }

    private JsonObject squad(PrintWriter out) throws IOException {
        SquadScore s = SquadPredictions.score(dataset, predictions);
        out.printf(Locale.ROOT, "%-12s %9s%n", "metric", "value");
        out.printf(Locale.ROOT, "%-12s %9.3f%n", "exact_match", s.exactMatch());
        out.printf(Locale.ROOT, "%-12s %9.3f%n", "f1", s.f1());
        out.printf(Locale.ROOT, "%-12s %9d%n", "questions", s.total());
        out.printf(Locale.ROOT, "%-12s %9d%n", "unanswered", s.unanswered());
        JsonObject o = header("squad");
        o.addProperty("dataset", dataset.toString());
        o.addProperty("exact_match", s.exactMatch());
        o.addProperty("f1", s.f1());
        o.addProperty("total", s.total());
        o.addProperty("unanswered", s.unanswered());
        return o;
    }

    private JsonObject cls(PrintWriter out) throws IOException {
        ClassificationPredictions.Score s = ClassificationPredictions.score(predictions);
        out.printf(Locale.ROOT, "%-20s %9s %9s %9s %8s%n", "class", "precision", "recall", "f1", "support");
        for (Map.Entry<String, PrfScore> e : s.perClass().entrySet()) {
            row(out, e.getKey(), e.getValue());
        }
        out.printf(Locale.ROOT, "%-20s %9.4f%n", "accuracy", s.accuracy());
        out.printf(Locale.ROOT, "%-20s %9.4f%n", "macro f1", s.macroF1());
        JsonObject o = header("cls");
        o.addProperty("accuracy", s.accuracy());
        o.addProperty("macro_f1", s.macroF1());
        o.addProperty("count", s.count());
        JsonObject per = new JsonObject();
        s.perClass().forEach((k, v) -> per.add(k, prf(v)));
        o.add("perClass", per);
        return o;
    }

    private JsonObject header(String fmt) {
        JsonObject o = new JsonObject();
        o.addProperty("format", fmt);
        o.addProperty("predictions", predictions.toString());
        return o;
    }

    private static void row(PrintWriter out, String label, PrfScore s) {
        out.printf(Locale.ROOT, "%-20s %9.4f %9.4f %9.4f %8d%n", label, s.precision(), s.recall(), s.f1(), s.support());
    }

    private static JsonObject prf(PrfScore s) {
        JsonObject o = new JsonObject();
        o.addProperty("precision", s.precision());
        o.addProperty("recall", s.recall());
        o.addProperty("f1", s.f1());
        o.addProperty("support", s.support());
        return o;
    }
}
