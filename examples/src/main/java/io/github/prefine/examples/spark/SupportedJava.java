package io.github.prefine.examples.spark;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Java versions a Spark line runs on, as its documentation states ("Spark runs on Java ..."
 * on the overview page of each release's docs), and the check {@link SparkGrid#main} makes before
 * it starts a Spark context.
 *
 * <p>Java 23 and later are refused on Spark 4.1 and earlier, which do not list them: the Hadoop
 * client of Spark 3.5 logs the user in with {@code Subject.getSubject}, which throws from Java 23
 * on unless a security manager is allowed, and Java 24 disabled the security manager for good
 * (JEP 486). Without this check the submit ends in an {@code UnsupportedOperationException} from
 * deep inside the Spark context's start. A Java that the line does not list but where nothing is
 * known to break (Java 21 on Spark 3.5, Java 26 on Spark 4.2) only gets a warning.
 */
final class SupportedJava {

    /** The first Java on which {@code Subject.getSubject}, which Hadoop's login calls, throws by default. */
    static final int HADOOP_LOGIN_FAILS_FROM = 23;

    private static final Pattern LINE = Pattern.compile("(\\d+)\\.(\\d+)");

    private SupportedJava() {}

    /**
     * The Java feature versions a Spark line's documentation lists.
     *
     * @param sparkVersion a Spark version such as {@code 3.5.6} or {@code 4.0.0-preview2}
     * @return 8, 11, 17 for 3.x; 17, 21 for 4.0 and 4.1; 17, 21, 25 for 4.2 and later lines
     * @throws IllegalArgumentException if the version does not start with major.minor, or is
     *     older than 3.0
     */
    static List<Integer> documented(String sparkVersion) {
        Matcher m = LINE.matcher(sparkVersion);
        if (!m.lookingAt()) {
            throw new IllegalArgumentException("Spark version must start with major.minor, found '" + sparkVersion + "'");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major < 3) {
            throw new IllegalArgumentException("prefine runs on Spark 3.0 or later, found " + sparkVersion);
        }
        if (major == 3) {
            return List.of(8, 11, 17);
        }
        return major == 4 && minor < 2 ? List.of(17, 21) : List.of(17, 21, 25);
    }

    /**
     * The version of the Spark on the class path.
     *
     * @return such as {@code 3.5.6}
     */
    static String sparkVersion() {
        return org.apache.spark.package$.MODULE$.SPARK_VERSION();
    }

    /**
     * {@link #refusal} for the Spark on the class path and the running Java.
     *
     * @return the refusal, or empty if a Spark context may start here
     */
    static Optional<String> refusalHere() {
        return refusal(sparkVersion(), Runtime.version().feature());
    }

    /**
     * Why a Spark context must not be started on this Java, if it must not.
     *
     * @param sparkVersion the Spark version on the class path
     * @param java the running Java's feature version ({@code Runtime.version().feature()})
     * @return one line naming both versions and the Java versions to submit with; empty if the
     *     context may start
     */
    static Optional<String> refusal(String sparkVersion, int java) {
        List<Integer> listed = documented(sparkVersion);
        // a line that lists Java 25 (4.2 and later) has a Hadoop client without the login problem
        if (java < HADOOP_LOGIN_FAILS_FROM || listed.contains(25)) {
            return Optional.empty();
        }
        return Optional.of("Spark " + sparkVersion + " runs on Java " + names(listed) + ", and this JVM is Java " + java
                + ": Hadoop's login, which starts with the Spark context, fails on Java " + HADOOP_LOGIN_FAILS_FROM
                + " and later (Subject.getSubject without a security manager); submit with Java " + ours(listed)
                + " (the JAVA_HOME of spark-submit and of the executors), or Spark 4.2 or later, which lists Java "
                + names(documented("4.2")));
    }

    /**
     * A warning for a Java that the Spark line does not list but that {@link #refusal} lets run.
     *
     * @param sparkVersion the Spark version on the class path
     * @param java the running Java's feature version
     * @return one line, or empty if the line lists this Java or it is refused
     */
    static Optional<String> warning(String sparkVersion, int java) {
        List<Integer> listed = documented(sparkVersion);
        if (listed.contains(java) || refusal(sparkVersion, java).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("Spark " + sparkVersion + " documents Java " + names(listed) + ", not Java " + java
                + "; if the submit fails, submit with Java " + ours(listed));
    }

    /** The listed versions prefine itself can run on (17 and later). */
    private static String ours(List<Integer> listed) {
        return listed.stream().filter(v -> v >= 17).map(String::valueOf).collect(Collectors.joining(" or "));
    }

    private static String names(List<Integer> listed) {
        return listed.stream().map(String::valueOf).collect(Collectors.joining("/"));
    }
}
