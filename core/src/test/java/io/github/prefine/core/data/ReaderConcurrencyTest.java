package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.SplitSource;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.eval.testing.ConcurrentCalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link DatasetReader}: "implementations are immutable and thread-safe; each call to read opens,
 * reads and closes its file". The catalogue shares one reader instance between tasks (a server that
 * loads two tasks at once uses it from two threads): every catalogued reader class, on the smallest
 * real file it reads, gives {@link ConcurrentCalls#THREADS} threads at once the examples and report
 * one thread gets.
 */
class ReaderConcurrencyTest {
    /** Files above this size are left out: a reader class with only larger files would cost minutes here. */
    private static final long MAX_BYTES = 650_000;

    /** The file a reader class is tried on, named as the catalogue names it. */
    private record Pick(String name, Path file, long size, DatasetReader<?> reader) {}

    @Test
    void everyReaderClassReadsOnManyThreadsAsOnOne() throws Exception {
        Path data = SharedFixtures.require("data");
        // the smallest file of each reader class, the first of its size in catalogue order: 16 threads
        // interleave on a 70-line file already, and a larger one only adds time
        Map<Class<?>, Pick> picks = new LinkedHashMap<>();
        for (Task task : TaskCatalog.all()) {
            for (SplitSource s : task.source().files()) {
                Path file = data.resolve(s.path());
                if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
                    continue;
                }
                Pick p = new Pick(task.name() + " " + s.path(), file, Files.size(file), s.reader());
                picks.merge(s.reader().getClass(), p, (a, b) -> b.size() < a.size() ? b : a);
            }
        }
        for (Pick p : picks.values()) {
            // 3 rounds: each read parses a whole file, so the 16 threads are switched out mid-read in
            // every round; 12 rounds repeated those interleavings
            ConcurrentCalls.agree(p.name(), 3, () -> p.reader().read(p.file(), Leniency.LENIENT));
        }
        // every reader class the catalogue uses on files present here
        assertTrue(picks.size() >= 7, "reader classes covered: " + picks.keySet());
    }
}
