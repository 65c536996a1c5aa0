package io.github.prefine.core.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The native arrays that managers keep alive, for leak checks. {@link NDManager#getManagedArrays}
 * walks a manager's sub-managers too, so a snapshot of a run's root manager holds every array that
 * the run's model, optimiser, trainer and steps still keep; a snapshot of the engine's system
 * manager holds every managed array of the process, those made under fresh base managers included.
 */
public final class LiveArrays {
    private final NDManager manager;
    /** Each array then, with its manager, type and shape read while it was open. */
    private final Map<NDArray, String> arrays = new IdentityHashMap<>();

    private LiveArrays(NDManager manager) {
        this.manager = manager;
        for (NDArray a : manager.getManagedArrays()) {
            arrays.put(a, describe(a));
        }
    }

    /**
     * Takes a snapshot of the arrays under a manager.
     *
     * @param manager the manager, its sub-managers included
     * @return the snapshot
     */
    public static LiveArrays of(NDManager manager) {
        return new LiveArrays(manager);
    }

    /**
     * Takes a snapshot of the arrays under the engine's system manager, which every base manager
     * hangs from.
     *
     * @param anyManager a manager of the engine
     * @return the snapshot
     */
    public static LiveArrays engineWide(NDManager anyManager) {
        NDManager m = anyManager;
        while (!(m instanceof NDManager.SystemNDManager) && m.getParentManager() != null) {
            m = m.getParentManager();
        }
        return new LiveArrays(m);
    }

    /**
     * Returns the number of arrays in the snapshot.
     *
     * @return the count when the snapshot was taken
     */
    public int size() {
        return arrays.size();
    }

    /**
     * Describes the arrays of a later snapshot that this one did not hold, counted by manager,
     * type and shape: what a failed count check prints to say what stayed behind.
     *
     * @param later a later snapshot of the same manager
     * @return the description
     */
    public String addedBy(LiveArrays later) {
        Map<String, Integer> counts = new TreeMap<>();
        later.arrays.forEach((a, d) -> {
            if (!arrays.containsKey(a)) {
                counts.merge(d, 1, Integer::sum);
            }
        });
        return later.size() + " arrays, " + size() + " before; not there before: " + counts;
    }

    /**
     * Takes a new snapshot of the same manager and describes what it holds that this one did not.
     *
     * @return the description
     */
    public String added() {
        return addedBy(new LiveArrays(manager));
    }

    /**
     * Returns the number of arrays under the manager now.
     *
     * @return the count
     */
    public int now() {
        List<NDArray> all = manager.getManagedArrays();
        return all.size();
    }

    private static String describe(NDArray a) {
        String name = a.getManager().getName();
        return (name == null ? "" : name + " ") + a.getDataType() + a.getShape();
    }
}
