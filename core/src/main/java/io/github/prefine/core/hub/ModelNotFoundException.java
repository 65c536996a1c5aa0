package io.github.prefine.core.hub;

import java.io.IOException;
import java.util.List;

/**
 * Signals that a model could be found neither on disk nor in the cache, and could not be
 * downloaded (offline, or the argument is no Hub id).
 *
 * <p>The message names the model id and every place looked, with why each did not serve.
 */
public class ModelNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String model;
    private final List<String> placesLooked;

    /**
     * Creates the exception.
     *
     * @param model the model id or path asked for
     * @param reason why no download was tried, for example {@code offline (HF_HUB_OFFLINE is set)}
     * @param placesLooked each place looked, with what was found there
     */
    public ModelNotFoundException(String model, String reason, List<String> placesLooked) {
        super(model + ": not found, " + reason + "; looked in:\n  - " + String.join("\n  - ", placesLooked));
        this.model = model;
        this.placesLooked = List.copyOf(placesLooked);
    }

    /**
     * Returns the model id or path asked for.
     *
     * @return the argument of the failed resolve
     */
    public String model() {
        return model;
    }

    /**
     * Returns the places looked, each with what was found there.
     *
     * @return an unmodifiable list
     */
    public List<String> placesLooked() {
        return placesLooked;
    }
}
