package io.github.prefine.core.kernels;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValueUtils;
import io.github.prefine.kernels.EngineScalars;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table lookup whose padding row takes no gradient: PyTorch's {@code torch.embedding(weight,
 * ids, padding_idx)}, the operation of HF's {@code nn.Embedding(..., padding_idx=pad_token_id)},
 * which DJL 0.36 binds only without {@code padding_idx}. The forward is the plain lookup; the
 * backward leaves the row {@code padding_idx} out, so training never moves it (HF's word table and
 * RoBERTa's position table, whose padded positions look up that row, keep it as loaded).
 *
 * <p>Where it runs is decided per device as for the other kernels of this package: the
 * TorchScript operation where the first call's probe passes, else, and on another engine's arrays
 * or under DJL's separate CUDA stream ({@code ai.djl.pytorch.enable_cuda_stream}, which would run
 * the lookup unordered with the step), the same lookup made of DJL operations: a plain lookup
 * whose padded positions are cut off from autograd. Both give the same values and gradients; on
 * a PyTorch device a warning says once why the fallback is used (another engine's arrays, which
 * cannot run TorchScript, take it without one).
 *
 * <p>One TorchScript module per device and padding index, compiled on first use and kept for the
 * life of the process (they hold no tensors). Thread-safe.
 */
public final class PaddedEmbedding {
    private static final Logger LOG = LoggerFactory.getLogger(PaddedEmbedding.class);
    private static final String NAME = "PaddedEmbedding";
    /** Sources by padding index, made once: a call looks its module up by source. */
    private static final Map<Integer, String> SOURCES = new ConcurrentHashMap<>();
    /** The verdict per device, made on the first call there. */
    private static final Map<Device, Boolean> USABLE = new ConcurrentHashMap<>();

    private PaddedEmbedding() {}

    /**
     * Looks up {@code table[ids]}; autograd gives the row {@code paddingIdx} no gradient.
     *
     * @param ids integer ids, any shape, each in {@code [0, rows)}
     * @param table the table {@code [rows, width]}, any float type
     * @param paddingIdx the row that takes no gradient, in {@code [0, rows)}
     * @return {@code [ids..., width]} in the table's dtype, in the manager of {@code ids}
     * @throws IllegalArgumentException if {@code paddingIdx} is negative (no padding row: use a plain lookup)
     */
    public static NDArray apply(NDArray ids, NDArray table, int paddingIdx) {
        if (paddingIdx < 0) {
            throw new IllegalArgumentException("padding index must be >= 0, found " + paddingIdx);
        }
        if (!usableOn(ids.getManager())) {
            return withDjlOperations(ids, table, paddingIdx);
        }
        String source = SOURCES.computeIfAbsent(paddingIdx, PaddedEmbedding::source);
        // ids first: the result joins the first input's manager, the caller's, not the table's
        // long-lived one; isTrain = true only means "no inference guard"
        return IValueUtils.forward(TorchScriptModule.shared(ids.getDevice(), NAME, source), new NDList(ids, table), true)
                .singletonOrThrow();
    }

    /**
     * Tells whether {@link #apply} runs the TorchScript operation for arrays of a manager: a
     * PyTorch manager, not refused on its device (see {@link #refusal}), and the probe of that
     * device (made on the first call there) passed. Where a PyTorch device is refused or fails
     * its probe, a warning has said why, once per device; another engine's manager gets no warning.
     *
     * @param manager the manager of the ids
     * @return true for the TorchScript operation, false for the one made of DJL operations
     */
    static boolean usableOn(NDManager manager) {
        if (!(manager instanceof PtNDManager)) {
            return false;
        }
        return USABLE.computeIfAbsent(manager.getDevice(), device -> {
            String refusal = refusal(device);
            if (refusal != null) {
                LOG.warn("embeddings: not using PyTorch's embedding with padding_idx ({}); cutting the padded "
                        + "positions off from autograd instead", refusal);
                return false;
            }
            return probe(device);
        });
    }

    /**
     * Why the TorchScript operation must not run on a device, or null: as for the fused AdamW,
     * DJL's separate CUDA stream would run it unordered with the step's operations, so the next
     * operation could read a lookup still being written.
     *
     * @param device the device
     * @return the reason, or null
     */
    static String refusal(Device device) {
        return FusedAdamW.refusal(device);
    }

    /** Looks up a few rows through the module, or says why it cannot and returns false. */
    private static boolean probe(Device device) {
        try (NDManager probe = NDManager.newBaseManager(device)) {
            NDArray table = probe.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray ids = probe.create(new long[] {1, 0, 1});
            String source = SOURCES.computeIfAbsent(0, PaddedEmbedding::source);
            float[] got = IValueUtils.forward(TorchScriptModule.shared(device, NAME, source), new NDList(ids, table),
                    true).singletonOrThrow().toFloatArray();
            float[] expected = {3, 4, 1, 2, 3, 4};
            if (!Arrays.equals(got, expected)) {
                throw new IllegalStateException("the probe lookup gave " + Arrays.toString(got) + ", expected "
                        + Arrays.toString(expected));
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("embeddings: PyTorch's embedding with padding_idx is not usable on {} ({}); cutting the padded "
                    + "positions off from autograd instead", device, TorchScriptModule.firstLine(e));
            return false;
        }
    }

    /**
     * The same lookup made of DJL operations, on the device and in any engine: a plain lookup
     * whose rows at padded positions are taken from a copy detached from autograd, so the padding
     * row's gradient, which only those positions feed, stays 0. Three operations more than the
     * kernel (a comparison, two views, a detach and a select); no host round trip.
     */
    static NDArray withDjlOperations(NDArray ids, NDArray table, int paddingIdx) {
        NDArray rows = Embedding.embedding(ids, table, SparseFormat.DENSE).get(0);
        // DJL's where does not broadcast its condition: expand it to the rows' shape (a view)
        NDArray real = EngineScalars.neq(ids, paddingIdx).expandDims(-1).broadcast(rows.getShape());
        return NDArrays.where(real, rows, rows.stopGradient());
    }

    /**
     * The module's source for one padding index, which is part of it: DJL passes a method tensors
     * only, and an index passed as a tensor would be read on the host (a wait for the device).
     */
    private static String source(int paddingIdx) {
        // Locale.ROOT: a default locale such as ar-EG would write the index in digits TorchScript cannot read
        return TorchScriptModule.moduleSource(NAME, String.format(Locale.ROOT, """
                  def forward(self: __torch__.%1$s,
                    ids: Tensor,
                    table: Tensor) -> Tensor:
                    return torch.embedding(table, ids, %2$d, False, False)
                """, NAME, paddingIdx));
    }
}
