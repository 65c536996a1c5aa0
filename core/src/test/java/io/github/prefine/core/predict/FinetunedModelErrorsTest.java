package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.EncoderWriter;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.ExtractiveQa;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.heads.HeadFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refusals of saving, loading and predicting, each naming the folder or the task and what was
 * expected; on the tiny BERT fixture's encoder with fresh heads (no training needed to refuse).
 */
class FinetunedModelErrorsTest {
    private static final FeatureSettings SETTINGS = FeatureSettings.paper().withLengths(32, 40, 8);
    @TempDir
    static Path tmp;
    static Path saved;
    static Path v1;

    @BeforeAll
    static void save() throws Exception {
        saved = tmp.resolve("saved");
        v1 = tmp.resolve("v1");
        try (NDManager m = NDManager.newBaseManager(); SubwordTokenizer tok = TinyFinetuning.tokenizer();
                MultiHeadModel model = model(m)) {
            export(model, tok).writeTo(saved);
            model.save(v1, EncoderWriter.huggingFace(tok.path()));
        }
    }

    private static MultiHeadModel model(NDManager m) throws IOException {
        return TinyFinetuning.untrained(m);
    }

    private static ModelExport export(MultiHeadModel model, SubwordTokenizer tok) {
        return TinyFinetuning.export(model, tok, SETTINGS);
    }

    @Test
    void manifestRecordsFormatsLabelsLengthsAndTokenizer() throws Exception {
        ModelManifest m = ModelManifest.read(saved);
        assertEquals(2, m.version());
        assertEquals(List.of(new SavedTask("topic", TaskFormat.SINGLE_TEXT, List.of("person", "place"), SETTINGS),
                new SavedTask("ner", TaskFormat.TOKEN, List.of("O", "B-PER", "I-PER"), SETTINGS),
                new SavedTask("qa", TaskFormat.QA, List.of(), SETTINGS)), m.tasks());
        assertEquals("encoder/tokenizer.json", m.tokenizer());
        assertEquals(Files.readString(TinyFinetuning.bert().resolve("tokenizer.json")),
                Files.readString(saved.resolve(m.tokenizer())));
        assertEquals(0, m.padId());
        assertEquals("", m.lacks());
    }

