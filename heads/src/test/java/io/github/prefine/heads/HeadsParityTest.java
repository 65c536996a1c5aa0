package io.github.prefine.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reproduces Hugging Face's head logits and losses from {@code fixtures/hf-reference}: the heads
 * read the reference {@code padded_batch} last hidden state (all positions, as HF fed its heads),
 * load the head tensors of each task checkpoint, and must match {@code heads.*.logits} within
 * 1e-4 and {@code loss} within 1e-5.
 */
class HeadsParityTest {

    private static final double LOGIT_TOL = 1e-4;
    private static final double LOSS_TOL = 1e-5;

    /** The fixture folder of one family, or a skipped test with the reason printed. */
    private static Path family(String name) {
        String shared = System.getProperty("prefine.shared");
        Path dir = shared == null ? null : Paths.get(shared, "fixtures", "hf-reference", name);
        boolean present = dir != null && Files.isRegularFile(dir.resolve("reference.json"));
        if (!present) {
            String reason = "skipped: HF reference fixtures not found (prefine.shared=" + shared + ")";
            System.out.println(reason);
            Assumptions.assumeTrue(false, reason);
        }
        return dir;
    }

    private static JsonObject reference(Path dir) throws IOException {
        String json = Files.readString(dir.resolve("reference.json"), StandardCharsets.UTF_8);
        return JsonParser.parseString(json).getAsJsonObject();
    }

    private static HeadFamily headFamily(String name) {
        return name.equals("bert") ? HeadFamily.BERT : HeadFamily.ROBERTA;
    }

    /** Flattens a nested JSON array of numbers, recording its shape. */
    private static NDArray array(NDManager m, JsonElement e, DataType type) {
        List<Long> shape = new ArrayList<>();
        JsonElement cur = e;
        while (cur.isJsonArray()) {
            shape.add((long) cur.getAsJsonArray().size());
            cur = cur.getAsJsonArray().get(0);
        }
        List<Double> flat = new ArrayList<>();
        flatten(e, flat);
        Shape s = new Shape(shape.stream().mapToLong(Long::longValue).toArray());
        if (type == DataType.INT64) {
            return m.create(flat.stream().mapToLong(Double::longValue).toArray(), s);
        }
        float[] f = new float[flat.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = flat.get(i).floatValue();
        }
        return m.create(f, s);
    }

    private static void flatten(JsonElement e, List<Double> out) {
        if (e.isJsonArray()) {
            for (JsonElement c : e.getAsJsonArray()) {
                flatten(c, out);
            }
        } else {
            out.add(e.getAsDouble());
        }
    }

    private static NDArray hidden(NDManager m, JsonObject ref) {
        return array(m, ref.getAsJsonObject("padded_batch").get("last_hidden_state"), DataType.FLOAT32);
    }

    private static NDList forward(Head head, NDManager m, NDArray hidden, Path checkpoint) throws IOException {
        head.initialize(m, DataType.FLOAT32, hidden.getShape());
        Map<String, NDArray> tensors = SafetensorsF32.read(checkpoint.resolve("model.safetensors"), m);
        head.loadHfWeights(tensors);
        return head.forward(new ParameterStore(m, false), new NDList(hidden), false);
    }

    private static void assertClose(NDArray expected, NDArray actual, double tol, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + " shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            worst = Math.max(worst, Math.abs(e[i] - a[i]));
        }
        assertTrue(worst <= tol, what + ": max abs difference " + worst + " > " + tol);
    }

    /** One parity check, given the reference hidden state, the expected head outputs and the task checkpoint. */
    @FunctionalInterface
    private interface Check {
        void run(NDManager m, NDArray hidden, JsonObject expected, Path checkpoint) throws IOException;
    }

    /** Runs a check on one family's fixtures for one task, in a manager closed afterwards. */
    private static void withReference(String name, String task, Check check) throws IOException {
        Path dir = family(name);
        JsonObject ref = reference(dir);
        JsonObject expected = ref.getAsJsonObject("heads").getAsJsonObject(task);
        try (NDManager m = NDManager.newBaseManager()) {
            check.run(m, hidden(m, ref), expected, dir.resolve(task));
        }
    }

    /** Checks classification logits against HF's, and the cross entropy on HF's labels against HF's loss. */
    private static void assertClassification(String name, NDManager m, JsonObject expected, NDArray logits) {
        assertClose(array(m, expected.get("logits"), DataType.FLOAT32), logits, LOGIT_TOL, name + " logits");
        NDArray labels = array(m, expected.get("labels"), DataType.INT64);
        float loss = HeadLosses.crossEntropy(logits, labels).getFloat();
        assertEquals(expected.get("loss").getAsDouble(), loss, LOSS_TOL, name + " loss");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void sequenceClassificationMatchesHf(String name) throws IOException {
        withReference(name, "sequence-classification", (m, hidden, expected, checkpoint) -> {
            SequenceClassificationHead head = SequenceClassificationHead.builder()
                    .setFamily(headFamily(name))
                    .setHiddenSize((int) hidden.getShape().get(2))
                    .setNumLabels(3)
                    .build();
            assertClassification(name, m, expected, forward(head, m, hidden, checkpoint).singletonOrThrow());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void tokenClassificationMatchesHf(String name) throws IOException {
        withReference(name, "token-classification", (m, hidden, expected, checkpoint) -> {
            TokenClassificationHead head = TokenClassificationHead.builder()
                    .setHiddenSize((int) hidden.getShape().get(2))
                    .setNumLabels(5)
                    .build();
            assertClassification(name, m, expected, forward(head, m, hidden, checkpoint).singletonOrThrow());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void questionAnsweringMatchesHf(String name) throws IOException {
        withReference(name, "question-answering", (m, hidden, expected, checkpoint) -> {
            QuestionAnsweringHead head = QuestionAnsweringHead.builder()
                    .setHiddenSize((int) hidden.getShape().get(2))
                    .build();
            NDList out = forward(head, m, hidden, checkpoint);
            assertClose(array(m, expected.get("start_logits"), DataType.FLOAT32), out.get(0), LOGIT_TOL,
                    name + " start logits");
            assertClose(array(m, expected.get("end_logits"), DataType.FLOAT32), out.get(1), LOGIT_TOL,
                    name + " end logits");
            float loss = HeadLosses.spanLoss(
                            out.get(0),
                            out.get(1),
                            array(m, expected.get("start_positions"), DataType.INT64),
                            array(m, expected.get("end_positions"), DataType.INT64))
                    .getFloat();
            assertEquals(expected.get("loss").getAsDouble(), loss, LOSS_TOL, name + " loss");
        });
    }
}
