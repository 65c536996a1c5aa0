package io.github.prefine.core.testing;

import java.lang.ref.Reference;
import java.util.List;

/** Tells which objects a program still holds, through weak references and full collections. */
public final class Reachability {
    private Reachability() {}

    /**
     * Counts the referents still reachable after full collections: up to five, since one
     * collection may leave some referents behind.
     *
     * @param refs weak references to the objects in question
     * @return how many referents were not collected
     */
    public static int alive(List<? extends Reference<?>> refs) {
        int alive = count(refs);
        for (int i = 0; i < 5 && alive > 0; i++) {
            System.gc();
            alive = count(refs);
        }
        return alive;
    }

    private static int count(List<? extends Reference<?>> refs) {
        return (int) refs.stream().filter(r -> r.get() != null).count();
    }
}
