package io.github.prefine.core.tokenize;

import io.github.prefine.core.testing.ServingChild;
import java.util.Arrays;

/**
 * One child JVM for every probe of {@link TokenizerFileRefusalTest} (one JVM and native library
 * start for the class instead of one per case): each request names the probe, {@code template}
 * ({@link TemplateTokenProbe}), {@code files} ({@link FilesRefusalProbe}) or {@code changed}
 * ({@link ChangedFileVariantProbe}), then that probe's arguments. A native panic aborts this JVM
 * and with it the later requests, which then fail naming the child's end.
 */
public final class TokenizerProbes {
    private TokenizerProbes() {}

    /**
     * Serves the requests of standard input until it ends.
     *
     * @param args none
     * @throws Exception if standard input cannot be read
     */
    public static void main(String[] args) throws Exception {
        ServingChild.serve(request -> {
            String[] probeArgs = Arrays.copyOfRange(request, 1, request.length);
            switch (request[0]) {
                case "template" -> TemplateTokenProbe.main(probeArgs);
                case "files" -> FilesRefusalProbe.main(probeArgs);
                case "changed" -> ChangedFileVariantProbe.main(probeArgs);
                default -> throw new IllegalArgumentException("no probe " + request[0]);
            }
        });
    }
}
