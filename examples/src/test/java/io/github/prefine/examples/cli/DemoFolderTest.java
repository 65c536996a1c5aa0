package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.grid.GridLayout;
import io.github.prefine.core.grid.RunMismatchException;
import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.core.testing.FileWrites;
import io.github.prefine.examples.demo.SyntheticSuite;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A demo folder holds one suite: rerunning it with another {@code --suite-seed} is refused as
 * another run's data (its examples are hashed into {@code run.json}, as a data root's files are)
 * and leaves the folder as it was; {@code --force} starts anew and gives the tables of a fresh
 * folder. The seed-7 demo it starts from is {@link DemoFixture}'s, shared with DemoExportTest and
 * DocOutputPathsTest; its demos run at the fixture's small sizes too.
 */
@ExtendWith(DemoFixture.class)
class DemoFolderTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path tmp;

    /** What a demo process printed and its exit code. */
    record Run(int exit, String printed) {}

    /** Runs a one-epoch, one-seed {@code prefine demo} of the README's sizes in fresh JVMs, {@code workers} of them. */
    static Run demo(int workers, Path out, String... more) throws IOException, InterruptedException {
        return demo(List.of(), workers, out, more);
    }

    /**
     * Runs a one-epoch, one-seed {@code prefine demo} in fresh JVMs, {@code workers} of them, the
     * first started with {@code jvmOptions} (which the workers inherit); DemoFixture too.
     */
    static Run demo(List<String> jvmOptions, int workers, Path out, String... more) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(JAVA));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                PrefineCli.class.getName(), "demo", "--seeds", "1", "--epochs", "1", "--target-epochs", "1",
                "--device", "cpu", "--workers", String.valueOf(workers), "--out", out.toString()));
        cmd.addAll(List.of(more));
        ProcessBuilder pb = ChildProcesses.builder(cmd).redirectErrorStream(true);
        pb.environment().put("PREFINE_MALLOC_TUNING", "off");
        Process p = pb.start();
        byte[] printed = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "demo did not end");
        return new Run(p.exitValue(), new String(printed, StandardCharsets.UTF_8));
    }

    /**
     * The run status's plan of the demo ({@link PlannedWork}, which repeats the grid's settings
     * and sweep ids so that it can weigh units before any data is read) names exactly the units the
     * grid recorded, and the folders where each unit's training runs leave their records (which the
     * ETA reads for the epochs they trained): were the two to drift apart, units would weigh the
     * mean, runs would go unseen and the ETA degrade without a word.
     */
    @Test
    void theStatusPlansTheUnitsTheGridRecords(DemoFixture.Finished first) throws Exception {
        DemoCommand command = new DemoCommand();
        new picocli.CommandLine(command).parseArgs("--seeds", "1", "--epochs", "1", "--target-epochs", "1");
        java.util.Set<String> planned = new java.util.TreeSet<>();
        List<PlannedWork.Unit> units = command.plannedWork(new RunStatus.Shape(1, 1, 1, 1));
        units.forEach(u -> planned.add(u.id()));
        // every training run's record lies in the folders the plan gives its unit, one run a unit here
        java.util.Map<String, Integer> runsByUnit = new java.util.TreeMap<>();
        for (Path record : new GridLayout(first.folder()).trainingRunRecords()) {
            Path folder = first.folder().relativize(record.getFileName().toString().equals(GridLayout.HISTORY)
                    ? record.getParent().getParent() : record.getParent());
            List<String> owners = units.stream().filter(u -> u.runFolders().contains(folder)).map(PlannedWork.Unit::id).toList();
            assertEquals(1, owners.size(), () -> record + " belongs to one planned unit: " + owners);
            runsByUnit.merge(owners.get(0), 1, Integer::sum);
        }
        assertEquals(planned, runsByUnit.keySet());
        assertEquals(java.util.Set.of(1), java.util.Set.copyOf(runsByUnit.values()), runsByUnit.toString());
        java.util.Set<String> recorded = new java.util.TreeSet<>();
        try (java.util.stream.Stream<Path> files = Files.list(first.folder().resolve("records"))) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".jsonl"))
                    .forEach(n -> recorded.add(n.substring(0, n.length() - ".jsonl".length())));
        }
        assertEquals(55, recorded.size(), recorded.toString());
        assertEquals(recorded, planned);
    }

    /**
     * A finished demo started again with {@code --workers 2} (this process and a worker JVM) has
     * nothing to do: each file in the folder is written at most once. Each process wrote every
     * report at its start and again at its end, four times in all, the unchanged {@code run.json}
     * six; the writes are counted with the OS's file watcher, which sees the worker's too.
     */
    @Test
    void aFinishedDemoStartedAgainWithAWorkerWritesEachFileAtMostOnce(DemoFixture.Finished first) throws Exception {
        assertEquals(0, first.run().exit(), first.run().printed());
        Path out = first.copyTo(tmp.resolve("again"));
        Map<String, Integer> writes;
        Run again;
        try (FileWrites watched = new FileWrites(out)) {
            again = DemoFixture.demo(2, out);
            writes = watched.counts(name -> !name.startsWith("."));
        }
        assertEquals(0, again.exit(), again.printed());
        assertTrue(java.util.regex.Pattern.compile("\\b0 units run here").matcher(again.printed()).find(),
                again.printed());
        assertTrue(again.printed().contains("starting a worker on cpu"), again.printed());
        for (String table : List.of("results.jsonl", "table1.md", "table2.csv", "cost.json", "table2.png")) {
            assertTrue(Files.exists(out.resolve(table)), table);
        }
        writes.forEach((file, n) -> assertTrue(n <= 1, file + " written " + n + " times: " + writes));
        for (String table : List.of("table1.md", "table2.md")) {
            assertEquals(Files.readString(first.folder().resolve(table)), Files.readString(out.resolve(table)), table);
        }
    }

    @Test
    void anotherSuiteIsRefusedUnlessForcedAndThenRunsAsInAFreshFolder(DemoFixture.Finished first) throws Exception {
        assertEquals(0, first.run().exit(), first.run().printed());
        Path out = first.copyTo(tmp.resolve("out"));
        Path tokenizer = out.resolve("base-encoder").resolve(EncoderCheckpoint.TOKENIZER_FILE);
        byte[] suite7 = Files.readAllBytes(tokenizer);
        String tables = Files.readString(out.resolve("table2.md"));

        // the fresh run that the forced one must match runs meanwhile: each demo JVM trains on one thread
        Path fresh = tmp.resolve("fresh");
        CompletableFuture<Run> aloneRun = CompletableFuture.supplyAsync(() -> {
            try {
                return DemoFixture.demo(1, fresh, "--suite-seed", "8");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            // refused before any training: in this JVM, as the launcher runs the command
            CliRunner cli = new CliRunner("demo");
            int exit = DemoFixture.atSmallSizes(() -> cli.run("--seeds", "1", "--epochs", "1", "--target-epochs", "1",
                    "--device", "cpu", "--workers", "1", "--out", out.toString(), "--suite-seed", "8"));
            String other = cli.out() + cli.err();
            assertEquals(2, exit, other);
            assertTrue(other.contains("this folder holds a run with other settings or data (data.in memory: syn-"), other);
            assertTrue(other.contains("force a new run in place (--force)"), other);
            assertEquals(tables, Files.readString(out.resolve("table2.md")), "the refused run changed the tables");
            assertEquals(-1, java.util.Arrays.mismatch(suite7, Files.readAllBytes(tokenizer)), "the refused run changed the encoder");

            Run forced = DemoFixture.demo(1, out, "--suite-seed", "8", "--force");
            assertEquals(0, forced.exit(), forced.printed());
            Run alone = aloneRun.get(5, TimeUnit.MINUTES);
            assertEquals(0, alone.exit(), alone.printed());
            assertFalse(java.util.Arrays.equals(suite7, Files.readAllBytes(tokenizer)), "suite 8's encoder has its own vocabulary");
            assertEquals(Files.readString(fresh.resolve("base-encoder").resolve(EncoderCheckpoint.TOKENIZER_FILE)),
                    Files.readString(tokenizer));
            for (String table : List.of("table1.md", "table2.md")) {
                assertEquals(Files.readString(fresh.resolve(table)), Files.readString(out.resolve(table)), table);
            }
        } finally {
            // a failed check must not leave the fresh run writing into the folder being deleted; a wait
            // that runs out (only after a failed check: the checks wait for it) must not hide that failure
            try {
                aloneRun.handle((r, e) -> r).get(5, TimeUnit.MINUTES);
            } catch (java.util.concurrent.TimeoutException stillRunning) {
                System.err.println("DemoFolderTest: the fresh suite-8 run was still running 5 minutes after a failed check");
            }
        }
    }

    @Test
    void aForcedRebuildOfAnotherSuitesEncoderWaitsUntilNoOtherProcessWorksInTheFolder() throws Exception {
        Path out = tmp.resolve("busy");
        Path dir = out.resolve("base-encoder");
        DemoCommand.demoEncoder(SyntheticSuite.generate(7, SyntheticSuite.Sizes.demo()), dir, false);
        Path tokenizer = dir.resolve(EncoderCheckpoint.TOKENIZER_FILE);
        byte[] suite7 = Files.readAllBytes(tokenizer);
        SyntheticSuite suite8 = SyntheticSuite.generate(8, SyntheticSuite.Sizes.demo());
        Path lock = new GridLayout(out).lock("run");
        Files.createDirectories(lock.getParent());
        // as a running session holds it for its life, loading this encoder for every unit
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE); FileLock held = ch.lock(0, Long.MAX_VALUE, true)) {
            RunMismatchException e = assertThrows(RunMismatchException.class, () -> DemoCommand.demoEncoder(suite8, dir, true));
            assertTrue(e.getMessage().contains("another process is still working in this folder"), e.getMessage());
            assertEquals(-1, java.util.Arrays.mismatch(suite7, Files.readAllBytes(tokenizer)), "the running suite's encoder was replaced");
        }
        DemoCommand.demoEncoder(suite8, dir, true);
        assertFalse(java.util.Arrays.equals(suite7, Files.readAllBytes(tokenizer)), "once alone, the forced rebuild happens");
    }
}
