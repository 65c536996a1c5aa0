package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.SplitSource;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.eval.testing.ConcurrentCalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link DatasetReader}: "implementations are immutable and thread-safe; each call to read opens,
 * reads and closes its file". The catalogue shares one reader instance between tasks (a server that
 * loads two tasks at once uses it from two threads): every catalogued reader class, on the smallest
 * real file it reads, gives {@link ConcurrentCalls#THREADS} threads at once the examples and report
 * one thread gets.
 */
class ReaderConcurrencyTest {
    /** Files up to this size: enough lines for many reads to interleave, small enough for 16 threads on 2 cores. */
    private static final long MAX_BYTES = 650_000;

    @Test
    void everyReaderClassReadsOnManyThreadsAsOnOne() throws Exception {
        Path data = SharedFixtures.require("data");
        Set<Class<?>> covered = new LinkedHashSet<>();
        for (Task task : TaskCatalog.all()) {
            for (SplitSource s : task.source().files()) {
                Path file = data.resolve(s.path());
                if (covered.contains(s.reader().getClass()) || !Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
                    continue;
                }
                covered.add(s.reader().getClass());
                DatasetReader<?> reader = s.reader();
                ConcurrentCalls.agree(task.name() + " " + s.path(), 12, () -> reader.read(file, Leniency.LENIENT));
            }
        }
        // every reader class the catalogue uses on files present here
        assertTrue(covered.size() >= 7, "reader classes covered: " + covered);
    }
}
