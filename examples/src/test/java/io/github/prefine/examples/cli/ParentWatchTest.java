package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
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
 * started. Real processes: this JVM starts a parent JVM, which starts a child JVM.
 */
class ParentWatchTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** The parent: starts the child the way the CLI does, prints its pid, then waits to be killed. */
    public static final class Parent {
        public static void main(String[] args) throws Exception {
            Process child = ParentWatch.start(List.of(JAVA, "-cp", System.getProperty("java.class.path"),
                    Child.class.getName(), args[0]), Map.of());
            System.out.println("child " + child.pid());
            System.out.flush();
            Thread.sleep(120_000);
        }
    }

    /** The child: watches its parent as {@code PrefineCli.main} does (unless told not to), then works. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            if (args[0].equals("watch")) {
                ParentWatch.installFromEnvironment();
            }
            Thread.sleep(120_000);
        }
    }

    private static ProcessHandle startAndKillParent(String mode) throws Exception {
        Process parent = ChildProcesses.builder(JAVA, "-cp", System.getProperty("java.class.path"), Parent.class.getName(), mode)
                .redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
            String line = r.readLine();
            assertTrue(line != null && line.startsWith("child "), "parent said: " + line);
            ProcessHandle child = ProcessHandle.of(Long.parseLong(line.substring(6).trim())).orElseThrow();
            Thread.sleep(500);
            assertTrue(child.isAlive(), "the child runs while its parent does");
            return child;
        } finally {
            parent.destroyForcibly(); // SIGKILL, as kill -9
            parent.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void eachChildsShutdownHookIsRemovedWhenTheChildEnds() throws Exception {
        // embedding code calls PrefineCli.execute again and again: one hook per child must not pile up
        for (int cycle = 0; cycle < 2; cycle++) {
            Process child = ChildProcesses.builder(JAVA, "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                    "no-watch").redirectErrorStream(true).start();
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

    @Test
    void theChildEndsWhenItsParentIsKilled() throws Exception {
        ProcessHandle child = startAndKillParent("watch");
        try {
            child.onExit().get(30, TimeUnit.SECONDS);
            assertFalse(child.isAlive());
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void withoutTheWatchTheChildOutlivesItsParent() throws Exception {
        // the control: what kill -9 did to the re-launched worker before
        ProcessHandle child = startAndKillParent("no-watch");
        try {
            Thread.sleep(6_000);
            assertTrue(child.isAlive(), "an unwatched child keeps running after its parent is killed");
        } finally {
            child.destroyForcibly();
            child.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theChildEndsWhenItsParentIsKilledButNotYetReaped() throws Exception {
        // the parent's own parent does not reap it at once (a Python Popen without wait(), a busy
        // supervisor): the killed parent lingers as a zombie, and the child must still end
        String cmd = "'" + JAVA + "' -cp '" + System.getProperty("java.class.path") + "' '" + Parent.class.getName() + "'"
                + " watch & echo $!; exec sleep 90";
        Process holder = ChildProcesses.builder("/bin/sh", "-c", cmd).redirectErrorStream(true).start();
        ProcessHandle child = null;
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            long parentPid = Long.parseLong(r.readLine().trim());
            String line = r.readLine();
            assertTrue(line != null && line.startsWith("child "), "parent said: " + line);
            child = ProcessHandle.of(Long.parseLong(line.substring(6).trim())).orElseThrow();
            Thread.sleep(500);
            assertTrue(child.isAlive(), "the child runs while its parent does");
            ProcessHandle.of(parentPid).orElseThrow().destroyForcibly(); // kill -9; sleep never reaps it
            try {
                child.onExit().get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // fall through to the assertion
            }
            assertFalse(child.isAlive(), "the child outlived its killed (unreaped) parent by 20 s");
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            holder.destroyForcibly();
            holder.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
