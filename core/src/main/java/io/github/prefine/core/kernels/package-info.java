/**
 * PyTorch operations that DJL has no Java binding for, reached through a TorchScript module that
 * prefine writes at run time: the fused AdamW kernel, the loss-scale update, fused scaled
 * dot-product attention, a cast to bfloat16 and a host-to-GPU copy that does not wait for the GPU.
 */
package io.github.prefine.core.kernels;
