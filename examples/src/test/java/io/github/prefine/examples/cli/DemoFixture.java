package io.github.prefine.examples.cli;

import io.github.prefine.examples.ShortLivedJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A one-epoch, one-seed {@code prefine demo} of the default suite (seed 7) at {@link #SMALL} sizes,
 * run once per test JVM by {@link #demo} and shared by the tests that start from such a folder: a
 * test extended with this class takes a {@link Finished} parameter and works in its own {@link
 * Finished#copyTo copy}, so the shared folder stays as the demo left it. An {@link Exported}
 * parameter is a copy of that folder restarted with {@code --export-models best} by two processes,
 * once per test JVM too (DemoExportTest checks that run, DocOutputPathsTest the paths it leaves).
 * Both are deleted when the test run ends.
 */
final class DemoFixture implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DemoFixture.class);

    /**
     * The split sizes of the tests' demos (pretrainTrain, targetTrain, validation, test; the
     * README's demo has 600, 48, 96, 160): every unit, file, worker and export of the demo, each
     * task trained on a few batches. What these tests check does not depend on how much is learnt.
     */
    static final String SMALL = "-D" + DemoCommand.SIZES_PROPERTY + "=64,16,16,16";

    /**
     * Runs {@code command} in this JVM with {@link #SMALL}'s sizes set, as a demo child started
     * with it has them, then restores the properties a demo sets for its engine.
     */
    static <T> T atSmallSizes(java.util.concurrent.Callable<T> command) throws Exception {
        List<String> keys = List.of(DemoCommand.SIZES_PROPERTY, "ai.djl.pytorch.num_threads",
                "ai.djl.pytorch.num_interop_threads");
        Map<String, String> before = new java.util.HashMap<>();
        keys.forEach(k -> before.put(k, System.getProperty(k)));
        System.setProperty(DemoCommand.SIZES_PROPERTY, SMALL.substring(SMALL.indexOf('=') + 1));
        try {
            return command.call();
        } finally {
            keys.forEach(k -> {
                if (before.get(k) == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, before.get(k));
                }
            });
        }
    }

    /**
     * Runs a one-epoch, one-seed {@code prefine demo} at {@link #SMALL} sizes in fresh JVMs, {@code
     * workers} of them, each a {@link ShortLivedJvm}: at these sizes C2's compiler threads took a
     * third of a demo child's CPU time (16 s of CPU against 10 s with C1 alone), for the same tables.
     */
    static DemoFolderTest.Run demo(int workers, Path out, String... more) throws IOException, InterruptedException {
        List<String> jvm = new java.util.ArrayList<>(ShortLivedJvm.OPTIONS);
        jvm.add(SMALL);
        return DemoFolderTest.demo(jvm, workers, out, more);
    }

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
            deleteParent(folder);
        }
    }

    /**
     * The shared run's folder, copied and restarted with {@code --export-models best} and {@code
     * --workers 2}.
     *
     * @param folder the folder, which tests must not change
     * @param run the restart's exit code and what it printed
     */
    record Exported(Path folder, DemoFolderTest.Run run) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            deleteParent(folder);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Finished.class || type == Exported.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        Finished finished = store.getOrComputeIfAbsent(Finished.class, k -> run(), Finished.class);
        if (parameter.getParameter().getType() == Finished.class) {
            return finished;
        }
        return store.getOrComputeIfAbsent(Exported.class, k -> export(finished), Exported.class);
    }

    private static Finished run() {
        try {
            Path out = Files.createTempDirectory("prefine-demo-fixture").resolve("out");
            return new Finished(out, demo(1, out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the shared demo ran", e);
        }
    }

    private static Exported export(Finished finished) {
        try {
            Path out = finished.copyTo(Files.createTempDirectory("prefine-demo-exported").resolve("out"));
            return new Exported(out, demo(2, out, "--export-models", "best"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the shared export ran", e);
        }
    }

    /** Deletes the temporary folder that holds {@code folder}. */
    private static void deleteParent(Path folder) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(folder.getParent())) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.delete(p);
        }
    }
}
