package io.github.prefine.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.model.internal.TensorArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A copy of the model's weights at its best epoch so far, restored when training ends. */
final class BestWeights {
    private final MultiHeadModel model;
    private final NDManager manager;
    private Map<String, NDArray> best;

    BestWeights(MultiHeadModel model, NDManager manager) {
        this.model = model;
        this.manager = manager;
    }

    void snapshot() {
        clear();
        best = new LinkedHashMap<>();
        for (NamedParameter p : model.parameters()) {
            NDArray copy = p.parameter().getArray().duplicate();
            copy.attach(manager);
            best.put(p.key(), copy);
        }
    }

    /** Puts the best weights back into the model; false if there are none. */
    boolean restore() {
        if (best == null) {
            return false;
        }
        try {
            model.setValues(best, best.keySet(), "best epoch weights");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    void write(Path anchor, Path file) throws IOException {
        if (best != null) {
            TensorArchive.write(anchor, file, best);
        }
    }

    /**
     * Takes a checkpoint's best weights, read and checked in host memory, onto the model's device
     * (on the same device the arrays themselves, now owned here); null for none.
     */
    void take(Map<String, NDArray> staged) {
        clear();
        if (staged != null) {
            best = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : staged.entrySet()) {
                NDArray a = e.getValue().toDevice(manager.getDevice(), false);
                a.attach(manager);
                best.put(e.getKey(), a);
            }
        }
    }

    private void clear() {
        if (best != null) {
            best.values().forEach(NDArray::close);
            best = null;
        }
    }
}
