package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.LoadedCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.head.HeadLabels;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.task.MultipleChoice;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.heads.Head;
import io.github.prefine.heads.HeadFamily;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hugging Face multiple-choice folders read with {@link FinetunedModel#loadHuggingFace}, whose
 * predictor takes any number of choices per question:
 *
 * <ul>
 *   <li>round trip: a prefine model's two-, three- and four-choice tasks (one head's weights in
 *       all three) and the HF folder written from one of them (BERT, XLM-R, RoBERTa) choose alike, with the same
 *       probabilities within 1e-5, for questions of 2, 3 and 4 choices mixed in one call;
 *   <li>HF's semantics: {@code BertForMultipleChoice} is {@code BertForSequenceClassification}'s
 *       pooler, dropout and a {@code Linear(hidden, 1)}, so a folder made of the HF fixture's
 *       classifier with its row k as that layer scores each input as HF's logit k for it. The
 *       fixture's inputs are single texts, so the check runs on the model's forward over HF's own
 *       padded batch (HF's flattened {@code [questions * choices, seqLen]} input), not through
 *       {@code choose}, which pairs each choice with its premise.
 * </ul>
 */
class HfMultipleChoiceTest {
    private static final double TOL = 1e-5;

    private static final List<String> WORDS = List.of("john", "mary", "paris", "london", "tokyo", "rome", "walked",
            "wrote", "read", "game", "team", "film", "week", "people");

    /**
     * The round trip for BERT and XLM-R, and for RoBERTa as the XLM-R export relabelled {@code
     * roberta} / {@code RobertaForMultipleChoice} (the two families compute alike; no fixture
     * holds a RoBERTa encoder).
     */
    @ParameterizedTest
    @CsvSource({"bert,bert,BertForMultipleChoice", "xlm-roberta,xlm-roberta,XLMRobertaForMultipleChoice",
        "xlm-roberta,roberta,RobertaForMultipleChoice"})
    void exportedChoiceTaskReadBackChoosesAsThePrefineModel(String family, String modelType, String architecture,
            @TempDir Path tmp) throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/" + family);
        Path saved = tmp.resolve("prefine");
        try (NDManager m = NDManager.newBaseManager();
                SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(fixture.resolve("tokenizer.json")).build()) {
            LoadedCheckpoint encoder = EncoderCheckpoint.load(fixture.resolve("encoder"), m);
            HeadFamily heads = MultiHeadModel.headFamily(encoder.config().modelType());
            MultiHeadModel.Builder b = MultiHeadModel.builder().setManager(m).setEncoder(encoder.encoder());
            for (int k = 2; k <= 4; k++) {
                b.addHead("c" + k, new MultipleChoice(k).newHead(k, heads, k));
            }
            try (MultiHeadModel model = b.build()) {
                // one set of weights far from the initializer's 0.02: the tiny encoder's first-token states
                // differ little between inputs, and only a large classifier spreads the choices' scores
                Map<String, NDArray> weights = new LinkedHashMap<>();
                SplittableRandom rnd = new SplittableRandom(17);
                for (Map.Entry<String, Parameter> e : ((Head) model.head(0).block()).hfParameters().entrySet()) {
                    NDArray like = e.getValue().getArray();
                    double std = e.getKey().startsWith("classifier.") ? 20 : 0.5;
                    float[] v = new float[(int) like.size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (rnd.nextGaussian() * std);
                    }
                    weights.put(e.getKey(), m.create(v, like.getShape()));
                }
                ModelExport.Builder export = ModelExport.builder().setModel(model).setTokenizer(tok)
                        .setFeatureSettings(FeatureSettings.paper().withLengths(64, 64, 16));
                for (int k = 2; k <= 4; k++) {
                    ((Head) model.head(k - 2).block()).loadHfWeights(weights);
                    export.addTask("c" + k, new MultipleChoice(k), List.of());
                }
                export.build().writeTo(saved);
            }
        }
        // questions of 2, 3 and 4 choices interleaved, so that one call batches each count apart
        int[] counts = {3, 2, 4, 2, 3, 4, 4, 2, 3};
        SplittableRandom rnd = new SplittableRandom(23);
        List<String> premises = new ArrayList<>();
        List<String> questions = new ArrayList<>();
        List<List<String>> choices = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            premises.add(pick(rnd) + " " + pick(rnd) + " " + pick(rnd));
            questions.add(i % 2 == 0 ? "" : "where");
            List<String> c = new ArrayList<>();
            for (int k = 0; k < counts[i]; k++) {
                c.add(pick(rnd) + " " + pick(rnd));
            }
            choices.add(c);
        }
        Path hf = tmp.resolve("hf");
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel prefine = FinetunedModel.load(saved, m)) {
            prefine.writeHuggingFace("c3", hf);
            JsonObject config = JsonParser.parseString(Files.readString(hf.resolve("config.json"))).getAsJsonObject();
            if (!modelType.equals(family)) {
                JsonArray arch = new JsonArray();
                arch.add(architecture);
                config.add("architectures", arch);
                config.addProperty("model_type", modelType);
                Files.writeString(hf.resolve("config.json"), new GsonBuilder().create().toJson(config));
            }
            assertEquals(architecture, config.getAsJsonArray("architectures").get(0).getAsString());
            try (FinetunedModel read = FinetunedModel.loadHuggingFace(hf, m)) {
                SavedTask t = read.tasks().get(0);
                assertEquals("multiple-choice", t.name());
                assertEquals(List.of(), t.labels());
                TaskPredictor p = read.predictor("multiple-choice").withBatchSize(2);
                assertTrue(p.takesAnyChoiceCount());
                assertFalse(p.takesTextsAndPairs());
                assertFalse(prefine.predictor("c3").takesAnyChoiceCount());
                List<ChoicePrediction> got = p.choose(premises, questions, choices);
                double spread = 0;
                for (int i = 0; i < counts.length; i++) {
                    ChoicePrediction want = prefine.predictor("c" + counts[i]).choose(List.of(premises.get(i)),
                            List.of(questions.get(i)), List.of(choices.get(i))).get(0);
                    ChoicePrediction g = got.get(i);
                    assertEquals(counts[i], g.probabilities().size(), "question " + i);
                    assertEquals(want.choice(), g.choice(), "question " + i);
                    for (int k = 0; k < counts[i]; k++) {
                        assertEquals(want.probabilities().get(k), g.probabilities().get(k), TOL, "question " + i
                                + ", choice " + k);
                    }
                    spread = Math.max(spread, g.probability() - g.probabilities().stream()
                            .mapToDouble(Double::doubleValue).min().orElseThrow());
                }
                // not a near-uniform softmax that any head would match within the tolerance
                assertTrue(spread > 0.1, "largest spread " + spread);

                RefusedInputException one = assertThrows(RefusedInputException.class,
                        () -> p.choose(List.of("john read"), List.of(""), List.of(List.of("paris"))));
                assertEquals("predictor: task multiple-choice: input 0: 1 choice; expected at least 2 choices",
                        one.getMessage());
            }
        }
    }

    /**
     * A {@code BertForMultipleChoice} folder made of the fixture's sequence classifier, its
     * classifier cut to row k: on HF's padded batch, each text's score is HF's logit k for it.
     * Those logits barely differ from one text to the next (about 1e-4), so a copy with the row
     * scaled by 1000 is also held to HF's head applied by hand (in double) to HF's hidden states:
     * there the texts' scores differ by far more than the tolerance.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void choiceFolderOfAClassifierRowScoresAsHf(int k, @TempDir Path tmp) throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/bert");
        JsonObject ref = JsonParser.parseString(Files.readString(fixture.resolve("reference.json"))).getAsJsonObject();
        JsonObject batch = ref.getAsJsonObject("padded_batch");
        JsonArray hfLogits = ref.getAsJsonObject("heads").getAsJsonObject("sequence-classification")
                .getAsJsonArray("logits");
        int rows = hfLogits.size();

        float[] scores = scores(choiceFolder(fixture, k, 1f, tmp.resolve("row")), batch);
        for (int r = 0; r < rows; r++) {
            assertEquals(hfLogits.get(r).getAsJsonArray().get(k).getAsDouble(), scores[r], TOL, "text " + r);
        }

        Path scaledDir = choiceFolder(fixture, k, 1000f, tmp.resolve("scaled"));
        float[] scaled = scores(scaledDir, batch);
        Map<String, HostTensor> w = tensors(scaledDir);
        double lowest = Double.POSITIVE_INFINITY;
        double highest = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < rows; r++) {
            double[] first = TaskPredictorParityTest.doubles(batch.getAsJsonArray("last_hidden_state").get(r)
                    .getAsJsonArray().get(0).getAsJsonArray());
            double want = HfTaskFolderParityTest.linear(w, "classifier",
                    HfTaskFolderParityTest.tanh(HfTaskFolderParityTest.linear(w, "bert.pooler.dense", first)))[0];
            assertEquals(want, scaled[r], 1e-4, "scaled, text " + r);
            lowest = Math.min(lowest, want);
            highest = Math.max(highest, want);
        }
        assertTrue(highest - lowest > 100 * 1e-4, "texts within " + (highest - lowest));
    }

    /**
     * The fixture's sequence classifier as a {@code BertForMultipleChoice}: encoder and pooler as
     * they are, {@code classifier} its row k and bias k times {@code scale}; its config's
     * three-label {@code id2label} is kept, as HF's multiple-choice head does not read it.
     */
    private static Path choiceFolder(Path fixture, int k, float scale, Path dir) throws Exception {
        Path seq = fixture.resolve("sequence-classification");
        Map<String, HostTensor> t = tensors(seq);
        float[] weight = floats(t.get("classifier.weight"));
        float[] row = Arrays.copyOfRange(weight, k * 32, (k + 1) * 32);
        for (int i = 0; i < row.length; i++) {
            row[i] *= scale;
        }
        t.put("classifier.weight", HostTensor.ofFloats("classifier.weight", new long[] {1, 32}, row));
        t.put("classifier.bias", HostTensor.ofFloats("classifier.bias", new long[] {1},
                new float[] {scale * floats(t.get("classifier.bias"))[k]}));
        Files.createDirectories(dir);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), new ArrayList<>(t.values()), SafetensorsWriter.PT_METADATA);
        JsonObject config = JsonParser.parseString(Files.readString(seq.resolve("config.json"))).getAsJsonObject();
        JsonArray arch = new JsonArray();
        arch.add("BertForMultipleChoice");
        config.add("architectures", arch);
        Files.writeString(dir.resolve("config.json"), new GsonBuilder().setPrettyPrinting().create().toJson(config));
        Files.copy(seq.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        return dir;
    }

    /** The read folder's model over the reference's padded batch: one score per row, as HF's before its reshape. */
    private static float[] scores(Path dir, JsonObject batch) throws Exception {
        HfTaskFolderParityTest.PaddedRows pb = HfTaskFolderParityTest.PaddedRows.of(batch);
        int rows = pb.rows();
        int[] all = new int[rows];
        int[] ignored = new int[rows];
        for (int r = 0; r < rows; r++) {
            all[r] = r;
            ignored[r] = HeadLabels.IGNORE;
        }
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.loadHuggingFace(dir, m)) {
            SavedTask t = model.tasks().get(0);
            assertEquals("multiple-choice", t.name());
            assertEquals(TaskFormat.CHOICE, t.format());
            assertEquals(List.of(), t.labels());
            MultiHeadModel mh = model.model();
            try (NDManager bm = mh.getManager().newSubManager()) {
                NDArray lg = mh.forward(bm, new MultiTaskBatch(rows, pb.seqLen(), pb.ids(), pb.mask(), null,
                        List.of(new TaskSlice(0, all, all, ignored, new long[] {rows}))), false).logits().get(0);
                assertEquals(List.of((long) rows, 1L), Arrays.stream(lg.getShape().getShape()).boxed().toList());
                return lg.toFloatArray();
            }
        }
    }

    private static String pick(SplittableRandom rnd) {
        return WORDS.get(rnd.nextInt(WORDS.size()));
    }

    private static float[] floats(HostTensor t) {
        FloatBuffer f = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[f.remaining()];
        f.get(out);
        return out;
    }

    private static Map<String, HostTensor> tensors(Path dir) throws Exception {
        try (SafetensorsReader r = SafetensorsReader.open(dir)) {
            return new TreeMap<>(r.readAll());
        }
    }
}
