package io.github.prefine.core.kernels;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a host array to a GPU without waiting for the GPU. DJL 0.36 makes a device array from
 * host data with a blocking copy ({@code tensor.to(device)}), which on CUDA waits for every
 * operation queued before it; a training step that starts with its batch's copies therefore lets
 * the host queue the next step only once the device has finished the last one. This copy is what
 * PyTorch's data loader does with {@code pin_memory=True}: the values go into page-locked memory
 * from PyTorch's caching host allocator (a host {@code memcpy}), and {@code to(device,
 * non_blocking=True)} queues the transfer behind the device's work and returns; the allocator
 * keeps the page-locked block until the transfer has run, so the host array may be freed at once.
 * Both run inside a TorchScript module, since DJL binds neither.
 *
 * <p>One probe per GPU checks the copy's values; where it fails, a warning says why and {@link
 * #copy} falls back to DJL's blocking copy. On a CPU the copy is a plain one. Thread-safe; the
 * modules and one 0-d array per GPU (naming the copy's target) are kept for the life of the
 * process.
 */
public final class HostToDevice {
    private static final String NAME = "HostToDevice";
    private static final String SOURCE = TorchScriptModule.moduleSource(NAME, """
              def forward(self: __torch__.HostToDevice,
                host: Tensor,
                target: Tensor) -> Tensor:
                return torch.to(torch.pin_memory(host), target.device, None, True, False)
            """);
    private static final Logger LOG = LoggerFactory.getLogger(HostToDevice.class);
    /** A 0-d array on each device, naming the copy's target; in a manager kept for the process. */
    private static final Map<Device, NDArray> TARGETS = new ConcurrentHashMap<>();
    private static final Map<Device, Boolean> USABLE = new ConcurrentHashMap<>();

    private HostToDevice() {}

    /**
     * Copies a host array to a device, without waiting for the device where the probe of that
     * device passed.
     *
     * @param host a contiguous array on the CPU
     * @param target the manager of the result; its device is where the copy goes
     * @return the copy, owned by {@code target}
     */
    public static NDArray copy(NDArray host, NDManager target) {
        Device device = target.getDevice();
        NDArray out;
        if (!device.isGpu()) {
            // DJL's toDevice returns the array itself for its own device, whatever its copy flag
            out = host.duplicate();
        } else if (nonBlockingOn(device)) {
            out = nonBlocking(host, device);
        } else {
            out = host.toDevice(device, false);
        }
        out.attach(target);
        return out;
    }

    /**
     * Tells whether {@link #copy} to a device is non-blocking there: on GPUs not refused (see
     * {@link #refusal}) where the probe (made on the first call per device) passes; never on CPUs,
     * where a copy is a plain one.
     *
     * @param device the device
     * @return true for the non-blocking copy
     */
    public static boolean nonBlockingOn(Device device) {
        return device.isGpu() && USABLE.computeIfAbsent(device, d -> {
            String refusal = refusal(d);
            if (refusal != null) {
                LOG.warn("batch upload: not using the non-blocking host-to-device copy on {} ({}); copying with DJL's"
                        + " blocking copy instead", d, refusal);
                return false;
            }
            return probe(d);
        });
    }

    /**
     * Why the TorchScript copy must not run on a device, or null: as for the fused AdamW, DJL's
     * separate CUDA stream would queue the copy unordered with the step's operations on the main
     * stream, so the forward could read a batch not yet copied.
     *
     * @param device the device
     * @return the reason, or null
     */
    static String refusal(Device device) {
        return FusedAdamW.refusal(device);
    }

    /** The module's source, for a test that TorchScript compiles it. */
    static String source() {
        return SOURCE;
    }

    private static NDArray nonBlocking(NDArray host, Device device) {
        NDArray named = TARGETS.computeIfAbsent(device, d -> NDManager.newBaseManager(d).zeros(new Shape()));
        // isTrain = true only means "no inference guard"; the result lands in the manager of host
        return IValueUtils.forward(TorchScriptModule.shared(device, NAME, SOURCE), new NDList(host, named), true)
                .singletonOrThrow();
    }

    /** Copies a few values through the module and reads them back, or says why it cannot. */
    private static boolean probe(Device device) {
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
            long[] values = {3, -1, 1L << 40};
            NDArray back = nonBlocking(cpu.create(values), device);
            if (!back.getDevice().equals(device) || !Arrays.equals(values, back.toLongArray())) {
                throw new IllegalStateException("the probe copy gave " + Arrays.toString(back.toLongArray()) + " on "
                        + back.getDevice() + ", expected " + Arrays.toString(values) + " on " + device);
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("batch upload: a non-blocking host-to-device copy is not usable on {} ({}); copying with "
                    + "DJL's blocking copy instead", device, TorchScriptModule.firstLine(e));
            return false;
        }
    }
}
