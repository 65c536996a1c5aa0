package io.github.prefine.core.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A branch that moves while a model is being resolved: the Hub answers {@code resolve/main/FILE}
 * at whatever commit {@code main} names at that moment. A snapshot folder is named by one commit,
 * so every file in it must come from that commit (as {@code huggingface_hub} fetches a snapshot at
 * the commit its first answer named), never a mix of the old config and the new weights.
 */
class ModelResolverMovingBranchTest {
    static {
        // the resolver's logger takes its level when first made: the same as ModelResolverTest's,
        // whose token test reads the DEBUG lines, whichever class the JVM runs first
        System.setProperty("org.slf4j.simpleLogger.log.io.github.prefine.core.hub", "debug");
    }

    private static final String ID = "acme/moving";
    private static final String OLD = "1111111111111111111111111111111111111111";
    private static final String NEW = "2222222222222222222222222222222222222222";
    private static final Map<String, Map<String, byte[]>> COMMITS = Map.of(
            OLD, Map.of("config.json", bytes("{\"model_type\": \"bert\", \"hidden_size\": 8}"),
                    "tokenizer.json", bytes("{\"version\": \"old\"}"), "model.safetensors", bytes("old weights")),
            NEW, Map.of("config.json", bytes("{\"model_type\": \"bert\", \"hidden_size\": 16}"),
                    "tokenizer.json", bytes("{\"version\": \"new\"}"), "model.safetensors", bytes("new weights!")));

    @TempDir
    Path tmp;

    private MovingHub hub;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @BeforeEach
    void start() throws IOException {
        hub = new MovingHub();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    /** A Hub whose {@code main} is {@code OLD} until config.json has been sent, {@code NEW} after. */
    private static final class MovingHub extends AbstractHubServer {
        private volatile String main = OLD;

        MovingHub() throws IOException {
            super("moving-hub");
        }

        @Override
        protected void handle(HttpExchange ex) throws IOException {
            try {
                answer(ex);
            } finally {
                ex.close();
            }
        }

        /** {@code /acme/moving/resolve/REV/FILE}: REV is main (moved to NEW once config.json is sent) or a commit. */
        private void answer(HttpExchange ex) throws IOException {
            String[] parts = ex.getRequestURI().getPath().split("/resolve/", 2)[1].split("/", 2);
            String commit = parts[0].equals("main") ? main : parts[0];
            byte[] body = COMMITS.getOrDefault(commit, Map.of()).get(parts[1]);
            if (body == null) {
                ex.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
                ex.sendResponseHeaders(404, -1);
                return;
            }
            ex.getResponseHeaders().set("X-Repo-Commit", commit);
            ex.getResponseHeaders().set("ETag", "\"" + gitBlobId(body) + "\"");
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(200, -1);
                return;
            }
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            if (parts[1].equals("config.json")) {
                main = NEW; // someone pushes right after the config was downloaded
            }
        }
    }

    @Test
    void everyFileOfTheSnapshotComesFromTheCommitThatNamesIt() throws IOException {
        ResolvedModel m = ModelResolver.builder().optSettings(new HubSettings(hub.endpoint(), tmp, false, null)).build()
                .resolve(ID);

        assertEquals(OLD, m.commit());
        for (String file : List.of("config.json", "tokenizer.json", "model.safetensors")) {
            assertArrayEquals(COMMITS.get(OLD).get(file), Files.readAllBytes(m.folder().resolve(file)),
                    file + " of snapshot " + OLD + "; requests: " + hub.seen());
        }
        assertEquals(OLD, Files.readString(tmp.resolve("models--acme--moving/refs/main")));
    }
}