    @Test
    void refusesAnUnknownTaskNamingTheFolderAndItsTasks() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.predictor("sentiment"));
            assertEquals("model " + saved + ": no task sentiment; its tasks are [topic, ner, qa]", e.getMessage());
        }
    }

    @Test
    void refusesInputsOfAnotherFormatNamingTheMethodTheTaskTakes() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            IllegalArgumentException pair = assertThrows(IllegalArgumentException.class,
                    () -> model.predictor("topic").classifyPairs(List.of("john"), List.of("paris")));
            assertEquals("predictor: task topic is a text task, and classifyPairs(texts, pairs) serves text-pair tasks;"
                    + " call classify(texts) with single texts", pair.getMessage());
            IllegalArgumentException words = assertThrows(IllegalArgumentException.class,
                    () -> model.predictor("qa").tag(List.of(List.of("john", "visited"))));
            assertEquals("predictor: task qa is a qa task, and tag(sentences of words) serves token tasks; call"
                    + " answer(questions, contexts) with questions and contexts", words.getMessage());
            IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
                    () -> model.predictor("ner").classify(List.of("john visited paris")));
            assertEquals("predictor: task ner is a token task, and classify(texts) serves text tasks; call"
                    + " tag(sentences) with pre-split words, or tagTexts(texts) with raw texts", text.getMessage());
        }
    }

    /**
     * Copies the saved folder to {@code tmp/name} with the first {@code was} in its manifest
     * replaced by {@code now}; returns the copy's manifest.
     */
    private static Path editedCopy(String name, String was, String now) throws IOException {
        Path copy = tmp.resolve(name);
        copyTree(saved, copy);
        Path file = copy.resolve(ModelManifest.FILE);
        String text = Files.readString(file);
        assertTrue(text.contains(was), text);
        Files.writeString(file, text.replaceFirst(java.util.regex.Pattern.quote(was),
                java.util.regex.Matcher.quoteReplacement(now)));
        return file;
    }

    /** Saves a model of one two-choice task, copa, to {@code dir}. */
    private static void saveChoiceModel(Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); SubwordTokenizer tok = TinyFinetuning.tokenizer();
                MultiHeadModel model = MultiHeadModel.builder().setManager(m)
                        .setEncoder(EncoderCheckpoint.load(TinyFinetuning.bert().resolve("encoder"), m).encoder())
                        .addHead("copa", TaskFormat.CHOICE.newHead(2, HeadFamily.BERT, 1)).build()) {
            ModelExport.builder().setModel(model).setTokenizer(tok).setFeatureSettings(SETTINGS)
                    .addTask("copa", TaskFormat.CHOICE, List.of()).build().writeTo(dir);
        }
    }

    @Test
    void loadsAChoiceTaskAndPointsOtherMethodsToChoose() throws Exception {
        Path dir = tmp.resolve("choice");
        saveChoiceModel(dir);
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(dir, m)) {
            assertEquals(TaskFormat.CHOICE, model.tasks().get(0).format());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.predictor("copa").classify(List.of("john")));
            assertEquals("predictor: task copa is a choice task, and classify(texts) serves text tasks; call"
                    + " choose(premises, questions, choices) with premises and their choices", e.getMessage());
            IllegalArgumentException choose = assertThrows(IllegalArgumentException.class,
                    () -> model.predictor("copa").choose(List.of("john"), List.of(), List.of()));
            assertEquals("predictor: task copa: 1 premises, 0 questions and 0 choice lists; expected as many of each",
                    choose.getMessage());
        }
    }

    /**
     * The export refuses lengths past the encoder's positions; a hand-edited manifest's loaded, and
     * the first text long enough failed deep in the encoder, naming no file. Refused on load, as
     * {@code withSettings} refuses such lengths when asked.
     */
    @Test
    void refusesAManifestLengthBeyondTheEncodersPositionsNamingTheFileAndTheTask() throws Exception {
        Path file = editedCopy("edited-length", "\"maxLength\": 32", "\"maxLength\": 100");
        Path copy = file.getParent();
        try (NDManager m = NDManager.newBaseManager()) {
            Throwable e = assertThrows(Throwable.class, () -> {
                try (FinetunedModel model = FinetunedModel.load(copy, m)) {
                    model.predictor("topic").classify(List.of("word ".repeat(90).strip()));
                }
            });
            assertEquals(IOException.class, e.getClass(), e.toString());
            // the tiny BERT fixture's config.json: max_position_embeddings 64
            assertEquals(file + ": task topic: field maxLength 100 reads rows longer than the 64 positions of the"
                    + " encoder (" + copy.resolve("encoder").resolve("config.json") + "); expected at most 64",
                    e.getMessage());
            assertEquals(List.of(), m.getManagedArrays());
        }
    }

    /**
     * A choice task's numLabels is its choice count: a hand-edited count below 2 failed with the
     * format's bare "choices must be at least 2, found 1", naming neither the file nor the task.
     */
    @Test
    void refusesAChoiceCountBelowTwoNamingTheFileAndTheTask() throws Exception {
        Path dir = tmp.resolve("choice-count");
        saveChoiceModel(dir);
        Path file = dir.resolve(ModelManifest.FILE);
        String text = Files.readString(file);
        assertTrue(text.contains("\"numLabels\": 2"), text);
        Files.writeString(file, text.replace("\"numLabels\": 2", "\"numLabels\": 1"));
        try (NDManager m = NDManager.newBaseManager()) {
            Throwable e = assertThrows(Throwable.class, () -> FinetunedModel.load(dir, m).close());
            assertEquals(IOException.class, e.getClass(), e.toString());
            assertEquals(file + ": task copa: field numLabels of a choice task is its choice count, found 1; expected"
                    + " at least 2", e.getMessage());
        }
    }

    /**
     * A server shutting down closes the model while a request still holds a predictor: the call
     * names the closed model, not the tokenizer it would meet first ("tokenizer is closed").
     */
    @Test
    void aPredictorOfAClosedModelSaysTheModelIsClosed() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            FinetunedModel model = FinetunedModel.load(saved, m);
            TaskPredictor topic = model.predictor("topic");
            TaskPredictor ner = model.predictor("ner");
            TaskPredictor qa = model.predictor("qa");
            model.close();
            String expected = "model " + saved + ": already closed; its predictors work while it is open";
            assertEquals(expected, assertThrows(IllegalStateException.class,
                    () -> topic.classify(List.of("john"))).getMessage());
            assertEquals(expected, assertThrows(IllegalStateException.class,
                    () -> ner.tag(List.of(List.of("john")))).getMessage());
            assertEquals(expected, assertThrows(IllegalStateException.class,
                    () -> qa.answer(List.of("who?"), List.of("john"))).getMessage());
            assertEquals(expected, assertThrows(IllegalStateException.class,
                    () -> model.predictor("topic")).getMessage());
        }
    }

    @Test
    void refusesEmptyTextsSentencesAndWordsNamingTheInput() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
                    () -> model.predictor("topic").classify(List.of("john", " ")));
            assertEquals("predictor: task topic: input 1: the text is only whitespace; expected a non-empty text",
                    text.getMessage());
            assertEquals("predictor: task topic: input 0: the text is empty; expected a non-empty text",
                    assertThrows(IllegalArgumentException.class, () -> model.predictor("topic").classify(List.of("")))
                            .getMessage());
            IllegalArgumentException sentence = assertThrows(IllegalArgumentException.class,
                    () -> model.predictor("ner").tag(List.of(List.of())));
            assertEquals("predictor: task ner: input 0: the sentence has no words; expected at least one word",
                    sentence.getMessage());
            IllegalArgumentException word = assertThrows(IllegalArgumentException.class,
                    () -> model.predictor("ner").tag(List.of(List.of("john"), List.of("john smith", "x"))));
            assertEquals("predictor: task ner: input 1: word 0 is 'john smith'; expected a non-empty word without"
                    + " whitespace (words are pre-split, as CoNLL)", word.getMessage());
            IllegalArgumentException context = assertThrows(IllegalArgumentException.class,
                    () -> model.predictor("qa").answer(List.of("who?"), List.of("")));
            assertEquals("predictor: task qa: input 0: the context is empty; expected a non-empty context",
                    context.getMessage());
            // a lone surrogate (a cut emoji) is named with its position, not left to the tokenizer's bare rejection
            IllegalArgumentException lone = assertThrows(IllegalArgumentException.class,
                    () -> model.predictor("topic").classify(List.of("john", "paris \ud800 rome")));
            assertEquals("predictor: task topic: input 1: the text holds an unpaired surrogate U+D800 at char 6;"
                    + " expected well-formed UTF-16, each character a valid Unicode scalar", lone.getMessage());
            IllegalArgumentException loneWord = assertThrows(IllegalArgumentException.class,
                    () -> model.predictor("ner").tag(List.of(List.of("john", "\udc00x"))));
            assertEquals("predictor: task ner: input 0: word 1 holds an unpaired surrogate U+DC00 at char 0;"
                    + " expected well-formed UTF-16, each character a valid Unicode scalar", loneWord.getMessage());
            // a paired surrogate (an emoji) is well-formed and goes to the model
            assertEquals(1, model.predictor("topic").classify(List.of("paris \ud83d\ude00 rome")).size());
            // what the featurizer skips is refused with its reason, not answered as "no answer"
            String longQuestion = "who " + "visited ".repeat(40) + "paris?";
            IllegalArgumentException noRoom = assertThrows(IllegalArgumentException.class,
                    () -> model.predictor("qa").answer(List.of("who?", longQuestion), List.of("john", "john")));
            // the window (40) and stride (8) are SETTINGS'; 40 - 3 special tokens - 8 leaves at most 28 for a question
            String room = "question leaves the context no more tokens than the stride at this max length: the question is ";
            String numbers = ", and a window of 40 with its 3 special tokens leaves the context 0, not more than the"
                    + " stride 8; expected a question of at most 28 tokens, a longer QA max length or a shorter stride";
            assertTrue(noRoom.getMessage().startsWith("predictor: task qa: input 1: " + room), noRoom.getMessage());
            assertTrue(noRoom.getMessage().endsWith(numbers + " (1 of 2 inputs refused)"), noRoom.getMessage());
            // a caller reading inputs from a file maps the index to its line and words it with the reason
            RefusedInputException refusal = assertInstanceOf(RefusedInputException.class, noRoom);
            assertEquals(1, refusal.index());
            assertTrue(refusal.reason().startsWith(room) && refusal.reason().endsWith(numbers), refusal.reason());
            // an empty batch is no error: nothing in, nothing out
            assertEquals(List.of(), model.predictor("topic").classify(List.of()));
        }
    }

    @Test
    void refusesAFolderWithoutItsTokenizer() throws Exception {
        Path copy = tmp.resolve("no-tokenizer");
        copyTree(saved, copy);
        Files.delete(copy.resolve("encoder/tokenizer.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FinetunedModel.load(copy, m));
            assertTrue(e.getMessage().contains("the model folder " + copy + " has no tokenizer file encoder/tokenizer.json"),
                    e.getMessage());
            // a name changed in the manifest is sought where the manifest says: the message names the manifest
            assertTrue(e.getMessage().contains("which its " + ModelManifest.FILE + " names"), e.getMessage());
        }
    }

    @Test
    void refusesAFolderWithoutItsHeadsAndFreesWhatItLoaded() throws Exception {
        Path copy = tmp.resolve("no-heads");
        copyTree(saved, copy);
        Files.delete(copy.resolve("heads.safetensors"));
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> FinetunedModel.load(copy, m));
            assertTrue(e.getMessage().contains("heads.safetensors"), e.getMessage());
            // the encoder loaded before the failure is freed with the half-built model, not left in m
            assertEquals(List.of(), m.getManagedArrays());
        }
    }

    @Test
    void refusesAHandEditedManifestNamingTheFileAndTheField() throws Exception {
        String file = ModelManifest.FILE;
        // each edit breaks the documented shape: a task entry that is no object, a label that is no
        // string, a fractional label count (read as 2 before), a negative padding id
        String[][] edits = {
            {"\"tasks\": [", "\"tasks\": [\"junk\", ", "field tasks[0] must be an object, found \"junk\""},
            {"\"person\"", "null", "task topic: field labels[0] must be a string, found null"},
            {"\"place\"", "{}", "task topic: field labels[1] must be a string, found {}"},
            // predictions key probabilities by label name: a repeated name lost one class's probability
            {"\"place\"", "\"person\"", "task topic: field labels[1] \"person\" is labels[0] too; expected"
                    + " distinct label names, which predictions are keyed by"},
            {"\"numLabels\": 2", "\"numLabels\": 2.5", "field numLabels must be an integer from -2147483648 to 2147483647, without a fraction or exponent, found 2.5"},
            // Python's json reads 2.0 as a float: not a count
            {"\"numLabels\": 2", "\"numLabels\": 2.0", "field numLabels must be an integer from -2147483648 to 2147483647, without a fraction or exponent, found 2.0"},
            {"\"padId\": 0", "\"padId\": -5", "field padId must be 0 or more, found -5"},
            // the model's builder refused these on load, naming no file
            {"\"name\": \"topic\"", "\"name\": \"\"", "field tasks[0].name must be non-empty without '/', found \"\""},
            {"\"name\": \"topic\"", "\"name\": \"a/b\"", "field tasks[0].name must be non-empty without '/', found \"a/b\""},
            // the tasks are topic, ner, qa: the builder refused "task name qa is used twice", naming no file
            {"\"name\": \"topic\"", "\"name\": \"qa\"", "field tasks[2].name \"qa\" is tasks[0].name too; expected"
                    + " each task named once"},
            // no head to build: "model: at least one head is required", naming no file
            {"\"tasks\": [", "\"tasks\": [], \"was\": [", "field tasks is empty; expected at least one task"},
        };
        for (int i = 0; i < edits.length; i++) {
            Path copy = tmp.resolve("edited-" + i);
            copyTree(saved, copy);
            String text = Files.readString(copy.resolve(file));
            assertTrue(text.contains(edits[i][0]), edits[i][0]);
            Files.writeString(copy.resolve(file), text.replaceFirst(java.util.regex.Pattern.quote(edits[i][0]),
                    java.util.regex.Matcher.quoteReplacement(edits[i][1])));
            try (NDManager m = NDManager.newBaseManager()) {
                Throwable e = assertThrows(Throwable.class, () -> FinetunedModel.load(copy, m).close());
                assertEquals(IOException.class, e.getClass(), e.toString());
                assertEquals(copy.resolve(file) + ": " + edits[i][2], e.getMessage());
                assertEquals(List.of(), m.getManagedArrays());
            }
        }
    }

    @Test
    void refusesAManifestThatIsNotUtf8NamingTheFileAndTheByte() throws Exception {
        Path copy = tmp.resolve("not-utf8");
        copyTree(saved, copy);
        Path file = copy.resolve(ModelManifest.FILE);
        byte[] bytes = Files.readAllBytes(file);
        bytes[0] = (byte) 0x80;
        Files.write(file, bytes);
        try (NDManager m = NDManager.newBaseManager()) {
            // the JDK's "Input length = 1" named neither
            IOException e = assertThrows(IOException.class, () -> FinetunedModel.load(copy, m));
            assertEquals(file + ": line 1 (byte 0) holds 0x80, not UTF-8; expected a JSON object in UTF-8", e.getMessage());
        }
    }

    @Test
    void refusesAManifestThatIsNotStandardJsonWhereItStops() throws Exception {
        Path copy = tmp.resolve("nul-before-name");
        copyTree(saved, copy);
        Path file = copy.resolve(ModelManifest.FILE);
        String text = Files.readString(file);
        // a NUL where the space after the colon was: lenient Gson read the name as \u0000"topic" and
        // the heads file was blamed for lacking that task's tensors
        int at = text.indexOf("\"name\": \"topic\"") + "\"name\":".length();
        Files.writeString(file, text.substring(0, at) + "\u0000" + text.substring(at + 1));
        int line = (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
        // the NUL's own column, counted from 1
        int column = at - text.lastIndexOf('\n', at - 1);
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> FinetunedModel.load(copy, m));
            assertEquals(file + ":" + line + ": not JSON at column " + column + " (JSON path $.tasks[0].name):"
                    + " malformed JSON; expected a JSON object", e.getMessage());
        }
    }

    @Test
    void refusesATokenizerWhoseIdsReachPastTheEncodersVocabulary() throws Exception {
        // the fixture's config.json has vocab_size 362: ids 0 to 361
        Path hf = tmp.resolve("hf-id-362");
        Files.createDirectories(hf);
        Path source = SharedFixtures.require("fixtures/hf-reference/bert/sequence-classification");
        Files.copy(source.resolve("config.json"), hf.resolve("config.json"));
        Files.copy(source.resolve("model.safetensors"), hf.resolve("model.safetensors"));
        JsonObject tokenizer = JsonParser.parseString(Files.readString(source.resolve("tokenizer.json"))).getAsJsonObject();
        tokenizer.getAsJsonObject("model").getAsJsonObject("vocab").addProperty("w", 362);
        Files.writeString(hf.resolve("tokenizer.json"), tokenizer.toString());
        Path copy = tmp.resolve("saved-id-5000");
        copyTree(saved, copy);
        Path savedTokenizer = copy.resolve("encoder/tokenizer.json");
        JsonObject added = JsonParser.parseString(Files.readString(savedTokenizer)).getAsJsonObject();
        // a token the vocabulary lacks: the library numbers it 362, past the 362 pieces, whatever the
        // file's id (5000; given a token the vocabulary holds, the library gives the vocabulary's id)
        JsonObject extra = added.getAsJsonArray("added_tokens").get(4).getAsJsonObject().deepCopy();
        extra.addProperty("content", "[NEW]");
        extra.addProperty("id", 5000);
        added.getAsJsonArray("added_tokens").add(extra);
        Files.writeString(savedTokenizer, added.toString());
        try (NDManager m = NDManager.newBaseManager()) {
            // the word "w" failed in libtorch ("index out of range in self") at the first prediction
            IOException e = assertThrows(IOException.class, () -> FinetunedModel.loadHuggingFace(hf, m));
            assertEquals(hf.resolve("tokenizer.json") + ": has token id 362, beyond the 362-entry vocabulary (vocab_size)"
                    + " of " + hf.resolve("config.json") + "; a model is used with the tokenizer it was trained with",
                    e.getMessage());
            e = assertThrows(IOException.class, () -> FinetunedModel.load(copy, m));
            assertEquals(savedTokenizer + ": has token id 362, beyond the 362-entry vocabulary (vocab_size) of "
                    + copy.resolve("encoder/config.json") + "; a model is used with the tokenizer it was trained with",
                    e.getMessage());
            assertEquals(List.of(), m.getManagedArrays());
            // a template's type id of 2^31 failed at the first text as "type ids must be 0…0 1…1,
            // found -2147483648 at position 0", naming no file
            JsonObject template = JsonParser.parseString(Files.readString(source.resolve("tokenizer.json"))).getAsJsonObject();
            template.getAsJsonObject("post_processor").getAsJsonArray("pair").get(3).getAsJsonObject()
                    .getAsJsonObject("Sequence").addProperty("type_id", 2147483648L);
            Files.writeString(hf.resolve("tokenizer.json"), template.toString());
            e = assertThrows(IOException.class, () -> FinetunedModel.loadHuggingFace(hf, m));
            assertEquals(hf.resolve("tokenizer.json") + ": $.post_processor.pair[3].Sequence.type_id 2147483648: expected"
                    + " a token type id of 0 (first text) or 1 (second text)", e.getMessage());
            // the template adds [CLS] by its own id, which the vocabulary's does not bound
            template = JsonParser.parseString(Files.readString(source.resolve("tokenizer.json"))).getAsJsonObject();
            template.getAsJsonObject("post_processor").getAsJsonObject("special_tokens").getAsJsonObject("[CLS]")
                    .getAsJsonArray("ids").set(0, new JsonPrimitive(400));
            Files.writeString(hf.resolve("tokenizer.json"), template.toString());
            e = assertThrows(IOException.class, () -> FinetunedModel.loadHuggingFace(hf, m));
            assertTrue(e.getMessage().startsWith(hf.resolve("tokenizer.json") + ": has token id 400, beyond the 362-entry"),
                    e.getMessage());
            // a manifest's padding id is looked up in every padded batch
            Path pad = tmp.resolve("saved-pad-362");
            copyTree(saved, pad);
            Path manifest = pad.resolve(ModelManifest.FILE);
            Files.writeString(manifest, Files.readString(manifest).replace("\"padId\": 0", "\"padId\": 362"));
            e = assertThrows(IOException.class, () -> FinetunedModel.load(pad, m));
            assertEquals(manifest + ": field padId 362 is beyond the 362-entry vocabulary (vocab_size) of "
                    + pad.resolve("encoder/config.json"), e.getMessage());
            assertEquals(List.of(), m.getManagedArrays());
        }
    }

    @Test
    void refusesATokenizerFileThatIsNoPathNamingTheManifest() throws Exception {
        Path file = editedCopy("nul-in-tokenizer", "\"encoder/tokenizer.json\"", "\"encoder/tok\\u0000.json\"");
        Path copy = file.getParent();
        try (NDManager m = NDManager.newBaseManager()) {
            // the load failed with the JDK's InvalidPathException, naming no file
            IOException e = assertThrows(IOException.class, () -> FinetunedModel.load(copy, m));
            assertEquals(file + ": field file \"encoder/tok\\u0000.json\" is not a path: Nul character not allowed; expected"
                    + " the tokenizer file relative to the folder", e.getMessage());
        }
    }

    @Test
    void refusesAHeadsFileHoldingATaskTheManifestLacksNamingTheFile() throws Exception {
        Path copy = tmp.resolve("task-dropped");
        copyTree(saved, copy);
        Path file = copy.resolve(ModelManifest.FILE);
        JsonObject manifest = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        manifest.getAsJsonArray("tasks").remove(1);
        Files.writeString(file, manifest.toString());
        try (NDManager m = NDManager.newBaseManager()) {
            // the folder alone was named: "<dir>: tensor heads.ner.… matches no parameter of this model"
            IOException e = assertThrows(IOException.class, () -> FinetunedModel.load(copy, m));
            assertTrue(e.getMessage().startsWith(copy.resolve("heads.safetensors") + ": tensor heads.ner."), e.getMessage());
            assertTrue(e.getMessage().endsWith(" belongs to no head of this model's tasks [topic, qa]"), e.getMessage());
            assertEquals(List.of(), m.getManagedArrays());
        }
    }

    /** Rewrites a folder's heads file with each tensor as {@code change} gives it (null drops it). */
    private static Path rewriteHeads(Path folder, java.util.function.UnaryOperator<HostTensor> change)
            throws IOException {
        Path heads = folder.resolve("heads.safetensors");
        List<HostTensor> out = new ArrayList<>();
        try (SafetensorsReader r = SafetensorsReader.open(heads)) {
            for (HostTensor t : r.readAll().values()) {
                HostTensor c = change.apply(t);
                if (c != null) {
                    out.add(c);
                }
            }
        }
        SafetensorsWriter.write(heads, out);
        return heads;
    }

    /**
     * The load builds its model with {@code optPretrainedPooler(false)}, so a pooler the heads file
     * lacks would stay at its random draw rather than the encoder's pooler: such a folder (an older
     * one, or one saved without the pooling head's pooler) is refused, naming the file and tensor.
     */
    @Test
    void refusesAHeadsFileLackingAPoolingHeadsPooler() throws Exception {
        Path copy = tmp.resolve("no-pooler");
        copyTree(saved, copy);
        Path heads = rewriteHeads(copy, t -> t.name().startsWith("heads.topic.bert.pooler.dense.") ? null : t);
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> FinetunedModel.load(copy, m));
            assertTrue(e.getMessage().startsWith(heads + ": tensor heads.topic.bert.pooler.dense."), e.getMessage());
            assertTrue(e.getMessage().endsWith(" is missing"), e.getMessage());
            assertEquals(List.of(), m.getManagedArrays());
        }
    }

    @Test
    void refusesAHeadsFileLackingATensorNamingTheFile() throws Exception {
        Path copy = tmp.resolve("renamed-head");
        copyTree(saved, copy);
        // as one changed byte of the header renames it
        Path heads = rewriteHeads(copy, t -> t.name().equals("heads.ner.classifier.bias")
                ? t.renamed("heads.ner.classifier.bia$") : t);
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> FinetunedModel.load(copy, m));
            // the folder was named, not the file that lost the tensor
            assertEquals(heads + ": tensor heads.ner.classifier.bias is missing", e.getMessage());
            assertEquals(List.of(), m.getManagedArrays());
        }
    }

    @Test
    void refusesAVersion1FolderSayingWhatItLacks() throws Exception {
        assertEquals(1, ModelManifest.read(v1).version());
        assertEquals(List.of("topic", "ner", "qa"), ModelManifest.read(v1).taskNames());
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> FinetunedModel.load(v1, m));
            assertEquals(v1 + ": cannot be used on new text: a version 1 folder (prefine-multi-head-model/1, written by"
                    + " MultiHeadModel.save) records task names, label counts and head classes only: it has no task"
                    + " formats, no label names, no feature lengths and no tokenizer; save the model with ModelExport"
                    + " to use it on new text (a ModelExport.writeTo stopped before its end leaves such a folder too:"
                    + " write it again)", e.getMessage());
        }
    }

    @Test
    void exportRefusesLengthsBeyondTheEncodersPositionsNamingTheTaskAndBothNumbers() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); SubwordTokenizer tok = TinyFinetuning.tokenizer();
                MultiHeadModel model = model(m)) {
            // the paper's 128 on the 64-position fixture: the folder was written, short texts were
            // predicted, and every input past 64 tokens failed inside the encoder at prediction
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TinyFinetuning.export(model, tok, FeatureSettings.paper()));
            // the settings given are paper()'s, so asking for "the settings the tasks were featurized with"
            // pointed back at them: the fault is the encoder's 64 positions, and the way out lengths within
            // them, paper()'s QA window of 384 and stride of 128 brought to 64 and a quarter of it
            assertEquals("model export: task topic would read new text in rows of up to 128 tokens (FeatureSettings"
                    + " maxLength), but the encoder's position table has only 64 rows, so an input past 64 tokens would"
                    + " fail at prediction; featurize and train the tasks with lengths of at most 64, and export with"
                    + " those settings, such as these settings' withLengths(64, 64, 16)", e.getMessage());
            // a QA task's windows count on their own
            e = assertThrows(IllegalArgumentException.class,
                    () -> TinyFinetuning.export(model, tok, FeatureSettings.paper().withLengths(64, 128, 32)));
            assertTrue(e.getMessage().startsWith("model export: task qa would read new text in rows of up to 128 tokens"
                    + " (FeatureSettings qaMaxLength)"), e.getMessage());
            // at the encoder's positions the folder is written
            TinyFinetuning.export(model, tok, FeatureSettings.paper().withLengths(64, 64, 16))
                    .writeTo(tmp.resolve("at-positions"));
        }
    }

    /**
     * A QA task reads new text in windows of {@code qaMaxLength} whatever instance names its format:
     * {@code new ExtractiveQa()} equals {@link TaskFormat#QA} but is another object, and was checked
     * by {@code maxLength} (32, within the 64 positions), so a window of 128 passed the export.
     */
    @Test
    void exportChecksTheWindowOfAQaFormatThatEqualsQaButIsAnotherInstance() throws Exception {
        TaskFormat qa = new ExtractiveQa();
        assertEquals(TaskFormat.QA, qa);
        try (NDManager m = NDManager.newBaseManager(); SubwordTokenizer tok = TinyFinetuning.tokenizer();
                MultiHeadModel model = model(m)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ModelExport.builder().setModel(model).setTokenizer(tok)
                            .setFeatureSettings(FeatureSettings.paper().withLengths(32, 128, 32))
                            .addTask("topic", TaskFormat.SINGLE_TEXT, List.of("person", "place"))
                            .addTask("ner", TaskFormat.TOKEN, List.of("O", "B-PER", "I-PER"))
                            .addTask("qa", qa, List.of()).build());
            assertTrue(e.getMessage().startsWith("model export: task qa would read new text in rows of up to 128 tokens"
                    + " (FeatureSettings qaMaxLength)"), e.getMessage());
        }
    }

    @Test
    void exportRefusesATokenizerWhoseFileIsGoneAndUnrecordedTasks() throws Exception {
        Path file = tmp.resolve("gone/tokenizer.json");
        Files.createDirectories(file.getParent());
        Files.copy(TinyFinetuning.bert().resolve("tokenizer.json"), file);
        try (NDManager m = NDManager.newBaseManager();
                SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(file).build();
                MultiHeadModel model = model(m)) {
            IllegalArgumentException partial = assertThrows(IllegalArgumentException.class,
                    () -> ModelExport.builder().setModel(model).setTokenizer(tok).setFeatureSettings(SETTINGS)
                            .addTask("topic", TaskFormat.SINGLE_TEXT, List.of("person", "place")).build());
            assertEquals("model export: the model's task ner is not recorded; add it with addTask or addTasks",
                    partial.getMessage());
            IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
                    () -> ModelExport.builder().setModel(model).setTokenizer(tok).setFeatureSettings(SETTINGS)
                            .addTask("topic", TaskFormat.SINGLE_TEXT, List.of("a", "b", "c"))
                            .addTask("ner", TaskFormat.TOKEN, List.of("O", "B-PER", "I-PER"))
                            .addTask("qa", TaskFormat.QA, List.of()).build());
            assertEquals("model export: task topic has 3 classes as recorded ([a, b, c]), but its head predicts 2",
                    labels.getMessage());
            Files.delete(file);
            IllegalArgumentException gone = assertThrows(IllegalArgumentException.class, () -> export(model, tok));
            assertTrue(gone.getMessage().startsWith("model export: the tokenizer's file " + file + " is gone"),
                    gone.getMessage());
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
