package io.github.prefine.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.github.prefine.kernels.EngineScalars;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The feed-forward activation ({@code hidden_act} of {@code config.json}).
 *
 * <p>{@link #GELU} is the exact erf form (HF {@code "gelu"}, PyTorch's default). {@link #GELU_TANH}
 * is the tanh approximation of <a href="https://arxiv.org/abs/1606.08415">Hendrycks and Gimpel</a>
 * that HF calls {@code "gelu_new"}, {@code "gelu_pytorch_tanh"} or {@code "gelu_fast"}.
 *
 * <p>Immutable and thread-safe.
 */
public enum HiddenActivation {
    /** Exact GELU, x * Phi(x) with the erf; HF {@code "gelu"}. */
    GELU("gelu"),
    /** Tanh-approximated GELU; HF {@code "gelu_new"}, {@code "gelu_pytorch_tanh"}, {@code "gelu_fast"}. */
    GELU_TANH("gelu_new", "gelu_pytorch_tanh", "gelu_fast"),
    /** max(0, x); HF {@code "relu"}. */
    RELU("relu"),
    /** x * sigmoid(x); HF {@code "silu"} or {@code "swish"}. */
    SILU("silu", "swish");

    private static final float SQRT_2_OVER_PI = 0.7978845608028654f;

    private final String[] hfNames;

    HiddenActivation(String... hfNames) {
        this.hfNames = hfNames;
    }

    /**
     * Returns the name written back to {@code config.json}.
     *
     * @return the first HF name, for example {@code gelu_new}
     */
    public String hfName() {
        return hfNames[0];
    }

    /**
     * Applies the activation; the result joins the manager of {@code x}.
     *
     * @param x any float array
     * @return a new array of the same shape and dtype
     */
    public NDArray apply(NDArray x) {
        switch (this) {
            case GELU:
                return Activation.gelu(x);
            case GELU_TANH:
                // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
                // out-of-place ops only: autograd needs tanh's output unmodified; every constant an
                // engine one (a Number operand would be a host copy that waits for the GPU)
                NDArray inner = EngineScalars.mul(EngineScalars.mul(EngineScalars.pow(x, 3f), 0.044715f).add(x), SQRT_2_OVER_PI);
                return EngineScalars.mul(EngineScalars.add(inner.tanh(), 1f).mul(x), 0.5f);
            case RELU:
                return Activation.relu(x);
            case SILU:
                return Activation.sigmoid(x).mul(x);
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * Looks an activation up by its HF name.
     *
     * @param hfName the {@code hidden_act} value
     * @return the activation
     * @throws IllegalArgumentException naming the value and the supported names if unknown
     */
    public static HiddenActivation fromHfName(String hfName) {
        for (HiddenActivation a : values()) {
            for (String n : a.hfNames) {
                if (n.equals(hfName)) {
                    return a;
                }
            }
        }
        throw new IllegalArgumentException(
                "hidden_act \"" + hfName + "\" is not supported; supported: "
                        + Arrays.stream(values()).flatMap(a -> Arrays.stream(a.hfNames)).collect(Collectors.joining(", ")));
    }
}
