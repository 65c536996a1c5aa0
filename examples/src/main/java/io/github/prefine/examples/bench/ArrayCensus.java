package io.github.prefine.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The native arrays a manager keeps alive at one moment, its sub-managers included, for the
 * bench's leak check: a count, and what a later census holds that this one did not, by manager
 * name, data type and shape. An array a training step leaves in a long-lived manager is native
 * memory (device memory on a GPU) that grows for the whole run.
 */
final class ArrayCensus {
    private final Map<NDArray, String> arrays = new IdentityHashMap<>();

    private ArrayCensus(NDManager manager) {
        for (NDArray a : manager.getManagedArrays()) {
            String name = a.getManager().getName();
            arrays.put(a, (name == null ? "" : name + " ") + a.getDataType() + a.getShape());
        }
    }

    /**
     * Takes the census of a manager and its sub-managers.
     *
     * @param manager the manager
     * @return the census
     */
    static ArrayCensus of(NDManager manager) {
        return new ArrayCensus(manager);
    }

    /**
     * Takes the census of the engine's system manager, which every base manager hangs from: every
     * managed array of the process.
     *
     * @param anyManager a manager of the engine
     * @return the census
     */
    static ArrayCensus engineWide(NDManager anyManager) {
        NDManager m = anyManager;
        while (!(m instanceof NDManager.SystemNDManager) && m.getParentManager() != null) {
            m = m.getParentManager();
        }
        return new ArrayCensus(m);
    }

    /**
     * Returns the number of arrays counted.
     *
     * @return the count
     */
    int size() {
        return arrays.size();
    }

    /**
     * Describes the arrays of a later census that this one did not hold, counted by manager, type
     * and shape.
     *
     * @param later a later census of the same manager
     * @return for example {@code {float32(2, 3)=1}}; {@code {}} when there are none
     */
    String addedBy(ArrayCensus later) {
        Map<String, Integer> counts = new TreeMap<>();
        later.arrays.forEach((a, d) -> {
            if (!arrays.containsKey(a)) {
                counts.merge(d, 1, Integer::sum);
            }
        });
        return counts.toString();
    }
}
