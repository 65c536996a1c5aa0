package io.github.prefine.core.kernels;

import ai.djl.engine.EngineException;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PyTorch's fused AdamW kernel, {@code torch._fused_adamw_} (the one behind {@code
 * torch.optim.AdamW(fused=True)}), which DJL 0.36 has no binding for: it updates any number of
 * parameter tensors with their moments in one pass over memory (read weight, gradient and both
 * moments, write weight and both moments), on CUDA and, since PyTorch 2.4, on CPU. Built from
 * DJL's elementwise operations the same update takes about a dozen passes. Reached through a
 * TorchScript module of a few lines that prefine writes at run time (no Python, no model file).
 *
 * <p>One module per device, compiled and probed on first use and kept for the life of the process
 * (it holds no tensors), as the other kernels of this package are. Thread-safe.
 */
public final class FusedAdamW {
    private static final Logger LOG = LoggerFactory.getLogger(FusedAdamW.class);
    private static final String CLASS_NAME = "FusedAdamW";
    private static final Map<Device, Boolean> USABLE = new ConcurrentHashMap<>();

    // TorchScript source of the module. The counts go up by 1 - found_inf before the fused kernel,
    // which reads them and skips the update itself when found_inf is 1: -found_inf first, then +1,
    // where torch.optim adds 1 first, which took a count stopped at 2^24 to 2^24 - 1 on a skipped
    // step (2^24 + 1 rounds to 2^24 in float32); the list form of _foreach_sub_, as a tensor passed
    // where a Scalar is expected is read on the host (a sync)
    private static final String SOURCE = TorchScriptModule.moduleSource("FusedAdamW", """
              def forward(self: __torch__.FusedAdamW,
                x: Tensor) -> Tensor:
                return x
            """ + adamw("adamw", "float", true) + adamw("adamw_tensor_lr", "Tensor", true)
            + adamw("adamw_unskipped", "float", false) + adamw("adamw_tensor_lr_unskipped", "Tensor", false));

    /**
     * The update method, with the learning rate as a number or as a float32 scalar on the device;
     * without {@code skips}, for steps that are never skipped (no loss scaling), it takes no
     * {@code found_inf} and increments the step counts by 1, not by {@code 1 - found_inf}, one
     * operation fewer.
     */
    private static String adamw(String name, String lrType, boolean skips) {
        String method = """
              def %s(self: __torch__.FusedAdamW,
                decayed_params: List[Tensor],
                decayed_grads: List[Tensor],
                decayed_exp_avgs: List[Tensor],
                decayed_exp_avg_sqs: List[Tensor],
                decayed_steps: List[Tensor],
                params: List[Tensor],
                grads: List[Tensor],
                exp_avgs: List[Tensor],
                exp_avg_sqs: List[Tensor],
                steps: List[Tensor],
                counts: List[Tensor],
                lr: %s,
                beta1: float,
                beta2: float,
                weight_decay: float,
                eps: float,
                grad_scale: Tensor,
                found_inf: Tensor) -> Tensor:
                torch._foreach_sub_(counts, [found_inf for _ in counts])
                torch._foreach_add_(counts, 1.0)
                if len(decayed_params) > 0:
                  torch._fused_adamw_(decayed_params, decayed_grads, decayed_exp_avgs, decayed_exp_avg_sqs, \
            [], decayed_steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, \
            amsgrad=False, maximize=False, grad_scale=grad_scale, found_inf=found_inf)
                if len(params) > 0:
                  torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, [], steps, lr=lr, beta1=beta1, \
            beta2=beta2, weight_decay=0.0, eps=eps, amsgrad=False, maximize=False, grad_scale=grad_scale, \
            found_inf=found_inf)
                return found_inf
            """.formatted(name, lrType);
        if (skips) {
            return method;
        }
        return method.replace(",\n    found_inf: Tensor)", ")")
                .replace("found_inf=found_inf", "found_inf=None")
                .replace("    torch._foreach_sub_(counts, [found_inf for _ in counts])\n", "")
                .replace("return found_inf", "return grad_scale");
    }

    private final PtSymbolBlock module;

    private FusedAdamW(PtSymbolBlock module) {
        this.module = module;
    }

    /**
     * Returns the kernel on a device, compiling it there on first use.
     *
     * @param device the device
     * @return the kernel
     * @throws EngineException if this PyTorch cannot compile the module (an operation missing)
     */
    public static FusedAdamW load(Device device) {
        return new FusedAdamW(TorchScriptModule.shared(device, CLASS_NAME, SOURCE));
    }

