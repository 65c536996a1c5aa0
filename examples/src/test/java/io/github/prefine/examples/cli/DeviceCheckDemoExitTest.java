package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildProcesses;
import io.github.prefine.examples.docs.ProjectDocs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/device-check/demo.sh compares the tables of every demo run that ended, and a demo that ended
 * with failed sweeps ({@link CliErrors#SWEEPS_FAILED}, an fp16 sweep that diverged, say) ended: its
 * tables hold every other sweep. Run with a {@code java} on the PATH that records its arguments and
 * exits 4 for {@code demo}, 0 for anything else.
 */
class DeviceCheckDemoExitTest {

    @Test
    void demoRunsThatEndedWithFailedSweepsAreStillCompared(@TempDir Path tmp) throws Exception {
        Path copy = Files.createDirectories(tmp.resolve("root/docs/device-check"));
        for (Path s : ProjectDocs.scripts()) {
            Files.copy(s, copy.resolve(s.getFileName()));
        }
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path log = tmp.resolve("java.log");
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\n"
                + "printf '%s ' \"$@\" >> \"$DOCGUARD_LOG\"; echo >> \"$DOCGUARD_LOG\"\n"
                + "for a in \"$@\"; do [ \"$a\" = demo ] && exit " + CliErrors.SWEEPS_FAILED + "; done\n"
                + "exit 0\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = ChildProcesses.builder("bash", copy.resolve("demo.sh").toString(), "600")
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile());
        pb.environment().put("PATH", bin + ":" + pb.environment().get("PATH"));
        pb.environment().put("DOCGUARD_LOG", log.toString());
        pb.environment().put("DEVICE_CHECK_REHEARSAL", "1");
        pb.environment().put("OUT", tmp.resolve("out").toString());
        pb.environment().put("WORK", tmp.resolve("work").toString());
        pb.environment().remove("PREFINE_JAR");
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "demo.sh did not end within 60 s");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("out.txt")));
        List<String> compares = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> Arrays.asList(l.split(" ")).contains("compare")).toList();
        // the script's six demo runs: fp32, its stopped-and-resumed copy, bf16-mixed, fp16-mixed, fp32 with
        // explicit attention, one process
        assertEquals(1, compares.size(), "compare runs once over the runs that ended: " + compares);
        long folders = Arrays.stream(compares.get(0).split(" ")).filter(a -> a.contains("demo-runs/demo-")).count();
        assertEquals(6, folders, "every demo that ended, exit 4 included, is compared: " + compares.get(0));
    }
}
