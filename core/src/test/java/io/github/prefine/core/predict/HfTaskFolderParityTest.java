package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.LoadedCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.task.MultipleChoice;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.HfHeads;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.heads.Head;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hugging Face task-model folders both ways, against the folders HF Transformers wrote ({@code
 * ../shared/fixtures/hf-reference/<family>/<task>/}) and the logits it computed for them:
 *
 * <ul>
 *   <li>export: the fixture's weights put into a model and written with {@link
 *       ModelExport#writeHuggingFace} give the fixture's tensors (same keys, shapes and bytes) and
 *       a config with its architecture, model type and labels; read back, the folder gives HF's
 *       logits on the reference batch within 1e-5;
 *   <li>import: the fixture folders read with {@link FinetunedModel#loadHuggingFace} give
 *       probabilities that are the softmax of HF's logits, HF's arg-max tags and HF's logits
 *       on the reference batch, and classify single texts and a text pair as HF's head does on
 *       HF's hidden states for them.
 * </ul>
 */
class HfTaskFolderParityTest {
    /**
     * Logits within 1e-5 (the README's figure for a faithful float32 path), not the usual 1e-4: the
     * fixture's sequence logits differ by about 1e-4 from one text to the next.
     */
    private static final double TOL = 1e-5;

    @ParameterizedTest
    @CsvSource({"bert,sequence-classification", "bert,token-classification", "bert,question-answering",
        "xlm-roberta,sequence-classification", "xlm-roberta,token-classification", "xlm-roberta,question-answering"})
    void exportIsTheFolderHfWroteAndGivesHfLogits(String family, String task, @TempDir Path tmp) throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/" + family);
        Path hf = fixture.resolve(task);
        JsonObject hfConfig = json(hf.resolve("config.json"));
        List<String> labels = labelNames(hfConfig);
        TaskFormat format = switch (task) {
            case "sequence-classification" -> TaskFormat.SINGLE_TEXT;
            case "token-classification" -> TaskFormat.TOKEN;
            default -> TaskFormat.QA;
        };
        Path out = tmp.resolve("export");
        try (NDManager root = NDManager.newBaseManager();
                SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(hf.resolve("tokenizer.json")).build()) {
            LoadedCheckpoint encoder = EncoderCheckpoint.load(hf, root);
            TaskHead head = format.newHead(format.hasLabelSet() ? labels.size() : 2,
                    MultiHeadModel.headFamily(encoder.config().modelType()), 7);
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(root).setEncoder(encoder.encoder())
                    .addHead("t", head).build()) {
                HfHeads.load((Head) head.block(), hf, root);
                ModelExport.builder().setModel(model).setTokenizer(tok)
                        .setFeatureSettings(FeatureSettings.paper().withLengths(64, 64, 16))
                        .addTask("t", format, format.hasLabelSet() ? labels : List.of()).build()
                        .writeHuggingFace("t", out);
            }
        }

        // the tensors: HF's keys, shapes, dtypes and bytes
        Map<String, HostTensor> want = tensors(hf);
        Map<String, HostTensor> got = tensors(out);
        assertEquals(want.keySet(), got.keySet(), family + "/" + task);
        for (String key : want.keySet()) {
            assertArrayEquals(want.get(key).shape(), got.get(key).shape(), key);
            assertEquals(want.get(key).dtype(), got.get(key).dtype(), key);
            assertEquals(want.get(key).data().duplicate().rewind(), got.get(key).data().duplicate().rewind(),
                    key + " differs in its bytes");
        }
        // the config: what AutoModelFor... and pipeline read, equal in meaning
        JsonObject config = json(out.resolve("config.json"));
        assertEquals(hfConfig.get("architectures"), config.get("architectures"));
        assertEquals(hfConfig.get("model_type"), config.get("model_type"));
        assertEquals(hfConfig.get("id2label"), config.get("id2label"));
        assertEquals(numbers(hfConfig.get("label2id")), numbers(config.get("label2id")));
        for (String k : List.of("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                "intermediate_size", "max_position_embeddings", "type_vocab_size", "layer_norm_eps", "pad_token_id")) {
            assertEquals(hfConfig.get(k).getAsDouble(), config.get(k).getAsDouble(), 0, k);
        }
        assertEquals(hfConfig.get("hidden_act"), config.get("hidden_act"));
        assertArrayEquals(Files.readAllBytes(hf.resolve("tokenizer.json")), Files.readAllBytes(out.resolve("tokenizer.json")));

        // read back: HF's logits on the reference batch
        JsonObject ref = json(fixture.resolve("reference.json"));
        try (NDManager fresh = NDManager.newBaseManager(); FinetunedModel loaded = FinetunedModel.loadHuggingFace(out, fresh)) {
            assertEquals(format.hasLabelSet() ? labels : List.of(), loaded.tasks().get(0).labels());
            assertLogitsAsHf(loaded, task, ref);
        }
    }

    /**
     * No fixture holds a multiple-choice model, so the export is held to the layout of HF's {@code
     * BertForMultipleChoice} and {@code XLMRobertaForMultipleChoice} (modeling_bert.py,
     * modeling_xlm_roberta.py): the encoder with its pooler under the family's prefix, and a
     * classifier of one output scoring each choice; no {@code id2label}, as HF's default of two
     * labels plays no part there. Read back, it is the one task {@code multiple-choice}, with no
     * labels ({@link HfMultipleChoiceTest} checks what it predicts).
     */
    @ParameterizedTest
    @CsvSource({"bert,BertForMultipleChoice,bert.", "xlm-roberta,XLMRobertaForMultipleChoice,roberta."})
    void multipleChoiceExportHasHfLayout(String family, String architecture, String prefix, @TempDir Path tmp)
            throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/" + family);
        Path out = tmp.resolve("choice");
        try (NDManager root = NDManager.newBaseManager();
                SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(fixture.resolve("tokenizer.json")).build()) {
            LoadedCheckpoint encoder = EncoderCheckpoint.load(fixture.resolve("encoder"), root);
            TaskFormat format = new MultipleChoice(3);
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(root).setEncoder(encoder.encoder())
                    .addHead("copa", format.newHead(3, MultiHeadModel.headFamily(encoder.config().modelType()), 1))
                    .build()) {
                ModelExport.builder().setModel(model).setTokenizer(tok).setFeatureSettings(FeatureSettings.paper()
                        .withLengths(64, 64, 16)).addTask("copa", format, List.of()).build().writeHuggingFace("copa", out);
            }
        }
        JsonObject config = json(out.resolve("config.json"));
        assertEquals(architecture, config.getAsJsonArray("architectures").get(0).getAsString());
        assertTrue(!config.has("id2label") && !config.has("label2id"), config.toString());
        Map<String, HostTensor> got = tensors(out);
        Map<String, long[]> want = new TreeMap<>();
        tensors(fixture.resolve("encoder")).forEach((k, t) -> want.put(prefix + k, t.shape()));
        want.put(prefix + "pooler.dense.weight", new long[] {32, 32});
        want.put(prefix + "pooler.dense.bias", new long[] {32});
        want.put("classifier.weight", new long[] {1, 32});
        want.put("classifier.bias", new long[] {1});
        assertEquals(want.keySet(), got.keySet());
        want.forEach((k, shape) -> assertArrayEquals(shape, got.get(k).shape(), k));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel read = FinetunedModel.loadHuggingFace(out, m)) {
            assertEquals("multiple-choice", read.tasks().get(0).name());
            assertEquals(List.of(), read.tasks().get(0).labels());
            assertTrue(read.predictor("multiple-choice").takesAnyChoiceCount());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void hfFoldersClassifyAndTagAsHf(String family, @TempDir Path tmp) throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/" + family);
        JsonObject ref = json(fixture.resolve("reference.json"));
        try (NDManager root = NDManager.newBaseManager()) {
            try (FinetunedModel seq = FinetunedModel.loadHuggingFace(fixture.resolve("sequence-classification"), root)) {
                SavedTask t = seq.tasks().get(0);
                assertEquals("text-classification", t.name());
                assertEquals(List.of("LABEL_0", "LABEL_1", "LABEL_2"), t.labels());
                TaskPredictor p = seq.predictor(t.name());
                assertTrue(p.takesTextsAndPairs());
                TaskPredictorParityTest.assertClassifiedAsHf(p, t.labels(), ref, family);
                assertTextsAndPairAsHf(fixture.resolve("sequence-classification"), ref, family, tmp);
                assertLogitsAsHf(seq, "sequence-classification", ref);
            }
            try (FinetunedModel tok = FinetunedModel.loadHuggingFace(fixture.resolve("token-classification"), root)) {
                SavedTask t = tok.tasks().get(0);
                assertEquals("token-classification", t.name());
                TaskPredictorParityTest.assertTaggedAsHf(tok.predictor(t.name()), t.labels(), ref, family);
                assertLogitsAsHf(tok, "token-classification", ref);
            }
            try (FinetunedModel qa = FinetunedModel.loadHuggingFace(fixture.resolve("question-answering"), root)) {
                assertEquals("question-answering", qa.tasks().get(0).name());
                assertLogitsAsHf(qa, "question-answering", ref);
            }
        }
    }

    /**
     * The reference's four texts classified alone and its question/context pair classified as a
     * pair: HF's sequence head applied by hand (in double) to HF's last hidden state at each case's
     * first token. The fixture's logits barely move between inputs (about 1e-4), so the check runs
     * on a copy whose output layer is scaled by 100: the inputs then differ by far more than the
     * tolerance, and reading the pair as one text moves its logits by more than 1e-3.
     */
    private static void assertTextsAndPairAsHf(Path hf, JsonObject ref, String family, Path tmp) throws Exception {
        String out = family.equals("bert") ? "classifier" : "classifier.out_proj";
        Map<String, HostTensor> w = tensors(hf);
        for (String key : List.of(out + ".weight", out + ".bias")) {
            HostTensor t = w.get(key);
            FloatBuffer f = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            float[] scaled = new float[f.remaining()];
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] = 100 * f.get(i);
            }
            w.put(key, HostTensor.ofFloats(key, t.shape(), scaled));
        }
        Path copy = Files.createDirectories(tmp.resolve("scaled-" + family));
        SafetensorsWriter.write(copy.resolve("model.safetensors"), new ArrayList<>(w.values()),
                SafetensorsWriter.PT_METADATA);
        Files.copy(hf.resolve("config.json"), copy.resolve("config.json"));
        Files.copy(hf.resolve("tokenizer.json"), copy.resolve("tokenizer.json"));
        JsonArray cases = ref.getAsJsonArray("cases");
        List<String> texts = new ArrayList<>();
        List<double[]> want = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.get(i).getAsJsonObject();
            texts.add(c.get("text").getAsString());
            double[] h = TaskPredictorParityTest.doubles(c.getAsJsonArray("last_hidden_state").get(0).getAsJsonArray());
            double[] logits = family.equals("bert")
                    ? linear(w, "classifier", tanh(linear(w, "bert.pooler.dense", h)))
                    : linear(w, "classifier.out_proj", tanh(linear(w, "classifier.dense", h)));
            want.add(TaskPredictorParityTest.softmax(logits));
        }
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.loadHuggingFace(copy, m)) {
            TaskPredictor p = model.predictor("text-classification");
            List<LabelPrediction> got = new ArrayList<>(p.classify(texts.subList(0, 4)));
            String[] pair = texts.get(4).split(" \\|\\|\\| ");
            got.addAll(p.classifyPairs(List.of(pair[0]), List.of(pair[1])));
            // compared as logit differences, log(p_k / p_0), which the softmax's rounding leaves intact
            double lowest = Double.POSITIVE_INFINITY;
            double highest = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < got.size(); i++) {
                Map<String, Double> p0 = got.get(i).probabilities();
                for (int k = 1; k < 3; k++) {
                    double wantDiff = Math.log(want.get(i)[k] / want.get(i)[0]);
                    assertEquals(wantDiff, Math.log(p0.get("LABEL_" + k) / p0.get("LABEL_0")), TOL,
                            family + " case " + i + ", class " + k + " against class 0");
                    if (k == 1) {
                        lowest = Math.min(lowest, wantDiff);
                        highest = Math.max(highest, wantDiff);
                    }
                }
            }
            // the scaling worked: the cases differ by far more than the tolerance
            assertTrue(highest - lowest > 100 * TOL, family + ": cases within " + (highest - lowest));
        }
    }

    /** The model's logits on the reference's padded batch equal HF's on its real tokens, within 1e-4. */
    private static void assertLogitsAsHf(FinetunedModel loaded, String task, JsonObject ref) {
        PaddedRows pb = PaddedRows.of(ref.getAsJsonObject("padded_batch"));
        int rows = pb.rows();
        int seqLen = pb.seqLen();
        long[] ids = pb.ids();
        long[] mask = pb.mask();
        int[] all = {0, 1, 2, 3};
        TaskSlice slice = switch (task) {
            case "sequence-classification" -> new TaskSlice(0, all, all, new int[rows], new long[] {rows});
            case "token-classification" -> new TaskSlice(0, all, all, new int[rows * seqLen], new long[] {rows, seqLen});
            default -> new TaskSlice(0, all, all, new int[2 * rows], new long[] {rows, 2});
        };
        MultiHeadModel model = loaded.model();
        float[] got;
        try (NDManager bm = model.getManager().newSubManager()) {
            got = model.forward(bm, new MultiTaskBatch(rows, seqLen, ids, mask, null, List.of(slice)), false)
                    .logits().get(0).toFloatArray();
        }
        JsonObject hf = ref.getAsJsonObject("heads").getAsJsonObject(task);
        if (task.equals("question-answering")) {
            // [rows, seqLen, 2]: start then end per position
            for (int r = 0; r < rows; r++) {
                for (int q = 0; q < seqLen; q++) {
                    if (mask[r * seqLen + q] == 1) {
                        int at = (r * seqLen + q) * 2;
                        assertEquals(hf.getAsJsonArray("start_logits").get(r).getAsJsonArray().get(q).getAsDouble(),
                                got[at], TOL, "start " + r + "," + q);
                        assertEquals(hf.getAsJsonArray("end_logits").get(r).getAsJsonArray().get(q).getAsDouble(),
                                got[at + 1], TOL, "end " + r + "," + q);
                    }
                }
            }
            return;
        }
        List<Double> want = new ArrayList<>();
        flatten(hf.getAsJsonArray("logits"), want);
        int width = want.size() / (task.equals("token-classification") ? rows * seqLen : rows);
        assertEquals(want.size(), got.length, task);
        for (int i = 0; i < got.length; i++) {
            int position = i / width;
            boolean real = !task.equals("token-classification") || mask[position] == 1;
            if (real) {
                assertEquals(want.get(i), got[i], TOL, task + " logit " + i);
            }
        }
    }

    /** The reference's padded batch as the model takes it: row-major ids and attention mask. */
    record PaddedRows(int rows, int seqLen, long[] ids, long[] mask) {
        static PaddedRows of(JsonObject pb) {
            JsonArray idRows = pb.getAsJsonArray("ids");
            int rows = idRows.size();
            int seqLen = idRows.get(0).getAsJsonArray().size();
            long[] ids = new long[rows * seqLen];
            long[] mask = new long[rows * seqLen];
            for (int r = 0; r < rows; r++) {
                for (int q = 0; q < seqLen; q++) {
                    ids[r * seqLen + q] = idRows.get(r).getAsJsonArray().get(q).getAsLong();
                    mask[r * seqLen + q] = pb.getAsJsonArray("attention_mask").get(r).getAsJsonArray().get(q).getAsLong();
                }
            }
            return new PaddedRows(rows, seqLen, ids, mask);
        }
    }

    private static void flatten(JsonArray a, List<Double> out) {
        for (JsonElement e : a) {
            if (e.isJsonArray()) {
                flatten(e.getAsJsonArray(), out);
            } else {
                out.add(e.getAsDouble());
            }
        }
    }

    static double[] linear(Map<String, HostTensor> w, String prefix, double[] x) {
        HostTensor weight = w.get(prefix + ".weight");
        FloatBuffer wf = weight.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        FloatBuffer bf = w.get(prefix + ".bias").data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        int out = (int) weight.shape()[0];
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = bf.get(o);
            for (int i = 0; i < x.length; i++) {
                s += wf.get(o * x.length + i) * x[i];
            }
            y[o] = s;
        }
        return y;
    }

    static double[] tanh(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.tanh(x[i]);
        }
        return y;
    }

    /** The label names of an HF config, in id order (the fixtures list them all). */
    private static List<String> labelNames(JsonObject config) {
        List<String> out = new ArrayList<>();
        if (config.has("id2label")) {
            JsonObject o = config.getAsJsonObject("id2label");
            for (int i = 0; i < o.size(); i++) {
                out.add(o.get(Integer.toString(i)).getAsString());
            }
        }
        return out;
    }

    /** A label2id object with its values as numbers, so that 0 and 0.0 compare equal. */
    private static Map<String, Double> numbers(JsonElement e) {
        if (e == null) {
            return null;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        e.getAsJsonObject().entrySet().forEach(x -> out.put(x.getKey(), x.getValue().getAsDouble()));
        return out;
    }

    private static Map<String, HostTensor> tensors(Path dir) throws Exception {
        try (SafetensorsReader r = SafetensorsReader.open(dir)) {
            return new TreeMap<>(r.readAll());
        }
    }

    private static JsonObject json(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }
}
