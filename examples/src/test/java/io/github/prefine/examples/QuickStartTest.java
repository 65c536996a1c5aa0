package io.github.prefine.examples;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's QuickStart runs and reports a span F1 learned from pre-finetuned features. */
class QuickStartTest {
    @Test
    void runsAndPrintsTheTargetMetric() throws Exception {
        Set<Path> before = workFolders();
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            QuickStart.main(new String[0]);
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("syn-sl-target-all SPAN_F1 after pre-finetuning on \\[syn-sl-people, syn-sl-business\\]: "
                + "([0-9.]+) ± ([0-9.]+)").matcher(out);
        assertTrue(m.find(), out);
        double f1 = Double.parseDouble(m.group(1));
        // a tagger that learned nothing scores 0; the pre-finetuned encoder gives well above that
        assertTrue(f1 > 20 && f1 <= 100, out);
        Set<Path> left = workFolders();
        left.removeAll(before);
        assertTrue(left.isEmpty(), "QuickStart left its work folder behind: " + left);
    }

    @Test
    void refusesArgumentsItWouldIgnore() {
        // it used to ignore them and train as if none were given
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuickStart.main(new String[] {"--seeds", "1"}));
        assertTrue(e.getMessage().contains("--seeds 1"), e.getMessage());
    }

    private static Set<Path> workFolders() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("prefine-quickstart"))
                    .collect(Collectors.toCollection(HashSet::new));
        }
    }
}
