package io.github.prefine.examples.cli;

import io.github.prefine.core.checkpoint.PlainFolders;
import io.github.prefine.core.hub.HubException;
import io.github.prefine.core.hub.HubServiceException;
import io.github.prefine.core.hub.MiniLmArtifact;
import io.github.prefine.core.hub.ModelNotFoundException;
import io.github.prefine.core.hub.ModelResolver;
import io.github.prefine.core.hub.ResolvedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the {@code --encoder} value into a local Hugging Face folder: {@code minilm} is
 * all-MiniLM-L6-v2 imported from its Maven artifact (written once under the output folder);
 * anything else is a folder or a Hub id, resolved through the HF cache and the Hub.
 */
final class EncoderOption {
    private static final Logger LOG = LoggerFactory.getLogger(EncoderOption.class);

    /** The value that selects the MiniLM artifact. */
    static final String MINILM = "minilm";

    private EncoderOption() {}

    static Path resolve(String value, Path out) throws IOException {
        if (OptionValues.is(value, MINILM)) {
            Path dir = PlainFolders.create(out, out.resolve("base-encoder-minilm"));
            if (!Files.exists(dir.resolve("tokenizer.json"))) {
                MiniLmArtifact.fromClasspath().writeHfFolder(out, dir);
            }
            LOG.info("encoder: {} from its Maven artifact, as {}", MiniLmArtifact.MODEL_ID, dir);
            return dir;
        }
        ResolvedModel m = resolveFolderOrHub(value);
        LOG.info("encoder: {} ({}) at {}", value, m.origin(), m.folder());
        return m.folder();
    }

    /**
     * Resolves a folder or Hub id; a failed transfer (most often no network) says what else works.
     *
     * @param value a folder or an HF model id
     * @return the resolved model
     * @throws IOException if the model is not found or the Hub refuses; a {@link HubServiceException}
     *     (exit 3) if the Hub failed as a service, such as when it cannot be reached
     */
    static ResolvedModel resolveFolderOrHub(String value) throws IOException {
        try {
            return ModelResolver.builder().build().resolve(value);
        } catch (ModelNotFoundException | HubException e) {
            throw e;
        } catch (HubServiceException e) {
            // the Hub failed as a service: still exit 3 (a script may retry), with what else works
            throw new HubServiceException(notFetched(value, e), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(notFetched(value, e), e);
        }
    }

    private static String notFetched(String value, IOException e) {
        String why = String.valueOf(e.getMessage());
        // an unreachable endpoint's message (HubHttp's) already says to check the network: say it once
        String check = why.contains("check the network") ? "check HF_ENDPOINT and a proxy too"
                : "check the network (HF_ENDPOINT, a proxy)";
        return value + ": could not be fetched from the Hub (" + why + "); " + check
                + ", or pass a local HF folder or minilm (from Maven, no network needed)";
    }
}
