package io.github.prefine.core.train.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint names are the same whatever the JVM's locale: {@code ckpt-epoch-NNNNNN} with ASCII
 * digits, as the class documents. Under a locale whose numbering system is not Latin (ar-EG,
 * fa-IR, th-TH-u-nu-thai) Java's {@code %06d} writes other digits, which a JVM running with an
 * ASCII file-name encoding ({@code LANG=C}) cannot even name.
 */
class CheckpointStoreLocaleTest {

    private static List<String> names(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void namesCarryAsciiDigitsUnderLocalesWithOtherNumberingSystems(@TempDir Path tmp) throws Exception {
        Locale saved = Locale.getDefault();
        Locale savedFormat = Locale.getDefault(Locale.Category.FORMAT);
        try {
            for (String tag : List.of("ar-EG", "fa-IR", "th-TH-u-nu-thai")) {
                Locale.setDefault(Locale.forLanguageTag(tag));
                Path root = tmp.resolve(tag);
                CheckpointStore store = new CheckpointStore(root);
                store.write(1, false, (anchor, d) -> Files.writeString(d.resolve("a.txt"), "one"));
                assertEquals(List.of("LATEST", "ckpt-epoch-000001"), names(root), tag);
                assertEquals("ckpt-epoch-000001\n", Files.readString(root.resolve("LATEST"), StandardCharsets.UTF_8), tag);
            }
        } finally {
            Locale.setDefault(saved);
            Locale.setDefault(Locale.Category.FORMAT, savedFormat);
        }
    }

    private static String child(Path root, int epoch, List<String> jvmOptions, Map<String, String> env, Path log)
            throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CheckpointStoreChild.class.getName(),
                root.toString(), Integer.toString(epoch)));
        ProcessBuilder pb = ChildProcesses.builder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), "child timed out");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out.strip();
    }

    @Test
    void aCheckpointWrittenUnderArabicIsResumedByAJvmWithAnAsciiFileNameEncoding(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("ckpt");
        String first = child(root, 1, List.of("-Duser.language=ar", "-Duser.country=EG"), Map.of("LC_ALL", "C.UTF-8"),
                tmp.resolve("ar.log"));
        assertTrue(first.startsWith("found none, wrote ckpt-epoch-"), first);
        // LANG=C makes sun.jnu.encoding ANSI_X3.4-1968: a name outside ASCII cannot become a path
        assertEquals("found epoch 1, wrote ckpt-epoch-000002", child(root, 2, List.of(),
                Map.of("LANG", "C", "LC_ALL", "C"), tmp.resolve("c.log")));
        assertEquals(List.of("LATEST", "ckpt-epoch-000002"), names(root));
    }

    @Test
    void aLatestThisJvmCannotNameIsReportedWithTheFix(@TempDir Path tmp) throws Exception {
        // what an older prefine left under ar-EG: a checkpoint named with Arabic-Indic digits,
        // written by a UTF-8 child, since this JVM may itself run with an ASCII file-name encoding
        Path root = tmp.resolve("ckpt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder writer = ChildProcesses.builder(java, "-cp", System.getProperty("java.class.path"),
                OldCheckpoint.class.getName(), root.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("old.log").toFile());
        writer.environment().put("LC_ALL", "C.UTF-8");
        Process w = writer.start();
        assertTrue(w.waitFor(1, TimeUnit.MINUTES), "the writer timed out");
        assertEquals(0, w.exitValue(), Files.readString(tmp.resolve("old.log"), StandardCharsets.ISO_8859_1));
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                CheckpointStoreChild.class.getName(), root.toString(), "2");
        Path log = tmp.resolve("c.log");
        ProcessBuilder pb = ChildProcesses.builder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of("LANG", "C", "LC_ALL", "C"));
        Process p = pb.start();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), "child timed out");
        String out = Files.readString(log, StandardCharsets.ISO_8859_1);
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("java.io.IOException: " + root.resolve("LATEST") + ": names checkpoint 'ckpt-epoch-"), out);
        assertTrue(out.contains("', which this JVM's file-name encoding ANSI_X3.4-1968 cannot represent; run with a"
                + " UTF-8 locale (LANG=C.UTF-8)"), out);
    }

    /** Writes, in the folder its argument names, the checkpoint an older prefine wrote under ar-EG. */
    static final class OldCheckpoint {
        public static void main(String[] args) throws IOException {
            Path root = Path.of(args[0]);
            String old = "ckpt-epoch-\u0660\u0660\u0660\u0660\u0660\u0661";
            Files.createDirectories(root.resolve(old));
            Files.writeString(root.resolve(old).resolve("a.txt"), "epoch 1", StandardCharsets.UTF_8);
            Files.writeString(root.resolve("LATEST"), old + "\n", StandardCharsets.UTF_8);
        }
    }
}
