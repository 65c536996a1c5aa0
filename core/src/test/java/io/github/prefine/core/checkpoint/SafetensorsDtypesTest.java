package io.github.prefine.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.LoadedCheckpoint;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safetensors dtypes beyond the floating-point weights (I16, U16, U32, U64, F8_E4M3, F8_E5M2)
 * in files whose bytes are written by hand: the header is checked with each dtype's own element
 * size (the safetensors spec's), the bytes come back as written, and a weight of such a dtype is
 * refused naming file, tensor, dtype and what is read, where it was refused as an "unknown dtype"
 * when the file was opened, with every other tensor of it.
 */
class SafetensorsDtypesTest {

    @TempDir
    Path dir;

    /** Writes header and data as the format lays them out: u64 length, JSON header, bytes. */
    private static Path write(Path file, String header, byte[] data) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Files.write(file, b.array());
        return file;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void opensEveryFixedWidthDtypeWithItsElementSizeAndReturnsTheBytesAsWritten() throws Exception {
        // little-endian values known by hand: I16 -2, 300; U16 65535; U32 4000000000; U64 2^63 + 1;
        // F8_E4M3 0x38 = 1.0, 0xC0 = -2.0; F8_E5M2 0x3C = 1.0; F32 1.5
        byte[] i16 = {(byte) 0xFE, (byte) 0xFF, 0x2C, 0x01};
        byte[] u16 = {(byte) 0xFF, (byte) 0xFF};
        byte[] u32 = {0x00, 0x28, 0x6B, (byte) 0xEE};
        byte[] u64 = {0x01, 0, 0, 0, 0, 0, 0, (byte) 0x80};
        byte[] e4m3 = {0x38, (byte) 0xC0};
        byte[] e5m2 = {0x3C};
        byte[] f32 = {0, 0, (byte) 0xC0, 0x3F};
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (byte[] b : List.of(i16, u16, u32, u64, e4m3, e5m2, f32)) {
            data.write(b);
        }
        String header = "{\"a\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"U16\",\"shape\":[1],\"data_offsets\":[4,6]},"
                + "\"c\":{\"dtype\":\"U32\",\"shape\":[1],\"data_offsets\":[6,10]},"
                + "\"d\":{\"dtype\":\"U64\",\"shape\":[1],\"data_offsets\":[10,18]},"
                + "\"e\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[18,20]},"
                + "\"f\":{\"dtype\":\"F8_E5M2\",\"shape\":[1],\"data_offsets\":[20,21]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[21,25]}}";
        Path p = write(dir.resolve("model.safetensors"), header, data.toByteArray());
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertEquals(HostTensor.DType.I16, r.dtype("a"));
            assertEquals(HostTensor.DType.U16, r.dtype("b"));
            assertEquals(HostTensor.DType.U32, r.dtype("c"));
            assertEquals(HostTensor.DType.U64, r.dtype("d"));
            assertEquals(HostTensor.DType.F8_E4M3, r.dtype("e"));
            assertEquals(HostTensor.DType.F8_E5M2, r.dtype("f"));
            ByteBuffer a = r.read("a").data();
            assertEquals(-2, a.getShort(0));
            assertEquals(300, a.getShort(2));
            assertEquals(65535, Short.toUnsignedInt(r.read("b").data().getShort(0)));
            assertEquals(4_000_000_000L, Integer.toUnsignedLong(r.read("c").data().getInt(0)));
            assertEquals("9223372036854775809", Long.toUnsignedString(r.read("d").data().getLong(0)));
            assertEquals(List.of((byte) 0x38, (byte) 0xC0), List.of(r.read("e").data().get(0), r.read("e").data().get(1)));
            assertEquals((byte) 0x3C, r.read("f").data().get(0));
            assertEquals(1.5f, r.read("w").data().getFloat(0));
        }
        // each size is checked: a U32 given 2 bytes per element, an F8 given 2
        Path u32Short = write(dir.resolve("u32.safetensors"), "{\"c\":{\"dtype\":\"U32\",\"shape\":[2],\"data_offsets\":[0,4]}}",
                new byte[4]);
        MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class, () -> SafetensorsReader.open(u32Short));
        assertTrue(e.getMessage().startsWith(u32Short + ": tensor c has data_offsets [0, 4] holding 4 bytes, but shape [2] of U32 needs 8"), e.getMessage());
        Path f8Long = write(dir.resolve("f8.safetensors"), "{\"e\":{\"dtype\":\"F8_E5M2\",\"shape\":[2],\"data_offsets\":[0,4]}}",
                new byte[4]);
        e = assertThrows(MalformedCheckpointException.class, () -> SafetensorsReader.open(f8Long));
        assertTrue(e.getMessage().startsWith(f8Long + ": tensor e has data_offsets [0, 4] holding 4 bytes, but shape [2] of F8_E5M2 needs 2"), e.getMessage());
    }

    @Test
    void aDtypeTheFormatDoesNotDefineIsRefusedNamingTheOnesRead() throws Exception {
        Path p = write(dir.resolve("model.safetensors"), "{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,1]}}",
                new byte[1]);
        MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class, () -> SafetensorsReader.open(p));
        assertEquals(p + ": tensor a has unknown dtype Q4 (supported: [F32, F16, BF16, I64, I32, I8, U8, F64, BOOL, I16,"
                + " U16, U32, U64, F8_E4M3, F8_E5M2])", e.getMessage());
    }

    /** The BERT fixture's tensors, with {@code change} applied, written to a model folder. */
    private Path bertWith(String folder, Map<String, HostTensor> change) throws Exception {
        Path src = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        Path out = Files.createDirectories(dir.resolve(folder));
        Files.copy(src.resolve("config.json"), out.resolve("config.json"));
        List<HostTensor> tensors = new ArrayList<>();
        try (SafetensorsReader r = SafetensorsReader.open(src)) {
            for (String n : r.names()) {
                tensors.add(change.getOrDefault(n, r.read(n)));
            }
        }
        change.forEach((n, t) -> {
            if (tensors.stream().noneMatch(x -> x.name().equals(n))) {
                tensors.add(t);
            }
        });
        SafetensorsWriter.write(out.resolve("model.safetensors"), tensors);
        return out;
    }

    @Test
    void anEncoderCheckpointWithAnIntegerBufferLoadsAndAnF8WeightIsRefusedNamingFileTensorAndDtype() throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 7).putShort((short) -1)
                .putShort((short) 1000).flip();
        Path withBuffer = bertWith("buffer", Map.of("extra.counts", new HostTensor("extra.counts", HostTensor.DType.I16,
                new long[] {3}, buf)));
        try (NDManager m = NDManager.newBaseManager(); LoadedCheckpoint ck = EncoderCheckpoint.load(withBuffer, m)) {
            HostTensor left = ck.otherTensors().get("extra.counts");
            assertEquals(HostTensor.DType.I16, left.dtype());
            assertEquals(List.of((short) 7, (short) -1, (short) 1000), List.of(left.data().getShort(0),
                    left.data().getShort(2), left.data().getShort(4)));
        }
        // 32 bytes 0x38: F8_E4M3 1.0 each; a quantized checkpoint's scales live apart, so no cast is safe
        ByteBuffer ones = ByteBuffer.allocate(32);
        for (int i = 0; i < 32; i++) {
            ones.put((byte) 0x38);
        }
        ones.flip();
        Path withF8 = bertWith("f8", Map.of("embeddings.LayerNorm.weight", new HostTensor("embeddings.LayerNorm.weight",
                HostTensor.DType.F8_E4M3, new long[] {32}, ones)));
        try (NDManager m = NDManager.newBaseManager()) {
            MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class,
                    () -> EncoderCheckpoint.load(withF8, m));
            assertEquals(withF8.resolve("model.safetensors") + ": embeddings.LayerNorm.weight has dtype F8_E4M3, expected"
                    + " F32, F16, BF16 or F64 (an 8-bit float weight is read by no cast: its checkpoint's scales are"
                    + " stored apart; dequantize it to one of those first)", e.getMessage());
        }
    }

    @Test
    void anIntegerTensorGivenAsAWeightIsRefusedNamingTheDtypesConverted() {
        HostTensor t = new HostTensor("head.weight", HostTensor.DType.U16, new long[] {1}, ByteBuffer.allocate(2));
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HostTensors.toNDArray(t, m, DataType.FLOAT32));
            assertEquals("head.weight: has dtype U16, expected F32, F16, BF16 or F64", e.getMessage());
        }
    }
}
