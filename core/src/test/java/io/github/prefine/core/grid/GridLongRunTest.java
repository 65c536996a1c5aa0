package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*
 * A grid process runs hundreds of units one after another, for days. Whatever a unit leaves
 * behind (a model's manager never closed, a file left open, a thread or a pool per unit, a cache
 * keyed by unit) grows with every unit until the process dies. The figures here are counted
 * independently of prefine's own bookkeeping: the engine's whole manager tree, /proc/self/fd,
 * the threads, and weak references to the objects each unit makes.
 */
class GridLongRunTest {

    /**
     * Threads that come and go by time, not by units: HotSpot's own, and the JDK's and JNA's that
     * end after some idle seconds and start again on the next use (the process reaper of child
     * processes, the common fork-join pool, JNA's cleaner). Every other thread is counted.
     */
    private static final List<String> TIMED_THREADS = List.of("GC Thread", "G1 ", "C1 CompilerThre", "C2 CompilerThre",
            "VM Thread", "VM Periodic Tas", "Sweeper thread", "Service Thread", "Monitor Deflati", "Notification Th",
            "Attach Listener", "process reaper", "ForkJoinPool", "JNA Cleaner");

    @Test
    void unitAfterUnitTheProcessHoldsNoMoreArraysFilesOrThreadsAndForgetsEachUnitsObjects(@TempDir Path dir)
            throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux's /proc");
        GridFixtures f = new GridFixtures(dir);
        // a first grid loads the engine, the classes and the constants that the process keeps for good
        runAll(grid(f, dir.resolve("warm-up"), new ArrayList<>()), (u, s) -> {}, false);
        System.gc();
        Counts before = Counts.now();

