package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.predict.FinetunedModel;
import io.github.prefine.core.predict.LabelPrediction;
import io.github.prefine.core.predict.ModelExport;
import io.github.prefine.core.predict.TagPrediction;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.heads.HeadFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prefine export} writes a task of a saved model as a Hugging Face folder, and {@code
 * prefine predict} reads such a folder: without {@code --task} (its one task), single texts and
 * pairs mixed in one input, each output what the library's predictor gives, and a refused line
 * named by its own line number whichever half of the input it sat in.
 */
class HfFolderCommandsTest {
    @TempDir
    static Path tmp;
    static Path saved;

    @BeforeAll
    static void save() throws Exception {
        Path bert = SharedFixtures.require("fixtures/hf-reference/bert");
        saved = tmp.resolve("model");
        try (NDManager m = NDManager.newBaseManager();
                SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(bert.resolve("tokenizer.json")).build();
                MultiHeadModel model = MultiHeadModel.builder().setManager(m)
                        .setEncoder(EncoderCheckpoint.load(bert.resolve("encoder"), m).encoder())
                        .addHead("topic", TaskFormat.SINGLE_TEXT.newHead(3, HeadFamily.BERT, 1))
                        .addHead("ner", TaskFormat.TOKEN.newHead(3, HeadFamily.BERT, 2)).build()) {
            ModelExport.builder().setModel(model).setTokenizer(tok)
                    .setFeatureSettings(FeatureSettings.paper().withLengths(32, 24, 8))
                    .addTask("topic", TaskFormat.SINGLE_TEXT, List.of("a", "b", "c"))
                    .addTask("ner", TaskFormat.TOKEN, List.of("O", "B-PER", "I-PER")).build().writeTo(saved);
        }
    }

    private static Path input(String name, String... lines) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    private static List<JsonObject> lines(String out) {
        return out.lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    }

    @Test
    void exportedClassifierTakesTextsAndPairsMixed() throws Exception {
        Path hf = tmp.resolve("hf-topic");
        CliRunner export = new CliRunner("export");
        assertEquals(0, export.run("--model", saved.toString(), "--task", "topic", "--out", hf.toString()), export.err());
        assertTrue(export.out().contains(hf.toString()), export.out());
        Path f = input("mixed.jsonl", "{\"text\": \"john visited paris\"}",
                "{\"text\": \"who wrote?\", \"pair\": \"mary wrote a film\"}", "{\"text\": \"the team read\"}");
        CliRunner cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", hf.toString(), "--input", f.toString()), cli.err());
        List<JsonObject> got = lines(cli.out());
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.loadHuggingFace(hf, m)) {
            var p = model.predictor("text-classification");
            List<LabelPrediction> singles = p.classify(List.of("john visited paris", "the team read"));
            LabelPrediction pair = p.classifyPairs(List.of("who wrote?"), List.of("mary wrote a film")).get(0);
            List<LabelPrediction> want = List.of(singles.get(0), pair, singles.get(1));
            assertEquals(3, got.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(want.get(i).label(), got.get(i).get("label").getAsString());
                for (String label : List.of("a", "b", "c")) {
                    assertEquals(want.get(i).probabilities().get(label),
                            got.get(i).getAsJsonObject("probabilities").get(label).getAsDouble(), 0.0);
                }
            }
        }
    }

    @Test
    void aRefusedPairIsNamedByItsOwnLine() throws Exception {
        Path hf = tmp.resolve("hf-topic-2");
        CliRunner export = new CliRunner("export");
        assertEquals(0, export.run("--model", saved.toString(), "--task", "topic", "--out", hf.toString()), export.err());
        Path f = input("bad-pair.jsonl", "{\"text\": \"john visited paris\"}", "{\"text\": \"the team read\"}",
                "{\"text\": \"who wrote?\", \"pair\": \"   \"}");
        CliRunner cli = new CliRunner("predict");
        assertEquals(2, cli.run("--model", hf.toString(), "--input", f.toString()));
        assertTrue(cli.err().contains(f + ":3: the pair is empty"), cli.err());
        assertEquals(2, lines(cli.out()).size(), cli.out());
    }

    @Test
    void exportedTaggerTagsAsTheSavedModel() throws Exception {
        Path hf = tmp.resolve("hf-ner");
        CliRunner export = new CliRunner("export");
        assertEquals(0, export.run("--model", saved.toString(), "--task", "ner", "--out", hf.toString()), export.err());
        Path f = input("ner.jsonl", "{\"words\": [\"john\", \"smith\", \"visited\", \"paris\"]}");
        CliRunner fromHf = new CliRunner("predict");
        assertEquals(0, fromHf.run("--model", hf.toString(), "--task", "token-classification", "--input", f.toString()),
                fromHf.err());
        CliRunner fromSaved = new CliRunner("predict");
        assertEquals(0, fromSaved.run("--model", saved.toString(), "--task", "ner", "--input", f.toString()),
                fromSaved.err());
        assertEquals(lines(fromSaved.out()), lines(fromHf.out()));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TagPrediction t = model.predictor("ner").tag(List.of(List.of("john", "smith", "visited", "paris"))).get(0);
            assertEquals(t.tags(), lines(fromHf.out()).get(0).getAsJsonArray("tags").asList().stream()
                    .map(e -> e.getAsString()).toList());
        }
    }

    @Test
    void severalTasksWithoutTaskAreRefused() throws Exception {
        CliRunner cli = new CliRunner("export");
        assertEquals(2, cli.run("--model", saved.toString(), "--out", tmp.resolve("nowhere").toString()));
        assertTrue(cli.err().contains("has 2 tasks [topic, ner]; name one with --task"), cli.err());
        Path f = input("one.jsonl", "{\"text\": \"x\"}");
        CliRunner predict = new CliRunner("predict");
        assertEquals(2, predict.run("--model", saved.toString(), "--input", f.toString()));
        assertTrue(predict.err().contains("name one with --task"), predict.err());
    }
}
