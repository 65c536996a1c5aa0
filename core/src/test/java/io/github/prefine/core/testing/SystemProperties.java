package io.github.prefine.core.testing;

import java.util.concurrent.Callable;

/** Runs test code under a system property, restoring the property's earlier state afterwards. */
public final class SystemProperties {
    private SystemProperties() {}

    /**
     * Sets {@code name} to {@code value}, runs {@code body}, then puts back what was there before
     * (clearing the property if it was unset).
     *
     * @param name the property
     * @param value its value while {@code body} runs
     * @param body the code to run
     * @param <T> what {@code body} returns
     * @return what {@code body} returned
     * @throws Exception what {@code body} threw
     */
    public static <T> T with(String name, String value, Callable<T> body) throws Exception {
        String before = System.getProperty(name);
        System.setProperty(name, value);
        try {
            return body.call();
        } finally {
            if (before == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, before);
            }
        }
    }
}
