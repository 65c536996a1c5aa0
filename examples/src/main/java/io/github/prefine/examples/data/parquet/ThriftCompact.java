package io.github.prefine.examples.data.parquet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes Thrift compact-protocol structs into a generic field-id map, which is all the parquet
 * footer and page headers need; unknown fields are kept and ignored by the caller, so newer
 * writers' extra fields do not break reading.
 */
final class ThriftCompact {
    /** Nesting beyond this is refused: parquet's metadata nests a few levels, and each level costs stack. */
    static final int MAX_DEPTH = 64;

    private final byte[] buf;
    private int pos;
    private int depth;

    ThriftCompact(byte[] buf, int pos) {
        this.buf = buf;
        this.pos = pos;
    }

    int position() {
        return pos;
    }

    /**
     * A decoded struct: field id to value (Long, Double, Boolean, byte[], Struct or List). The
     * accessors check the type they read, so a field of the wrong type in a damaged or crafted
     * file is an {@link IllegalStateException} naming the field, not a {@link ClassCastException}.
     */
    static final class Struct {
        private final Map<Integer, Object> fields = new HashMap<>();

        boolean has(int id) {
            return fields.containsKey(id);
        }

        long i64(int id, long dflt) {
            Object v = fields.get(id);
            return v == null ? dflt : typed(id, v, Long.class, "an integer");
        }

        int i32(int id, int dflt) {
            long v = i64(id, dflt);
            if (v != (int) v) {
                throw new IllegalStateException("thrift field " + id + " must be a 32-bit integer, found " + v);
            }
            return (int) v;
        }

        boolean bool(int id, boolean dflt) {
            Object v = fields.get(id);
            return v == null ? dflt : typed(id, v, Boolean.class, "a boolean");
        }

        String string(int id) {
            Object v = fields.get(id);
            return v == null ? null : new String(typed(id, v, byte[].class, "a string"), StandardCharsets.UTF_8);
        }

        Struct struct(int id) {
            Object v = fields.get(id);
            return v == null ? null : typed(id, v, Struct.class, "a struct");
        }

        @SuppressWarnings("unchecked")
        List<Object> list(int id) {
            Object v = fields.get(id);
            return v == null ? List.of() : typed(id, v, List.class, "a list");
        }

        /** Returns a list element as a struct. */
        static Struct of(Object element) {
            return typed(-1, element, Struct.class, "a struct");
        }

        /** Returns a list element as bytes. */
        static byte[] bytes(Object element) {
            return typed(-1, element, byte[].class, "a string");
        }

        private static <T> T typed(int id, Object v, Class<T> type, String expected) {
            if (!type.isInstance(v)) {
                String found = v instanceof byte[] ? "a string" : v instanceof Struct ? "a struct"
                        : v instanceof List ? "a list" : v.getClass().getSimpleName() + " " + v;
                throw new IllegalStateException((id < 0 ? "thrift list element" : "thrift field " + id) + " must be "
                        + expected + ", found " + found);
            }
            return type.cast(v);
        }
    }

    Struct readStruct() {
        Struct s = new Struct();
        int lastId = 0;
        while (true) {
            int header = u8();
            int type = header & 0x0f;
            if (type == 0) {
                return s;
            }
            int delta = header >>> 4;
            int id = delta == 0 ? (short) zigzag(varint()) : lastId + delta;
            lastId = id;
            Object v = switch (type) {
                case 1 -> Boolean.TRUE;
                case 2 -> Boolean.FALSE;
                default -> readValue(type);
            };
            s.fields.put(id, v);
        }
    }

    private Object readValue(int type) {
        switch (type) {
            case 1, 2:
                return u8() == 1; // a bool inside a list is a whole byte
            case 3:
                return (long) (byte) u8();
            case 4, 5, 6:
                return zigzag(varint());
            case 7: {
                long bits = 0;
                for (int i = 0; i < 8; i++) {
                    bits |= (long) u8() << (8 * i);
                }
                return Double.longBitsToDouble(bits);
            }
            case 8: {
                int len = (int) varint();
                check(len);
                byte[] b = new byte[len];
                System.arraycopy(buf, pos, b, 0, len);
                pos += len;
                return b;
            }
            case 9, 10: {
                enter();
                int h = u8();
                long size = h >>> 4;
                if (size == 15) {
                    size = varint();
                }
                int et = h & 0x0f;
                List<Object> out = new ArrayList<>();
                for (long i = 0; i < size; i++) {
                    out.add(readValue(et));
                }
                depth--;
                return out;
            }
            case 11: {
                long size = varint();
                if (size > 0) {
                    int kv = u8();
                    for (long i = 0; i < size; i++) {
                        readValue(kv >>> 4);
                        readValue(kv & 0x0f);
                    }
                }
                return List.of(); // parquet metadata has no maps we read
            }
            case 12: {
                enter();
                Struct inner = readStruct();
                depth--;
                return inner;
            }
            default:
                throw new IllegalStateException("unknown thrift compact type " + type + " at byte " + pos);
        }
    }

    /** One level deeper; a crafted footer of nested structs would otherwise overflow the stack. */
    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw new IllegalStateException("thrift structs and lists nest deeper than " + MAX_DEPTH + " levels at byte "
                    + pos);
        }
    }

    private int u8() {
        check(1);
        return buf[pos++] & 0xff;
    }

    private void check(int n) {
        if (n < 0 || pos + n > buf.length) {
            throw new IllegalStateException("thrift struct runs past its " + buf.length + " bytes (at byte " + pos + ")");
        }
    }

    private long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalStateException("varint longer than 10 bytes at byte " + pos);
    }

    private static long zigzag(long n) {
        return (n >>> 1) ^ -(n & 1);
    }
}
