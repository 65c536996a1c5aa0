package io.github.prefine.core.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A table lookup whose padding row takes no gradient: PyTorch's {@code torch.embedding(weight,
 * ids, padding_idx)}, the operation of HF's {@code nn.Embedding(..., padding_idx=pad_token_id)},
 * which DJL 0.36 binds only without {@code padding_idx}. The forward is the plain lookup; the
 * backward leaves the row {@code padding_idx} out, so training never moves it (HF's word table and
 * RoBERTa's position table, whose padded positions look up that row, keep it as loaded).
 *
 * <p>One TorchScript module per device and padding index, compiled on first use and kept for the
 * life of the process (they hold no tensors). Thread-safe.
 */
public final class PaddedEmbedding {
    private static final String NAME = "PaddedEmbedding";
    /** Sources by padding index, made once: a call looks its module up by source. */
    private static final Map<Integer, String> SOURCES = new ConcurrentHashMap<>();

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
        String source = SOURCES.computeIfAbsent(paddingIdx, PaddedEmbedding::source);
        // ids first: the result joins the first input's manager, the caller's, not the table's
        // long-lived one; isTrain = true only means "no inference guard"
        return IValueUtils.forward(TorchScriptModule.shared(ids.getDevice(), NAME, source), new NDList(ids, table), true)
                .singletonOrThrow();
    }

    /**
     * The module's source for one padding index, which is part of it: DJL passes a method tensors
     * only, and an index passed as a tensor would be read on the host (a wait for the device).
     */
    private static String source(int paddingIdx) {
        return TorchScriptModule.moduleSource(NAME, """
                  def forward(self: __torch__.%1$s,
                    ids: Tensor,
                    table: Tensor) -> Tensor:
                    return torch.embedding(table, ids, %2$d, False, False)
                """.formatted(NAME, paddingIdx));
    }
}
