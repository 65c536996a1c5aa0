package io.github.prefine.examples.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.github.prefine.core.checkpoint.AtomicFiles;
import io.github.prefine.eval.files.ClassificationPredictions;
import io.github.prefine.eval.files.ConllPredictions;
import io.github.prefine.eval.files.SquadPredictions;
import io.github.prefine.eval.metrics.PrfScore;
import io.github.prefine.eval.metrics.Span;
import io.github.prefine.eval.metrics.SpanExtractor;
import io.github.prefine.eval.metrics.SpanF1;
import io.github.prefine.eval.metrics.SpanReport;
import io.github.prefine.eval.metrics.SquadScore;
import io.github.prefine.eval.metrics.TagScheme;
import io.github.prefine.eval.report.Cell;
import io.github.prefine.eval.report.TableWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 *       and per type ({@code --scheme IOB2|IOBES|BILOU} for seqeval's strict span matching).
 *   <li>{@code --format squad --dataset DEV.json PRED.json}: SQuAD v1.1 EM and F1 like the
 *       official script.
 *   <li>{@code --format cls FILE}: JSON lines {@code {"id", "gold", "pred"}}; accuracy, macro F1
 *       and per-class scores. A label is its JSON text ({@code 1.0} and {@code 1} are two labels);
 *       where gold and predicted labels are the same numbers written differently, standard error
 *       names them.
 * </ul>
 * {@code --json OUT} also writes the numbers as JSON. {@code --strict} means what it means in
 * {@code reproduce}: every input defect is an error (here: SQuAD questions without a prediction
 * and predictions for unknown ids, which otherwise score 0 or are ignored, each with a WARN).
 * Files are read as strict UTF-8 and strict JSON; repeated ids and files without predictions are
 * errors. Exit code 0 on success, 2 for a malformed, missing or unreadable file (one line naming
 * the file, line or JSON path or byte offset, what was expected and what was found) and for
 * usage errors, 1 for an internal fault.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, versionProvider = PrefineVersion.class,
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

    @Option(names = "--scheme", paramLabel = "SCHEME",
            description = "conll only: seqeval's strict span matching under IOB2, IOBES or BILOU (default: seqeval's default)")
    private TagScheme scheme;

    @Option(names = "--strict", description = "every input defect is an error: squad questions without a prediction and"
            + " predictions for unknown ids (default: they score 0 or are ignored, with a warning)")
    private boolean strict;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the scores as JSON to FILE (whole: a temp"
            + " file renamed over it; a symbolic link there is followed)")
    private Path json;

    /** Creates the command; picocli fills the fields. */
    public EvalCommand() {}

    /**
     * Checks which options go together, reading no file; the documentation's command lines are
     * checked through it.
     */
    void checkValues() {
        if (format == Format.squad && dataset == null) {
            throw new IllegalArgumentException("--format squad needs --dataset FILE, the SQuAD v1.1 dataset the"
                    + " predictions answer; pass --dataset dev-v1.1.json");
        }
        if (format != Format.squad && dataset != null) {
            throw new IllegalArgumentException("--dataset is for --format squad only, found it with --format " + format
                    + "; leave it out");
        }
        if (scheme != null && format != Format.conll) {
            throw new IllegalArgumentException("--scheme is for --format conll only, found it with --format " + format
                    + "; leave it out");
        }
    }

    /**
     * Runs the scoring.
     *
     * @return the exit code
     * @throws IOException if a file is malformed ({@link io.github.prefine.eval.files.PredictionFileException})
     *     or cannot be read or written; {@link PrefineCli} turns it into one line and exit code 2
     */
    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        checkInput("PREDICTIONS", predictions);
        checkValues();
        if (format == Format.squad) {
            checkInput("--dataset", dataset);
        }
        if (json != null) {
            // a directory first: the root has no parent to check, and --json / ended in a NullPointerException
            if (Files.isDirectory(json)) {
                throw new IllegalArgumentException("--json " + json + ": expected a file name, found a directory;"
                        + " pass --json FILE.json");
            }
            OptionChecks.outputFolder("--json", json.toAbsolutePath().getParent());
        }
        JsonObject result = switch (format) {
            case conll -> conll(out);
            case squad -> squad(out);
            case cls -> cls(out);
        };
        if (json != null) {
            // whole or not at all (temp file and rename), where the user points; the folder the check
            // above accepted may not exist yet, and is created as every --out is
            AtomicFiles.writeWhereNamed(json, new GsonBuilder().setPrettyPrinting().create().toJson(result) + "\n");
        }
        out.flush();
        return 0;
    }

    private static void checkInput(String name, Path file) {
        OptionChecks.inputFile(name, file, "a prediction or dataset file (see prefine eval --help)");
    }

    /**
     * A strict scheme reads a tag that opens no valid entity (IOB1's I- without its B-) as O, as
     * seqeval's strict mode does; a file whose gold tags are in another scheme then scores near 0
     * with every such tag gone unsaid, so their count goes to standard error.
     */
    private void noteOutsideTags(ConllPredictions.Tags t) {
        int[] gold = outsideTags(t.gold());
        int[] pred = outsideTags(t.predicted());
        // only the gold tags say the file is in another scheme: invalid predictions are what strict mode is for
        if (gold[0] > 0) {
            // after the command's name, as every line prefine writes on standard error
            spec.commandLine().getErr().println(spec.qualifiedName() + ": --scheme " + scheme + ": " + gold[0] + " of " + gold[1] + " gold tags and "
                    + pred[0] + " of " + pred[1] + " predicted tags other than O are in no entity under " + scheme
                    + " (an I- without its B-, as IOB1 files write them, for one) and score as O; leave --scheme out"
                    + " for seqeval's default mode, which reads IOB1");
        }
    }

    /** Tags other than O that no entity under the scheme covers, and all tags other than O. */
    private int[] outsideTags(List<List<String>> sentences) {
        List<Set<Integer>> covered = new ArrayList<>();
        sentences.forEach(x -> covered.add(new HashSet<>()));
        for (Span sp : SpanExtractor.strict(sentences, scheme)) {
            for (int i = sp.start(); i < sp.end(); i++) {
                covered.get(sp.sentence()).add(i);
            }
        }
        int outside = 0;
        int tagged = 0;
        for (int s = 0; s < sentences.size(); s++) {
            for (int i = 0; i < sentences.get(s).size(); i++) {
                if (!"O".equals(sentences.get(s).get(i))) {
                    tagged++;
                    outside += covered.get(s).contains(i) ? 0 : 1;
                }
            }
        }
        return new int[] {outside, tagged};
    }

    private JsonObject conll(PrintWriter out) throws IOException {
        SpanReport r = ConllPredictions.score(predictions, scheme == null ? SpanF1.lenient() : SpanF1.strict(scheme));
        if (scheme != null) {
            noteOutsideTags(ConllPredictions.read(predictions));
        }
        out.printf(Locale.ROOT, "%-20s %9s %9s %9s %8s%n", "type", "precision", "recall", "f1", "support");
        for (Map.Entry<String, PrfScore> e : r.perType().entrySet()) {
            row(out, e.getKey(), e.getValue());
        }
        row(out, "micro avg", r.micro());
        JsonObject o = header("conll");
        o.addProperty("mode", scheme == null ? "default" : "strict-" + scheme);
        o.add("overall", prf(r.micro()));
        JsonObject per = new JsonObject();
        r.perType().forEach((k, v) -> per.add(k, prf(v)));
        o.add("perType", per);
        return o;
    }

    private JsonObject squad(PrintWriter out) throws IOException {
        SquadScore s = SquadPredictions.score(dataset, predictions, strict);
        out.printf(Locale.ROOT, "%-12s %9s%n", "metric", "value");
        out.printf(Locale.ROOT, "%-12s %9s%n", "exact_match", fixed(s.exactMatch(), THREE));
        out.printf(Locale.ROOT, "%-12s %9s%n", "f1", fixed(s.f1(), THREE));
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
        ClassificationPredictions.Labels labels = ClassificationPredictions.read(predictions);
        ClassificationPredictions.Score s = ClassificationPredictions.score(labels);
        // a label is its JSON text, so gold 1.0 (a pandas float column) and predicted 1 score as different
        // labels with exit 0; the rule stays (documented, and such labels may differ on purpose), but is said
        if (!s.writtenDifferently().isEmpty()) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": " + s.writtenDifferently().message());
        }
        out.printf(Locale.ROOT, "%-20s %9s %9s %9s %8s%n", "class", "precision", "recall", "f1", "support");
        for (Map.Entry<String, PrfScore> e : s.perClass().entrySet()) {
            row(out, e.getKey(), e.getValue());
        }
        out.printf(Locale.ROOT, "%-20s %9s%n", "accuracy", fixed(s.accuracy(), FOUR));
        out.printf(Locale.ROOT, "%-20s %9s%n", "macro f1", fixed(s.macroF1(), FOUR));
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
        out.printf(Locale.ROOT, "%-20s %9s %9s %9s %8d%n", label, fixed(s.precision(), FOUR), fixed(s.recall(), FOUR),
                fixed(s.f1(), FOUR), s.support());
    }

    private static final TableWriter THREE = TableWriter.withDecimals(3);
    private static final TableWriter FOUR = TableWriter.withDecimals(4);

    /**
     * A score rounded as Python's {@code '%.4f'} prints it (scikit-learn's and seqeval's reports), as
     * the tables round: the stored value, ties to even. Java's {@code %.4f} rounds half up, so an
     * accuracy of 5/32 = 0.15625 printed 0.1563 where Python prints 0.1562.
     */
    private static String fixed(double v, TableWriter digits) {
        return digits.format(Cell.of(v));
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
