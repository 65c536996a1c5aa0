package io.github.prefine.core.testing;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Counts the writes of the files directly in one folder, by any process, with the OS's file
 * watcher (inotify on Linux): a file renamed into place whole, as {@code AtomicFiles} writes, is
 * one creation of its name, and a file written in place one or more modifications. Close it.
 */
public final class FileWrites implements AutoCloseable {
    private final WatchService watcher;

    /**
     * Starts watching a folder.
     *
     * @param folder the folder; files in folders below it are not watched
     * @throws IOException if the watcher cannot be started
     */
    public FileWrites(Path folder) throws IOException {
        this.watcher = FileSystems.getDefault().newWatchService();
        folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    }

    /**
     * Returns how often each file was created or modified since the watch began, or since the
     * last call, once the watcher has had nothing more to say for two seconds.
     *
     * @param counted which file names to count (temp files have names of their own)
     * @return events per file name, in name order
     * @throws InterruptedException if interrupted while waiting
     */
    public Map<String, Integer> counts(Predicate<String> counted) throws InterruptedException {
        Map<String, Integer> out = new TreeMap<>();
        // the JDK's watcher hands the kernel's events over on a thread of its own: drained until quiet
        for (WatchKey key = watcher.poll(2, TimeUnit.SECONDS); key != null; key = watcher.poll(2, TimeUnit.SECONDS)) {
            for (WatchEvent<?> e : key.pollEvents()) {
                assertNotEquals(StandardWatchEventKinds.OVERFLOW, e.kind(), "the watcher lost events");
                String name = e.context().toString();
                if (counted.test(name)) {
                    out.merge(name, 1, Integer::sum);
                }
            }
            key.reset();
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        watcher.close();
    }
}
