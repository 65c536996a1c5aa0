package io.github.prefine.examples.data.parquet;

import io.github.prefine.examples.data.parquet.ThriftCompact.Struct;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;

/**
 * One parquet file, read one column at a time into per-row values.
 *
 * <p>Supported, which is what the Hugging Face Hub's parquet conversion (pyarrow defaults) writes:
 * the Thrift compact footer; data pages v1 and v2; PLAIN and dictionary (PLAIN_DICTIONARY,
 * RLE_DICTIONARY) values; RLE / bit-packed hybrid levels; codecs UNCOMPRESSED, SNAPPY and GZIP;
 * physical types BOOLEAN, INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY; any
 * nesting of structs and lists. Anything else (DELTA encodings, ZSTD, LZ4, BROTLI) fails with a
 * {@link MalformedParquetException} naming the file, the column and what was found.
 *
 * <p>Columns are named by their logical path: struct fields joined with {@code .}, with the
 * {@code list}/{@code element} wrapper levels of a LIST dropped, so pyarrow's
 * {@code tokens.list.element} is {@code tokens} and {@code answers.text.list.element} is
 * {@code answers.text}.
 *
 * <p>Values: {@code String} for BYTE_ARRAY (UTF-8), {@code Integer}, {@code Long}, {@code Float},
 * {@code Double}, {@code Boolean}, {@code byte[]} for FIXED_LEN_BYTE_ARRAY, {@code null} for a
 * null; a column under k lists gives k nested {@code List}s per row. Immutable after {@link
 * #open(Path)}, which reads the footer once; each {@link #column(String)} call reads the file
 * again, but not the footer.
 */
public final class ParquetFile {
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_FOOTER = 64 << 20;

    private final Path file;
    private final long rows;
    private final Map<String, String> keyValue;
    private final Map<String, Leaf> leaves;
    private final List<Struct> rowGroups;

    /** A leaf column: its physical path and the level structure of its ancestors. */
    private record Leaf(String logical, List<String> physical, int type, int typeLength,
            int maxDef, int maxRep, int[] defBefore) {}

    private ParquetFile(Path file, long rows, Map<String, String> keyValue, Map<String, Leaf> leaves,
            List<Struct> rowGroups) {
        this.file = file;
        this.rows = rows;
        this.keyValue = keyValue;
        this.leaves = leaves;
        this.rowGroups = rowGroups;
    }

