package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.predict.ModelManifest;
import io.github.prefine.core.task.TaskFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exported folder declares the task's feature length as its {@code model_max_length}, at which
 * {@code predict} reads it, but keeps no QA stride or longest answer, which {@code predict} reads
 * with its own defaults (a third of the window, answers of at most 30 tokens). A classifier
 * exported so predicts line for line what the saved model does without any option; a QA task does
 * with the {@code prefine predict} options that {@code export}'s notes name, and without the
 * stride's or the answer length's it differs. Models: the BERT fixture's encoder (64 positions)
 * with seeded heads, a classifier cut at 12 tokens and a QA task with windows of 40, a stride of 8
 * and answers of at most 3 tokens.
 */
class PredictReadingOptionsTest {
    @TempDir
    Path tmp;

    /** The options after "prefine predict" in export's notes, in order. */
    private static List<String> predictOptions(String exported) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("prefine predict((?: --[a-z-]+ \\d+)+)").matcher(exported);
        while (m.find()) {
            out.addAll(List.of(m.group(1).strip().split(" ")));
        }
        return out;
    }

    private Path input(String name, List<String> lines) throws Exception {
        Path f = tmp.resolve(name);
        Files.write(f, lines);
        return f;
    }

    /** What predict printed on standard output, and its exit code checked. */
    private static String predict(Path model, Path input, List<String> options) {
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--input", input.toString()));
        args.addAll(options);
        CliRunner cli = new CliRunner("predict");
        assertEquals(0, cli.run(args.toArray(String[]::new)), cli.err());
        return cli.out();
    }

    /** A line for each hand-built text: short ones and ones past 12 tokens (most past 64). */
    private static List<String> texts() {
        List<String> out = new ArrayList<>();
        out.add("{\"text\": \"john visited paris\"}");
        for (int n : new int[] {4, 9, 20, 40}) {
            out.add("{\"text\": \"" + String.join(" ", Collections.nCopies(n, "the team read a film about rome"))
                    + "\"}");
        }
        return out;
    }

    /**
     * The folder declares the classifier's 12 tokens, so it needs no option and {@code export}
     * notes none; read at the fixture's 64 positions instead (what the folder declared before),
     * it labels otherwise.
     */
    @Test
    void anExportedClassifierPredictsAsTheSavedModelWithoutOptions() throws Exception {
        String exported = ExportRuns.export(tmp, "topic", TaskFormat.SINGLE_TEXT, List.of("neg", "pos"),
                FeatureSettings.paper().withLengths(12, 64, 16));
        assertEquals(List.of(), predictOptions(exported), exported);
        Path f = input("texts.jsonl", texts());
        String saved = predict(tmp.resolve("model"), f, List.of());
        String hf = predict(tmp.resolve("hf"), f, List.of());
        assertEquals(saved.lines().toList(), hf.lines().toList());
        // the cut flags say the task's 12 tokens were read, as the task was trained
        assertEquals(4, saved.lines().filter(l -> l.contains("\"cut\":true")).count(), saved);
        assertNotEquals(saved.lines().toList(),
                predict(tmp.resolve("hf"), f, List.of("--max-length", "64")).lines().toList());
    }

    @Test
    void anExportedQaTaskReadWithTheNotedWindowsAndAnswerLengthAnswersAsTheSavedModel() throws Exception {
        String exported = ExportRuns.export(tmp, "qa", TaskFormat.QA, List.of(), FeatureSettings.paper()
                .withLengths(64, 40, 8), saved -> {
                    // answers of at most 3 tokens, as the manifest may record
                    Path manifest = saved.resolve(ModelManifest.FILE);
                    JsonObject root = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
                    root.getAsJsonArray("tasks").get(0).getAsJsonObject().getAsJsonObject("qaPostProcessing")
                            .addProperty("maxAnswerLength", 3);
                    Files.writeString(manifest, root.toString());
                });
        List<String> options = predictOptions(exported);
        assertEquals(List.of("--qa-max-length", "40", "--qa-stride", "8", "--max-answer-length", "3"), options,
                exported);
        String context = String.join(" ", Collections.nCopies(6, "during the week the team walked with people while"
                + " john visited paris about a game."));
        List<String> lines = new ArrayList<>();
        for (String q : List.of("who visited paris?", "what did the team do?", "when?")) {
            lines.add("{\"question\": \"" + q + "\", \"context\": \"" + context + "\"}");
            lines.add("{\"question\": \"" + q + "\", \"context\": \"john visited paris.\"}");
        }
        Path f = input("qa.jsonl", lines);
        String saved = predict(tmp.resolve("model"), f, List.of());
        String hf = predict(tmp.resolve("hf"), f, options);
        assertEquals(6, saved.lines().count(), saved);
        assertEquals(saved.lines().toList(), hf.lines().toList());
        assertNotEquals(saved.lines().toList(), predict(tmp.resolve("hf"), f, List.of()).lines().toList());
        for (int i = 0; i < options.size(); i += 2) {
            // the stride and the answer length count: the folder read without either answers otherwise;
            // the window does not, as the folder declares the task's 40 as its model_max_length
            List<String> without = new ArrayList<>(options);
            without.subList(i, i + 2).clear();
            List<String> answers = predict(tmp.resolve("hf"), f, without).lines().toList();
            if (options.get(i).equals("--qa-max-length")) {
                assertEquals(saved.lines().toList(), answers, options.get(i));
            } else {
                assertNotEquals(saved.lines().toList(), answers, options.get(i));
            }
        }
        // each answer holds at most 3 tokens of this lower-case, space-separated context: at most 3 words
        for (String l : saved.lines().toList()) {
            JsonObject o = JsonParser.parseString(l).getAsJsonObject();
            if (!o.get("answer").isJsonNull()) {
                assertTrue(o.get("answer").getAsString().split(" ").length <= 3, l);
            }
        }
    }

    /** Options the task cannot take, or lengths its encoder cannot, end with exit 2 and say what to pass. */
    @Test
    void refusesOptionsOfTheOtherTaskKindAndLengthsTheEncoderCannotRead() throws Exception {
        ExportRuns.export(tmp, "topic", TaskFormat.SINGLE_TEXT, List.of("neg", "pos"),
                FeatureSettings.paper().withLengths(12, 64, 16));
        Path f = input("one.jsonl", List.of("{\"text\": \"john visited paris\"}"));
        for (Path model : List.of(tmp.resolve("model"), tmp.resolve("hf"))) {
            assertEquals(List.of("prefine predict: --qa-stride: task " + (model.endsWith("hf") ? "text-classification"
                    : "topic") + " is a text task, cut at --max-length; --qa-max-length, --qa-stride and"
                    + " --max-answer-length apply to qa tasks only; leave --qa-stride out"),
                    refusal(model, f, "--qa-stride", "8"));
            String encoder = model.endsWith("hf") ? model.toString() : model.resolve("encoder").toString();
            assertEquals(List.of("prefine predict: --max-length 65: expected at most the 64 positions of the encoder "
                    + encoder + " (from max_position_embeddings in its config.json); pass --max-length 64 or less, or an"
                    + " encoder with more positions"), refusal(model, f, "--max-length", "65"));
            assertEquals(List.of("prefine predict: --max-length: expected a whole number of at least 4, found 3; pass"
                    + " for example --max-length 4 or leave it out for the default"), refusal(model, f, "--max-length", "3"));
        }
    }

    /**
     * A QA window at or below the stride is refused before any line is read; one whose room for
     * the context (the window less the question and the 3 special tokens) is not above the stride
     * refuses a line whose context needs more than one window, with the numbers.
     */
    @Test
    void refusesAStrideNotBelowTheWindowOrItsRoomForTheContext() throws Exception {
        ExportRuns.export(tmp, "qa", TaskFormat.QA, List.of(), FeatureSettings.paper().withLengths(64, 40, 8));
        String context = String.join(" ", Collections.nCopies(4, "john visited paris while the team read."));
        Path f = input("q.jsonl", List.of("{\"question\": \"who visited paris?\", \"context\": \"" + context + "\"}"));
        Path hf = tmp.resolve("hf");
        // the folder's own stride is 13, a third of the window of 40 it declares: a window of 12 alone falls below it
        assertEquals(List.of("prefine predict: --qa-stride: expected less than --qa-max-length 12, found 13; pass for"
                + " example --qa-stride 4"), refusal(hf, f, "--qa-max-length", "12"));
        assertEquals(List.of("prefine predict: --max-length: task qa is a qa task, read in windows of --qa-max-length"
                + " with --qa-stride; --max-length applies to the other tasks; leave --max-length out"),
                refusal(tmp.resolve("model"), f, "--max-length", "32"));
        // "who visited paris?" is 5 tokens: a window of 24 leaves the context 24 - 5 - 3 = 16, not above 16
        List<String> err = refusal(hf, f, "--qa-max-length", "24", "--qa-stride", "16");
        assertEquals(1, err.size(), err.toString());
        assertTrue(err.get(0).startsWith("prefine predict: " + f + ":1: ") && err.get(0).contains("the question is 5"
                + " tokens, and a window of 24 with its 3 special tokens leaves the context 16, not more than the stride"
                + " 16"), err.get(0));
    }

    /** Standard error's lines of a predict run that must end with exit 2. */
    private static List<String> refusal(Path model, Path input, String... options) {
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--input", input.toString()));
        args.addAll(List.of(options));
        CliRunner cli = new CliRunner("predict");
        assertEquals(2, cli.run(args.toArray(String[]::new)), cli.out() + cli.err());
        return cli.err().lines().toList();
    }
}
