package io.github.prefine.examples.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a second JVM that runs the CLI as this one does: the malloc re-launch and
 * the workers. It gets the JVM options it is handed, the class path, {@link PrefineCli} and the
 * arguments, and it is always allowed native access.
 *
 * <p>PyTorch, the tokenizers and JNA load native libraries through {@code System.load}, which Java
 * 24 and later restrict (JEP 472): without native access granted, the first such call prints a
 * four-line warning, and a later release will refuse it. {@code java -jar prefine.jar} is granted
 * it by the jar's {@code Enable-Native-Access} manifest entry, which a JVM started with {@code
 * -cp} never reads, so the child is given {@link #NATIVE_ACCESS} instead, on Java 24 and later
 * only: Java 17 accepts the option silently, but a child JVM started with it ran the demo model's
 * training step about 25 times slower (4.7 s against 0.18-0.22 s per step, measured with {@code bench
 * --model DEMO --batch 32 --length 16} on OpenJDK 17.0.15; Temurin 25 runs at the same speed with
 * and without it).
 */
final class ChildJvm {

    /** Grants native access to the class path, as the manifest of {@code prefine.jar} does. */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /** The first Java that warns on a native library loaded without native access (JEP 472). */
    static final int WARNS_FROM = 24;

    private ChildJvm() {}

    /**
     * The command that starts the CLI in a child JVM of this JVM's Java (the caller's {@code java}
     * is this JVM's own executable).
     *
     * @param java the java executable
     * @param jvmOptions the options to start it with (this JVM's, filtered by the caller)
     * @param classPath its class path
     * @param args the CLI's arguments
     * @return see {@link #command(String, int, List, String, List)}, for this JVM's Java version
     */
    static List<String> command(String java, List<String> jvmOptions, String classPath, List<String> args) {
        return command(java, Runtime.version().feature(), jvmOptions, classPath, args);
    }

    /**
     * The command that starts the CLI in a child JVM of a given Java version.
     *
     * @param java the java executable
     * @param javaFeature its feature version ({@code Runtime.version().feature()})
     * @param jvmOptions the options to start it with (this JVM's, filtered by the caller)
     * @param classPath its class path
     * @param args the CLI's arguments
     * @return {@code java}, the options with {@link #NATIVE_ACCESS} added on Java {@value #WARNS_FROM}
     *     and later unless already there, {@code -cp classPath}, {@link PrefineCli} and the arguments
     */
    static List<String> command(String java, int javaFeature, List<String> jvmOptions, String classPath,
            List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmOptions);
        // a worker started by a re-launched child already has it
        if (javaFeature >= WARNS_FROM && !jvmOptions.contains(NATIVE_ACCESS)) {
            cmd.add(NATIVE_ACCESS);
        }
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(PrefineCli.class.getName());
        cmd.addAll(args);
        return cmd;
    }
}
