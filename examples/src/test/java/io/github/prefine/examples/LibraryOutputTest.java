package io.github.prefine.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library modules are used as dependencies: they report through SLF4J and listeners, never
 * on the host application's standard streams (STYLE.md, "Logging"). Only examples may print.
 */
class LibraryOutputTest {
    private static final List<String> LIBRARY_MODULES = List.of("sampling", "eval", "heads", "core");
    private static final Pattern PRINTS = Pattern.compile(
            "System\\s*\\.\\s*(out|err)\\b|\\.printStackTrace\\s*\\(|System\\s*\\.\\s*console\\s*\\(|Thread\\s*\\.\\s*dumpStack");
    private static final Pattern LOGGER = Pattern.compile("LoggerFactory\\s*\\.\\s*getLogger\\s*\\(\\s*([\\w.]+)\\s*\\)");

    @Test
    void libraryCodeNeverWritesToTheStandardStreams() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : librarySources()) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String code = withoutComment(lines.get(i));
                if (PRINTS.matcher(code).find()) {
                    found.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertEquals(List.of(), found, "library code prints; log through SLF4J or report to a listener instead");
    }

    @Test
    void eachLibraryLoggerIsNamedAfterItsOwnClass() throws IOException {
        List<String> found = new ArrayList<>();
        int loggers = 0;
        for (Path file : librarySources()) {
            String name = file.getFileName().toString().replace(".java", "");
            Matcher m = LOGGER.matcher(Files.readString(file));
            while (m.find()) {
                loggers++;
                if (!m.group(1).equals(name + ".class")) {
                    found.add(file + ": getLogger(" + m.group(1) + ")");
                }
            }
        }
        assertTrue(loggers > 10, "found only " + loggers + " loggers: are the library sources where this test looks?");
        assertEquals(List.of(), found, "a logger borrowed from another class files its lines under that class's name");
    }

    @Test
    void theGuardSeesWhatItLooksFor() {
        // the patterns above, checked on lines a careless change would add
        assertTrue(PRINTS.matcher("System.out.println(x);").find());
        assertTrue(PRINTS.matcher("System .err.print(x);").find());
        assertTrue(PRINTS.matcher("e.printStackTrace();").find());
        assertTrue(!PRINTS.matcher(withoutComment("LOG.info(x); // not System.out")).find());
        Matcher m = LOGGER.matcher("LoggerFactory.getLogger(Other.class)");
        assertTrue(m.find() && m.group(1).equals("Other.class"));
    }

    private static String withoutComment(String line) {
        String s = line.strip();
        if (s.startsWith("*") || s.startsWith("/*")) {
            return "";
        }
        int c = s.indexOf("//");
        return c < 0 ? s : s.substring(0, c);
    }

    private static List<Path> librarySources() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> files = new ArrayList<>();
        for (String module : LIBRARY_MODULES) {
            Path src = root.resolve(module).resolve("src/main/java");
            assertTrue(Files.isDirectory(src), src + " is missing");
            try (Stream<Path> s = Files.walk(src)) {
                s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
            }
        }
        return files;
    }
}
