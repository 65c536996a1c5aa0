package io.github.prefine.examples.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Starts one child JVM per extra GPU for {@code --device N}: the same command with {@code
 * --device gpu:K}, sharing the output folder, whose unit locks split the work. A worker ends when
 * this process ends, however it ends ({@link ParentWatch}).
 */
final class Workers {
    private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

    private Workers() {}

    static List<Process> start(int gpus, CommandLine.Model.CommandSpec spec, String deviceValue) throws IOException {
        List<Process> out = new ArrayList<>();
        if (gpus <= 1) {
            return out;
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        for (int k = 1; k < gpus; k++) {
            List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    PrefineCli.class.getName(), spec.name()));
            for (int i = 0; i < original.size(); i++) {
                String a = original.get(i);
                if (a.equals("--device")) {
                    i++;
                } else if (!a.startsWith("--device=") && !a.equals("--force")) {
                    // the parent has already cleared a forced folder; a worker must not clear it under it
                    cmd.add(a);
                }
            }
            cmd.add("--device");
            cmd.add("gpu:" + k);
            LOG.info("starting worker for GPU {}", k);
            out.add(ParentWatch.start(cmd, Map.of()));
        }
        return out;
    }

    static void await(List<Process> workers) throws InterruptedException {
        for (Process p : workers) {
            int rc = p.waitFor();
            if (rc != 0) {
                LOG.warn("worker {} exited with {}", p.pid(), rc);
            }
        }
    }
}