    /** DJL's switch that runs TorchScript methods without autograd on a stream of their own. */
    static final String SEPARATE_STREAM_PROPERTY = "ai.djl.pytorch.enable_cuda_stream";

    /**
     * Why the kernel must not run on a device, or null. With DJL's {@value
     * #SEPARATE_STREAM_PROPERTY} set, the update would run on a CUDA stream of its own, not
     * ordered with the step's operations on the main stream: the next forward could read weights
     * half updated.
     */
    static String refusal(Device device) {
        if (device.isGpu() && Boolean.getBoolean(SEPARATE_STREAM_PROPERTY)) {
            return "-D" + SEPARATE_STREAM_PROPERTY + "=true would run it on a separate CUDA stream, unordered with "
                    + "the training step";
        }
        return null;
    }

    /**
     * Returns the kernel on a manager's device where it runs there: the first call per device runs
     * it once on one element, as {@link FusedAttention} probes itself, and where that fails says
     * why in a warning; later calls reuse the verdict.
     *
     * @param manager a PyTorch manager, whose device the kernel will update arrays on
     * @return the kernel, or null where this PyTorch cannot run it
     */
    public static FusedAdamW loadIfUsable(NDManager manager) {
        Device device = manager.getDevice();
        String refusal = refusal(device);
        if (refusal != null) {
            LOG.warn("optimizer: not using PyTorch's fused AdamW kernel ({}); updating with elementwise operations "
                    + "instead", refusal);
            return null;
        }
        return USABLE.computeIfAbsent(device, FusedAdamW::probe) ? load(device) : null;
    }

