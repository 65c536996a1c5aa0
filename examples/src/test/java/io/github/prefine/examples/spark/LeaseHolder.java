package io.github.prefine.examples.spark;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;

/**
 * Another executor's attempt of one unit, as a process of its own for {@link UnitLeaseTest}: claims
 * the unit's lease on a mirrored folder (and those of any further units, which it only holds, so
 * that one process serves several checks), says {@code held}, then on the line {@code push TEXT}
 * writes TEXT to the unit's done marker and pushes it as a holder does (asking its lease first),
 * and says {@code pushed} or {@code refused: REASON}.
 */
public final class LeaseHolder {
    private LeaseHolder() {}

    /**
     * @param args the folder's URI, this process's mirror folder, the unit, the done marker, the
     *     heartbeat and the expiry in milliseconds, then any further units to hold
     * @throws Exception on any failure, which the test sees as a missing line
     */
    public static void main(String[] args) throws Exception {
        GridFolder out = GridFolder.open(args[0], new Configuration(), true, Path.of(args[1]));
        UnitLease.Timing timing = new UnitLease.Timing(Duration.ofMillis(Long.parseLong(args[4])),
                Duration.ofMillis(Long.parseLong(args[5])));
        String name = "the holder process " + ProcessHandle.current().pid();
        UnitLease lease = UnitLease.claim(out, args[2], args[3], name, timing, Duration.ofMinutes(1)).orElseThrow();
        java.util.List<UnitLease> others = new java.util.ArrayList<>();
        for (int i = 6; i < args.length; i++) {
            others.add(UnitLease.claim(out, args[i], args[3], name, timing, Duration.ofMinutes(1)).orElseThrow());
        }
        System.out.println("held");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line != null && line.startsWith("push ")) {
            Path f = out.local().resolve(args[3]);
            Files.createDirectories(f.getParent());
            Files.writeString(f, line.substring("push ".length()));
            try {
                out.push(args[3], lease::check);
                System.out.println("pushed");
            } catch (UnitLease.LostLeaseException e) {
                System.out.println("refused: " + e.getMessage());
            }
            System.out.flush();
        }
        lease.close();
        for (UnitLease l : others) {
            l.close();
        }
    }
}
