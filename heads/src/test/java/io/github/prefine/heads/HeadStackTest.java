package io.github.prefine.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A stack of heads gives each row its own head's logits, as the head alone would. */
class HeadStackTest {
    private static final int HIDDEN = 4;
    private static final int SEQ = 3;
    private static final float M = HeadStack.MASKED_LOGIT;

    private static TokenClassificationHead token(NDManager m, int labels, long seed) {
        return init(m, TokenClassificationHead.builder().setHiddenSize(HIDDEN).setNumLabels(labels).optSeed(seed).optInitializerRange(1f).build());
    }

    private static SequenceClassificationHead sequence(NDManager m, HeadFamily family, int labels, long seed) {
        return init(m, SequenceClassificationHead.builder().setFamily(family).setHiddenSize(HIDDEN).setNumLabels(labels)
                .optSeed(seed).optInitializerRange(1f).build());
    }

    private static QuestionAnsweringHead span(NDManager m, long seed) {
        return init(m, QuestionAnsweringHead.builder().setHiddenSize(HIDDEN).optSeed(seed).optInitializerRange(1f).build());
    }

    private static <H extends Head> H init(NDManager m, H head) {
        head.initialize(m, DataType.FLOAT32, new Shape(1, SEQ, HIDDEN));
        // biases start at zero; make them count
        for (var p : head.hfParameters().entrySet()) {
            if (p.getKey().endsWith(".bias")) {
                NDArray b = p.getValue().getArray();
                b.set(m.randomNormal(b.getShape()).toFloatArray());
            }
        }
        return head;
    }

    @Test
    void theHostArraysMarkEachRowsHeadAndColumns() {
        try (NDManager m = NDManager.newBaseManager()) {
            HeadStack tokens = HeadStack.of(List.of(token(m, 2, 1), token(m, 3, 2)));
            assertEquals(5, tokens.width());
            assertEquals(0, tokens.offset(0));
            assertEquals(2, tokens.offset(1));
            assertArrayEquals(new float[] {0, 1, 1, 0, 0, 1}, tokens.choice(new int[] {1, 0, 1}));
            assertArrayEquals(new float[] {M, M, 0, 0, 0, 0, 0, M, M, M}, tokens.columnMask(new int[] {1, 0}));
            HeadStack spans = HeadStack.of(List.of(span(m, 1), span(m, 2), span(m, 3)));
            assertTrue(spans.spans());
            assertTrue(spans.readsChoice());
            assertFalse(tokens.readsChoice());
            assertFalse(tokens.spans());
            assertEquals(2, spans.width());
            assertEquals(0, spans.offset(2));
            assertArrayEquals(new float[4], spans.columnMask(new int[] {2, 0}));
            assertThrows(IllegalArgumentException.class, () -> tokens.choice(new int[] {2}));
        }
    }

