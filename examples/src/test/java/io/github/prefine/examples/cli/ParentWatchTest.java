package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.examples.ShortLivedJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A child started through {@link ParentWatch#start} ends when its parent is killed with SIGKILL
 * (no shutdown hook runs then), as the re-launched {@code prefine} JVM and the GPU workers are
 * started. Real processes: this JVM starts a parent JVM, which starts a child JVM; all C1 only
 * ({@link ShortLivedJvm}), which changes nothing they do, only how soon they start.
 */
class ParentWatchTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** {@code java}, the short-lived JVM's options and this test's class path, to place before a main class. */
    private static List<String> java() {
        List<String> cmd = new java.util.ArrayList<>(List.of(JAVA));
        cmd.addAll(ShortLivedJvm.OPTIONS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
        return cmd;
    }

    /** {@link #java()} for {@code /bin/sh}, each word quoted. */
    private static String javaForShell() {
        return String.join(" ", java().stream().map(w -> "'" + w + "'").toList());
    }

    /**
     * The parent: starts one child for each argument (its mode) the way the CLI does, prints each
     * one's pid, in order, then waits to be killed.
     */
    public static final class Parent {
        public static void main(String[] args) throws Exception {
            for (String mode : args) {
                List<String> cmd = java();
                cmd.addAll(List.of(Child.class.getName(), mode));
                Process child = ParentWatch.start(cmd, Map.of());
                System.out.println("child " + child.pid());
            }
            System.out.flush();
            Thread.sleep(120_000);
        }
    }

    /**
     * The child: watches its parent as {@code PrefineCli.main} does (unless told not to), says so
     * (on the parent's output, which it inherits), then works.
     */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            if (args[0].startsWith("watch-once:")) {
                // starts watching only once the file exists: the test kills the parent before that
                Path go = Path.of(args[0].substring("watch-once:".length()));
                while (!java.nio.file.Files.exists(go)) {
                    Thread.sleep(50);
                }
                ParentWatch.installFromEnvironment();
            }
            if (args[0].equals("watch")) {
                ParentWatch.installFromEnvironment();
            }
            System.out.println("running " + args[0]);
            System.out.flush();
            Thread.sleep(120_000);
        }
    }

    /**
     * Reads the parent's lines until it has named {@code n} children and each has said it runs
     * (its watch, if any, installed), in whatever order the lines come, and returns the children in
     * the order the parent started them.
     */
    private static List<ProcessHandle> runningChildren(BufferedReader r, int n) throws Exception {
        List<ProcessHandle> children = new java.util.ArrayList<>();
        int running = 0;
        while (children.size() < n || running < n) {
            String line = r.readLine();
            assertTrue(line != null && (line.startsWith("child ") || line.startsWith("running ")), "parent said: " + line);
            if (line.startsWith("child ")) {
                children.add(ProcessHandle.of(Long.parseLong(line.substring(6).trim())).orElseThrow());
            } else {
                running++;
            }
        }
        for (ProcessHandle child : children) {
            assertTrue(child.isAlive(), "the child runs while its parent does");
        }
        return children;
    }

    /** Starts a parent with one child for each mode, kills it once they all run, and returns them. */
    private static List<ProcessHandle> startAndKillParent(String... modes) throws Exception {
        List<String> cmd = java();
        cmd.add(Parent.class.getName());
        cmd.addAll(List.of(modes));
        Process parent = ChildProcesses.builder(cmd).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
            return runningChildren(r, modes.length);
        } finally {
            parent.destroyForcibly(); // SIGKILL, as kill -9
            parent.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void eachChildsShutdownHookIsRemovedWhenTheChildEnds() throws Exception {
        // embedding code calls PrefineCli.execute again and again: one hook per child must not pile up
        for (int cycle = 0; cycle < 2; cycle++) {
            List<String> cmd = java();
            cmd.addAll(List.of(Child.class.getName(), "no-watch"));
            Process child = ChildProcesses.builder(cmd).redirectErrorStream(true).start();
            try {
                ParentWatch.Watched watched = ParentWatch.stopWithThisProcess(child);
                // registered while the child runs: the JDK refuses the same hook twice
                assertThrows(IllegalArgumentException.class, () -> Runtime.getRuntime().addShutdownHook(watched.hook()));
                assertFalse(watched.released().isDone(), "released before the child ended");
                child.destroyForcibly();
                assertEquals(true, watched.released().get(30, TimeUnit.SECONDS), "the hook was not registered at its end");
                // gone once the child ended: removing it again finds nothing
                assertFalse(Runtime.getRuntime().removeShutdownHook(watched.hook()),
                        "cycle " + cycle + ": the hook of an ended child is still registered");
            } finally {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Two children of one parent, one watching it and one not (the control: what kill -9 did to the
     * re-launched worker before): the watched one ends, the other outlives it by more than the
     * watch's poll of its parent, so the watch, not the kill, ended the first.
     */
    @Test
    void theChildEndsWhenItsParentIsKilledAndWithoutTheWatchItOutlivesIt() throws Exception {
        List<ProcessHandle> children = startAndKillParent("watch", "no-watch");
        ProcessHandle watched = children.get(0);
        ProcessHandle unwatched = children.get(1);
        try {
            watched.onExit().get(30, TimeUnit.SECONDS);
            assertFalse(watched.isAlive());
            // the watch polls its parent every second
            Thread.sleep(1_500);
            assertTrue(unwatched.isAlive(), "an unwatched child keeps running after its parent is killed");
        } finally {
            for (ProcessHandle child : children) {
                child.destroyForcibly();
                child.onExit().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A parent killed with SIGKILL whose own parent does not reap it at once (a Python Popen
     * without wait(), a busy supervisor): it lingers as a zombie, which the JDK counts alive, and
     * its children must still end, both the one whose watch began before the kill and the one
     * still starting then, whose watch begins only after the kernel had given it another parent
     * (before, no watch began for that one and it ran on for ever). One parent, started by a
     * shell that never reaps it, with one child of each kind.
     */
    @Test
    void childrenEndWhenTheirParentIsKilledButNotYetReapedWhetherTheirWatchBeganBeforeOrAfter(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path go = dir.resolve("go");
        String cmd = javaForShell() + " '" + Parent.class.getName() + "' watch 'watch-once:" + go + "' & echo $!;"
                + " exec sleep 90";
        Process holder = ChildProcesses.builder("/bin/sh", "-c", cmd).redirectErrorStream(true).start();
        List<ProcessHandle> children = new java.util.ArrayList<>();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            long parentPid = Long.parseLong(r.readLine().trim());
            // both children named, and the watching one running with its watch installed; the other
            // waits for the file before it starts watching
            boolean watching = false;
            while (children.size() < 2 || !watching) {
                String line = r.readLine();
                assertTrue(line != null && (line.startsWith("child ") || line.equals("running watch")),
                        "parent said: " + line);
                if (line.startsWith("child ")) {
                    children.add(ProcessHandle.of(Long.parseLong(line.substring(6).trim())).orElseThrow());
                } else {
                    watching = true;
                }
            }
            ProcessHandle watched = children.get(0);
            ProcessHandle late = children.get(1);
            ProcessHandle.of(parentPid).orElseThrow().destroyForcibly(); // kill -9; sleep never reaps it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (late.parent().map(ProcessHandle::pid).orElse(-1L) == parentPid && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false),
                    "the killed parent lingers unreaped, which the JDK counts as alive");
            awaitEnd(watched);
            assertFalse(watched.isAlive(), "the child outlived its killed (unreaped) parent by 20 s");
            assertTrue(late.isAlive(), "the late child began its watch before the file existed");
            java.nio.file.Files.createFile(go);
            awaitEnd(late);
            assertFalse(late.isAlive(), "the child outlived its parent, killed before the watch began, by 20 s");
        } finally {
            for (ProcessHandle child : children) {
                child.destroyForcibly();
            }
            holder.destroyForcibly();
            holder.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Waits up to 20 s for a process to end; the caller asserts that it did. */
    private static void awaitEnd(ProcessHandle p) throws Exception {
        try {
            p.onExit().get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // fall through to the caller's assertion
        }
    }
}
