/**
 * PyTorch operations that DJL has no Java binding for, reached through a TorchScript module that
 * prefine writes at run time: the fused AdamW kernel, fused scaled dot-product attention and a
 * cast to bfloat16.
 */
package io.github.prefine.core.kernels;
