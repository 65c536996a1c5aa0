package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.MalformedCheckpointException;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.heads.Head;
import io.github.prefine.heads.HeadFamily;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pooling head made for a checkpoint that has a pooler starts from it, as HF's {@code
 * BertForSequenceClassification.from_pretrained} does: the BERT fixture's {@code
 * sequence-classification/} checkpoint holds {@code bert.pooler.dense.*}, and HF's logits for it
 * (reference.json) are the ground truth once the head's classifier is set from the same checkpoint.
 */
class PretrainedPoolerTest {
    private static final String WEIGHT = "bert.pooler.dense.weight";
    private static final String BIAS = "bert.pooler.dense.bias";

    @Test
    void bertHeadsStartFromTheCheckpointsPoolerAndMatchHfLogits() throws Exception {
        Path dir = SharedFixtures.require("fixtures/hf-reference/bert");
        Path checkpoint = dir.resolve("sequence-classification");
        Map<String, HostTensor> file = tensors(checkpoint);
        JsonObject ref = JsonParser.parseString(Files.readString(dir.resolve("reference.json"))).getAsJsonObject();
        JsonObject pb = ref.getAsJsonObject("padded_batch");
        long[] ids = longs(pb.getAsJsonArray("ids"));
        long[] mask = longs(pb.getAsJsonArray("attention_mask"));
        int rows = pb.getAsJsonArray("ids").size();
        int seqLen = ids.length / rows;
        try (NDManager root = NDManager.newBaseManager()) {
            TransformerEncoder encoder = EncoderCheckpoint.load(checkpoint, root).encoder();
            TaskHead seq = TaskFormat.SINGLE_TEXT.newHead(3, HeadFamily.BERT, 0);
            TaskHead choice = TaskFormat.CHOICE.newHead(2, HeadFamily.BERT, 0);
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(root).setEncoder(encoder)
                    .addHead("seq", seq).addHead("choice", choice).build()) {
                for (TaskHead h : List.of(seq, choice)) {
                    Head head = (Head) h.block();
                    // each head its own copy, equal to the checkpoint's (a random draw before)
                    assertArrayEquals(floats(file.get(WEIGHT)), head.hfParameters().get(WEIGHT).getArray()
                            .toFloatArray(), head + ": " + WEIGHT + " of " + checkpoint);
                    assertArrayEquals(floats(file.get(BIAS)), head.hfParameters().get(BIAS).getArray()
                            .toFloatArray(), head + ": " + BIAS + " of " + checkpoint);
                }
                assertFalse(((Head) seq.block()).hfParameters().get(WEIGHT).getArray()
                        == ((Head) choice.block()).hfParameters().get(WEIGHT).getArray(), "one array per head");
                // the classifier alone from the checkpoint: the pooler must already be HF's
                Head head = (Head) seq.block();
                for (String key : List.of("classifier.weight", "classifier.bias")) {
                    HostTensor t = file.get(key);
                    try (NDArray view = head.hfParameters().get(key).getArray().stopGradient()) {
                        view.set(new NDIndex("..."), root.create(floats(t), new Shape(t.shape())));
                    }
                }
                int[] rowsOfSeq = new int[rows];
                int[] examples = new int[rows];
                for (int r = 0; r < rows; r++) {
                    rowsOfSeq[r] = r;
                    examples[r] = r;
                }
                JsonObject hf = ref.getAsJsonObject("heads").getAsJsonObject("sequence-classification");
                int[] labels = ints(hf.getAsJsonArray("labels"));
                MultiTaskBatch batch = new MultiTaskBatch(rows, seqLen, ids, mask, new long[ids.length],
                        List.of(new TaskSlice(0, rowsOfSeq, examples, labels, new long[] {rows})));
                try (NDManager sm = root.newSubManager()) {
                    float[] logits = model.forward(sm, batch, false).logits().get(0).toFloatArray();
                    double[] expected = doubles(hf.getAsJsonArray("logits"));
                    assertEquals(expected.length, logits.length, "logits [rows, 3]");
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], logits[i], 1e-4, "logit " + i + " of reference.json's "
                                + "BertForSequenceClassification (row " + i / 3 + ")");
                    }
                }
            }
        }
    }

    @Test
    void aCheckpointWithoutPoolerLeavesTheSeededDraw() throws Exception {
        Path encoderDir = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        try (NDManager root = NDManager.newBaseManager()) {
            TransformerEncoder encoder = EncoderCheckpoint.load(encoderDir, root).encoder();
            assertTrue(encoder.pretrainedPooler().isEmpty(), "the fixture's encoder is saved without a pooler");
            TaskHead seq = TaskFormat.SINGLE_TEXT.newHead(3, HeadFamily.BERT, 7);
            TaskHead fresh = TaskFormat.SINGLE_TEXT.newHead(3, HeadFamily.BERT, 7);
            fresh.initialize(root, encoder.hiddenSize(), encoder.config().initializerRange());
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(root).setEncoder(encoder)
                    .addHead("seq", seq).build()) {
                assertArrayEquals(((Head) fresh.block()).hfParameters().get(WEIGHT).getArray().toFloatArray(),
                        ((Head) model.head(0).block()).hfParameters().get(WEIGHT).getArray().toFloatArray());
            }
        }
    }

    @Test
    void savedEncoderKeepsThePoolerItWasLoadedWith(@TempDir Path tmp) throws Exception {
        Path checkpoint = SharedFixtures.require("fixtures/hf-reference/bert/sequence-classification");
        Map<String, HostTensor> file = tensors(checkpoint);
        try (NDManager root = NDManager.newBaseManager()) {
            EncoderCheckpoint.save(EncoderCheckpoint.load(checkpoint, root).encoder(), tmp, null);
        }
        Map<String, HostTensor> saved = tensors(tmp);
        // BertModel.save_pretrained's names, the values of the checkpoint the encoder came from
        assertArrayEquals(floats(file.get(WEIGHT)), floats(saved.get("pooler.dense.weight")));
        assertArrayEquals(floats(file.get(BIAS)), floats(saved.get("pooler.dense.bias")));
    }

    @Test
    void aSavedModelKeepsItsHeadsTrainedPooler(@TempDir Path tmp) throws Exception {
        Path checkpoint = SharedFixtures.require("fixtures/hf-reference/bert/sequence-classification");
        float[] trained = new float[32 * 32];
        for (int i = 0; i < trained.length; i++) {
            trained[i] = (i % 7 - 3) / 10f;
        }
        try (NDManager root = NDManager.newBaseManager()) {
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(root)
                    .setEncoder(EncoderCheckpoint.load(checkpoint, root).encoder())
                    .addHead("seq", TaskFormat.SINGLE_TEXT.newHead(3, HeadFamily.BERT, 0)).build()) {
                // what finetuning would have made of the pooler
                try (NDArray view = ((Head) model.head(0).block()).hfParameters().get(WEIGHT).getArray().stopGradient()) {
                    view.set(new NDIndex("..."), root.create(trained, new Shape(32, 32)));
                }
                model.save(tmp, EncoderWriter.huggingFace(null));
            }
            // built again from the saved encoder, whose pooler (the pretrained one) the head copies
            // first; the saved head's own pooler must win
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(root)
                    .setEncoder(EncoderCheckpoint.load(tmp.resolve("encoder"), root).encoder())
                    .addHead("seq", TaskFormat.SINGLE_TEXT.newHead(3, HeadFamily.BERT, 0)).build()) {
                model.loadParameters(tmp);
                assertArrayEquals(trained, ((Head) model.head(0).block()).hfParameters().get(WEIGHT).getArray()
                        .toFloatArray());
            }
        }
    }

    @Test
    void aPoolerWithoutItsBiasIsNotUsed(@TempDir Path tmp) throws Exception {
        Path checkpoint = SharedFixtures.require("fixtures/hf-reference/bert/sequence-classification");
        Map<String, HostTensor> file = new java.util.TreeMap<>(tensors(checkpoint));
        file.remove(BIAS);
        SafetensorsWriter.write(tmp.resolve(SafetensorsReader.MODEL_FILE), file.values());
        Files.copy(checkpoint.resolve(EncoderCheckpoint.CONFIG_FILE), tmp.resolve(EncoderCheckpoint.CONFIG_FILE));
        try (NDManager root = NDManager.newBaseManager()) {
            // logged at WARN; HF's from_pretrained draws a pooler it cannot load whole too
            assertTrue(EncoderCheckpoint.load(tmp, root).encoder().pretrainedPooler().isEmpty());
        }
    }

    /**
     * A pooler holding NaN is refused as the encoder's own tensors are: before poolers were copied
     * it was never read, and copied it gave every pooling head NaN logits, which surfaced only as a
     * non-finite loss at the first step, naming no file.
     */
    @Test
    void aPoolerHoldingNaNIsRefusedNamingIt(@TempDir Path tmp) throws Exception {
        Path checkpoint = SharedFixtures.require("fixtures/hf-reference/bert/sequence-classification");
        Map<String, HostTensor> file = new java.util.TreeMap<>(tensors(checkpoint));
        float[] bias = floats(file.get(BIAS));
        bias[5] = Float.NaN;
        file.put(BIAS, HostTensor.ofFloats(BIAS, file.get(BIAS).shape(), bias));
        SafetensorsWriter.write(tmp.resolve(SafetensorsReader.MODEL_FILE), file.values());
        Files.copy(checkpoint.resolve(EncoderCheckpoint.CONFIG_FILE), tmp.resolve(EncoderCheckpoint.CONFIG_FILE));
        try (NDManager root = NDManager.newBaseManager()) {
            MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class,
                    () -> EncoderCheckpoint.load(tmp, root));
            assertEquals(tmp.resolve(SafetensorsReader.MODEL_FILE) + ": tensor " + BIAS + " holds NaN or infinite"
                    + " values, as a diverged run leaves them; use a checkpoint of a run that converged (for example"
                    + " one trained at a lower learning rate)", e.getMessage());
        }
    }

    @Test
    void onlyHeadsThatPoolHaveAPooler() {
        // RobertaClassificationHead's dense layer is its own, which HF draws anew; HF's
        // RobertaForMultipleChoice pools with the encoder's pooler, so it loads it too
        assertTrue(head(TaskFormat.SINGLE_TEXT.newHead(3, HeadFamily.ROBERTA, 0)).poolerPrefix().isEmpty());
        assertEquals("roberta.pooler.dense",
                head(TaskFormat.CHOICE.newHead(2, HeadFamily.ROBERTA, 0)).poolerPrefix().orElseThrow());
        assertEquals("bert.pooler.dense",
                head(TaskFormat.SINGLE_TEXT.newHead(3, HeadFamily.BERT, 0)).poolerPrefix().orElseThrow());
        assertTrue(head(TaskFormat.TOKEN.newHead(3, HeadFamily.BERT, 0)).poolerPrefix().isEmpty());
        assertTrue(head(TaskFormat.QA.newHead(2, HeadFamily.BERT, 0)).poolerPrefix().isEmpty());
    }

    private static Head head(TaskHead h) {
        try (NDManager m = NDManager.newBaseManager()) {
            h.initialize(m, 32, 0.02f);
            return (Head) h.block();
        }
    }

    private static Map<String, HostTensor> tensors(Path folder) throws java.io.IOException {
        try (SafetensorsReader r = SafetensorsReader.open(folder)) {
            return r.readAll();
        }
    }

    private static float[] floats(HostTensor t) {
        assertEquals(HostTensor.DType.F32, t.dtype(), t.name());
        float[] out = new float[(int) t.numel()];
        t.data().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private static List<Double> flat(JsonArray a) {
        List<Double> out = new ArrayList<>();
        a.forEach(e -> {
            if (e.isJsonArray()) {
                out.addAll(flat(e.getAsJsonArray()));
            } else {
                out.add(e.getAsDouble());
            }
        });
        return out;
    }

    private static double[] doubles(JsonArray a) {
        return flat(a).stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static long[] longs(JsonArray a) {
        return flat(a).stream().mapToLong(Double::longValue).toArray();
    }

    private static int[] ints(JsonArray a) {
        return flat(a).stream().mapToInt(Double::intValue).toArray();
    }
}
