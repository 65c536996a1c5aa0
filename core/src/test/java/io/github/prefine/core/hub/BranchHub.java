package io.github.prefine.core.hub;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A fake Hub ({@link AbstractHubServer}) whose {@code resolve/REV/FILE} answers from fixed
 * commits: REV is a commit, or {@code main}, which names whichever commit {@link #main} holds now.
 * Answers carry {@code X-Repo-Commit}, the git blob hash as {@code ETag} and the size; a missing
 * file is 404 {@code EntryNotFound}. For the tests of a branch that moves, during a resolve or
 * between two.
 */
final class BranchHub extends AbstractHubServer {
    /** The commit {@code main} names first. */
    static final String OLD = "1111111111111111111111111111111111111111";
    /** The commit {@code main} moves to. */
    static final String NEW = "2222222222222222222222222222222222222222";
    /** Each commit's files: a config, a tokenizer and weights, different in each commit. */
    static final Map<String, Map<String, byte[]>> COMMITS = Map.of(
            OLD, Map.of("config.json", bytes("{\"model_type\": \"bert\", \"hidden_size\": 8}"),
                    "tokenizer.json", bytes("{\"version\": \"old\"}"), "model.safetensors", bytes("old weights")),
            NEW, Map.of("config.json", bytes("{\"model_type\": \"bert\", \"hidden_size\": 16}"),
                    "tokenizer.json", bytes("{\"version\": \"new\"}"), "model.safetensors", bytes("new weights!")));

    private final Map<String, Map<String, byte[]>> commits = COMMITS;
    /** The commit {@code main} names. */
    volatile String main;
    /** The commit {@code main} moves to once {@code config.json} has been sent, as after a push; or null. */
    volatile String moveAfterConfig;
    /** A status that answers every request (with {@code Retry-After: 0}), or 0 to answer normally. */
    volatile int failWith;
    /** The {@code X-Error-Code} sent with {@link #failWith}; null for the Hub's usual one of that status. */
    volatile String failCode;

    /** Starts the Hub with {@code main} at {@link #OLD}. */
    BranchHub() throws IOException {
        super("branch-hub");
        this.main = OLD;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void handle(HttpExchange ex) throws IOException {
        try {
            answer(ex);
        } finally {
            ex.close();
        }
    }

    private void answer(HttpExchange ex) throws IOException {
        if (failWith != 0) {
            ex.getResponseHeaders().set("X-Error-Code", failCode != null ? failCode
                    : failWith == 404 ? "RepoNotFound" : "ServiceUnavailable");
            ex.getResponseHeaders().set("Retry-After", "0"); // the client's retries cost no time
            ex.sendResponseHeaders(failWith, -1);
            return;
        }
        String[] parts = ex.getRequestURI().getPath().split("/resolve/", 2)[1].split("/", 2);
        String commit = parts[0].equals("main") ? main : parts[0];
        byte[] body = commits.getOrDefault(commit, Map.of()).get(parts[1]);
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
        if (parts[1].equals("config.json") && moveAfterConfig != null) {
            main = moveAfterConfig;
        }
    }
}
