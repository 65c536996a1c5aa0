package io.github.prefine.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Java versions each Spark line's documentation lists ("Spark runs on Java 8/11/17" for 3.5,
 * "17/21" for 4.0 and 4.1, "17/21/25" for 4.2), and which Java the grid refuses or warns about.
 */
class SupportedJavaTest {

    @Test
    void eachLineListsWhatItsDocumentationStates() {
        assertEquals(List.of(8, 11, 17), SupportedJava.documented("3.5.6"));
        assertEquals(List.of(17, 21), SupportedJava.documented("4.0.1"));
        assertEquals(List.of(17, 21), SupportedJava.documented("4.1.0"));
        assertEquals(List.of(17, 21, 25), SupportedJava.documented("4.2.0"));
        assertEquals(List.of(17, 21), SupportedJava.documented("4.0.0-preview2"));
        assertThrows(IllegalArgumentException.class, () -> SupportedJava.documented("four"));
        assertThrows(IllegalArgumentException.class, () -> SupportedJava.documented("2.4.8"));
    }

    @Test
    void java25IsRefusedBeforeSparkFourTwoWithTheVersionsToSubmitWith() {
        String r = SupportedJava.refusal("3.5.6", 25).orElseThrow();
        assertTrue(r.startsWith("Spark 3.5.6 runs on Java 8/11/17, and this JVM is Java 25"), r);
        assertTrue(r.contains("submit with Java 17 (the JAVA_HOME"), r);
        String r4 = SupportedJava.refusal("4.0.1", 25).orElseThrow();
        assertTrue(r4.startsWith("Spark 4.0.1 runs on Java 17/21, and this JVM is Java 25"), r4);
        assertTrue(r4.contains("submit with Java 17 or 21 (the JAVA_HOME"), r4);
        assertTrue(SupportedJava.refusal("3.5.6", 23).isPresent(), "Hadoop's login fails from 23 on");
        assertEquals(Optional.empty(), SupportedJava.refusal("4.2.0", 25));
    }

    @Test
    void aListedJavaPassesAndAnUnlistedOlderOneOnlyWarns() {
        assertEquals(Optional.empty(), SupportedJava.refusal("3.5.6", 17));
        assertEquals(Optional.empty(), SupportedJava.warning("3.5.6", 17));
        assertEquals(Optional.empty(), SupportedJava.warning("4.1.0", 21));
        // Java 21 on Spark 3.5: not listed, nothing known to break
        assertEquals(Optional.empty(), SupportedJava.refusal("3.5.6", 21));
        assertEquals(Optional.of("Spark 3.5.6 documents Java 8/11/17, not Java 21; if the submit fails, submit with"
                + " Java 17"), SupportedJava.warning("3.5.6", 21));
        assertEquals(Optional.empty(), SupportedJava.warning("3.5.6", 25), "refused, not warned");
        assertTrue(SupportedJava.warning("4.2.0", 26).isPresent());
    }
}
