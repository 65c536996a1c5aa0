package io.github.prefine.examples.spark;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;

/** Skips the Spark and Hadoop tests on a Java where the Spark on the class path cannot start. */
final class SparkAssumptions {
    private SparkAssumptions() {}

    /**
     * Skips the calling test class, printing {@link SupportedJava#refusalHere()} as the reason:
     * surefire records no reason for a class skipped from {@code @BeforeAll}.
     *
     * @param test the test class
     */
    static void assumeSparkStartsHere(Class<?> test) {
        Optional<String> refusal = SupportedJava.refusalHere();
        refusal.ifPresent(r -> System.out.println(test.getSimpleName() + " skipped: " + r));
        assumeTrue(refusal.isEmpty(), () -> refusal.orElse(""));
    }
}
