package io.github.prefine.examples.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A one-epoch, one-seed {@code prefine demo} of the default suite (seed 7), run once per test JVM
 * by {@link DemoFolderTest#demo(int, Path, String...)} and shared by the tests that start from such
 * a folder: a test extended with this class takes a {@link Finished} parameter and works in its own
 * {@link Finished#copyTo copy}, so the shared folder stays as the demo left it. The run takes tens
 * of seconds; it is deleted when the test run ends.
 */
final class DemoFixture implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DemoFixture.class);

    /**
     * The shared run.
     *
     * @param folder the folder it wrote, which tests must not change
     * @param run its exit code and what it printed
     */
    record Finished(Path folder, DemoFolderTest.Run run) implements AutoCloseable {
        /**
         * Copies the run's folder, file by file, to {@code out}, which must not exist yet.
         *
         * @return {@code out}
         */
        Path copyTo(Path out) throws IOException {
            try (Stream<Path> s = Files.walk(folder)) {
                for (Path p : s.toList()) {
                    Files.copy(p, out.resolve(folder.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            return out;
        }

        /** Deletes the folder when JUnit closes the root store, at the end of the test run. */
        @Override
        public void close() throws IOException {
            List<Path> all;
            try (Stream<Path> s = Files.walk(folder.getParent())) {
                all = s.sorted(Comparator.reverseOrder()).toList();
            }
            for (Path p : all) {
                Files.delete(p);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Finished.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Finished.class, k -> run(), Finished.class);
    }

    private static Finished run() {
        try {
            Path out = Files.createTempDirectory("prefine-demo-fixture").resolve("out");
            return new Finished(out, DemoFolderTest.demo(1, out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the shared demo ran", e);
        }
    }
}
