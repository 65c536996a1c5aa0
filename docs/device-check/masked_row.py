# A fully masked attention row on the GPU's fused attention, under float16 and bfloat16: prefine's
# FusedAttention (core.kernels) calls torch.scaled_dot_product_attention(q, k, v, bias, p) through
# TorchScript with the bias the encoder makes: (mask - 1) * Float.MAX_VALUE in float32, cast to the
# projections' type, which makes -inf in float16 and bfloat16, and p the attention dropout: 0.1 (BERT's
# and XLM-R's) in training, 0 in evaluation. PyTorch picks its kernel by both, and the kernels that
# take a dropout run another path with one, so each is tried with p = 0 and 0.1. This calls the same
# operation with the same inputs on the machine's own PyTorch (the one prefine's JNI is built
# against), once per kernel PyTorch may pick, forward and backward, and prints one line each: whether
# any output or gradient is NaN, and the fully masked row's output (random where p > 0).
# Usage: python3 masked_row.py (needs CUDA).
import torch
from torch.nn.attention import SDPBackend, sdpa_kernel

FLOAT_MAX = 3.4028234663852886e38
torch.manual_seed(0)
dev = "cuda"
print(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}", flush=True)
B, H, L, D = 4, 12, 16, 64
# row 0 full, row 1 padded in its last quarter, rows 2 and 3 fully masked (every key padding)
mask = torch.ones(B, L, device=dev)
mask[1, 3 * L // 4:] = 0
mask[2:] = 0
bias32 = ((mask - 1) * FLOAT_MAX).reshape(B, 1, 1, L)
for dtype, p in ((d, p) for d in (torch.float16, torch.bfloat16) for p in (0.0, 0.1)):
    bias = bias32.to(dtype)
    for backend in (None, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH, SDPBackend.CUDNN_ATTENTION):
        name = ("default choice" if backend is None else backend.name) + f", dropout {p}"
        q, k, v = (torch.randn(B, H, L, D, device=dev, dtype=dtype, requires_grad=True) for _ in range(3))
        try:
            if backend is None:
                out = torch.nn.functional.scaled_dot_product_attention(q, k, v, bias, p)
            else:
                with sdpa_kernel([backend]):
                    out = torch.nn.functional.scaled_dot_product_attention(q, k, v, bias, p)
            out.float().sum().backward()
            nan_out = torch.isnan(out).any().item()
            nan_grad = any(torch.isnan(t.grad).any().item() for t in (q, k, v))
            full_ok = not torch.isnan(out[:2]).any().item()
            row = out[2, 0, 0, :4].float().tolist()
            print(f"masked row {str(dtype).replace('torch.', '')} {name}: NaN in output {nan_out}, in gradients {nan_grad}, "
                  f"unmasked rows finite {full_ok}, fully masked row's first outputs {[round(x, 4) for x in row]}",
                  flush=True)
        except RuntimeError as e:
            print(f"masked row {str(dtype).replace('torch.', '')} {name}: not run ({str(e).splitlines()[0][:160]})",
                  flush=True)
