package io.github.prefine.eval.files;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.eval.metrics.SpanF1;
import io.github.prefine.eval.metrics.TagScheme;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded corruption fuzzing of the prediction-file readers: a small valid file is damaged at
 * random (truncated, lines deleted, duplicated or swapped, values replaced by JSON of the wrong
 * type, huge numbers, invalid UTF-8, BOMs, CR line ends) and read. The read either succeeds or
 * throws a {@link PredictionFileException} naming the file and a location in plain words.
 */
class PredictionFileFuzzTest {
    private static final int ROUNDS = 600;
    private static final long SEED = 20261205L;

    @TempDir
    Path dir;

    /** One read of the damaged file. */
    private interface Read {
        void run(Path file) throws IOException;
    }

    @Test
    void classification() throws IOException {
        fuzz("preds.jsonl", "{\"id\":\"1\",\"gold\":\"a\",\"pred\":\"b\"}\n{\"id\":2,\"gold\":true,\"pred\":true}\n"
                + "{\"id\":\"3\",\"gold\":\"Café 😀\",\"pred\":\"a\"}\n", ClassificationPredictions::score);
    }

    @Test
    void conll() throws IOException {
        String valid = "-DOCSTART- O O\n\nEU B-ORG B-ORG\nrejects O O\n\nPeter B-PER I-PER\nCafé O O\n";
        fuzz("preds.conll", valid, f -> ConllPredictions.score(f, SpanF1.lenient()));
        fuzz("strict.conll", valid, f -> ConllPredictions.score(f, SpanF1.strict(TagScheme.IOB2)));
    }

    @Test
    void squadPredictions() throws IOException {
        Path gold = dir.resolve("gold.json");
        Files.writeString(gold, SQUAD);
        fuzz("predictions.json", "{\"q1\":\"France\",\"q2\":\"Café 😀\",\"q3\":\"\"}\n",
                f -> SquadPredictions.score(gold, f, false));
    }

    @Test
    void squadGold() throws IOException {
        // a prediction for every question: one damaged id leaves others in common (with none, the
        // predictions file is refused as another dataset's, and the error names it)
        Path pred = dir.resolve("pred.json");
        Files.writeString(pred, "{\"q1\":\"France\",\"q2\":\"Café\",\"q3\":\"B\"}");
        fuzz("dev.json", SQUAD, f -> SquadPredictions.score(f, pred, false));
    }

    static final String SQUAD = "{\"version\":\"1.1\",\"data\":[{\"title\":\"T\",\"paragraphs\":["
            + "{\"context\":\"Paris is in France. Café 😀.\",\"qas\":["
            + "{\"id\":\"q1\",\"question\":\"Where?\",\"answers\":[{\"text\":\"France\",\"answer_start\":12}]},\n"
            + "{\"id\":\"q2\",\"question\":\"What?\",\"answers\":[{\"text\":\"Café 😀\",\"answer_start\":20}]}]},\n"
            + "{\"context\":\"B.\",\"qas\":[{\"id\":\"q3\",\"question\":\"Q?\",\"answers\":[{\"text\":\"B\",\"answer_start\":0}]}]}]}]}\n";

    private void fuzz(String relative, String valid, Read read) throws IOException {
        Path file = dir.resolve(relative);
        Files.writeString(file, valid);
        read.run(file); // the sample is valid: every failure below comes from the damage
        List<String> problems = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(SEED ^ relative.hashCode());
        for (int round = 0; round < ROUNDS && problems.size() < 5; round++) {
            long seed = seeds.nextLong();
            byte[] bytes = corrupt(valid.getBytes(StandardCharsets.UTF_8), new SplittableRandom(seed));
            Files.write(file, bytes);
            String what = relative + " seed " + seed + " input " + new String(bytes, StandardCharsets.UTF_8)
                    .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
            try {
                read.run(file);
            } catch (PredictionFileException e) {
                String m = e.getMessage();
                if (!m.startsWith(file.toString()) || e.location() == null || e.location().isBlank()) {
                    problems.add(what + ": not located: " + m);
                } else if (m.contains("com.google.gson") || m.contains("Exception") || m.contains("setStrictness")) {
                    problems.add(what + ": a library's message: " + m);
                }
            } catch (Exception | StackOverflowError e) {
                problems.add(what + ": threw " + e);
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    private static final Pattern JSON_VALUE =
            Pattern.compile("(?<=[:\\[,])(\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+|true|false|null|\\[\\]|\\{\\})");
    private static final List<String> REPLACEMENTS = List.of("null", "[]", "{}", "\"\"", "\" \"", "1e400",
            "99999999999999999999", "-5", "{\"a\":1}", "[1,2]", "true", "x", "B-", "I-", "O O O O", "\uFEFF");

    static byte[] corrupt(byte[] b, SplittableRandom rnd) {
        for (int n = 1 + rnd.nextInt(3); n > 0; n--) {
            String s = new String(b, StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
            switch (rnd.nextInt(9)) {
                case 0 -> b = Arrays.copyOf(b, b.length == 0 ? 0 : rnd.nextInt(b.length));
                case 1 -> {
                    lines.remove(rnd.nextInt(lines.size()));
                    b = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
                }
                case 2 -> {
                    int k = rnd.nextInt(lines.size());
                    lines.add(k, lines.get(k));
                    b = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
                }
                case 3 -> {
                    Collections.swap(lines, rnd.nextInt(lines.size()), rnd.nextInt(lines.size()));
                    b = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
                }
                case 4 -> {
                    byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC3, 0x28}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}};
                    b = insert(b, rnd.nextInt(b.length + 1), bad[rnd.nextInt(bad.length)]);
                }
                case 5 -> b = insert(b, rnd.nextBoolean() ? 0 : rnd.nextInt(b.length + 1),
                        "\uFEFF".getBytes(StandardCharsets.UTF_8));
                case 6 -> {
                    int k = rnd.nextInt(lines.size());
                    lines.set(k, lines.get(k) + (rnd.nextBoolean() ? "\r" : "\r\r"));
                    b = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
                }
                case 7 -> {
                    if (b.length > 0) {
                        b = b.clone();
                        b[rnd.nextInt(b.length)] = (byte) "\t ,\"{}[]:0-\\\n".charAt(rnd.nextInt(13));
                    }
                }
                default -> {
                    Pattern p = rnd.nextBoolean() ? JSON_VALUE : Pattern.compile("(?<=^| )[^ \\n]+", Pattern.MULTILINE);
                    List<int[]> spans = new ArrayList<>();
                    Matcher m = p.matcher(s);
                    while (m.find()) {
                        spans.add(new int[] {m.start(), m.end()});
                    }
                    if (!spans.isEmpty()) {
                        int[] sp = spans.get(rnd.nextInt(spans.size()));
                        b = (s.substring(0, sp[0]) + REPLACEMENTS.get(rnd.nextInt(REPLACEMENTS.size()))
                                + s.substring(sp[1])).getBytes(StandardCharsets.UTF_8);
                    }
                }
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] c = new byte[b.length + what.length];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(what, 0, c, at, what.length);
        System.arraycopy(b, at, c, at + what.length, b.length - at);
        return c;
    }
}
