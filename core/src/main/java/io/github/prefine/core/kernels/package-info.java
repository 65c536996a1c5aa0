/**
 * PyTorch operations that DJL has no Java binding for, reached through a TorchScript module that
 * prefine writes at run time: the fused AdamW kernel, the loss-scale update, fused scaled
 * dot-product attention, a cast to bfloat16, a host-to-GPU copy that does not wait for the GPU and
 * a table lookup whose padding row takes no gradient.
 */
package io.github.prefine.core.kernels;
