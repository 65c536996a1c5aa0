package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.predict.ChoicePrediction;
import io.github.prefine.core.predict.FinetunedModel;
import io.github.prefine.core.predict.IdeographWords;
import io.github.prefine.core.predict.LabelPrediction;
import io.github.prefine.core.predict.ModelExport;
import io.github.prefine.core.predict.TagPrediction;
import io.github.prefine.core.predict.TaskPredictor;
import io.github.prefine.core.predict.TextTagPrediction;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.ChildJvm;
import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.core.testing.OverflowingEncoder;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.testing.ShortPositions;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.qa.QaAnswer;
import io.github.prefine.examples.ShortLivedJvm;
import io.github.prefine.heads.HeadFamily;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
 * {@code prefine predict} on a saved tiny model (the HF BERT fixture's encoder with seeded heads):
 * its JSON lines carry what the library's {@code TaskPredictor} returns for the same inputs, and
 * bad input ends with exit 2 and one line naming the file, the line and what was expected. Also
 * {@code prefine export}, which writes a task as a Hugging Face folder, and {@code predict} on such
 * a folder: its one task without {@code --task}, single texts and pairs mixed in one input, and a
 * refused line named by its own number whichever half of the input it sat in.
 *
 * <p>The cases about a real process (signals, a closed pipe, the log, the native stderr, the
 * console encoding) start their child JVMs once the model is saved ({@link #startChildren}), so
 * that the children start up beside the in-process cases; each case then does to its own child
 * what it did to one it started itself.
 */
class PredictCommandTest {
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
                        .addHead("match", TaskFormat.TEXT_PAIR.newHead(2, HeadFamily.BERT, 4))
                        .addHead("ner", TaskFormat.TOKEN.newHead(3, HeadFamily.BERT, 2))
                        .addHead("qa", TaskFormat.QA.newHead(2, HeadFamily.BERT, 3))
                        .addHead("copa", TaskFormat.CHOICE.newHead(2, HeadFamily.BERT, 5)).build()) {
            ModelExport.builder().setModel(model).setTokenizer(tok)
                    .setFeatureSettings(FeatureSettings.paper().withLengths(32, 24, 8))
                    .addTask("topic", TaskFormat.SINGLE_TEXT, List.of("a", "b", "c"))
                    .addTask("match", TaskFormat.TEXT_PAIR, List.of("different", "same"))
                    .addTask("ner", TaskFormat.TOKEN, List.of("O", "B-PER", "I-PER"))
                    .addTask("qa", TaskFormat.QA, List.of())
                    .addTask("copa", TaskFormat.CHOICE, List.of()).build().writeTo(saved);
        }
        startChildren();
    }

    /** The fed children started ahead, by their standard error file; each case takes its own. */
    private static final Map<Path, Started> STARTED = new HashMap<>();
    /** Runs the child JVMs that run to their end, one after another. */
    private static ExecutorService children;
    private static Future<String> refusedLinesLog;
    private static Future<String> hfQuietLog;
    private static Future<String> latin1Log;
    /** The topic task exported as an HF folder, and what {@code export} printed. */
    private static Path hfTopic;
    private static String hfTopicExported;

    private static void startChildren() throws Exception {
        for (Path err : List.of(tmp.resolve("closed-output.err"), tmp.resolve("stopped.err"))) {
            STARTED.put(err, start(err, textLine(THIRTY_ONE)));
        }
        STARTED.put(tmp.resolve("stopped-skipped.err"), start(tmp.resolve("stopped-skipped.err"), textLine(THIRTY_ONE),
                "--skip-bad"));
        STARTED.put(tmp.resolve("closed-skipped.err"), start(tmp.resolve("closed-skipped.err"),
                "{\"words\": [\"paris\"]}", "--skip-bad"));
        Path qaLong = input("qa-long.jsonl", QA_LONG.stream().map(q -> "{\"question\": \"" + q + "\", \"context\": \""
                + QA_CONTEXT + "\"}").toArray(String[]::new));
        // one export of the topic task: the cases that read an HF classifier share it and do not change it
        hfTopic = tmp.resolve("hf-topic");
        CliRunner export = new CliRunner("export");
        assertEquals(0, export.run("--model", saved.toString(), "--task", "topic", "--out", hfTopic.toString()),
                export.err());
        hfTopicExported = export.out();
        Path hf = hfTopic;
        Path quiet = input("quiet.jsonl", "{\"text\": \"john visited paris\"}");
        Path latin1 = input("latin1-locale.jsonl", textLine(LATIN1_TEXT));
        children = Executors.newSingleThreadExecutor();
        // one child, two commands: the HF folder first, so that its log holds whatever PyTorch prints
        // at its first load, as a child of its own would
        Future<List<String>> both = children.submit(() -> PredictChild.logs(ChildJvm.run(PredictChild.class,
                tmp.resolve("predict-child.log"),
                jvm("-Dorg.slf4j.simpleLogger.log.io.github.prefine.core.features.ReportCollector=debug"),
                "--model", hf.toString(), "--input", quiet.toString(), PredictChild.THEN,
                "--model", saved.toString(), "--task", "qa", "--input", qaLong.toString(), "--skip-bad")));
        hfQuietLog = children.submit(() -> both.get().get(0));
        refusedLinesLog = children.submit(() -> {
            List<String> logs = both.get();
            assertEquals(2, logs.size(), String.join("\n" + PredictChild.SEPARATOR + "\n", logs));
            return logs.get(1);
        });
        latin1Log = children.submit(() -> ChildJvm.run(PrefineCli.class, tmp.resolve("predict-latin1.log"),
                jvm("-Dfile.encoding=ISO-8859-1", "-Dsun.stdout.encoding=ISO-8859-1", "-Dstdout.encoding=ISO-8859-1",
                        "-Dsun.stderr.encoding=ISO-8859-1", "-Dstderr.encoding=ISO-8859-1"),
                "predict", "--model", saved.toString(), "--task", "ner", "--input", latin1.toString()));
    }

    /** A child's JVM options: those of a short-lived JVM, then {@code more}. */
    private static List<String> jvm(String... more) {
        return Stream.concat(ShortLivedJvm.OPTIONS.stream(), Stream.of(more)).toList();
    }

    /** A started child's log once it has ended; its failure as the case's own. */
    private static String logOf(Future<String> child) throws Exception {
        try {
            return child.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw (Exception) e.getCause();
        }
    }

    @AfterAll
    static void stopChildren() {
        STARTED.values().forEach(c -> c.process().destroyForcibly());
        if (children != null) {
            children.shutdownNow();
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
    void writesOneLinePerInputAsTheLibraryPredicts() throws Exception {
        List<String> texts = List.of("john visited paris", "the team read a film", "alice wrote about rome");
        Path f = input("topic.jsonl", "{\"text\": \"john visited paris\"}", "{\"text\": \"the team read a film\"}",
                "{\"text\": \"alice wrote about rome\"}");
        CliRunner cli = new CliRunner("predict");
        // a chunk of 2 lines: the second chunk's outputs follow the first's
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "topic", "--input", f.toString(), "--chunk", "2"),
                cli.err());
        List<JsonObject> got = lines(cli.out());
        List<List<String>> sentences = List.of(List.of("john", "smith", "visited", "paris"), List.of("bob", "read"));
        Path ner = input("ner.jsonl", "{\"words\": [\"john\", \"smith\", \"visited\", \"paris\"]}",
                "{\"words\": [\"bob\", \"read\"]}");
        cli.clear();
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "ner", "--input", ner.toString()), cli.err());
        List<JsonObject> tagged = lines(cli.out());
        String context = "during the week the team walked with people while john visited paris about a game.";
        Path qa = input("qa.jsonl", "{\"question\": \"who visited paris?\", \"context\": \"" + context + "\"}");
        cli.clear();
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "qa", "--input", qa.toString()), cli.err());
        List<JsonObject> answered = lines(cli.out());

        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            List<LabelPrediction> expected = model.predictor("topic").classify(texts);
            assertEquals(3, got.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(expected.get(i).label(), got.get(i).get("label").getAsString());
                for (String label : List.of("a", "b", "c")) {
                    assertEquals(expected.get(i).probabilities().get(label),
                            got.get(i).getAsJsonObject("probabilities").get(label).getAsDouble(), 0.0);
                }
            }
            List<TagPrediction> tags = model.predictor("ner").tag(sentences);
            for (int i = 0; i < 2; i++) {
                JsonArray t = tagged.get(i).getAsJsonArray("tags");
                assertEquals(tags.get(i).tags(), t.asList().stream().map(e -> e.getAsString()).toList());
                assertEquals(tags.get(i).entities().size(), tagged.get(i).getAsJsonArray("entities").size());
                assertEquals(tags.get(i).wordsCut(), tagged.get(i).get("wordsCut").getAsInt());
            }
            QaAnswer a = model.predictor("qa").answer(List.of("who visited paris?"), List.of(context)).get(0);
            JsonObject o = answered.get(0);
            assertEquals(a.text(), o.get("answer").getAsString());
            assertEquals(a.charStart(), o.get("start").getAsInt());
            assertEquals(a.charEnd(), o.get("end").getAsInt());
            assertEquals(a.score(), o.get("score").getAsFloat(), 0f);
            assertEquals(context.substring(a.charStart(), a.charEnd()), a.text());
        }
    }

    @Test
    void answerOffsetsCountCodePointsAsPythonAndTheQaFilesDo() throws Exception {
        // U+1F600 is two UTF-16 units but one code point: Python's context[start:end] and SQuAD's
        // answer_start count code points, so a consumer of the JSON line slices with them
        String smile = new String(Character.toChars(0x1F600));
        String context = smile + " during the week " + smile + " the team walked with people while john visited paris"
                + " about a game " + smile + smile + " in rome.";
        Path qa = input("qa-astral.jsonl", "{\"question\": \"who visited paris?\", \"context\": \"" + context + "\"}");
        CliRunner cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "qa", "--input", qa.toString()), cli.err());
        JsonObject o = lines(cli.out()).get(0);
        assertTrue(!o.get("answer").isJsonNull(), "the seeded head answers: " + o);
        int start = o.get("start").getAsInt();
        int end = o.get("end").getAsInt();
        int[] points = context.codePoints().toArray();
        assertTrue(0 <= start && start <= end && end <= points.length, "offsets within the context's "
                + points.length + " code points: " + o);
        // the slice Python takes: code points start to end
        assertEquals(o.get("answer").getAsString(), new String(points, start, end - start), o.toString());
        // the first emoji precedes the answer's end, so UTF-16 indexes would differ here
        assertTrue(context.offsetByCodePoints(0, end) != end, o.toString());
    }

    /**
     * A token task takes raw text lines beside pre-split words: each is split and tagged as
     * {@code TaskPredictor.tagTexts} does, and its words' and entities' offsets count code points,
     * as the QA answer's do, so that Python's {@code text[start:end]} is the word after an emoji
     * too. The offsets of the text with an emoji are counted by hand.
     */
    @Test
    void aTokenTaskTagsTextLinesWithCodePointOffsetsBesideWordLines() throws Exception {
        String smile = new String(Character.toChars(0x1F600));
        // 😀0 _1 j2 o3 h4 n5 _6 s7 m8 i9 t10 h11 ,12 _13 U14 .15 S16 .17
        String text = smile + " john smith, U.S.";
        List<String> words = List.of(smile, "john", "smith", ",", "U", ".", "S", ".");
        int[][] points = {{0, 1}, {2, 6}, {7, 12}, {12, 13}, {14, 15}, {15, 16}, {16, 17}, {17, 18}};
        List<String> texts = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(5);
        List<String> pieces = List.of("john", "smith", "paris", "mary", ",", ".", " ", " ", smile, "\u4E2D");
        for (int t = 0; t < 30; t++) {
            StringBuilder b = new StringBuilder("bob");
            for (int k = rnd.nextInt(12); k > 0; k--) {
                b.append(pieces.get(rnd.nextInt(pieces.size())));
            }
            texts.add(b.toString());
        }
        List<String> in = new ArrayList<>();
        in.add(textLine(text));
        in.add("{\"words\": [\"john\", \"smith\"]}");
        texts.forEach(t -> in.add(textLine(t)));
        Path f = input("ner-text.jsonl", in.toArray(String[]::new));
        CliRunner cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "ner", "--input", f.toString(), "--chunk", "7"),
                cli.err());
        List<JsonObject> got = lines(cli.out());
        assertEquals(in.size(), got.size(), cli.out());
        List<String> all = new ArrayList<>(List.of(text));
        all.addAll(texts);
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            List<TextTagPrediction> expected = model.predictor("ner").tagTexts(all);
            JsonArray first = got.get(0).getAsJsonArray("words");
            assertEquals(words, first.asList().stream().map(w -> w.getAsJsonObject().get("text").getAsString()).toList());
            for (int w = 0; w < points.length; w++) {
                assertEquals(points[w][0], first.get(w).getAsJsonObject().get("start").getAsInt(), "start of word " + w);
                assertEquals(points[w][1], first.get(w).getAsJsonObject().get("end").getAsInt(), "end of word " + w);
            }
            assertEquals(model.predictor("ner").tag(List.of(List.of("john", "smith"))).get(0).tags(),
                    got.get(1).getAsJsonArray("tags").asList().stream().map(JsonElement::getAsString).toList());
            int entities = 0;
            for (int i = 0; i < all.size(); i++) {
                JsonObject o = got.get(i == 0 ? 0 : i + 1);
                TextTagPrediction p = expected.get(i);
                int[] cps = all.get(i).codePoints().toArray();
                assertEquals(p.words().stream().map(TextTagPrediction.Word::tag).toList(),
                        o.getAsJsonArray("tags").asList().stream().map(JsonElement::getAsString).toList(), o.toString());
                assertEquals(p.wordsCut(), o.get("wordsCut").getAsInt());
                JsonArray e = o.getAsJsonArray("entities");
                assertEquals(p.entities().size(), e.size(), o.toString());
                for (int k = 0; k < e.size(); k++) {
                    JsonObject entity = e.get(k).getAsJsonObject();
                    int start = entity.get("start").getAsInt();
                    int end = entity.get("end").getAsInt();
                    // Python's text[start:end]: code points
                    assertEquals(new String(cps, start, end - start), entity.get("text").getAsString(), o.toString());
                    assertEquals(p.entities().get(k).text(), entity.get("text").getAsString());
                    assertEquals(p.entities().get(k).type(), entity.get("type").getAsString());
                    // the library's code-point view gives the same numbers without recounting
                    assertEquals(List.of(p.entities().get(k).codePointStart(), p.entities().get(k).codePointEnd()),
                            List.of(start, end), o.toString());
                    entities++;
                }
                JsonArray w = o.getAsJsonArray("words");
                assertEquals(p.words().size(), w.size(), o.toString());
                for (int k = 0; k < w.size(); k++) {
                    JsonObject word = w.get(k).getAsJsonObject();
                    assertEquals(List.of(p.words().get(k).codePointStart(), p.words().get(k).codePointEnd()),
                            List.of(word.get("start").getAsInt(), word.get("end").getAsInt()), o.toString());
                }
            }
            assertTrue(entities > 0, "the seeded head tags no entity");
        }
    }

    /**
     * {@code --ideograph-words} chooses how a text line's CJK ideographs are split, as {@code
     * TaskPredictor.withIdeographWords} does: left out, each is a word of its own under this BERT
     * tokenizer; {@code joined} keeps a run whole. Words and code-point offsets counted by hand; an
     * unknown rule, or the option for a task that takes no text to split, is refused.
     */
    @Test
    void ideographWordsOptionSplitsOrJoinsCjkRuns() throws Exception {
        // j0 o1 h2 n3 北4 京5 _6 U+20000 7 中8 (code points)
        String text = "john\u5317\u4EAC \uD840\uDC00\u4E2D";
        Path f = input("cjk.jsonl", textLine(text));
        CliRunner cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "ner", "--input", f.toString()), cli.err());
        assertEquals(List.of("john 0 4", "\u5317 4 5", "\u4EAC 5 6", "\uD840\uDC00 7 8", "\u4E2D 8 9"),
                spans(lines(cli.out()).get(0)));
        cli.clear();
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "ner", "--input", f.toString(),
                "--ideograph-words", "Joined"), cli.err());
        assertEquals(List.of("john\u5317\u4EAC 0 6", "\uD840\uDC00\u4E2D 7 9"), spans(lines(cli.out()).get(0)));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TaskPredictor joined = model.predictor("ner").withIdeographWords(IdeographWords.JOINED);
            List<String> tags = joined.tagTexts(List.of(text)).get(0).words().stream()
                    .map(TextTagPrediction.Word::tag).toList();
            assertEquals(tags, lines(cli.out()).get(0).getAsJsonArray("tags").asList().stream()
                    .map(JsonElement::getAsString).toList());
        }
        cli.clear();
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "ner", "--input", f.toString(),
                "--ideograph-words", "split"));
        assertEquals("prefine predict: --ideograph-words: expected tokenizer, each or joined, found 'split'",
                cli.err().strip());
        cli.clear();
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "topic", "--input", f.toString(),
                "--ideograph-words", "each"));
        assertEquals("prefine predict: --ideograph-words: task topic is a text task; it applies to token tasks"
                + " only, whose text lines it splits; leave --ideograph-words out", cli.err().strip());
    }

    /** A text line's words as "text start end", offsets in code points. */
    private static List<String> spans(JsonObject o) {
        return o.getAsJsonArray("words").asList().stream().map(JsonElement::getAsJsonObject)
                .map(w -> w.get("text").getAsString() + " " + w.get("start").getAsInt() + " " + w.get("end").getAsInt())
                .toList();
    }

    /**
     * A chunk mixing word and text lines with bad lines of each kind (a text of no words, an empty
     * word) and an unreadable line: with {@code --skip-bad} every output line stays on its input's
     * line, at any chunk size; without it the command stops at the first bad line, whichever kind
     * the predictor meets first.
     */
    @Test
    void aMixedTokenChunkWithBadLinesOfEachKindKeepsLineOrder() throws Exception {
        String smile = new String(Character.toChars(0x1F600));
        Path f = input("ner-mixed.jsonl", "{\"words\": [\"john\", \"smith\"]}", textLine("\u200B"), "{\"text\":",
                "{\"words\": [\"john\", \"\"]}", textLine(smile + " john " + smile + "smith"), "{\"words\": [\"paris\"]}",
                textLine("mary"));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TaskPredictor ner = model.predictor("ner");
            List<TagPrediction> worded = ner.tag(List.of(List.of("john", "smith"), List.of("paris")));
            List<TextTagPrediction> texted = ner.tagTexts(List.of(smile + " john " + smile + "smith", "mary"));
            for (String chunk : List.of("7", "3", "1")) {
                CliRunner cli = new CliRunner("predict");
                assertEquals(0, cli.run("--model", saved.toString(), "--task", "ner", "--input", f.toString(),
                        "--skip-bad", "--chunk", chunk), cli.err());
                List<JsonObject> got = lines(cli.out());
                assertEquals(7, got.size(), cli.out());
                assertEquals(tags(worded.get(0).tags()), got.get(0).get("tags"), "chunk " + chunk);
                assertTrue(got.get(1).get("error").getAsString().startsWith(f + ":2: the text has no words"), got.get(1)
                        .toString());
                assertTrue(got.get(2).get("error").getAsString().startsWith(f + ":3: "), got.get(2).toString());
                assertTrue(got.get(3).get("error").getAsString().startsWith(f + ":4: "), got.get(3).toString());
                assertEquals(tags(texted.get(0).words().stream().map(TextTagPrediction.Word::tag).toList()),
                        got.get(4).get("tags"), "chunk " + chunk);
                // 😀0 _1 j2 o3 h4 n5 _6 😀7 s8 m9 i10 t11 h12: code points, the emoji before and inside a word
                JsonArray words = got.get(4).getAsJsonArray("words");
                assertEquals(List.of("0-1", "2-6", "7-13"), words.asList().stream().map(w -> w.getAsJsonObject()
                        .get("start").getAsInt() + "-" + w.getAsJsonObject().get("end").getAsInt()).toList());
                assertEquals(tags(worded.get(1).tags()), got.get(5).get("tags"), "chunk " + chunk);
                assertEquals(tags(texted.get(1).words().stream().map(TextTagPrediction.Word::tag).toList()),
                        got.get(6).get("tags"), "chunk " + chunk);
                assertEquals("prefine predict: skipped 3 of 7 input lines (lines 2, 3, 4); their output lines hold"
                        + " {\"error\": ...}", cli.err().strip());
            }
        }
        // without --skip-bad: the first bad line stops the command, though the word line 4 is refused first
        CliRunner cli = new CliRunner("predict");
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "ner", "--input", f.toString(), "--chunk", "7"),
                cli.err());
        assertTrue(cli.err().strip().startsWith("prefine predict: " + f + ":2: the text has no words"), cli.err());
        assertEquals(1, lines(cli.out()).size(), cli.out());
    }

    private static JsonArray tags(List<String> tags) {
        JsonArray a = new JsonArray();
        tags.forEach(a::add);
        return a;
    }

    /** A token task's line holds words or a text: neither, both, or an empty text is a bad line, named. */
    @Test
    void aTokenLineOfNeitherOrBothOrAnEmptyTextIsABadLine() throws Exception {
        Path f = input("ner-bad.jsonl", textLine("john"), "{}", "{\"text\": \"john\", \"words\": [\"john\"]}",
                textLine(""), "{\"text\": [\"john\"]}", "{\"words\": [\"john\"]}");
        CliRunner cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "ner", "--input", f.toString(), "--skip-bad"),
                cli.err());
        List<JsonObject> got = lines(cli.out());
        String expected = "expected {\"words\": [...]} or {\"text\": ...} for the token task ner";
        assertEquals(f + ":2: neither field \"words\" nor \"text\"; " + expected, got.get(1).get("error").getAsString());
        assertEquals(f + ":3: both fields \"words\" and \"text\"; " + expected, got.get(2).get("error").getAsString());
        assertEquals(f + ":4: the text is empty; expected a non-empty text", got.get(3).get("error").getAsString());
        assertEquals(f + ":5: field \"text\" is [\"john\"]; " + expected, got.get(4).get("error").getAsString());
        assertTrue(got.get(0).has("words") && got.get(5).has("tags") && !got.get(5).has("words"), cli.out());
        assertEquals("prefine predict: skipped 4 of 6 input lines (lines 2, 3, 4, 5); their output lines hold"
                + " {\"error\": ...}", cli.err().strip());
    }

    @Test
    void aLineOfInvalidUtf8IsABadLineNamedByItsNumberAndColumn() throws Exception {
        // line 2 holds the byte 0xFF, never valid in UTF-8, after the 13 bytes of {"text": "caf
        Path f = tmp.resolve("latin1.jsonl");
        byte[] bad = "{\"text\": \"caf\u0000\"}".getBytes(StandardCharsets.UTF_8);
        bad[13] = (byte) 0xFF;
        try (var o = Files.newOutputStream(f)) {
            o.write("{\"text\": \"john\"}\n".getBytes(StandardCharsets.UTF_8));
            o.write(bad);
            o.write("\n{\"text\": \"paris\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        String why = f + ":2: expected valid UTF-8, found byte 0xFF at column 14";
        CliRunner cli = new CliRunner("predict");
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "topic", "--input", f.toString()), cli.err());
        assertEquals("prefine predict: " + why, cli.err().strip());
        List<JsonObject> before = lines(cli.out());
        cli.clear();
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "topic", "--input", f.toString(), "--skip-bad"),
                cli.err());
        List<JsonObject> all = lines(cli.out());
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            List<LabelPrediction> p = model.predictor("topic").classify(List.of("john", "paris"));
            // the output stays aligned with the input: line 1 before the stop; with --skip-bad all three
            assertEquals(1, before.size());
            assertEquals(p.get(0).label(), before.get(0).get("label").getAsString());
            assertEquals(3, all.size());
            assertEquals(p.get(0).label(), all.get(0).get("label").getAsString());
            assertEquals(why, all.get(1).get("error").getAsString());
            assertEquals(p.get(1).label(), all.get(2).get("label").getAsString());
        }
        assertEquals("prefine predict: skipped 1 of 3 input lines (lines 2); their output lines hold {\"error\": ...}",
                cli.err().strip());
    }

    /**
     * A line longer than --max-line-bytes is a bad line at its number, as an undecodable one is: the
     * command stops there, or with --skip-bad writes its error object and goes on. Line 2 is a text
     * of 200 letters; a cap of its own byte count takes it, one byte less refuses it.
     */
    @Test
    void aLineLongerThanMaxLineBytesIsABadLineNamedByItsNumber() throws Exception {
        Path f = tmp.resolve("long-line.jsonl");
        String longLine = "{\"text\": \"" + "a".repeat(200) + "\"}";
        int bytes = longLine.getBytes(StandardCharsets.UTF_8).length;
        assertEquals(212, bytes, "10 bytes before the letters, 2 after");
        Files.writeString(f, "{\"text\": \"john\"}\n" + longLine + "\r\n{\"text\": \"paris\"}\n");
        String why = f + ":2: expected a line of at most 211 bytes (--max-line-bytes), found a longer one";
        CliRunner cli = new CliRunner("predict");
        String[] args = {"--model", saved.toString(), "--task", "topic", "--input", f.toString(), "--max-line-bytes", "211"};
        assertEquals(2, cli.run(args), cli.err());
        assertEquals("prefine predict: " + why, cli.err().strip());
        List<JsonObject> before = lines(cli.out());
        cli.clear();
        List<String> skipping = new ArrayList<>(List.of(args));
        skipping.add("--skip-bad");
        assertEquals(0, cli.run(skipping.toArray(String[]::new)), cli.err());
        List<JsonObject> all = lines(cli.out());
        cli.clear();
        // its own length (the CR LF not counted) is taken
        args[args.length - 1] = Integer.toString(bytes);
        assertEquals(0, cli.run(args), cli.err());
        List<JsonObject> taken = lines(cli.out());
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            List<LabelPrediction> p = model.predictor("topic").classify(List.of("john", "a".repeat(200), "paris"));
            assertEquals(1, before.size());
            assertEquals(p.get(0).label(), before.get(0).get("label").getAsString());
            assertEquals(3, all.size());
            assertEquals(why, all.get(1).get("error").getAsString());
            assertEquals(p.get(2).label(), all.get(2).get("label").getAsString());
            assertEquals(3, taken.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(p.get(i).label(), taken.get(i).get("label").getAsString(), "line " + (i + 1));
            }
        }
    }

    /**
     * Standard input of 32 MiB without a line break: by default (16 MiB) line 1 is refused having
     * read at most the cap and one 64 KiB buffer of it, where the whole line was read into memory.
     */
    @Test
    void aStandardInputWithoutLineBreaksIsRefusedAfterTheDefaultCap() throws Exception {
        long size = 32L << 20;
        long[] served = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return served[0] < size ? (served[0]++ == 0 ? '{' : ' ') : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = (int) Math.min(len, size - served[0]);
                if (n <= 0) {
                    return -1;
                }
                for (int i = 0; i < n; i++) {
                    b[off + i] = served[0] + i == 0 ? (byte) '{' : (byte) ' ';
                }
                served[0] += n;
                return n;
            }
        };
        InputStream stdin = System.in;
        CliRunner cli = new CliRunner("predict");
        try {
            System.setIn(endless);
            assertEquals(2, cli.run("--model", saved.toString(), "--task", "topic"), cli.err());
        } finally {
            System.setIn(stdin);
        }
        assertEquals("prefine predict: <stdin>:1: expected a line of at most 16777216 bytes (--max-line-bytes), found"
                + " a longer one", cli.err().strip());
        assertEquals("", cli.out());
        assertTrue(served[0] <= (16L << 20) + 1 + (1 << 16), served[0] + " bytes of standard input read");
    }

    @Test
    void readsPairsFromStandardInput() throws Exception {
        InputStream stdin = System.in;
        CliRunner cli = new CliRunner("predict");
        try {
            System.setIn(new ByteArrayInputStream("{\"text\": \"paris\", \"pair\": \"rome\"}\n"
                    .getBytes(StandardCharsets.UTF_8)));
            assertEquals(0, cli.run("--model", saved.toString(), "--task", "match"), cli.err());
        } finally {
            System.setIn(stdin);
        }
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            LabelPrediction p = model.predictor("match").classifyPairs(List.of("paris"), List.of("rome")).get(0);
            assertEquals(p.label(), lines(cli.out()).get(0).get("label").getAsString());
        }
    }

    /**
     * The saved tasks' maxLength is 32: [CLS], 30 one-token words and [SEP] fill a row, so 31 words
     * are cut, and so is a pair of 15 and 15 words with its 3 special tokens (33); each line says
     * whether it was cut, and standard error counts the lines cut.
     */
    @Test
    void saysWhichTextsTheMaxLengthCut() throws Exception {
        String thirty = String.join(" ", Collections.nCopies(15, "john paris"));
        String fifteen = String.join(" ", Collections.nCopies(15, "john"));
        String fourteen = String.join(" ", Collections.nCopies(14, "john"));
        Path topic = input("cut-topic.jsonl", "{\"text\": \"" + thirty + " rome\"}", "{\"text\": \"" + thirty + "\"}",
                "{\"text\": \"john\"}");
        CliRunner cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "topic", "--input", topic.toString()), cli.err());
        assertEquals(List.of(true, false, false), lines(cli.out()).stream().map(o -> o.get("cut").getAsBoolean()).toList());
        assertEquals("prefine predict: 1 of 3 inputs were cut to 32 tokens (their ends not read)", cli.err().strip());
        Path match = input("cut-match.jsonl", "{\"text\": \"" + fifteen + "\", \"pair\": \"" + fifteen + "\"}",
                "{\"text\": \"" + fourteen + "\", \"pair\": \"" + fifteen + "\"}");
        cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "match", "--input", match.toString()), cli.err());
        assertEquals(List.of(true, false), lines(cli.out()).stream().map(o -> o.get("cut").getAsBoolean()).toList());
        assertEquals("prefine predict: 1 of 2 inputs were cut to 32 tokens (their ends not read)", cli.err().strip());
    }

    /**
     * A choice line is read as one pair per choice, [CLS] premise [SEP] choice [SEP], cut at the
     * task's 32 tokens as a text pair is: 15 one-token words and 15 more fill 33 and are cut, 14 and
     * 15 fill 32 exactly. A line is cut when any of its choices is; its output says so and the count
     * ends standard error, as for a text pair (a choice line was cut without a word). The HF folder
     * export writes reads the same at its declared 32, with three choices too.
     */
    @Test
    void saysWhichChoiceLinesTheMaxLengthCut() throws Exception {
        String fifteen = String.join(" ", Collections.nCopies(15, "john"));
        String fourteen = String.join(" ", Collections.nCopies(14, "john"));
        Path f = input("cut-copa.jsonl", "{\"premise\": \"" + fifteen + "\", \"choices\": [\"" + fifteen + "\", \"john\"]}",
                "{\"premise\": \"" + fourteen + "\", \"choices\": [\"" + fifteen + "\", \"john\"]}");
        CliRunner cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "copa", "--input", f.toString()), cli.err());
        assertEquals(List.of(true, false), lines(cli.out()).stream().map(o -> o.get("cut").getAsBoolean()).toList());
        assertEquals("prefine predict: 1 of 2 inputs were cut to 32 tokens (their ends not read)", cli.err().strip());

        Path hf = tmp.resolve("hf-copa-cut");
        CliRunner export = new CliRunner("export");
        assertEquals(0, export.run("--model", saved.toString(), "--task", "copa", "--out", hf.toString()), export.err());
        Path three = input("cut-copa-three.jsonl", "{\"premise\": \"" + fourteen + "\", \"choices\": [\"john\", \""
                + fifteen + "\", \"paris\"]}", "{\"premise\": \"" + fifteen + "\", \"choices\": [\"john\", \"paris\","
                + " \"john paris\"]}");
        cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", hf.toString(), "--input", three.toString()), cli.err());
        assertEquals(List.of(false, false), lines(cli.out()).stream().map(o -> o.get("cut").getAsBoolean()).toList());
        assertEquals("", cli.err().strip());
        Path over = input("cut-copa-over.jsonl", "{\"premise\": \"" + fifteen + "\", \"choices\": [\"john\", \"paris\","
                + " \"" + fifteen + " john\"]}");
        cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", hf.toString(), "--input", over.toString()), cli.err());
        assertEquals(List.of(true), lines(cli.out()).stream().map(o -> o.get("cut").getAsBoolean()).toList());
        assertEquals("prefine predict: 1 of 1 inputs were cut to 32 tokens (their ends not read)", cli.err().strip());
    }

    /**
     * A model whose activations overflow float32 (finite weights, so the load takes them: here the
     * embeddings' LayerNorm scaled by 3e38, which makes its output infinite, and the next matrix
     * product's sum of +inf and -inf NaN) has no probabilities to give: its softmax is NaN. The
     * output line held {@code "a": NaN}, which is no JSON (RFC 8259 has no NaN), with exit 0; such a
     * line is now bad, as a refused one is: the command stops there with exit 2 naming the file and
     * line, or with --skip-bad writes its error object and goes on. A choice line alike.
     */
    @Test
    void aLineWhoseOutputsAreNotFiniteIsBadNotInvalidJson() throws Exception {
        Path overflowing = overflowing("overflowing");
        Path f = input("overflow-topic.jsonl", "{\"text\": \"john visited paris\"}", "{\"text\": \"rome\"}");
        String why = NON_FINITE;
        CliRunner cli = new CliRunner("predict");
        assertEquals(2, cli.run("--model", overflowing.toString(), "--task", "topic", "--input", f.toString()), cli.out());
        assertEquals("", cli.out());
        assertEquals("prefine predict: " + f + ":1: " + why, cli.err().strip());
        cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", overflowing.toString(), "--task", "topic", "--input", f.toString(),
                "--skip-bad"), cli.err());
        assertEquals(List.of(f + ":1: " + why, f + ":2: " + why),
                lines(cli.out()).stream().map(o -> o.get("error").getAsString()).toList(), cli.out());

        Path copa = input("overflow-copa.jsonl", "{\"premise\": \"john visited paris\", \"choices\": [\"john\", \"rome\"]}");
        cli = new CliRunner("predict");
        assertEquals(2, cli.run("--model", overflowing.toString(), "--task", "copa", "--input", copa.toString()),
                cli.out());
        assertEquals("prefine predict: " + copa + ":1: " + why, cli.err().strip());
    }

    /**
     * A tagging line of that overflowing model gave every word the first label (the arg-max of NaN
     * logits), and a QA line no answer, with exit 0: neither has a number for the check above. The
     * predictor now refuses an input whose logits are not finite, and such a line is bad alike.
     */
    @Test
    void aTaggingOrQaLineWhoseLogitsAreNotFiniteIsBad() throws Exception {
        Path overflowing = overflowing("overflowing-spans");
        String why = NON_FINITE;
        Path ner = input("overflow-ner.jsonl", "{\"words\": [\"john\", \"visited\"]}", "{\"text\": \"mary wrote\"}");
        CliRunner cli = new CliRunner("predict");
        assertEquals(2, cli.run("--model", overflowing.toString(), "--task", "ner", "--input", ner.toString()), cli.out());
        assertEquals("", cli.out());
        assertEquals("prefine predict: " + ner + ":1: " + why, cli.err().strip());
        cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", overflowing.toString(), "--task", "ner", "--input", ner.toString(),
                "--skip-bad"), cli.err());
        assertEquals(List.of(ner + ":1: " + why, ner + ":2: " + why),
                lines(cli.out()).stream().map(o -> o.get("error").getAsString()).toList(), cli.out());

        Path qa = input("overflow-qa.jsonl", "{\"question\": \"who visited paris?\", \"context\": \"john visited paris\"}");
        cli = new CliRunner("predict");
        assertEquals(2, cli.run("--model", overflowing.toString(), "--task", "qa", "--input", qa.toString()), cli.out());
        assertEquals("", cli.out());
        assertEquals("prefine predict: " + qa + ":1: " + why, cli.err().strip());
    }

    /** The predictor's refusal of an input whose logits hold NaN or an infinity, as written here. */
    private static final String NON_FINITE = "the model's outputs hold NaN or an infinity (its logits for this input);"
            + " expected finite outputs (the model's activations overflow float32 on this input)";

    /** A copy of the saved model with the embeddings' LayerNorm weight scaled to 3e38: finite, yet its activations overflow. */
    private static Path overflowing(String name) throws Exception {
        Path overflowing = tmp.resolve(name);
        try (Stream<Path> files = Files.walk(saved)) {
            for (Path p : files.toList()) {
                Files.copy(p, overflowing.resolve(saved.relativize(p).toString()));
            }
        }
        OverflowingEncoder.overflow(overflowing.resolve("encoder").resolve("model.safetensors"));
        return overflowing;
    }

    /** 31 one-token words: with [CLS] and [SEP], one token more than the saved tasks' maxLength of 32. */
    private static final String THIRTY_ONE = String.join(" ", Collections.nCopies(15, "john paris")) + " rome";

    /** The cut count of a command that stopped before the end of its input, of the lines written. */
    private static String cutBeforeStop(int cut, int written) {
        return "prefine predict: " + cut + " of the " + written + " inputs written before the command stopped were cut to"
                + " 32 tokens (their ends not read)";
    }

    /**
     * A bad line ends the command with exit 2 after the outputs of the lines before it; how many of
     * those the maxLength cut is still said, before the error line (it was said only at a normal end).
     */
    @Test
    void aBadLineStillCountsTheCutInputsWrittenBeforeIt() throws Exception {
        Path f = input("cut-then-bad.jsonl", textLine(THIRTY_ONE), textLine("john"), "{\"text\": 3}", textLine(THIRTY_ONE));
        CliRunner cli = new CliRunner("predict");
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "topic", "--input", f.toString()), cli.err());
        assertEquals(List.of(true, false), lines(cli.out()).stream().map(o -> o.get("cut").getAsBoolean()).toList());
        assertEquals(List.of(cutBeforeStop(1, 2), "prefine predict: " + f + ":3: field \"text\" is 3; expected"
                + " {\"text\": ...} for the text task topic"), cli.err().lines().toList());
    }

    /**
     * {@code prefine predict | head -1}: the reader takes one line and closes the pipe, so the output
     * of line 2 cannot be written. The command stops there with 141 (a shell's code for SIGPIPE),
     * says so, and counts the cut inputs among the line written (it went on predicting into the
     * closed pipe to the end of the input, and counted lines nobody read).
     */
    @Test
    void aClosedOutputStopsTheCommandAndCountsTheCutInputsWritten() throws Exception {
        Path err = tmp.resolve("closed-output.err");
        Fed child = fedOneCutLine(err);
        try (Writer in = child.in()) {
            child.out().close();
            // one write, both lines: the child is waiting for line 2 and cannot end before it is sent
            in.write(textLine("john") + "\n" + textLine(THIRTY_ONE) + "\n");
        }
        String log = finished(child.process(), err);
        assertEquals(CliErrors.OUTPUT_CLOSED, child.process().exitValue(), log);
        assertEquals(List.of(cutBeforeStop(1, 1), "prefine predict: standard output was closed by its reader; the outputs"
                + " of input lines 2 on were not written (1 written)"), ownLines(log), log);
    }

    /** The last line of a command an interrupt or a SIGTERM stopped: the first input line not predicted. */
    private static String interrupted(int firstLost, int written) {
        return "prefine predict: interrupted; the outputs of input lines " + firstLost + " on were not written ("
                + written + " written)";
    }

    /**
     * A SIGTERM (as an interrupt, the JVM's shutdown hooks run) while the command waits for input
     * still counts the cut inputs among the line written, then says that it was interrupted and
     * from which input line the outputs are missing (it said nothing of the stop itself).
     */
    @Test
    void aStoppedCommandCountsTheCutInputsWritten() throws Exception {
        Path err = tmp.resolve("stopped.err");
        Fed child = fedOneCutLine(err);
        try (Writer in = child.in()) {
            // SIGTERM alone: Process.destroy also closes the child's standard input, an end of input
            assertTrue(child.process().toHandle().destroy(), "no SIGTERM sent");
            String log = finished(child.process(), err);
            assertEquals(143, child.process().exitValue(), log);
            // then the line that says why it stopped and where to go on, as a closed output's does
            assertEquals(List.of(cutBeforeStop(1, 1), interrupted(2, 1)), ownLines(log), log);
        }
    }

    /**
     * A SIGTERM with {@code --skip-bad} says the summary an early end says: the cut inputs and the
     * bad lines skipped among the lines written (the hook used to say only the cut ones).
     */
    @Test
    void aStoppedCommandAlsoNamesTheBadLinesSkippedAmongThoseWritten() throws Exception {
        Path err = tmp.resolve("stopped-skipped.err");
        FedLine fed = fedLine(err, textLine(THIRTY_ONE), "--skip-bad");
        assertTrue(fed.first().get("cut").getAsBoolean(), fed.first().toString());
        Fed child = fed.fed();
        try (Writer in = child.in()) {
            // line 2 is a tagger's words, bad for the topic task: its error object is the second output line
            in.write("{\"words\": [\"rome\"]}\n");
            in.flush();
            String second = child.out().readLine();
            assertTrue(second != null && second.startsWith("{\"error\":"), second + "; " + Files.readString(err));
            assertTrue(child.process().toHandle().destroy(), "no SIGTERM sent");
            String log = finished(child.process(), err);
            assertEquals(143, child.process().exitValue(), log);
            assertEquals(List.of(cutBeforeStop(1, 2), "prefine predict: skipped 1 of the 2 input lines written before"
                    + " the command stopped (lines 2); their output lines hold {\"error\": ...}", interrupted(3, 2)),
                    ownLines(log), log);
        }
    }

    /**
     * {@code prefine predict --skip-bad | head -1}, the line read a bad one: the command stops at
     * line 2 with 141 as above, and still says which of the lines it wrote hold an error object,
     * before the line that says why it stopped, as it says the cut ones.
     */
    @Test
    void aClosedOutputStillNamesTheBadLinesSkippedAmongThoseWritten() throws Exception {
        Path err = tmp.resolve("closed-skipped.err");
        Fed child = fed(err, "{\"words\": [\"paris\"]}", "--skip-bad");
        try (Writer in = child.in()) {
            child.out().close();
            // line 2, bad too, is the one whose error object cannot be written: it is not counted
            in.write("{\"words\": [\"rome\"]}\n" + textLine("rome") + "\n");
        }
        String log = finished(child.process(), err);
        assertEquals(CliErrors.OUTPUT_CLOSED, child.process().exitValue(), log);
        assertEquals(List.of("prefine predict: skipped 1 of the 1 input lines written before the command stopped"
                + " (lines 1); their output lines hold {\"error\": ...}", "prefine predict: standard output was closed"
                + " by its reader; the outputs of input lines 2 on were not written (1 written)"), ownLines(log), log);
    }

    /** A {@code prefine predict} child: its process, its standard input and its standard output. */
    private record Fed(Process process, Writer in, BufferedReader out) {}

    /**
     * Starts {@code prefine predict} on the topic task through its real entry point, a line at a
     * time from standard input, standard error to {@code err}; feeds it one line the maxLength cuts
     * and returns once its output line, cut, is read.
     */
    private static Fed fedOneCutLine(Path err) throws Exception {
        FedLine child = fedLine(err, textLine(THIRTY_ONE));
        assertTrue(child.first().get("cut").getAsBoolean(), child.first().toString());
        return child.fed();
    }

    /** A child fed its first line, with its output line for that line. */
    private record FedLine(Fed fed, JsonObject first) {}

    /**
     * Starts {@code prefine predict} on the topic task as {@link #fedOneCutLine} does, with {@code
     * extra} options, feeds it {@code firstLine} and returns once its output line is read.
     */
    private static Fed fed(Path err, String firstLine, String... extra) throws Exception {
        return fedLine(err, firstLine, extra).fed();
    }

    private static FedLine fedLine(Path err, String firstLine, String... extra) throws Exception {
        Started s = STARTED.remove(err);
        assertTrue(s != null && s.firstLine().equals(firstLine) && s.extra().equals(List.of(extra)),
                "no child started ahead for " + err + " with this line and these options");
        String first = s.fed().out().readLine();
        assertTrue(first != null, "no output line; " + Files.readString(err));
        return new FedLine(s.fed(), JsonParser.parseString(first).getAsJsonObject());
    }

    /** A child started ahead: fed its first line, which it may not have answered yet. */
    private record Started(Fed fed, String firstLine, List<String> extra) {
        Process process() {
            return fed.process();
        }
    }

    private static Started start(Path err, String firstLine, String... extra) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-Dprefine.shared=" + SharedFixtures.root(),
                "-Dorg.slf4j.simpleLogger.log.ai.djl=warn"));
        command.addAll(ShortLivedJvm.OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                PrefineCli.class.getName(), "predict", "--model", saved.toString(), "--task", "topic", "--chunk", "1"));
        command.addAll(List.of(extra));
        ProcessBuilder pb = ChildProcesses.builder(command).redirectError(err.toFile());
        pb.environment().putIfAbsent("PYTORCH_PRECXX11", "false");
        Process p = pb.start();
        Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        in.write(firstLine + "\n");
        in.flush();
        return new Started(new Fed(p, in, out), firstLine, List.of(extra));
    }

    /** Waits for the child and returns its standard error. */
    private static String finished(Process p, Path err) throws Exception {
        try {
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child timed out");
        } finally {
            p.destroyForcibly();
        }
        return Files.readString(err);
    }

    /** The command's own lines of standard error, without the log's. */
    private static List<String> ownLines(String err) {
        return err.lines().filter(l -> l.startsWith("prefine predict: ")).toList();
    }

    /** An error line names standard input as {@code <stdin>}, not as Gson's HTML escape of it. */
    @Test
    void anErrorLineNamesStandardInputLiterally() throws Exception {
        InputStream stdin = System.in;
        CliRunner cli = new CliRunner("predict");
        try {
            System.setIn(new ByteArrayInputStream("{\"words\": [\"paris\"]}\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(0, cli.run("--model", saved.toString(), "--task", "topic", "--skip-bad"), cli.err());
        } finally {
            System.setIn(stdin);
        }
        String line = cli.out().strip();
        assertTrue(line.startsWith("{\"error\":\"<stdin>:1: "), line);
    }

    @Test
    void refusesBadLinesUnknownTasksAndFoldersWithExit2() throws Exception {
        CliRunner cli = new CliRunner("predict");
        Path words = input("words.jsonl", "{\"text\": \"paris\"}", "{\"words\": [\"paris\"]}");
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "topic", "--input", words.toString()));
        assertEquals("prefine predict: " + words + ":2: field \"words\" does not belong to a text task; expected {\"text\": ...}"
                + " for the text task topic", cli.err().strip());
        cli.clear();
        Path empty = input("empty.jsonl", "{\"question\": \"who?\", \"context\": \"john\"}",
                "{\"question\": \"who?\", \"context\": \" \"}");
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "qa", "--input", empty.toString()));
        assertEquals("prefine predict: " + empty + ":2: the context is only whitespace; expected a non-empty context",
                cli.err().strip());
        cli.clear();
        Path json = input("broken.jsonl", "{\"text\": \"paris\"");
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "topic", "--input", json.toString()));
        assertTrue(cli.err().startsWith("prefine predict: " + json + ":1: not valid JSON ("), cli.err());
        cli.clear();
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "sentiment", "--input", json.toString()));
        assertEquals("prefine predict: model " + saved + ": no task sentiment; its tasks are [topic, match, ner, qa, copa]",
                cli.err().strip());
        cli.clear();
        assertEquals(2, cli.run("--model", tmp.toString(), "--task", "topic", "--input", json.toString()));
        assertTrue(cli.err().startsWith("prefine predict: " + tmp.resolve("prefine-model.json") + ": no prefine-model.json"),
                cli.err());
    }

    /**
     * A line that is not strict JSON is one line of standard error in the user's words: where the
     * text goes wrong (column 1 holds the bare word) and not Gson's advice to call {@code
     * JsonReader.setStrictness} or its troubleshooting link on a second line, which it gave before.
     */
    @Test
    void aLineThatIsNotJsonIsOneLineInPlainWords() throws Exception {
        CliRunner cli = new CliRunner("predict");
        Path bare = input("bare.jsonl", "not json");
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "topic", "--input", bare.toString()));
        assertEquals(List.of("prefine predict: " + bare + ":1: not valid JSON (non-standard JSON (such as single quotes,"
                + " unquoted names or values, comments) at column 1); expected {\"text\": ...} for the text task topic"),
                cli.err().lines().toList());
    }

    /**
     * Input files joined with {@code cat}, each saved with byte-order marks: every mark opening a
     * line is removed, as the JSON-lines readers remove them, and the line predicted. Gson passed
     * over one mark and refused a second as not JSON, so a line the readers take was a bad line
     * here; a line of marks alone was not JSON either, and is now the blank line it holds.
     */
    @Test
    void everyByteOrderMarkOpeningALineIsRemovedAsTheReadersRemoveIt() throws Exception {
        CliRunner cli = new CliRunner("predict");
        List<String> texts = List.of("john visited paris", "alice wrote about rome", "the team read a film");
        Path marked = input("marked.jsonl", "\uFEFF" + textLine(texts.get(0)), "\uFEFF\uFEFF" + textLine(texts.get(1)),
                "\uFEFF" + textLine(texts.get(2)));
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "topic", "--input", marked.toString()), cli.err());
        assertEquals(labels(texts), lines(cli.out()).stream().map(o -> o.get("label").getAsString()).toList());

        cli.clear();
        Path blank = input("marks.jsonl", textLine(texts.get(0)), "\uFEFF\uFEFF");
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "topic", "--input", blank.toString()));
        assertEquals("prefine predict: " + blank + ":2: blank line; expected {\"text\": ...} for the text task topic",
                cli.err().strip());
    }

    /**
     * A line of byte-order marks alone, or of marks and whitespace, is a blank line with {@code
     * --skip-bad} too: the same error object as an empty line at its own number, counted among the
     * lines skipped. A mark is three bytes of the line for {@code --max-line-bytes}: the line is
     * refused at the cap as its bytes read, before its marks are removed.
     */
    @Test
    void aLineOfMarksAloneIsSkippedAsABlankLineIsAndItsMarksCountTowardTheCap() throws Exception {
        CliRunner cli = new CliRunner("predict");
        List<String> texts = List.of("john visited paris", "alice wrote about rome");
        Path f = input("marks-skip.jsonl", textLine(texts.get(0)), "\uFEFF\uFEFF", "", "\uFEFF \t", textLine(texts.get(1)));
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "topic", "--input", f.toString(), "--skip-bad"),
                cli.err());
        List<JsonObject> out = lines(cli.out());
        assertEquals(5, out.size());
        assertEquals(labels(texts), List.of(out.get(0).get("label").getAsString(), out.get(4).get("label").getAsString()));
        for (int n = 2; n <= 4; n++) {
            assertEquals(f + ":" + n + ": blank line; expected {\"text\": ...} for the text task topic",
                    out.get(n - 1).get("error").getAsString());
        }
        assertEquals("prefine predict: skipped 3 of 5 input lines (lines 2, 3, 4); their output lines hold"
                + " {\"error\": ...}", cli.err().strip());

        // 20 bytes of JSON after one mark (EF BB BF): 23 bytes, over a cap of 22, though its JSON fits
        String line = textLine("john vis");
        assertEquals(20, line.getBytes(StandardCharsets.UTF_8).length);
        Path capped = input("marks-cap.jsonl", textLine("john"), "\uFEFF" + line);
        cli.clear();
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "topic", "--input", capped.toString(),
                "--max-line-bytes", "22"));
        assertEquals("prefine predict: " + capped + ":2: expected a line of at most 22 bytes (--max-line-bytes), found"
                + " a longer one", cli.err().strip());
        cli.clear();
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "topic", "--input", capped.toString(),
                "--max-line-bytes", "23"), cli.err());
        assertEquals(labels(List.of("john", "john vis")), lines(cli.out()).stream()
                .map(o -> o.get("label").getAsString()).toList());
    }

    /**
     * A line that names a field twice is a bad line, not the last value silently: Gson's tree keeps
     * the second {@code "text"} and drops the first, so the command predicted a text the line's
     * writer may not have meant, unnoticed. And the JSON is strict, as the class comment says: the
     * {@code \'} escape and an upper-case literal that Gson's default (legacy) strictness lets
     * through are not JSON.
     */
    @Test
    void aLineThatRepeatsAFieldOrIsNotStrictJsonIsABadLine() throws Exception {
        CliRunner cli = new CliRunner("predict");
        Path twice = input("twice.jsonl", textLine("john visited paris"), "{\"text\": \"paris\", \"text\": \"rome\"}");
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "topic", "--input", twice.toString()));
        assertEquals("prefine predict: " + twice + ":2: field \"text\" is given twice; expected {\"text\": ...} for"
                + " the text task topic", cli.err().strip());
        assertEquals(labels(List.of("john visited paris")),
                lines(cli.out()).stream().map(o -> o.get("label").getAsString()).toList());

        cli.clear();
        Path escape = input("escape.jsonl", "{\"text\": \"it\\'s\"}");
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "topic", "--input", escape.toString()));
        assertTrue(cli.err().startsWith("prefine predict: " + escape + ":1: not valid JSON ("), cli.err());

        cli.clear();
        Path literal = input("literal.jsonl", "{\"question\": \"who?\", \"context\": \"john\", \"x\": NULL}");
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "qa", "--input", literal.toString()));
        assertTrue(cli.err().startsWith("prefine predict: " + literal + ":1: not valid JSON ("), cli.err());
    }

    /** The library's label for each text, as the command's lines should carry them. */
    private static List<String> labels(List<String> texts) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            return model.predictor("topic").classify(texts).stream().map(LabelPrediction::label).toList();
        }
    }

    private static String textLine(String text) {
        return "{\"text\": \"" + text + "\"}";
    }

    @Test
    void aBadLineStopsTheCommandAfterTheOutputsOfEveryLineBeforeIt() throws Exception {
        List<String> good = List.of("john visited paris", "the team read a film", "alice wrote about rome");
        // a malformed line 4 in the first (default, 256-line) chunk: lines 1 to 3 are still written
        Path broken = input("broken-mid.jsonl", textLine(good.get(0)), textLine(good.get(1)), textLine(good.get(2)),
                "{\"text\": 3}", textLine("bob read"));
        CliRunner cli = new CliRunner("predict");
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "topic", "--input", broken.toString()));
        assertEquals("prefine predict: " + broken + ":4: field \"text\" is 3; expected {\"text\": ...} for the text task"
                + " topic", cli.err().strip());
        assertEquals(labels(good), lines(cli.out()).stream().map(o -> o.get("label").getAsString()).toList());

        // an input the predictor refuses (an empty text, line 3): lines 1 and 2 are still written
        Path empty = input("empty-mid.jsonl", textLine(good.get(0)), textLine(good.get(1)), textLine(" "),
                textLine(good.get(2)));
        cli.clear();
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "topic", "--input", empty.toString()));
        assertEquals("prefine predict: " + empty + ":3: the text is only whitespace; expected a non-empty text",
                cli.err().strip());
        assertEquals(labels(good.subList(0, 2)), lines(cli.out()).stream().map(o -> o.get("label").getAsString()).toList());
    }

    @Test
    void aTokenizerRefusalNamesItsLineWithoutTheChunksCount() throws Exception {
        List<String> good = List.of("john visited paris", "the team read a film");
        // a lone surrogate is refused with its position; no count of refused inputs (that would be
        // about the predictor's call, the chunk, not about line 2)
        Path lone = input("lone-surrogate.jsonl", textLine(good.get(0)), "{\"text\": \"paris \\ud800 rome\"}",
                textLine(good.get(1)));
        CliRunner cli = new CliRunner("predict");
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "topic", "--input", lone.toString()));
        String err = cli.err().strip();
        assertTrue(err.startsWith("prefine predict: " + lone + ":2: the text holds an unpaired surrogate U+D800 at char 6;"
                + " expected well-formed UTF-16, each character a valid Unicode scalar"), err);
        assertFalse(err.contains("inputs refused"), err);
        assertEquals(labels(good.subList(0, 1)), lines(cli.out()).stream().map(o -> o.get("label").getAsString()).toList());
    }

    @Test
    void skipBadWritesAnErrorLineInPlaceOfEachBadLineAndCountsThem() throws Exception {
        List<String> good = List.of("john visited paris", "the team read a film", "alice wrote about rome");
        Path mixed = input("mixed.jsonl", textLine(good.get(0)), "not json", textLine(good.get(1)), textLine(" "),
                textLine(good.get(2)));
        CliRunner cli = new CliRunner("predict");
        // chunks of 2 lines: a bad line's error stays in its place across chunks
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "topic", "--input", mixed.toString(), "--skip-bad",
                "--chunk", "2"), cli.err());
        List<JsonObject> got = lines(cli.out());
        assertEquals(5, got.size(), cli.out());
        List<String> expected = labels(good);
        assertEquals(expected.get(0), got.get(0).get("label").getAsString());
        assertTrue(got.get(1).get("error").getAsString().startsWith(mixed + ":2: not valid JSON ("), got.get(1).toString());
        assertEquals(expected.get(1), got.get(2).get("label").getAsString());
        assertEquals(mixed + ":4: the text is only whitespace; expected a non-empty text", got.get(3).get("error").getAsString());
        assertEquals(expected.get(2), got.get(4).get("label").getAsString());
        assertEquals("prefine predict: skipped 2 of 5 input lines (lines 2, 4); their output lines hold {\"error\": ...}",
                cli.err().strip());
    }

    /**
     * A question too long for the QA task's 24-token windows is refused by the featurizer, after
     * the featurization of its whole chunk. Each refusal used to send the chunk's other lines
     * through the featurizer again (three featurizations for two refusals); the featurizer's own
     * report, one DEBUG line per featurization, now shows one, and the good lines' outputs are
     * those of a run without the refused lines.
     */
    private static final String QA_CONTEXT = "the team walked with people while john visited paris about a game in rome.";
    private static final String LONG_QUESTION = "who " + "really ".repeat(30) + "visited paris?";
    private static final List<String> QA_LONG = List.of("who visited paris?", LONG_QUESTION, "where is rome?",
            LONG_QUESTION, "what game?");

    @Test
    void aRefusedLineCostsOnlyItselfNotASecondFeaturizationOfItsChunk() throws Exception {
        // the child, started ahead, read qa-long.jsonl: the questions of QA_LONG on QA_CONTEXT
        Path f = tmp.resolve("qa-long.jsonl");
        Path alone = input("qa-good.jsonl", Stream.of(0, 2, 4).map(i -> "{\"question\": \"" + QA_LONG.get(i)
                + "\", \"context\": \"" + QA_CONTEXT + "\"}").toArray(String[]::new));
        String log = logOf(refusedLinesLog);
        List<String> featurizations = log.lines().filter(l -> l.contains("qa/predict: ") && l.contains(" examples -> "))
                .toList();
        assertEquals(1, featurizations.size(), log);
        assertTrue(featurizations.get(0).contains("qa/predict: 5 examples -> "), featurizations.get(0));

        List<JsonObject> got = log.lines().filter(l -> l.startsWith("{")).map(l -> JsonParser.parseString(l)
                .getAsJsonObject()).toList();
        assertEquals(5, got.size(), log);
        CliRunner cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", saved.toString(), "--task", "qa", "--input", alone.toString()), cli.err());
        assertEquals(lines(cli.out()), List.of(got.get(0), got.get(2), got.get(4)));
        for (int line : new int[] {2, 4}) {
            String error = got.get(line - 1).get("error").getAsString();
            assertTrue(error.startsWith(f + ":" + line + ": "), error);
            assertFalse(error.contains("inputs refused"), error);
        }
        assertTrue(log.contains("prefine predict: skipped 2 of 5 input lines (lines 2, 4)"), log);
    }

    @Test
    void choosesAmongChoicesAsTheLibraryDoes() throws Exception {
        Path f = input("copa.jsonl", "{\"premise\": \"john visited paris\", \"question\": \"effect\", \"choices\":"
                + " [\"he saw rome\", \"he saw paris\"]}", "{\"premise\": \"the team read\", \"choices\": [\"a film\","
                + " \"a game\"]}", "{\"premise\": \"bob read\", \"choices\": [\"a film\"]}");
        CliRunner cli = new CliRunner("predict");
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "copa", "--input", f.toString()));
        assertEquals("prefine predict: " + f + ":3: 1 choice; expected the 2 choices the task was trained with",
                cli.err().strip());
        List<JsonObject> got = lines(cli.out());
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            List<ChoicePrediction> expected = model.predictor("copa").choose(List.of("john visited paris", "the team read"),
                    List.of("effect", ""), List.of(List.of("he saw rome", "he saw paris"), List.of("a film", "a game")));
            assertEquals(2, got.size(), cli.out());
            for (int i = 0; i < 2; i++) {
                assertEquals(expected.get(i).choice(), got.get(i).get("choice").getAsInt());
                JsonArray p = got.get(i).getAsJsonArray("probabilities");
                for (int k = 0; k < 2; k++) {
                    assertEquals(expected.get(i).probabilities().get(k), p.get(k).getAsDouble(), 0.0);
                }
            }
        }
        Path extra = input("copa-extra.jsonl", "{\"premise\": \"bob\", \"choices\": [\"a\", \"b\"], \"label\": 1}");
        cli.clear();
        assertEquals(2, cli.run("--model", saved.toString(), "--task", "copa", "--input", extra.toString()));
        assertEquals(Stream.of("prefine predict: " + extra + ":1: field \"label\" does not belong to a choice task; expected",
                "{\"premise\": ..., \"question\": ... (optional), \"choices\": [...]} for the choice task copa")
                .reduce((a, b) -> a + " " + b).get(), cli.err().strip());
    }

    /**
     * The two-choice task exported as {@code BertForMultipleChoice} and predicted from that folder:
     * its one task without {@code --task}, the choice lines prefine's own choice task takes, any
     * number of choices from 2 (as HF's model reads the count from its input), and one choice
     * refused at its line. A two-choice question scores as the prefine task did.
     */
    @Test
    void exportedChoiceTaskTakesAnyNumberOfChoices() throws Exception {
        Path hf = tmp.resolve("hf-copa");
        CliRunner export = new CliRunner("export");
        assertEquals(0, export.run("--model", saved.toString(), "--task", "copa", "--out", hf.toString()), export.err());
        Path f = input("copa-hf.jsonl", "{\"premise\": \"john visited paris\", \"question\": \"effect\", \"choices\":"
                + " [\"he saw rome\", \"he saw paris\"]}", "{\"premise\": \"the team read\", \"choices\": [\"a film\","
                + " \"a game\", \"a week\"]}", "{\"premise\": \"bob read\", \"choices\": [\"a film\"]}");
        CliRunner cli = new CliRunner("predict");
        assertEquals(2, cli.run("--model", hf.toString(), "--input", f.toString()));
        assertEquals("prefine predict: " + f + ":3: 1 choice; expected at least 2 choices", cli.err().strip());
        List<JsonObject> got = lines(cli.out());
        assertEquals(2, got.size(), cli.out());
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.loadHuggingFace(hf, m);
                FinetunedModel prefine = FinetunedModel.load(saved, m)) {
            List<ChoicePrediction> want = model.predictor("multiple-choice").choose(List.of("john visited paris",
                    "the team read"), List.of("effect", ""), List.of(List.of("he saw rome", "he saw paris"),
                    List.of("a film", "a game", "a week")));
            ChoicePrediction two = prefine.predictor("copa").choose(List.of("john visited paris"), List.of("effect"),
                    List.of(List.of("he saw rome", "he saw paris"))).get(0);
            for (int i = 0; i < 2; i++) {
                assertEquals(want.get(i).choice(), got.get(i).get("choice").getAsInt());
                JsonArray p = got.get(i).getAsJsonArray("probabilities");
                assertEquals(i + 2, p.size());
                for (int k = 0; k < p.size(); k++) {
                    assertEquals(want.get(i).probabilities().get(k), p.get(k).getAsDouble(), 0.0);
                }
            }
            for (int k = 0; k < 2; k++) {
                assertEquals(two.probabilities().get(k), got.get(0).getAsJsonArray("probabilities").get(k).getAsDouble(),
                        1e-6);
            }
        }
    }

    /**
     * A Hugging Face classifier of 6 positions, fewer than a QA window's minimum (8) that it never
     * builds, was refused twice: by the folder's load and by predict's check of the task's lengths.
     * It predicts HF's class for the reference's {@code won} (3 tokens, within the positions kept).
     */
    @Test
    void aHuggingFaceClassifierOfFewerPositionsThanAQaWindowPredicts() throws Exception {
        Path bert = SharedFixtures.require("fixtures/hf-reference/bert");
        Path hf = ShortPositions.copy(bert.resolve("sequence-classification"), tmp.resolve("hf-six"), 6);
        JsonObject ref = JsonParser.parseString(Files.readString(bert.resolve("reference.json"))).getAsJsonObject();
        assertEquals("won", ref.getAsJsonArray("cases").get(3).getAsJsonObject().get("text").getAsString());
        com.google.gson.JsonArray logits = ref.getAsJsonObject("heads").getAsJsonObject("sequence-classification")
                .getAsJsonArray("logits").get(3).getAsJsonArray();
        int best = 0;
        for (int k = 1; k < logits.size(); k++) {
            best = logits.get(k).getAsDouble() > logits.get(best).getAsDouble() ? k : best;
        }
        Path f = input("won.jsonl", "{\"text\": \"won\"}");
        CliRunner cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", hf.toString(), "--input", f.toString()), cli.err());
        List<JsonObject> got = lines(cli.out());
        assertEquals(1, got.size(), cli.out());
        assertEquals("LABEL_" + best, got.get(0).get("label").getAsString(), "HF's arg-max of " + logits);
    }

    @Test
    void exportedClassifierTakesTextsAndPairsMixed() throws Exception {
        Path hf = hfTopic;
        assertTrue(hfTopicExported.contains(hf.toString()), hfTopicExported);
        Path f = input("mixed.jsonl", "{\"text\": \"john visited paris\"}",
                "{\"text\": \"who wrote?\", \"pair\": \"mary wrote a film\"}", "{\"text\": \"the team read\"}");
        CliRunner cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", hf.toString(), "--input", f.toString()), cli.err());
        List<JsonObject> got = lines(cli.out());
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.loadHuggingFace(hf, m)) {
            TaskPredictor p = model.predictor("text-classification");
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
        Path hf = hfTopic;
        Path f = input("bad-pair.jsonl", "{\"text\": \"john visited paris\"}", "{\"text\": \"the team read\"}",
                "{\"text\": \"who wrote?\", \"pair\": \"   \"}");
        CliRunner cli = new CliRunner("predict");
        assertEquals(2, cli.run("--model", hf.toString(), "--input", f.toString()));
        assertTrue(cli.err().contains(f + ":3: the pair is only whitespace"), cli.err());
        assertEquals(2, lines(cli.out()).size(), cli.out());
    }

    /**
     * An HF classifier's chunk goes to the predictor in two calls, single texts and pairs; under
     * --skip-bad each refusal must land on its own line, not on the line at its index in the call.
     */
    @Test
    void skipBadNamesRefusedSinglesAndPairsOfAnHfClassifierByTheirOwnLines() throws Exception {
        Path hf = hfTopic;
        Path f = input("mixed-bad.jsonl", "{\"text\": \"john visited paris\"}",
                "{\"text\": \"who wrote?\", \"pair\": \"   \"}", "{\"text\": \" \"}",
                "{\"text\": \"who wrote?\", \"pair\": \"mary wrote a film\"}");
        CliRunner cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", hf.toString(), "--input", f.toString(), "--skip-bad"), cli.err());
        List<JsonObject> got = lines(cli.out());
        assertEquals(4, got.size(), cli.out());
        assertTrue(got.get(1).get("error").getAsString().startsWith(f + ":2: the pair is only whitespace"), got.get(1).toString());
        assertTrue(got.get(2).get("error").getAsString().startsWith(f + ":3: the text is only whitespace"), got.get(2).toString());
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.loadHuggingFace(hf, m)) {
            TaskPredictor p = model.predictor("text-classification");
            assertEquals(p.classify(List.of("john visited paris")).get(0).label(), got.get(0).get("label").getAsString());
            assertEquals(p.classifyPairs(List.of("who wrote?"), List.of("mary wrote a film")).get(0).label(),
                    got.get(3).get("label").getAsString());
        }
    }

    /**
     * Loading an HF folder fills its head in place; a copy through a host buffer made PyTorch
     * print a C++ deprecation warning (AutoNonVariableTypeMode) on the process's stderr, which
     * only a child JVM sees.
     */
    @Test
    void predictingFromAnHfFolderPrintsNoNativeWarning() throws Exception {
        // the child, started ahead, predicted quiet.jsonl's one line from the topic task exported to hf-topic
        String log = logOf(hfQuietLog);
        assertEquals(1, log.lines().filter(l -> l.startsWith("{\"label\"")).count(), log);
        assertFalse(log.contains("Warning:") || log.contains("AutoNonVariableTypeMode"), log);
    }

    /**
     * JSON lines are data, read as UTF-8 whatever the locale: they are written so too (RFC 8259's
     * encoding for JSON between systems). Under a Latin-1 locale (the JVM's encodings set so, as
     * {@code LANG=de_DE.ISO-8859-1} sets them) standard output wrote each ideograph as {@code ?},
     * so a word's text no longer was the input's text between its offsets. Each word's text must be
     * the input's code points between its start and end, read back as UTF-8.
     */
    private static final String LATIN1_TEXT = "john 北京 paris";

    @Test
    void writesUtf8WhateverTheLocalesEncoding() throws Exception {
        // the child, started ahead under those encodings, tagged latin1-locale.jsonl's one line of LATIN1_TEXT
        String text = LATIN1_TEXT;
        String log = logOf(latin1Log);
        List<JsonObject> out = lines(log.lines().filter(l -> l.startsWith("{")).reduce("", (a, b) -> a + b + "\n"));
        assertEquals(1, out.size(), log);
        JsonArray words = out.get(0).getAsJsonArray("words");
        assertEquals(4, words.size(), log);
        for (JsonElement w : words) {
            JsonObject o = w.getAsJsonObject();
            int start = text.offsetByCodePoints(0, o.get("start").getAsInt());
            int end = text.offsetByCodePoints(0, o.get("end").getAsInt());
            assertEquals(text.substring(start, end), o.get("text").getAsString(), log);
        }
    }

    /**
     * The export declares the task's 32 tokens (its feature length, under the fixture encoder's 64
     * positions), and 30 words fill them with [CLS] and [SEP]; a folder that declares 16 is read
     * with 16 (14 read between [CLS] and [SEP], 16 cut), and one whose declaration is malformed is
     * bad input naming its file.
     */
    @Test
    void anHfFolderIsReadWithTheLimitItsTokenizerConfigDeclares() throws Exception {
        Path hf = tmp.resolve("hf-ner-limit");
        CliRunner export = new CliRunner("export");
        assertEquals(0, export.run("--model", saved.toString(), "--task", "ner", "--out", hf.toString()), export.err());
        Path config = hf.resolve("tokenizer_config.json");
        assertEquals(32, JsonParser.parseString(Files.readString(config)).getAsJsonObject().get("model_max_length")
                .getAsInt());
        String thirty = String.join(", ", Collections.nCopies(15, "\"john\", \"paris\""));
        Path f = input("thirty.jsonl", "{\"words\": [" + thirty + "]}");
        CliRunner cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", hf.toString(), "--input", f.toString()), cli.err());
        assertEquals(0, lines(cli.out()).get(0).get("wordsCut").getAsInt());
        Files.writeString(config, "{\"model_max_length\": 16}");
        cli = new CliRunner("predict");
        assertEquals(0, cli.run("--model", hf.toString(), "--input", f.toString()), cli.err());
        assertEquals(16, lines(cli.out()).get(0).get("wordsCut").getAsInt());
        assertEquals("prefine predict: 1 of 1 inputs were cut to 16 tokens (their ends not read)", cli.err().strip());
        Files.writeString(config, "{\"model_max_length\": \"16\"}");
        cli = new CliRunner("predict");
        assertEquals(2, cli.run("--model", hf.toString(), "--input", f.toString()));
        assertTrue(cli.err().contains(config + ": model_max_length is \"16\""), cli.err());
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
        assertTrue(cli.err().contains("has 5 tasks [topic, match, ner, qa, copa]; name one with --task"), cli.err());
        Path f = input("one.jsonl", "{\"text\": \"x\"}");
        CliRunner predict = new CliRunner("predict");
        assertEquals(2, predict.run("--model", saved.toString(), "--input", f.toString()));
        assertTrue(predict.err().contains("name one with --task"), predict.err());
    }
}
