package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readers read full-size files a line at a time: a {@code .gz} file whose text is larger than
 * any Java array (an MRQA training file can inflate past 2 GiB) reads, where inflating it whole
 * could not.
 */
class StreamingReadTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    /** One gzip member: concatenated members are one gzip stream, as {@code cat a.gz b.gz} makes. */
    private static byte[] member(byte[] text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            z.write(text);
        }
        return out.toByteArray();
    }

    private static String line(String qid, String context, String answer) {
        int at = context.indexOf(answer);
        return "{\"context\":\"" + context + "\",\"qas\":[{\"qid\":\"" + qid + "\",\"question\":\"which?\","
                + "\"detected_answers\":[{\"text\":\"" + answer + "\",\"char_spans\":[[" + at + ","
                + (at + answer.length() - 1) + "]]}]}]}\n";
    }

    @Test
    void readsAGzippedMrqaFileWhoseTextIsLargerThanAnyArray() throws IOException {
        // 64 blank lines of 1 MiB, written 33 times: 2.06 GiB of text between two questions
        byte[] blank = new byte[64 << 20];
        Arrays.fill(blank, (byte) ' ');
        for (int i = (1 << 20) - 1; i < blank.length; i += 1 << 20) {
            blank[i] = '\n';
        }
        byte[] filler = member(blank);
        Path file = dir.resolve("train/SearchQA.jsonl.gz");
        Files.createDirectories(file.getParent());
        long text = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] head = ("{\"header\":{\"dataset\":\"SearchQA\",\"split\":\"train\"}}\n"
                    + line("first", "The Eiffel Tower is in Paris.", "Paris")).getBytes(StandardCharsets.UTF_8);
            out.write(member(head));
            text += head.length;
            for (int i = 0; i < 33; i++) {
                out.write(filler);
                text += blank.length;
            }
            byte[] tail = line("last", "Rome is old.", "Rome").getBytes(StandardCharsets.UTF_8);
            out.write(member(tail));
            text += tail.length;
        }
        assertEquals(true, text > 2 * GIB, "the text must be larger than any array");

        ReadResult<QaExample> r = new MrqaReader().read(file, Leniency.LENIENT);

        assertEquals(List.of("first", "last"), r.examples().stream().map(QaExample::id).toList());
        assertEquals(new GoldAnswer("Rome", 0), r.examples().get(1).answers().get(0));
        assertEquals(2, r.report().records());
        assertEquals(0, r.report().totalSkipped());
        // the filler's blank lines are passed over, each counted
        assertEquals(33 * 64, r.report().cleaned(ReadReport.BLANK_LINE_PASSED_OVER));
    }
}
