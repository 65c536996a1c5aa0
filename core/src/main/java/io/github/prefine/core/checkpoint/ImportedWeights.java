package io.github.prefine.core.checkpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The weights an importer found in a foreign checkpoint, under HF tensor names.
 *
 * <p>Tensors may share memory with a memory-mapped file (see {@link OnnxImporter}); they hold no
 * native memory and need no closing. Equality is record equality, so two imports compare equal
 * only when they hold the same {@link HostTensor} instances.
 *
 * <p>Safe to read from several threads; the tensors' buffers follow {@link HostTensor}'s no-copy
 * contract.
 *
 * @param tensors the weights in the order of the source file, each name unique
 * @param droppedBuffers names of source tensors left out because they are buffers, not weights
 *     (for example {@code embeddings.position_ids})
 */
public record ImportedWeights(List<HostTensor> tensors, List<String> droppedBuffers) {

    /**
     * Validates and copies the lists.
     *
     * @param tensors the weights in the order of the source file, each name unique
     * @param droppedBuffers names of source tensors left out because they are buffers, not weights
     *     (for example {@code embeddings.position_ids})
     * @throws IllegalArgumentException if two tensors share a name
     */
    public ImportedWeights {
        tensors = List.copyOf(tensors);
        droppedBuffers = List.copyOf(droppedBuffers);
        Map<String, HostTensor> seen = new LinkedHashMap<>();
        for (HostTensor t : tensors) {
            if (seen.put(t.name(), t) != null) {
                throw new IllegalArgumentException("imported weights: tensor names must be unique, found "
                        + t.name() + " twice");
            }
        }
    }

    /**
     * Returns the tensors keyed by HF name, in source order.
     *
     * @return an unmodifiable insertion-ordered map
     */
    public Map<String, HostTensor> byName() {
        Map<String, HostTensor> map = new LinkedHashMap<>();
        for (HostTensor t : tensors) {
            map.put(t.name(), t);
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    /**
     * Returns one tensor by HF name.
     *
     * @param name the HF key, for example {@code encoder.layer.0.attention.self.query.weight}
     * @return the tensor
     * @throws IllegalArgumentException if there is no such tensor
     */
    public HostTensor get(String name) {
        Objects.requireNonNull(name, "name");
        for (HostTensor t : tensors) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("imported weights: no tensor named " + name);
    }

    /**
     * Returns the total number of elements over all tensors.
     *
     * @return the parameter count
     */
    public long parameterCount() {
        long n = 0;
        for (HostTensor t : tensors) {
            n += t.numel();
        }
        return n;
    }
}
