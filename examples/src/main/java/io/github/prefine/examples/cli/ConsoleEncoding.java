package io.github.prefine.examples.cli;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import picocli.CommandLine;

/**
 * What the CLI does when the JVM's locale gives it an ASCII encoding ({@code LANG=C} or {@code
 * LC_ALL=POSIX}, common in containers and CI): the file-name encoding ({@code sun.jnu.encoding})
 * and the standard streams' then follow the C locale and are ASCII, and on Java 17 the default
 * charset too.
 *
 * <p>Standard output and error are switched to UTF-8 there, as Python does in the C locale (PEP 538
 * and 540): the C locale usually means that no locale was set, not that the terminal is ASCII, and
 * otherwise the tables printed to a redirected output lose their dashes and {@code ±} to {@code ?}
 * while the same tables written to {@code --out} keep them. Other locales keep their encoding.
 *
 * <p>An argument that the JVM could not decode (a path with {@code é} under the C locale) arrives
 * with U+FFFD in place of its bytes. No file has that name, and a re-launched JVM would get literal
 * {@code ?} instead, a folder other than the one asked for: such an argument is refused.
 *
 * <p>Public for the other entry point, {@code prefine-spark}'s {@code SparkGrid.main}, which does
 * both before parsing its arguments as {@code prefine} does.
 */
public final class ConsoleEncoding {
    private ConsoleEncoding() {}

    /**
     * Whether the locale's encoding is ASCII: the default charset follows it on Java 17, but from
     * Java 18 on the default is UTF-8 whatever the locale (JEP 400) while standard output and error
     * still encode in the locale's, which {@code native.encoding} names.
     */
    static boolean asciiLocale() {
        return Charset.defaultCharset().equals(StandardCharsets.US_ASCII)
                || isAscii(System.getProperty("native.encoding"));
    }

    private static boolean isAscii(String encoding) {
        try {
            return encoding != null && Charset.forName(encoding).equals(StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            // a name this JVM does not know is no reason to change its streams
            return false;
        }
    }

    /**
     * Gives a command line UTF-8 writers on standard output and error in an ASCII locale; picocli
     * otherwise encodes them in the default charset whatever {@code System.out} does.
     *
     * @param cli the command line
     */
    static void useUtf8InAnAsciiLocale(CommandLine cli) {
        if (asciiLocale()) {
            cli.setOut(new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)), true));
            cli.setErr(new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8)), true));
        }
    }

    /**
     * Switches {@code System.out} and {@code System.err} to UTF-8 when the default charset is
     * ASCII; call it first in {@code main}, before anything is printed.
     */
    public static void useUtf8InAnAsciiLocale() {
        if (!asciiLocale()) {
            return;
        }
        // as the JDK builds them: a small buffer, flushed at each line
        System.setOut(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 128), true,
                StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.err), 128), true,
                StandardCharsets.UTF_8));
    }

    /**
     * The refusal of an argument that the JVM could not decode, if there is one.
     *
     * @param args the command line's arguments
     * @return the message, naming the argument, the encoding and the fix
     */
    public static Optional<String> undecodable(String... args) {
        for (String a : args) {
            if (a.indexOf('\uFFFD') >= 0) {
                return Optional.of("argument '" + a + "' holds bytes that this JVM's file-name encoding "
                        + System.getProperty("sun.jnu.encoding") + " cannot decode (U+FFFD in their place), so no file"
                        + " or folder of that name can be opened or created; run with a UTF-8 locale"
                        + " (LANG=C.UTF-8 or LC_ALL=C.UTF-8), or use a name in ASCII");
            }
        }
        return Optional.empty();
    }
}
