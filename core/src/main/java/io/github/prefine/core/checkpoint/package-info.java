/** Safetensors and ONNX checkpoints: reading, writing and mapping HF tensor names onto encoder blocks. */
package io.github.prefine.core.checkpoint;
