package io.github.prefine.core.precision;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link ParameterStore} that hands blocks a 16-bit (float16 or bfloat16) compute copy of
 * selected float32 parameters, the "fp16 copy" of mixed-precision training (Micikevicius et al., <a
 * href="https://arxiv.org/abs/1710.03740">arXiv:1710.03740</a>).
 *
 * <p>The parameters' own arrays stay float32 and are the master weights: the optimiser updates
 * them and checkpoints save them, so checkpoints are float32 without any conversion. On the first
 * {@link #getValue} of a selected parameter in a step, the store casts its master to the compute type with
 * {@link Casts#toType}, which autograd records, and caches the copy for the rest of the step. The
 * backward pass then accumulates the gradient, cast back to float32, directly into the master's
 * gradient, exactly as {@code torch.autocast} does with its per-region weight-cast cache. Every
 * other parameter (LayerNorm, embeddings, heads) is returned as is, in float32.
 *
 * <p><b>Memory.</b> Make one store per step on the step's manager; the float16 copies belong to
 * that manager and die with it. Not thread-safe.
 */
public final class HalfPrecisionStore extends ParameterStore {

    private final NDManager manager;
    private final Set<Parameter> half;
    private final DataType computeType;
    private final Map<Parameter, NDArray> copies = new IdentityHashMap<>();

    /**
     * Creates a store for one step.
     *
     * @param stepManager the manager owning the copies; on the parameters' device
     * @param halfParameters the parameters to compute in float16 (compared by identity)
     */
    public HalfPrecisionStore(NDManager stepManager, Set<Parameter> halfParameters) {
        this(stepManager, halfParameters, DataType.FLOAT16);
    }

    /**
     * Creates a store for one step with an explicit compute dtype.
     *
     * @param stepManager the manager owning the copies; on the parameters' device
     * @param halfParameters the parameters to compute in {@code computeType} (compared by identity)
     * @param computeType FLOAT16 or BFLOAT16 (or FLOAT32, which turns the store into a plain one, for tests)
     */
    public HalfPrecisionStore(NDManager stepManager, Set<Parameter> halfParameters, DataType computeType) {
        super(Objects.requireNonNull(stepManager, "stepManager"), false);
        this.manager = stepManager;
        this.half = Objects.requireNonNull(halfParameters, "halfParameters");
        this.computeType = Objects.requireNonNull(computeType, "computeType");
    }

    /**
     * Returns the float16 copy of a selected parameter, or the parameter's own value otherwise.
     *
     * @param parameter the parameter
     * @param device the device the block runs on
     * @param training true for a training forward
     * @return the value to compute with
     */
    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        if (parameter == null || !half.contains(parameter)) {
            return super.getValue(parameter, device, training);
        }
        NDArray cached = copies.get(parameter);
        if (cached != null) {
            return cached;
        }
        NDArray master = super.getValue(parameter, device, training);
        NDArray copy;
        if (master.getDataType() == computeType) {
            copy = master;
        } else {
            copy = Casts.toType(master, computeType, manager);
        }
        copies.put(parameter, copy);
        return copy;
    }
}
