package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line of a child JVM: this JVM's options, native access granted once on Java 24+, the CLI. */
class ChildJvmTest {
    private static final String CLI = PrefineCli.class.getName();

    @Test
    void onJava24AndLaterTheChildIsGrantedNativeAccessOnce() {
        for (int java : new int[] {24, 25}) {
            assertEquals(List.of("java", "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-cp", "a.jar:lib/b.jar", CLI,
                    "demo", "--seeds", "1"), ChildJvm.command("java", java, List.of("-Xmx1g"), "a.jar:lib/b.jar",
                    List.of("demo", "--seeds", "1")));
            // a worker of a re-launched child inherits the option with the others
            assertEquals(List.of("java", "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-cp", "a.jar", CLI, "bench"),
                    ChildJvm.command("java", java, List.of("--enable-native-access=ALL-UNNAMED", "-Xmx1g"), "a.jar",
                            List.of("bench")));
        }
    }

    /**
     * Java 17 accepts the option without a word, but a child started with it trained about 25 times
     * slower (measured, see ChildJvm); before Java 24 nothing warns, so nothing is added.
     */
    @Test
    void beforeJava24TheChildGetsNoNativeAccessOption() {
        for (int java : new int[] {17, 21, 23}) {
            assertEquals(List.of("java", "-Xmx1g", "-cp", "a.jar", CLI, "bench"),
                    ChildJvm.command("java", java, List.of("-Xmx1g"), "a.jar", List.of("bench")), "Java " + java);
        }
    }
}
