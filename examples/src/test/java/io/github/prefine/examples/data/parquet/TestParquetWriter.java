package io.github.prefine.examples.data.parquet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test-side parquet writer laid out as pyarrow writes the Hub's files: every field optional,
 * lists in the three-level {@code list}/{@code element} form, strings annotated UTF8, key-value
 * metadata in the footer. Options exercise the reader's paths: data page v1 (RLE levels) or v2
 * (bit-packed levels), dictionary or PLAIN strings, SNAPPY (literal-only blocks, which are valid
 * Snappy) or no compression, several pages and row groups.
 */
public final class TestParquetWriter {
    /** A schema node: a leaf ("string", "int64", "int32", "double", "bool"), a list or a struct. */
    public record Field(String name, String type, List<Field> children) {
        public static Field string(String name) {
            return new Field(name, "string", List.of());
        }

        public static Field int64(String name) {
            return new Field(name, "int64", List.of());
        }

        public static Field int32(String name) {
            return new Field(name, "int32", List.of());
        }

        public static Field float64(String name) {
            return new Field(name, "double", List.of());
        }

        public static Field list(String name, Field element) {
            return new Field(name, "list", List.of(new Field("element", element.type, element.children)));
        }

        public static Field struct(String name, Field... children) {
            return new Field(name, "struct", List.of(children));
        }

        boolean leaf() {
            return !type.equals("list") && !type.equals("struct");
        }
    }

    private final List<Field> schema = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private boolean v2;
    private boolean dictionary;
    private boolean snappy = true;
    private int rowsPerPage = 1000;
    private int rowsPerGroup = 1 << 20;

    public TestParquetWriter field(Field f) {
        schema.add(f);
        return this;
    }

    public TestParquetWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public TestParquetWriter pageV2(boolean on) {
        this.v2 = on;
        return this;
    }

    public TestParquetWriter dictionary(boolean on) {
        this.dictionary = on;
        return this;
    }

    public TestParquetWriter snappy(boolean on) {
        this.snappy = on;
        return this;
    }

    private Integer declaredCodec;

    /** Declares another codec in the column metadata than the one used, to test unsupported codecs. */
    public TestParquetWriter declaredCodec(int codec) {
        this.declaredCodec = codec;
        return this;
    }

    public TestParquetWriter rowsPerPage(int n) {
        this.rowsPerPage = n;
        return this;
    }

    public TestParquetWriter rowsPerGroup(int n) {
        this.rowsPerGroup = n;
        return this;
    }

    /** One leaf's shredded column: levels, values, row starts. */
    private static final class Shredded {
        final Field leaf;
        final List<String> path;
        final int maxRep;
        final int maxDef;
        final List<Integer> reps = new ArrayList<>();
        final List<Integer> defs = new ArrayList<>();
        final List<Object> values = new ArrayList<>();

        Shredded(Field leaf, List<String> path, int maxRep, int maxDef) {
            this.leaf = leaf;
            this.path = path;
            this.maxRep = maxRep;
            this.maxDef = maxDef;
        }
    }

