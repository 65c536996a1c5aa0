package io.github.prefine.core.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HiddenActivationTest {

    private static float[] apply(HiddenActivation a, float... x) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray in = m.create(x);
            return a.apply(in).toFloatArray();
        }
    }

    @Test
    void matchesClosedFormValues() {
        // x * Phi(x): Phi(1) = 0.8413447460685429, Phi(-1) = 0.15865525393145707
        assertArrayEquals(new float[] {0f, 0.8413447f, -0.15865526f}, apply(HiddenActivation.GELU, 0f, 1f, -1f), 1e-6f);
        // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) at 1 and -1
        assertArrayEquals(new float[] {0f, 0.8411920f, -0.1588080f}, apply(HiddenActivation.GELU_TANH, 0f, 1f, -1f), 1e-6f);
        assertArrayEquals(new float[] {0f, 2f, 0f}, apply(HiddenActivation.RELU, 0f, 2f, -3f), 0f);
        // x / (1 + e^-x): 1 / (1 + e^-1) = 0.7310585786300049
        assertArrayEquals(new float[] {0f, 0.7310586f, -0.26894143f}, apply(HiddenActivation.SILU, 0f, 1f, -1f), 1e-6f);
    }

    @Test
    void noActivationMakesAHostArrayPerCall() {
        // DJL makes a Number operand (x.add(1f)) from a Java direct buffer at every call: on a GPU
        // a blocking host-to-device copy, which waits for every kernel queued before it (see
        // EngineScalars). Each activation runs once per layer and step, so none may make one
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        int calls = 50;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {-1f, 0f, 1f});
            for (HiddenActivation a : HiddenActivation.values()) {
                // the engine's constants are made on first use, once per process
                a.apply(x).close();
                long before = direct.getCount();
                for (int i = 0; i < calls; i++) {
                    a.apply(x).close();
                }
                long made = direct.getCount() - before;
                assertTrue(made < calls, a + " made " + made + " host buffers in " + calls + " calls, expected none");
            }
        }
    }
}