    /**
     * Reads a file's footer.
     *
     * @param file the parquet file
     * @return the file, ready to read columns
     * @throws MalformedParquetException if it is not a parquet file or its footer is damaged
     * @throws IOException if it cannot be read
     */
    public static ParquetFile open(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 12) {
                throw new MalformedParquetException(file + ": a parquet file has at least 12 bytes, found " + size);
            }
            ByteBuffer tail = read(ch, size - 8, 8);
            byte[] magic = new byte[4];
            tail.position(4);
            tail.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new MalformedParquetException(file + ": expected the parquet magic PAR1 at the end, found "
                        + new String(magic, StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", "?"));
            }
            int footerLen = tail.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            if (footerLen <= 0 || footerLen > MAX_FOOTER || footerLen > size - 12) {
                throw new MalformedParquetException(file + ": footer length " + footerLen + " does not fit in "
                        + size + " bytes");
            }
            byte[] footer = new byte[footerLen];
            read(ch, size - 8 - footerLen, footerLen).get(footer);
            // the footer's fields are read in the try too: a field of the wrong type is damage as well
            try {
                Struct meta = new ThriftCompact(footer, 0).readStruct();
                Map<String, String> kv = new LinkedHashMap<>();
                for (Object o : meta.list(5)) {
                    Struct s = Struct.of(o);
                    kv.put(s.string(1), s.string(2));
                }
                List<Struct> schema = new ArrayList<>();
                for (Object o : meta.list(2)) {
                    schema.add(Struct.of(o));
                }
                Map<String, Leaf> leaves = new LinkedHashMap<>();
                if (schema.isEmpty()) {
                    throw new MalformedParquetException(file + ": the footer has no schema");
                }
                int[] next = {1};
                int children = schema.get(0).i32(5, 0);
                for (int i = 0; i < children; i++) {
                    walk(file, schema, next, new ArrayList<>(), new ArrayList<>(), leaves, SHOWN);
                }
                List<Struct> groups = new ArrayList<>();
                for (Object o : meta.list(4)) {
                    groups.add(Struct.of(o));
                }
                return new ParquetFile(file, meta.i64(3, 0), Collections.unmodifiableMap(kv),
                        Collections.unmodifiableMap(leaves), List.copyOf(groups));
            } catch (RuntimeException e) {
                throw new MalformedParquetException(file + ": damaged footer: " + e.getMessage(), e);
            }
        }
    }

    /** One node on the way down: name, repetition (0 required, 1 optional, 2 repeated), and whether its name is shown. */
    private record Node(String name, int repetition, boolean shown) {}

    /** Hide modes of a node: shown; hidden; hidden, and its only child hidden too (a LIST's wrapper). */
    private static final int SHOWN = 0;
    private static final int HIDDEN = 1;
    private static final int WRAPPER = 2;

    private static void walk(Path file, List<Struct> schema, int[] next, List<Node> path, List<String> physical,
            Map<String, Leaf> leaves, int mode) throws MalformedParquetException {
        if (next[0] >= schema.size()) {
            throw new MalformedParquetException(file + ": the schema's child counts exceed its " + schema.size() + " elements");
        }
        Struct e = schema.get(next[0]++);
        String name = e.string(4);
        int rep = e.i32(3, 0);
        int children = e.i32(5, 0);
        Struct logical = e.struct(10);
        boolean list = e.i32(6, -1) == 3 || (logical != null && logical.has(3));
        path.add(new Node(name, rep, mode == SHOWN));
        physical.add(name);
        if (children == 0) {
            int maxDef = 0;
            int maxRep = 0;
            List<Integer> defBefore = new ArrayList<>();
            List<String> shown = new ArrayList<>();
            for (Node n : path) {
                if (n.repetition == 2) {
                    defBefore.add(maxDef);
                    maxRep++;
                }
                if (n.repetition != 0) {
                    maxDef++;
                }
                if (n.shown) {
                    shown.add(n.name);
                }
            }
            String key = String.join(".", shown);
            leaves.put(key, new Leaf(key, List.copyOf(physical), e.i32(1, -1), e.i32(2, 0), maxDef, maxRep,
                    defBefore.stream().mapToInt(Integer::intValue).toArray()));
        } else {
            int childMode = list ? WRAPPER : (mode == WRAPPER && children == 1 ? HIDDEN : SHOWN);
            for (int i = 0; i < children; i++) {
                walk(file, schema, next, path, physical, leaves, childMode);
            }
        }
        path.remove(path.size() - 1);
        physical.remove(physical.size() - 1);
    }

    private static ByteBuffer read(FileChannel ch, long at, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new MalformedParquetException("unexpected end of file at byte " + (at + b.position()));
            }
        }
        b.flip();
        return b;
    }

    /**
     * Returns the file this footer was read from.
     *
     * @return the path given to {@link #open(Path)}
     */
    public Path path() {
        return file;
    }

    /**
     * Returns the row count from the footer.
     *
     * @return the number of rows
     */
    public long rowCount() {
        return rows;
    }

    /**
     * Returns the footer's key-value metadata; the Hub's files carry the dataset's features under
     * {@code huggingface}.
     *
     * @return the metadata, in file order
     */
    public Map<String, String> keyValueMetadata() {
        return keyValue;
    }

    /**
     * Returns the logical paths of the leaf columns, in schema order.
     *
     * @return the column names
     */
    public List<String> columns() {
        return List.copyOf(leaves.keySet());
    }

    /**
     * Reads one column of every row group.
     *
     * @param name the logical path, as {@link #columns()} lists it
     * @return one value per row (nested lists under lists)
     * @throws IllegalArgumentException if the file has no such column
     * @throws MalformedParquetException if a page is damaged or uses an unsupported feature
     * @throws IOException if the file cannot be read
     */
    public List<Object> column(String name) throws IOException {
        return column(name, bytes -> {});
    }

    /**
     * Reads one column of every row group, counting the bytes read from the file.
     *
     * @param name the logical path, as {@link #columns()} lists it
     * @param bytesRead receives the stored (compressed) size of each column chunk once it is
     *     decoded; over the whole column they add up to {@link #columnBytes(String)}
     * @return one value per row (nested lists under lists)
     * @throws IllegalArgumentException if the file has no such column
     * @throws MalformedParquetException if a page is damaged or uses an unsupported feature
     * @throws IOException if the file cannot be read
     */
    public List<Object> column(String name, LongConsumer bytesRead) throws IOException {
        Leaf leaf = leaf(name);
        List<Object> out = new ArrayList<>((int) Math.min(rows, 1 << 20));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (Struct rg : rowGroups) {
                try {
                    Struct chunk = chunk(rg, leaf, name);
                    readChunk(ch, chunk, leaf, rg.i64(3, 0), out);
                    bytesRead.accept(chunk.i64(7, 0));
                } catch (RuntimeException e) {
                    throw new MalformedParquetException(file + ": column " + name + ": " + e.getMessage(), e);
                }
            }
        }
        if (out.size() != rows) {
            throw new MalformedParquetException(file + ": column " + name + " has " + out.size()
                    + " rows, the footer says " + rows);
        }
        return out;
    }

    /**
     * Returns the bytes a column takes in the file: the stored (compressed) sizes of its chunks in
     * every row group, as the footer gives them; what {@link #column(String, LongConsumer)} reads.
     *
     * @param name the logical path, as {@link #columns()} lists it
     * @return the column's stored size
     * @throws IllegalArgumentException if the file has no such column
     * @throws MalformedParquetException if a row group lacks the column or its metadata
     */
    public long columnBytes(String name) throws MalformedParquetException {
        Leaf leaf = leaf(name);
        long total = 0;
        for (Struct rg : rowGroups) {
            try {
                total += Math.max(0, chunk(rg, leaf, name).i64(7, 0));
            } catch (RuntimeException e) {
                throw new MalformedParquetException(file + ": column " + name + ": " + e.getMessage(), e);
            }
        }
        return total;
    }

    private Leaf leaf(String name) {
        Leaf leaf = leaves.get(name);
        if (leaf == null) {
            throw new IllegalArgumentException(file.getFileName() + ": no column '" + name + "'; columns are " + columns());
        }
        return leaf;
    }

    /** The metadata of a leaf's chunk in one row group. */
    private Struct chunk(Struct rowGroup, Leaf leaf, String name) throws MalformedParquetException {
        for (Object o : rowGroup.list(1)) {
            Struct cmd = Struct.of(o).struct(3);
            if (cmd == null) {
                throw new IllegalStateException("a column chunk has no metadata");
            }
            List<String> p = new ArrayList<>();
            for (Object s : cmd.list(3)) {
                p.add(new String(Struct.bytes(s), StandardCharsets.UTF_8));
            }
            if (p.equals(leaf.physical())) {
                return cmd;
            }
        }
        throw new MalformedParquetException(file + ": a row group lacks column " + name);
    }

    private void readChunk(FileChannel ch, Struct cmd, Leaf leaf, long groupRows, List<Object> out) throws IOException {
        int codec = cmd.i32(4, 0);
        long numValues = cmd.i64(5, 0);
        // a column outside any list has one value (null or not) per row; one inside lists at least that
        if (leaf.maxRep() == 0 ? numValues != groupRows : numValues < groupRows) {
            throw new IllegalStateException("column chunk declares " + numValues + " values, its row group "
                    + groupRows + " rows");
        }
        long start = cmd.has(11) && cmd.i64(11, 0) > 0 ? Math.min(cmd.i64(11, 0), cmd.i64(9, 0)) : cmd.i64(9, 0);
        long len = cmd.i64(7, 0);
        if (len > Integer.MAX_VALUE - 16 || start < 4 || len < 0) {
            throw new IllegalStateException("column chunk at byte " + start + " of " + len + " bytes is out of range");
        }
        // checked before allocating: the claim alone must not cost its size, and the message names the file and column
        long fileSize = ch.size();
        if (start + len > fileSize) {
            throw new IllegalStateException("column chunk at byte " + start + " of " + len
                    + " bytes runs past the end of the file's " + fileSize + " bytes");
        }
        byte[] bytes = new byte[(int) len];
        read(ch, start, (int) len).get(bytes);
        Assembler asm = new Assembler(leaf, out);
        Object[] dict = null;
        int pos = 0;
        long seen = 0;
        while (seen < numValues) {
            ThriftCompact t = new ThriftCompact(bytes, pos);
            Struct ph = t.readStruct();
            pos = t.position();
            int type = ph.i32(1, -1);
            int uncompressed = ph.i32(2, 0);
            int compressed = ph.i32(3, 0);
            if (compressed < 0 || pos + compressed > bytes.length) {
                throw new IllegalStateException("page of " + compressed + " bytes runs past the column chunk");
            }
            int pageStart = pos;
            pos += compressed;
            switch (type) {
                case 2 -> {
                    Struct dh = ph.struct(7);
                    byte[] page = decompress(codec, bytes, pageStart, compressed, uncompressed);
                    dict = plain(page, 0, page.length, leaf, dh.i32(1, 0));
                }
                case 0 -> {
                    Struct dh = ph.struct(5);
                    int n = pageValues(dh.i32(1, 0), numValues, seen);
                    byte[] page = decompress(codec, bytes, pageStart, compressed, uncompressed);
                    int p = 0;
                    int[] reps = null;
                    int[] defs = null;
                    if (leaf.maxRep() > 0) {
                        int l = le32(page, p);
                        reps = HybridDecoder.decode(page, p + 4, p + 4 + l, HybridDecoder.bitWidth(leaf.maxRep()), n);
                        p += 4 + l;
                    }
                    if (leaf.maxDef() > 0) {
                        int l = le32(page, p);
                        defs = HybridDecoder.decode(page, p + 4, p + 4 + l, HybridDecoder.bitWidth(leaf.maxDef()), n);
                        p += 4 + l;
                    }
                    Object[] values = values(page, p, page.length, dh.i32(2, 0), leaf, present(defs, leaf, n), dict);
                    asm.add(n, reps, defs, values);
                    seen += n;
                }
                case 3 -> {
                    Struct dh = ph.struct(8);
                    int n = pageValues(dh.i32(1, 0), numValues, seen);
                    int defLen = dh.i32(5, 0);
                    int repLen = dh.i32(6, 0);
                    int[] reps = leaf.maxRep() > 0 ? HybridDecoder.decode(bytes, pageStart, pageStart + repLen,
                            HybridDecoder.bitWidth(leaf.maxRep()), n) : null;
                    int[] defs = leaf.maxDef() > 0 ? HybridDecoder.decode(bytes, pageStart + repLen,
                            pageStart + repLen + defLen, HybridDecoder.bitWidth(leaf.maxDef()), n) : null;
                    int vStart = pageStart + repLen + defLen;
                    int vLen = compressed - repLen - defLen;
                    byte[] page = dh.bool(7, true)
                            ? decompress(codec, bytes, vStart, vLen, uncompressed - repLen - defLen)
                            : java.util.Arrays.copyOfRange(bytes, vStart, vStart + vLen);
                    Object[] values = values(page, 0, page.length, dh.i32(4, 0), leaf, present(defs, leaf, n), dict);
                    asm.add(n, reps, defs, values);
                    seen += n;
                }
                default -> { } // index pages: skip
            }
        }
        asm.finish();
    }

    /** A page's value count, which its column chunk's declared count bounds. */
    private static int pageValues(int n, long chunkValues, long seen) {
        if (n < 0 || n > chunkValues - seen) {
            throw new IllegalStateException("page declares " + n + " values, its column chunk has " + (chunkValues - seen)
                    + " left of the " + chunkValues + " it declares");
        }
        return n;
    }

    private static int present(int[] defs, Leaf leaf, int n) {
        if (defs == null) {
            return n;
        }
        int c = 0;
        for (int d : defs) {
            if (d == leaf.maxDef()) {
                c++;
            }
        }
        return c;
    }

    private Object[] values(byte[] page, int p, int end, int encoding, Leaf leaf, int count, Object[] dict) {
        return switch (encoding) {
            case 0 -> plain(page, p, end, leaf, count);
            case 2, 8 -> {
                if (dict == null) {
                    throw new IllegalStateException("dictionary-encoded page without a dictionary page");
                }
                int width = page[p] & 0xff;
                int[] idx = HybridDecoder.decode(page, p + 1, end, width, count);
                Object[] out = new Object[count];
                for (int i = 0; i < count; i++) {
                    if (idx[i] < 0 || idx[i] >= dict.length) {
                        throw new IllegalStateException("dictionary index " + idx[i] + " outside 0.." + (dict.length - 1));
                    }
                    out[i] = dict[idx[i]];
                }
                yield out;
            }
            default -> throw new UnsupportedOperationException("encoding " + encoding
                    + " is not supported (PLAIN=0, PLAIN_DICTIONARY=2, RLE_DICTIONARY=8 are)");
        };
    }

    private Object[] plain(byte[] b, int p, int end, Leaf leaf, int count) {
        // every PLAIN value takes at least this many bits: a count the page cannot hold is refused unallocated
        if (leaf.type() == 7 && leaf.typeLength() < 1) {
            // values of no bytes would let any claimed count fit any page
            throw new IllegalStateException("FIXED_LEN_BYTE_ARRAY with type_length " + leaf.typeLength()
                    + "; expected a length of at least 1");
        }
        long minBits = switch (leaf.type()) {
            case 0 -> 1;
            case 1, 4, 6 -> 32;
            case 2, 5 -> 64;
            case 7 -> 8L * leaf.typeLength();
            // INT96 and unknown types: refused before an array of the page's claimed count is allocated
            default -> throw new UnsupportedOperationException("physical type " + typeName(leaf.type())
                    + " is not supported (BOOLEAN, INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY are)");
        };
        if (count < 0 || count * minBits > 8L * (end - p)) {
            throw new IllegalStateException("page of " + (end - p) + " value bytes cannot hold the " + count
                    + " PLAIN values its header says");
        }
        Object[] out = new Object[count];
        ByteBuffer bb = ByteBuffer.wrap(b, 0, end).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            switch (leaf.type()) {
                case 0 -> out[i] = ((b[p + i / 8] >>> (i % 8)) & 1) != 0;
                case 1 -> { out[i] = bb.getInt(p); p += 4; }
                case 2 -> { out[i] = bb.getLong(p); p += 8; }
                case 4 -> { out[i] = bb.getFloat(p); p += 4; }
                case 5 -> { out[i] = bb.getDouble(p); p += 8; }
                case 6 -> {
                    int l = bb.getInt(p);
                    if (l < 0 || p + 4 + l > end) {
                        throw new IllegalStateException("byte array of " + l + " bytes runs past its page");
                    }
                    out[i] = new String(b, p + 4, l, StandardCharsets.UTF_8);
                    p += 4 + l;
                }
                case 7 -> {
                    out[i] = java.util.Arrays.copyOfRange(b, p, p + leaf.typeLength());
                    p += leaf.typeLength();
                }
                default -> throw new IllegalStateException("physical type " + leaf.type() + " past the check above");
            }
        }
        return out;
    }

    private byte[] decompress(int codec, byte[] b, int off, int len, int expected) throws IOException {
        if (expected < 0 || expected > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("page header says " + expected + " uncompressed bytes");
        }
        // the header's size bounds what is inflated: a small page must not expand to the heap's end first
        byte[] out = switch (codec) {
            case 0 -> java.util.Arrays.copyOfRange(b, off, off + len);
            case 1 -> Snappy.decompress(b, off, len, expected);
            case 2 -> {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b, off, len))) {
                    byte[] got = in.readNBytes(expected + 1);
                    if (got.length > expected) {
                        throw new IllegalStateException("page decompresses to more than the " + expected
                                + " bytes its header says");
                    }
                    yield got;
                }
            }
            default -> throw new UnsupportedOperationException("codec " + codecName(codec)
                    + " is not supported (UNCOMPRESSED, SNAPPY and GZIP are)");
        };
        if (out.length != expected) {
            throw new IllegalStateException("page decompressed to " + out.length + " bytes, its header says " + expected);
        }
        return out;
    }

    private static String typeName(int type) {
        String[] names = {"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
        return type >= 0 && type < names.length ? names[type] : Integer.toString(type);
    }

    private static String codecName(int codec) {
        String[] names = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
        return codec >= 0 && codec < names.length ? names[codec] : Integer.toString(codec);
    }

    private static int le32(byte[] b, int p) {
        if (p + 4 > b.length) {
            throw new IllegalStateException("level length runs past its page");
        }
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }

    /** Rebuilds per-row nested lists from (repetition, definition, value) triples. */
    private static final class Assembler {
        private final Leaf leaf;
        private final List<Object> rows;
        private final List<List<Object>> current = new ArrayList<>();

        Assembler(Leaf leaf, List<Object> rows) {
            this.leaf = leaf;
            this.rows = rows;
            for (int i = 0; i <= leaf.maxRep(); i++) {
                current.add(null);
            }
        }

        void add(int n, int[] reps, int[] defs, Object[] values) {
            int v = 0;
            int maxRep = leaf.maxRep();
            int maxDef = leaf.maxDef();
            for (int k = 0; k < n; k++) {
                int r = reps == null ? 0 : reps[k];
                int d = defs == null ? 0 : defs[k];
                Object value = d == maxDef ? values[v++] : null;
                if (maxRep == 0) {
                    rows.add(value);
                    continue;
                }
                if (r > 0 && current.get(r) == null) {
                    throw new IllegalStateException("repetition level " + r + " continues a list that was never started");
                }
                boolean stopped = false;
                for (int i = r + 1; i <= maxRep; i++) {
                    int before = leaf.defBefore()[i - 1];
                    if (d < before) {
                        put(i, r, null);
                        stopped = true;
                        break;
                    }
                    List<Object> l = new ArrayList<>();
                    put(i, r, l);
                    current.set(i, l);
                    if (d == before) {
                        stopped = true;
                        break;
                    }
                }
                if (!stopped) {
                    current.get(maxRep).add(value);
                }
            }
        }

        private void put(int level, int r, Object x) {
            if (level == 1 && r == 0) {
                rows.add(x);
            } else {
                current.get(level - 1).add(x);
            }
        }

        void finish() {}
    }
}
