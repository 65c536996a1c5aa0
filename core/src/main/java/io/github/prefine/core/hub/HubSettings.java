package io.github.prefine.core.hub;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where models come from: the Hub endpoint, the local cache folder, whether downloads are allowed,
 * and the access token.
 *
 * <p>{@link #fromEnvironment(Map, Path)} reads the variables the Python {@code huggingface_hub}
 * reads, so a model a Python user downloaded is found again:
 *
 * <ul>
 *   <li>cache: {@code HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else
 *       {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub};
 *   <li>endpoint: {@code HF_ENDPOINT}, default {@code https://huggingface.co}; one with
 *       credentials in it ({@code https://USER:PASSWORD@host}) is refused, since the endpoint is
 *       logged and named in messages;
 *   <li>offline: {@code HF_HUB_OFFLINE} set to {@code 1}, {@code true}, {@code yes} or {@code on};
 *       the DJL property {@code ai.djl.offline} is deliberately not consulted, because prefine
 *       always runs with it set (it governs DJL's native-library downloads, not models);
 *   <li>token: {@code HF_TOKEN} (the token file written by {@code huggingface-cli login} is not
 *       read).
 * </ul>
 *
 * <p>The token is sent only as an {@code Authorization: Bearer} header to the endpoint's host, and
 * {@link #toString()} shows only whether one is set. Immutable and thread-safe.
 *
 * @param endpoint the Hub base URL, without a trailing slash
 * @param cacheDir the hub cache folder that holds {@code models--ORG--NAME} folders
 * @param offline whether downloads are disabled
 * @param token the access token, or {@code null} for none
 */
public record HubSettings(URI endpoint, Path cacheDir, boolean offline, String token) {

    /** The public Hugging Face Hub. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    /**
     * Validates the settings.
     *
     * @param endpoint the Hub base URL, without a trailing slash
     * @param cacheDir the hub cache folder that holds {@code models--ORG--NAME} folders
     * @param offline whether downloads are disabled
     * @param token the access token, or {@code null} for none
     * @throws IllegalArgumentException if the endpoint is not an absolute http(s) URL or carries
     *     credentials, or the token is blank
     */
    public HubSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(cacheDir, "cacheDir");
        String scheme = endpoint.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("endpoint must be an absolute http(s) URL, found " + endpoint);
        }
        if (endpoint.getRawUserInfo() != null) {
            // the endpoint is logged and named in messages, and the HTTP client would not send these anyway
            throw new IllegalArgumentException("endpoint must not carry credentials (USER:PASSWORD@); use HF_TOKEN,"
                    + " found an endpoint with them for host " + endpoint.getHost());
        }
        String s = endpoint.toString();
        if (s.endsWith("/")) {
            endpoint = URI.create(s.substring(0, s.length() - 1));
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
    }

    /**
     * Reads the settings from this process's environment and {@code user.home}.
     *
     * @return the settings
     */
    public static HubSettings fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * Reads the settings from the given variables, so tests need not touch the real environment.
     *
     * @param env environment variables by name
     * @param userHome the home folder, for the default cache
     * @return the settings
     */
    public static HubSettings fromEnvironment(Map<String, String> env, Path userHome) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(userHome, "userHome");
        Path cache;
        if (present(env, "HF_HUB_CACHE")) {
            cache = Path.of(env.get("HF_HUB_CACHE"));
        } else if (present(env, "HF_HOME")) {
            cache = Path.of(env.get("HF_HOME")).resolve("hub");
        } else if (present(env, "XDG_CACHE_HOME")) {
            cache = Path.of(env.get("XDG_CACHE_HOME")).resolve("huggingface").resolve("hub");
        } else {
            cache = userHome.resolve(".cache").resolve("huggingface").resolve("hub");
        }
        URI endpoint = present(env, "HF_ENDPOINT") ? URI.create(env.get("HF_ENDPOINT").trim()) : DEFAULT_ENDPOINT;
        boolean offline = present(env, "HF_HUB_OFFLINE")
                && switch (env.get("HF_HUB_OFFLINE").trim().toLowerCase(Locale.ROOT)) {
                    case "1", "true", "yes", "on" -> true;
                    default -> false;
                };
        String token = present(env, "HF_TOKEN") ? env.get("HF_TOKEN").trim() : null;
        return new HubSettings(endpoint, cache, offline, token);
    }

    private static boolean present(Map<String, String> env, String key) {
        String v = env.get(key);
        return v != null && !v.isBlank();
    }

    /**
     * Returns a copy with downloads disabled or enabled.
     *
     * @param newOffline whether downloads are disabled
     * @return the new settings
     */
    public HubSettings withOffline(boolean newOffline) {
        return new HubSettings(endpoint, cacheDir, newOffline, token);
    }

    /**
     * Returns a copy with another cache folder.
     *
     * @param newCacheDir the hub cache folder
     * @return the new settings
     */
    public HubSettings withCacheDir(Path newCacheDir) {
        return new HubSettings(endpoint, newCacheDir, offline, token);
    }

    /**
     * Returns whether a token is set.
     *
     * @return true if requests carry an Authorization header
     */
    public boolean hasToken() {
        return token != null;
    }

    /** Shows every setting except the token's value. */
    @Override
    public String toString() {
        return "HubSettings[endpoint=" + endpoint + ", cacheDir=" + cacheDir + ", offline=" + offline + ", token="
                + (token == null ? "none" : "set") + "]";
    }
}