    public byte[] toBytes(List<Map<String, Object>> rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("PAR1".getBytes(StandardCharsets.US_ASCII));
        List<byte[]> groups = new ArrayList<>();
        for (int g = 0; g < rows.size() || (g == 0 && rows.isEmpty()); g += rowsPerGroup) {
            List<Map<String, Object>> part = rows.subList(g, Math.min(rows.size(), g + rowsPerGroup));
            List<Shredded> cols = new ArrayList<>();
            for (Field f : schema) {
                leaves(f, new ArrayList<>(), 0, 0, cols);
            }
            List<List<Integer>> rowStarts = new ArrayList<>();
            for (Shredded c : cols) {
                rowStarts.add(new ArrayList<>());
            }
            for (Map<String, Object> row : part) {
                int k = 0;
                for (Field f : schema) {
                    int count = countLeaves(f);
                    List<Shredded> sub = cols.subList(k, k + count);
                    for (int i = 0; i < count; i++) {
                        rowStarts.get(k + i).add(sub.get(i).reps.size());
                    }
                    shred(f, row.get(f.name()), 0, 0, 0, sub);
                    k += count;
                }
            }
            ThriftWriter rg = new ThriftWriter();
            rg.fieldListBegin(1, 12, cols.size());
            long total = 0;
            for (int c = 0; c < cols.size(); c++) {
                Shredded col = cols.get(c);
                long chunkStart = out.size();
                Long dictOffset = null;
                List<Object> dict = null;
                Map<Object, Integer> index = null;
                if (dictionary && col.leaf.type().equals("string")) {
                    dict = new ArrayList<>();
                    index = new LinkedHashMap<>();
                    for (Object v : col.values) {
                        if (!index.containsKey(v)) {
                            index.put(v, dict.size());
                            dict.add(v);
                        }
                    }
                    dictOffset = (long) out.size();
                    byte[] plain = plain(col.leaf, dict);
                    ThriftWriter dh = new ThriftWriter();
                    dh.i32(1, dict.size()).i32(2, 0).stop();
                    writePage(out, 2, plain, 7, dh);
                }
                long dataOffset = out.size();
                List<Integer> starts = rowStarts.get(c);
                int v = 0;
                for (int r = 0; r < starts.size(); r += rowsPerPage) {
                    int from = starts.get(r);
                    int to = r + rowsPerPage < starts.size() ? starts.get(r + rowsPerPage) : col.reps.size();
                    List<Integer> reps = col.reps.subList(from, to);
                    List<Integer> defs = col.defs.subList(from, to);
                    List<Object> vals = new ArrayList<>();
                    for (int d : defs) {
                        if (d == col.maxDef) {
                            vals.add(col.values.get(v++));
                        }
                    }
                    byte[] valueBytes;
                    int encoding;
                    if (dict != null) {
                        int width = Math.max(1, 32 - Integer.numberOfLeadingZeros(dict.size() - 1));
                        List<Integer> ids = new ArrayList<>();
                        for (Object o : vals) {
                            ids.add(index.get(o));
                        }
                        ByteArrayOutputStream b = new ByteArrayOutputStream();
                        b.write(width);
                        b.write(bitPacked(ids, width));
                        valueBytes = b.toByteArray();
                        encoding = 8;
                    } else {
                        valueBytes = plain(col.leaf, vals);
                        encoding = 0;
                    }
                    int repWidth = 32 - Integer.numberOfLeadingZeros(col.maxRep);
                    int defWidth = 32 - Integer.numberOfLeadingZeros(col.maxDef);
                    int nRows = Math.min(rowsPerPage, starts.size() - r);
                    if (!v2) {
                        ByteArrayOutputStream page = new ByteArrayOutputStream();
                        if (col.maxRep > 0) {
                            lengthPrefixed(page, rle(reps, repWidth));
                        }
                        if (col.maxDef > 0) {
                            lengthPrefixed(page, rle(defs, defWidth));
                        }
                        page.write(valueBytes);
                        ThriftWriter dh = new ThriftWriter();
                        dh.i32(1, reps.size()).i32(2, encoding).i32(3, 3).i32(4, 3).stop();
                        writePage(out, 0, page.toByteArray(), 5, dh);
                    } else {
                        byte[] repBytes = col.maxRep > 0 ? bitPacked(reps, repWidth) : new byte[0];
                        byte[] defBytes = col.maxDef > 0 ? bitPacked(defs, defWidth) : new byte[0];
                        byte[] body = snappy ? snappyLiteral(valueBytes) : valueBytes;
                        ThriftWriter dh = new ThriftWriter();
                        dh.i32(1, reps.size()).i32(2, reps.size() - vals.size()).i32(3, nRows).i32(4, encoding)
                                .i32(5, defBytes.length).i32(6, repBytes.length).bool(7, snappy).stop();
                        ThriftWriter ph = new ThriftWriter();
                        int len = repBytes.length + defBytes.length;
                        ph.i32(1, 3).i32(2, len + valueBytes.length).i32(3, len + body.length).struct(8, dh).stop();
                        out.write(ph.bytes());
                        out.write(repBytes);
                        out.write(defBytes);
                        out.write(body);
                    }
                }
                long size = out.size() - chunkStart;
                total += size;
                ThriftWriter md = new ThriftWriter();
                md.i32(1, physical(col.leaf));
                md.fieldListBegin(2, 5, 1).listI32(0);
                md.fieldListBegin(3, 8, col.path.size());
                for (String p : col.path) {
                    md.listBinary(p.getBytes(StandardCharsets.UTF_8));
                }
                md.i32(4, declaredCodec != null ? declaredCodec : snappy ? 1 : 0).i64(5, col.reps.size()).i64(6, size).i64(7, size).i64(9, dataOffset);
                if (dictOffset != null) {
                    md.i64(11, dictOffset);
                }
                md.stop();
                ThriftWriter cc = new ThriftWriter();
                cc.i64(2, chunkStart).struct(3, md).stop();
                rg.listStruct(cc);
            }
            rg.i64(2, total).i64(3, part.size()).stop();
            groups.add(rg.bytes());
            if (rows.isEmpty()) {
                break;
            }
        }
        ThriftWriter fm = new ThriftWriter();
        fm.i32(1, 1);
        List<ThriftWriter> elements = new ArrayList<>();
        ThriftWriter root = new ThriftWriter();
        root.binary(4, "schema").i32(5, schema.size()).stop();
        elements.add(root);
        for (Field f : schema) {
            schemaElements(f, 1, elements);
        }
        fm.fieldListBegin(2, 12, elements.size());
        for (ThriftWriter e : elements) {
            fm.listStruct(e);
        }
        fm.i64(3, rows.size());
        fm.fieldListBegin(4, 12, groups.size());
        for (byte[] g : groups) {
            fm.raw(g);
        }
        fm.fieldListBegin(5, 12, metadata.size());
        metadata.forEach((k, val) -> {
            ThriftWriter kv = new ThriftWriter();
            kv.binary(1, k).binary(2, val).stop();
            fm.listStruct(kv);
        });
        fm.binary(6, "prefine test writer").stop();
        byte[] footer = fm.bytes();
        out.write(footer);
        out.write(new byte[] {(byte) footer.length, (byte) (footer.length >>> 8), (byte) (footer.length >>> 16),
            (byte) (footer.length >>> 24)});
        out.write("PAR1".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    public Path write(Path file, List<Map<String, Object>> rows) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, toBytes(rows));
        return file;
    }

