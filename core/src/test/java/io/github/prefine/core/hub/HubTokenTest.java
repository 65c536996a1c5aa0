package io.github.prefine.core.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the token comes from, as {@code huggingface_hub}'s {@code get_token()} looks for it:
 * {@code HF_TOKEN}, else {@code HUGGING_FACE_HUB_TOKEN}, else the file {@code HF_TOKEN_PATH}
 * names (default {@code $HF_HOME/token}). Each case resolves a model from a real local Hub that
 * answers 401 unless the {@code Authorization} header carries the one token it expects.
 */
class HubTokenTest {
    private static final String ID = "acme/private";
    private static final String FILE_TOKEN = "hf_FromTheTokenFile0123456789";
    private static final String ENV_TOKEN = "hf_FromTheEnvironment98765";

    @TempDir
    Path tmp;

    private LocalHubServer hub;
    private Path home;

    @BeforeEach
    void start() throws IOException {
        hub = new LocalHubServer();
        hub.put(ID, "config.json", "{\"model_type\": \"bert\"}".getBytes(StandardCharsets.UTF_8), false)
                .put(ID, "model.safetensors", new byte[] {1, 2, 3, 4}, true);
        home = tmp.resolve("home");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    /** The environment of a process that points at the local Hub and keeps its cache in the test's folder. */
    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("HF_ENDPOINT", hub.endpoint().toString());
        env.put("HF_HUB_CACHE", tmp.resolve("cache-" + System.nanoTime()).toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** Resolves the model with the settings the environment gives, and returns them. */
    private HubSettings resolveWith(Map<String, String> env) throws IOException {
        HubSettings s = HubSettings.fromEnvironment(env, home);
        ModelResolver.builder().optSettings(s).sleeper(w -> { }).build().resolve(ID);
        return s;
    }

    /** The Authorization headers the hub saw, all equal to the one expected. */
    private void assertEverySeenCarries(String token) {
        assertFalse(hub.seen().isEmpty());
        for (AbstractHubServer.Seen s : hub.seen()) {
            assertEquals("Bearer " + token, s.authorization(), s.toString());
        }
        hub.clearSeen();
    }

    @Test
    void theTokenFileUnderTheDefaultHfHomeIsSentWithItsLineBreakAndBlanksDropped() throws IOException {
        // as `hf auth login` leaves it, and as an editor saves it (a final newline, blanks around it)
        write(home.resolve(".cache/huggingface/token"), "  " + FILE_TOKEN + "\r\n");
        hub.requireToken(FILE_TOKEN);
        HubSettings s = resolveWith(env());
        assertEverySeenCarries(FILE_TOKEN);
        assertEquals(home.resolve(".cache/huggingface/token").toString(), s.tokenSource());
        assertFalse(s.toString().contains(FILE_TOKEN), s.toString());
    }

    @Test
    void hfHomeXdgCacheHomeAndHfTokenPathMoveTheFileAsInHuggingFaceHub() throws IOException {
        hub.requireToken(FILE_TOKEN);
        // the default home's file holds a wrong token: only the moved file may be read
        write(home.resolve(".cache/huggingface/token"), "hf_TheDefaultFileMustNotBeRead");
        Path hfHome = tmp.resolve("hf-home");
        write(hfHome.resolve("token"), FILE_TOKEN);
        resolveWith(env("HF_HOME", hfHome.toString()));
        assertEverySeenCarries(FILE_TOKEN);

        Path xdg = tmp.resolve("xdg");
        write(xdg.resolve("huggingface/token"), FILE_TOKEN);
        resolveWith(env("XDG_CACHE_HOME", xdg.toString()));
        assertEverySeenCarries(FILE_TOKEN);

        // HF_TOKEN_PATH wins over HF_HOME's file, and a leading ~ is the home folder
        write(hfHome.resolve("token"), "hf_HfHomeFileMustNotBeRead");
        write(home.resolve("secrets/hf"), FILE_TOKEN + "\n");
        HubSettings s = resolveWith(env("HF_HOME", hfHome.toString(), "HF_TOKEN_PATH", "~/secrets/hf"));
        assertEverySeenCarries(FILE_TOKEN);
        assertEquals(home.resolve("secrets/hf").toString(), s.tokenSource());
    }

    @Test
    void theEnvironmentWinsOverTheFileAndAnEmptyValueFallsThrough() throws IOException {
        write(home.resolve(".cache/huggingface/token"), FILE_TOKEN);
        hub.requireToken(ENV_TOKEN);
        HubSettings s = resolveWith(env("HF_TOKEN", ENV_TOKEN));
        assertEverySeenCarries(ENV_TOKEN);
        assertEquals("HF_TOKEN", s.tokenSource());

        // the legacy variable, read when HF_TOKEN is unset or empty, as huggingface_hub's `or`
        s = resolveWith(env("HF_TOKEN", "", "HUGGING_FACE_HUB_TOKEN", ENV_TOKEN + "\n"));
        assertEverySeenCarries(ENV_TOKEN);
        assertEquals("HUGGING_FACE_HUB_TOKEN", s.tokenSource());

        // an empty or blank value is no token: the file is read next
        hub.requireToken(FILE_TOKEN);
        resolveWith(env("HF_TOKEN", " \n"));
        assertEverySeenCarries(FILE_TOKEN);
    }

    @Test
    void hfHubDisableImplicitTokenKeepsTheEnvironmentsAndTheFilesTokenBackButNotAGivenOne() throws IOException {
        // huggingface_hub's get_token_to_send: with the variable truthy ("1", "ON", "YES", "TRUE", any case), the
        // token get_token() finds (HF_TOKEN, HUGGING_FACE_HUB_TOKEN or the file) is not sent unless asked for
        write(home.resolve(".cache/huggingface/token"), FILE_TOKEN);
        for (String truthy : List.of("1", "ON", "yes", "True")) {
            for (Map<String, String> env : List.of(env("HF_TOKEN", ENV_TOKEN, "HF_HUB_DISABLE_IMPLICIT_TOKEN", truthy),
                    env("HUGGING_FACE_HUB_TOKEN", ENV_TOKEN, "HF_HUB_DISABLE_IMPLICIT_TOKEN", truthy),
                    env("HF_HUB_DISABLE_IMPLICIT_TOKEN", truthy))) {
                HubSettings s = resolveWith(env);
                assertFalse(s.hasToken(), env.toString());
                assertNull(s.tokenSource());
                assertFalse(hub.seen().isEmpty());
                assertTrue(hub.seen().stream().allMatch(x -> x.authorization() == null), truthy + ": " + hub.seen());
                hub.clearSeen();
            }
        }
        // any other value leaves the implicit token on, as huggingface_hub's _is_true
        hub.requireToken(ENV_TOKEN);
        for (String other : List.of("0", "false", "no", "off", "2")) {
            resolveWith(env("HF_TOKEN", ENV_TOKEN, "HF_HUB_DISABLE_IMPLICIT_TOKEN", other));
            assertEverySeenCarries(ENV_TOKEN);
        }
        // a token the program gives is explicit, as huggingface_hub's token="hf_...": it is still sent
        HubSettings given = new HubSettings(hub.endpoint(), tmp.resolve("cache-given"), false, ENV_TOKEN);
        ModelResolver.builder().optSettings(given).sleeper(w -> { }).build().resolve(ID);
        assertEverySeenCarries(ENV_TOKEN);
    }

    /**
     * A 401 after {@code HF_HUB_DISABLE_IMPLICIT_TOKEN} kept the token back says so: advice to set
     * {@code HF_TOKEN} would not help, as that token would be kept back too.
     */
    @Test
    void aRefusalAfterTheImplicitTokenWasWithheldNamesTheVariable() throws IOException {
        hub.requireToken(ENV_TOKEN);
        HubSettings s = HubSettings.fromEnvironment(env("HF_TOKEN", ENV_TOKEN, "HF_HUB_DISABLE_IMPLICIT_TOKEN", "1"),
                home);
        assertEquals("HF_HUB_DISABLE_IMPLICIT_TOKEN", s.tokenWithheldBy());
        HubException e = assertThrows(HubException.class,
                () -> ModelResolver.builder().optSettings(s).sleeper(w -> { }).build().resolve(ID));
        assertEquals(401, e.statusCode());
        assertTrue(e.getMessage().endsWith("no token was sent: HF_HUB_DISABLE_IMPLICIT_TOKEN is set, which keeps"
                + " HF_TOKEN and the token file from being sent; unset it, or give the token to HubSettings"),
                e.getMessage());
        assertFalse(e.getMessage().contains(ENV_TOKEN), e.getMessage());
        // a repository the Hub hides from a request without a token: the same advice
        hub.requireToken(null);
        e = assertThrows(HubException.class,
                () -> ModelResolver.builder().optSettings(s).sleeper(w -> { }).build().resolve("acme/no-such-model"));
        assertEquals(404, e.statusCode());
        assertTrue(e.getMessage().endsWith("which the Hub hides from a request without a token: check the model id;"
                + " no token was sent: HF_HUB_DISABLE_IMPLICIT_TOKEN is set, which keeps HF_TOKEN and the token file"
                + " from being sent; unset it, or give the token to HubSettings"), e.getMessage());
        // copies keep it; a token given in code is sent, so nothing was withheld from that request
        assertEquals("HF_HUB_DISABLE_IMPLICIT_TOKEN", s.withRetries(0).withOffline(false).tokenWithheldBy());
        assertNull(HubSettings.fromEnvironment(env("HF_TOKEN", ENV_TOKEN), home).tokenWithheldBy());
        assertNull(new HubSettings(hub.endpoint(), tmp, false, ENV_TOKEN, 0, Duration.ofSeconds(1), null, null,
                "HF_HUB_DISABLE_IMPLICIT_TOKEN").tokenWithheldBy());
    }

    @Test
    void anEmptyOrMissingFileMeansNoTokenAndTheRefusalSaysSo() throws IOException {
        hub.requireToken(FILE_TOKEN);
        write(home.resolve(".cache/huggingface/token"), " \n");
        HubSettings empty = HubSettings.fromEnvironment(env(), home);
        assertFalse(empty.hasToken());
        assertNull(empty.tokenSource());
        HubException e = assertThrows(HubException.class, () -> resolveWith(env()));
        assertEquals(401, e.statusCode());
        assertTrue(hub.seen().stream().allMatch(x -> x.authorization() == null), hub.seen().toString());
        hub.clearSeen();

        // a wrong token from the file: the message names the file, never the token
        Path file = write(home.resolve(".cache/huggingface/token"), "hf_WrongTokenInTheFile");
        e = assertThrows(HubException.class, () -> resolveWith(env()));
        assertTrue(e.getMessage().contains("the token in " + file + " was refused"), e.getMessage());
        assertFalse(e.getMessage().contains("hf_WrongTokenInTheFile"), e.getMessage());
    }

    @Test
    void anUnreadableTokenFileIsReportedByNameWithoutItsContentAndNoTokenIsSent() throws IOException {
        // a folder where the file should be cannot be read as one, whoever runs the test (root reads any file)
        Path folder = home.resolve(".cache/huggingface/token");
        Files.createDirectories(folder);
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        HubSettings s;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            s = HubSettings.fromEnvironment(env(), home);
        } finally {
            System.setErr(realErr);
        }
        assertFalse(s.hasToken());
        List<String> warnings = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("token file " + folder + " (HF_TOKEN_PATH or its default $HF_HOME/token) exists"
                        + " but cannot be read")).toList();
        assertEquals(1, warnings.size(), captured.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTokenWithABomOrAControlCharacterIsRefusedByNameWithoutShowingIt() throws IOException {
        // Notepad's UTF-8 saves a byte order mark, which strip() keeps; the JDK's request builder then
        // failed with an unchecked "invalid header value" that printed the whole Authorization value
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolveWith(env("HF_TOKEN", "\uFEFF" + ENV_TOKEN)));
        assertEquals("the token from HF_TOKEN must be printable ASCII, as a Hub token is, found U+FEFF at character 1"
                + " of " + (ENV_TOKEN.length() + 1) + " (a byte order mark or a stray control character?); the token"
                + " itself is not shown", e.getMessage());
        Path file = write(home.resolve(".cache/huggingface/token"), FILE_TOKEN.substring(0, 5) + "\u0000"
                + FILE_TOKEN.substring(5));
        e = assertThrows(IllegalArgumentException.class, () -> resolveWith(env()));
        assertTrue(e.getMessage().startsWith("the token from " + file + " must be printable ASCII, as a Hub token is,"
                + " found U+0000 at character 6 of "), e.getMessage());
        assertFalse(e.getMessage().contains(FILE_TOKEN.substring(5)), e.getMessage());
        assertTrue(hub.seen().isEmpty(), "nothing was sent: " + hub.seen());
    }

    @Test
    void aTokenThatCannotBeSentKeepsNoLocalFolderOrOfflineCacheFromResolving() throws IOException {
        // as huggingface_hub, whose request fails where it would carry such a token: what needs no
        // request (a local folder, the cache offline) resolves as without a token
        write(home.resolve(".cache/huggingface/token"), "\uFEFF" + FILE_TOKEN + "\r\n");
        Path folder = write(tmp.resolve("local/config.json"), "{\"model_type\": \"bert\"}").getParent();
        Files.write(folder.resolve("model.safetensors"), new byte[] {1, 2, 3, 4});
        Map<String, String> env = env();
        HubSettings s = HubSettings.fromEnvironment(env, home);
        assertEquals(folder, ModelResolver.builder().optSettings(s).build().resolve(folder.toString()).folder());
        // the cache filled with a token that can be sent, then read offline with the bad one
        Path cached = resolveWith(env("HF_TOKEN", FILE_TOKEN, "HF_HUB_CACHE", env.get("HF_HUB_CACHE")))
                .cacheDir();
        int requests = hub.seen().size();
        env.put("HF_HUB_OFFLINE", "1");
        HubSettings offline = HubSettings.fromEnvironment(env, home);
        assertEquals(cached, offline.cacheDir());
        assertTrue(Files.isRegularFile(ModelResolver.builder().optSettings(offline).build().resolve(ID).folder()
                .resolve("config.json")));
        assertEquals(requests, hub.seen().size(), "offline sends nothing");
    }
}
