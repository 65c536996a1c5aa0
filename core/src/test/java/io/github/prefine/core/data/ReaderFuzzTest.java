package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.data.internal.JsonLines;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded corruption fuzzing of every dataset reader: a small valid file is damaged at random
 * (truncated, lines deleted, duplicated or swapped, fields replaced by empty, blank, non-numeric,
 * huge or negative values or by JSON of the wrong type, invalid UTF-8, BOMs, CR line ends) and
 * read both ways. A strict read either succeeds or throws a {@link MalformedDatasetException}
 * whose message names the file and a location; a lenient read throws only for whole-document
 * defects, and accounts for every unit it drops.
 */
class ReaderFuzzTest {
    private static final int ROUNDS = 500;
    private static final long SEED = 20261205L;

    @TempDir
    Path dir;

    /** Units a report's skips and examples must add up to, or none where not countable. */
    private interface Accounting {
        void check(ReadReport r, List<String> problems, String what);
    }

    /** examples + every skip = records. */
    private static final Accounting ALL_SKIPS = (r, p, w) -> {
        int records = Math.max(r.records(), r.skipped(Defects.EMPTY_FILE));
        if (r.examples() + r.totalSkipped() != records) {
            p.add(w + ": examples " + r.examples() + " + skipped " + r.skipped() + " != records " + r.records());
        }
    };

    private static Accounting only(String... reasons) {
        return (r, p, w) -> {
            int s = r.skipped(Defects.EMPTY_FILE);
            for (String reason : reasons) {
                s += r.skipped(reason);
            }
            if (r.examples() + s != r.records() + r.skipped(Defects.EMPTY_FILE)) {
                p.add(w + ": examples " + r.examples() + " + skipped " + r.skipped() + " != records " + r.records());
            }
        };
    }

    private static final Accounting NONE = (r, p, w) -> { };

    // --- valid samples -------------------------------------------------------------------

