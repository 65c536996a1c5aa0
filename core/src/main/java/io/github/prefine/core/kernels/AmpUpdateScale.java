package io.github.prefine.core.kernels;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PyTorch's loss-scale update, {@code torch._amp_update_scale_} (the one {@code
 * torch.amp.GradScaler.update()} calls), which DJL 0.36 has no binding for: one native operation
 * that backs the scale off on an overflow, or counts a clean step and grows the scale when the
 * count reaches the growth interval, in place on the device. Made of DJL's elementwise operations
 * the same update takes 11. Reached through a TorchScript module of a few lines that prefine
 * writes at run time, as {@link FusedAdamW} is.
 *
 * <p>The kernel's rules, on a float32 scale, an int32 growth tracker and a float32 found-inf flag
 * (each one element): where the flag is not 0 the scale is multiplied by the backoff factor and
 * the tracker set to 0; otherwise the tracker is incremented, and where it then equals the growth
 * interval it is set to 0 and the scale multiplied by the growth factor, unless the product
 * (rounded to float32) is not finite, when the scale stays.
 *
 * <p>One module per device, compiled and probed on first use and kept for the life of the process
 * (it holds no tensors). Thread-safe.
 */
public final class AmpUpdateScale {
    private static final Logger LOG = LoggerFactory.getLogger(AmpUpdateScale.class);
    private static final String CLASS_NAME = "AmpUpdateScale";
    private static final Map<Device, Boolean> USABLE = new ConcurrentHashMap<>();

    private static final String SOURCE = TorchScriptModule.moduleSource(CLASS_NAME, """
              def forward(self: __torch__.AmpUpdateScale,
                x: Tensor) -> Tensor:
                return x
              def update(self: __torch__.AmpUpdateScale,
                scale: Tensor,
                growth_tracker: Tensor,
                found_inf: Tensor,
                growth_factor: float,
                backoff_factor: float,
                growth_interval: int) -> Tensor:
                return torch._amp_update_scale_(scale, growth_tracker, found_inf, growth_factor, backoff_factor, \
            growth_interval)
            """);

    private final PtSymbolBlock module;

    private AmpUpdateScale(PtSymbolBlock module) {
        this.module = module;
    }

    /**
     * Returns the kernel on a device, compiling it there on first use.
     *
     * @param device the device
     * @return the kernel
     * @throws EngineException if this PyTorch cannot compile the module (the operation missing)
     */
    public static AmpUpdateScale load(Device device) {
        return new AmpUpdateScale(TorchScriptModule.shared(device, CLASS_NAME, SOURCE));
    }

    /**
     * Returns the kernel on a manager's device where it runs there: the first call per device runs
     * it on hand-checked values, as {@link FusedAdamW#loadIfUsable} probes its kernel, and where
     * that fails says why in a warning; later calls reuse the verdict. Refused, as the fused AdamW
     * is, under DJL's separate CUDA stream (the update would not be ordered with the step) and on
     * another engine's manager.
     *
     * @param manager the manager whose device the scale lives on
     * @return the kernel, or null where it cannot run there
     */
    public static AmpUpdateScale loadIfUsable(NDManager manager) {
        Device device = manager.getDevice();
        String refusal = manager instanceof PtNDManager ? FusedAdamW.refusal(device)
                : "the " + manager.getEngine().getEngineName() + " engine is not PyTorch";
        if (refusal != null) {
            LOG.warn("loss scaler: not using PyTorch's _amp_update_scale_ ({}); updating with elementwise operations "
                    + "instead", refusal);
            return null;
        }
        return USABLE.computeIfAbsent(device, AmpUpdateScale::probe) ? load(device) : null;
    }

    /** Runs a backoff and a growth on known values, or says why it cannot and returns false. */
    private static boolean probe(Device device) {
        try (NDManager probe = NDManager.newBaseManager(device)) {
            NDArray scale = probe.full(new Shape(), 8f, DataType.FLOAT32);
            NDArray tracker = probe.full(new Shape(), 1, DataType.INT32);
            AmpUpdateScale kernel = load(device);
            // an overflow halves 8 and restarts the streak; then two clean steps at interval 2 double 4
            kernel.update(scale, tracker, probe.full(new Shape(), 1f, DataType.FLOAT32), 2, 0.5, 2);
            NDArray clean = probe.zeros(new Shape(), DataType.FLOAT32);
            kernel.update(scale, tracker, clean, 2, 0.5, 2);
            String afterOne = scale.getFloat() + "/" + tracker.getInt();
            kernel.update(scale, tracker, clean, 2, 0.5, 2);
            String afterTwo = scale.getFloat() + "/" + tracker.getInt();
            if (!afterOne.equals("4.0/1") || !afterTwo.equals("8.0/0")) {
                throw new IllegalStateException("the probe's scale/tracker went to " + afterOne + " then " + afterTwo
                        + ", expected 4.0/1 then 8.0/0");
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("loss scaler: PyTorch's _amp_update_scale_ is not usable on {} ({}); updating with elementwise "
                    + "operations instead (11 a step)", device, TorchScriptModule.firstLine(e));
            return false;
        }
    }

    /**
     * One update of a loss scale, in place, as {@code torch.amp.GradScaler.update()} makes it (see
     * the class description).
     *
     * @param scale float32, one element: the scale
     * @param growthTracker int32, one element: clean steps since the last change
     * @param foundInf float32, one element: not 0 where the step overflowed
     * @param growthFactor what a growth multiplies the scale by
     * @param backoffFactor what an overflow multiplies the scale by
     * @param growthInterval the clean steps that make a growth
     */
    public void update(NDArray scale, NDArray growthTracker, NDArray foundInf, double growthFactor,
            double backoffFactor, int growthInterval) {
        IValue[] args = {IValue.from((PtNDArray) scale), IValue.from((PtNDArray) growthTracker),
            IValue.from((PtNDArray) foundInf), IValue.from(growthFactor), IValue.from(backoffFactor),
            IValue.from((long) growthInterval)};
        try (IValue result = IValueUtils.runMethod(module, "update", args)) {
            // the result is the scale itself; nothing to read
        } finally {
            for (IValue v : args) {
                v.close();
            }
        }
    }
}
