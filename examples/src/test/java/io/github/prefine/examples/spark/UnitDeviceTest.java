package io.github.prefine.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

/**
 * Which device a Spark unit trains on: the GPU address Spark's scheduler gave the task (as
 * {@code TaskContext.resourcesJMap()} reports it), else {@code --device}. Spark's own resource
 * record; no GPU is needed to name a device.
 */
class UnitDeviceTest {

    @Test
    void theTasksGpuAddressWinsOverTheOption() {
        Map<String, ResourceInformation> assigned = Map.of("gpu", new ResourceInformation("gpu", new String[] {" 3"}));
        assertEquals(Device.gpu(3), UnitTask.device(assigned, "auto"));
        assertEquals(Device.gpu(3), UnitTask.device(assigned, "cpu"));
    }

    @Test
    void withoutAGpuResourceTheOptionDecides() {
        assertEquals(Device.cpu(), UnitTask.device(Map.of(), "cpu"));
        Map<String, ResourceInformation> none = Map.of("gpu", new ResourceInformation("gpu", new String[0]));
        assertEquals(Device.cpu(), UnitTask.device(none, "cpu"));
    }

    @Test
    void aGpuCountIsRefusedBecauseSparkAssignsGpus() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnitTask.device(Map.of(), "2"));
        assertTrue(e.getMessage().contains("spark.task.resource.gpu.amount"), e.getMessage());
    }
}
