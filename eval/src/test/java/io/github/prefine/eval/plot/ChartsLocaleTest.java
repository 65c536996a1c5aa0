package io.github.prefine.eval.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Charts are drawn the same whatever the JVM's default locale: axis numbers in ASCII digits with a
 * decimal point, as the tables beside them. XChart formats tick labels in its styler's locale,
 * which defaults to the JVM's: ar-EG drew Arabic-Indic digits and de-DE decimal commas.
 */
class ChartsLocaleTest {

    /** The SVG and PNG of both charts, drawn under a default locale. */
    private static List<byte[]> draw(Locale locale, Path dir) throws Exception {
        Locale saved = Locale.getDefault();
        Locale savedFormat = Locale.getDefault(Locale.Category.FORMAT);
        try {
            Locale.setDefault(locale);
            Map<String, List<Double>> loss = new LinkedHashMap<>();
            loss.put("conll2003", List.of(1.25, 0.8, 0.6, 0.5));
            loss.put("squad", List.of(3.1, 2.2, 1.9, 1.8));
            List<Path> curves = Charts.writePngAndSvg(Charts.trainingCurves(loss, List.of(2.0, 1.5, 1.4, 1.45), 640, 400),
                    dir, "curves");
            List<Path> bars = Charts.writePngAndSvg(Charts.groupBars(ChartsTest.table2(), 800, 500), dir, "table2");
            return List.of(svg(curves.get(1)), Files.readAllBytes(curves.get(0)), svg(bars.get(1)),
                    Files.readAllBytes(bars.get(0)));
        } finally {
            Locale.setDefault(saved);
            Locale.setDefault(Locale.Category.FORMAT, savedFormat);
        }
    }

    /** The SVG with its clip-path ids, which differ from one drawing to the next, numbered in order. */
    private static byte[] svg(Path file) throws Exception {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("clip-?\\d+").matcher(text);
        Map<String, String> ids = new LinkedHashMap<>();
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, ids.computeIfAbsent(m.group(), k -> "clip#" + ids.size()));
        }
        m.appendTail(out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void chartsAreTheSameUnderLocalesWithOtherDigitsAndDecimalCommas(@TempDir Path dir) throws Exception {
        List<byte[]> root = draw(Locale.ROOT, dir.resolve("root"));
        for (String tag : List.of("ar-EG", "de-DE", "tr-TR", "th-TH-u-nu-thai")) {
            List<byte[]> other = draw(Locale.forLanguageTag(tag), dir.resolve(tag));
            assertEquals(root.size(), other.size());
            for (int i = 0; i < root.size(); i++) {
                assertArrayEquals(root.get(i), other.get(i), tag + ": " + List.of("curves.svg", "curves.png", "table2.svg",
                        "table2.png").get(i) + " differs from the one drawn under Locale.ROOT");
            }
        }
    }
}
