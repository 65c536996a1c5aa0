package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.examples.docs.ProjectDocs;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The exit codes that README.md and docs/*.md give for a command ({@code exit 2}, {@code exits 4},
 * {@code exit code 2}, {@code exit 130 or 143}) are each listed in the exit-code footer of {@code
 * prefine --help}, the one place a user of the command line reads them all: the footer lacked
 * Ctrl-C's 130 and SIGTERM's 143, which the README gives for demo, reproduce and predict.
 */
class UsageExitCodesTest {

    // across a line break too ("Stopped with Ctrl-C (exit\n130)"), and at a sentence's start ("Exit 0")
    private static final Pattern STATED = Pattern.compile(
            "\\bexit(?:s| code)?\\s+(\\d{1,3})(?:\\s+or\\s+(\\d{1,3}))?\\b", Pattern.CASE_INSENSITIVE);

    /**
     * The statuses of {@code timeout} (a limit reached, or SIGKILL after it), which the device
     * check's docs give for its runs: never prefine's own.
     */
    private static final Set<Integer> TIMEOUTS = Set.of(124, 137);

    /** The footer's codes: the numbers between "Exit codes:" and the end of that sentence. */
    private static Set<Integer> listed(String usage) {
        int start = usage.indexOf("Exit codes:");
        assertTrue(start >= 0, usage);
        String list = usage.substring(start, usage.indexOf(".\n", start) < 0 ? usage.length() : usage.indexOf(".\n", start));
        Set<Integer> out = new TreeSet<>();
        // a code, or two joined by "or", opens the footer or follows a comma, then says what it means:
        // "0 done, 2 bad input ..., 3 the Hub failed (unreachable, cut off, 429 or 5xx: ...)"
        Matcher m = Pattern.compile("(?:Exit codes:|,) (\\d{1,3})(?: or (\\d{1,3}))? (?!or )[a-z]")
                .matcher(list.replaceAll("\\s+", " "));
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
            if (m.group(2) != null) {
                out.add(Integer.parseInt(m.group(2)));
            }
        }
        return out;
    }

    @Test
    void everyDocumentedExitCodeIsInTheUsage() {
        CliRunner help = new CliRunner("--help");
        assertEquals(0, help.run());
        Set<Integer> listed = listed(help.out());
        assertTrue(listed.containsAll(List.of(0, 1, 2, 3, 4, 141)), "the footer as read: " + listed + "\n" + help.out());
        List<String> missing = new ArrayList<>();
        Set<Integer> stated = new TreeSet<>();
        for (ProjectDocs.Doc doc : ProjectDocs.markdown()) {
            String prose = String.join("\n", ProjectDocs.prose(doc));
            Matcher m = STATED.matcher(prose);
            while (m.find()) {
                int line = (int) prose.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                for (int g = 1; g <= 2; g++) {
                    if (m.group(g) != null) {
                        stated.add(Integer.parseInt(m.group(g)));
                        int code = Integer.parseInt(m.group(g));
                        if (!listed.contains(code) && !TIMEOUTS.contains(code)) {
                            missing.add(doc.name() + ":" + line + ": exit " + m.group(g));
                        }
                    }
                }
            }
        }
        // the scan reads the docs at all: README gives these (a pattern that matched nothing passed)
        assertTrue(stated.containsAll(List.of(2, 4, 130, 141, 143)), "the exit codes read from the docs: " + stated);
        assertTrue(missing.isEmpty(), "exit codes the docs give that prefine --help does not list " + listed + ": "
                + missing);
    }
}
