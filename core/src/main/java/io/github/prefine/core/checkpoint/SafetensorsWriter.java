package io.github.prefine.core.checkpoint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes tensors as one safetensors file, the layout HF {@code save_pretrained} produces.
 *
 * <p>Layout: an 8-byte little-endian header length, a JSON header with {@code "__metadata__"}
 * first and then one entry per tensor, padded with spaces so the data section starts on an 8-byte
 * boundary, then the tensors' bytes back to back in header order. Tensors are ordered as HF's writer
 * orders them, by dtype from the widest element down (its {@code Dtype} order, descending), then by
 * name, so that each tensor's data starts at a multiple of its element size. The file is written
 * to a temporary sibling and moved into place, so a failed write never leaves a half file under the
 * final name. {@link #write(Path, Path, Collection, Map)} does so relative to a folder entered without
 * following links, for the folders prefine makes below {@code --out}.
 *
 * <p>Stateless and thread-safe; holds no native memory.
 */
public final class SafetensorsWriter {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    /** HF safetensors' {@code Dtype} enum order, which its writer sorts by (descending) for alignment. */
    private static final List<HostTensor.DType> HF_DTYPE_ORDER = List.of(HostTensor.DType.BOOL, HostTensor.DType.U8,
            HostTensor.DType.I8, HostTensor.DType.F8_E5M2, HostTensor.DType.F8_E4M3, HostTensor.DType.I16,
            HostTensor.DType.U16, HostTensor.DType.F16, HostTensor.DType.BF16, HostTensor.DType.I32, HostTensor.DType.U32,
            HostTensor.DType.F32, HostTensor.DType.F64, HostTensor.DType.I64, HostTensor.DType.U64);

    /** The metadata HF writes for PyTorch checkpoints. */
    public static final Map<String, String> PT_METADATA = Map.of("format", "pt");

    private SafetensorsWriter() {}

    /**
     * Writes tensors to a file, with {@link #PT_METADATA}.
     *
     * @param file the target file, replaced if present
     * @param tensors the tensors; names must be unique
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if two tensors share a name or one is named {@code __metadata__}
     */
    public static void write(Path file, Collection<HostTensor> tensors) throws IOException {
        write(file, tensors, PT_METADATA);
    }

    /**
     * Writes tensors to a file.
     *
     * @param file the target file, replaced if present
     * @param tensors the tensors, written widest dtype first, then by name; names must be unique
     * @param metadata the {@code __metadata__} string map; empty to omit it
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if two tensors share a name or one is named {@code __metadata__},
     *     or a metadata key or value is null
     */
    public static void write(Path file, Collection<HostTensor> tensors, Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(file, "file");
        AtomicFiles.write(file, content(file, tensors, metadata));
    }

    /**
     * Writes tensors to a file in one of prefine's folders below a
     * folder the user named: the folders are entered without following links and the temporary
     * file is created, flushed and renamed relative to its folder ({@link PlainFolders#write(Path,
     * Path, AtomicFiles.Content)}), so a folder swapped for a link meanwhile cannot redirect it.
     *
     * @param anchor the folder the user named
     * @param file the target file, inside {@code anchor}; replaced if present
     * @param tensors the tensors, written widest dtype first, then by name; names must be unique
     * @param metadata the {@code __metadata__} string map ({@link #PT_METADATA} for HF's); empty to omit it
     * @throws java.nio.file.FileSystemException naming the link and its target if one is in place
     *     of a folder below the anchor
     * @throws IOException if writing fails otherwise
     * @throws IllegalArgumentException if two tensors share a name or one is named {@code __metadata__},
     *     or a metadata key or value is null
     */
    public static void write(Path anchor, Path file, Collection<HostTensor> tensors, Map<String, String> metadata)
            throws IOException {
        Objects.requireNonNull(file, "file");
        PlainFolders.write(anchor, file, content(file, tensors, metadata));
    }

    private static AtomicFiles.Content content(Path file, Collection<HostTensor> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(metadata, "metadata");
        List<HostTensor> sorted = new ArrayList<>(tensors);
        // widest first: every offset then stays a multiple of the element size that follows it
        sorted.sort(Comparator.comparingInt((HostTensor t) -> -HF_DTYPE_ORDER.indexOf(t.dtype()))
                .thenComparing(HostTensor::name));
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                // Gson leaves a null member out: the file would lack the key without a word
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException(file.getFileName() + ": __metadata__ "
                            + (e.getKey() == null ? "has a null key" : "entry " + e.getKey() + " is null")
                            + "; expected a string, as the safetensors format's metadata maps strings to strings");
                }
            }
            header.put("__metadata__", new java.util.TreeMap<>(metadata));
        }
        long offset = 0;
        for (HostTensor t : sorted) {
            if (t.name().equals("__metadata__")) {
                // the key a reader takes for the string map, metadata written or not
                throw new IllegalArgumentException(file.getFileName() + ": tensor name __metadata__ is the header key the"
                        + " safetensors format keeps for its metadata; expected another name");
            }
            if (header.containsKey(t.name())) {
                throw new IllegalArgumentException(file.getFileName() + ": tensor name " + t.name() + " appears twice");
            }
            long len = t.data().remaining();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", t.dtype().name());
            entry.put("shape", t.shape());
            entry.put("data_offsets", new long[] {offset, offset + len});
            header.put(t.name(), entry);
            offset += len;
        }
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded);
        head.put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        // the whole-file writers flush it before the rename: a crash leaves the old file or the whole new one
        return ch -> {
            writeFully(ch, head.duplicate());
            for (HostTensor t : sorted) {
                writeFully(ch, t.data());
            }
        };
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
