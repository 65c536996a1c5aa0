package io.github.prefine.examples.data.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.examples.data.parquet.TestParquetWriter.ThriftWriter;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files crafted against the reader, as a hostile dataset repository could publish them: each must
 * end in a {@link MalformedParquetException} naming the file, before the reader spends stack or
 * heap in proportion to what the file merely claims.
 */
class ParquetHostileInputTest {
    /** Far above what these tiny files legitimately need, far below what the claims would cost. */
    private static final long ALLOCATION_BOUND = 32L << 20;

    @TempDir
    Path dir;

    /** Wraps a footer into a file: magic, footer, its length, magic. */
    private Path withFooter(String name, byte[] footer) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("PAR1".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(footer);
        int n = footer.length;
        out.write(n);
        out.write(n >>> 8);
        out.write(n >>> 16);
        out.write(n >>> 24);
        out.writeBytes("PAR1".getBytes(StandardCharsets.US_ASCII));
        return Files.write(dir.resolve(name), out.toByteArray());
    }

    /** One optional INT32 column {@code v} in one row group of one page of one value, compressed by {@code codec}. */
    private Path onePage(String name, int codec, byte[] compressed, int uncompressed) throws Exception {
        return onePage(name, 1, 1, codec, compressed, uncompressed);
    }

    /** One INT32 column {@code v} (repetition 0 required, 1 optional) in one row group of one page of n values. */
    private Path onePage(String name, int repetition, int n, int codec, byte[] compressed, int uncompressed)
            throws Exception {
        return onePage(name, repetition, n, n, n, codec, compressed, uncompressed);
    }

    /** As above, the page declaring {@code pageValues}, the column chunk {@code n}, row group and footer {@code rows}. */
    private Path onePage(String name, int repetition, int pageValues, int n, int rows, int codec, byte[] compressed,
            int uncompressed) throws Exception {
        return onePage(name, 1, repetition, pageValues, n, rows, codec, compressed, uncompressed, -1);
    }

    /**
     * As above, of physical type {@code type} (1 INT32, 3 INT96, 7 FIXED_LEN_BYTE_ARRAY without a type length), the column chunk's metadata
     * claiming {@code chunkBytes} stored bytes, or its true size for -1.
     */
    private Path onePage(String name, int type, int repetition, int pageValues, int n, int rows, int codec,
            byte[] compressed, int uncompressed, long chunkBytes) throws Exception {
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        ThriftWriter dh = new ThriftWriter().i32(1, pageValues).i32(2, 0).i32(3, 3).i32(4, 3).stop();
        chunk.writeBytes(new ThriftWriter().i32(1, 0).i32(2, uncompressed).i32(3, compressed.length).struct(5, dh)
                .stop().bytes());
        chunk.writeBytes(compressed);
        byte[] c = chunk.toByteArray();
        long start = 4;
        ThriftWriter md = new ThriftWriter().i32(1, 1);
        md.fieldListBegin(2, 5, 1).listI32(0);
        md.fieldListBegin(3, 8, 1).listBinary("v".getBytes(StandardCharsets.UTF_8));
        long stored = chunkBytes < 0 ? c.length : chunkBytes;
        md.i32(4, codec).i64(5, n).i64(6, stored).i64(7, stored).i64(9, start).stop();
        ThriftWriter cc = new ThriftWriter().i64(2, start).struct(3, md).stop();
        ThriftWriter rg = new ThriftWriter();
        rg.fieldListBegin(1, 12, 1).listStruct(cc);
        rg.i64(2, c.length).i64(3, rows).stop();
        ThriftWriter fm = new ThriftWriter().i32(1, 1);
        fm.fieldListBegin(2, 12, 2);
        fm.listStruct(new ThriftWriter().binary(4, "schema").i32(5, 1).stop());
        fm.listStruct(new ThriftWriter().i32(1, type).i32(3, repetition).binary(4, "v").stop());
        fm.i64(3, rows);
        fm.fieldListBegin(4, 12, 1).raw(rg.bytes());
        fm.stop();
        byte[] footer = fm.bytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("PAR1".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(c);
        out.writeBytes(footer);
        out.write(footer.length);
        out.write(footer.length >>> 8);
        out.write(footer.length >>> 16);
        out.write(0);
        out.writeBytes("PAR1".getBytes(StandardCharsets.US_ASCII));
        return Files.write(dir.resolve(name), out.toByteArray());
    }

    /** Bytes this thread allocates while running the block, which must throw a MalformedParquetException. */
    private static long allocatedWhileFailing(Executable body, String expectedPart) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        MalformedParquetException e = assertThrows(MalformedParquetException.class, body);
        long used = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
        return used;
    }

