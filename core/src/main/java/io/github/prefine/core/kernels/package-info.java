/**
 * PyTorch operations that DJL has no Java binding for, reached through a TorchScript module that
 * prefine writes at run time: the fused AdamW kernel and fused scaled dot-product attention.
 */
package io.github.prefine.core.kernels;
