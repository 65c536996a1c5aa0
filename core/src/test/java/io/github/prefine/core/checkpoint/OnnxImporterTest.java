package io.github.prefine.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.hub.MiniLmArtifact;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxImporterTest {

    @TempDir
    Path tmp;

    /** A ModelProto written byte by byte: ir_version 7, graph { initializer { dims 2, FLOAT, "b", raw [1f, 2f] } }. */
    private static final byte[] LITERAL = {
        0x08, 0x07, // field 1 varint: ir_version = 7
        0x3A, 0x13, // field 7 LEN 19: graph
        0x2A, 0x11, //   field 5 LEN 17: initializer
        0x08, 0x02, //     dims = 2
        0x10, 0x01, //     data_type = FLOAT
        0x42, 0x01, 0x62, //     name = "b"
        0x4A, 0x08, 0x00, 0x00, (byte) 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40 // raw_data = 1f, 2f
    };

    @Test
    void readsAHandWrittenModel() throws IOException {
        Path f = write("literal.onnx", LITERAL);
        ImportedWeights w = OnnxImporter.importWeights(f);
        assertEquals(1, w.tensors().size());
        HostTensor b = w.get("b");
        assertEquals(HostTensor.DType.F32, b.dtype());
        assertArrayEquals(new long[] {2}, b.shape());
        assertArrayEquals(new float[] {1f, 2f}, floats(b));
    }

    @Test
    void overlongLengthNamesFileAndOffset() throws IOException {
        byte[] bad = LITERAL.clone();
        bad[3] = 0x20; // graph claims 32 bytes, 19 remain
        Path f = write("bad.onnx", bad);
        MalformedOnnxException e = assertThrows(MalformedOnnxException.class, () -> OnnxImporter.importWeights(f));
        assertEquals(2, e.offset());
        assertTrue(e.getMessage().startsWith(f + ": byte 2: "), e.getMessage());
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains("declares 32 bytes but only 19 remain"), e.getMessage());
    }

    @Test
    void truncatedVarintNamesOffset() throws IOException {
        byte[] bad = {0x08, (byte) 0x96}; // ir_version varint cut after a continuation byte
        Path f = write("cut.onnx", bad);
        MalformedOnnxException e = assertThrows(MalformedOnnxException.class, () -> OnnxImporter.importWeights(f));
        assertEquals(1, e.offset());
        assertTrue(e.getMessage().contains("truncated varint"), e.getMessage());
    }

    @Test
    void rawDataOfWrongSizeIsRejected() throws IOException {
        byte[] bad = LITERAL.clone();
        bad[7] = 0x03; // dims = 3 but raw_data holds 2 floats
        MalformedOnnxException e = assertThrows(MalformedOnnxException.class,
                () -> OnnxImporter.importWeights(write("size.onnx", bad)));
        assertEquals(4, e.offset());
        assertTrue(e.getMessage().contains("needs 12 bytes of raw_data, found 8"), e.getMessage());
    }

    @Test
    void mapsMatMulWeightsTypedDataAndBuffersAndSkipsUnknownFields() throws IOException {
        Proto node = new Proto()
                .str(1, "/embeddings/LayerNorm/Add_1_output_0")
                .str(1, "onnx::MatMul_7")
                .str(2, "/encoder/layer.0/attention/self/query/MatMul_output_0")
                .str(3, "/encoder/layer.0/attention/self/query/MatMul")
                .str(4, "MatMul")
                .msg(5, new Proto().str(1, "unused_attr").varint(3, 1)) // an attribute, skipped
                .str(6, "doc");
        Proto otherNode = new Proto().str(1, "x").str(1, "y").str(3, "/Gather").str(4, "Gather");
        // [in=2, out=3] = [[1,2,3],[4,5,6]] as raw little-endian floats
        Proto matmulInit = new Proto().varint(1, 2).varint(1, 3).varint(2, 1).str(8, "onnx::MatMul_7")
                .bytes(9, floatBytes(1, 2, 3, 4, 5, 6));
        // packed dims and packed float_data
        Proto lnWeight = new Proto().bytes(1, varints(3)).varint(2, 1).str(8, "embeddings.LayerNorm.weight")
                .bytes(4, floatBytes(0.5f, 1.5f, -2f));
        // unpacked float_data (wire type 5), one element at a time, plus an unknown fixed64 field 99
        Proto bias = new Proto().varint(1, 2).varint(2, 1).str(8, "encoder.layer.0.attention.self.query.bias")
                .fixed32(4, Float.floatToIntBits(-1f)).fixed64(99, 42L).fixed32(4, Float.floatToIntBits(3.25f));
        Proto positionIds = new Proto().varint(1, 1).varint(1, 3).varint(2, 7).str(8, "embeddings.position_ids")
                .bytes(7, varints(0, 1, 2));
        Proto graph = new Proto().msg(1, otherNode).msg(1, node).str(2, "main_graph")
                .msg(5, matmulInit).msg(5, lnWeight).msg(5, bias).msg(5, positionIds)
                .msg(11, new Proto().str(1, "input_ids"));
        Proto model = new Proto().varint(1, 8).str(2, "pytorch").msg(7, graph)
                .msg(8, new Proto().varint(2, 14));

        ImportedWeights w = OnnxImporter.importWeights(write("small.onnx", model.toBytes()));

        assertEquals(List.of("encoder.layer.0.attention.self.query.weight", "embeddings.LayerNorm.weight",
                "encoder.layer.0.attention.self.query.bias"), names(w));
        assertEquals(List.of("embeddings.position_ids"), w.droppedBuffers());
        HostTensor q = w.get("encoder.layer.0.attention.self.query.weight");
        assertArrayEquals(new long[] {3, 2}, q.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, floats(q)); // [out, in]
        assertArrayEquals(new float[] {0.5f, 1.5f, -2f}, floats(w.get("embeddings.LayerNorm.weight")));
        assertArrayEquals(new float[] {-1f, 3.25f}, floats(w.get("encoder.layer.0.attention.self.query.bias")));
        assertEquals(6 + 3 + 2, w.parameterCount());
    }

    @Test
    void dimsWhoseProductOverflowsAreMalformedNamingTheInitializer() throws IOException {
        // 2^62 + 1 floats need 2^64 + 4 bytes, which a long wraps to the 4 present; 2^32 x 2^32 elements wrap to 0
        Proto wraps = new Proto().varint(1, (1L << 62) + 1).varint(2, 1).str(8, "w").bytes(9, floatBytes(1));
        Proto overflows = new Proto().varint(1, 1L << 32).varint(1, 1L << 32).varint(2, 1).str(8, "v")
                .bytes(9, new byte[0]);

        for (Proto init : List.of(wraps, overflows)) {
            Path f = write("overflow.onnx", new Proto().msg(7, new Proto().msg(5, init)).toBytes());
            MalformedOnnxException e = assertThrows(MalformedOnnxException.class, () -> OnnxImporter.importWeights(f));
            assertTrue(e.getMessage().startsWith(f + ": byte 2: initializer "), e.getMessage());
            assertTrue(e.getMessage().endsWith(" of F32 overflows a 64-bit byte count"), e.getMessage());
        }
    }

    @Test
    void matMulInitializerWithoutNodeIsAnError() throws IOException {
        Proto init = new Proto().varint(1, 1).varint(1, 1).varint(2, 1).str(8, "onnx::MatMul_9")
                .bytes(9, floatBytes(1));
        Proto model = new Proto().msg(7, new Proto().msg(5, init));
        MalformedOnnxException e = assertThrows(MalformedOnnxException.class,
                () -> OnnxImporter.importWeights(write("orphan.onnx", model.toBytes())));
        assertTrue(e.getMessage().contains("onnx::MatMul_9: expected to be the second input of exactly one MatMul node, found 0"),
                e.getMessage());
    }

    @Test
    void realMiniLmGivesHfBertModelNamesAndShapes() throws IOException {
        MiniLmArtifact artifact = MiniLmArtifact.fromClasspath();
        ImportedWeights w = artifact.weights();
        Map<String, HostTensor> byName = w.byName();
        List<String> expected = new ArrayList<>(List.of(
                "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"));
        for (int i = 0; i < 6; i++) {
            String p = "encoder.layer." + i + ".";
            for (String s : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "intermediate.dense", "output.dense")) {
                expected.add(p + s + ".weight");
                expected.add(p + s + ".bias");
            }
            for (String s : List.of("attention.output.LayerNorm", "output.LayerNorm")) {
                expected.add(p + s + ".weight");
                expected.add(p + s + ".bias");
            }
        }
        assertEquals(new TreeSet<>(expected), new TreeSet<>(byName.keySet()));
        assertEquals(List.of("embeddings.position_ids"), w.droppedBuffers());
        assertArrayEquals(new long[] {30522, 384}, byName.get("embeddings.word_embeddings.weight").shape());
        assertArrayEquals(new long[] {512, 384}, byName.get("embeddings.position_embeddings.weight").shape());
        assertArrayEquals(new long[] {2, 384}, byName.get("embeddings.token_type_embeddings.weight").shape());
        for (int i = 0; i < 6; i++) {
            String p = "encoder.layer." + i + ".";
            assertArrayEquals(new long[] {384, 384}, byName.get(p + "attention.self.query.weight").shape());
            assertArrayEquals(new long[] {1536, 384}, byName.get(p + "intermediate.dense.weight").shape());
            assertArrayEquals(new long[] {1536}, byName.get(p + "intermediate.dense.bias").shape());
            assertArrayEquals(new long[] {384, 1536}, byName.get(p + "output.dense.weight").shape());
        }
        for (HostTensor t : w.tensors()) {
            assertEquals(HostTensor.DType.F32, t.dtype(), t.name());
        }
        // about 22.7M parameters, the BertModel count without its pooler (22,713,216 + 147,840 pooler)
        assertEquals(22_565_376L, w.parameterCount());
    }

    // ---- helpers: a tiny protobuf writer for test inputs ----

    private Path write(String name, byte[] bytes) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private static List<String> names(ImportedWeights w) {
        List<String> n = new ArrayList<>();
        for (HostTensor t : w.tensors()) {
            n.add(t.name());
        }
        return n;
    }

    private static float[] floats(HostTensor t) {
        ByteBuffer b = t.data();
        float[] out = new float[(int) t.numel()];
        b.asFloatBuffer().get(out);
        return out;
    }

    private static byte[] floatBytes(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static byte[] varints(long... v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long x : v) {
            writeVarint(out, x);
        }
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** Builds a protobuf message field by field. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long v) {
            writeVarint(out, (long) field << 3);
            writeVarint(out, v);
            return this;
        }

        Proto fixed32(int field, int v) {
            writeVarint(out, ((long) field << 3) | 5);
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
            return this;
        }

        Proto fixed64(int field, long v) {
            writeVarint(out, ((long) field << 3) | 1);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            return this;
        }

        Proto bytes(int field, byte[] b) {
            writeVarint(out, ((long) field << 3) | 2);
            writeVarint(out, b.length);
            out.writeBytes(b);
            return this;
        }

        Proto str(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Proto msg(int field, Proto m) {
            return bytes(field, m.toBytes());
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }
}