    /**
     * A head's first column is asked of heads in the stack only: past the last head a token stack
     * answered the total width, which reads as a column, and a span stack 0 for any number.
     */
    @Test
    void anOffsetOutsideTheStackIsRefusedNamingTheRange() {
        try (NDManager m = NDManager.newBaseManager()) {
            HeadStack tokens = HeadStack.of(List.of(token(m, 2, 1), token(m, 3, 2)));
            HeadStack spans = HeadStack.of(List.of(span(m, 1), span(m, 2)));
            for (HeadStack stack : List.of(tokens, spans)) {
                for (int head : new int[] {-1, 2, 7}) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stack.offset(head));
                    assertEquals("HeadStack: head " + head + " is outside [0, 2)", e.getMessage());
                }
            }
        }
    }

    @Test
    void onlyHeadsOfOneKindAndSettingStack() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertTrue(HeadStack.stackable(token(m, 2, 1), token(m, 7, 2)));
            assertTrue(HeadStack.stackable(span(m, 1), span(m, 2)));
            assertTrue(HeadStack.stackable(sequence(m, HeadFamily.BERT, 2, 1), sequence(m, HeadFamily.BERT, 3, 2)));
            assertFalse(HeadStack.stackable(sequence(m, HeadFamily.BERT, 2, 1), sequence(m, HeadFamily.ROBERTA, 2, 2)));
            assertFalse(HeadStack.stackable(token(m, 2, 1),
                    init(m, TokenClassificationHead.builder().setHiddenSize(HIDDEN).setNumLabels(2).optDropout(0.3f).build())));
            assertFalse(HeadStack.stackable(token(m, 2, 1), sequence(m, HeadFamily.BERT, 2, 1)));
            MultipleChoiceHead choice = MultipleChoiceHead.builder().setFamily(HeadFamily.BERT).setHiddenSize(HIDDEN).setNumChoices(2).build();
            assertFalse(HeadStack.stackable(choice, choice));
            assertThrows(IllegalArgumentException.class, () -> HeadStack.of(List.of(token(m, 2, 1), span(m, 1))));
            assertThrows(IllegalArgumentException.class, () -> HeadStack.of(List.of()));
        }
    }

    @Test
    void tokenRowsGetTheirHeadsLogitsAndMaskedOthers() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<TokenClassificationHead> heads = List.of(token(m, 2, 1), token(m, 3, 2), token(m, 4, 3));
            int[] headOfRow = {2, 0, 1, 2, 0};
            HeadStack stack = HeadStack.of(heads);
            NDArray hidden = hidden(m, headOfRow.length);
            // token stacks read no choice
            NDArray lg = stack.logits(new ParameterStore(m, false), hidden, null,
                    m.create(stack.columnMask(headOfRow), new Shape(headOfRow.length, stack.width())), false);
            assertEquals(new Shape(5, SEQ, 9), lg.getShape());
            for (int r = 0; r < headOfRow.length; r++) {
                Head h = heads.get(headOfRow[r]);
                NDArray row = hidden.get(new NDIndex().addSliceDim(r, r + 1));
                float[] alone = h.forward(new ParameterStore(m, false), new NDList(row), false).head().toFloatArray();
                int from = stack.offset(headOfRow[r]);
                int to = from + heads.get(headOfRow[r]).numLabels();
                float[] own = lg.get(new NDIndex().addSliceDim(r, r + 1).addAllDim().addSliceDim(from, to)).toFloatArray();
                // a few float32 ulps at logits near 10: the stacked product may sum in another order
                // than the head's own (1e-6, one ulp there, failed once); another head's is off by far more
                assertArrayEquals(alone, own, 1e-5f, "row " + r);
                float[] all = lg.get(new NDIndex().addSliceDim(r, r + 1)).toFloatArray();
                for (int i = 0; i < all.length; i++) {
                    int c = i % 9;
                    if (c < from || c >= to) {
                        assertTrue(all[i] < M / 2, "row " + r + " column " + c + " is masked");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(HeadFamily.class)
    void sequenceRowsGetTheirHeadsLogits(HeadFamily family) {
        try (NDManager m = NDManager.newBaseManager()) {
            List<SequenceClassificationHead> heads = List.of(sequence(m, family, 3, 1), sequence(m, family, 2, 2));
            int[] headOfRow = {1, 1, 0, 1, 0, 0};
            HeadStack stack = HeadStack.of(heads);
            NDArray hidden = hidden(m, headOfRow.length);
            NDArray lg = stack.logits(new ParameterStore(m, false), hidden,
                    m.create(stack.choice(headOfRow), new Shape(headOfRow.length, 2)),
                    m.create(stack.columnMask(headOfRow), new Shape(headOfRow.length, stack.width())), false);
            assertEquals(new Shape(6, 5), lg.getShape());
            for (int r = 0; r < headOfRow.length; r++) {
                Head h = heads.get(headOfRow[r]);
                NDArray row = hidden.get(new NDIndex().addSliceDim(r, r + 1));
                float[] alone = h.forward(new ParameterStore(m, false), new NDList(row), false).head().toFloatArray();
                int from = stack.offset(headOfRow[r]);
                float[] all = lg.get(r).toFloatArray();
                for (int c = 0; c < all.length; c++) {
                    if (c >= from && c < from + alone.length) {
                        assertEquals(alone[c - from], all[c], 1e-5f, "row " + r + " column " + c);
                    } else {
                        assertTrue(all[c] < M / 2, "row " + r + " column " + c + " is masked");
                    }
                }
            }
        }
    }

    @Test
    void spanRowsGetTheirHeadsStartAndEnd() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<QuestionAnsweringHead> heads = List.of(span(m, 1), span(m, 2), span(m, 3));
            int[] headOfRow = {0, 2, 2, 1};
            HeadStack stack = HeadStack.of(heads);
            NDArray hidden = hidden(m, headOfRow.length);
            NDArray lg = stack.logits(new ParameterStore(m, false), hidden,
                    m.create(stack.choice(headOfRow), new Shape(headOfRow.length, 3)), null, false);
            assertEquals(new Shape(4, SEQ, 2), lg.getShape());
            for (int r = 0; r < headOfRow.length; r++) {
                NDArray row = hidden.get(new NDIndex().addSliceDim(r, r + 1));
                float[] alone = heads.get(headOfRow[r]).spanLogits(new ParameterStore(m, false), row, false).toFloatArray();
                assertArrayEquals(alone, lg.get(new NDIndex().addSliceDim(r, r + 1)).toFloatArray(), 1e-5f, "row " + r);
            }
        }
    }

    /**
     * A stack concatenates its heads' weights each forward; the concatenations must go with the
     * step, not into the parameters' manager, which lives for the whole run and would grow by
     * them every step: after a training forward and backward it holds the arrays it held before,
     * no more and no fewer, each parameter's array included.
     */
    @ParameterizedTest
    @ValueSource(strings = {"token", "BERT", "ROBERTA", "span"})
    void aForwardLossAndBackwardLeaveTheParameterManagerAsItWas(String kind) {
        try (NDManager model = NDManager.newBaseManager();
                NDManager step = NDManager.newBaseManager()) {
            List<Head> heads = twoHeads(model, kind);
            HeadStack stack = HeadStack.of(heads);
            int[] headOfRow = {1, 0, 1};
            Set<NDArray> before = Collections.newSetFromMap(new IdentityHashMap<>());
            before.addAll(model.getManagedArrays());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray lg = stackedLogits(stack, step, hidden(step, headOfRow.length), headOfRow, true);
                gc.backward(lg.sum());
            }
            Set<NDArray> after = Collections.newSetFromMap(new IdentityHashMap<>());
            after.addAll(model.getManagedArrays());
            after.removeAll(before);
            assertEquals(Set.of(), after, kind + ": arrays the step left in the parameters' manager");
            // and none of its arrays moved to the step's manager, which is still open here
            Set<NDArray> gone = Collections.newSetFromMap(new IdentityHashMap<>());
            gone.addAll(before);
            gone.removeAll(model.getManagedArrays());
            assertEquals(Set.of(), gone, kind + ": arrays the step took from the parameters' manager");
            for (Head h : heads) {
                h.hfParameters().forEach((name, p) -> assertSame(model, p.getArray().getManager(),
                        kind + ": the manager of " + name));
            }
        }
    }

    /**
     * A parameters' manager capped against new arrays (as a model's is once loaded, to catch leaks)
     * takes a stack's forward and backward: the concatenations are made in the hidden state's
     * manager, never first in the parameters'. Each head's parameters still get their gradient; for
     * the token stack, with a loss summing each row's own columns (d loss / d logit 1 there, 0 on
     * the others), a head's weight gradient is, for every output column, the sum of its rows'
     * hidden vectors over every position (no dropout).
     */
    @ParameterizedTest
    @ValueSource(strings = {"token", "BERT", "ROBERTA", "span"})
    void aCappedParameterManagerTakesAStackedForwardAndBackward(String kind) {
        try (NDManager model = NDManager.newBaseManager();
                NDManager step = NDManager.newBaseManager()) {
            List<Head> heads = twoHeads(model, kind);
            HeadStack stack = HeadStack.of(heads);
            int[] headOfRow = {1, 0, 1};
            model.cap();
            // the cap is live: anything new in the parameters' manager would throw like this
            assertThrows(IllegalStateException.class, () -> model.zeros(new Shape(1)));
            NDArray x = hidden(step, headOfRow.length);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray lg = stackedLogits(stack, step, x, headOfRow, true);
                // the token stack's loss reads each row's own columns only (the mask's 0s), as a loss would
                NDArray own = step.create(stack.columnMask(headOfRow), new Shape(headOfRow.length, 1, stack.width()))
                        .eq(0).toType(DataType.FLOAT32, false);
                gc.backward(kind.equals("token") ? lg.mul(own).sum() : lg.sum());
            }
            // a gradient is read into its array's manager: lend the parameters to the step's to read them
            List<Map<String, float[]>> grads = new ArrayList<>();
            try (NDManager reading = step.newSubManager()) {
                for (Head head : heads) {
                    Map<String, float[]> g = new HashMap<>();
                    head.hfParameters().forEach((name, p) -> {
                        p.getArray().tempAttach(reading);
                        g.put(name, p.getArray().getGradient().toFloatArray());
                    });
                    grads.add(g);
                }
            }
            for (int h = 0; h < heads.size(); h++) {
                for (var g : grads.get(h).entrySet()) {
                    float sum = 0;
                    for (float v : g.getValue()) {
                        sum += Math.abs(v);
                    }
                    assertTrue(sum > 0, kind + ": head " + h + "'s " + g.getKey() + " got no gradient");
                }
            }
            if (kind.equals("token")) {
                float[] xs = x.toFloatArray();
                for (int h = 0; h < 2; h++) {
                    float[] want = new float[HIDDEN];
                    for (int r = 0; r < headOfRow.length; r++) {
                        for (int i = 0; headOfRow[r] == h && i < SEQ * HIDDEN; i++) {
                            want[i % HIDDEN] += xs[r * SEQ * HIDDEN + i];
                        }
                    }
                    float[] g = grads.get(h).get("classifier.weight");
                    for (int c = 0; c < g.length / HIDDEN; c++) {
                        assertArrayEquals(want, Arrays.copyOfRange(g, c * HIDDEN, (c + 1) * HIDDEN), 1e-5f,
                                "token head " + h + ", column " + c);
                    }
                }
            }
        }
    }

    /**
     * Stacked forwards over the same heads on several threads at once, each in its own manager,
     * give each the logits a forward alone gives, and leave every parameter open in its own
     * manager: a forward builds its concatenations without moving the parameters' arrays. (A
     * forward that lent a weight to its own sub-manager for the concatenation could get it back
     * from another thread's lender that had already closed, which freed it or left it there.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"token", "BERT", "ROBERTA", "span"})
    void concurrentStackedForwardsOverTheSameHeadsGiveTheirOwnLogits(String kind) throws Exception {
        int threads = 4;
        int forwards = 300;
        try (NDManager model = NDManager.newBaseManager()) {
            List<Head> heads = twoHeads(model, kind);
            HeadStack stack = HeadStack.of(heads);
            int[] headOfRow = {1, 0, 1};
            float[] alone;
            try (NDManager step = NDManager.newBaseManager()) {
                alone = stackedLogits(stack, step, headOfRow).toFloatArray();
            }
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        for (int i = 0; i < forwards; i++) {
                            try (NDManager step = NDManager.newBaseManager()) {
                                assertArrayEquals(alone, stackedLogits(stack, step, headOfRow).toFloatArray(), kind);
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                thread.start();
                running.add(thread);
            }
            for (Thread thread : running) {
                thread.join();
            }
            assertEquals(List.of(), failures, kind + ": what the threads threw");
            for (Head h : heads) {
                h.hfParameters().forEach((name, p) -> {
                    assertSame(model, p.getArray().getManager(), kind + ": the manager of " + name);
                    assertFalse(p.getArray().isReleased(), kind + ": " + name + " was freed");
                });
            }
        }
    }

    /**
     * While other threads run forwards over the same heads, a stacked backward on this thread (DJL
     * lets one thread collect gradients at a time) gives every parameter the gradient its head
     * gives alone, row by row: the sum of each row's negative log-likelihood of its own label
     * (token and sequence rows: label {@code (row + position) % 2}; span rows: start
     * {@code row % SEQ}, end {@code (row + 1) % SEQ}), from each head's own forward.
     */
    @ParameterizedTest
    @ValueSource(strings = {"token", "BERT", "ROBERTA", "span"})
    void stackedGradientsWhileOtherThreadsRunForwardsAreEachHeadsAlone(String kind) throws Exception {
        int[] headOfRow = {1, 0, 1};
        try (NDManager model = NDManager.newBaseManager()) {
            List<Head> heads = twoHeads(model, kind);
            HeadStack stack = HeadStack.of(heads);
            heads.forEach(h -> h.hfParameters().values().forEach(p -> p.getArray().setRequiresGradient(true)));
            Map<String, float[]> alone = new HashMap<>();
            try (NDManager step = NDManager.newBaseManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ParameterStore ps = new ParameterStore(step, false);
                NDArray hidden = hidden(step, headOfRow.length);
                NDArray loss = step.zeros(new Shape());
                for (int r = 0; r < headOfRow.length; r++) {
                    Head h = heads.get(headOfRow[r]);
                    NDArray row = hidden.get(new NDIndex("{}:{}", r, r + 1));
                    NDArray lg = h instanceof QuestionAnsweringHead q ? q.spanLogits(ps, row, false)
                            : h.forward(ps, new NDList(row), false).singletonOrThrow();
                    loss = loss.add(ownNll(step, kind, lg, new int[] {r}, new int[] {0}, new int[] {0}));
                }
                gc.backward(loss);
            }
            gradients(heads, alone);
            Map<String, float[]> stacked = new HashMap<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> running = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            try (NDManager step = NDManager.newBaseManager()) {
                                stackedLogits(stack, step, headOfRow).toFloatArray();
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                thread.start();
                running.add(thread);
            }
            try {
                int[] offsets = new int[headOfRow.length];
                for (int r = 0; r < headOfRow.length; r++) {
                    offsets[r] = stack.offset(headOfRow[r]);
                }
                for (int i = 0; i < 20; i++) {
                    zeroGradients(heads);
                    try (NDManager step = NDManager.newBaseManager();
                            GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray lg = stackedLogits(stack, step, headOfRow);
                        gc.backward(ownNll(step, kind, lg, new int[] {0, 1, 2}, new int[] {0, 1, 2}, offsets));
                    }
                    gradients(heads, stacked);
                    for (Map.Entry<String, float[]> e : alone.entrySet()) {
                        assertArrayEquals(e.getValue(), stacked.get(e.getKey()), 1e-5f, kind + " step " + i + ": " + e.getKey());
                    }
                }
            } finally {
                stop.set(true);
                for (Thread thread : running) {
                    thread.join();
                }
            }
            assertEquals(List.of(), failures, kind + ": what the forwards' threads threw");
            alone.forEach((name, g) -> assertTrue(maxAbs(g) > 0, kind + ": " + name + " got no gradient"));
        }
    }

    /**
     * The summed negative log-likelihood of the given rows' labels (see the test above): {@code
     * rows[i]} is the label's row number, {@code at[i]} its row in {@code logits}, {@code
     * offsets[i]} its head's first column in them.
     */
    private static NDArray ownNll(NDManager m, String kind, NDArray logits, int[] rows, int[] at, int[] offsets) {
        int n = rows.length;
        boolean span = kind.equals("span");
        int per = kind.equals("token") || span ? SEQ : 1;
        long[] index = new long[n * (span ? 2 : per)];
        for (int i = 0; i < n; i++) {
            int r = rows[i];
            if (span) {
                index[2 * at[i]] = r % SEQ;
                index[2 * at[i] + 1] = (r + 1) % SEQ;
                continue;
            }
            for (int s = 0; s < per; s++) {
                // every head here has 2 labels or more
                index[at[i] * per + s] = offsets[i] + (r + s) % 2;
            }
        }
        Shape shape = span ? new Shape(n, 1, 2) : per == SEQ ? new Shape(n, SEQ, 1) : new Shape(n, 1);
        float[] weights = new float[index.length];
        Arrays.fill(weights, -1f);
        return HeadLosses.targetedSum(logits, m.create(index, shape), m.create(weights, shape), span ? 1 : shape.dimension() - 1);
    }

    private static float maxAbs(float[] values) {
        float max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    /** Zeroes the heads' gradients: DJL's collector accumulates into them, as torch does. */
    private static void zeroGradients(List<Head> heads) {
        for (Head h : heads) {
            for (Parameter p : h.hfParameters().values()) {
                try (NDArray g = p.getArray().getGradient()) {
                    g.subi(g);
                }
            }
        }
    }

    /** Copies every head parameter's gradient, keyed by head and name. */
    private static void gradients(List<Head> heads, Map<String, float[]> into) {
        for (int h = 0; h < heads.size(); h++) {
            int head = h;
            heads.get(h).hfParameters().forEach((name, p) -> {
                try (NDArray g = p.getArray().getGradient()) {
                    into.put(head + " " + name, g.toFloatArray());
                }
            });
        }
    }

    private static NDArray stackedLogits(HeadStack stack, NDManager step, int[] headOfRow) {
        return stackedLogits(stack, step, hidden(step, headOfRow.length), headOfRow, false);
    }

    /** The stack's logits for {@code headOfRow} over {@code hidden}, its choice and column mask made in {@code step}. */
    private static NDArray stackedLogits(HeadStack stack, NDManager step, NDArray hidden, int[] headOfRow, boolean training) {
        return stack.logits(new ParameterStore(step, false), hidden,
                step.create(stack.choice(headOfRow), new Shape(headOfRow.length, stack.size())),
                step.create(stack.columnMask(headOfRow), new Shape(headOfRow.length, stack.width())), training);
    }

    /** Two heads of a kind (token, a sequence family's name, span); the token heads without dropout. */
    private static List<Head> twoHeads(NDManager model, String kind) {
        return switch (kind) {
            // no dropout, so that a token head's gradient is a hand-worked sum
            case "token" -> List.of(init(model, TokenClassificationHead.builder().setHiddenSize(HIDDEN).setNumLabels(2)
                    .optSeed(1).optInitializerRange(1f).optDropout(0f).build()),
                    init(model, TokenClassificationHead.builder().setHiddenSize(HIDDEN).setNumLabels(3)
                    .optSeed(2).optInitializerRange(1f).optDropout(0f).build()));
            case "span" -> List.of(span(model, 1), span(model, 2));
            default -> List.of(sequence(model, HeadFamily.valueOf(kind), 2, 1),
                    sequence(model, HeadFamily.valueOf(kind), 3, 2));
        };
    }

    private static NDArray hidden(NDManager m, int rows) {
        Random r = new Random(5);
        float[] v = new float[rows * SEQ * HIDDEN];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return m.create(v, new Shape(rows, SEQ, HIDDEN));
    }
}
