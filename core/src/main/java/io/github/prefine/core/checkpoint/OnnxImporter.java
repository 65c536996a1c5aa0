package io.github.prefine.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports the weights of a PyTorch-exported ONNX encoder as HF-named {@link HostTensor}s, with a
 * minimal protobuf reader of our own (no protobuf dependency).
 *
 * <p>It reads {@code ModelProto.graph} (field 7), and in the graph its nodes (field 1: input, name,
 * op_type) and initializers (field 5: dims, data_type, float_data, int32_data, int64_data,
 * double_data, raw_data, name). Every other field is skipped by its wire type. The naming rules,
 * applied once all nodes and initializers have been seen (exports write nodes first):
 *
 * <ul>
 *   <li>an initializer with an ordinary name, such as {@code embeddings.word_embeddings.weight}, is
 *       the HF tensor of that name, unchanged;
 *   <li>an initializer named {@code onnx::MatMul_*} is a linear weight stored {@code [in, out]}; it
 *       is the second input of exactly one {@code MatMul} node, whose name gives the HF key
 *       ({@code /encoder/layer.0/attention/self/query/MatMul} gives
 *       {@code encoder.layer.0.attention.self.query.weight}); it is transposed to PyTorch's
 *       {@code [out, in]};
 *   <li>an INT64 initializer whose name ends in {@code position_ids} is a buffer and is dropped
 *       (listed in {@link ImportedWeights#droppedBuffers()});
 *   <li>any other {@code onnx::*} initializer is an error, so no weight is silently lost.
 * </ul>
 *
 * <p>Memory: the file is memory-mapped, and tensors taken unchanged are read-only slices of the map
 * (no heap copy); only transposed weights get heap buffers of their own. The mapping lives as long
 * as any such tensor is reachable. Files of 2 GiB or more and external-data tensors are rejected.
 * Stateless and thread-safe.
 */
public final class OnnxImporter {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxImporter.class);

    private static final String MATMUL_PREFIX = "onnx::MatMul_";

    private OnnxImporter() {}

    /**
     * Imports the weights of an ONNX file.
     *
     * @param onnxFile the {@code .onnx} file
     * @return the weights under HF names, in the order of the file's initializers
     * @throws MalformedOnnxException if the protobuf is malformed or an initializer cannot be mapped,
     *     with the file and byte offset in the message
     * @throws IOException if the file cannot be read
     */
    public static ImportedWeights importWeights(Path onnxFile) throws IOException {
        Objects.requireNonNull(onnxFile, "onnxFile");
        MappedByteBuffer map;
        try (FileChannel ch = FileChannel.open(onnxFile, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new MalformedOnnxException(onnxFile, -1,
                        "files of 2 GiB or more (ONNX external data) are not supported, found " + size + " bytes");
            }
            map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        map.order(ByteOrder.LITTLE_ENDIAN);
        ImportedWeights weights = importWeights(onnxFile, map);
        LOG.debug("{}: imported {} tensors ({} parameters), dropped buffers {}", onnxFile,
                weights.tensors().size(), weights.parameterCount(), weights.droppedBuffers());
        return weights;
    }

    /**
     * Imports the weights of an ONNX model held in a buffer, for example a mapped file.
     *
     * @param source the name used in error messages
     * @param model the serialized {@code ModelProto} from position 0 to its limit; tensors taken
     *     unchanged share its memory, so it must not change afterwards
     * @return the weights under HF names
     * @throws MalformedOnnxException if the protobuf is malformed or an initializer cannot be mapped
     */
    public static ImportedWeights importWeights(Path source, ByteBuffer model) throws MalformedOnnxException {
        Objects.requireNonNull(source, "source");
        ByteBuffer buf = model.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        List<Initializer> inits = new ArrayList<>();
        // second input of each MatMul node -> names of the nodes that consume it
        Map<String, List<String>> matMulConsumers = new LinkedHashMap<>();
        boolean sawGraph = false;
        ProtoReader top = new ProtoReader(source, buf, 0, buf.limit());
        while (top.next()) {
            if (top.field() == 7 && top.wireType() == ProtoReader.LEN) {
                sawGraph = true;
                readGraph(top.sub(), inits, matMulConsumers);
            } else {
                top.skip();
            }
        }
        if (!sawGraph) {
            throw new MalformedOnnxException(source, -1, "no graph (ModelProto field 7) found; is this an ONNX model?");
        }
        List<HostTensor> out = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Initializer init : inits) {
            HostTensor t;
            if (init.name.startsWith(MATMUL_PREFIX)) {
                t = transposedLinear(source, init, matMulConsumers.getOrDefault(init.name, List.of()));
            } else if (init.name.startsWith("onnx::")) {
                throw new MalformedOnnxException(source, init.offset, "initializer " + init.name
                        + ": no rule maps this exporter-generated name to an HF tensor (only onnx::MatMul_* are known)");
            } else if (init.dtype == HostTensor.DType.I64 && init.name.endsWith("position_ids")) {
                dropped.add(init.name);
                continue;
            } else {
                t = init.tensor(init.name);
            }
            if (!names.add(t.name())) {
                throw new MalformedOnnxException(source, init.offset, "initializer " + init.name + " maps to "
                        + t.name() + ", which another initializer already gave");
            }
            out.add(t);
        }
        return new ImportedWeights(out, dropped);
    }

    private static HostTensor transposedLinear(Path source, Initializer init, List<String> consumers)
            throws MalformedOnnxException {
        if (consumers.size() != 1) {
            throw new MalformedOnnxException(source, init.offset, "initializer " + init.name
                    + ": expected to be the second input of exactly one MatMul node, found " + consumers.size()
                    + (consumers.isEmpty() ? "" : " " + consumers));
        }
        String node = consumers.get(0);
        if (!node.startsWith("/") || !node.endsWith("/MatMul") || node.length() <= "//MatMul".length()) {
            throw new MalformedOnnxException(source, init.offset, "initializer " + init.name
                    + ": MatMul node name must look like /module/path/MatMul to give an HF key, found '" + node + "'");
        }
        String hfName = node.substring(1, node.length() - "/MatMul".length()).replace('/', '.') + ".weight";
        if (init.dims.length != 2) {
            throw new MalformedOnnxException(source, init.offset, "initializer " + init.name + " (" + hfName
                    + "): a linear weight must have 2 dims [in, out], found " + Arrays.toString(init.dims));
        }
        HostTensor stored = init.tensor(hfName);
        return transpose(stored);
    }

    /** Returns an [out, in] copy of a row-major [in, out] tensor of any element type. */
    static HostTensor transpose(HostTensor t) {
        long[] shape = t.shape();
        int rows = Math.toIntExact(shape[0]);
        int cols = Math.toIntExact(shape[1]);
        int width = t.dtype().bytes();
        ByteBuffer src = t.data();
        ByteBuffer dst = ByteBuffer.allocate(Math.multiplyExact(Math.multiplyExact(rows, cols), width))
                .order(ByteOrder.LITTLE_ENDIAN);
        if (width == 4) {
            var s = src.asIntBuffer();
            var d = dst.asIntBuffer();
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    d.put(j * rows + i, s.get(i * cols + j));
                }
            }
        } else {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    int from = (i * cols + j) * width;
                    int to = (j * rows + i) * width;
                    for (int b = 0; b < width; b++) {
                        dst.put(to + b, src.get(from + b));
                    }
                }
            }
        }
        return new HostTensor(t.name(), t.dtype(), new long[] {cols, rows}, dst);
    }

    private static void readGraph(ProtoReader graph, List<Initializer> inits, Map<String, List<String>> consumers)
            throws MalformedOnnxException {
        while (graph.next()) {
            if (graph.field() == 1 && graph.wireType() == ProtoReader.LEN) {
                readNode(graph.sub(), consumers);
            } else if (graph.field() == 5 && graph.wireType() == ProtoReader.LEN) {
                int offset = graph.fieldStart();
                inits.add(readTensor(graph.sub(), offset));
            } else if (graph.field() == 15) {
                throw graph.error(graph.fieldStart(), "sparse initializers are not supported");
            } else {
                graph.skip();
            }
        }
    }

    private static void readNode(ProtoReader node, Map<String, List<String>> consumers) throws MalformedOnnxException {
        List<String> inputs = new ArrayList<>();
        String name = "";
        String opType = "";
        while (node.next()) {
            switch (node.field()) {
                case 1 -> inputs.add(node.readString());
                case 3 -> name = node.readString();
                case 4 -> opType = node.readString();
                default -> node.skip();
            }
        }
        if (opType.equals("MatMul") && inputs.size() >= 2) {
            consumers.computeIfAbsent(inputs.get(1), k -> new ArrayList<>()).add(name);
        }
    }

    private static Initializer readTensor(ProtoReader r, int offset) throws MalformedOnnxException {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = null;
        int[] raw = null;
        ByteBuffer typed = null;
        int typedCount = 0;
        int typedField = 0;
        while (r.next()) {
            int field = r.field();
            switch (field) {
                case 1 -> {
                    if (r.wireType() == ProtoReader.LEN) {
                        ProtoReader packed = r.sub();
                        while (packed.hasRemaining()) {
                            dims.add(packed.readVarint());
                        }
                    } else {
                        dims.add(r.readVarintField());
                    }
                }
                case 2 -> dataType = (int) r.readVarintField();
                case 3 -> throw r.error(r.fieldStart(), "segmented tensors are not supported");
                case 8 -> name = r.readString();
                case 9 -> raw = r.readLengthDelimited();
                case 13 -> throw r.error(r.fieldStart(), "tensors stored as external data are not supported");
                case 14 -> {
                    if (r.readVarintField() != 0) {
                        throw r.error(r.fieldStart(), "tensors stored as external data are not supported");
                    }
                }
                case 4, 5, 7, 10 -> {
                    if (typedField != 0 && typedField != field) {
                        throw r.error(r.fieldStart(), "typed data in both field " + typedField + " and field " + field);
                    }
                    typedField = field;
                    if (typed == null) {
                        typed = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
                    }
                    if (r.wireType() == ProtoReader.LEN) {
                        int[] range = r.readLengthDelimited();
                        ProtoReader packed = new ProtoReader(r.file(), r.buffer(), range[0], range[1]);
                        while (packed.hasRemaining()) {
                            typed = appendTyped(packed, field, typed, true);
                            typedCount++;
                        }
                    } else {
                        typed = appendTyped(r, field, typed, false);
                        typedCount++;
                    }
                }
                default -> r.skip();
            }
        }
        if (name == null || name.isEmpty()) {
            throw r.error(offset, "initializer without a name");
        }
        HostTensor.DType dtype = dtypeOf(r, offset, name, dataType);
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long numel = 1;
        long expectedBytes;
        try {
            for (long d : shape) {
                if (d < 0) {
                    throw r.error(offset, "initializer " + name + ": negative dimension in " + Arrays.toString(shape));
                }
                numel = Math.multiplyExact(numel, d);
            }
            // exact: a product that wrapped around could equal the bytes present and pass the size check
            expectedBytes = Math.multiplyExact(numel, (long) dtype.bytes());
        } catch (ArithmeticException e) {
            throw r.error(offset, "initializer " + name + ": shape " + Arrays.toString(shape) + " of " + dtype
                    + " overflows a 64-bit byte count");
        }
        ByteBuffer data;
        if (raw != null) {
            if (typed != null) {
                throw r.error(offset, "initializer " + name + ": has both raw_data and typed data");
            }
            if (raw[1] - raw[0] != expectedBytes) {
                throw r.error(offset, "initializer " + name + ": shape " + Arrays.toString(shape) + " of " + dtype
                        + " needs " + expectedBytes + " bytes of raw_data, found " + (raw[1] - raw[0]));
            }
            data = r.buffer().slice(raw[0], raw[1] - raw[0]).order(ByteOrder.LITTLE_ENDIAN);
        } else {
            data = typed == null ? ByteBuffer.allocate(0) : typed.flip();
            data = convertTyped(r, offset, name, typedField, dtype, data, typedCount);
            if (typedCount != numel) {
                throw r.error(offset, "initializer " + name + ": shape " + Arrays.toString(shape) + " holds " + numel
                        + " elements, found " + typedCount);
            }
        }
        return new Initializer(name, dtype, shape, data, offset);
    }

    /** Appends one typed element as an 8-byte (fields 7, 5 as long; 10 as double) or 4-byte value. */
    private static ByteBuffer appendTyped(ProtoReader r, int field, ByteBuffer typed, boolean packed)
            throws MalformedOnnxException {
        if (typed.remaining() < 8) {
            ByteBuffer bigger = ByteBuffer.allocate(typed.capacity() * 2).order(ByteOrder.LITTLE_ENDIAN);
            typed.flip();
            bigger.put(typed);
            typed = bigger;
        }
        switch (field) {
            case 4 -> {
                if (!packed && r.wireType() != ProtoReader.FIXED32) {
                    throw r.error(r.fieldStart(), "float_data must have wire type 5, found " + r.wireType());
                }
                int at = r.position();
                r.advance(4);
                typed.putInt(r.buffer().getInt(at));
            }
            case 10 -> {
                if (!packed && r.wireType() != ProtoReader.FIXED64) {
                    throw r.error(r.fieldStart(), "double_data must have wire type 1, found " + r.wireType());
                }
                int at = r.position();
                r.advance(8);
                typed.putLong(r.buffer().getLong(at));
            }
            default -> {
                if (!packed && r.wireType() != ProtoReader.VARINT) {
                    throw r.error(r.fieldStart(), "field " + field + " must be varints, found wire type " + r.wireType());
                }
                typed.putLong(r.readVarint());
            }
        }
        return typed;
    }

    /** Converts collected typed values (4-byte floats, 8-byte doubles, or 8-byte integers) into the dtype. */
    private static ByteBuffer convertTyped(ProtoReader r, int offset, String name, int field, HostTensor.DType dtype,
            ByteBuffer values, int count) throws MalformedOnnxException {
        if (count == 0) {
            return ByteBuffer.allocate(0);
        }
        boolean ok = switch (field) {
            case 4 -> dtype == HostTensor.DType.F32;
            case 7 -> dtype == HostTensor.DType.I64;
            case 10 -> dtype == HostTensor.DType.F64;
            case 5 -> dtype == HostTensor.DType.I32 || dtype == HostTensor.DType.I8 || dtype == HostTensor.DType.U8
                    || dtype == HostTensor.DType.BOOL || dtype == HostTensor.DType.F16
                    || dtype == HostTensor.DType.BF16;
            default -> false;
        };
        if (!ok) {
            throw r.error(offset, "initializer " + name + ": typed data field " + field + " cannot hold " + dtype);
        }
        if (field == 4 || field == 7 || field == 10) {
            return values.slice().order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer out = ByteBuffer.allocate(count * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            long v = values.getLong(i * 8);
            switch (dtype.bytes()) {
                case 4 -> out.putInt((int) v);
                case 2 -> out.putShort((short) v);
                default -> out.put((byte) v);
            }
        }
        return out.flip();
    }

    private static HostTensor.DType dtypeOf(ProtoReader r, int offset, String name, int dataType)
            throws MalformedOnnxException {
        return switch (dataType) {
            case 1 -> HostTensor.DType.F32;
            case 2 -> HostTensor.DType.U8;
            case 3 -> HostTensor.DType.I8;
            case 6 -> HostTensor.DType.I32;
            case 7 -> HostTensor.DType.I64;
            case 9 -> HostTensor.DType.BOOL;
            case 10 -> HostTensor.DType.F16;
            case 11 -> HostTensor.DType.F64;
            case 16 -> HostTensor.DType.BF16;
            default -> throw r.error(offset, "initializer " + name + ": unsupported data_type " + dataType
                    + " (supported: 1 FLOAT, 2 UINT8, 3 INT8, 6 INT32, 7 INT64, 9 BOOL, 10 FLOAT16, 11 DOUBLE, 16 BFLOAT16)");
        };
    }

    /** One initializer as found in the file, data not yet renamed or transposed. */
    private record Initializer(String name, HostTensor.DType dtype, long[] dims, ByteBuffer data, int offset) {
        HostTensor tensor(String hfName) {
            return new HostTensor(hfName, dtype, dims, data.duplicate());
        }
    }
}
