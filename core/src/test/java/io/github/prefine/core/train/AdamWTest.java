package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.github.prefine.core.model.LossScaling;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.model.TestHeads;
import io.github.prefine.core.model.TinyEncoder;
import io.github.prefine.core.task.Split;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {

    private static NamedParameter param(NDManager m, String name, float[] values) {
        NDArray a = m.create(values);
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optArray(a).build();
        a.setRequiresGradient(true);
        return new NamedParameter(name, p);
    }

    /** Sets w's gradient to c by back-propagating sum(w * c). */
    private static void gradient(NDManager m, NamedParameter p, float[] c) {
        try (NDManager sm = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(p.parameter().getArray().mul(sm.create(c)).sum());
        }
    }

    /** torch.optim.AdamW with clip_grad_norm_, in double, one parameter. */
    private static double[] reference(double[] w, double[][] grads, double[] lrs, double wd, double maxNorm) {
        double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        w = w.clone();
        for (int t = 1; t <= grads.length; t++) {
            double[] g = grads[t - 1].clone();
            if (maxNorm > 0) {
                double n = 0;
                for (double x : g) {
                    n += x * x;
                }
                double scale = Math.min(1, maxNorm / (Math.sqrt(n) + 1e-6));
                for (int i = 0; i < g.length; i++) {
                    g[i] *= scale;
                }
            }
            double lr = lrs[t - 1];
            for (int i = 0; i < w.length; i++) {
                w[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                w[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / denom;
            }
        }
        return w;
    }

    private static void check(double maxNorm, double wd) {
        float[] w0 = {0.5f, -1.0f, 2.0f};
        float[][] gs = {{0.3f, -0.2f, 0.1f}, {2.0f, 1.0f, -3.0f}, {-0.05f, 0.4f, 0.0f}};
        double[] lrs = {0.1, 0.05, 0.01};
        try (NDManager m = NDManager.newBaseManager();
                AdamW opt = AdamW.builder().setManager(m).optMaxGradNorm(maxNorm).optWeightDecay(wd)
                        .optDecayFilter(k -> true).build()) {
            NamedParameter p = param(m, "w", w0);
            double[][] gd = new double[gs.length][];
            for (int s = 0; s < gs.length; s++) {
                gradient(m, p, gs[s]);
                opt.step(List.of(p), lrs[s]);
                gd[s] = new double[3];
                for (int i = 0; i < 3; i++) {
                    gd[s][i] = gs[s][i];
                }
            }
            double[] expected = reference(new double[] {0.5, -1.0, 2.0}, gd, lrs, wd, maxNorm);
            float[] got = p.parameter().getArray().toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertEquals(expected[i], got[i], 2e-6, "element " + i);
            }
            assertEquals(3, opt.stepCount("w"));
            assertArrayEquals(new float[3], p.parameter().getArray().getGradient().toFloatArray(), "gradient zeroed");
        }
    }

    @Test
    void aParameterLargerThanOneUpdateBlockMatchesTheReferenceEverywhere() {
        // 2 full blocks and a partial one, 2-D like an embedding matrix
        int rows = 2 * (int) (AdamW.BLOCK / 4096) + 1;
        int n = rows * 4096;
        float[] w0 = new float[n];
        float[][] gs = new float[2][n];
        for (int i = 0; i < n; i++) {
            w0[i] = (i % 11) * 0.1f - 0.5f;
            gs[0][i] = ((i % 7) - 3) * 0.1f;
            gs[1][i] = ((i % 5) - 2) * 0.05f;
        }
        double[] lrs = {0.1, 0.05};
        try (NDManager m = NDManager.newBaseManager();
                AdamW opt = AdamW.builder().setManager(m).optMaxGradNorm(0).optWeightDecay(0.01)
                        .optDecayFilter(k -> true).build()) {
            NDArray a = m.create(w0, new Shape(rows, 4096));
            Parameter param = Parameter.builder().setName("emb").setType(Parameter.Type.WEIGHT).optArray(a).build();
            a.setRequiresGradient(true);
            NamedParameter p = new NamedParameter("emb", param);
            double[][] gd = new double[2][n];
            for (int s = 0; s < 2; s++) {
                try (NDManager sm = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(a.mul(sm.create(gs[s], new Shape(rows, 4096))).sum());
                }
                opt.step(List.of(p), lrs[s]);
                for (int i = 0; i < n; i++) {
                    gd[s][i] = gs[s][i];
                }
            }
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = w0[i];
            }
            double[] expected = reference(w, gd, lrs, 0.01, 0);
            float[] got = a.toFloatArray();
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], got[i], 2e-6, "element " + i);
            }
        }
    }

    @Test
    void matchesTorchAdamWWithoutClipping() {
        check(0, 0);
    }

    @Test
    void matchesTorchAdamWWithDecoupledDecayAndGlobalNormClipping() {
        // step 2's gradient has norm 3.74 > 1, so it is scaled down; steps 1 and 3 are not
        check(1.0, 0.01);
    }

    @Test
    void rejectsOutOfRangeSettings() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> AdamW.builder().setManager(m).optBeta1(1f).build());
            assertThrows(IllegalArgumentException.class, () -> AdamW.builder().setManager(m).optMaxGradNorm(-1).build());
            assertThrows(IllegalArgumentException.class, () -> AdamW.builder().build());
        }
    }

    private static float[][] snapshot(List<NamedParameter> ps) {
        float[][] out = new float[ps.size()][];
        for (int i = 0; i < ps.size(); i++) {
            out[i] = ps.get(i).parameter().getArray().toFloatArray();
        }
        return out;
    }

    private static void step(MultiHeadModel model, AdamW opt, SyntheticTasks tasks, int[] t, int[] e) {
        try (NDManager sm = model.getManager().newSubManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(model.forward(sm, tasks.assemble(Split.TRAIN, t, e), true).meanLoss());
            }
            opt.step(model.activeParameters(java.util.Arrays.stream(t).distinct().sorted().toArray()), 1e-2);
        }
    }

    @Test
    void headsOfTasksAbsentFromABatchKeepValuesMomentsAndStepCounts() {
        SyntheticTasks tasks = new SyntheticTasks(5, 8, 2, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = MultiHeadModel.builder().setManager(root)
                        .setEncoder(new TinyEncoder(SyntheticTasks.VOCAB, 8).init(root), 8)
                        .addHead("tok", tasks.head(0)).addHead("seq", tasks.head(1))
                        .optLossScaling(LossScaling.NONE).build();
                AdamW opt = AdamW.builder().setManager(model.getManager()).build()) {
            List<NamedParameter> seqHead = model.headParameters(1);
            float[][] before = snapshot(seqHead);
            float[][] encBefore = snapshot(model.encoderParameters());
            step(model, opt, tasks, new int[] {0, 0, 0}, new int[] {0, 1, 2});
            assertArrayEquals(before, snapshot(seqHead), "absent head moved on the first step");
            assertEquals(0, opt.stepCount(seqHead.get(0).key()));
            assertFalse(java.util.Arrays.deepEquals(encBefore, snapshot(model.encoderParameters())), "encoder must move");

            step(model, opt, tasks, new int[] {1, 0}, new int[] {3, 4});
            float[][] afterSeq = snapshot(seqHead);
            Map<String, NDArray> moments = opt.momentArrays();
            float[] m = moments.get("m." + seqHead.get(0).key()).toFloatArray();
            float[] v = moments.get("v." + seqHead.get(0).key()).toFloatArray();

            step(model, opt, tasks, new int[] {0, 0}, new int[] {5, 6});
            step(model, opt, tasks, new int[] {0}, new int[] {7});
            assertArrayEquals(afterSeq, snapshot(seqHead), "absent head moved");
            assertArrayEquals(m, opt.momentArrays().get("m." + seqHead.get(0).key()).toFloatArray(), "first moment moved");
            assertArrayEquals(v, opt.momentArrays().get("v." + seqHead.get(0).key()).toFloatArray(), "second moment moved");
            assertEquals(1, opt.stepCount(seqHead.get(0).key()));
            assertEquals(4, opt.stepCount(model.encoderParameters().get(0).key()));
        }
    }
}