    static final String CONLL = "-DOCSTART- -X- O\n\nEU NNP B-ORG\nrejects VBZ O\nGerman JJ B-MISC\ncall NN O\n\n"
            + "Peter NNP B-PER\nBlackburn NNP I-PER\n\nCafé NN O\nnaïve JJ O\n";
    static final String TSV = "sentence1\tsentence2\tlabel\nA man eats .\tA person eats .\t1\n"
            + "It rains .\tThe sun shines .\t0\nCafé ☕ .\tA drink .\t1\nX .\tY .\t0\n";
    static final String JSONL = "{\"premise\":\"A man eats.\",\"hypothesis\":\"A person eats.\",\"label\":\"entailment\"}\n"
            + "{\"premise\":\"It rains.\",\"hypothesis\":\"Sun.\",\"label\":\"contradiction\",\"idx\":1}\n"
            + "{\"premise\":\"Café 😀.\",\"hypothesis\":\"Drink.\",\"label\":\"neutral\",\"idx\":2}\n";
    static final String COPA = "{\"premise\":\"The man broke his toe.\",\"choice1\":\"He dropped a hammer.\","
            + "\"choice2\":\"He got a hole.\",\"question\":\"cause\",\"label\":0,\"idx\":0}\n"
            + "{\"premise\":\"I tipped the bottle.\",\"choice1\":\"It spilled.\",\"choice2\":\"It froze.\","
            + "\"question\":\"effect\",\"label\":1,\"idx\":1}\n"
            + "{\"premise\":\"Café 😀.\",\"choice1\":\"a\",\"choice2\":\"b\",\"question\":\"effect\",\"idx\":2}\n";
    static final String WIC = "carry\tV\t2-1\tYou must carry it .\tSound carries well .\n"
            + "bank\tN\t1-3\tThe bank is open .\tThe river bank .\nplay\tV\t0-0\tPlay it .\tThey play .\n";
    static final String WIC_GOLD = "F\nF\nT\n";
    static final String SQUAD = "{\"version\":\"1.1\",\"data\":[{\"title\":\"T\",\"paragraphs\":["
            + "{\"context\":\"Paris is in France. Café 😀 is near.\",\"qas\":["
            + "{\"id\":\"q1\",\"question\":\"Where is Paris?\",\"answers\":[{\"text\":\"France\",\"answer_start\":12}]},"
            + "{\"id\":\"q2\",\"question\":\"What is near?\",\"answers\":[{\"text\":\"Café 😀\",\"answer_start\":20},"
            + "{\"text\":\"Café\",\"answer_start\":20}]}]},"
            + "{\"context\":\"Berlin is big.\",\"qas\":[{\"id\":\"q3\",\"question\":\"What is big?\","
            + "\"answers\":[{\"text\":\"Berlin\",\"answer_start\":0}]}]}]}]}\n";
    static final String MRQA = "{\"header\":{\"dataset\":\"SQuAD\",\"split\":\"dev\"}}\n"
            + "{\"context\":\"The Eiffel Tower is in Paris.\",\"qas\":[{\"qid\":\"a\",\"question\":\"where?\","
            + "\"answers\":[\"Paris\"],\"detected_answers\":[{\"text\":\"Paris\",\"char_spans\":[[23,27]]}]},"
            + "{\"qid\":\"b\",\"question\":\"what?\",\"detected_answers\":[{\"text\":\"Eiffel Tower\",\"char_spans\":[[4,15]]}]}]}\n"
            + "{\"context\":\"Café 😀 Rome.\",\"qas\":[{\"qid\":\"c\",\"question\":\"which?\","
            + "\"detected_answers\":[{\"text\":\"Rome\",\"char_spans\":[[7,10]]}]}]}\n";
    static final String QED = "{\"example_id\":1,\"question_text\":\"who?\",\"paragraph_text\":\"Café 😀 Ann wrote it.\","
            + "\"annotation\":{\"answer\":[{\"paragraph_reference\":{\"start\":7,\"end\":10,\"string\":\"Ann\"}}]},"
            + "\"original_nq_answers\":[]}\n"
            + "{\"example_id\":\"2\",\"question_text\":\"what?\",\"paragraph_text\":\"Bob ate.\",\"annotation\":{},"
            + "\"original_nq_answers\":[[{\"start\":0,\"end\":3,\"string\":\"Bob\"}]]}\n";
    static final String SUBJQA = "q_review_id,question,review,human_ans_spans,human_ans_indices\n"
            + "p1,how?,\"I loved this book, really.\",loved this book,\"(2, 17)\"\n"
            + "p1,how?,\"I loved this book, really.\",really,\"(19, 25)\"\n"
            + "p2,why?,\"Café 😀 good\",ANSWERNOTFOUND,\"(0, 0)\"\n"
            + "p3,who?,\"Ann wrote \"\"it\"\"\",Ann,\"(0, 3)\"\n";

    static final String CSV = "text_a,text_b,label\r\n\"A man, eating\",\"He said \"\"hi\"\"\",1\r\n"
            + "\"Two\nlines\",,0\r\nCafé ☕ .,A drink .,1\r\nX,\"Y\r\nZ\",0\r\n";

    // --- the fuzz loops ------------------------------------------------------------------

    @Test
    void conll() throws IOException {
        fuzz("conll/train.conll", CONLL, false, ConllReader.builder().build(), ALL_SKIPS, false);
    }

    @Test
    void conllTabSeparated() throws IOException {
        fuzz("conll/tab.conll", CONLL.replace(' ', '\t'), false,
                ConllReader.builder().optSeparator(ConllReader.Separator.TAB).optScheme(FileTagScheme.IOB1).build(),
                ALL_SKIPS, false);
    }

    @Test
    void conllTagFirstAndIo() throws IOException {
        String tagFirst = "O\tEU\nO\trejects\nMISC\tGerman\n\nPER\tPeter\nPER\tBlackburn\n";
        fuzz("mit/train.bio", tagFirst, false, ConllReader.builder().optSeparator(ConllReader.Separator.TAB)
                .optColumns(2).optTagColumn(0).optTokenColumn(1).optScheme(FileTagScheme.IO).build(), ALL_SKIPS, false);
    }

