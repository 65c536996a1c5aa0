package io.github.prefine.core.kernels;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scaled dot-product attention in one PyTorch operation, {@code
 * torch.nn.functional.scaled_dot_product_attention}, which DJL 0.36 has no binding for: softmax of
 * {@code q kᵀ / sqrt(d)} plus an additive mask, dropout, times {@code v}. On a GPU PyTorch runs it
 * as one fused kernel each way (the memory-efficient one where a padding mask is given, flash
 * attention where the batch has no padding and the inputs are 16-bit), which
 * never writes the {@code [batch, heads, seqLen, seqLen]} scores, probabilities and dropout mask
 * to memory and keeps none of them for the backward pass; Hugging Face's models use the same
 * operation. Differentiable: autograd records it as one operation.
 *
 * <p>Where it runs is decided by {@link #enabledOn(Device)}: on GPUs by default, not on CPUs,
 * where the explicit attention keeps prefine's seeded dropout masks (resumes are bitwise there)
 * and its speed. The system property {@code prefine.attention} ({@code auto}, {@code fused} or
 * {@code explicit}) overrides that.
 *
 * <p>One TorchScript module per device and dropout probability, loaded on first use and kept for
 * the life of the process (they hold no tensors). Thread-safe.
 */
public final class FusedAttention {
    /** The system property that chooses the attention: {@code auto}, {@code fused} or {@code explicit}. */
    public static final String PROPERTY = "prefine.attention";

    private static final String NAME = "FusedAttention";
    /** Sources by dropout probability, made once: a call looks its module up by source. */
    private static final Map<Float, String> SOURCES = new ConcurrentHashMap<>();
    private static final Map<Device, Boolean> AVAILABLE = new ConcurrentHashMap<>();
    private static final Logger LOG = LoggerFactory.getLogger(FusedAttention.class);

    private FusedAttention() {}

    /**
     * Tells whether the encoder uses this attention on a device: the property {@value #PROPERTY}
     * if set to {@code fused} or {@code explicit}, else on GPUs not refused (see {@link #refusal})
     * where one probe call works (the first call per device makes it; where the device is refused
     * or the probe fails, a warning says why).
     *
     * @param device the device the encoder runs on
     * @return true to call {@link #apply}
     * @throws IllegalArgumentException if the property holds another value
     * @throws IllegalStateException if it asks for {@code fused} on a device {@link #refusal} refuses
     */
    public static boolean enabledOn(Device device) {
        String choice = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (choice) {
            case "auto" -> device.isGpu() && AVAILABLE.computeIfAbsent(device, d -> {
                String refusal = refusal(d);
                if (refusal != null) {
                    LOG.warn("attention: not using PyTorch's scaled_dot_product_attention on {} ({}); computing the"
                            + " attention one operation at a time instead", d, refusal);
                    return false;
                }
                return probe(d);
            });
            case "fused" -> {
                String refusal = refusal(device);
                if (refusal != null) {
                    throw new IllegalStateException("-D" + PROPERTY + "=fused on " + device + ": " + refusal
                            + "; expected auto or explicit, or the default stream");
                }
                yield true;
            }
            case "explicit" -> false;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + " must be auto, fused or explicit, found "
                    + choice);
        };
    }

    /**
     * Why the TorchScript operation must not run on a device, or null: as for the fused AdamW,
     * DJL's separate CUDA stream would run it unordered with the step's operations, so the next
     * operation could read attention outputs still being written.
     *
     * @param device the device
     * @return the reason, or null
     */
    static String refusal(Device device) {
        return FusedAdamW.refusal(device);
    }

    /** Runs the operation once on the device, or says why it cannot and returns false. */
    private static boolean probe(Device device) {
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray x = m.ones(new Shape(1, 1, 2, 8));
            // both forms: with a mask, and without one (batches without padding)
            float masked = apply(x, x, x, m.zeros(new Shape(1, 1, 1, 2)), 0f).getFloat(0, 0, 0, 0);
            float unmasked = apply(x, x, x, null, 0f).getFloat(0, 0, 0, 0);
            if (Math.abs(masked - 1f) > 1e-5f || Math.abs(unmasked - 1f) > 1e-5f) {
                throw new IllegalStateException("the probe gave " + masked + " and " + unmasked + ", expected 1");
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("attention: PyTorch's scaled_dot_product_attention is not usable on {} ({}); computing "
                    + "the attention one operation at a time instead", device, TorchScriptModule.firstLine(e));
            return false;
        }
    }

    /**
     * Computes {@code dropout(softmax(q kᵀ / sqrt(d) + maskBias)) v}.
     *
     * @param q queries {@code [batch, heads, seqLen, d]}, float32 or float16, not yet scaled
     * @param k keys, as {@code q}
     * @param v values, as {@code q}
     * @param maskBias additive bias broadcast to the scores, {@code [batch, 1, 1, seqLen]}, any
     *     float type (cast to that of {@code q}); null where every position may attend to every
     *     other (a batch without padding), which lets PyTorch pick its fastest kernel, flash
     *     attention, on GPUs that have it
     * @param dropout the probability of dropping an attention weight; 0 outside training
     * @return the context {@code [batch, heads, seqLen, d]} in the dtype of {@code q}, in the
     *     manager of {@code q}
     */
    public static NDArray apply(NDArray q, NDArray k, NDArray v, NDArray maskBias, float dropout) {
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("attention dropout must be in [0, 1), found " + dropout);
        }
        PtSymbolBlock module = module(q.getDevice(), dropout);
        NDList in = maskBias == null ? new NDList(q, k, v) : new NDList(q, k, v, maskBias);
        // isTrain = true only means "no inference guard": autograd follows this thread's grad mode
        return IValueUtils.forward(module, in, true).singletonOrThrow();
    }

    private static PtSymbolBlock module(Device device, float dropout) {
        return TorchScriptModule.shared(device, NAME, SOURCES.computeIfAbsent(dropout, FusedAttention::source));
    }

    /**
     * The module's source for one dropout probability, which is part of it: DJL passes a method
     * tensors only, and a tensor read as a number would wait for the device.
     */
    private static String source(float dropout) {
        return TorchScriptModule.moduleSource(NAME, """
                  def forward(self: __torch__.%1$s,
                    q: Tensor,
                    k: Tensor,
                    v: Tensor,
                    mask_bias: Optional[Tensor]=None) -> Tensor:
                    if mask_bias is None:
                      return torch.scaled_dot_product_attention(q, k, v, None, %2$s)
                    bias = unchecked_cast(Tensor, mask_bias)
                    if bias.dtype != q.dtype:
                      bias = bias.to(q.dtype)
                    return torch.scaled_dot_product_attention(q, k, v, bias, %2$s)
                """.formatted(NAME, Float.toString(dropout)));
    }
}
