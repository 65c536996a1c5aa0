package io.github.prefine.core.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Where models come from: the Hub endpoint, the local cache folder, whether downloads are allowed,
 * and the access token.
 *
 * <p>{@link #fromEnvironment(Map, Path)} reads the variables the Python {@code huggingface_hub}
 * reads, so a model a Python user downloaded is found again:
 *
 * <ul>
 *   <li>cache: {@code HF_HUB_CACHE}, else the legacy {@code HUGGINGFACE_HUB_CACHE}, else
 *       {@code $HF_HOME/hub}, else {@code $XDG_CACHE_HOME/huggingface/hub}, else
 *       {@code ~/.cache/huggingface/hub}; as in {@code huggingface_hub}, a leading {@code ~} in these
 *       folders is the user's home and {@code $NAME} or {@code ${NAME}} the variable's value (an
 *       unknown variable, and {@code ~user}, stay as written);
 *   <li>endpoint: {@code HF_ENDPOINT}, default {@code https://huggingface.co}; one with
 *       credentials in it ({@code https://USER:PASSWORD@host}) is refused, since the endpoint is
 *       logged and named in messages;
 *   <li>offline: {@code HF_HUB_OFFLINE} set to {@code 1}, {@code true}, {@code yes} or {@code on}
 *       (any case), else, when it is unset, {@code TRANSFORMERS_OFFLINE} so set, as
 *       {@code huggingface_hub} falls back to it; messages name the variable that was read;
 *       the DJL property {@code ai.djl.offline} is deliberately not consulted, because prefine
 *       always runs with it set (it governs DJL's native-library downloads, not models);
 *   <li>token: as {@code huggingface_hub}'s {@code get_token()}: {@code HF_TOKEN}, else the legacy
 *       {@code HUGGING_FACE_HUB_TOKEN}, else the file {@code HF_TOKEN_PATH} names (default
 *       {@code $HF_HOME/token}, with {@code HF_HOME} read and expanded as for the cache: the file
 *       {@code hf auth login} or {@code huggingface-cli login} writes); line breaks anywhere and
 *       blanks around the value are dropped, and an empty value means none, so the next source is
 *       read. A token file that exists but cannot be read is reported with a warning naming the
 *       file (never its content) and no token is sent; a token holding a character other than
 *       printable ASCII (a byte order mark, a control character) is refused by {@link HubHttp} when
 *       a request would carry it, not before, so a local folder or the cache offline still resolves.
 *       With {@code HF_HUB_DISABLE_IMPLICIT_TOKEN} set to {@code 1}, {@code true}, {@code yes} or
 *       {@code on} (any case) none of these is read and no token is sent, as {@code huggingface_hub}
 *       then sends none unless its caller passes one: a token given to the constructor is sent;
 *   <li>retries: {@code PREFINE_HUB_RETRIES}, how many times {@link HubHttp} repeats a {@code GET} or
 *       {@code HEAD} that met HTTP 429, a 5xx or a dropped connection; default {@value #DEFAULT_RETRIES},
 *       0 for none (prefine's own variable: {@code huggingface_hub} reads none for this);
 *   <li>etag timeout: {@code HF_HUB_ETAG_TIMEOUT}, whole seconds, default {@value #DEFAULT_ETAG_TIMEOUT_SECONDS}:
 *       how long {@link ModelResolver} waits for the answer when it asks whether a cached branch or
 *       tag moved, as {@code huggingface_hub} bounds its metadata request; when that passes, the
 *       cached commit is served.
 * </ul>
 *
 * <p>The token is sent only as an {@code Authorization: Bearer} header to the endpoint's host, and
 * {@link #toString()} shows only whether one is set and where it came from. Immutable and thread-safe.
 *
 * @param endpoint the Hub base URL, without a trailing slash
 * @param cacheDir the hub cache folder that holds {@code models--ORG--NAME} folders
 * @param offline whether downloads are disabled
 * @param token the access token, or {@code null} for none
 * @param retries how many times a failed {@code GET} or {@code HEAD} is repeated, at least 0
 * @param etagTimeout how long the check whether a cached branch moved waits for its answer, positive
 * @param offlineVariable the variable that disabled downloads ({@code HF_HUB_OFFLINE} or
 *     {@code TRANSFORMERS_OFFLINE}), named in messages; {@code null} when downloads are enabled
 * @param tokenSource where the token came from, named in messages: {@value #TOKEN_VARIABLE},
 *     {@value #LEGACY_TOKEN_VARIABLE} or the token file's path; {@code null} without a token
 * @param tokenWithheldBy the variable that kept the environment's and the token file's token from
 *     being sent ({@value #DISABLE_IMPLICIT_TOKEN_VARIABLE}), named in the advice a refused request
 *     gives ({@link #noTokenAdvice()}); {@code null} when none did or a token is given
 */
public record HubSettings(URI endpoint, Path cacheDir, boolean offline, String token, int retries,
        Duration etagTimeout, String offlineVariable, String tokenSource, String tokenWithheldBy) {

    /** The public Hugging Face Hub. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
    /** Retries of a request that met 429, a 5xx or a dropped connection, as {@code huggingface_hub}'s backoff allows. */
    public static final int DEFAULT_RETRIES = 5;
    /** The variable that sets {@link #retries()}. */
    public static final String RETRIES_VARIABLE = "PREFINE_HUB_RETRIES";
    /** Seconds the check whether a cached branch moved waits, as {@code huggingface_hub}'s default. */
    public static final int DEFAULT_ETAG_TIMEOUT_SECONDS = 10;
    /** The variable that sets {@link #etagTimeout()}, in whole seconds. */
    public static final String ETAG_TIMEOUT_VARIABLE = "HF_HUB_ETAG_TIMEOUT";
    /** The variable that disables downloads. */
    public static final String OFFLINE_VARIABLE = "HF_HUB_OFFLINE";
    /** The older variable {@code huggingface_hub} reads when {@link #OFFLINE_VARIABLE} is unset. */
    public static final String LEGACY_OFFLINE_VARIABLE = "TRANSFORMERS_OFFLINE";
    /** The variable that holds the access token. */
    public static final String TOKEN_VARIABLE = "HF_TOKEN";
    /** The older token variable {@code huggingface_hub} reads when {@link #TOKEN_VARIABLE} is unset or empty. */
    public static final String LEGACY_TOKEN_VARIABLE = "HUGGING_FACE_HUB_TOKEN";
    /**
     * The variable that, set to {@code 1}, {@code true}, {@code yes} or {@code on} (any case), keeps the
     * token of the environment and of the token file from being sent, as in {@code huggingface_hub}.
     */
    public static final String DISABLE_IMPLICIT_TOKEN_VARIABLE = "HF_HUB_DISABLE_IMPLICIT_TOKEN";
    /** The variable that names the token file, default {@code $HF_HOME/token}. */
    public static final String TOKEN_PATH_VARIABLE = "HF_TOKEN_PATH";
    /** {@code $NAME} or {@code ${NAME}}, as Python's {@code os.path.expandvars} reads them. */
    private static final Pattern VARIABLE = Pattern.compile("\\$(\\w+|\\{([^}]*)\\})");

    /**
     * Validates the settings.
     *
     * @param endpoint the Hub base URL, without a trailing slash
     * @param cacheDir the hub cache folder that holds {@code models--ORG--NAME} folders
     * @param offline whether downloads are disabled
     * @param token the access token, or {@code null} for none
     * @param retries how many times a failed {@code GET} or {@code HEAD} is repeated, at least 0
     * @param etagTimeout how long the check whether a cached branch moved waits for its answer, positive
     * @param offlineVariable the variable that disabled downloads, named in messages; ignored
     *     (null) when online, {@code HF_HUB_OFFLINE} when offline and none is given
     * @param tokenSource where the token came from, named in messages; ignored (null) without a
     *     token, {@value #TOKEN_VARIABLE} when a token is given without one
     * @param tokenWithheldBy the variable that kept the implicit token from being sent, named in
     *     messages; ignored (null) with a token
     * @throws IllegalArgumentException if the endpoint is not an absolute http(s) URL, carries
     *     credentials or names a port outside 1 to 65535, the retries are negative, or the etag
     *     timeout is not positive
     */
    public HubSettings {
        offlineVariable = !offline ? null : offlineVariable != null ? offlineVariable : OFFLINE_VARIABLE;
        Objects.requireNonNull(endpoint, "endpoint");
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be at least 0, found " + retries);
        }
        Objects.requireNonNull(etagTimeout, "etagTimeout");
        if (etagTimeout.isNegative() || etagTimeout.isZero()) {
            throw new IllegalArgumentException("etagTimeout must be positive, found " + etagTimeout);
        }
        Objects.requireNonNull(cacheDir, "cacheDir");
        String scheme = endpoint.getScheme();
        String s = endpoint.toString();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
            // USER:PASSWORD@ is refused below without repeating it: not repeated here either
            throw new IllegalArgumentException("endpoint must be an absolute http(s) URL, found " + (s.indexOf('@') < 0
                    ? s : "one with '@' in it, not shown since it may hold a password"));
        }
        if (endpoint.getRawUserInfo() != null) {
            // the endpoint is logged and named in messages, and the HTTP client would not send these anyway
            throw new IllegalArgumentException("endpoint must not carry credentials (USER:PASSWORD@); use HF_TOKEN,"
                    + " found an endpoint with them for host " + endpoint.getHost());
        }
        if (endpoint.getPort() == 0 || endpoint.getPort() > HubHttp.MAX_PORT) {
            // URI reads any number of digits; the HTTP client then refused every request with an IllegalArgumentException
            throw new IllegalArgumentException("endpoint must name a port from 1 to " + HubHttp.MAX_PORT + ", found "
                    + endpoint.getPort());
        }
        if (s.endsWith("/")) {
            endpoint = URI.create(s.substring(0, s.length() - 1));
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
        tokenSource = token == null ? null : tokenSource != null ? tokenSource : TOKEN_VARIABLE;
        tokenWithheldBy = token == null ? tokenWithheldBy : null;
    }

    /**
     * Makes settings with no variable named as having kept a token back.
     *
     * @param endpoint the Hub base URL, without a trailing slash
     * @param cacheDir the hub cache folder that holds {@code models--ORG--NAME} folders
     * @param offline whether downloads are disabled
     * @param token the access token, or {@code null} for none
     * @param retries how many times a failed {@code GET} or {@code HEAD} is repeated, at least 0
     * @param etagTimeout how long the check whether a cached branch moved waits for its answer, positive
     * @param offlineVariable the variable that disabled downloads, named in messages
     * @param tokenSource where the token came from, named in messages
     */
    public HubSettings(URI endpoint, Path cacheDir, boolean offline, String token, int retries,
            Duration etagTimeout, String offlineVariable, String tokenSource) {
        this(endpoint, cacheDir, offline, token, retries, etagTimeout, offlineVariable, tokenSource, null);
    }

    /**
     * Says why the token cannot be sent, where it holds a character other than printable ASCII (a
     * byte order mark, a stray control character): the JDK refuses such a header value with an
     * exception whose message holds the whole value. Asked when a request would carry the token, as
     * {@code huggingface_hub} fails there too, so that what needs no request (a local folder, the
     * cache offline) is not refused for a token it never sends.
     *
     * @return the refusal, naming the token's source, the character and its place but not the
     *     token; empty without a token or for one that can be sent
     */
    Optional<String> tokenRefusal() {
        if (token == null) {
            return Optional.empty();
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if ((c < 0x20 && c != '\t') || c > 0x7E) {
                return Optional.of("the token from " + tokenSource + " must be printable ASCII, as a Hub token is,"
                        + " found U+" + String.format(Locale.ROOT, "%04X", (int) c) + " at character " + (i + 1)
                        + " of " + token.length() + " (a byte order mark or a stray control character?); the token"
                        + " itself is not shown");
            }
        }
        return Optional.empty();
    }

    /**
     * Makes settings whose messages name {@value #TOKEN_VARIABLE} as the token's source.
     *
     * @param endpoint the Hub base URL, without a trailing slash
     * @param cacheDir the hub cache folder that holds {@code models--ORG--NAME} folders
     * @param offline whether downloads are disabled
     * @param token the access token, or {@code null} for none
     * @param retries how many times a failed {@code GET} or {@code HEAD} is repeated, at least 0
     * @param etagTimeout how long the check whether a cached branch moved waits for its answer, positive
     * @param offlineVariable the variable that disabled downloads, named in messages
     */
    public HubSettings(URI endpoint, Path cacheDir, boolean offline, String token, int retries,
            Duration etagTimeout, String offlineVariable) {
        this(endpoint, cacheDir, offline, token, retries, etagTimeout, offlineVariable, null);
    }

    /**
     * Makes settings whose offline messages, when offline, name {@link #OFFLINE_VARIABLE}.
     *
     * @param endpoint the Hub base URL, without a trailing slash
     * @param cacheDir the hub cache folder that holds {@code models--ORG--NAME} folders
     * @param offline whether downloads are disabled
     * @param token the access token, or {@code null} for none
     * @param retries how many times a failed {@code GET} or {@code HEAD} is repeated, at least 0
     * @param etagTimeout how long the check whether a cached branch moved waits for its answer, positive
     */
    public HubSettings(URI endpoint, Path cacheDir, boolean offline, String token, int retries,
            Duration etagTimeout) {
        this(endpoint, cacheDir, offline, token, retries, etagTimeout, null);
    }

    /**
     * Makes settings with the default etag timeout of {@value #DEFAULT_ETAG_TIMEOUT_SECONDS} seconds.
     *
     * @param endpoint the Hub base URL, without a trailing slash
     * @param cacheDir the hub cache folder that holds {@code models--ORG--NAME} folders
     * @param offline whether downloads are disabled
     * @param token the access token, or {@code null} for none
     * @param retries how many times a failed {@code GET} or {@code HEAD} is repeated, at least 0
     */
    public HubSettings(URI endpoint, Path cacheDir, boolean offline, String token, int retries) {
        this(endpoint, cacheDir, offline, token, retries, Duration.ofSeconds(DEFAULT_ETAG_TIMEOUT_SECONDS));
    }

    /**
     * Makes settings with {@value #DEFAULT_RETRIES} retries.
     *
     * @param endpoint the Hub base URL, without a trailing slash
     * @param cacheDir the hub cache folder that holds {@code models--ORG--NAME} folders
     * @param offline whether downloads are disabled
     * @param token the access token, or {@code null} for none
     */
    public HubSettings(URI endpoint, Path cacheDir, boolean offline, String token) {
        this(endpoint, cacheDir, offline, token, DEFAULT_RETRIES);
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
     * @throws IllegalArgumentException if {@code HF_ENDPOINT} is no absolute http(s) URL without
     *     credentials and with a port from 1 to 65535, if any (the message never repeats a password),
     *     {@code PREFINE_HUB_RETRIES} is not a whole
     *     number of at least 0, or {@code HF_HUB_ETAG_TIMEOUT} not a whole number of seconds of at least 1 (a token
     *     holding a character other than printable ASCII is refused when a request would carry it)
     */
    public static HubSettings fromEnvironment(Map<String, String> env, Path userHome) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(userHome, "userHome");
        Path hfHome = present(env, "HF_HOME") ? folder(env, "HF_HOME", userHome)
                : present(env, "XDG_CACHE_HOME") ? folder(env, "XDG_CACHE_HOME", userHome).resolve("huggingface")
                : userHome.resolve(".cache").resolve("huggingface");
        Path cache;
        if (present(env, "HF_HUB_CACHE")) {
            cache = folder(env, "HF_HUB_CACHE", userHome);
        } else if (present(env, "HUGGINGFACE_HUB_CACHE")) {
            cache = folder(env, "HUGGINGFACE_HUB_CACHE", userHome);
        } else {
            cache = hfHome.resolve("hub");
        }
        URI endpoint = present(env, "HF_ENDPOINT") ? endpoint(env.get("HF_ENDPOINT").trim()) : DEFAULT_ENDPOINT;
        // as huggingface_hub: os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE")
        String offlineVariable = present(env, OFFLINE_VARIABLE) ? OFFLINE_VARIABLE
                : present(env, LEGACY_OFFLINE_VARIABLE) ? LEGACY_OFFLINE_VARIABLE : null;
        boolean offline = offlineVariable != null && truthy(env.get(offlineVariable));
        // as huggingface_hub: os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN"), cleaned,
        // and when that leaves nothing, the token file
        String tokenVariable = !env.getOrDefault(TOKEN_VARIABLE, "").isEmpty() ? TOKEN_VARIABLE : LEGACY_TOKEN_VARIABLE;
        // as huggingface_hub's get_token_to_send: the token found so is not sent at all when implicit use is off
        boolean implicitToken = !truthy(env.get(DISABLE_IMPLICIT_TOKEN_VARIABLE));
        String token = implicitToken ? cleanToken(env.get(tokenVariable)) : null;
        String tokenSource = tokenVariable;
        if (token == null && implicitToken) {
            Path tokenFile = present(env, TOKEN_PATH_VARIABLE) ? folder(env, TOKEN_PATH_VARIABLE, userHome)
                    : hfHome.resolve("token");
            token = tokenFile(tokenFile);
            tokenSource = tokenFile.toString();
        }
        int retries = wholeNumber(env, RETRIES_VARIABLE, DEFAULT_RETRIES, 0, "a whole number of at least 0 (0: no"
                + " retries)");
        int etagSeconds = wholeNumber(env, ETAG_TIMEOUT_VARIABLE, DEFAULT_ETAG_TIMEOUT_SECONDS, 1,
                "a whole number of seconds of at least 1");
        return new HubSettings(endpoint, cache, offline, token, retries, Duration.ofSeconds(etagSeconds),
                offlineVariable, tokenSource, implicitToken ? null : DISABLE_IMPLICIT_TOKEN_VARIABLE);
    }

    /**
     * The {@code HF_ENDPOINT} value as a URI. The parser's own message repeats the whole value, so a
     * value with credentials in it ({@code USER:PASSWORD@}, which the constructor refuses without
     * repeating them) is not shown.
     */
    private static URI endpoint(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            // the reason only: the parser's index points at the start of the component, not the character
            String where = e.getReason();
            throw new IllegalArgumentException("HF_ENDPOINT must be an absolute http(s) URL such as " + DEFAULT_ENDPOINT
                    + ", found " + (text.indexOf('@') < 0 ? "'" + text + "', which is no URL (" + where + ")"
                            : "one that is no URL (" + where + "); the value is not shown, since it may hold a password"));
        }
    }

    /** Whether a flag variable is on, as {@code huggingface_hub}'s {@code _is_true}: 1, true, yes or on, any case. */
    private static boolean truthy(String value) {
        return value != null && switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            default -> false;
        };
    }

    /** A token as {@code huggingface_hub} cleans one: line breaks anywhere and blanks around it dropped; empty is none. */
    private static String cleanToken(String raw) {
        if (raw == null) {
            return null;
        }
        String t = raw.replace("\r", "").replace("\n", "").strip();
        return t.isEmpty() ? null : t;
    }

    /** The token in the file, null when it is absent or empty; one that cannot be read gets a warning, never its content. */
    private static String tokenFile(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return cleanToken(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | UncheckedIOException e) {
            LoggerFactory.getLogger(HubSettings.class).warn("token file {} ({} or its default $HF_HOME/token) exists but"
                    + " cannot be read ({}); requests go without a token", file, TOKEN_PATH_VARIABLE,
                    e.getClass().getSimpleName());
            return null;
        }
    }

    /** The whole number a variable holds, {@code fallback} when unset; below {@code least} is refused. */
    private static int wholeNumber(Map<String, String> env, String key, int fallback, int least, String expected) {
        if (!present(env, key)) {
            return fallback;
        }
        String text = env.get(key).trim();
        int n;
        try {
            n = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            n = least - 1;
        }
        if (n < least) {
            throw new IllegalArgumentException(key + " must be " + expected + ", found '" + text + "'");
        }
        return n;
    }

    /**
     * A cache folder variable's path, expanded as {@code huggingface_hub} expands it
     * ({@code os.path.expandvars(os.path.expanduser(...))}): taken literally, {@code HF_HOME=~/hf}
     * (quoted in a shell, or from a container's or a service's environment) made a folder named
     * {@code ~} in the working folder, beside the cache Python uses.
     */
    private static Path folder(Map<String, String> env, String key, Path userHome) {
        String text = env.get(key);
        if (text.equals("~") || text.startsWith("~/")) {
            String home = userHome.toString();
            text = (home.endsWith("/") ? home.substring(0, home.length() - 1) : home) + text.substring(1);
        }
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(2) != null ? m.group(2) : m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return Path.of(out.toString());
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
        return new HubSettings(endpoint, cacheDir, newOffline, token, retries, etagTimeout, offlineVariable,
                tokenSource, tokenWithheldBy);
    }

    /**
     * Returns a copy with another cache folder.
     *
     * @param newCacheDir the hub cache folder
     * @return the new settings
     */
    public HubSettings withCacheDir(Path newCacheDir) {
        return new HubSettings(endpoint, newCacheDir, offline, token, retries, etagTimeout, offlineVariable,
                tokenSource, tokenWithheldBy);
    }

    /**
     * Returns a copy with another retry budget.
     *
     * @param newRetries how many times a failed {@code GET} or {@code HEAD} is repeated, at least 0
     * @return the new settings
     */
    public HubSettings withRetries(int newRetries) {
        return new HubSettings(endpoint, cacheDir, offline, token, newRetries, etagTimeout, offlineVariable,
                tokenSource, tokenWithheldBy);
    }

    /**
     * Returns a copy with another etag timeout.
     *
     * @param newEtagTimeout how long the check whether a cached branch moved waits for its answer, positive
     * @return the new settings
     */
    public HubSettings withEtagTimeout(Duration newEtagTimeout) {
        return new HubSettings(endpoint, cacheDir, offline, token, retries, newEtagTimeout, offlineVariable,
                tokenSource, tokenWithheldBy);
    }

    /**
     * Returns whether a token is set.
     *
     * @return true if requests carry an Authorization header
     */
    public boolean hasToken() {
        return token != null;
    }

    /**
     * Returns what a request the Hub refused for want of a token should tell its user: to set
     * {@value #TOKEN_VARIABLE}, or, where {@link #tokenWithheldBy()} kept the token back, that no
     * token was sent and why, since a token in {@value #TOKEN_VARIABLE} would be kept back too.
     *
     * @return the advice, a clause without a final period
     */
    public String noTokenAdvice() {
        return tokenWithheldBy == null ? "set " + TOKEN_VARIABLE + " to a token with access"
                : "no token was sent: " + tokenWithheldBy + " is set, which keeps " + TOKEN_VARIABLE
                        + " and the token file from being sent; unset it, or give the token to HubSettings";
    }

    /** Shows every setting except the token's value. */
    @Override
    public String toString() {
        return "HubSettings[endpoint=" + endpoint + ", cacheDir=" + cacheDir + ", offline=" + offline + ", token="
                + (token == null ? tokenWithheldBy == null ? "none" : "none (withheld by " + tokenWithheldBy + ")"
                : "set from " + tokenSource) + ", retries=" + retries
                + ", etagTimeout=" + etagTimeout + "]";
    }
}
