package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.testing.ServingChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run says while it waits for work another process holds, read from slf4j-simple in a child
 * JVM that runs the grid while this JVM holds a real lock (with its holder note): the wait is
 * announced once, naming what it waits for and who holds it, and then said again, every interval
 * the run is given (short here, 10 minutes in a run), for as long as it lasts; once the lock is
 * released the child finishes the work itself. The tests wait for lines, not for times: a run that
 * never says it still waits is stopped by the timeout. One child runs both cases' grids in turn.
 */
class GridWaitLogTest {
    /** The reminder interval the child runs with: short, so that a test sees several. */
    static final long REMIND_MILLIS = 50;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES) // a silent wait would hang here
    void anExportAnotherProcessHoldsIsAnnouncedNamingModelAndHolderThenRemindedUntilReleased() throws Exception {
        Path out = dir.resolve("out");
        GridLayout layout = new GridLayout(out);
        Path lock = layout.lock("export-c-target-Baseline-seed1");
        Path model = out.resolve("models").resolve("c-target").resolve("Baseline-seed1");
        Waited w = runWhileHolding(lock, "export", "still waiting for model");
        String text = w.log();
        String note = w.note();

        List<String> lines = lines(text, GridExporter.class);
        assertEquals(1, lines.stream().filter(l -> l.contains("waiting for it")).count(), text);
        assertTrue(lines.contains("INFO " + GridExporter.class.getName() + " - model " + model + " is being exported by "
                + note + " (" + lock + " is held); waiting for it"), text);
        List<String> reminders = lines.stream().filter(l -> l.contains("still waiting")).toList();
        assertFalse(reminders.isEmpty(), text);
        reminders.forEach(l -> assertTrue(l.matches("INFO " + GridExporter.class.getName().replace(".", "\\.")
                + " - still waiting for model .*, exported by .*, for \\d+ min") && l.contains(" model " + model + ","), l));
        List<String> whileHeld = reminders(w.beforeRelease(), GridExporter.class);
        assertFalse(whileHeld.isEmpty(), w.beforeRelease());
        whileHeld.forEach(l -> assertTrue(l.contains("exported by " + note + ","), l));
        // released, the child wrote the model itself
        assertTrue(Files.isRegularFile(model.resolve(GridExporter.RECORD)), text);
        assertFalse(Files.exists(UnitLock.holderNote(lock)), "the child's note outlived its claim");
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aSweepAnotherProcessHoldsIsRemindedNamingItsHolderAndTheWaitUntilReleased() throws Exception {
        Path out = dir.resolve("out");
        Path lock = new GridLayout(out).lock("prefinetune-Only-C");
        Waited w = runWhileHolding(lock, "sweep", "still waiting for 1 sweep other");
        String text = w.log();
        String note = w.note();

        List<String> lines = lines(text, GridScheduler.class);
        assertEquals(1, lines.stream().filter(l -> l.contains("coming back to it later")).count(), text);
        List<String> reminders = lines.stream().filter(l -> l.contains("still waiting")).toList();
        assertFalse(reminders.isEmpty(), text);
        // the pre-finetuning and the finetuning sweep that needs it are pending
        reminders.forEach(l -> assertTrue(l.matches("INFO " + GridScheduler.class.getName().replace(".", "\\.")
                + " - still waiting for 1 sweep other processes hold, 2 pending in all: prefinetune-Only-C"
                + " \\(held by .*, waited for \\d+ min\\)"), l));
        List<String> whileHeld = reminders(w.beforeRelease(), GridScheduler.class);
        assertFalse(whileHeld.isEmpty(), w.beforeRelease());
        whileHeld.forEach(l -> assertTrue(l.contains("(held by " + note + ", waited for "), l));
        // released, the child ran the sweep itself
        assertTrue(lines.stream().anyMatch(l -> l.contains("unit prefinetune-Only-C (")), text);
        assertFalse(Files.exists(UnitLock.holderNote(lock)), "the child's note outlived its claim");
    }

    /**
     * What the child logged: {@code beforeRelease} up to a moment when this JVM still held the lock
     * with its note, {@code log} in all. A reminder logged after that may name no holder: the child
     * can find the lock held, then the note gone (deleted just before the release), before it says so.
     */
    private record Waited(String note, String beforeRelease, String log) {}

    /** One child JVM runs both cases' grids, one after the other: its start cost more than a grid here. */
    private static ServingChild child;

    @BeforeAll
    static void startChild(@TempDir Path childDir) throws Exception {
        child = ServingChild.start(Child.class, childDir.resolve("child.log"));
    }

    @AfterAll
    static void stopChild() throws Exception {
        child.close();
    }

    /**
     * Holds {@code lock} with a holder note, has the child run the grid until its log has a line
     * containing {@code awaited}, releases the lock, and returns what the child logged for this
     * case, whose grid must then finish.
     */
    private Waited runWhileHolding(Path lock, String mode, String awaited) throws Exception {
        String id = dir.getFileName().toString(); // each case's temporary folder is its own
        UnitLock held = UnitLock.tryAcquire(lock).orElseThrow();
        String note;
        String beforeRelease;
        try {
            held.noteHolder();
            note = UnitLock.holder(lock).orElseThrow();
            child.request(id, dir.resolve("child").toString(), dir.resolve("out").toString(), mode);
            while (!(beforeRelease = child.since(id)).contains(awaited)) {
                assertTrue(child.isAlive() && !ServingChild.failed(beforeRelease, id),
                        "the child's grid ended before saying it still waits:\n" + child.since(id));
                Thread.sleep(50);
            }
            held.close();
            child.await(id); // released, the grid must finish
        } finally {
            held.close();
        }
        return new Waited(note, beforeRelease, child.since(id));
    }

    /** The reminders one class logged. */
    private static List<String> reminders(String text, Class<?> logger) {
        return lines(text, logger).stream().filter(l -> l.contains("still waiting")).toList();
    }

    /** The log lines of one class, from where its logger's name begins. */
    private static List<String> lines(String text, Class<?> logger) {
        List<String> out = new ArrayList<>();
        String from = "INFO " + logger.getName() + " - ";
        text.lines().filter(l -> l.contains(from)).forEach(l -> out.add(l.substring(l.indexOf(from))));
        return out;
    }

    /**
     * Runs the tiny grid over C with target c-target (settings Baseline and Only-C), as the test
     * says, once per line of its standard input (a case's id, the fixture folder, the output folder
     * and the mode), between the lines {@code begin ID} and {@code end ID} (or a stack trace and
     * {@code failed ID}), until that input ends.
     */
    static final class Child {
        public static void main(String[] args) throws Exception {
            ServingChild.serve(run -> run(Path.of(run[0]), Path.of(run[1]), run[2]));
        }

        private static void run(Path fixture, Path out, String mode) throws Exception {
            GridFixtures f = new GridFixtures(Files.createDirectories(fixture));
            boolean export = mode.equals("export");
            Grid grid = f.tiny(List.of(f.targets.get(1)), out).setGroups(List.of(TaskGroup.C))
                    .optPollMillis(20).optExportModels(export ? ModelExports.ALL : ModelExports.NONE).build();
            long remind = TimeUnit.MILLISECONDS.toNanos(REMIND_MILLIS);
            try (GridSession session = grid.open()) {
                new GridScheduler(session, remind).run();
                session.exportModels(remind);
            }
        }
    }
}
