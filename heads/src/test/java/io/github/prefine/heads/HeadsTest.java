package io.github.prefine.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Closed-form checks of the head blocks with weights set to known constants. */
class HeadsTest {

    private static final float T15 = (float) Math.tanh(1.5);

    /**
     * [batch 2, seqLen 3, hidden 2]; only position 0 matters to sequence heads, the others hold
     * large values that would show up if read. Row 0 first token [1, 2], row 1 first token [-1, 0].
     */
    private static NDArray hidden(NDManager m) {
        return m.create(
                new float[] {1, 2, 50, 60, 70, 80, -1, 0, 90, 95, 99, 42}, new Shape(2, 3, 2));
    }

    private static NDList run(Head head, NDManager m, NDArray input, Map<String, NDArray> weights, boolean training) {
        if (!head.isInitialized()) {
            head.initialize(m, DataType.FLOAT32, input.getShape());
            head.loadHfWeights(weights);
        }
        return head.forward(new ParameterStore(m, false), new NDList(input), training);
    }

    /** Dense H->H with every weight 0.5, zero bias: each unit is half the sum of the input. */
    private static void putHalfDense(NDManager m, Map<String, NDArray> w, String prefix) {
        w.put(prefix + ".weight", m.full(new Shape(2, 2), 0.5f));
        w.put(prefix + ".bias", m.zeros(new Shape(2)));
    }

    /** Out H->3: [[1, 1], [1, -1], [0, 0]], bias [0, 0, 1]. */
    private static void putOut(NDManager m, Map<String, NDArray> w, String prefix) {
        w.put(prefix + ".weight", m.create(new float[] {1, 1, 1, -1, 0, 0}, new Shape(3, 2)));
        w.put(prefix + ".bias", m.create(new float[] {0, 0, 1}));
    }

    /** Row 0: d = tanh(1.5) twice; row 1: d = tanh(-0.5) twice; logits = [2d, 0, 1]. */
    private static float[] expectedSequenceLogits() {
        float t05 = (float) Math.tanh(-0.5);
        return new float[] {2 * T15, 0, 1, 2 * t05, 0, 1};
    }

