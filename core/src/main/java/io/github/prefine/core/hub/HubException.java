package io.github.prefine.core.hub;

import java.io.IOException;

/**
 * Signals a failed exchange with the Hub: an HTTP error status (401, 403, 404, ...), missing
 * metadata, or a downloaded file whose size or hash does not match what the server announced.
 *
 * <p>Messages name the model id, the file and the URL, never the access token.
 */
public class HubException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int statusCode;

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status, or -1 when the failure is not an HTTP status
     * @param message the location, the rule and what was found
     */
    public HubException(int statusCode, String message) {
        super(message);
        this.statusCode = statusCode;
    }

    /**
     * Returns the HTTP status.
     *
     * @return the status code, or -1 when the failure was not an HTTP status
     */
    public int statusCode() {
        return statusCode;
    }
}
