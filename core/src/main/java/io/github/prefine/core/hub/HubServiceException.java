package io.github.prefine.core.hub;

import java.io.IOException;

/**
 * Signals that the Hub failed as a service rather than refused the request: it could not be
 * reached, a request to it failed in transit, or a download stayed cut off or silent through every
 * attempt. Retrying later may help, unlike a {@link HubException} for a status such as 401 or 404.
 * (A {@link HubException} with status 429 or 5xx is the server saying the same.)
 *
 * <p>Messages name the repository and the file, never the access token.
 */
public class HubServiceException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the repository, the file and what failed, with what to do
     * @param cause the transport's exception
     */
    public HubServiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
