package io.github.prefine.examples.cli;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ties a child JVM's life to the process that started it: the malloc re-launch and the GPU
 * workers are started through {@link #start}, which passes this process's id, and the child's
 * {@code main} calls {@link #installFromEnvironment}, which exits as soon as that process is gone.
 * A SIGTERM already reaches the child through the parent's shutdown hook; this covers {@code kill
 * -9} and crashes, after which the child would otherwise go on writing to {@code --out}.
 */
final class ParentWatch {
    /** Environment variable that carries the parent's process id to the child. */
    static final String PARENT_PID = "PREFINE_PARENT_PID";

    /**
     * Exit code of a child whose parent has gone (128 + SIGTERM, as if it had been signalled), and
     * of a command that this JVM's stop (SIGTERM, or the end of its parent) cut short.
     */
    static final int ORPHANED = 143;

    /** How often a child checks that its parent is still the process that started it. */
    private static final long PARENT_POLL_MILLIS = 1000;

    /** Set by the first of the two watches to see the parent gone. */
    private static final AtomicBoolean ORPHANED_ONCE = new AtomicBoolean();

    private ParentWatch() {}

    /**
     * Starts a child process that ends when this process ends, with inherited standard output and
     * error; its standard input is not used. The shutdown hook that ends it is removed once it has
     * ended ({@link #stopWithThisProcess}).
     *
     * @param command the command line
     * @param environment variables to add
     * @return the started process
     * @throws IOException if it cannot be started
     */
    static Process start(List<String> command, java.util.Map<String, String> environment) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().putAll(environment);
        pb.environment().put(PARENT_PID, Long.toString(ProcessHandle.current().pid()));
        Process child = pb.start();
        stopWithThisProcess(child);
        return child;
    }

    /**
     * A child's shutdown hook and the end of its registration.
     *
     * @param hook the registered hook, which destroys the child
     * @param released completes when the child has ended, with whether the hook was still
     *     registered then and has been removed ({@code false} while this JVM shuts down)
     */
    record Watched(Thread hook, CompletableFuture<Boolean> released) {}

    /**
     * Makes SIGTERM or a normal exit of this process end the child too, for as long as the child
     * runs.
     *
     * @param child a started process
     * @return its hook and the end of the hook's registration
     */
    static Watched stopWithThisProcess(Process child) {
        Thread hook = new Thread(child::destroy, "prefine-stop-child-" + child.pid());
        Runtime.getRuntime().addShutdownHook(hook);
        // removed when the child ends: a JVM that starts many children (PrefineCli.execute called
        // repeatedly by embedding code or tests) would otherwise keep one hook and Process per child
        return new Watched(hook, child.onExit().thenApply(ended -> removeHook(hook)));
    }

    private static boolean removeHook(Thread hook) {
        try {
            return Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return false; // the hooks are running (this one may have ended the child); nothing to undo
        }
    }

    /**
     * Tells whether a JVM option attaches a debugger, which a child must not inherit: it would
     * ask for the port this JVM holds, and a debugger stays with the JVM it started.
     *
     * @param jvmOption one of this JVM's input arguments
     * @return true for {@code -agentlib:jdwp...}, {@code -Xrunjdwp...} and {@code -Xdebug}
     */
    static boolean isDebuggerOption(String jvmOption) {
        return jvmOption.startsWith("-agentlib:jdwp") || jvmOption.startsWith("-Xrunjdwp") || jvmOption.equals("-Xdebug");
    }

    /** Exits this JVM when the process named by {@link #PARENT_PID} ends; does nothing without it. */
    static void installFromEnvironment() {
        String pid = System.getenv(PARENT_PID);
        if (pid == null || !pid.matches("\\d+")) {
            return;
        }
        Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(pid));
        if (parent.isEmpty() || !parent.get().isAlive()) {
            orphaned(pid);
            return;
        }
        // the JDK polls a process that is not our child (at most every 5 s) and checks its start
        // time, so a reused pid does not keep us alive
        parent.get().onExit().thenRun(() -> orphaned(pid));
        // but it counts a killed parent as alive until the parent's own parent reaps it (a zombie:
        // a Python Popen without wait(), a busy supervisor); the kernel gives us another parent at
        // once, so the named process leaving our ancestors ends us too, and so does a zombie, which
        // is how a parent killed while this JVM was still starting looks (we have another parent then)
        long named = parent.get().pid();
        boolean ancestor = ancestry(named) == Ancestry.ANCESTOR;
        if (gone(named, ancestor)) {
            orphaned(pid);
            return;
        }
        Thread watch = new Thread(() -> {
            while (!gone(named, ancestor)) {
                try {
                    Thread.sleep(PARENT_POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            orphaned(pid);
        }, "prefine-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /**
     * Tells whether the named process has ended though the JDK may count it alive: it has left our
     * ancestors (when it was one) or it is a zombie.
     */
    private static boolean gone(long named, boolean wasAncestor) {
        return wasAncestor && ancestry(named) == Ancestry.NOT_AN_ANCESTOR || zombie(named);
    }

    /** Where a process stands among this one's parent, its parent's parent, and so on. */
    private enum Ancestry {
        ANCESTOR,
        /** The walk reached the first process (pid 1) without meeting it. */
        NOT_AN_ANCESTOR,
        /** The walk stopped at a process whose parent this user cannot see: no conclusion. */
        UNKNOWN
    }

    private static Ancestry ancestry(long pid) {
        Optional<ProcessHandle> p = ProcessHandle.current().parent();
        long last = ProcessHandle.current().pid();
        // a parent on the way (a wrapper script) is fine: only the named process leaving the chain counts
        for (int depth = 0; p.isPresent() && depth < 256; depth++) {
            if (p.get().pid() == pid) {
                return Ancestry.ANCESTOR;
            }
            last = p.get().pid();
            p = p.get().parent();
        }
        return last == 1 ? Ancestry.NOT_AN_ANCESTOR : Ancestry.UNKNOWN;
    }

    /**
     * Tells whether a process has ended and waits to be reaped, from Linux's {@code /proc/PID/stat}
     * (its state, after the command name in parentheses, is {@code Z}); false where there is no such
     * file, which leaves the JDK's {@code onExit} to tell.
     */
    private static boolean zombie(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close >= 0 && stat.length() > close + 2 && stat.charAt(close + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Tells whether this JVM is stopping: {@link System#exit} or a signal has started its shutdown
     * hooks, which close streams under whatever still runs. Decided by the JDK's refusal of a new
     * hook, as the hook list is closed before the first hook starts.
     *
     * @return true once the shutdown has begun
     */
    static boolean stopping() {
        Thread probe = new Thread(() -> { }, "prefine-stopping-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
        } catch (IllegalStateException shuttingDown) {
            return true;
        }
        Runtime.getRuntime().removeShutdownHook(probe);
        return false;
    }

    private static void orphaned(String pid) {
        if (!ORPHANED_ONCE.compareAndSet(false, true)) {
            return;
        }
        System.err.println("prefine: the process that started this one (pid " + pid + ") has ended; stopping");
        // exit on a thread of its own: shutdown hooks (lock release) may need the completing thread
        Thread t = new Thread(() -> System.exit(ORPHANED), "prefine-orphaned");
        t.setDaemon(false);
        t.start();
    }
}
