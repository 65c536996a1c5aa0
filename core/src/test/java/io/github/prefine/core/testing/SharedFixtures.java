package io.github.prefine.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the read-only {@code ../shared} folder (fixtures, models, data) beside the checkout.
 *
 * <p>Tests call {@link #require(String)}, which skips the test with a printed reason when the
 * folder is absent, so a checkout without {@code ../shared} still builds.
 */
public final class SharedFixtures {
    private SharedFixtures() {}

    /**
     * Returns the shared root: the {@code prefine.shared} system property, else {@code ../shared}.
     *
     * @return the path, which may not exist
     */
    public static Path root() {
        String prop = System.getProperty("prefine.shared");
        return Path.of(prop != null ? prop : "../shared").toAbsolutePath().normalize();
    }

    /**
     * Resolves a path under the shared root, skipping the calling test when it is absent.
     *
     * @param relative for example {@code fixtures/hf-reference/bert}
     * @return the existing path
     */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            String reason = "skipped: " + p + " is absent (the shared fixtures/data folder beside the checkout)";
            System.out.println(reason);
            assumeTrue(false, reason);
        }
        return p;
    }
}