    @Test
    void robertaSequenceHeadIsDenseTanhOutProjOnFirstToken() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceClassificationHead head = SequenceClassificationHead.builder()
                    .setFamily(HeadFamily.ROBERTA).setHiddenSize(2).setNumLabels(3).optDropout(0.5f).build();
            Map<String, NDArray> w = new LinkedHashMap<>();
            putHalfDense(m, w, "classifier.dense");
            putOut(m, w, "classifier.out_proj");
            NDArray logits = run(head, m, hidden(m), w, false).singletonOrThrow();
            assertEquals(new Shape(2, 3), logits.getShape());
            assertArrayEquals(expectedSequenceLogits(), logits.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void bertSequenceHeadIsPoolerThenClassifier() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceClassificationHead head = SequenceClassificationHead.builder()
                    .setFamily(HeadFamily.BERT).setHiddenSize(2).setNumLabels(3).build();
            Map<String, NDArray> w = new LinkedHashMap<>();
            putHalfDense(m, w, "bert.pooler.dense");
            putOut(m, w, "classifier");
            NDArray logits = run(head, m, hidden(m), w, false).singletonOrThrow();
            assertArrayEquals(expectedSequenceLogits(), logits.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void tokenHeadScoresEveryPosition() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenClassificationHead head =
                    TokenClassificationHead.builder().setHiddenSize(2).setNumLabels(2).build();
            Map<String, NDArray> w = Map.of(
                    "classifier.weight", m.create(new float[] {1, 1, 1, 0}, new Shape(2, 2)),
                    "classifier.bias", m.create(new float[] {0, -1}));
            NDArray in = hidden(m);
            NDArray logits = run(head, m, in, w, false).singletonOrThrow();
            assertEquals(new Shape(2, 3, 2), logits.getShape());
            float[] h = in.toFloatArray();
            float[] expected = new float[12];
            for (int p = 0; p < 6; p++) {
                expected[2 * p] = h[2 * p] + h[2 * p + 1];
                expected[2 * p + 1] = h[2 * p] - 1;
            }
            assertArrayEquals(expected, logits.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void questionAnsweringHeadSplitsStartAndEnd() {
        try (NDManager m = NDManager.newBaseManager()) {
            QuestionAnsweringHead head = QuestionAnsweringHead.builder().setHiddenSize(2).build();
            Map<String, NDArray> w = Map.of(
                    "qa_outputs.weight", m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)),
                    "qa_outputs.bias", m.create(new float[] {0.5f, -0.5f}));
            NDList out = run(head, m, hidden(m), w, true);
            assertEquals(new Shape(2, 3), out.get(0).getShape());
            assertArrayEquals(new float[] {1.5f, 50.5f, 70.5f, -0.5f, 90.5f, 99.5f}, out.get(0).toFloatArray());
            assertArrayEquals(new float[] {1.5f, 59.5f, 79.5f, -0.5f, 94.5f, 41.5f}, out.get(1).toFloatArray());
        }
    }

    @Test
    void multipleChoiceHeadGroupsConsecutiveRowsIntoChoices() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultipleChoiceHead head = MultipleChoiceHead.builder()
                    .setFamily(HeadFamily.ROBERTA).setHiddenSize(2).setNumChoices(2).build();
            assertEquals(List.of("roberta.pooler.dense.weight", "roberta.pooler.dense.bias",
                    "classifier.weight", "classifier.bias"), head.hfKeys());
            Map<String, NDArray> w = new LinkedHashMap<>();
            putHalfDense(m, w, "roberta.pooler.dense");
            w.put("classifier.weight", m.create(new float[] {1, 1}, new Shape(1, 2)));
            w.put("classifier.bias", m.create(new float[] {0.25f}));
            // 4 rows = 2 examples x 2 choices; first tokens sum to 3, -1, 0, 1
            NDArray in = m.create(new float[] {1, 2, 9, 9, -1, 0, 9, 9, 0, 0, 9, 9, 0.5f, 0.5f, 9, 9},
                    new Shape(4, 2, 2));
            NDArray scores = run(head, m, in, w, false).singletonOrThrow();
            assertEquals(new Shape(2, 2), scores.getShape());
            float[] expected = new float[4];
            float[] sums = {3, -1, 0, 1};
            for (int i = 0; i < 4; i++) {
                expected[i] = 2 * (float) Math.tanh(0.5 * sums[i]) + 0.25f;
            }
            assertArrayEquals(expected, scores.toFloatArray(), 1e-6f);
            assertThrows(IllegalArgumentException.class,
                    () -> head.forward(new ParameterStore(m, false), new NDList(m.zeros(new Shape(3, 2, 2))), false));
        }
    }

    @Test
    void dropoutAppliesOnlyWhenTraining() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenClassificationHead head = TokenClassificationHead.builder()
                    .setHiddenSize(64).setNumLabels(8).optDropout(0.5f).build();
            head.initialize(m, DataType.FLOAT32, new Shape(4, 16, 64));
            NDArray in = m.randomNormal(new Shape(4, 16, 64));
            ParameterStore store = new ParameterStore(m, false);
            NDArray a = head.forward(store, new NDList(in), false).singletonOrThrow();
            NDArray b = head.forward(store, new NDList(in), false).singletonOrThrow();
            NDArray t = head.forward(store, new NDList(in), true).singletonOrThrow();
            assertArrayEquals(a.toFloatArray(), b.toFloatArray());
            assertFalse(a.allClose(t), "training forward must drop units");
        }
    }

    @Test
    void seededInitIsHfStyleAndReproducible() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceClassificationHead a = roberta(256, 7);
            SequenceClassificationHead b = roberta(256, 7);
            SequenceClassificationHead c = roberta(256, 8);
            for (Head h : List.of(a, b, c)) {
                h.initialize(m, DataType.FLOAT32, new Shape(1, 1, 256));
            }
            NDArray wa = a.hfParameters().get("classifier.dense.weight").getArray();
            assertArrayEquals(wa.toFloatArray(),
                    b.hfParameters().get("classifier.dense.weight").getArray().toFloatArray());
            assertFalse(wa.allClose(c.hfParameters().get("classifier.dense.weight").getArray()));
            // two weights of one head get different streams
            NDArray out = a.hfParameters().get("classifier.out_proj.weight").getArray();
            assertFalse(wa.get("0:3, :").allClose(out));
            float mean = wa.mean().getFloat();
            float std = (float) Math.sqrt(wa.sub(mean).square().mean().getFloat());
            assertEquals(0f, mean, 0.001f);
            assertEquals(0.02f, std, 0.001f);
            assertArrayEquals(new float[256], a.hfParameters().get("classifier.dense.bias").getArray().toFloatArray());
            assertEquals(Parameter.Type.BIAS, a.hfParameters().get("classifier.out_proj.bias").getType());
        }
    }

    private static SequenceClassificationHead roberta(int hidden, long seed) {
        return SequenceClassificationHead.builder()
                .setFamily(HeadFamily.ROBERTA).setHiddenSize(hidden).setNumLabels(3).optSeed(seed).build();
    }

    @Test
    void hfKeysFollowEachFamilysLayout() {
        assertEquals(List.of("classifier.dense.weight", "classifier.dense.bias",
                "classifier.out_proj.weight", "classifier.out_proj.bias"), roberta(4, 0).hfKeys());
        SequenceClassificationHead bert = SequenceClassificationHead.builder()
                .setFamily(HeadFamily.BERT).setHiddenSize(4).setNumLabels(3).build();
        assertEquals(List.of("bert.pooler.dense.weight", "bert.pooler.dense.bias",
                "classifier.weight", "classifier.bias"), bert.hfKeys());
        // parameter names are the HF keys, with no ordinal prefix
        assertEquals(bert.hfKeys(), bert.getParameters().keys());
        assertEquals(List.of("qa_outputs.weight", "qa_outputs.bias"),
                QuestionAnsweringHead.builder().setHiddenSize(4).build().hfKeys());
    }

    @Test
    void loadingReportsEveryMissingAndWrongShapedKey() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceClassificationHead head = roberta(2, 0);
            head.initialize(m, DataType.FLOAT32, new Shape(1, 3, 2));
            Map<String, NDArray> w = new LinkedHashMap<>();
            putHalfDense(m, w, "classifier.dense");
            w.put("classifier.out_proj.weight", m.zeros(new Shape(4, 2)));
            w.put("unrelated.key", m.zeros(new Shape(1)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> head.loadHfWeights(w));
            String msg = e.getMessage();
            assertTrue(msg.contains("missing keys [classifier.out_proj.bias]"), msg);
            assertTrue(msg.contains("classifier.out_proj.weight has shape (4, 2), expected (3, 2)"), msg);
            assertFalse(msg.contains("unrelated"), msg);
        }
    }

    /**
     * A load whose copy fails leaves no array behind: the float32 copy it made of a float64 tensor
     * (in the tensor's manager) is closed on the way out, as it is after a copy that works. The
     * copy here fails because the head's parameters were closed with their manager after a first
     * load (which read the shapes, dtypes and devices the checks use, so the failure comes at the copy).
     */
    @Test
    void aLoadWhoseCopyFailsClosesTheCastsItMade() {
        try (NDManager tensors = NDManager.newBaseManager()) {
            QuestionAnsweringHead head = QuestionAnsweringHead.builder().setHiddenSize(2).build();
            Map<String, NDArray> w = Map.of(
                    "qa_outputs.weight", tensors.create(new double[] {1, 0, 0, 1}, new Shape(2, 2)),
                    "qa_outputs.bias", tensors.create(new double[] {0, 0}, new Shape(2)));
            try (NDManager model = NDManager.newBaseManager()) {
                head.initialize(model, DataType.FLOAT32, new Shape(1, 3, 2));
                head.loadHfWeights(w);
            }
            int live = tensors.getManagedArrays().size();
            assertThrows(IllegalStateException.class, () -> head.loadHfWeights(w));
            assertEquals(live, tensors.getManagedArrays().size(), "arrays left in the tensors' manager by a failed load");
        }
    }

    @Test
    void aFloat16HeadRefusesWeightsItsCastWouldMakeInfiniteAndCopiesNothing() {
        // float16's largest finite value is 65504; PyTorch rounds float32 magnitudes from 65520 on
        // to infinity, those below to 65504
        try (NDManager m = NDManager.newBaseManager()) {
            QuestionAnsweringHead head = QuestionAnsweringHead.builder().setHiddenSize(2).build();
            head.initialize(m, DataType.FLOAT16, new Shape(1, 3, 2));
            float[] before = head.hfParameters().get("qa_outputs.bias").getArray().toType(DataType.FLOAT32, false)
                    .toFloatArray();
            Map<String, NDArray> w = new LinkedHashMap<>();
            w.put("qa_outputs.weight", m.create(new float[] {1, -70000, 0, 1}, new Shape(2, 2)));
            w.put("qa_outputs.bias", m.create(new float[] {5, 6}));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> head.loadHfWeights(w));
            assertEquals("QuestionAnsweringHead: cannot load HF weights; beyond float16's largest finite value 65504,"
                    + " which the cast to this head's float16 would make infinite: [qa_outputs.weight has values up to"
                    + " 70000.0 in magnitude]", e.getMessage());
            assertArrayEquals(before, head.hfParameters().get("qa_outputs.bias").getArray()
                    .toType(DataType.FLOAT32, false).toFloatArray(), "nothing copied");
            w.put("qa_outputs.weight", m.create(new float[] {1, -65519, 0, 1}, new Shape(2, 2)));
            head.loadHfWeights(w);
            assertArrayEquals(new float[] {1, -65504, 0, 1}, head.hfParameters().get("qa_outputs.weight").getArray()
                    .toType(DataType.FLOAT32, false).toFloatArray());
        }
    }

    @Test
    void aFloat16HeadRefusesAFloat64WeightBeyondFloat32sRangeToo() {
        // 1e39 is finite in float64 but past float32's range: the cast to float16 makes it infinite
        try (NDManager m = NDManager.newBaseManager()) {
            QuestionAnsweringHead head = QuestionAnsweringHead.builder().setHiddenSize(2).build();
            head.initialize(m, DataType.FLOAT16, new Shape(1, 3, 2));
            Map<String, NDArray> w = new LinkedHashMap<>();
            w.put("qa_outputs.weight", m.create(new double[] {1, -1e39, 0, 1}, new Shape(2, 2)));
            w.put("qa_outputs.bias", m.create(new float[] {5, 6}));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> head.loadHfWeights(w));
            assertEquals("QuestionAnsweringHead: cannot load HF weights; beyond float16's largest finite value 65504,"
                    + " which the cast to this head's float16 would make infinite: [qa_outputs.weight has values up to"
                    + " 1.0E39 in magnitude]", e.getMessage());
        }
    }

    @Test
    void loadingBeforeInitializeIsALifecycleError() {
        assertThrows(IllegalStateException.class, () -> roberta(2, 0).loadHfWeights(Map.of()));
    }

    @Test
    void loadedWeightsStillReceiveGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            QuestionAnsweringHead head = QuestionAnsweringHead.builder().setHiddenSize(2).build();
            Map<String, NDArray> w = Map.of(
                    "qa_outputs.weight", m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)),
                    "qa_outputs.bias", m.zeros(new Shape(2)));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList out = run(head, m, hidden(m), w, true);
                gc.backward(out.get(0).sum().add(out.get(1).sum()));
            }
            // d(sum start + sum end)/d bias = number of positions for each row of qa_outputs
            assertArrayEquals(new float[] {6, 6},
                    head.hfParameters().get("qa_outputs.bias").getArray().getGradient().toFloatArray());
        }
    }

    @Test
    void outputShapesAndInputChecks() {
        Shape in = new Shape(5, 7, 4);
        assertEquals(new Shape(5, 3), roberta(4, 0).getOutputShapes(new Shape[] {in})[0]);
        assertEquals(new Shape(5, 7, 9), TokenClassificationHead.builder().setHiddenSize(4).setNumLabels(9).build()
                .getOutputShapes(new Shape[] {in})[0]);
        Shape[] qa = QuestionAnsweringHead.builder().setHiddenSize(4).build().getOutputShapes(new Shape[] {in});
        assertEquals(new Shape(5, 7), qa[1]);
        assertThrows(IllegalArgumentException.class, () -> roberta(8, 0).getOutputShapes(new Shape[] {in}));
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceClassificationHead head = roberta(4, 0);
            head.initialize(m, DataType.FLOAT32, in);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> head.forward(new ParameterStore(m, false), new NDList(m.zeros(new Shape(5, 7, 3))), false));
            assertTrue(e.getMessage().contains("[batch, seqLen, 4]") && e.getMessage().contains("(5, 7, 3)"),
                    e.getMessage());
        }
    }

    /**
     * A float16 input to float32 weights is refused by the head, naming both dtypes and the weight,
     * not by PyTorch's matrix product ("expected m1 and m2 to have the same dtype, but got:
     * c10::Half != float"), which names neither the head nor the weight.
     */
    @Test
    void anInputOfAnotherDtypeThanTheWeightsIsRefusedNamingBoth() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenClassificationHead token = TokenClassificationHead.builder().setHiddenSize(4).setNumLabels(3).build();
            token.initialize(m, DataType.FLOAT32, new Shape(2, 3, 4));
            NDArray half = m.zeros(new Shape(2, 3, 4), DataType.FLOAT16);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> token.forward(new ParameterStore(m, false), new NDList(half), false));
            assertEquals("TokenClassificationHead: input is float16 but classifier.weight is float32;"
                    + " give the head input of its weights' dtype", e.getMessage());
            HeadStack stack = HeadStack.of(List.of(token));
            e = assertThrows(IllegalArgumentException.class, () -> stack.logits(new ParameterStore(m, false), half, null,
                    m.zeros(new Shape(2, 3), DataType.FLOAT16), false));
            assertTrue(e.getMessage().startsWith("HeadStack: input is float16 but classifier.weight is float32"),
                    e.getMessage());
        }
    }

    @Test
    void buildersRejectMissingOrOutOfRangeValues() {
        assertThrows(IllegalArgumentException.class,
                () -> SequenceClassificationHead.builder().setHiddenSize(4).setNumLabels(2).build());
        assertThrows(IllegalArgumentException.class,
                () -> TokenClassificationHead.builder().setHiddenSize(4).build());
        assertThrows(IllegalArgumentException.class,
                () -> TokenClassificationHead.builder().setHiddenSize(4).setNumLabels(2).optDropout(1f).build());
        assertThrows(IllegalArgumentException.class,
                () -> MultipleChoiceHead.builder().setFamily(HeadFamily.BERT).setHiddenSize(4).build());
        assertThrows(IllegalArgumentException.class,
                () -> QuestionAnsweringHead.builder().setHiddenSize(4).optInitializerRange(-1f).build());
        assertThrows(IllegalArgumentException.class, () -> new SeededNormalInitializer(1, Float.NaN));
        assertNotEquals(SeededNormalInitializer.forKey(1, "a.weight", 0.02f).seed(),
                SeededNormalInitializer.forKey(1, "b.weight", 0.02f).seed());
    }
}