        List<WeakReference<TrainingListener>> listeners = new ArrayList<>();
        Grid grid = grid(f, dir.resolve("out"), listeners);
        List<String> units = new ArrayList<>();
        Counts[] open = new Counts[1];
        List<List<String>> openFds = new ArrayList<>();
        runAll(grid, (unit, session) -> {
            units.add(unit.id());
            System.gc();
            if (open[0] == null) {
                open[0] = Counts.now(); // the open session holds its lock file and tokenizer
                openFds.add(open[0].fds());
            }
            Counts.assertHeld(open[0], now -> "after unit " + units.size() + " (" + unit.id() + ") of " + units
                    + "; threads now " + Counts.threadNames() + "; descriptors opened since the first unit "
                    + now.fds().stream().filter(d -> !openFds.get(0).contains(d)).toList());
            assertEquals(0, session.root().getManagedArrays().size(), "arrays left in the session's manager by " + unit.id());
            // each unit made its own listener; once the unit is over, nothing may keep it (nor its trainer and model)
            assertEquals(units.size(), listeners.size());
            for (int i = 0; i < listeners.size(); i++) {
                assertEquals(null, listeners.get(i).get(), "the listener of " + units.get(i) + " is still reachable"
                        + " after unit " + unit.id());
            }
        }, true);
        // Only-SL, Only-C and SL+C; then 4 settings x 2 targets
        assertEquals(3 + 8, units.size());
        System.gc();
        Counts.assertHeld(before, now -> "after the session closed; threads now " + Counts.threadNames());
    }

    private static Grid grid(GridFixtures f, Path out, List<WeakReference<TrainingListener>> listeners) {
        return f.tiny(f.targets, out).optProgress(label -> {
            TrainingListener l = new TrainingListener() {};
            listeners.add(new WeakReference<>(l));
            return l;
        }).build();
    }

    private static boolean counted(String threadName) {
        return TIMED_THREADS.stream().noneMatch(threadName::startsWith);
    }

    @FunctionalInterface
    private interface AfterUnit {
        void check(GridUnit unit, GridSession session) throws Exception;
    }

    /** Runs every unit and sweep; {@code reportEachSweep} rewrites the reports after each sweep, as the scheduler does. */
    private static void runAll(Grid grid, AfterUnit after, boolean reportEachSweep) throws Exception {
        try (GridSession s = grid.open()) {
            for (GridSweep sweep : s.plan().sweeps()) {
                for (GridUnit u : sweep.units()) {
                    s.run(u);
                    after.check(u, s);
                }
                s.finish(sweep);
                if (reportEachSweep) {
                    s.writeReports(); // tables and plots: fonts, image writers
                }
            }
            s.writeReports();
        }
    }

    /**
     * Independent counts: every array and manager under the engine's system manager, the open file
     * descriptors, the live Java threads and the other threads of the process (PyTorch's).
     */
    private record Counts(int nativeArrays, int managers, int openFiles, int javaThreads, int otherThreads,
            List<String> fds) {

        /**
         * Asserts that what a unit left is no more than {@code level}, sampling again for up to
         * two seconds while files or threads are above it: a leak is still held at the last
         * sample, while a descriptor that another thread opens and closes on its own schedule
         * (Java2D's disposer after the sweep's plots, idle threads of earlier test classes in
         * this JVM) is gone. CI once counted one such descriptor after the first sweep's
         * reports, closed before its message listed them; a stream held open still fails here.
         */
        static void assertHeld(Counts level, Function<Counts, String> where) throws IOException, InterruptedException {
            Counts now = now();
            for (int retry = 0; retry < 20 && now.aboveInFilesOrThreads(level); retry++) {
                Thread.sleep(100);
                System.gc();
                now = now();
            }
            Counts last = now;
            last.assertNoMoreThan(level, () -> where.apply(last));
        }

        private boolean aboveInFilesOrThreads(Counts level) {
            return openFiles > level.openFiles || javaThreads > level.javaThreads || otherThreads > level.otherThreads;
        }

        static Counts now() throws IOException {
            ProcessResources r = ProcessResources.sample();
            // Java2D keeps the plots' font files open in a cache that its disposer thread closes
            // after a collection, on its own schedule
            List<String> fds = listFds();
            int files = (int) fds.stream().filter(f -> !f.matches(".*\\.(ttf|otf|ttc|pfb)")).count();
            assertTrue(files > 0, "no descriptors counted");
            int java = (int) Thread.getAllStackTraces().keySet().stream().filter(t -> counted(t.getName())).count();
            // a Java thread's native name is its name cut to 15 characters; the rest are PyTorch's
            int all = (int) threadNames().stream().filter(GridLongRunTest::counted).count();
            assertTrue(r.managers() >= 0, "managers not counted: " + r);
            return new Counts(r.nativeArrays(), r.managers(), files, java, all - java, fds);
        }

        /**
         * Arrays and managers exactly as before (only this test's grid makes them); files and
         * threads no more than before. Fewer is not a leak: the test JVM is shared with earlier test
         * classes, whose idle server and download threads end on their own schedule (one ended
         * between two units in CI).
         */
        void assertNoMoreThan(Counts level, Supplier<String> where) {
            assertEquals(level.nativeArrays, nativeArrays, () -> "native arrays " + where.get());
            assertEquals(level.managers, managers, () -> "managers " + where.get());
            assertTrue(openFiles <= level.openFiles, () -> "open files " + openFiles + " > " + level.openFiles + " " + where.get());
            assertTrue(javaThreads <= level.javaThreads,
                    () -> "Java threads " + javaThreads + " > " + level.javaThreads + " " + where.get());
            assertTrue(otherThreads <= level.otherThreads,
                    () -> "other threads " + otherThreads + " > " + level.otherThreads + " " + where.get());
        }

        static List<String> listFds() {
            List<String> out = new ArrayList<>();
            try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
                for (Path p : s.toList()) {
                    try {
                        out.add(p.getFileName() + "->" + Files.readSymbolicLink(p));
                    } catch (IOException e) {
                        out.add(p.getFileName() + "->?");
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        }

        /** The native names of the process's threads, from /proc/self/task. */
        static List<String> threadNames() {
            List<String> names = new ArrayList<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : tasks.toList()) {
                    try {
                        names.add(Files.readString(t.resolve("comm"), StandardCharsets.UTF_8).strip());
                    } catch (IOException e) {
                        // the thread ended while listed
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return names;
        }
    }
}