    /** Runs one update of one element, or says why it cannot and returns false. */
    private static boolean probe(Device device) {
        try (NDManager probe = NDManager.newBaseManager(device)) {
            NDArray w = probe.ones(new Shape(1));
            NDArray count = probe.zeros(new Shape());
            AdamLists one = AdamLists.empty();
            one.add(w, probe.ones(new Shape(1)), probe.zeros(new Shape(1)), probe.zeros(new Shape(1)), count);
            load(device).step(AdamLists.empty(), one, List.of(count), 0.5, 0.9, 0.999, 0, 1e-8, probe.ones(new Shape()),
                    probe.zeros(new Shape()));
            // a first Adam step moves a weight by lr, against its gradient's sign
            float moved = w.getFloat(0);
            if (Math.abs(moved - 0.5f) > 1e-5f) {
                throw new IllegalStateException("the probe step gave " + moved + ", expected 0.5");
            }
            // and the same with the rate on the device: a second step of 0.25 (Adam's step is lr)
            load(device).step(AdamLists.empty(), one, List.of(count), probe.full(new Shape(), 0.25f), 0.9, 0.999, 0,
                    1e-8, probe.ones(new Shape()), probe.zeros(new Shape()));
            moved = w.getFloat(0);
            if (Math.abs(moved - 0.25f) > 1e-5f) {
                throw new IllegalStateException("the probe step with a device rate gave " + moved + ", expected 0.25");
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("optimizer: PyTorch's fused AdamW kernel is not usable on {} ({}); updating with "
                    + "elementwise operations instead (about a dozen passes over the parameters a step)",
                    device, TorchScriptModule.firstLine(e));
            return false;
        }
    }

    /**
     * One AdamW step over lists of tensors, as {@code torch.optim.AdamW(fused=True)} makes it:
     * each count in {@code counts} is incremented, then {@code w -= lr wd w} (decayed weights
     * only), {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g²}, {@code w -= lr / (1-b1^t) m /
     * (sqrt(v) / sqrt(1-b2^t) + eps)} with {@code g = grad / gradScale} and {@code t} the weight's
     * step count. Where {@code foundInf} is 1 nothing changes (the counts go up by 1 - foundInf,
     * so a count stopped at 2^24 stays there). All tensors are float32 on one device; several
     * weights may share a step count.
     *
     * @param decayed the weights that take weight decay
     * @param plain the weights that do not
     * @param counts the distinct step counts, each incremented once
     * @param lr the learning rate
     * @param beta1 decay of the first moment
     * @param beta2 decay of the second moment
     * @param weightDecay the decoupled weight decay of {@code decayed}
     * @param eps added to the denominator
     * @param gradScale float32 scalar the gradients are divided by
     * @param foundInf float32 scalar, 1 to leave everything as it is, else 0; or null for a step
     *     that is never skipped (one operation fewer)
     */
    public void step(AdamLists decayed, AdamLists plain, List<NDArray> counts, double lr, double beta1,
            double beta2, double weightDecay, double eps, NDArray gradScale, NDArray foundInf) {
        run("adamw", decayed, plain, counts, IValue.from(lr), beta1, beta2, weightDecay, eps, gradScale, foundInf);
    }

    /**
     * Like {@link #step(AdamLists, AdamLists, List, double, double, double, double, double, NDArray,
     * NDArray)} with the learning rate read on the device, so that it can depend on what earlier
     * steps did (a skipped step does not advance the schedule) without a host read.
     *
     * @param decayed the weights that take weight decay
     * @param plain the weights that do not
     * @param counts the distinct step counts, each incremented once
     * @param lr float32 scalar on the device
     * @param beta1 decay of the first moment
     * @param beta2 decay of the second moment
     * @param weightDecay the decoupled weight decay of {@code decayed}
     * @param eps added to the denominator
     * @param gradScale float32 scalar the gradients are divided by
     * @param foundInf float32 scalar, 1 to leave everything as it is, else 0; or null for a step
     *     that is never skipped (one operation fewer)
     */
    public void step(AdamLists decayed, AdamLists plain, List<NDArray> counts, NDArray lr, double beta1,
            double beta2, double weightDecay, double eps, NDArray gradScale, NDArray foundInf) {
        run("adamw_tensor_lr", decayed, plain, counts, IValue.from((PtNDArray) lr), beta1, beta2, weightDecay, eps,
                gradScale, foundInf);
    }

    private void run(String method, AdamLists decayed, AdamLists plain, List<NDArray> counts, IValue lr,
            double beta1, double beta2, double weightDecay, double eps, NDArray gradScale, NDArray foundInf) {
        List<IValue> args = new ArrayList<>(List.of(
            list(decayed.weights()), list(decayed.gradients()), list(decayed.firstMoments()),
            list(decayed.secondMoments()), list(decayed.steps()), list(plain.weights()), list(plain.gradients()),
            list(plain.firstMoments()), list(plain.secondMoments()), list(plain.steps()), list(counts),
            lr, IValue.from(beta1), IValue.from(beta2), IValue.from(weightDecay), IValue.from(eps),
            IValue.from((PtNDArray) gradScale)));
        if (foundInf != null) {
            args.add(IValue.from((PtNDArray) foundInf));
        }
        String name = foundInf != null ? method : method + "_unskipped";
        try (IValue result = IValueUtils.runMethod(module, name, args.toArray(IValue[]::new))) {
            // the result is found_inf itself; nothing to read
        } finally {
            for (IValue v : args) {
                v.close();
            }
        }
    }

    /**
     * Parallel lists of what the fused AdamW kernel updates: weights (in place), their gradients
     * (may be overwritten), both moments (in place), and each weight's step count (a float32
     * scalar, read).
     *
     * @param weights the weights
     * @param gradients their gradients
     * @param firstMoments {@code m}
     * @param secondMoments {@code v}
     * @param steps step counts
     */
    public record AdamLists(List<NDArray> weights, List<NDArray> gradients, List<NDArray> firstMoments,
            List<NDArray> secondMoments, List<NDArray> steps) {
        /**
         * Requires lists of one length.
         *
         * @param weights the weights
         * @param gradients their gradients
         * @param firstMoments {@code m}
         * @param secondMoments {@code v}
         * @param steps step counts
         */
        public AdamLists {
            int n = weights.size();
            if (gradients.size() != n || firstMoments.size() != n || secondMoments.size() != n || steps.size() != n) {
                throw new IllegalArgumentException("fused AdamW: lists of different lengths");
            }
        }

        /**
         * Returns empty lists to fill.
         *
         * @return mutable empty lists
         */
        public static AdamLists empty() {
            return new AdamLists(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>());
        }

        /**
         * Appends one weight's entries.
         *
         * @param w the weight
         * @param g its gradient
         * @param m its first moment
         * @param v its second moment
         * @param t its step count
         */
        public void add(NDArray w, NDArray g, NDArray m, NDArray v, NDArray t) {
            weights.add(w);
            gradients.add(g);
            firstMoments.add(m);
            secondMoments.add(v);
            steps.add(t);
        }
    }

    private static IValue list(List<NDArray> arrays) {
        PtNDArray[] a = new PtNDArray[arrays.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (PtNDArray) arrays.get(i);
        }
        return IValue.listFrom(a);
    }
}
