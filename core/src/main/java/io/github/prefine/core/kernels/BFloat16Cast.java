package io.github.prefine.core.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.jni.IValueUtils;

/**
 * A differentiable cast to bfloat16, which DJL 0.36 cannot make: its JNI maps data types to
 * PyTorch's through a {@code switch} without bfloat16, whose default aborts the JVM. The cast runs
 * inside a TorchScript module instead. DJL reports the resulting arrays' type as {@code UNKNOWN};
 * matrix products, sums, views and casts to other types work on them, while DJL operations that
 * pass a data type to the JNI (making arrays of an input's type, {@code softmax}) must not be
 * given them. {@link io.github.prefine.core.precision.Casts} and {@code EngineScalars} handle
 * them.
 *
 * <p>Thread-safe: the TorchScript module is shared per device through {@link TorchScriptModule}.
 */
public final class BFloat16Cast {
    private static final String SOURCE = TorchScriptModule.moduleSource("BFloat16Cast", """
              def forward(self: __torch__.BFloat16Cast,
                x: Tensor) -> Tensor:
                return torch.to(x, 15)
            """);

    private BFloat16Cast() {}

    /**
     * Returns {@code x} as bfloat16; autograd casts the gradient back.
     *
     * @param x a floating-point array
     * @return a new bfloat16 array (or {@code x} if it is one), in the manager of {@code x}
     */
    public static NDArray apply(NDArray x) {
        // isTrain = true only means "no inference guard": autograd follows this thread's grad mode
        return IValueUtils.forward(TorchScriptModule.shared(x.getDevice(), "BFloat16Cast", SOURCE), new NDList(x), true)
                .singletonOrThrow();
    }
}
