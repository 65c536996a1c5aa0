package io.github.prefine.examples;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of a real {@code mvn} process from a test, and the reason to skip when it could not be
 * judged here: no {@code mvn} on the PATH, or artifacts missing while Maven Central is out of
 * reach.
 *
 * @param finished whether it ended within its time
 * @param exitCode its exit code, -1 when it did not finish
 * @param log what it printed, stdout and stderr together
 * @param skipReason why the result says nothing about the project, or null
 */
record MavenRun(boolean finished, int exitCode, String log, String skipReason) {
    /** The reactor root of this checkout (tests run in {@code examples/}). */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    /**
     * Runs {@code mvn -B -ntp} with {@code args}.
     *
     * @param log where the output goes
     * @param minutes the most it may take
     * @param args the arguments after {@code -B -ntp}
     * @return the run, with a skip reason when {@code mvn} is missing or it failed to resolve offline
     * @throws IOException if the process cannot start or its log cannot be read
     * @throws InterruptedException if interrupted while waiting
     */
    static MavenRun run(Path log, int minutes, List<String> args) throws IOException, InterruptedException {
        String mvn = findOnPath(isWindows() ? "mvn.cmd" : "mvn");
        if (mvn == null) {
            return new MavenRun(false, -1, "", "mvn is not on the PATH");
        }
        List<String> cmd = new ArrayList<>(List.of(mvn, "-B", "-ntp"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        // Maven's own JVM runs for seconds: C1 alone halves its CPU time (ShortLivedJvm), added to the machine's options
        String opts = pb.environment().getOrDefault("MAVEN_OPTS", "");
        pb.environment().put("MAVEN_OPTS", (opts + " " + String.join(" ", ShortLivedJvm.OPTIONS)).strip());
        Process p = pb.start();
        boolean finished = p.waitFor(minutes, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        int rc = finished ? p.exitValue() : -1;
        String skip = null;
        if (rc != 0 && unresolved(out) && !centralReachable()) {
            Matcher m = Pattern.compile("(?m)^.*(could not be resolved|Could not resolve|Could not transfer).*$").matcher(out);
            skip = "Maven Central is not reachable and the local repository lacks what the build needs ("
                    + (m.find() ? m.group().strip() : "unresolved artifacts") + "); run once online or fill ~/.m2 first";
        }
        return new MavenRun(finished, rc, out, skip);
    }

    /** Whether Maven Central answers on its port; a fresh machine needs it. */
    static boolean centralReachable() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("repo.maven.apache.org", 443), 3000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first group of {@code regex} in {@code text}; a missing match is a broken pom.xml. */
    static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("pom.xml: expected a match for " + regex + ", found none");
        }
        return m.group(1);
    }

    private static boolean unresolved(String log) {
        return log.contains("could not be resolved") || log.contains("Could not resolve")
                || log.contains("Could not transfer") || log.contains("Cannot access");
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase().contains("win");
    }

    private static String findOnPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(File.pathSeparator)) {
            Path c = Path.of(d, exe);
            if (Files.isExecutable(c)) {
                return c.toString();
            }
        }
        return null;
    }
}
