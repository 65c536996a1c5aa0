package io.github.prefine.core.train;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.MultiTaskBatch;
import io.github.prefine.core.model.TaskSlice;
import io.github.prefine.core.model.TestHeads;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.heads.HeadFamily;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Small generated tasks with learnable rules over a random vocabulary (pad 0, CLS 1):
 * TOKEN (label = id % 3, CLS and padding ignored), SEQUENCE (1 when the row holds token 20),
 * SPAN (start at token 22, end at the 23 right after it), CHOICE (2 rows; the one holding 22).
 */
public final class SyntheticTasks implements BatchSource {
    public static final int VOCAB = 24;

    private final TestHeads.Kind[] kinds;
    /** [task][split] -> examples; an example is its rows (token arrays) and its labels. */
    private final List<List<List<Example>>> data = new ArrayList<>();

    record Example(int[][] rows, int[] labels) {}

    public SyntheticTasks(long seed, int trainSize, int validationSize, TestHeads.Kind... kinds) {
        this.kinds = kinds.clone();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (TestHeads.Kind k : kinds) {
            List<List<Example>> splits = new ArrayList<>();
            for (Split s : Split.values()) {
                int n = s == Split.TRAIN ? trainSize : validationSize;
                List<Example> ex = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ex.add(make(k, rnd));
                }
                splits.add(ex);
            }
            data.add(splits);
        }
    }

    private static int[] randomRow(SplittableRandom rnd, int maxId) {
        int len = 5 + rnd.nextInt(4);
        int[] row = new int[len];
        row[0] = 1;
        for (int i = 1; i < len; i++) {
            row[i] = 2 + rnd.nextInt(maxId - 1);
        }
        return row;
    }

    private static Example make(TestHeads.Kind k, SplittableRandom rnd) {
        switch (k) {
            case TOKEN: {
                int[] row = randomRow(rnd, 21);
                int[] labels = new int[row.length];
                labels[0] = -100;
                for (int i = 1; i < row.length; i++) {
                    labels[i] = row[i] % 3;
                }
                return new Example(new int[][] {row}, labels);
            }
            case SEQUENCE: {
                // keyword rule: label 1 iff the row holds token 20
                int[] row = randomRow(rnd, 19);
                int label = rnd.nextInt(2);
                if (label == 1) {
                    row[1 + rnd.nextInt(row.length - 1)] = 20;
                }
                return new Example(new int[][] {row}, new int[] {label});
            }
            case SPAN: {
                int[] row = randomRow(rnd, 19);
                int p = 1 + rnd.nextInt(row.length - 2);
                row[p] = 22;
                row[p + 1] = 23;
                return new Example(new int[][] {row}, new int[] {p, p + 1});
            }
            case CHOICE: {
                int[] a = randomRow(rnd, 19);
                int[] b = randomRow(rnd, 19);
                int gold = rnd.nextInt(2);
                (gold == 0 ? a : b)[1] = 22;
                return new Example(new int[][] {a, b}, new int[] {gold});
            }
            default:
                throw new AssertionError(k);
        }
    }

    public TestHeads.Kind kind(int task) {
        return kinds[task];
    }

    /** The task's name: its kind in lower case, with its index when a kind repeats. */
    public String name(int task) {
        String n = kinds[task].name().toLowerCase(java.util.Locale.ROOT);
        return Arrays.stream(kinds).filter(k -> k == kinds[task]).count() > 1 ? n + task : n;
    }

    @Override
    public int numTasks() {
        return kinds.length;
    }

    @Override
    public List<String> taskNames() {
        List<String> names = new ArrayList<>();
        for (int t = 0; t < kinds.length; t++) {
            names.add(name(t));
        }
        return names;
    }

    @Override
    public int size(int task, Split split) {
        return data.get(task).get(split.ordinal()).size();
    }

    @Override
    public MultiTaskBatch assemble(Split split, int[] tasks, int[] examples) {
        int rows = 0;
        int seqLen = 1;
        for (int i = 0; i < tasks.length; i++) {
            Example e = data.get(tasks[i]).get(split.ordinal()).get(examples[i]);
            rows += e.rows().length;
            for (int[] r : e.rows()) {
                seqLen = Math.max(seqLen, r.length);
            }
        }
        long[] ids = new long[rows * seqLen];
        long[] mask = new long[rows * seqLen];
        int[][] rowsOf = new int[kinds.length][];
        int[] counts = new int[kinds.length];
        int[] rowCounts = new int[kinds.length];
        for (int t : tasks) {
            counts[t]++;
        }
        List<int[]> exIdx = new ArrayList<>();
        List<int[]> labelBuf = new ArrayList<>();
        for (int t = 0; t < kinds.length; t++) {
            rowsOf[t] = new int[counts[t] * (kinds[t] == TestHeads.Kind.CHOICE ? 2 : 1)];
            exIdx.add(new int[counts[t]]);
            int per = switch (kinds[t]) {
                case TOKEN -> seqLen;
                case SPAN -> 2;
                default -> 1;
            };
            int[] lb = new int[counts[t] * per];
            Arrays.fill(lb, -100);
            labelBuf.add(lb);
        }
        int[] seen = new int[kinds.length];
        int row = 0;
        for (int i = 0; i < tasks.length; i++) {
            int t = tasks[i];
            Example e = data.get(t).get(split.ordinal()).get(examples[i]);
            int j = seen[t]++;
            exIdx.get(t)[j] = examples[i];
            for (int[] r : e.rows()) {
                for (int p = 0; p < r.length; p++) {
                    ids[row * seqLen + p] = r[p];
                    mask[row * seqLen + p] = 1;
                }
                rowsOf[t][rowCounts[t]++] = row++;
            }
            int per = labelBuf.get(t).length / counts[t];
            System.arraycopy(e.labels(), 0, labelBuf.get(t), j * per, e.labels().length);
        }
        List<TaskSlice> slices = new ArrayList<>();
        for (int t = 0; t < kinds.length; t++) {
            if (counts[t] == 0) {
                continue;
            }
            long[] shape = switch (kinds[t]) {
                case TOKEN -> new long[] {counts[t], seqLen};
                case SPAN -> new long[] {counts[t], 2};
                default -> new long[] {counts[t]};
            };
            slices.add(new TaskSlice(t, rowsOf[t], exIdx.get(t), labelBuf.get(t), shape));
        }
        return new MultiTaskBatch(rows, seqLen, ids, mask, null, slices);
    }

    /**
     * Returns a fresh dropout-free test head (a linear layer) for a task, for tests whose
     * expectation needs a deterministic head: the production sequence and choice heads apply
     * dropout in training, so, for example, five micro-batches draw other masks than one batch.
     */
    public TestHeads.Head testHead(int task) {
        return switch (kinds[task]) {
            case TOKEN -> TestHeads.token(3);
            case SEQUENCE -> TestHeads.sequence(2);
            case SPAN -> TestHeads.span();
            case CHOICE -> TestHeads.choice(2);
        };
    }

    /**
     * Returns a random BERT encoder over {@link #VOCAB}: hidden size 16, one layer of two
     * attention heads, positions up to 16.
     *
     * @param m the manager of its parameters
     * @param seed the seed of its initialisation
     * @param dropout the hidden and attention dropout (BERT's is 0.1)
     * @return the initialised encoder
     */
    public static TransformerEncoder encoder(NDManager m, long seed, float dropout) {
        EncoderConfig c = EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(VOCAB).setHiddenSize(16)
                .setNumHiddenLayers(1).setNumAttentionHeads(2).setIntermediateSize(24).optHiddenDropoutProb(dropout)
                .optAttentionProbsDropoutProb(dropout).optMaxPositionEmbeddings(16).build();
        TransformerEncoder enc = TransformerEncoder.builder().setConfig(c).build();
        enc.initializeRandom(m, seed);
        return enc;
    }

    /**
     * Returns a model of {@link #encoder} (seed 3) with a head per task, named as the tasks.
     *
     * @param root the manager the model's manager hangs from
     * @param dropout the encoder's dropout
     * @param head makes a task's head from its index, such as {@link #head} or {@link #testHead}
     * @return the model
     */
    public MultiHeadModel model(NDManager root, float dropout, IntFunction<? extends TaskHead> head) {
        MultiHeadModel.Builder b = MultiHeadModel.builder().setManager(root).setEncoder(encoder(root, 3, dropout), 16);
        for (int t = 0; t < numTasks(); t++) {
            b.addHead(name(t), head.apply(t));
        }
        return b.build();
    }

    /** Returns a fresh production head (as the task format makes it) for a task, seeded by its index. */
    public TaskHead head(int task) {
        return switch (kinds[task]) {
            case TOKEN -> TaskFormat.TOKEN.newHead(3, HeadFamily.BERT, task);
            case SEQUENCE -> TaskFormat.SINGLE_TEXT.newHead(2, HeadFamily.BERT, task);
            case SPAN -> TaskFormat.QA.newHead(2, HeadFamily.BERT, task);
            case CHOICE -> TaskFormat.CHOICE.newHead(2, HeadFamily.BERT, task);
        };
    }
}
