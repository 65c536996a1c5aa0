package io.github.prefine.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A cursor over one protobuf message laid out in a byte buffer, reading the wire format by hand:
 * varints (wire type 0), 64-bit (1), length-delimited (2) and 32-bit (5) fields.
 *
 * <p>Offsets are absolute positions in the file, so every error names the byte where it happened.
 * The reader never copies the buffer; {@link #sub} returns a cursor over a nested message that
 * shares it. Not thread-safe.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    private final Path file;
    private final ByteBuffer buf;
    private final int end;
    private int pos;
    private int fieldStart;
    private int tag;

    ProtoReader(Path file, ByteBuffer buf, int start, int end) {
        this.file = file;
        this.buf = buf;
        this.pos = start;
        this.end = end;
    }

    /** Returns whether another field follows; if so reads its key. */
    boolean next() throws MalformedOnnxException {
        if (pos >= end) {
            return false;
        }
        fieldStart = pos;
        long key = readVarint();
        if (key > Integer.MAX_VALUE || (key >>> 3) == 0) {
            throw error(fieldStart, "invalid field key " + key);
        }
        tag = (int) key;
        int wt = wireType();
        if (wt != VARINT && wt != FIXED64 && wt != LEN && wt != FIXED32) {
            throw error(fieldStart, "unsupported wire type " + wt + " for field " + field());
        }
        return true;
    }

    int field() {
        return tag >>> 3;
    }

    int wireType() {
        return tag & 7;
    }

    /** The offset of the current field's key. */
    int fieldStart() {
        return fieldStart;
    }

    boolean hasRemaining() {
        return pos < end;
    }

    int position() {
        return pos;
    }

    Path file() {
        return file;
    }

    ByteBuffer buffer() {
        return buf;
    }

    long readVarint() throws MalformedOnnxException {
        int start = pos;
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= end) {
                throw error(start, "truncated varint at the end of its message (ends at byte " + end + ")");
            }
            byte b = buf.get(pos++);
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw error(start, "varint longer than 10 bytes");
    }

    /** Reads a length prefix and returns the absolute [start, end) of the payload, advancing past it. */
    int[] readLengthDelimited() throws MalformedOnnxException {
        expect(LEN);
        long len = readVarint();
        if (len < 0 || len > end - pos) {
            throw error(fieldStart, "field " + field() + " declares " + len + " bytes but only " + (end - pos)
                    + " remain in its message");
        }
        int from = pos;
        pos += (int) len;
        return new int[] {from, pos};
    }

    ProtoReader sub() throws MalformedOnnxException {
        int[] range = readLengthDelimited();
        return new ProtoReader(file, buf, range[0], range[1]);
    }

    String readString() throws MalformedOnnxException {
        int[] r = readLengthDelimited();
        byte[] bytes = new byte[r[1] - r[0]];
        buf.get(r[0], bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    long readVarintField() throws MalformedOnnxException {
        expect(VARINT);
        return readVarint();
    }

    /** Skips the value of the current field, whatever its wire type. */
    void skip() throws MalformedOnnxException {
        switch (wireType()) {
            case VARINT -> readVarint();
            case FIXED64 -> advance(8);
            case FIXED32 -> advance(4);
            case LEN -> readLengthDelimited();
            default -> throw error(fieldStart, "unsupported wire type " + wireType());
        }
    }

    void advance(int n) throws MalformedOnnxException {
        if (end - pos < n) {
            throw error(pos, "field " + field() + " needs " + n + " bytes but only " + (end - pos) + " remain");
        }
        pos += n;
    }

    private void expect(int wt) throws MalformedOnnxException {
        if (wireType() != wt) {
            throw error(fieldStart, "field " + field() + " has wire type " + wireType() + ", expected " + wt);
        }
    }

    MalformedOnnxException error(long offset, String message) {
        return new MalformedOnnxException(file, offset, message);
    }
}
