package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.model.TaskLossWeighting;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.model.TestHeads;
import io.github.prefine.core.model.TinyEncoder;
import io.github.prefine.core.precision.LossScaler;
import io.github.prefine.core.testing.NativeOps;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdamWTest {

    /**
     * Agreement with torch.optim.AdamW: |ours - torch| <= ABS + REL * |torch| for every value,
     * moment and step (float32 on both sides, different operation order).
     */
    static final double ABS = 1e-7;
    static final double REL = 2e-6;

    /** The fused step's operations in float32 with clipping and weight decay, whatever the tensor count. */
    static final int FUSED_FLOAT32_OPS = 9;

    /**
     * The same under loss scaling: 5 more, the found-inf flag made in two (norm < inf, and a
     * {@code where} that gives the float32 0/1 both fused kernels take, with no cast), the norm
     * and the divisor unscaled (two multiplications), and the step counts less the flag before
     * their increment, which leaves them on a skipped step.
     */
    static final int FUSED_SCALED_OPS = 14;

    /** Parameters in groups, their flat buffer and an optimiser over it. */
    private static final class Rig implements AutoCloseable {
        final NDManager manager = NDManager.newBaseManager();
        final Map<String, NamedParameter> params = new LinkedHashMap<>();
        final FlatParameters flat;
        final AdamW opt;
        /** Where set, each step's optimiser call runs under the profiler and {@link #ops} holds its operations. */
        Path profile;
        Map<String, Integer> ops;

        Rig(List<List<String>> groups, Map<String, float[]> initial, Map<String, long[]> shapes, AdamW.Builder b) {
            List<List<NamedParameter>> gs = new ArrayList<>();
            for (List<String> g : groups) {
                List<NamedParameter> list = new ArrayList<>();
                for (String k : g) {
                    NDArray a = manager.create(initial.get(k), new Shape(shapes.get(k)));
                    Parameter p = Parameter.builder().setName(k).setType(Parameter.Type.WEIGHT).optArray(a).build();
                    NamedParameter np = new NamedParameter(k, p);
                    params.put(k, np);
                    list.add(np);
                }
                gs.add(list);
            }
            flat = FlatParameters.of(manager, gs, Set.of(), b.decayFilter());
            opt = b.setParameters(flat).build();
        }

        /** One step with the given gradients (absent keys: no gradient) and active groups. */
        NDArray step(Map<String, float[]> grads, float[] active, double lr, Float inverseScale) {
            return step(grads, active, lr, inverseScale, false);
        }

        /** As above; with {@code lrOnDevice} the rate reaches the optimiser as a float32 device scalar. */
        NDArray step(Map<String, float[]> grads, float[] active, double lr, Float inverseScale, boolean lrOnDevice) {
            try (NDManager sm = manager.newSubManager()) {
                FlatParameters.Step st = flat.newStep(sm);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    ParameterStore ps = st.store(DataType.FLOAT32);
                    NDArray loss = null;
                    for (Map.Entry<String, float[]> e : grads.entrySet()) {
                        NDArray v = ps.getValue(params.get(e.getKey()).parameter(), manager.getDevice(), true);
                        NDArray term = v.mul(sm.create(e.getValue(), v.getShape())).sum();
                        loss = loss == null ? term : loss.add(term);
                    }
                    gc.backward(loss);
                }
                boolean[] flags = new boolean[active.length];
                for (int i = 0; i < flags.length; i++) {
                    flags[i] = active[i] != 0;
                }
                NDArray inverse = inverseScale == null ? null : sm.create(inverseScale.floatValue());
                NDArray rate = lrOnDevice ? sm.create((float) lr) : null;
                NDArray[] result = new NDArray[1];
                Runnable call = () -> result[0] = rate != null ? opt.step(sm, st.gradient(), flags, rate, inverse)
                        : opt.step(sm, st.gradient(), flags, lr, inverse);
                if (profile != null) {
                    ops = NativeOps.during(profile, call);
                } else {
                    call.run();
                }
                NDArray found = result[0];
                if (found == null) {
                    return null;
                }
                // torch's found_inf: a float32 0 or 1, which the loss scaler's kernel takes with no cast
                assertEquals(DataType.FLOAT32, found.getDataType(), "the found-inf flag's dtype");
                float f = found.getFloat();
                assertTrue(f == 0f || f == 1f, "found-inf flag " + f);
                return manager.create(f);
            }
        }

        float[] value(String k) {
            return params.get(k).parameter().getArray().toFloatArray();
        }

        float[] moment(String prefix, String k) {
            try (NDManager v = manager.newSubManager()) {
                return opt.momentArrays(v).get(prefix + k).toFloatArray();
            }
        }

        /** Every parameter's moments, under the keys {@link AdamW#momentArrays} gives them. */
        Map<String, float[]> moments() {
            Map<String, float[]> out = new LinkedHashMap<>();
            for (String k : params.keySet()) {
                out.put("m." + k, moment("m.", k));
                out.put("v." + k, moment("v.", k));
            }
            return out;
        }

        @Override
        public void close() {
            opt.close();
            flat.close();
            manager.close();
        }
    }

    private static float[] floats(JsonElement e) {
        JsonArray a = e.getAsJsonArray();
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }

    private static void near(float[] expected, float[] got, String what) {
        assertEquals(expected.length, got.length, what);
        for (int i = 0; i < expected.length; i++) {
            double tol = ABS + REL * Math.abs(expected[i]);
            assertEquals(expected[i], got[i], tol, what + "[" + i + "]");
        }
    }

    /** The torch.optim.AdamW trajectory of fixtures/torch-adamw (see its generate.py). */
    private record TorchTrajectory(Map<String, float[]> initial, Map<String, long[]> shapes, List<JsonObject> steps) {
        static TorchTrajectory load() throws IOException {
            JsonObject ref = JsonParser.parseString(Files.readString(
                    SharedFixtures.require("fixtures/torch-adamw/reference.json"))).getAsJsonObject();
            Map<String, float[]> initial = new LinkedHashMap<>();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : ref.getAsJsonObject("initial").entrySet()) {
                initial.put(e.getKey(), floats(e.getValue()));
                JsonArray s = ref.getAsJsonObject("shapes").getAsJsonArray(e.getKey());
                long[] shape = new long[s.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = s.get(i).getAsLong();
                }
                shapes.put(e.getKey(), shape);
            }
            List<JsonObject> steps = new ArrayList<>();
            ref.getAsJsonArray("steps").forEach(e -> steps.add(e.getAsJsonObject()));
            return new TorchTrajectory(initial, shapes, steps);
        }

        /**
         * The rig torch's run is repeated on: the encoder (enc_w, bias: always present) and two
         * heads; "bias" is exempt from decay by name, as torch's param group without decay.
         */
        Rig rig(boolean fused) {
            AdamW.Builder b = AdamW.builder().optWeightDecay(0.01).optMaxGradNorm(1.0).optFused(fused);
            return new Rig(List.of(List.of("enc_w", "bias"), List.of("head_a"), List.of("head_b")), initial, shapes, b);
        }

        /** A step's gradients by parameter; a parameter without gradient (head_b in steps 2 and 3) is absent. */
        static Map<String, float[]> grads(JsonObject step) {
            Map<String, float[]> grads = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> g : step.getAsJsonObject("grads").entrySet()) {
                grads.put(g.getKey(), floats(g.getValue()));
            }
            return grads;
        }

        /** The groups with a gradient in a step: the encoder, head_a, and head_b where it has one. */
        static float[] active(Map<String, float[]> grads) {
            return new float[] {1f, 1f, grads.containsKey("head_b") ? 1f : 0f};
        }

        /**
         * Checks every value, moment and step count against torch's after a step.
         *
         * @return the worst parameter error as a fraction of the tolerance
         */
        static double checkAfter(Rig rig, JsonObject step, String when) {
            double worst = 0;
            for (Map.Entry<String, JsonElement> a : step.getAsJsonObject("after").entrySet()) {
                String k = a.getKey();
                JsonObject st = a.getValue().getAsJsonObject();
                float[] want = floats(st.get("param"));
                float[] got = rig.value(k);
                near(want, got, when + ": " + k);
                for (int i = 0; i < want.length; i++) {
                    worst = Math.max(worst, Math.abs(want[i] - got[i]) / (ABS + REL * Math.abs(want[i])));
                }
                near(floats(st.get("exp_avg")), rig.moment("m.", k), when + ": " + k + " exp_avg");
                near(floats(st.get("exp_avg_sq")), rig.moment("v.", k), when + ": " + k + " exp_avg_sq");
                assertEquals(st.get("step").getAsLong(), rig.opt.stepCount(k), when + ": " + k + " step");
            }
            return worst;
        }
    }

    @ParameterizedTest(name = "fused kernel: {0}")
    @ValueSource(booleans = {true, false})
    void matchesTorchAdamWWithClippingAndAParameterWithoutGradientForSixSteps(boolean fused, @TempDir Path dir)
            throws IOException {
        TorchTrajectory torch = TorchTrajectory.load();
        try (Rig rig = torch.rig(fused)) {
            double worst = 0;
            for (int t = 0; t < torch.steps().size(); t++) {
                JsonObject step = torch.steps().get(t);
                Map<String, float[]> grads = TorchTrajectory.grads(step);
                rig.profile = fused && t > 0 ? dir : null; // the first step makes the moments
                assertNull(rig.step(grads, TorchTrajectory.active(grads), step.get("lr").getAsDouble(), null));
                worst = Math.max(worst, TorchTrajectory.checkAfter(rig, step, "step " + t));
                if (rig.profile != null) {
                    // norm; clipping divisor: +1e-6, max / that, min with 1, 1 / that; split of the
                    // gradient into ranges; step counts +1; one kernel per decay
                    // variant; no count correction, as a step without loss scaling is never skipped
                    assertEquals(FUSED_FLOAT32_OPS, NativeOps.total(rig.ops), "step " + t + ": " + rig.ops);
                    assertFalse(rig.ops.containsKey("aten::_foreach_sub_"), "step " + t + ": " + rig.ops);
                }
            }
            assertEquals(fused, rig.opt.fused(), "kernel in use");
            System.out.printf("torch AdamW parity (%s): worst parameter error %.2f of the tolerance%n",
                    fused ? "fused kernel" : "elementwise", worst);
        }
    }

    /**
     * The torch trajectory as fp16-mixed runs it: each gradient arrives multiplied by the loss
     * scale of its step (powers of two, so the scaled values are exact) with the scale's inverse,
     * the rate arrives on the device, and before the fixture's steps 2 and 4 a step whose gradient
     * overflowed (an infinity, then a NaN) is inserted. torch.amp.GradScaler skips {@code
     * optimizer.step()} for those: every value, moment and step count stays bit for bit, the
     * scale halves, and the next steps must still match torch's (norm and clipping of the
     * unscaled gradient, bias corrections counted in updates made).
     */
    @ParameterizedTest(name = "fused kernel: {0}")
    @ValueSource(booleans = {true, false})
    void matchesTorchAdamWUnderLossScalingWithOverflowedStepsSkipped(boolean fused, @TempDir Path dir)
            throws IOException {
        TorchTrajectory torch = TorchTrajectory.load();
        try (Rig rig = torch.rig(fused);
                LossScaler scaler = LossScaler.builder().setManager(rig.manager).optInitialScale(1 << 14).build()) {
            float scale = 1 << 14;
            for (int t = 0; t < torch.steps().size(); t++) {
                JsonObject step = torch.steps().get(t);
                double lr = step.get("lr").getAsDouble();
                Map<String, float[]> grads = TorchTrajectory.grads(step);
                if (t == 2 || t == 4) {
                    Map<String, float[]> before = new LinkedHashMap<>();
                    for (String k : torch.initial().keySet()) {
                        before.put(k, rig.value(k));
                        before.put("m." + k, rig.moment("m.", k));
                        before.put("v." + k, rig.moment("v.", k));
                    }
                    Map<String, Long> counts = rig.opt.stepCounts();
                    Map<String, float[]> bad = scaled(grads, scale);
                    bad.get("enc_w")[5] = t == 2 ? Float.POSITIVE_INFINITY : Float.NaN;
                    NDArray flag = rig.step(bad, TorchTrajectory.active(grads), lr, 1f / scale, true);
                    assertEquals(1f, flag.getFloat(), "overflow before step " + t + " not flagged");
                    // the flag drives the loss scaler as it is: an infinity, then a NaN, each halve the scale
                    scaler.update(flag);
                    for (String k : torch.initial().keySet()) {
                        assertArrayEquals(before.get(k), rig.value(k), "skipped step moved " + k);
                        assertArrayEquals(before.get("m." + k), rig.moment("m.", k), "skipped step moved m." + k);
                        assertArrayEquals(before.get("v." + k), rig.moment("v.", k), "skipped step moved v." + k);
                    }
                    assertEquals(counts, rig.opt.stepCounts(), "skipped step counted");
                    // GradScaler's backoff
                    scale /= 2;
                    assertEquals(scale, scaler.readScale(), "loss scale after the overflow before step " + t);
                }
                rig.profile = fused && t > 0 ? dir : null; // the first step makes the moments
                NDArray flag = rig.step(scaled(grads, scale), TorchTrajectory.active(grads), lr, 1f / scale, true);
                assertEquals(0f, flag.getFloat(), "step " + t + " flagged as overflowed");
                if (rig.profile != null) {
                    assertEquals(FUSED_SCALED_OPS, NativeOps.total(rig.ops), "step " + t + ": " + rig.ops);
                    assertTrue(rig.ops.keySet().stream().noneMatch(k -> k.startsWith("aten::to") || k.equals("aten::_to_copy")),
                            "a cast of the flag, step " + t + ": " + rig.ops);
                    rig.profile = null;
                }
                scaler.update(flag);
                assertEquals(scale, scaler.readScale(), "loss scale after step " + t);
                TorchTrajectory.checkAfter(rig, step, "step " + t + " at scale " + scale);
            }
        }
    }

    /** Each gradient times the loss scale. */
    private static Map<String, float[]> scaled(Map<String, float[]> grads, float scale) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : grads.entrySet()) {
            float[] g = e.getValue().clone();
            for (int i = 0; i < g.length; i++) {
                g[i] *= scale;
            }
            out.put(e.getKey(), g);
        }
        return out;
    }

    @Test
    void theBlockedCpuUpdateEqualsOneBlockBitForBit() {
        // the elementwise update's blocks; the fused kernel has none
        Map<String, float[]> initial = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        float[] w = new float[37];
        float[] h = new float[6];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 11) * 0.1f - 0.5f;
        }
        for (int i = 0; i < h.length; i++) {
            h[i] = i * 0.3f - 1f;
        }
        initial.put("enc.weight", w);
        shapes.put("enc.weight", new long[] {37});
        initial.put("head.weight", h);
        shapes.put("head.weight", new long[] {2, 3});
        float[][] results = new float[2][];
        for (int r = 0; r < 2; r++) {
            AdamW.Builder b = AdamW.builder().optWeightDecay(0.01).optFused(false)
                    .optCpuBlock(r == 0 ? 5 : AdamW.CPU_BLOCK);
            try (Rig rig = new Rig(List.of(List.of("enc.weight"), List.of("head.weight")), initial, shapes, b)) {
                for (int s = 0; s < 3; s++) {
                    float[] g = new float[37];
                    for (int i = 0; i < g.length; i++) {
                        g[i] = ((i * (s + 3)) % 7 - 3) * 0.2f;
                    }
                    rig.step(Map.of("enc.weight", g, "head.weight", new float[] {1, -1, 2, 0, 0.5f, -3}),
                            new float[] {1, 1}, 0.01 * (s + 1), null);
                }
                results[r] = rig.value("enc.weight");
            }
        }
        assertArrayEquals(results[1], results[0]);
    }

    /*
     * restore() promised zero moments to a parameter the checkpoint gives none, but cleared the
     * old ones by multiplying them by 0: moments a diverged step had made NaN stayed NaN.
     */
    @ParameterizedTest(name = "fused kernel: {0}")
    @ValueSource(booleans = {true, false})
    void restoreGivesZeroMomentsToParametersWithoutThemEvenAfterADivergedStep(boolean fused) {
        Map<String, float[]> initial = Map.of("enc.weight", new float[] {0.5f, -1f, 2f}, "head.weight",
                new float[] {0.1f, 0.2f});
        Map<String, long[]> shapes = Map.of("enc.weight", new long[] {3}, "head.weight", new long[] {2});
        try (Rig rig = new Rig(List.of(List.of("enc.weight"), List.of("head.weight")), initial, shapes,
                AdamW.builder().optMaxGradNorm(0).optFused(fused))) {
            float nan = Float.NaN;
            rig.step(Map.of("enc.weight", new float[] {nan, 1f, Float.POSITIVE_INFINITY}, "head.weight",
                    new float[] {nan, nan}), new float[] {1, 1}, 0.01, null);
            assertTrue(Float.isNaN(rig.moment("v.", "enc.weight")[0]), "the diverged step left NaN moments");
            try (NDManager m = rig.manager.newSubManager()) {
                // the checkpoint of a run that had updated the encoder once and never reached the head
                NDArray m1 = m.create(new float[] {0.1f, -0.2f, 0.3f});
                NDArray v1 = m.create(new float[] {0.01f, 0.04f, 0.09f});
                rig.opt.restore(Map.of("m.enc.weight", m1, "v.enc.weight", v1), Map.of("enc.weight", 1L));
            }
            assertArrayEquals(new float[] {0.1f, -0.2f, 0.3f}, rig.moment("m.", "enc.weight"));
            assertArrayEquals(new float[] {0.01f, 0.04f, 0.09f}, rig.moment("v.", "enc.weight"));
            assertArrayEquals(new float[] {0f, 0f}, rig.moment("m.", "head.weight"), "no moments given: zero");
            assertArrayEquals(new float[] {0f, 0f}, rig.moment("v.", "head.weight"), "no moments given: zero");
            assertEquals(Map.of("enc.weight", 1L), rig.opt.stepCounts());
            // the update reads the moments through its own views (per range, or the fused kernel's
            // buffer): a step of the head alone starts from the zeros, m = (1 - β1) g, v = (1 - β2) g²
            rig.step(Map.of("enc.weight", new float[] {1f, 1f, 1f}, "head.weight", new float[] {2f, -4f}),
                    new float[] {0, 1}, 0.01, null);
            float b1 = 1f - 0.9f;
            float b2 = 1f - 0.999f;
            assertArrayEquals(new float[] {b1 * 2, b1 * -4}, rig.moment("m.", "head.weight"), 1e-7f);
            assertArrayEquals(new float[] {b2 * 4, b2 * 16}, rig.moment("v.", "head.weight"), 1e-8f);
            assertArrayEquals(new float[] {0.1f, -0.2f, 0.3f}, rig.moment("m.", "enc.weight"), "not stepped");
        }
    }

    /** One weight 1 with moments 0.1 and 0.01, its count restored at {@link AdamW#MAX_STEP_COUNT}; no clipping. */
    private static Rig atTheSaturatedCount(boolean fused) {
        Rig rig = new Rig(List.of(List.of("enc.weight")), Map.of("enc.weight", new float[] {1f}),
                Map.of("enc.weight", new long[] {1}), AdamW.builder().optMaxGradNorm(0).optFused(fused));
        try (NDManager m = rig.manager.newSubManager()) {
            rig.opt.restore(Map.of("m.enc.weight", m.create(new float[] {0.1f}), "v.enc.weight",
                    m.create(new float[] {0.01f})), Map.of("enc.weight", AdamW.MAX_STEP_COUNT));
        }
        return rig;
    }

    /**
     * The step counts are float32, where 2^24 + 1 rounds back to 2^24: a count at {@link
     * AdamW#MAX_STEP_COUNT} stays there, so a run past 2^24 steps checkpoints that count, and its
     * update has no bias correction left (1 - β^t is 1 in float32 there), so a resume from the
     * saturated count continues the run. Ground truth: AdamW by hand, in double.
     */
    @ParameterizedTest(name = "fused kernel: {0}")
    @ValueSource(booleans = {true, false})
    void aStepCountAtTwoToThe24StaysThereAndItsUpdateHasNoBiasCorrection(boolean fused) {
        try (Rig rig = atTheSaturatedCount(fused)) {
            rig.step(Map.of("enc.weight", new float[] {0.5f}), new float[] {1}, 0.01, null);
            assertEquals(Map.of("enc.weight", AdamW.MAX_STEP_COUNT), rig.opt.stepCounts());
            double m1 = 0.9 * 0.1 + 0.1 * 0.5;
            double v1 = 0.999 * 0.01 + 0.001 * 0.25;
            assertEquals(1 - 0.01 * m1 / (Math.sqrt(v1) + 1e-8), rig.value("enc.weight")[0], 1e-6);
        }
    }

    /**
     * A step skipped for overflow leaves the count, also where it stopped at {@link
     * AdamW#MAX_STEP_COUNT}: the fused kernel's count went up by one, rounding back to 2^24, and was
     * put back by one, to 2^24 - 1, where the elementwise update leaves it at 2^24; the checkpoint
     * check, which expects the saturated count, then refused a fp16 run checkpointed after such a
     * step. Ground truth: the counts and values before the skipped step.
     */
    @ParameterizedTest(name = "fused kernel: {0}")
    @ValueSource(booleans = {true, false})
    void aSkippedStepLeavesTheSaturatedStepCountAtTwoToThe24(boolean fused) {
        try (Rig rig = atTheSaturatedCount(fused)) {
            assertEquals(fused, rig.opt.fused(), "kernel in use");
            for (int skipped = 1; skipped <= 2; skipped++) {
                NDArray flag = rig.step(Map.of("enc.weight", new float[] {Float.POSITIVE_INFINITY}), new float[] {1},
                        0.01, 0.5f);
                assertEquals(1f, flag.getFloat(), "overflow not flagged");
                assertEquals(Map.of("enc.weight", AdamW.MAX_STEP_COUNT), rig.opt.stepCounts(),
                        skipped + " skipped step(s) at the saturated count");
                assertArrayEquals(new float[] {1f}, rig.value("enc.weight"), "a skipped step moved the weight");
            }
        }
    }

    @Test
    void aRefusedRestoreLeavesMomentsAndStepCountsAsTheyWere() {
        // restore zeroed the moments and copied the good ones in before it met a bad one
        Map<String, float[]> initial = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        initial.put("enc.weight", new float[] {0.5f, -0.25f, 1f, 2f});
        shapes.put("enc.weight", new long[] {4});
        initial.put("head.weight", new float[] {1f, -1f, 0.5f, 0f, 2f, -2f});
        shapes.put("head.weight", new long[] {2, 3});
        try (Rig rig = new Rig(List.of(List.of("enc.weight"), List.of("head.weight")), initial, shapes,
                AdamW.builder())) {
            for (int s = 0; s < 2; s++) {
                rig.step(Map.of("enc.weight", new float[] {1f, -2f, 0.5f, s}, "head.weight",
                        new float[] {0.1f, 0.2f, -0.3f, 0.4f, s, -1f}), new float[] {1, 1}, 0.01, null);
            }
            Map<String, float[]> before = rig.moments();
            Map<String, Long> counts = rig.opt.stepCounts();
            assertEquals(Map.of("enc.weight", 2L, "head.weight", 2L), counts);
            try (NDManager m = rig.manager.newSubManager()) {
                NDArray goodEnc = m.zeros(new Shape(4));
                // a moment of another shape, after a good one
                Map<String, NDArray> wrongShape = new LinkedHashMap<>();
                wrongShape.put("m.enc.weight", goodEnc);
                wrongShape.put("m.head.weight", m.zeros(new Shape(3, 2)));
                IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                        () -> rig.opt.restore(wrongShape, Map.of("enc.weight", 1L)));
                assertEquals("optimizer state: m.head.weight is (3, 2) float32, expected (2, 3) float32",
                        shape.getMessage());
                // good moments, then a step count of a parameter the optimiser does not have
                Map<String, Long> unknown = new LinkedHashMap<>();
                unknown.put("enc.weight", 7L);
                unknown.put("gone.weight", 1L);
                assertThrows(IllegalArgumentException.class, () -> rig.opt.restore(Map.of("m.enc.weight", goodEnc),
                        unknown));
            }
            rig.moments().forEach((k, v) -> assertArrayEquals(before.get(k), v, k));
            assertEquals(counts, rig.opt.stepCounts());
        }
    }

    /*
     * The checkpoint reader refuses NaN or infinite moments and negative step counts as it reads
     * them, but restore() itself took them: a direct caller got an optimiser whose next step makes
     * every weight NaN (a NaN moment), or divides by a bias correction 1 - β^0 = 0 (a count of -1,
     * which the step raises to 0).
     */
    @Test
    void restoreRefusesNonFiniteMomentsAndNegativeStepCountsAndChangesNothing() {
        Map<String, float[]> initial = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        initial.put("enc.weight", new float[] {0.5f, -0.25f, 1f});
        shapes.put("enc.weight", new long[] {3});
        initial.put("head.weight", new float[] {1f, -1f});
        shapes.put("head.weight", new long[] {2});
        try (Rig rig = new Rig(List.of(List.of("enc.weight"), List.of("head.weight")), initial, shapes,
                AdamW.builder())) {
            rig.step(Map.of("enc.weight", new float[] {1f, -2f, 0.5f}, "head.weight", new float[] {0.1f, 0.2f}),
                    new float[] {1, 1}, 0.01, null);
            Map<String, float[]> before = rig.moments();
            Map<String, Long> counts = rig.opt.stepCounts();
            assertEquals(Map.of("enc.weight", 1L, "head.weight", 1L), counts);
            float[][] bad = {{0.1f, Float.NaN, 0.3f}, {Float.POSITIVE_INFINITY, 0f, 0f}, {0f, 0f, Float.NEGATIVE_INFINITY}};
            try (NDManager m = rig.manager.newSubManager()) {
                for (String key : List.of("m.enc.weight", "v.enc.weight")) {
                    for (float[] values : bad) {
                        // a good moment first, so a restore that copies as it checks would have begun
                        Map<String, NDArray> given = new LinkedHashMap<>();
                        given.put("m.head.weight", m.create(new float[] {0.5f, 0.5f}));
                        given.put(key, m.create(values));
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                () -> rig.opt.restore(given, Map.of("enc.weight", 3L, "head.weight", 3L)));
                        assertEquals("optimizer state: " + key + " holds NaN or infinite values, expected finite"
                                + " values", e.getMessage());
                    }
                }
                Map<String, NDArray> good = Map.of("m.enc.weight", m.create(new float[] {0.1f, 0.2f, 0.3f}));
                Map<String, Long> negative = new LinkedHashMap<>();
                negative.put("enc.weight", 2L);
                negative.put("head.weight", -1L);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> rig.opt.restore(good, negative));
                assertEquals("optimizer state: step count of head.weight is -1, expected 0 or more", e.getMessage());
                Map<String, Long> none = new LinkedHashMap<>();
                none.put("enc.weight", null);
                e = assertThrows(IllegalArgumentException.class, () -> rig.opt.restore(good, none));
                assertEquals("optimizer state: step count of enc.weight is null, expected 0 or more", e.getMessage());
                Map<String, NDArray> missing = new LinkedHashMap<>();
                missing.put("v.head.weight", null);
                e = assertThrows(IllegalArgumentException.class, () -> rig.opt.restore(missing, counts));
                assertEquals("optimizer state: v.head.weight is null, expected an array", e.getMessage());
                // the steps are float32 on the device: a larger count would come back as another number
                e = assertThrows(IllegalArgumentException.class,
                        () -> rig.opt.restore(good, Map.of("enc.weight", (1L << 24) + 1)));
                assertEquals("optimizer state: step count of enc.weight is 16777217, expected at most 16777216,"
                        + " the most the optimiser's float32 step counts hold exactly", e.getMessage());
            }
            rig.moments().forEach((k, v) -> assertArrayEquals(before.get(k), v, k));
            assertEquals(counts, rig.opt.stepCounts());
            // the largest count it holds exactly is taken and read back as given
            rig.opt.restore(Map.of(), Map.of("enc.weight", 1L << 24));
            assertEquals(Map.of("enc.weight", 1L << 24), rig.opt.stepCounts());
        }
    }

    @ParameterizedTest(name = "fused kernel: {0}")
    @ValueSource(booleans = {true, false})
    void aNonFiniteScaledGradientSkipsTheStepExactlyAndAFiniteOneEqualsTheUnscaledStep(boolean fused) {
        Map<String, float[]> initial = Map.of("w", new float[] {0.5f, -1f, 2f}, "h", new float[] {0.1f, 0.2f});
        Map<String, long[]> shapes = Map.of("w", new long[] {3}, "h", new long[] {2});
        float[] g = {0.3f, -0.2f, 0.1f};
        float[] gh = {1f, -2f};
        try (Rig plain = new Rig(List.of(List.of("w"), List.of("h")), initial, shapes, AdamW.builder().optFused(fused));
                Rig mixed = new Rig(List.of(List.of("w"), List.of("h")), initial, shapes,
                        AdamW.builder().optFused(fused))) {
            NDArray skipped = mixed.step(Map.of("w", new float[] {1f, Float.POSITIVE_INFINITY, 0f}, "h", gh),
                    new float[] {1, 1}, 0.1, 1f / 1024);
            assertEquals(1f, skipped.getFloat());
            assertArrayEquals(initial.get("w"), mixed.value("w"), "skipped step moved the weights");
            assertArrayEquals(new float[3], mixed.moment("m.", "w"), "skipped step moved the moments");
            assertArrayEquals(new float[2], mixed.moment("v.", "h"), "skipped step moved the moments");
            assertEquals(0, mixed.opt.stepCount("w"));

            float[] scaled = new float[3];
            for (int i = 0; i < 3; i++) {
                scaled[i] = g[i] * 1024f;
            }
            float[] scaledH = {gh[0] * 1024f, gh[1] * 1024f};
            assertEquals(0f, mixed.step(Map.of("w", scaled, "h", scaledH), new float[] {1, 1}, 0.1, 1f / 1024).getFloat());
            plain.step(Map.of("w", g, "h", gh), new float[] {1, 1}, 0.1, null);
            near(plain.value("w"), mixed.value("w"), "w");
            near(plain.value("h"), mixed.value("h"), "h");
            assertEquals(1, mixed.opt.stepCount("w"));
        }
    }

    /**
     * HF's Trainer exempts biases and LayerNorm weights from weight decay, judged by the
     * parameter's own name; a head's key also holds its task's name, which must not decide. With
     * a zero gradient Adam moves nothing (m = v = 0), so a decayed value becomes exactly
     * {@code w (1 - lr wd)} and an exempt one stays {@code w}.
     */
    @ParameterizedTest(name = "fused kernel: {0}")
    @ValueSource(booleans = {true, false})
    void weightDecayFollowsTheParametersNameNotTheTaskNameInItsKey(boolean fused) {
        String[] keys = {"encoder.embeddings.LayerNorm.weight", "encoder.layer.0.output_LayerNorm_weight",
            "encoder.layer.0.attention.qkv_bias", "encoder.layer.0.attention.qkv_weight",
            "heads.winobias.classifier.weight", "heads.winobias.classifier.bias",
            "heads.abnormal-events.classifier.out_proj.weight", "heads.ner.classifier.weight"};
        boolean[] decayed = {false, false, false, true, true, false, true, true};
        Map<String, float[]> initial = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> zero = new LinkedHashMap<>();
        for (String k : keys) {
            initial.put(k, new float[] {2f, -4f});
            shapes.put(k, new long[] {2});
            zero.put(k, new float[2]);
        }
        AdamW.Builder b = AdamW.builder().optWeightDecay(0.5).optFused(fused);
        try (Rig rig = new Rig(List.of(List.of(keys[0], keys[1], keys[2], keys[3]), List.of(keys[4], keys[5]),
                List.of(keys[6]), List.of(keys[7])), initial, shapes, b)) {
            assertNull(rig.step(zero, new float[] {1f, 1f, 1f, 1f}, 0.1, null));
            for (int i = 0; i < keys.length; i++) {
                // 1 - 0.1 * 0.5 = 0.95
                float[] want = decayed[i] ? new float[] {1.9f, -3.8f} : new float[] {2f, -4f};
                near(want, rig.value(keys[i]), keys[i]);
            }
        }
    }

    @Test
    void rejectsOutOfRangeSettings() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1f});
            Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optArray(a).build();
            try (FlatParameters flat = FlatParameters.of(m, List.of(List.of(new NamedParameter("w", p))), Set.of(),
                    k -> true)) {
                assertThrows(IllegalArgumentException.class, () -> AdamW.builder().setParameters(flat).optBeta1(1f).build());
                assertThrows(IllegalArgumentException.class,
                        () -> AdamW.builder().setParameters(flat).optMaxGradNorm(-1).build());
                assertThrows(IllegalArgumentException.class, () -> AdamW.builder().build());
                // an infinite epsilon passed "positive" and made every update m / (sqrt(v) + inf) = 0
                for (float eps : new float[] {Float.POSITIVE_INFINITY, Float.NaN, 0f}) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> AdamW.builder().setParameters(flat).optEpsilon(eps).build());
                    assertEquals("optimizer: epsilon must be positive and finite, found " + eps, e.getMessage());
                }
            }
        }
    }

    private static float[][] snapshot(List<NamedParameter> ps) {
        float[][] out = new float[ps.size()][];
        for (int i = 0; i < ps.size(); i++) {
            out[i] = ps.get(i).parameter().getArray().toFloatArray();
        }
        return out;
    }

    private static void step(NDManager root, TrainingStep step, int[] t, int[] e) {
        try (NDManager sm = root.newSubManager()) {
            step.run(sm, new SampledBatch(t, e), 1e-2);
        }
    }

    @ParameterizedTest(name = "fused kernel: {0}")
    @ValueSource(booleans = {true, false})
    void headsOfTasksAbsentFromABatchKeepValuesMomentsAndStepCounts(boolean fused) {
        SyntheticTasks tasks = new SyntheticTasks(5, 8, 2, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE);
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = MultiHeadModel.builder().setManager(root)
                        .setEncoder(new TinyEncoder(SyntheticTasks.VOCAB, 8).init(root), 8)
                        .addHead("token", tasks.head(0)).addHead("sequence", tasks.head(1))
                        .optTaskLossWeighting(TaskLossWeighting.NONE).build();
                TrainingStep step = TrainingStep.builder().setModel(model).setData(tasks)
                        .optOptimizer(AdamW.builder().optWeightDecay(0.01).optFused(fused)).build()) {
            AdamW opt = step.optimizer();
            assertEquals(fused, opt.fused());
            List<NamedParameter> seqHead = model.headParameters(1);
            float[][] before = snapshot(seqHead);
            float[][] encBefore = snapshot(model.encoderParameters());
            step(root, step, new int[] {0, 0, 0}, new int[] {0, 1, 2});
            assertArrayEquals(before, snapshot(seqHead), "absent head moved on the first step");
            assertEquals(0, opt.stepCount(seqHead.get(0).key()));
            assertFalse(java.util.Arrays.deepEquals(encBefore, snapshot(model.encoderParameters())), "encoder must move");

            step(root, step, new int[] {1, 0}, new int[] {3, 4});
            float[][] afterSeq = snapshot(seqHead);
            float[] m;
            float[] v;
            try (NDManager views = root.newSubManager()) {
                Map<String, NDArray> moments = opt.momentArrays(views);
                m = moments.get("m." + seqHead.get(0).key()).toFloatArray();
                v = moments.get("v." + seqHead.get(0).key()).toFloatArray();
            }
            step(root, step, new int[] {0, 0}, new int[] {5, 6});
            step(root, step, new int[] {0}, new int[] {7});
            assertArrayEquals(afterSeq, snapshot(seqHead), "absent head moved");
            try (NDManager views = root.newSubManager()) {
                Map<String, NDArray> moments = opt.momentArrays(views);
                assertArrayEquals(m, moments.get("m." + seqHead.get(0).key()).toFloatArray(), "first moment moved");
                assertArrayEquals(v, moments.get("v." + seqHead.get(0).key()).toFloatArray(), "second moment moved");
            }
            assertEquals(1, opt.stepCount(seqHead.get(0).key()));
            assertEquals(4, opt.stepCount(model.encoderParameters().get(0).key()));
        }
    }

    /**
     * The no-decay rule reads a head's parameters by their own names, never by the task's: HF's
     * Trainer exempts biases and LayerNorm weights. A hand-made head whose parameters sit directly
     * under it ({@code heads.winobias.weight}, as {@link TestHeads}' do) has its task's name among
     * the key's last two parts, which exempted its weight. With the gradient zeroed, one step leaves
     * the moments 0 and the Adam term 0, so a decayed value is exactly {@code w (1 - lr wd)} (torch's
     * {@code param.mul_(1 - lr * weight_decay)}) and an exempt one stays {@code w}.
     */
    @ParameterizedTest(name = "fused kernel: {0}")
    @ValueSource(booleans = {true, false})
    void aHeadsWeightUnderItsTasksNameIsDecayedWhateverTheName(boolean fused) {
        SyntheticTasks tasks = new SyntheticTasks(5, 8, 2, TestHeads.Kind.TOKEN, TestHeads.Kind.SEQUENCE);
        List<String> names = List.of("winobias", "abnormal-events");
        BatchSource renamed = new BatchSource() {
            @Override
            public int numTasks() {
                return tasks.numTasks();
            }

            @Override
            public List<String> taskNames() {
                return names;
            }

            @Override
            public int size(int task, io.github.prefine.core.task.Split split) {
                return tasks.size(task, split);
            }

            @Override
            public io.github.prefine.core.model.MultiTaskBatch assemble(io.github.prefine.core.task.Split split,
                    int[] taskIds, int[] examples) {
                return tasks.assemble(split, taskIds, examples);
            }
        };
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = MultiHeadModel.builder().setManager(root)
                        .setEncoder(new TinyEncoder(SyntheticTasks.VOCAB, 8).init(root), 8)
                        .addHead(names.get(0), tasks.testHead(0)).addHead(names.get(1), tasks.testHead(1)).build();
                TrainingStep step = TrainingStep.builder().setModel(model).setData(renamed)
                        .optOptimizer(AdamW.builder().optWeightDecay(0.5).optFused(fused)).build()) {
            step.inspectGradients(g -> g.muli(0f));
            Map<String, float[]> before = new LinkedHashMap<>();
            for (int t = 0; t < 2; t++) {
                for (NamedParameter p : model.headParameters(t)) {
                    before.put(p.key(), p.parameter().getArray().toFloatArray());
                }
            }
            assertEquals(Set.of("heads.winobias.weight", "heads.winobias.bias", "heads.abnormal-events.weight",
                    "heads.abnormal-events.bias"), before.keySet());
            step(root, step, new int[] {0, 1}, new int[] {0, 1});
            for (int t = 0; t < 2; t++) {
                for (NamedParameter p : model.headParameters(t)) {
                    float[] w = before.get(p.key());
                    float[] want = new float[w.length];
                    for (int i = 0; i < w.length; i++) {
                        // the step's rate is 1e-2: 1 - 0.01 * 0.5 = 0.995 for a weight; a bias is exempt
                        want[i] = p.key().endsWith(".weight") ? w[i] * 0.995f : w[i];
                    }
                    near(want, p.parameter().getArray().toFloatArray(), p.key());
                }
            }
        }
    }
}