    private void writePage(ByteArrayOutputStream out, int type, byte[] page, int headerField, ThriftWriter sub)
            throws IOException {
        byte[] body = snappy ? snappyLiteral(page) : page;
        ThriftWriter ph = new ThriftWriter();
        ph.i32(1, type).i32(2, page.length).i32(3, body.length).struct(headerField, sub).stop();
        out.write(ph.bytes());
        out.write(body);
    }

    private static void schemaElements(Field f, int repetition, List<ThriftWriter> out) {
        ThriftWriter e = new ThriftWriter();
        if (f.leaf()) {
            e.i32(1, physical(f)).i32(3, repetition).binary(4, f.name());
            if (f.type().equals("string")) {
                e.i32(6, 0).structBegin(10).structBegin(1).stop().stop();
            }
            e.stop();
            out.add(e);
        } else if (f.type().equals("list")) {
            e.i32(3, repetition).binary(4, f.name()).i32(5, 1).i32(6, 3).structBegin(10).structBegin(3).stop().stop()
                    .stop();
            out.add(e);
            ThriftWriter mid = new ThriftWriter();
            mid.i32(3, 2).binary(4, "list").i32(5, 1).stop();
            out.add(mid);
            schemaElements(f.children().get(0), 1, out);
        } else {
            e.i32(3, repetition).binary(4, f.name()).i32(5, f.children().size()).stop();
            out.add(e);
            for (Field c : f.children()) {
                schemaElements(c, 1, out);
            }
        }
    }

    private static int physical(Field f) {
        return switch (f.type()) {
            case "string" -> 6;
            case "int64" -> 2;
            case "int32" -> 1;
            case "double" -> 5;
            case "bool" -> 0;
            default -> throw new IllegalArgumentException(f.type());
        };
    }

    private static void leaves(Field f, List<String> path, int rep, int def, List<Shredded> out) {
        List<String> p = new ArrayList<>(path);
        p.add(f.name());
        if (f.leaf()) {
            out.add(new Shredded(f, p, rep, def + 1));
        } else if (f.type().equals("list")) {
            p.add("list");
            leaves(f.children().get(0), p, rep + 1, def + 2, out);
        } else {
            for (Field c : f.children()) {
                leaves(c, p, rep, def + 1, out);
            }
        }
    }

    private static int countLeaves(Field f) {
        if (f.leaf()) {
            return 1;
        }
        int n = 0;
        for (Field c : f.children()) {
            n += countLeaves(c);
        }
        return n;
    }

    /** Dremel shredding: rep is the level this value repeats at, def the parent's definition level. */
    @SuppressWarnings("unchecked")
    private static void shred(Field f, Object v, int rep, int def, int depth, List<Shredded> cols) {
        if (v == null) {
            for (Shredded c : cols) {
                c.reps.add(rep);
                c.defs.add(def);
            }
            return;
        }
        if (f.leaf()) {
            Shredded c = cols.get(0);
            c.reps.add(rep);
            c.defs.add(def + 1);
            c.values.add(v);
        } else if (f.type().equals("list")) {
            List<Object> l = (List<Object>) v;
            if (l.isEmpty()) {
                for (Shredded c : cols) {
                    c.reps.add(rep);
                    c.defs.add(def + 1);
                }
                return;
            }
            for (int i = 0; i < l.size(); i++) {
                shred(f.children().get(0), l.get(i), i == 0 ? rep : depth + 1, def + 2, depth + 1, cols);
            }
        } else {
            Map<String, Object> m = (Map<String, Object>) v;
            int k = 0;
            for (Field c : f.children()) {
                int n = countLeaves(c);
                shred(c, m.get(c.name()), rep, def + 1, depth, cols.subList(k, k + n));
                k += n;
            }
        }
    }

