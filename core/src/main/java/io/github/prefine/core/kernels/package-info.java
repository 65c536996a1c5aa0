/**
 * PyTorch operations that DJL has no Java binding for, reached through a TorchScript module that
 * prefine writes at run time: today the fused AdamW kernel.
 */
package io.github.prefine.core.kernels;
