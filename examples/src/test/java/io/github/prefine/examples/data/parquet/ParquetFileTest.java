package io.github.prefine.examples.data.parquet;

import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.int32;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.int64;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.list;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.string;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.struct;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ParquetFileTest {
    @TempDir
    Path dir;

    /** Rows with nulls, empty lists, null elements and a list of structs of lists (MRQA's shape). */
    private static List<Map<String, Object>> rows() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            Map<String, Object> r = new HashMap<>();
            r.put("id", i % 7 == 3 ? null : "row-" + i + (i % 2 == 0 ? "" : " é"));
            r.put("n", (long) i * 1_000_000_007L);
            List<Object> tokens = new ArrayList<>();
            for (int k = 0; k < i % 4; k++) {
                tokens.add(k == 1 && i % 5 == 0 ? null : "t" + (k % 2));
            }
            r.put("tokens", i == 11 ? null : tokens);
            List<Object> spans = new ArrayList<>();
            for (int k = 0; k < i % 3; k++) {
                Map<String, Object> s = new HashMap<>();
                s.put("start", List.of(i, i + k));
                s.put("end", k == 1 ? List.of() : List.of(i + 10));
                spans.add(s);
            }
            Map<String, Object> ans = new HashMap<>();
            ans.put("text", List.of("a" + i));
            ans.put("char_spans", spans);
            r.put("detected_answers", i == 5 ? null : ans);
            rows.add(r);
        }
        return rows;
    }

    private static TestParquetWriter writer() {
        return new TestParquetWriter().field(string("id")).field(int64("n")).field(list("tokens", string("element")))
                .field(struct("detected_answers", list("text", string("element")),
                        list("char_spans", struct("element", list("start", int32("element")),
                                list("end", int32("element"))))))
                .metadata("huggingface", "{\"info\":{}}");
    }

    @ParameterizedTest(name = "v2={0} dictionary={1} snappy={2} rowsPerPage={3} rowsPerGroup={4}")
    @CsvSource({"false,false,false,1000,1000", "false,true,true,4,10", "true,false,true,5,7", "true,true,false,1,1000"})
    void readsBackWhatWasWritten(boolean v2, boolean dict, boolean snappy, int perPage, int perGroup) throws Exception {
        List<Map<String, Object>> rows = rows();
        Path f = writer().pageV2(v2).dictionary(dict).snappy(snappy).rowsPerPage(perPage).rowsPerGroup(perGroup)
                .write(dir.resolve("t.parquet"), rows);
        ParquetFile p = ParquetFile.open(f);
        assertEquals(23, p.rowCount());
        assertEquals(List.of("id", "n", "tokens", "detected_answers.text", "detected_answers.char_spans.start",
                "detected_answers.char_spans.end"), p.columns());
        assertEquals("{\"info\":{}}", p.keyValueMetadata().get("huggingface"));
        List<Object> ids = p.column("id");
        List<Object> n = p.column("n");
        List<Object> tokens = p.column("tokens");
        List<Object> text = p.column("detected_answers.text");
        List<Object> starts = p.column("detected_answers.char_spans.start");
        List<Object> ends = p.column("detected_answers.char_spans.end");
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> r = rows.get(i);
            assertEquals(r.get("id"), ids.get(i), "id of row " + i);
            assertEquals(r.get("n"), n.get(i), "n of row " + i);
            assertEquals(r.get("tokens"), tokens.get(i), "tokens of row " + i);
            @SuppressWarnings("unchecked")
            Map<String, Object> ans = (Map<String, Object>) r.get("detected_answers");
            if (ans == null) {
                assertEquals(null, text.get(i));
                assertEquals(null, starts.get(i));
                continue;
            }
            assertEquals(ans.get("text"), text.get(i));
            List<Object> es = new ArrayList<>();
            List<Object> ee = new ArrayList<>();
            for (Object o : (List<?>) ans.get("char_spans")) {
                es.add(((Map<?, ?>) o).get("start"));
                ee.add(((Map<?, ?>) o).get("end"));
            }
            assertEquals(es, starts.get(i), "starts of row " + i);
            assertEquals(ee, ends.get(i), "ends of row " + i);
        }
    }

    @Test
    void snappyCopiesRepeatEarlierBytesIncludingOverlaps() {
        // hand-made block: literal "abcd", copy-1 (len 4, offset 4) -> "abcd",
        // copy-2 (len 6, offset 1) -> "dddddd" (overlapping), literal "Z"
        byte[] block = {15, 3 << 2, 'a', 'b', 'c', 'd', (byte) (0 << 2 | 1), 4, (byte) ((6 - 1) << 2 | 2), 1, 0, 0, 'Z'};
        byte[] out = Snappy.decompress(block, 0, block.length, 15);
        assertArrayEquals("abcdabcdddddddZ".getBytes(), out);
    }

    @Test
    void rejectsAFileWithoutTheMagic() throws Exception {
        Path f = Files.write(dir.resolve("x.parquet"), "this is no parquet file at all".getBytes());
        MalformedParquetException e = assertThrows(MalformedParquetException.class, () -> ParquetFile.open(f));
        assertTrue(e.getMessage().contains("x.parquet: expected the parquet magic PAR1"), e.getMessage());
    }

    @Test
    void namesTheCodecItCannotRead() throws Exception {
        Path f = writer().snappy(false).declaredCodec(6).write(dir.resolve("z.parquet"), rows());
        ParquetFile p = ParquetFile.open(f);
        MalformedParquetException e = assertThrows(MalformedParquetException.class, () -> p.column("n"));
        assertTrue(e.getMessage().contains("z.parquet: column n: codec ZSTD is not supported"), e.getMessage());
    }

    @Test
    void rejectsAnUnknownColumnListingTheColumns() throws Exception {
        ParquetFile p = ParquetFile.open(writer().write(dir.resolve("c.parquet"), rows()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.column("nope"));
        assertTrue(e.getMessage().contains("no column 'nope'; columns are [id, n, tokens"), e.getMessage());
    }

    /**
     * The column chunks of a file written without page indexes fill it from after the leading
     * magic to the footer: the stored sizes that {@code columnBytes} adds up, over every column,
     * come to the file's size less the two magics, the footer and its 4-byte length (read from the
     * file's last 8 bytes here). Reading a column reports each row group's chunk once, and the
     * reports add up to its {@code columnBytes}.
     */
    @ParameterizedTest
    @CsvSource({"false,false,23", "true,true,5", "true,false,1"})
    void columnBytesAreTheChunksBetweenTheMagicAndTheFooterAndReadingReportsEachChunk(boolean snappy, boolean dictionary,
            int rowsPerGroup) throws Exception {
        Path f = writer().snappy(snappy).dictionary(dictionary).rowsPerGroup(rowsPerGroup)
                .write(dir.resolve("b.parquet"), rows());
        byte[] all = Files.readAllBytes(f);
        int footer = java.nio.ByteBuffer.wrap(all, all.length - 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        ParquetFile p = ParquetFile.open(f);
        long sum = 0;
        int groups = (23 + rowsPerGroup - 1) / rowsPerGroup;
        for (String c : p.columns()) {
            long bytes = p.columnBytes(c);
            List<Long> reports = new ArrayList<>();
            p.column(c, reports::add);
            assertEquals(groups, reports.size(), c);
            assertEquals(bytes, reports.stream().mapToLong(Long::longValue).sum(), c);
            assertTrue(reports.stream().allMatch(b -> b > 0), c + " " + reports);
            sum += bytes;
        }
        assertEquals(all.length - 4 - footer - 8, sum);
    }
}
