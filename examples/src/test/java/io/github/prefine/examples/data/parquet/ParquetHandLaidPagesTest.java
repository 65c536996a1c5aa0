package io.github.prefine.examples.data.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.examples.data.parquet.TestParquetWriter.ThriftWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pages laid by hand from the format spec, values computed by hand. */
class ParquetHandLaidPagesTest {
    @TempDir
    Path dir;

    private static byte[] str(String... s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String x : s) {
            byte[] u = x.getBytes(StandardCharsets.UTF_8);
            b.write(u.length); b.write(0); b.write(0); b.write(0);
            b.writeBytes(u);
        }
        return b.toByteArray();
    }

    private static void lp(ByteArrayOutputStream out, byte[] b) {
        out.write(b.length); out.write(b.length >>> 8); out.write(0); out.write(0);
        out.writeBytes(b);
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static void pageV1(ByteArrayOutputStream out, int n, int encoding, byte[] defs, byte[] values) {
        ByteArrayOutputStream page = new ByteArrayOutputStream();
        lp(page, defs);
        page.writeBytes(values);
        byte[] body = page.toByteArray();
        ThriftWriter dh = new ThriftWriter().i32(1, n).i32(2, encoding).i32(3, 3).i32(4, 3).stop();
        out.writeBytes(new ThriftWriter().i32(1, 0).i32(2, body.length).i32(3, body.length).struct(5, dh).stop().bytes());
        out.writeBytes(body);
    }

    private static void dictPage(ByteArrayOutputStream out, int n, byte[] values) {
        ThriftWriter dh = new ThriftWriter().i32(1, n).i32(2, 0).stop();
        out.writeBytes(new ThriftWriter().i32(1, 2).i32(2, values.length).i32(3, values.length).struct(7, dh).stop().bytes());
        out.writeBytes(values);
    }

    /** One optional column, one row group, chunk bytes given; returns the file. */
    private Path file(String name, int physical, byte[] chunk, boolean hasDict, long numValues, long rows) throws Exception {
        return file(name, physical, List.of(name), List.of(new ThriftWriter().i32(1, physical).i32(3, 1).binary(4, name)
                .stop()), chunk, hasDict, numValues, rows);
    }

    /**
     * One leaf column at {@code path}, its schema elements below the root given, one row group;
     * returns {@code NAME.parquet}.
     */
    private Path file(String name, int physical, List<String> path, List<ThriftWriter> schema, byte[] chunk,
            boolean hasDict, long numValues, long rows) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("PAR1".getBytes(StandardCharsets.US_ASCII));
        long start = out.size();
        out.writeBytes(chunk);
        ThriftWriter md = new ThriftWriter().i32(1, physical);
        md.fieldListBegin(2, 5, 1).listI32(0);
        md.fieldListBegin(3, 8, path.size());
        path.forEach(p -> md.listBinary(p.getBytes(StandardCharsets.UTF_8)));
        md.i32(4, 0).i64(5, numValues).i64(6, chunk.length).i64(7, chunk.length).i64(9, start);
        if (hasDict) {
            md.i64(11, start);
        }
        md.stop();
        ThriftWriter cc = new ThriftWriter().i64(2, start).struct(3, md).stop();
        ThriftWriter rg = new ThriftWriter();
        rg.fieldListBegin(1, 12, 1).listStruct(cc);
        rg.i64(2, chunk.length).i64(3, rows).stop();
        ThriftWriter fm = new ThriftWriter().i32(1, 1);
        fm.fieldListBegin(2, 12, 1 + schema.size());
        fm.listStruct(new ThriftWriter().binary(4, "schema").i32(5, 1).stop());
        schema.forEach(fm::listStruct);
        fm.i64(3, rows);
        fm.fieldListBegin(4, 12, 1).raw(rg.bytes());
        fm.stop();
        byte[] footer = fm.bytes();
        out.writeBytes(footer);
        out.write(footer.length); out.write(footer.length >>> 8); out.write(0); out.write(0);
        out.writeBytes("PAR1".getBytes(StandardCharsets.US_ASCII));
        Path f = dir.resolve(name + ".parquet");
        Files.write(f, out.toByteArray());
        return f;
    }

    @Test
    void dictionaryFallbackAllNullPagesAndBitPackedLevels() throws Exception {
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        dictPage(chunk, 2, str("a", "b"));
        // page 1: a, null, b. defs 1,0,1 as one bit-packed group (width 1): 0b00000101; indices 0,1 (width 1): bits 0b10
        pageV1(chunk, 3, 8, new byte[] {0x03, 0x05}, new byte[] {1, 0x03, 0x02});
        // page 2, PLAIN after the dictionary (fallback): c, null as RLE runs (1 x 1, 1 x 0)
        pageV1(chunk, 2, 0, new byte[] {0x02, 1, 0x02, 0}, str("c"));
        // page 3, dictionary-encoded, all null: defs RLE 3 x 0; values: only the bit-width byte
        pageV1(chunk, 3, 8, new byte[] {0x06, 0}, new byte[] {1});
        // page 4, PLAIN again, value then null, defs bit-packed 0b01
        pageV1(chunk, 2, 0, new byte[] {0x03, 0x01}, str("d"));
        Path f = file("s", 6, chunk.toByteArray(), true, 10, 10);

        assertEquals(Arrays.asList("a", null, "b", "c", null, null, null, null, "d", null),
                ParquetFile.open(f).column("s"));
    }

    @Test
    void anEmptyDictionaryWithBitWidthZeroForAnAllNullColumn() throws Exception {
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        dictPage(chunk, 0, new byte[0]);
        pageV1(chunk, 4, 8, new byte[] {0x08, 0}, new byte[] {0});
        Path f = file("s", 6, chunk.toByteArray(), true, 4, 4);

        assertEquals(Arrays.asList(null, null, null, null), ParquetFile.open(f).column("s"));
    }

    @Test
    void plainBooleansWithNulls() throws Exception {
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        // rows: true, null, false, true, true, null, false, false, true, true (8 values bit-packed LSB first)
        // defs: 1,0,1,1,1,0,1,1,1,1 -> two bit-packed groups: 0b11011101, 0b00000011
        // values: t f t t f f t t -> 0b11001101, then (none left)
        pageV1(chunk, 10, 0, new byte[] {0x05, (byte) 0xDD, 0x03}, new byte[] {(byte) 0xCD});
        Path f = file("b", 0, chunk.toByteArray(), false, 10, 10);

        assertEquals(Arrays.asList(true, null, false, true, true, null, false, false, true, true),
                ParquetFile.open(f).column("b"));
    }

    /** A V1 page of a column under one list: repetition levels, definition levels, values. */
    private static void pageV1(ByteArrayOutputStream out, int n, byte[] reps, byte[] defs, byte[] values) {
        ByteArrayOutputStream page = new ByteArrayOutputStream();
        lp(page, reps);
        lp(page, defs);
        page.writeBytes(values);
        byte[] body = page.toByteArray();
        ThriftWriter dh = new ThriftWriter().i32(1, n).i32(2, 0).i32(3, 3).i32(4, 3).stop();
        out.writeBytes(new ThriftWriter().i32(1, 0).i32(2, body.length).i32(3, body.length).struct(5, dh).stop().bytes());
        out.writeBytes(body);
    }

    /** pyarrow's layout of an optional list of optional strings: {@code tokens.list.element}. */
    private Path listFile(byte[] chunk, long numValues, long rows) throws Exception {
        return file("tokens", 6, List.of("tokens", "list", "element"), List.of(
                new ThriftWriter().i32(3, 1).binary(4, "tokens").i32(5, 1).i32(6, 3).stop(),
                new ThriftWriter().i32(3, 2).binary(4, "list").i32(5, 1).stop(),
                new ThriftWriter().i32(1, 6).i32(3, 1).binary(4, "element").stop()), chunk, false, numValues, rows);
    }

    /**
     * A data page v1 may end inside a row (the spec lets a record span pages): the next page's
     * first value, at repetition level 1, continues the list the last page left open.
     */
    @Test
    void aListRowThatSpansTwoPagesIsOneRow() throws Exception {
        // rows: [a, b, c] (a, b on page 1, c on page 2), [], null, [null, d]
        // max repetition 1 (bit width 1), max definition 3 (width 2): 3 value, 2 null element,
        // 1 empty list, 0 null list; every level as RLE runs (count << 1, then the value's byte)
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        pageV1(chunk, 2, new byte[] {0x02, 0, 0x02, 1}, new byte[] {0x04, 3}, str("a", "b"));
        pageV1(chunk, 5, new byte[] {0x02, 1, 0x06, 0, 0x02, 1},
                new byte[] {0x02, 3, 0x02, 1, 0x02, 0, 0x02, 2, 0x02, 3}, str("c", "d"));
        Path f = listFile(chunk.toByteArray(), 7, 4);

        ParquetFile p = ParquetFile.open(f);
        assertEquals(List.of("tokens"), p.columns());
        assertEquals(Arrays.asList(List.of("a", "b", "c"), List.of(), null, Arrays.asList(null, "d")), p.column("tokens"));
    }
}
