package io.github.prefine.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsReaderTest {

    @TempDir
    Path dir;

    /** Writes a raw safetensors file: declared header length, header text, data bytes. */
    private Path raw(String name, long declaredHeaderLength, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredHeaderLength).put(h);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private Path raw(String header, int dataBytes) throws IOException {
        return raw("model.safetensors", header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    private String failure(Path p) {
        MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class, () -> {
            try (SafetensorsReader r = SafetensorsReader.open(p)) {
                r.readAll();
            }
        });
        // the path as given, folder and all: a user with several model folders can tell which
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void writesThenReadsBitForBitWithAlignedHeaderAndPtMetadata() throws Exception {
        HostTensor a = HostTensor.ofFloats("b.weight", new long[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, -0f, 7});
        HostTensor s = HostTensor.ofFloats("a.bias", new long[] {1}, new float[] {0.25f});
        Path p = dir.resolve("model.safetensors");
        SafetensorsWriter.write(p, List.of(a, s));
        byte[] bytes = Files.readAllBytes(p);
        long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, headerLen % 8, "data section starts 8-byte aligned");
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"a.bias\":"), header);
        try (SafetensorsReader r = SafetensorsReader.open(dir)) {
            assertEquals(List.of("a.bias", "b.weight"), r.names());
            assertEquals(Map.of("format", "pt"), r.metadata());
            assertArrayEquals(new long[] {2, 3}, r.shape("b.weight"));
            assertEquals(HostTensor.DType.F32, r.dtype("b.weight"));
            assertEquals(a.data(), r.read("b.weight").data());
            assertEquals(s.data(), r.read("a.bias").data());
        }
    }

    /**
     * HF's writer orders tensors by dtype, widest element first, then by name, so that each
     * tensor's data starts at a multiple of its element size (its own round-trip test checks the
     * alignment); ordered by name alone, the I64 after 7 bytes of I8 and F32 began at byte 7. The
     * expected file is worked out by hand: header 162 bytes, padded with 6 spaces to 168.
     */
    @Test
    void writesEachTensorAlignedToItsElementSizeInHfsOrder() throws Exception {
        ByteBuffer i8 = ByteBuffer.wrap(new byte[] {1, 2, 3});
        ByteBuffer i64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 5);
        Path p = dir.resolve("mixed.safetensors");
        SafetensorsWriter.write(p, List.of(new HostTensor("a", HostTensor.DType.I8, new long[] {3}, i8),
                HostTensor.ofFloats("b", new long[] {1}, new float[] {1f}),
                new HostTensor("c", HostTensor.DType.I64, new long[] {1}, i64)), Map.of());
        String header = "{\"c\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"a\":{\"dtype\":\"I8\",\"shape\":[3],\"data_offsets\":[12,15]}}" + " ".repeat(6);
        ByteBuffer expected = ByteBuffer.allocate(8 + 168 + 15).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(168).put(header.getBytes(StandardCharsets.UTF_8))
                .put(new byte[] {5, 0, 0, 0, 0, 0, 0, 0}).put(new byte[] {0, 0, (byte) 0x80, 0x3F}).put(new byte[] {1, 2, 3});
        byte[] bytes = Files.readAllBytes(p);
        // the header first, readable where it differs
        assertEquals(header, new String(bytes, 8, Math.min(168, bytes.length - 8), StandardCharsets.UTF_8));
        assertArrayEquals(expected.array(), bytes);
    }

    /**
     * Dtypes of one element size are ordered as HF's {@code Dtype} enum declares them, descending
     * (its writer compares the dtypes themselves, not their sizes): F32 before U32 before I32, BF16
     * before F16, F8_E4M3 before F8_E5M2, U8 before BOOL; by name only within one dtype.
     */
    @Test
    void dtypesOfOneElementSizeFollowHfsDtypeOrderDescending() throws Exception {
        List<HostTensor> tensors = new java.util.ArrayList<>();
        String[] names = {"a", "b", "c", "d", "e", "f", "g", "h", "i"};
        HostTensor.DType[] dtypes = {HostTensor.DType.I32, HostTensor.DType.F16, HostTensor.DType.U32,
            HostTensor.DType.BF16, HostTensor.DType.F32, HostTensor.DType.F8_E5M2, HostTensor.DType.BOOL,
            HostTensor.DType.F8_E4M3, HostTensor.DType.U8};
        for (int i = 0; i < names.length; i++) {
            tensors.add(new HostTensor(names[i], dtypes[i], new long[] {1}, ByteBuffer.allocate(dtypes[i].bytes())));
        }
        Path p = dir.resolve("ties.safetensors");
        SafetensorsWriter.write(p, tensors, Map.of());
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        String header = new String(file.array(), 8, (int) file.getLong(0), StandardCharsets.UTF_8);
        List<String> order = new java.util.ArrayList<>(com.google.gson.JsonParser.parseString(header).getAsJsonObject()
                .keySet());
        // F32 e, U32 c, I32 a, BF16 d, F16 b, F8_E4M3 h, F8_E5M2 f, U8 i, BOOL g
        assertEquals(List.of("e", "c", "a", "d", "b", "h", "f", "i", "g"), order);
    }

    @Test
    void readingEveryTensorMapsTheFileOnce() throws Exception {
        List<HostTensor> written = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            written.add(HostTensor.ofFloats("layer." + i + ".weight", new long[] {3}, new float[] {i, -i, 0.5f * i}));
        }
        Path p = dir.resolve("model.safetensors");
        SafetensorsWriter.write(p, written);
        Map<String, HostTensor> read;
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            read = r.readAll();
        }
        // the tensors are still held, so no mapping can have been collected: each stays until the
        // GC takes its buffer, and one per tensor piled up load after load
        assertEquals(1, io.github.prefine.core.testing.OpenFiles.mappingsOf(p));
        for (HostTensor t : written) {
            assertEquals(t.data(), read.get(t.name()).data(), t.name());
        }
    }

    @Test
    void writtenWeightsHonourTheUmaskAndLeaveNoTempFile() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        // the permissions any tool gets here: a plain new file, created under the process umask
        Path plain = Files.createFile(dir.resolve("plain"));
        Path p = dir.resolve("w").resolve("model.safetensors");
        SafetensorsWriter.write(p, List.of(HostTensor.ofFloats("a", new long[] {1}, new float[] {1})));
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        try (var files = Files.list(p.getParent())) {
            assertEquals(List.of(p), files.toList());
        }
    }

    @Test
    void convertsF16AndBf16ToTheComputeDtype() throws Exception {
        // 1.0, -2.0, 0.5, smallest subnormal 2^-24, 65504 (max), -0.0; a negative subnormal, the
        // largest subnormal 1023 * 2^-24, the smallest normal 2^-14, (1 + 341/1024) / 4 (1/3 rounded),
        // +-infinity and a NaN, which must stay a NaN, not become an infinity
        int[] f16Bits = {0x3C00, 0xC000, 0x3800, 0x0001, 0x7BFF, 0x8000, 0x8001, 0x03FF, 0x0400, 0x3555, 0x7C00, 0xFC00,
            0x7E00};
        float[] f16Values = {1f, -2f, 0.5f, 0x1p-24f, 65504f, -0f, -0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, 0.333251953125f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        ByteBuffer f16 = ByteBuffer.allocate(2 * f16Bits.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int bits : f16Bits) {
            f16.putShort((short) bits);
        }
        f16.flip();
        ByteBuffer bf16 = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        // 1.0, -3.5, 2^-126
        for (int bits : new int[] {0x3F80, 0xC060, 0x0080}) {
            bf16.putShort((short) bits);
        }
        bf16.flip();
        SafetensorsWriter.write(dir.resolve("model.safetensors"),
                List.of(new HostTensor("h", HostTensor.DType.F16, new long[] {f16Bits.length}, f16),
                        new HostTensor("b", HostTensor.DType.BF16, new long[] {3}, bf16)));
        try (SafetensorsReader r = SafetensorsReader.open(dir);
                NDManager m = NDManager.newBaseManager()) {
            NDArray h = HostTensors.toNDArray(r.read("h"), m, DataType.FLOAT32);
            assertEquals(DataType.FLOAT32, h.getDataType());
            assertArrayEquals(f16Values, h.toFloatArray());
            NDArray b = HostTensors.toNDArray(r.read("b"), m, DataType.FLOAT32);
            assertArrayEquals(new float[] {1f, -3.5f, 0x1p-126f}, b.toFloatArray());
            NDArray h16 = HostTensors.toNDArray(r.read("h"), m, DataType.FLOAT16);
            assertEquals(DataType.FLOAT16, h16.getDataType());
            assertArrayEquals(f16Values, h16.toType(DataType.FLOAT32, false).toFloatArray());
        }
    }

    /** Every dtype, with a scalar, empty and non-empty shapes, reads back with its dtype, shape and bytes. */
    @Test
    void everyDtypeRoundTripsWithItsShapeAndBytes() throws Exception {
        List<HostTensor> written = new java.util.ArrayList<>();
        for (HostTensor.DType d : HostTensor.DType.values()) {
            for (long[] shape : new long[][] {{}, {0}, {2, 3}, {3, 0, 2}}) {
                long n = 1;
                for (long s : shape) {
                    n *= s;
                }
                ByteBuffer b = ByteBuffer.allocate((int) n * d.bytes());
                for (int i = 0; i < b.capacity(); i++) {
                    b.put(i, (byte) (i * 37 + 11));
                }
                written.add(new HostTensor(d + java.util.Arrays.toString(shape), d, shape, b));
            }
        }
        Path p = dir.resolve("model.safetensors");
        SafetensorsWriter.write(p, written);
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertEquals(written.size(), r.names().size());
            for (HostTensor t : written) {
                HostTensor back = r.read(t.name());
                assertEquals(t.dtype(), back.dtype(), t.name());
                assertArrayEquals(t.shape(), back.shape(), t.name());
                assertEquals(t.data(), back.data(), t.name());
            }
        }
    }

    /**
     * The format does not align the data section (HF's writer pads its header to 8 bytes, other
     * writers need not): tensors at any byte offset convert to the same values.
     */
    @Test
    void readsTensorsOfADataSectionAtAnyAlignment() throws Exception {
        for (int pad = 0; pad < 8; pad++) {
            String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},\"b\":{\"dtype\":\"F64\","
                    + "\"shape\":[2],\"data_offsets\":[12,28]},\"c\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[28,30]}}"
                    + " ".repeat(pad);
            byte[] h = header.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + h.length + 30).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(h.length).put(h).putFloat(1.5f).putFloat(-2f).putFloat(3.25f).putDouble(0.5).putDouble(-7)
                    .putShort((short) 0x3C00);
            Path p = dir.resolve("pad" + pad + ".safetensors");
            Files.write(p, b.array());
            try (SafetensorsReader r = SafetensorsReader.open(p);
                    NDManager m = NDManager.newBaseManager()) {
                assertArrayEquals(new float[] {1.5f, -2f, 3.25f}, HostTensors.toNDArray(r.read("a"), m, DataType.FLOAT32).toFloatArray());
                assertArrayEquals(new float[] {0.5f, -7f}, HostTensors.toNDArray(r.read("b"), m, DataType.FLOAT32).toFloatArray());
                assertArrayEquals(new float[] {1f}, HostTensors.toNDArray(r.read("c"), m, DataType.FLOAT16)
                        .toType(DataType.FLOAT32, false).toFloatArray());
            }
        }
    }

    @Test
    void readsShardedCheckpoints() throws Exception {
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"),
                List.of(HostTensor.ofFloats("x", new long[] {2}, new float[] {1, 2})));
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"),
                List.of(HostTensor.ofFloats("y", new long[] {1}, new float[] {3})));
        Files.writeString(dir.resolve(SafetensorsReader.INDEX_FILE),
                "{\"metadata\":{\"total_size\":12},\"weight_map\":{\"x\":\"model-00001-of-00002.safetensors\","
                        + "\"y\":\"model-00002-of-00002.safetensors\"}}");
        try (SafetensorsReader r = SafetensorsReader.open(dir)) {
            assertEquals(List.of("x", "y"), r.names());
            assertEquals(HostTensor.ofFloats("y", new long[] {1}, new float[] {3}).data(), r.read("y").data());
            assertEquals("12", r.metadata().get("total_size"));
        }
        Files.writeString(dir.resolve(SafetensorsReader.INDEX_FILE),
                "{\"weight_map\":{\"x\":\"model-00001-of-00002.safetensors\",\"z\":\"model-00003-of-00002.safetensors\"}}");
        assertTrue(failure(dir.resolve(SafetensorsReader.INDEX_FILE)).contains("shard model-00003-of-00002.safetensors is missing"));
    }

    /**
     * A variant's index, as HF's {@code save_pretrained(variant="fp16")} names it ({@code
     * model.safetensors.index.fp16.json}, shards {@code model.fp16-00001-of-00002.safetensors}),
     * passed directly was read as a safetensors file: its JSON text's first 8 bytes made a header
     * length beyond the file.
     */
    @Test
    void readsAVariantIndexPassedDirectlyAsTheIndexItIs() throws Exception {
        SafetensorsWriter.write(dir.resolve("model.fp16-00001-of-00002.safetensors"),
                List.of(HostTensor.ofFloats("x", new long[] {2}, new float[] {1, 2})));
        SafetensorsWriter.write(dir.resolve("model.fp16-00002-of-00002.safetensors"),
                List.of(HostTensor.ofFloats("y", new long[] {1}, new float[] {3})));
        Path index = dir.resolve("model.safetensors.index.fp16.json");
        Files.writeString(index, "{\"metadata\":{\"total_size\":12},\"weight_map\":{"
                + "\"x\":\"model.fp16-00001-of-00002.safetensors\",\"y\":\"model.fp16-00002-of-00002.safetensors\"}}");
        try (SafetensorsReader r = SafetensorsReader.open(index)) {
            assertEquals(List.of("x", "y"), r.names());
            assertEquals(HostTensor.ofFloats("x", new long[] {2}, new float[] {1, 2}).data(), r.read("x").data());
            assertEquals(HostTensor.ofFloats("y", new long[] {1}, new float[] {3}).data(), r.read("y").data());
        }
        // the pickle variant's index is refused as pickle, as the plain one is
        Path pickle = dir.resolve("pytorch_model.bin.index.fp16.json");
        Files.writeString(pickle, "{\"weight_map\":{\"x\":\"pytorch_model.fp16-00001-of-00001.bin\"}}");
        assertTrue(failure(pickle).startsWith(pickle + ": refusing to read a PyTorch pickle checkpoint"), failure(pickle));
        // any other JSON file is no safetensors file either: refused as an index without a weight map
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"hidden_size\":4}");
        assertEquals(config + ": index has no \"weight_map\" object; expected a safetensors file (.safetensors) or"
                + " the index of a sharded one ({\"weight_map\": {tensor: shard file}})", failure(config));
    }

    @Test
    void refusesAnIndexThatIsNotUtf8NamingTheByte() throws Exception {
        Files.write(dir.resolve(SafetensorsReader.INDEX_FILE), new byte[] {'{', '\n', (byte) 0xC0, '}'});
        assertEquals(dir.resolve(SafetensorsReader.INDEX_FILE) + ": line 2 (byte 2) holds 0xC0, not UTF-8; expected a JSON object in UTF-8",
                failure(dir.resolve(SafetensorsReader.INDEX_FILE)));
    }

    @Test
    void refusesAShardNameThatIsNoFileName() throws Exception {
        // a NUL failed with the JDK's InvalidPathException, naming neither the index nor the tensor
        Files.writeString(dir.resolve(SafetensorsReader.INDEX_FILE), "{\"weight_map\":{\"x\":\"a\\u0000b.safetensors\"}}");
        assertEquals(dir.resolve(SafetensorsReader.INDEX_FILE) + ": shard \"a\\u0000b.safetensors\" is not a file name: Nul character not"
                + " allowed; expected the name of a file beside the index", failure(dir.resolve(SafetensorsReader.INDEX_FILE)));
    }

    @Test
    void rejectsHeaderLengthBeyondTheFile() throws Exception {
        String msg = failure(raw("model.safetensors", 1000, "{}", 0));
        assertEquals(dir.resolve("model.safetensors") + ": header length 1000 goes beyond the file of 10 bytes", msg);
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertTrue(failure(tiny).contains("shorter than the 8-byte header length"));
    }

    /**
     * The header size limit is Hugging Face's: its safetensors library refuses a header of more
     * than {@code MAX_HEADER_SIZE = 100_000_000} bytes (a decimal 100 MB, {@code n > MAX_HEADER_SIZE}
     * gives {@code HeaderTooLarge}), where 100 MiB (104,857,600) let 4.8 MB more through, a file HF
     * cannot read. The file is sparse: its length reaches past the header, its bytes are never written.
     */
    @Test
    void refusesAHeaderOverHuggingFacesHundredMillionBytes() throws Exception {
        Path p = dir.resolve("model.safetensors");
        long declared = 100_000_001L;
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declared).array());
            f.setLength(8 + declared);
        }
        assertEquals(p + ": header length 100000001 exceeds the 100000000 bytes a header may have", failure(p));
    }

    @Test
    void rejectsUnparsableHeader() throws Exception {
        assertTrue(failure(raw("{\"a\": {\"dtype\": ", 0)).contains("header is not parsable JSON"));
        assertEquals(dir.resolve("model.safetensors") + ": header is not a JSON object, found an array",
                failure(raw("[1, 2]", 0)));
        assertEquals(dir.resolve("model.safetensors") + ": header is not a JSON object, found no text",
                failure(raw("        ", 0)));
    }

    @Test
    void rejectsUnknownDtype() throws Exception {
        String msg = failure(raw("{\"a\":{\"dtype\":\"F8_E8M0\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1));
        assertTrue(msg.contains("tensor a has unknown dtype F8_E8M0 (supported: "), msg);
    }

    @Test
    void rejectsOffsetsOutOfRangeOverlappingOrNotMatchingTheShape() throws Exception {
        assertTrue(failure(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8))
                .contains("tensor a has data_offsets [8, 4] out of range: begin after end"));
        assertTrue(failure(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 8))
                .contains("out of range: negative value -4"));
        String overlap = failure(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12));
        assertTrue(overlap.contains("tensor b at [4, 12) overlaps tensor a at [0, 8)"), overlap);
        String shape = failure(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        assertTrue(shape.contains("tensor a has data_offsets [0, 8] holding 8 bytes, but shape [3] of F32 needs 12"), shape);
    }

    /**
     * The reference reader (serde into usize) refuses 4.0 and 2^64 + 4; getAsLong wrapped
     * 18446744073709551620 to 4, so that the tensor read the bytes of another shape.
     */
    @Test
    void rejectsShapesAndOffsetsThatAreNotIntegers() throws Exception {
        for (String bad : new String[] {"4.0", "18446744073709551620", "4.5"}) {
            String msg = failure(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[" + bad + "],\"data_offsets\":[0,16]}}", 16));
            assertTrue(msg.endsWith("tensor a shape holds a non-integer " + bad + "; expected an integer from "
                    + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ", without a fraction or exponent"), msg);
        }
        String msg = failure(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,1.6e1]}}", 16));
        assertTrue(msg.contains("tensor a data_offsets holds a non-integer 1.6e1"), msg);
    }

    /**
     * The safetensors format (its README: "the byte buffer needs to be entirely indexed, and cannot
     * contain holes", against polyglot files) has the tensors back to back from byte 0 of the data
     * section to the end of the file; the reference reader refuses a gap ({@code InvalidOffset}) and
     * bytes past the last tensor ({@code MetadataIncompleteBuffer}). Both were read here, so a file
     * HF refuses loaded.
     */
    @Test
    void rejectsHolesBetweenTensorsAndBytesPastTheLastOne() throws Exception {
        String gap = failure(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12));
        assertTrue(gap.endsWith("tensor b begins at byte 8 of the data section, but the tensors before it end at byte 4;"
                + " expected the tensors back to back from byte 0, without holes, as the safetensors format has them"), gap);
        String first = failure(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8));
        assertTrue(first.endsWith("tensor a begins at byte 4 of the data section, but the tensors before it end at byte"
                + " 0; expected the tensors back to back from byte 0, without holes, as the safetensors format has them"),
                first);
        // an empty tensor inside another's bytes is a hole-free file's impossibility too
        String empty = failure(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"z\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}", 8));
        assertTrue(empty.contains("tensor z begins at byte 4 of the data section, but the tensors before it end at byte 8"),
                empty);
        String trailing = failure(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 9));
        assertTrue(trailing.endsWith("the data section holds 9 bytes, but its tensors end at byte 4; expected the file"
                + " to end with its last tensor, as the safetensors format has it"), trailing);
        // back to back, with an empty tensor between, is read
        try (SafetensorsReader r = SafetensorsReader.open(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],"
                + "\"data_offsets\":[0,4]},\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8))) {
            assertEquals(List.of("a", "b", "e"), r.names());
        }
    }

    /**
     * The format's {@code __metadata__} is a map from string to string (the reference reader
     * deserializes it into {@code HashMap<String, String>} and refuses anything else), and its
     * header is UTF-8 text: a number there, or a byte that is not UTF-8, was turned into text here.
     */
    @Test
    void rejectsMetadataValuesThatAreNotStringsAndHeadersThatAreNotUtf8() throws Exception {
        String number = failure(raw("{\"__metadata__\":{\"format\":\"pt\",\"step\":3},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4));
        assertTrue(number.endsWith("__metadata__ entry step is 3; expected a string, as the"
                + " safetensors format's metadata maps strings to strings"), number);
        String header = "{\"__metadata__\":{\"format\":\"p\u00e9\"},\"a\":{\"dtype\":\"F32\",\"shape\":[1],"
                + "\"data_offsets\":[0,4]}}";
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path latin1 = dir.resolve("latin1.safetensors");
        Files.write(latin1, b.array());
        String notUtf8 = failure(latin1);
        // byte 28 of the header: {"__metadata__":{"format":"p is 28 bytes
        assertEquals(latin1 + ": header line 1 (byte 28) holds 0xE9, not UTF-8; expected a JSON header in UTF-8, its"
                + " bytes counted from the end of the 8-byte length", notUtf8);
    }

    /**
     * The header is standard JSON (the reference reader parses it with serde_json): Gson's lenient
     * mode read unquoted names and values, single quotes and comments, so a header HF refuses
     * loaded here.
     */
    @Test
    void rejectsAHeaderThatIsNotStandardJson() throws Exception {
        for (String header : new String[] {"{a:{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                "{\"a\":{\"dtype\":F32,\"shape\":[1],\"data_offsets\":[0,4]}}",
                "{'a':{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}/* x */}"}) {
            String msg = failure(raw(header, 4));
            assertTrue(msg.contains(": header is not parsable JSON: "), header + ": " + msg);
        }
        // space padding after the object, as the format aligns the data section, is standard JSON
        try (SafetensorsReader r = SafetensorsReader.open(raw(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}     ", 4))) {
            assertEquals(List.of("a"), r.names());
        }
    }

    /**
     * The format's metadata maps strings to strings: a null value was left out of the header
     * without a word (Gson skips null members), so the file lacked a key the caller gave.
     */
    @Test
    void theWriterRefusesANullMetadataValueNamingItsKey() throws Exception {
        Path p = dir.resolve("model.safetensors");
        Map<String, String> metadata = new java.util.HashMap<>(SafetensorsWriter.PT_METADATA);
        metadata.put("step", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(p,
                List.of(HostTensor.ofFloats("a", new long[] {1}, new float[] {1})), metadata));
        assertEquals("model.safetensors: __metadata__ entry step is null; expected a string, as the safetensors"
                + " format's metadata maps strings to strings", e.getMessage());
        assertFalse(Files.exists(p));
    }

    /**
     * The format reserves the header key {@code __metadata__} for the string map: a tensor of that
     * name was written into it (in place of the metadata, or beside none), a file no reader reads
     * as a tensor.
     */
    @Test
    void theWriterRefusesATensorNamedLikeTheMetadata() throws Exception {
        Path p = dir.resolve("model.safetensors");
        for (Map<String, String> metadata : List.of(Map.<String, String>of(), SafetensorsWriter.PT_METADATA)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(p,
                    List.of(HostTensor.ofFloats("__metadata__", new long[] {1}, new float[] {1})), metadata));
            assertEquals("model.safetensors: tensor name __metadata__ is the header key the safetensors format keeps for"
                    + " its metadata; expected another name", e.getMessage());
            assertFalse(Files.exists(p));
        }
    }

    @Test
    void rejectsTruncatedData() throws Exception {
        String msg = failure(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 10));
        assertTrue(msg.contains("truncated: tensor a ends at byte 16 of the data section, but only 10 bytes follow the header"), msg);
    }

    @Test
    void refusesPickleCheckpoints() throws Exception {
        Path bin = dir.resolve("pytorch_model.bin");
        Files.write(bin, new byte[] {(byte) 0x80, 2});
        for (Path p : new Path[] {dir, bin}) {
            MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class, () -> SafetensorsReader.open(p));
            assertTrue(e.getMessage().contains("pickle"), e.getMessage());
            assertTrue(e.getMessage().contains("arbitrary code"), e.getMessage());
            assertTrue(e.getMessage().contains("save_pretrained(dir, safe_serialization=True)"), e.getMessage());
        }
    }

    /**
     * A sharded pickle checkpoint ({@code pytorch_model.bin.index.json} and its {@code .bin} shards,
     * as larger models were saved before safetensors) got no pickle refusal: its folder was said to
     * hold no weights, and its index was read as a safetensors index whose first shard "had a header
     * length beyond the file".
     */
    @Test
    void refusesShardedPickleCheckpointsAsPickle() throws Exception {
        Path shard = dir.resolve("pytorch_model-00001-of-00001.bin");
        Files.write(shard, new byte[] {(byte) 0x80, 2, '}', 'q', 0, '.', 0, 0, 0, 0, 0, 0});
        Path index = dir.resolve("pytorch_model.bin.index.json");
        Files.writeString(index, "{\"weight_map\":{\"x\":\"" + shard.getFileName() + "\"}}");
        String advice = ": refusing to read a PyTorch pickle checkpoint: unpickling can execute arbitrary code on load.";
        MalformedCheckpointException folder = assertThrows(MalformedCheckpointException.class, () -> SafetensorsReader.open(dir));
        assertTrue(folder.getMessage().startsWith(index + advice), folder.getMessage());
        assertTrue(failure(index).startsWith(index + advice), failure(index));
        // a safetensors index naming a pickle shard
        Files.writeString(dir.resolve(SafetensorsReader.INDEX_FILE), "{\"weight_map\":{\"x\":\"" + shard.getFileName() + "\"}}");
        String named = failure(dir.resolve(SafetensorsReader.INDEX_FILE));
        assertTrue(named.startsWith(dir.resolve(SafetensorsReader.INDEX_FILE) + ": shard " + shard.getFileName()
                + " is a PyTorch pickle checkpoint; refusing to read it: unpickling can execute arbitrary code on load."), named);
    }

    @Test
    void mapsTensorsBeyondTwoGibibytesWithoutReadingTheWholeFile() throws Exception {
        // a sparse file: three 1 GiB placeholder tensors, then a small tensor past the 3 GiB mark
        long gib = 1L << 30;
        String header = "{\"p0\":{\"dtype\":\"U8\",\"shape\":[" + gib + "],\"data_offsets\":[0," + gib + "]},"
                + "\"p1\":{\"dtype\":\"U8\",\"shape\":[" + gib + "],\"data_offsets\":[" + gib + "," + 2 * gib + "]},"
                + "\"p2\":{\"dtype\":\"U8\",\"shape\":[" + gib + "],\"data_offsets\":[" + 2 * gib + "," + 3 * gib + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + 3 * gib + "," + (3 * gib + 8) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path p = dir.resolve("big.safetensors");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
            f.write(len.array());
            f.write(h);
            long dataStart = 8 + h.length;
            f.setLength(dataStart + 3 * gib + 8);
            f.seek(dataStart + 3 * gib);
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
            f.write(tail.array());
        }
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            HostTensor t = r.read("tail");
            assertEquals(HostTensor.ofFloats("tail", new long[] {2}, new float[] {1.5f, -2f}).data(), t.data());
            assertEquals(gib, r.read("p1").numel());
        }
    }

    @Test
    void rejectsAFolderWithoutWeights() {
        MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class, () -> SafetensorsReader.open(dir));
        assertTrue(e.getMessage().contains("folder holds neither model.safetensors nor model.safetensors.index.json"));
    }
}