    private static byte[] plain(Field leaf, List<Object> vals) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Object o : vals) {
            switch (leaf.type()) {
                case "string" -> {
                    byte[] s = ((String) o).getBytes(StandardCharsets.UTF_8);
                    le(b, s.length, 4);
                    b.writeBytes(s);
                }
                case "int64" -> le(b, ((Number) o).longValue(), 8);
                case "int32" -> le(b, ((Number) o).intValue(), 4);
                case "double" -> le(b, Double.doubleToLongBits(((Number) o).doubleValue()), 8);
                default -> throw new IllegalArgumentException(leaf.type());
            }
        }
        return b.toByteArray();
    }

    private static void le(ByteArrayOutputStream b, long v, int n) {
        for (int i = 0; i < n; i++) {
            b.write((int) (v >>> (8 * i)));
        }
    }

    private static void lengthPrefixed(ByteArrayOutputStream out, byte[] b) {
        le(out, b.length, 4);
        out.writeBytes(b);
    }

    /** RLE runs only. */
    static byte[] rle(List<Integer> values, int width) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int bytes = (width + 7) / 8;
        for (int i = 0; i < values.size(); ) {
            int j = i;
            while (j < values.size() && values.get(j).equals(values.get(i))) {
                j++;
            }
            varint(b, (long) (j - i) << 1);
            le(b, values.get(i), bytes);
            i = j;
        }
        return b.toByteArray();
    }

    /** One bit-packed run, padded to a multiple of 8 values. */
    static byte[] bitPacked(List<Integer> values, int width) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int groups = (values.size() + 7) / 8;
        varint(b, ((long) groups << 1) | 1);
        byte[] packed = new byte[groups * width];
        long bit = 0;
        for (int i = 0; i < groups * 8; i++) {
            int v = i < values.size() ? values.get(i) : 0;
            for (int k = 0; k < width; k++, bit++) {
                if (((v >>> k) & 1) != 0) {
                    packed[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
                }
            }
        }
        b.writeBytes(packed);
        return b.toByteArray();
    }

    static void varint(ByteArrayOutputStream b, long v) {
        while ((v & ~0x7fL) != 0) {
            b.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        b.write((int) v);
    }

    /** A valid Snappy block made of literals only. */
    static byte[] snappyLiteral(byte[] in) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        varint(b, in.length);
        for (int p = 0; p < in.length; p += 65536) {
            int n = Math.min(65536, in.length - p);
            b.write(61 << 2);
            le(b, n - 1, 2);
            b.write(in, p, n);
        }
        return b.toByteArray();
    }

    /** Thrift compact-protocol writer, just enough for parquet metadata. */
    static final class ThriftWriter {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();
        private final java.util.ArrayDeque<Integer> last = new java.util.ArrayDeque<>(List.of(0));

        private void header(int id, int type) {
            int delta = id - last.peek();
            if (delta > 0 && delta <= 15) {
                b.write(delta << 4 | type);
            } else {
                b.write(type);
                varint(b, ((long) id << 1) ^ ((long) id >> 63));
            }
            last.pop();
            last.push(id);
        }

        ThriftWriter i32(int id, int v) {
            header(id, 5);
            varint(b, ((long) v << 1) ^ ((long) v >> 63));
            return this;
        }

        ThriftWriter i64(int id, long v) {
            header(id, 6);
            varint(b, (v << 1) ^ (v >> 63));
            return this;
        }

        ThriftWriter bool(int id, boolean v) {
            header(id, v ? 1 : 2);
            return this;
        }

        ThriftWriter binary(int id, String s) {
            header(id, 8);
            byte[] x = s.getBytes(StandardCharsets.UTF_8);
            varint(b, x.length);
            b.writeBytes(x);
            return this;
        }

        ThriftWriter struct(int id, ThriftWriter inner) {
            header(id, 12);
            b.writeBytes(inner.bytes());
            return this;
        }

        ThriftWriter structBegin(int id) {
            header(id, 12);
            last.push(0);
            return this;
        }

        ThriftWriter stop() {
            b.write(0);
            if (last.size() > 1) {
                last.pop();
            }
            return this;
        }

        ThriftWriter fieldListBegin(int id, int elemType, int size) {
            header(id, 9);
            if (size < 15) {
                b.write(size << 4 | elemType);
            } else {
                b.write(0xf0 | elemType);
                varint(b, size);
            }
            return this;
        }

        ThriftWriter listI32(int v) {
            varint(b, ((long) v << 1) ^ ((long) v >> 63));
            return this;
        }

        ThriftWriter listBinary(byte[] x) {
            varint(b, x.length);
            b.writeBytes(x);
            return this;
        }

        ThriftWriter listStruct(ThriftWriter inner) {
            b.writeBytes(inner.bytes());
            return this;
        }

        ThriftWriter raw(byte[] x) {
            b.writeBytes(x);
            return this;
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }
}
