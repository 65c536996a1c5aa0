package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.HfHeads;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.heads.Head;
import io.github.prefine.heads.HeadFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fixture's padded batch sent three times in one heterogeneous batch, once per HF head
 * (XLM-R sequence, token and QA checkpoints): each task's logits match HF's on real tokens, and
 * each task's loss is the mean of per-example losses computed from HF's logits.
 */
class MultiHeadModelParityTest {
    private static final double LOGIT_TOL = 1e-4;

    private static void loadHead(Head head, Path folder, NDManager m) throws Exception {
        HfHeads.load(head, folder, m);
    }

    private static double[] flat(JsonArray a) {
        List<Double> out = new ArrayList<>();
        flatten(a, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flatten(JsonArray a, List<Double> out) {
        a.forEach(e -> {
            if (e.isJsonArray()) {
                flatten(e.getAsJsonArray(), out);
            } else {
                out.add(e.getAsDouble());
            }
        });
    }

    /** Cross entropy of one row of logits, in double. */
    private static double ce(double[] logits, int offset, int n, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double z = 0;
        for (int i = 0; i < n; i++) {
            z += Math.exp(logits[offset + i] - max);
        }
        return Math.log(z) + max - logits[offset + label];
    }

    @Test
    void heterogeneousBatchMatchesHfLogitsAndPerExampleLosses() throws Exception {
        Path dir = SharedFixtures.require("fixtures/hf-reference/xlm-roberta");
        PaddedBatch ref = PaddedBatch.read(dir);
        JsonObject heads = ref.heads();
        double[] ids = ref.ids();
        double[] mask = ref.mask();
        int rows = ref.rows();
        int seqLen = ids.length / rows;

        try (NDManager root = NDManager.newBaseManager()) {
            TransformerEncoder encoder = EncoderCheckpoint.load(dir.resolve("encoder"), root).encoder();
            // the production heads, as the task formats make them
            TaskHead seq = TaskFormat.SINGLE_TEXT.newHead(3, HeadFamily.ROBERTA, 0);
            TaskHead tok = TaskFormat.TOKEN.newHead(5, HeadFamily.ROBERTA, 0);
            TaskHead qa = TaskFormat.QA.newHead(2, HeadFamily.ROBERTA, 0);
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(root).setEncoder(encoder)
                    .addHead("seq", seq).addHead("tok", tok).addHead("qa", qa).build()) {
                loadHead((Head) seq.block(), dir.resolve("sequence-classification"), root);
                loadHead((Head) tok.block(), dir.resolve("token-classification"), root);
                loadHead((Head) qa.block(), dir.resolve("question-answering"), root);

                // rows interleaved: row r of the reference batch appears as rows 3r (qa), 3r+1 (seq), 3r+2 (tok)
                long[] bigIds = new long[3 * ids.length];
                long[] bigMask = new long[3 * ids.length];
                int[][] taskRows = new int[3][rows];
                for (int r = 0; r < rows; r++) {
                    for (int k = 0; k < 3; k++) {
                        int row = 3 * r + k;
                        for (int p = 0; p < seqLen; p++) {
                            bigIds[row * seqLen + p] = (long) ids[r * seqLen + p];
                            bigMask[row * seqLen + p] = (long) mask[r * seqLen + p];
                        }
                    }
                    taskRows[1][r] = 3 * r;      // qa slice (task 2) is listed last below
                    taskRows[0][r] = 3 * r + 1;
                    taskRows[2][r] = 3 * r + 2;
                }
                int[] examples = {0, 1, 2, 3};
                int[] seqLabels = toInts(flat(heads.getAsJsonObject("sequence-classification").getAsJsonArray("labels")));
                int[] tokLabels = toInts(flat(heads.getAsJsonObject("token-classification").getAsJsonArray("labels")));
                JsonObject qaRef = heads.getAsJsonObject("question-answering");
                int[] starts = toInts(flat(qaRef.getAsJsonArray("start_positions")));
                int[] ends = toInts(flat(qaRef.getAsJsonArray("end_positions")));
                int[] spans = new int[2 * rows];
                for (int r = 0; r < rows; r++) {
                    spans[2 * r] = starts[r];
                    spans[2 * r + 1] = ends[r];
                }
                MultiTaskBatch batch = new MultiTaskBatch(3 * rows, seqLen, bigIds, bigMask, null, List.of(
                        new TaskSlice(0, taskRows[0], examples, seqLabels, new long[] {rows}),
                        new TaskSlice(1, taskRows[2], examples, tokLabels, new long[] {rows, seqLen}),
                        new TaskSlice(2, taskRows[1], examples, spans, new long[] {rows, 2})));

                try (NDManager sm = root.newSubManager()) {
                    MultiHeadModel.Output out = model.forward(sm, batch, false);
                    // sequence: logits everywhere, loss = mean CE (HF's own loss)
                    double[] seqRef = flat(heads.getAsJsonObject("sequence-classification").getAsJsonArray("logits"));
                    assertClose(seqRef, out.logits().get(0).toFloatArray(), null, 1, "sequence logits");
                    assertEquals(heads.getAsJsonObject("sequence-classification").get("loss").getAsDouble(),
                            out.taskLossSums().get(0).getFloat() / rows, 1e-5);
                    // token: logits on real tokens, loss = sum over examples of each one's mean token CE
                    double[] tokRef = flat(heads.getAsJsonObject("token-classification").getAsJsonArray("logits"));
                    assertClose(tokRef, out.logits().get(1).toFloatArray(), mask, 5, "token logits");
                    double tokSum = 0;
                    for (int r = 0; r < rows; r++) {
                        double s = 0;
                        int n = 0;
                        for (int p = 0; p < seqLen; p++) {
                            int l = tokLabels[r * seqLen + p];
                            if (l != -100) {
                                s += ce(tokRef, (r * seqLen + p) * 5, 5, l);
                                n++;
                            }
                        }
                        tokSum += n == 0 ? 0 : s / n;
                    }
                    assertEquals(tokSum, out.taskLossSums().get(1).getFloat(), 1e-4);
                    // span: [rows, seqLen, 2] logits, equal to HF's on real tokens; padding is masked, so the
                    // loss is HF's span loss with the softmax over each row's real tokens only
                    // (HF's own loss, which lets padding into the softmax, is not expected here)
                    double[] startRef = flat(qaRef.getAsJsonArray("start_logits"));
                    double[] endRef = flat(qaRef.getAsJsonArray("end_logits"));
                    float[] span = out.logits().get(2).toFloatArray();
                    float[] startGot = new float[rows * seqLen];
                    float[] endGot = new float[rows * seqLen];
                    for (int i = 0; i < rows * seqLen; i++) {
                        startGot[i] = span[2 * i];
                        endGot[i] = span[2 * i + 1];
                    }
                    assertClose(startRef, startGot, mask, 1, "start logits");
                    assertClose(endRef, endGot, mask, 1, "end logits");
                    double qaSum = 0;
                    for (int r = 0; r < rows; r++) {
                        int real = 0;
                        while (real < seqLen && mask[r * seqLen + real] == 1) {
                            real++;
                        }
                        qaSum += (ce(startRef, r * seqLen, real, starts[r]) + ce(endRef, r * seqLen, real, ends[r])) / 2;
                    }
                    assertEquals(qaSum / rows, out.taskLossSums().get(2).getFloat() / rows, 1e-4);
                    float[] spanLogits = out.logits().get(2).toFloatArray();
                    for (int i = 0; i < rows * seqLen; i++) {
                        if (mask[i] == 0) {
                            assertEquals(startRef[i] - 1e4, spanLogits[2 * i], 1e-2, "padding start logit " + i);
                        }
                    }
                    assertEquals((out.taskLossSums().get(0).getFloat() + out.taskLossSums().get(1).getFloat()
                            + out.taskLossSums().get(2).getFloat()) / (3 * rows), out.meanLoss().getFloat(), 1e-5);
                }
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"xlm-roberta", "bert"})
    void aTrainingForwardDropsOutInTheHeadsAsTheConfigSays(String family) throws Exception {
        // the fixtures' config.json: hidden_dropout_prob 0 and classifier_dropout null, so HF's task
        // models (classifier_dropout, else hidden_dropout_prob) drop nothing in their heads either, and
        // a training forward gives HF's logits; the heads dropped 0.1 whatever the config said
        Path dir = SharedFixtures.require("fixtures/hf-reference/" + family);
        PaddedBatch ref = PaddedBatch.read(dir);
        JsonObject heads = ref.heads();
        double[] ids = ref.ids();
        int rows = ref.rows();
        HeadFamily headFamily = family.equals("bert") ? HeadFamily.BERT : HeadFamily.ROBERTA;
        try (NDManager root = NDManager.newBaseManager()) {
            TransformerEncoder encoder = EncoderCheckpoint.load(dir.resolve("encoder"), root).encoder();
            assertEquals(0f, encoder.config().headDropout());
            TaskHead seq = TaskFormat.SINGLE_TEXT.newHead(3, headFamily, 0);
            TaskHead tok = TaskFormat.TOKEN.newHead(5, headFamily, 0);
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(root).setEncoder(encoder)
                    .addHead("seq", seq).addHead("tok", tok).build()) {
                loadHead((Head) seq.block(), dir.resolve("sequence-classification"), root);
                loadHead((Head) tok.block(), dir.resolve("token-classification"), root);
                long[] bigIds = new long[2 * ids.length];
                long[] bigMask = new long[2 * ids.length];
                for (int i = 0; i < 2 * ids.length; i++) {
                    bigIds[i] = (long) ids[i % ids.length];
                    bigMask[i] = (long) ref.mask()[i % ids.length];
                }
                int[] examples = {0, 1, 2, 3};
                int[] seqLabels = toInts(flat(heads.getAsJsonObject("sequence-classification").getAsJsonArray("labels")));
                int[] tokLabels = toInts(flat(heads.getAsJsonObject("token-classification").getAsJsonArray("labels")));
                int seqLen = ids.length / rows;
                MultiTaskBatch batch = new MultiTaskBatch(2 * rows, seqLen, bigIds, bigMask, null, List.of(
                        new TaskSlice(0, new int[] {0, 1, 2, 3}, examples, seqLabels, new long[] {rows}),
                        new TaskSlice(1, new int[] {4, 5, 6, 7}, examples, tokLabels, new long[] {rows, seqLen})));
                try (NDManager sm = root.newSubManager()) {
                    MultiHeadModel.Output out = model.forward(sm, batch, true);
                    assertClose(flat(heads.getAsJsonObject("sequence-classification").getAsJsonArray("logits")),
                            out.logits().get(0).toFloatArray(), null, 1, "sequence logits of a training forward");
                    assertClose(flat(heads.getAsJsonObject("token-classification").getAsJsonArray("logits")),
                            out.logits().get(1).toFloatArray(), ref.mask(), 5, "token logits of a training forward");
                }
            }
        }
    }

    @Test
    void anXlmrEncoderGivenAsABlockIsSentNoTokenTypes() throws Exception {
        // the grid and TargetFinetuning give their TransformerEncoder as a Block: the model sent it the
        // batch's token type ids, which XLM-R (type_vocab_size 1, one row) has no use for, where
        // setEncoder(TransformerEncoder) sends none. Ids of 1, as a BERT-style pair would hold, show
        // which: sent, they index past the one row; not sent, the logits are HF's (all-zero types)
        Path dir = SharedFixtures.require("fixtures/hf-reference/xlm-roberta");
        PaddedBatch ref = PaddedBatch.read(dir);
        double[] ids = ref.ids();
        int rows = ref.rows();
        int seqLen = ids.length / rows;
        long[] longIds = new long[ids.length];
        long[] mask = new long[ids.length];
        long[] types = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longIds[i] = (long) ids[i];
            mask[i] = (long) ref.mask()[i];
            types[i] = i % seqLen >= seqLen / 2 ? 1 : 0;
        }
        try (NDManager root = NDManager.newBaseManager()) {
            TransformerEncoder encoder = EncoderCheckpoint.load(dir.resolve("encoder"), root).encoder();
            assertEquals(1, encoder.config().typeVocabSize());
            TaskHead seq = TaskFormat.SINGLE_TEXT.newHead(3, HeadFamily.ROBERTA, 0);
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(root)
                    .setEncoder((ai.djl.nn.Block) encoder, encoder.config().hiddenSize()).addHead("seq", seq).build()) {
                loadHead((Head) seq.block(), dir.resolve("sequence-classification"), root);
                int[] labels = toInts(flat(ref.heads().getAsJsonObject("sequence-classification")
                        .getAsJsonArray("labels")));
                MultiTaskBatch batch = new MultiTaskBatch(rows, seqLen, longIds, mask, types, List.of(
                        new TaskSlice(0, new int[] {0, 1, 2, 3}, new int[] {0, 1, 2, 3}, labels, new long[] {rows})));
                try (NDManager sm = root.newSubManager()) {
                    MultiHeadModel.Output out = model.forward(sm, batch, false);
                    assertClose(flat(ref.heads().getAsJsonObject("sequence-classification").getAsJsonArray("logits")),
                            out.logits().get(0).toFloatArray(), null, 1, "sequence logits");
                }
            }
        }
    }

    /** The padded batch of a fixture's {@code reference.json}, flattened row-major, and HF's head outputs for it. */
    private record PaddedBatch(JsonObject heads, double[] ids, double[] mask, int rows) {
        static PaddedBatch read(Path dir) throws java.io.IOException {
            JsonObject ref = JsonParser.parseString(Files.readString(dir.resolve("reference.json"))).getAsJsonObject();
            JsonObject pb = ref.getAsJsonObject("padded_batch");
            return new PaddedBatch(ref.getAsJsonObject("heads"), flat(pb.getAsJsonArray("ids")),
                    flat(pb.getAsJsonArray("attention_mask")), pb.getAsJsonArray("ids").size());
        }
    }

    private static int[] toInts(double[] d) {
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (int) d[i];
        }
        return out;
    }

    /** Compares where the mask (per position, each holding {@code width} values) is 1, or everywhere. */
    private static void assertClose(double[] expected, float[] actual, double[] mask, int width, String what) {
        assertEquals(expected.length, actual.length, what + " size");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            if (mask == null || mask[i / width] == 1) {
                worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            }
        }
        assertTrue(worst <= LOGIT_TOL, what + ": max abs difference " + worst);
    }
}