    @Test
    void aFooterOfDeeplyNestedStructsIsRefusedNotAStackOverflow() throws Exception {
        // 200,000 bytes of "field 1 (delta 1), a struct": every byte opens one more level
        byte[] footer = new byte[200_000];
        Arrays.fill(footer, (byte) 0x1C);
        Path f = withFooter("deep.parquet", footer);

        MalformedParquetException e = assertThrows(MalformedParquetException.class, () -> ParquetFile.open(f));

        assertTrue(e.getMessage().startsWith(f + ": damaged footer: thrift structs and lists nest deeper than 64 levels"),
                e.getMessage());
    }

    @Test
    void aFooterFieldOfTheWrongTypeIsDamageNotAClassCastException() throws Exception {
        // FileMetaData with the schema (field 2) as an integer instead of a list of structs
        Path f = withFooter("typed.parquet", new ThriftWriter().i32(1, 1).i32(2, 7).i64(3, 0).stop().bytes());

        MalformedParquetException e = assertThrows(MalformedParquetException.class, () -> ParquetFile.open(f));

        assertEquals(f + ": damaged footer: thrift field 2 must be a list, found Long 7", e.getMessage());
    }

    @Test
    void aGzipPageIsInflatedOnlyAsFarAsItsHeaderSays() throws Exception {
        // 64 MiB of zeros deflate to about 64 KiB; the page header claims 1000 bytes
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                z.write(zeros);
            }
        }
        Path f = onePage("bomb.parquet", 2, gz.toByteArray(), 1000);
        ParquetFile p = ParquetFile.open(f);

        long used = allocatedWhileFailing(() -> p.column("v"),
                f + ": column v: page decompresses to more than the 1000 bytes its header says");

        assertTrue(used < ALLOCATION_BOUND, "allocated " + used + " bytes to refuse a page of 1000");
    }

    @Test
    void aSnappyBlockClaimingMoreThanItsBytesCanHoldIsRefusedBeforeAllocating() throws Exception {
        // a 6-byte block whose length header says 256 MiB, and a page header that agrees
        int claimed = 256 << 20;
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        TestParquetWriter.varint(block, claimed);
        block.write(0); // a literal of one byte
        block.write('x');
        Path f = onePage("claim.parquet", 1, block.toByteArray(), claimed);
        ParquetFile p = ParquetFile.open(f);

        long used = allocatedWhileFailing(() -> p.column("v"), f + ": column v: snappy: block says " + claimed
                + " bytes, more than its " + block.size() + " compressed bytes can hold");

        assertTrue(used < ALLOCATION_BOUND, "allocated " + used + " bytes to refuse a block of " + block.size());
    }

    @Test
    void aPlainPageClaimingMoreValuesThanItsBytesHoldIsRefusedBeforeAllocating() throws Exception {
        // a required INT32 column whose one page says 100 million values and holds 8 bytes of them
        byte[] values = {1, 0, 0, 0, 2, 0, 0, 0};
        Path f = onePage("count.parquet", 0, 100_000_000, 0, values, values.length);
        ParquetFile p = ParquetFile.open(f);

        long used = allocatedWhileFailing(() -> p.column("v"),
                f + ": column v: page of 8 value bytes cannot hold the 100000000 PLAIN values its header says");

        assertTrue(used < ALLOCATION_BOUND, "allocated " + used + " bytes to refuse a page of 8");
    }

    /**
     * A column chunk whose footer entry claims far more bytes than the file holds (a file cut short
     * after its footer was copied, or a forged footer): refused with the file, the column and both
     * sizes, before a buffer of the claimed size is allocated. It used to allocate the claim twice
     * and then fail with "unexpected end of file at byte N", naming neither the file nor the column.
     */
    @Test
    void aColumnChunkClaimingBytesPastTheFilesEndIsRefusedNamingFileAndColumn() throws Exception {
        byte[] values = {7, 0, 0, 0};
        Path f = onePage("past-end.parquet", 1, 0, 1, 1, 1, 0, values, values.length, 100_000_000L);
        ParquetFile p = ParquetFile.open(f);
        long size = Files.size(f);

        long used = allocatedWhileFailing(() -> p.column("v"), f + ": column v: column chunk at byte 4 of 100000000"
                + " bytes runs past the end of the file's " + size + " bytes");

        assertTrue(used < ALLOCATION_BOUND, "allocated " + used + " bytes to refuse a file of " + size);
    }

    /**
     * An INT96 column (old Impala and Spark timestamps), which the reader does not decode: refused
     * by its type's name, before an array of the page's claimed value count is allocated. It used
     * to allocate that array (a page's count nothing but the footer bounds) and then fail at the
     * first value with "physical type 3 is not supported".
     */
    @Test
    void anInt96ColumnIsRefusedByNameBeforeAllocatingItsClaimedValues() throws Exception {
        byte[] values = new byte[12];
        Path f = onePage("int96.parquet", 3, 0, 100_000_000, 100_000_000, 100_000_000, 0, values, values.length, -1);
        ParquetFile p = ParquetFile.open(f);

        long used = allocatedWhileFailing(() -> p.column("v"), f + ": column v: physical type INT96 is not supported");

        assertTrue(used < ALLOCATION_BOUND, "allocated " + used + " bytes to refuse a page of 12");
    }

    /**
     * A FIXED_LEN_BYTE_ARRAY column without a type length (0): its values would take no bytes, so
     * any claimed count fit any page, and 100 million empty arrays were built from 8 bytes.
     */
    @Test
    void aFixedLengthColumnOfLengthZeroIsRefusedBeforeAllocating() throws Exception {
        byte[] values = new byte[8];
        Path f = onePage("fixed0.parquet", 7, 0, 100_000_000, 100_000_000, 100_000_000, 0, values, values.length, -1);
        ParquetFile p = ParquetFile.open(f);

        long used = allocatedWhileFailing(() -> p.column("v"),
                f + ": column v: FIXED_LEN_BYTE_ARRAY with type_length 0; expected a length of at least 1");

        assertTrue(used < ALLOCATION_BOUND, "allocated " + used + " bytes to refuse a page of 8");
    }

    /** The definition levels of an optional column, length-prefixed, then its PLAIN INT32 values. */
    private static byte[] optionalPage(byte[] levels, int... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = levels.length;
        out.write(n);
        out.write(n >>> 8);
        out.write(n >>> 16);
        out.write(n >>> 24);
        out.writeBytes(levels);
        for (int v : values) {
            out.write(v);
            out.write(v >>> 8);
            out.write(v >>> 16);
            out.write(v >>> 24);
        }
        return out.toByteArray();
    }

    /** An RLE run header (even varint: count shifted left once) and its 1-byte value, for bit width 1. */
    private static byte[] rleRun(long count, int value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        TestParquetWriter.varint(b, count << 1);
        b.write(value);
        return b.toByteArray();
    }

    /**
     * Optional INT32 pages whose counts disagree, each refused cheaply: the page's, column chunk's
     * and row group's (and footer's) value counts, the page body, and the refusal.
     */
    static Stream<Arguments> disagreeingCounts() {
        return Stream.of(
                // the page says 100 million and one RLE run of 7 bytes gives them all (nulls); the chunk says 1
                Arguments.of("page.parquet", 100_000_000, 1, 1, optionalPage(rleRun(100_000_000, 0)),
                        "page declares 100000000 values, its column chunk has 1 left of the 1 it declares"),
                // one value everywhere, but the one run says 100 million: believed only as far as its page's count
                Arguments.of("run.parquet", 1, 1, 1, optionalPage(rleRun(100_000_000, 1), 42),
                        "RLE run of 100000000 values at byte 4 runs past the 1 values its page declares (0 before it)"),
                // chunk and page say 100 million nulls; footer and row group 1 row, and outside lists a row is one value
                Arguments.of("chunk.parquet", 100_000_000, 100_000_000, 1, optionalPage(rleRun(100_000_000, 0)),
                        "column chunk declares 100000000 values, its row group 1 rows"),
                // every count says 100 million; the levels hold a run of 1
                Arguments.of("short.parquet", 100_000_000, 100_000_000, 100_000_000, optionalPage(rleRun(1, 1), 42),
                        "levels end after 1 of 100000000 values"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("disagreeingCounts")
    void aValueCountThatTheOtherCountsOrTheRunsDoNotBackIsRefusedBeforeAllocating(String name, int pageValues,
            int chunkValues, int rows, byte[] body, String expected) throws Exception {
        Path f = onePage(name, 1, pageValues, chunkValues, rows, 0, body, body.length);
        ParquetFile p = ParquetFile.open(f);

        long used = allocatedWhileFailing(() -> p.column("v"), f + ": column v: " + expected);

        assertTrue(used < ALLOCATION_BOUND, "allocated " + used + " bytes to refuse " + name + " of " + Files.size(f)
                + " bytes");
    }
}
