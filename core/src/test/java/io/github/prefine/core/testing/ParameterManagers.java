package io.github.prefine.core.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.NamedParameter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The arrays of the managers that own a model's parameters, which live as long as the model: a
 * step that leaves arrays there leaks them every step.
 */
public final class ParameterManagers {
    private ParameterManagers() {}

    /**
     * Returns every array those managers hold (their sub-managers' included, as DJL counts them).
     *
     * @param model an open model
     * @return the arrays, by identity
     */
    public static Set<NDArray> arrays(MultiHeadModel model) {
        Set<NDManager> managers = Collections.newSetFromMap(new IdentityHashMap<>());
        for (NamedParameter p : model.parameters()) {
            managers.add(p.parameter().getArray().getManager());
        }
        Set<NDArray> out = Collections.newSetFromMap(new IdentityHashMap<>());
        managers.forEach(m -> out.addAll(m.getManagedArrays()));
        return out;
    }

    /**
     * Returns the shapes of the arrays in {@code after} that {@code before} lacks, for a message
     * that says what was left.
     *
     * @param before the arrays before the step
     * @param after the arrays after it
     * @return their shapes, empty when nothing was added
     */
    public static List<String> added(Set<NDArray> before, Set<NDArray> after) {
        return after.stream().filter(a -> !before.contains(a)).map(a -> a.getShape().toString()).toList();
    }
}
