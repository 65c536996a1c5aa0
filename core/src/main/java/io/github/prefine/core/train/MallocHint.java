package io.github.prefine.core.train;

import ai.djl.Device;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Once per JVM: on Linux CPUs, glibc's defaults re-fault every activation page each step. */
final class MallocHint {
    private static final Logger LOG = LoggerFactory.getLogger(MallocHint.class);
    private static final AtomicBoolean GIVEN = new AtomicBoolean();

    private MallocHint() {}

    static void giveOnce(List<Device> devices) {
        boolean cpu = devices.stream().allMatch(d -> d.getDeviceType().equals(Device.Type.CPU));
        if (cpu && System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                && !MallocSettings.chosenIn(System.getenv()) && GIVEN.compareAndSet(false, true)) {
            LOG.info("training on CPU with glibc's default malloc settings, which return freed activations to the"
                    + " kernel every step; starting the JVM with {} makes steps faster (docs/cpu.md)",
                    MallocSettings.describe(MallocSettings.RECOMMENDED));
        }
    }
}
