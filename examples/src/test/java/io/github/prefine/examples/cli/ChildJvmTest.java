package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line of a child JVM: this JVM's options, native access granted once, the CLI. */
class ChildJvmTest {

    @Test
    void theChildIsGrantedNativeAccessOnce() {
        String cli = PrefineCli.class.getName();
        assertEquals(List.of("java", "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-cp", "a.jar:lib/b.jar", cli,
                "demo", "--seeds", "1"), ChildJvm.command("java", List.of("-Xmx1g"), "a.jar:lib/b.jar",
                List.of("demo", "--seeds", "1")));
        // a worker of a re-launched child inherits the option with the others
        assertEquals(List.of("java", "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-cp", "a.jar", cli, "bench"),
                ChildJvm.command("java", List.of("--enable-native-access=ALL-UNNAMED", "-Xmx1g"), "a.jar",
                        List.of("bench")));
    }
}
