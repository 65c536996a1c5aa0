package io.github.prefine.examples.cli;

import io.github.prefine.core.hub.MiniLmArtifact;
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
        if (MINILM.equalsIgnoreCase(value)) {
            Path dir = out.resolve("base-encoder-minilm");
            if (!Files.exists(dir.resolve("tokenizer.json"))) {
                MiniLmArtifact.fromClasspath().writeHfFolder(dir);
            }
            LOG.info("encoder: {} from its Maven artifact, as {}", MiniLmArtifact.MODEL_ID, dir);
            return dir;
        }
        ResolvedModel m = ModelResolver.builder().build().resolve(value);
        LOG.info("encoder: {} ({}) at {}", value, m.origin(), m.folder());
        return m.folder();
    }
}
