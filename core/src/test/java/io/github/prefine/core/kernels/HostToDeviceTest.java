package io.github.prefine.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import org.junit.jupiter.api.Test;

/**
 * The non-blocking copy needs a GPU to run (page-locked memory needs CUDA); on this CPU the test
 * holds what can be held: TorchScript compiles the module, and a copy to the CPU is a real copy.
 */
class HostToDeviceTest {

    @Test
    void theModuleCompiles() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            PtSymbolBlock module = TorchScriptModule.load(m, "HostToDevice", HostToDevice.source());
            assertNotNull(module);
        }
    }

    @Test
    void aCopyToTheCpuOwnsItsValues() {
        long[] values = {7, -2, 1L << 40};
        try (NDManager target = NDManager.newBaseManager(Device.cpu())) {
            NDArray copy;
            try (NDManager host = NDManager.newBaseManager(Device.cpu())) {
                NDArray h = host.create(values);
                copy = HostToDevice.copy(h, target);
                // the copy must not share the host array's memory, which DJL frees with its manager
                h.set(new ai.djl.ndarray.index.NDIndex("0"), 99L);
                assertEquals(7L, copy.toLongArray()[0]);
            }
            assertEquals(target, copy.getManager());
            assertArrayEquals(values, copy.toLongArray());
        }
    }
}
