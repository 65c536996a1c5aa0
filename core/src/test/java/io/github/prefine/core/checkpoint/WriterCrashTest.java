package io.github.prefine.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A process that dies halfway through replacing a checkpoint leaves the old one, whole and
 * readable: a child JVM writes the first half of a new {@code model.safetensors} through each
 * whole-file writer (the plain one of {@link SafetensorsWriter#write(Path, java.util.Collection)}
 * and the one below an anchor that {@code EncoderCheckpoint.save} uses) and halts there, as a kill
 * or a power cut stops it: no finally block, no shutdown hook. What is left is the old file and an
 * orphaned temp file holding the half, which the clean-up of stale temps removes.
 */
class WriterCrashTest {
    private static final int HALTED = 77;
    private static final float[] OLD = {1f, 2f, 3f, 4f};

    @ParameterizedTest
    @ValueSource(strings = {"atomic", "anchored"})
    void aWriterKilledHalfwayLeavesTheOldCheckpointWholeAndItsTempForTheCleanUp(String writer,
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("run").resolve("model.safetensors");
        Files.createDirectories(file.getParent());
        SafetensorsWriter.write(file, List.of(HostTensor.ofFloats("w", new long[] {4}, OLD)));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = ChildProcesses.builder(List.of(java, "-Xmx256m", "-XX:-UsePerfData", "-cp",
                System.getProperty("java.class.path"), Child.class.getName(), writer, dir.toString(), file.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "child timed out");
        assertEquals(HALTED, p.exitValue(), "the child halts inside the write: " + out);
        int half = Integer.parseInt(out.strip().lines().reduce((a, b) -> b).orElseThrow());
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertEquals(List.of("w"), r.names());
            assertEquals(HostTensor.ofFloats("w", new long[] {4}, OLD).data(), r.read("w").data(), "the old weights");
        }
        List<Path> temps;
        try (Stream<Path> s = Files.list(file.getParent())) {
            temps = s.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
        assertEquals(1, temps.size(), "the half-written temp file is left: " + temps);
        assertEquals(half, Files.size(temps.get(0)), "it holds the half the child wrote");
        assertEquals(1, AtomicFiles.deleteStaleTemps(dir, Duration.ZERO));
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertEquals(List.of(file), s.toList());
        }
    }

    /** Writes half of a new checkpoint over {@code args[2]} with the writer {@code args[0]}, then halts. */
    public static final class Child {
        public static void main(String[] args) throws IOException {
            Path anchor = Path.of(args[1]);
            Path file = Path.of(args[2]);
            // the bytes of a whole new checkpoint, as the writer makes them
            Path scratch = Files.createTempFile(anchor, "new", ".bin");
            float[] values = new float[1 << 16];
            java.util.Arrays.fill(values, 9f);
            SafetensorsWriter.write(scratch, List.of(HostTensor.ofFloats("w", new long[] {values.length}, values)));
            byte[] whole = Files.readAllBytes(scratch);
            Files.delete(scratch);
            int half = whole.length / 2;
            System.out.println(half);
            System.out.flush();
            AtomicFiles.Content halting = ch -> {
                ByteBuffer b = ByteBuffer.wrap(whole, 0, half);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                Runtime.getRuntime().halt(HALTED);
            };
            if (args[0].equals("atomic")) {
                AtomicFiles.write(file, halting);
            } else {
                PlainFolders.write(anchor, file, halting);
            }
        }
    }
}
