package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.testing.ShortPositions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hugging Face folders that {@link FinetunedModel#loadHuggingFace} refuses, each a copy of an HF
 * fixture folder with one thing changed; every message names the file and what was expected.
 * Also: a single-text prefine task stays single-text, and a prefine folder loaded as HF (or the
 * other way round) says which loader reads it.
 */
class HfTaskFolderErrorsTest {
    @TempDir
    Path tmp;

    /**
     * A copy of the BERT sequence classifier (3 labels), its tensors and config changed as given;
     * a later copy replaces the earlier.
     */
    private Path copy(Consumer<Map<String, HostTensor>> tensors, Consumer<JsonObject> config) throws Exception {
        Path hf = SharedFixtures.require("fixtures/hf-reference/bert/sequence-classification");
        Path dir = Files.createDirectories(tmp.resolve("hf"));
        Map<String, HostTensor> t;
        try (SafetensorsReader r = SafetensorsReader.open(hf)) {
            t = new TreeMap<>(r.readAll());
        }
        tensors.accept(t);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), new ArrayList<>(t.values()),
                SafetensorsWriter.PT_METADATA);
        JsonObject c = JsonParser.parseString(Files.readString(hf.resolve("config.json"))).getAsJsonObject();
        config.accept(c);
        Files.writeString(dir.resolve("config.json"), new GsonBuilder().setPrettyPrinting().create().toJson(c));
        Files.copy(hf.resolve("tokenizer.json"), dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    /** A config change: {@code architectures} naming one class. */
    private static Consumer<JsonObject> architectures(String name) {
        return c -> {
            JsonArray a = new JsonArray();
            a.add(name);
            c.add("architectures", a);
        };
    }

    private static String refusal(Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> FinetunedModel.loadHuggingFace(dir, m).close());
            return e.getMessage();
        }
    }

    /** A model of {@code n} positions ({@link ShortPositions}). */
    private Path withPositions(String task, int n) throws Exception {
        return ShortPositions.copy(SharedFixtures.require("fixtures/hf-reference/bert/" + task), tmp.resolve("hf"), n);
    }

    /**
     * A classifier whose encoder has fewer positions than the QA minimum (8) was refused, though
     * a classifier builds no QA window: it loads, cuts its rows at its 6 positions, and gives HF's
     * logits for a text that fits (the reference's {@code won}, 3 tokens, whose logits HF computed
     * with the full table: positions 0-2 are the same rows).
     */
    @Test
    void aClassifierOfFewerPositionsThanAQaWindowLoadsAndClassifies() throws Exception {
        Path dir = withPositions("sequence-classification", 6);
        JsonObject ref = JsonParser.parseString(Files.readString(SharedFixtures.require("fixtures/hf-reference/bert")
                .resolve("reference.json"))).getAsJsonObject();
        assertEquals("won", ref.getAsJsonArray("cases").get(3).getAsJsonObject().get("text").getAsString());
        JsonArray hf = ref.getAsJsonObject("heads").getAsJsonObject("sequence-classification").getAsJsonArray("logits")
                .get(3).getAsJsonArray();
        assertEquals(6, FinetunedModel.huggingFaceSettings(dir).maxLength());
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.loadHuggingFace(dir, m)) {
            TaskPredictor p = model.predictor("text-classification");
            double[] logits = new double[3];
            for (int k = 0; k < 3; k++) {
                logits[k] = hf.get(k).getAsDouble();
            }
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l);
            }
            LabelPrediction won = p.classify(List.of("won")).get(0);
            assertEquals("LABEL_1", won.label(), "the arg-max of HF's logits " + hf);
            for (int k = 0; k < 3; k++) {
                assertEquals(Math.exp(logits[k]) / sum, won.probabilities().get("LABEL_" + k), 1e-5, "LABEL_" + k);
            }
            // a longer text is cut at the 6 positions, as at any length
            assertEquals(3, p.classify(List.of("John Smith visited Paris in May.")).get(0).probabilities().size());
        }
    }

    /** A QA model of as few positions still is refused, naming the member its windows come from. */
    @Test
    void aQaModelOfFewerPositionsThanAQaWindowIsRefusedNamingTheConfig() throws Exception {
        Path dir = withPositions("question-answering", 6);
        assertEquals(dir.resolve("config.json") + ": max_position_embeddings gives the encoder 6 positions, too few"
                + " for the windows of a question-answering model; expected at least 8", refusal(dir));
    }

    /**
     * A BERT config whose {@code max_position_embeddings} leaves fewer positions than the shortest
     * feature rows (4 tokens) was refused by {@code FeatureSettings} alone, naming no file (found by
     * {@code SavedModelProperties}); the config is named, with its member.
     */
    @Test
    void refusesPositionsTooFewForFeatureRowsNamingTheConfig() throws Exception {
        Path dir = copy(t -> { }, c -> c.addProperty("max_position_embeddings", 1));
        // BERT positions are max_position_embeddings; 1 gives rows and QA windows of 1 token
        String expected = dir.resolve("config.json") + ": max_position_embeddings gives the encoder 1 positions, too"
                + " few for feature rows (feature settings: maxLength >= 4 required, found 1); expected at least 4";
        assertEquals(expected, refusal(dir));
        IOException e = assertThrows(IOException.class, () -> FinetunedModel.huggingFaceSettings(dir));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void copyUnchangedLoads() throws Exception {
        Path dir = copy(t -> { }, c -> { });
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.loadHuggingFace(dir, m)) {
            assertEquals(3, model.tasks().get(0).numLabels());
        }
    }

    @Test
    void refusesAMissingHeadTensor() throws Exception {
        String msg = refusal(copy(t -> t.remove("classifier.bias"), c -> { }));
        assertTrue(msg.contains("model.safetensors") && msg.contains("lacks the head tensor classifier.bias of"
                + " BertForSequenceClassification (expected shape [3])"), msg);
    }

    @Test
    void refusesAMissingPooler() throws Exception {
        String msg = refusal(copy(t -> t.remove("bert.pooler.dense.weight"), c -> { }));
        assertTrue(msg.contains("model.safetensors") && msg.contains("bert.pooler.dense.weight")
                && msg.contains("expected shape [32, 32]"), msg);
    }

    @Test
    void refusesAWrongShapedHeadTensor() throws Exception {
        String msg = refusal(copy(t -> t.put("classifier.weight",
                HostTensor.ofFloats("classifier.weight", new long[] {3, 31}, new float[3 * 31])), c -> { }));
        assertTrue(msg.contains("model.safetensors") && msg.contains("classifier.weight has shape [3, 31], expected"
                + " [3, 32]"), msg);
    }

    /**
     * A head tensor holding NaN or an infinity (a diverged run's) is refused at load, naming the
     * file and the tensor, as the encoder's and its pooler's are and as a prefine folder's heads
     * are: it loaded, and every prediction was NaN ({@code predict} wrote {@code "a": NaN}, which is
     * no JSON, with the first label as if chosen).
     */
    @Test
    void refusesAHeadTensorHoldingNaNOrInfinity() throws Exception {
        for (float bad : new float[] {Float.NaN, Float.NEGATIVE_INFINITY}) {
            String msg = refusal(copy(t -> t.put("classifier.bias", HostTensor.ofFloats("classifier.bias",
                    new long[] {3}, new float[] {0f, bad, 0f})), c -> { }));
            assertEquals(tmp.resolve("hf").resolve("model.safetensors") + ": tensor classifier.bias holds NaN or"
                    + " infinite values, as a diverged run leaves", msg.substring(0, msg.indexOf(" leaves") + 7), msg);
        }
    }

    /**
     * Half-precision head tensors are widened to float32 on load, their NaN and infinity bits kept,
     * so they are refused as float32 ones are: an F16 {@code classifier.weight} holding +inf (bits
     * 0x7C00) and a BF16 one holding NaN (0x7FC0), and a BF16 pooler bias holding -inf (0xFF80), the
     * pooler being part of BERT's sequence head (and read by the encoder as its pooler first).
     */
    @Test
    void refusesAHalfPrecisionHeadTensorHoldingNaNOrInfinity() throws Exception {
        Path file = tmp.resolve("hf").resolve("model.safetensors");
        String[][] cases = {{"classifier.weight", "F16", "7C00"}, {"classifier.weight", "BF16", "7FC0"},
            {"bert.pooler.dense.bias", "BF16", "FF80"}};
        for (String[] c : cases) {
            String msg = refusal(copy(t -> t.put(c[0], half(t.get(c[0]), HostTensor.DType.valueOf(c[1]),
                    (short) Integer.parseInt(c[2], 16))), x -> { }));
            assertEquals(file + ": tensor " + c[0] + " holds NaN or infinite values, as a diverged run leaves",
                    msg.substring(0, Math.max(0, msg.indexOf(" leaves")) + 7), String.join(" ", c) + ": " + msg);
        }
    }

    /** A tensor of the same name and shape in a 16-bit type: zeros, but its second value's bits. */
    private static HostTensor half(HostTensor like, HostTensor.DType dtype, short second) {
        long n = 1;
        for (long d : like.shape()) {
            n *= d;
        }
        ByteBuffer b = ByteBuffer.allocate((int) n * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(2, second);
        return new HostTensor(like.name(), dtype, like.shape(), b);
    }

    @Test
    void refusesId2labelOfAnotherSizeThanTheHead() throws Exception {
        String msg = refusal(copy(t -> { }, c -> {
            JsonObject id2label = new JsonObject();
            JsonObject label2id = new JsonObject();
            for (int i = 0; i < 4; i++) {
                id2label.addProperty(Integer.toString(i), "L" + i);
                label2id.addProperty("L" + i, i);
            }
            c.add("id2label", id2label);
            c.add("label2id", label2id);
        }));
        assertTrue(msg.contains("model.safetensors") && msg.contains("classifier.weight has shape [3, 32], expected"
                + " [4, 32] (4 classes, as config.json's id2label lists)"), msg);
    }

    @Test
    void refusesId2labelWithAGapInItsIds() throws Exception {
        String msg = refusal(copy(t -> { }, c -> {
            JsonObject id2label = new JsonObject();
            id2label.addProperty("0", "neg");
            id2label.addProperty("1", "neu");
            id2label.addProperty("3", "pos");
            c.add("id2label", id2label);
        }));
        assertTrue(msg.contains("config.json") && msg.contains("id2label key \"3\" is not an id from 0 to 2"), msg);
    }

    @Test
    void refusesAnUnknownArchitecture() throws Exception {
        String msg = refusal(copy(t -> { }, architectures("BertForMaskedLM")));
        assertTrue(msg.contains("config.json") && msg.contains("BertForMaskedLM")
                && msg.contains("expected a task model prefine reads, one of [BertForMultipleChoice,"), msg);
    }

    @Test
    void refusesAnArchitectureOfAnotherFamilyThanTheModelType() throws Exception {
        String msg = refusal(copy(t -> { }, architectures("XLMRobertaForSequenceClassification")));
        assertTrue(msg.contains("config.json") && msg.contains("model_type is bert, whose task classes start with"
                + " BertFor"), msg);
    }

    @Test
    void refusesAModelTypeWithoutAnEncoderHere() throws Exception {
        String msg = refusal(copy(t -> { }, c -> {
            c.addProperty("model_type", "distilbert");
            architectures("DistilBertForSequenceClassification").accept(c);
        }));
        assertTrue(msg.contains("config.json") && msg.contains("model_type \"distilbert\" is not supported; supported:"
                + " bert, roberta, xlm-roberta"), msg);
    }

    /** HF's multiple-choice classifier is Linear(hidden, 1): the sequence classifier's three rows are not it. */
    @Test
    void refusesAMultipleChoiceClassifierOfMoreThanOneOutput() throws Exception {
        String msg = refusal(copy(t -> { }, architectures("BertForMultipleChoice")));
        assertTrue(msg.contains("model.safetensors") && msg.contains("classifier.weight has shape [3, 32], expected"
                + " [1, 32] (one score per choice: BertForMultipleChoice's classifier is Linear(hidden, 1))")
                && msg.contains("classifier.bias has shape [3], expected [1]"), msg);
    }

    /** BertForMultipleChoice scores the pooled output, so a folder without the pooler is not one. */
    @Test
    void refusesAMultipleChoiceFolderWithoutPooler() throws Exception {
        String msg = refusal(copy(t -> {
            t.put("classifier.weight", HostTensor.ofFloats("classifier.weight", new long[] {1, 32}, new float[32]));
            t.put("classifier.bias", HostTensor.ofFloats("classifier.bias", new long[] {1}, new float[1]));
            t.remove("bert.pooler.dense.bias");
        }, architectures("BertForMultipleChoice")));
        assertTrue(msg.contains("model.safetensors") && msg.contains("lacks the head tensor bert.pooler.dense.bias of"
                + " BertForMultipleChoice (expected shape [32])"), msg);
    }

    /**
     * HF's text-classification pipeline reads a multi-label classifier's logits through a sigmoid,
     * each label on its own, and a regression's raw (its {@code problem_type}); reading either as
     * a softmax over labels would print other scores and a single label without a word.
     */
    @Test
    void refusesAClassifierHfReadsWithoutSoftmax() throws Exception {
        for (String type : List.of("multi_label_classification", "regression")) {
            String msg = refusal(copy(t -> { }, c -> c.addProperty("problem_type", type)));
            assertTrue(msg.contains("config.json") && msg.contains("problem_type is \"" + type + "\"")
                    && msg.contains("expected single_label_classification"), msg);
        }
        Path single = copy(t -> { }, c -> c.addProperty("problem_type", "single_label_classification"));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.loadHuggingFace(single, m)) {
            assertEquals(3, model.tasks().get(0).numLabels());
        }
    }

    /** Without id2label HF names num_labels classes LABEL_0, LABEL_1, ...; a float count is no count. */
    @Test
    void numLabelsWithoutId2labelNamesTheClassesAsHf() throws Exception {
        Path dir = copy(t -> { }, c -> {
            c.remove("id2label");
            c.remove("label2id");
            c.addProperty("num_labels", 3);
        });
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.loadHuggingFace(dir, m)) {
            assertEquals(List.of("LABEL_0", "LABEL_1", "LABEL_2"), model.tasks().get(0).labels());
        }
        // Python's json reads 3.0 as a float, and HF's range(num_labels) fails on it
        String msg = refusal(copy(t -> { }, c -> {
            c.remove("id2label");
            c.remove("label2id");
            c.add("num_labels", JsonParser.parseString("3.0"));
        }));
        assertTrue(msg.contains("config.json") && msg.contains("num_labels must be a whole number")
                && msg.contains("found 3.0"), msg);
    }

    /** A QA model's two logits: the refusal names the field that gave another count, as HF reads it. */
    @Test
    void aQaModelsLabelCountIsNamedByTheFieldItCameFrom() throws Exception {
        String fromCount = refusal(copy(t -> { }, architectures("BertForQuestionAnswering").andThen(c -> {
            c.remove("id2label");
            c.remove("label2id");
            c.addProperty("num_labels", 3);
        })));
        assertTrue(fromCount.contains("config.json") && fromCount.contains("so num_labels must give 2 labels")
                && fromCount.contains("found 3"), fromCount);
        // the fixture's classifier lists 3 labels in id2label
        String fromMap = refusal(copy(t -> { }, architectures("BertForQuestionAnswering")));
        assertTrue(fromMap.contains("so id2label must give 2 labels") && fromMap.contains("found 3"), fromMap);
    }

    @Test
    void refusesAFolderWithoutTokenizer() throws Exception {
        Path dir = copy(t -> { }, c -> { });
        Files.delete(dir.resolve("tokenizer.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FinetunedModel.loadHuggingFace(dir, m));
            assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
        }
    }

    @Test
    void hfFolderGivenToLoadNamesLoadHuggingFace() throws Exception {
        Path dir = copy(t -> { }, c -> { });
        try (NDManager m = NDManager.newBaseManager()) {
            NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FinetunedModel.load(dir, m));
            assertTrue(e.getMessage().contains("loadHuggingFace"), e.getMessage());
        }
    }

    @Test
    void prefineFolderGivenToLoadHuggingFaceNamesLoad(@TempDir Path dir) throws Exception {
        // the other way round from hfFolderGivenToLoadNamesLoadHuggingFace: a folder ModelExport wrote
        // (README: a manifest prefine-model.json beside encoder/) said only "not a Hugging Face model folder"
        Files.writeString(dir.resolve("prefine-model.json"), "{}");
        try (NDManager m = NDManager.newBaseManager()) {
            NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FinetunedModel.loadHuggingFace(dir, m));
            assertEquals(dir.resolve("config.json") + ": no config.json but a prefine-model.json: a folder ModelExport"
                    + " wrote, which FinetunedModel.load reads", e.getMessage());
            e = assertThrows(NoSuchFileException.class, () -> FinetunedModel.huggingFaceSettings(dir));
            assertTrue(e.getMessage().endsWith("which FinetunedModel.load reads"), e.getMessage());
        }
    }

    @Test
    void prefineTextTaskStillTakesSingleTextsOnly(@TempDir Path out) throws Exception {
        TinyFinetuning.saveUntrained(out);
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(out, m)) {
            TaskPredictor p = model.predictor("topic");
            assertFalse(p.takesTextsAndPairs());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> p.classifyPairs(List.of("a"), List.of("b")));
            assertTrue(e.getMessage().contains("call classify(texts)"), e.getMessage());
        }
    }

    @Test
    void savedTasksWrittenAsHfPredictTheSame(@TempDir Path out) throws Exception {
        TinyFinetuning.saveUntrained(out.resolve("prefine"));
        List<String> texts = List.of("john walked to paris", "mary read");
        List<List<String>> sentences = List.of(List.of("john", "walked", "to", "paris"), List.of("mary", "read"));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel saved = FinetunedModel.load(out.resolve("prefine"), m)) {
            saved.writeHuggingFace("topic", out.resolve("topic"));
            saved.writeHuggingFace("ner", out.resolve("ner"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> saved.writeHuggingFace("nope", out.resolve("nope")));
            assertTrue(e.getMessage().contains("no task nope"), e.getMessage());
            try (FinetunedModel topic = FinetunedModel.loadHuggingFace(out.resolve("topic"), m);
                    FinetunedModel ner = FinetunedModel.loadHuggingFace(out.resolve("ner"), m)) {
                assertEquals(List.of("person", "place"), topic.tasks().get(0).labels());
                assertEquals(List.of("O", "B-PER", "I-PER"), ner.tasks().get(0).labels());
                List<LabelPrediction> want = saved.predictor("topic").classify(texts);
                List<LabelPrediction> got = topic.predictor("text-classification").classify(texts);
                for (int i = 0; i < texts.size(); i++) {
                    assertEquals(want.get(i).label(), got.get(i).label());
                    for (String l : List.of("person", "place")) {
                        assertEquals(want.get(i).probabilities().get(l), got.get(i).probabilities().get(l), 1e-6);
                    }
                }
                assertEquals(saved.predictor("ner").tag(sentences).stream().map(TagPrediction::tags).toList(),
                        ner.predictor("token-classification").tag(sentences).stream().map(TagPrediction::tags).toList());
            }
        }
    }
    /**
     * An export writes config.json last so that a folder with a config is complete; over an
     * earlier export, that earlier config stayed while the new weights were written, so an export
     * that failed midway left the old task's labels and class beside the new task's tensors.
     */
    @Test
    void anExportThatFailsMidwayLeavesNoConfigOfAnotherTask(@TempDir Path out) throws Exception {
        TinyFinetuning.saveUntrained(out.resolve("prefine"));
        Path hf = out.resolve("hf");
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel saved = FinetunedModel.load(out.resolve("prefine"), m)) {
            saved.writeHuggingFace("topic", hf);
            // a tokenizer.json that cannot be replaced: a folder with a file in it
            Files.delete(hf.resolve("tokenizer.json"));
            Files.writeString(Files.createDirectories(hf.resolve("tokenizer.json")).resolve("keep"), "x");

            assertThrows(IOException.class, () -> saved.writeHuggingFace("ner", hf));
        }
        assertFalse(Files.exists(hf.resolve("config.json")), "the topic export's config.json beside ner's weights");
    }
}