    @Test
    void gzipped() throws IOException {
        Path file = dir.resolve("mrqa/dev.jsonl.gz");
        Files.createDirectories(file.getParent());
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(buf)) {
            z.write(MRQA.getBytes(StandardCharsets.UTF_8));
        }
        byte[] valid = buf.toByteArray();
        List<String> problems = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(SEED);
        for (int round = 0; round < 200 && problems.size() < 5; round++) {
            byte[] b = valid.clone();
            if (rnd.nextBoolean()) {
                b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            } else {
                b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
            }
            Files.write(file, b);
            for (Leniency l : Leniency.values()) {
                try {
                    new MrqaReader().read(file, l);
                } catch (MalformedDatasetException e) {
                    if (!e.getMessage().startsWith("mrqa/dev.jsonl.gz")) {
                        problems.add(round + " " + l + ": message does not name the file: " + e.getMessage());
                    }
                } catch (Exception e) {
                    problems.add(round + " " + l + ": threw " + e);
                }
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    @Test
    void tsv() throws IOException {
        fuzz("glue/dev.tsv", TSV, false,
                TsvClassificationReader.builder().setTextA("{sentence1}").optTextB("{sentence2}").optLabel("label").build(),
                ALL_SKIPS, true);
    }

    @Test
    void tsvWithoutHeader() throws IOException {
        fuzz("cola/train.tsv", "gj04\t1\t\tOur friends won't buy this.\ngj04\t0\t*\tThey drank the pub.\n"
                        + "gj04\t1\t\tCafé ☕ is fine.\n",
                false, TsvClassificationReader.builder().optColumnNames(List.of("source", "label", "orig_label", "sentence"))
                        .setTextA("{sentence}").optLabel("label").build(), ALL_SKIPS, false);
    }

    @Test
    void csv() throws IOException {
        // a missing column and bytes that are not UTF-8 fail the read in both modes
        fuzz("mine/train.csv", CSV, false,
                CsvClassificationReader.builder().setTextA("{text_a}").optTextB("{text_b}").optLabel("label").build(),
                ALL_SKIPS, true);
    }

    @Test
    void csvWithoutHeader() throws IOException {
        fuzz("mine/pairs.csv", CSV.substring(CSV.indexOf('\n') + 1), false,
                CsvClassificationReader.builder().optColumnNames(List.of("text_a", "text_b", "label"))
                        .setTextA("{text_a}").optTextB("{text_b}").optLabel("label").build(), ALL_SKIPS, true);
    }

    @Test
    void boolq() throws IOException {
        fuzz("boolq/val.jsonl", "{\"question\":\"is it?\",\"passage\":\"It is.\",\"label\":true,\"idx\":0}\n"
                + "{\"question\":\"no?\",\"passage\":\"Café.\",\"label\":false,\"idx\":1}\n",
                true, JsonlClassificationReader.boolq(), ALL_SKIPS, false);
    }

    @Test
    void jsonl() throws IOException {
        fuzz("cb/val.jsonl", JSONL, true, JsonlClassificationReader.premiseHypothesis(), ALL_SKIPS, false);
    }

    @Test
    void copa() throws IOException {
        fuzz("copa/val.jsonl", COPA, true, new CopaReader(), ALL_SKIPS, false);
    }

    @Test
    void wic() throws IOException {
        Files.createDirectories(dir.resolve("wic"));
        Files.writeString(dir.resolve("wic/dev.gold.txt"), WIC_GOLD);
        fuzz("wic/dev.data.txt", WIC, false, new WicReader(), ALL_SKIPS, true);
    }

    @Test
    void squad() throws IOException {
        fuzz("squad/dev.json", SQUAD, true, new SquadReader(),
                only(SquadReader.MALFORMED_QUESTION, SquadReader.NO_VALID_ANSWER), true);
    }

    @Test
    void mrqa() throws IOException {
        fuzz("mrqa/dev.jsonl", MRQA, true, new MrqaReader(), NONE, false);
    }

    @Test
    void qed() throws IOException {
        fuzz("qed/dev.jsonl", QED, true, new QedReader(),
                only(JsonLines.MALFORMED_LINE, Defects.INVALID_UTF8, QedReader.NO_SINGLE_SPAN_ANSWER), false);
    }

    @Test
    void subjqa() throws IOException {
        fuzz("books/dev.csv", SUBJQA, false, new SubjQaReader(), NONE, true);
    }

    private void fuzz(String relative, String valid, boolean json, DatasetReader<?> reader, Accounting accounting,
            boolean documentLevelAllowed) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        // WiC's gold file sits beside its data file, and a mismatch is blamed on it
        String name = file.getParent().getFileName() + "/";
        // the valid sample reads cleanly, so every problem below comes from the damage
        Files.writeString(file, valid);
        ReadResult<?> clean = reader.read(file);
        assertTrue(clean.report().totalSkipped() == 0 || relative.endsWith(".csv") || relative.contains("qed"),
                () -> relative + " sample is not clean: " + clean.report());
        List<String> problems = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(SEED ^ relative.hashCode());
        for (int round = 0; round < ROUNDS && problems.size() < 5; round++) {
            long seed = seeds.nextLong();
            byte[] bytes = corrupt(valid.getBytes(StandardCharsets.UTF_8), new SplittableRandom(seed), json);
            Files.write(file, bytes);
            String what = relative + " seed " + seed + " input " + show(bytes);
            try {
                reader.read(file, Leniency.STRICT);
            } catch (MalformedDatasetException e) {
                if (!e.getMessage().startsWith(name)) {
                    problems.add(what + ": strict message does not name the file: " + e.getMessage());
                } else if (e.getMessage().contains("com.google.gson") || e.getMessage().contains("Exception")) {
                    problems.add(what + ": strict message is a library's: " + e.getMessage());
                } else if (e.location().isEmpty() && !wholeFile(e)) {
                    problems.add(what + ": strict message has no location: " + e.getMessage());
                }
            } catch (Exception | StackOverflowError e) {
                problems.add(what + ": strict read threw " + e);
            }
            try {
                ReadResult<?> r = reader.read(file, Leniency.LENIENT);
                accounting.check(r.report(), problems, what);
            } catch (MalformedDatasetException e) {
                if (!documentLevelAllowed && !e.found().contains("empty")) {
                    problems.add(what + ": lenient read threw " + e.getMessage());
                }
            } catch (Exception | StackOverflowError e) {
                problems.add(what + ": lenient read threw " + e);
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    /** A defect of the whole file, which has no line to name: no records at all, or unpaired WiC labels. */
    private static boolean wholeFile(MalformedDatasetException e) {
        return e.found().contains("empty") || e.found().equals("none") || e.found().equals("only the header row")
                || e.expected().contains("labels, one per line");
    }

    // --- corruptions ---------------------------------------------------------------------

    private static final Pattern JSON_VALUE =
            Pattern.compile("(?<=[:\\[,])(\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+|true|false|null|\\[\\]|\\{\\})");
    private static final Pattern FIELD = Pattern.compile("(?<=^|[\\t ,])[^\\t ,\\n]+", Pattern.MULTILINE);
    private static final List<String> JSON_REPLACEMENTS = List.of("null", "[]", "{}", "\"\"", "\" \"", "\"abc\"",
            "99999999999999999999", "-5", "1.5", "1e400", "{\"a\":1}", "[1,2]", "true", "\"-1\"", "2147483647");
    private static final List<String> TEXT_REPLACEMENTS = List.of("", " ", "\t", "abc", "99999999999999999999",
            "-5", "(-1, 3)", "(99999999999, 99999999999)", "\"", "\"\"x", "B-", "I-X", "O O", "-DOCSTART-", "\uFEFF");

    static byte[] corrupt(byte[] valid, SplittableRandom rnd, boolean json) {
        byte[] b = valid;
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            b = once(b, rnd, json);
        }
        return b;
    }

    private static byte[] once(byte[] b, SplittableRandom rnd, boolean json) {
        String s = new String(b, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
        switch (rnd.nextInt(12)) {
            case 0: // truncate at a random byte
                return java.util.Arrays.copyOf(b, b.length == 0 ? 0 : rnd.nextInt(b.length));
            case 1: // delete a line
                lines.remove(rnd.nextInt(lines.size()));
                return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
            case 2: { // duplicate a line
                int k = rnd.nextInt(lines.size());
                lines.add(k, lines.get(k));
                return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
            }
            case 3: { // swap two lines
                java.util.Collections.swap(lines, rnd.nextInt(lines.size()), rnd.nextInt(lines.size()));
                return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
            }
            case 4: { // invalid UTF-8
                byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC3, 0x28}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}};
                return insert(b, rnd.nextInt(b.length + 1), bad[rnd.nextInt(bad.length)]);
            }
            case 5: // a BOM at the start or anywhere
                return insert(b, rnd.nextBoolean() ? 0 : rnd.nextInt(b.length + 1), "\uFEFF".getBytes(StandardCharsets.UTF_8));
            case 6: { // CR line ends: CRLF, or a lone CR
                int k = rnd.nextInt(lines.size());
                lines.set(k, lines.get(k) + (rnd.nextBoolean() ? "\r" : "\r\r"));
                return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
            }
            case 7: { // a random byte replaced
                if (b.length == 0) {
                    return b;
                }
                byte[] c = b.clone();
                c[rnd.nextInt(c.length)] = (byte) "\t ,\"{}[]:0-\\\n".charAt(rnd.nextInt(13));
                return c;
            }
            case 9: { // a whole JSON object or array replaced by a scalar, or by the other kind
                List<Integer> opens = new ArrayList<>();
                for (int i = 0; i < s.length(); i++) {
                    if (s.charAt(i) == '{' || s.charAt(i) == '[') {
                        opens.add(i);
                    }
                }
                if (opens.isEmpty()) {
                    return b;
                }
                int from = opens.get(rnd.nextInt(opens.size()));
                int depth = 0;
                int to = -1;
                for (int i = from; i < s.length() && to < 0; i++) {
                    char c = s.charAt(i);
                    depth += c == '{' || c == '[' ? 1 : c == '}' || c == ']' ? -1 : 0;
                    if (depth == 0) {
                        to = i + 1;
                    }
                }
                if (to < 0) {
                    return b;
                }
                String inner = s.substring(from + 1, to - 1);
                String[] swaps = {"null", "\"x\"", "7", "true",
                        s.charAt(from) == '{' ? "[" + inner + "]" : "{" + inner + "}",
                        s.charAt(from) == '{' ? "[{" + inner + "}]" : "[]"};
                return (s.substring(0, from) + swaps[rnd.nextInt(swaps.length)] + s.substring(to))
                        .getBytes(StandardCharsets.UTF_8);
            }
            case 8: { // a number replaced by a huge, negative or overflowing one
                List<int[]> runs = new ArrayList<>();
                Matcher m = Pattern.compile("\\d+").matcher(s);
                while (m.find()) {
                    runs.add(new int[] {m.start(), m.end()});
                }
                if (runs.isEmpty()) {
                    return b;
                }
                int[] r = runs.get(rnd.nextInt(runs.size()));
                String[] numbers = {"99999999999", "2147483647", "-1", "-2147483648", "0", "1000"};
                return (s.substring(0, r[0]) + numbers[rnd.nextInt(numbers.length)] + s.substring(r[1]))
                        .getBytes(StandardCharsets.UTF_8);
            }
            default: { // a field or JSON value replaced
                Pattern p = json && rnd.nextInt(4) != 0 ? JSON_VALUE : FIELD;
                List<String> repl = p == JSON_VALUE ? JSON_REPLACEMENTS : TEXT_REPLACEMENTS;
                List<int[]> spans = new ArrayList<>();
                Matcher m = p.matcher(s);
                while (m.find()) {
                    spans.add(new int[] {m.start(), m.end()});
                }
                if (spans.isEmpty()) {
                    return b;
                }
                int[] sp = spans.get(rnd.nextInt(spans.size()));
                String out = s.substring(0, sp[0]) + repl.get(rnd.nextInt(repl.size())) + s.substring(sp[1]);
                return out.getBytes(StandardCharsets.UTF_8);
            }
        }
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] c = new byte[b.length + what.length];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(what, 0, c, at, what.length);
        System.arraycopy(b, at, c, at + what.length, b.length - at);
        return c;
    }

    private static String show(byte[] b) {
        StringBuilder sb = new StringBuilder("\"");
        String s = new String(b, StandardCharsets.ISO_8859_1);
        for (char c : s.toCharArray()) {
            if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\x%02X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
