package io.github.prefine.core.model.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.github.prefine.core.checkpoint.PlainFiles;
import io.github.prefine.core.checkpoint.PlainFolders;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes named arrays as one file in DJL's NDList encoding, which keeps names, shapes,
 * dtypes and the exact bits; used for head weights and training checkpoints.
 */
public final class TensorArchive {
    private TensorArchive() {}

    /**
     * Writes arrays under their keys, in map order.
     *
     * @param file the file to write
     * @param arrays key to array; the arrays are read, not changed
     * @throws IOException if writing fails
     */
    public static void write(Path file, Map<String, NDArray> arrays) throws IOException {
        write(arrays, () -> PlainFiles.newOutputStream(file));
    }

    /**
     * Writes arrays under their keys, in map order, to a file in one of prefine's folders below a
     * folder the user named: the file is opened fresh relative to its folder, entered without
     * following links ({@link PlainFolders#newOutputStream}).
     *
     * @param anchor the folder the user named
     * @param file the file to write, inside {@code anchor}
     * @param arrays key to array; the arrays are read, not changed
     * @throws IOException if writing fails, or a symbolic link is in place of a folder below the anchor
     */
    public static void write(Path anchor, Path file, Map<String, NDArray> arrays) throws IOException {
        write(arrays, () -> PlainFolders.newOutputStream(anchor, file));
    }

    /** Opens the stream the arrays go to. */
    @FunctionalInterface
    private interface Sink {
        OutputStream open() throws IOException;
    }

    private static void write(Map<String, NDArray> arrays, Sink sink) throws IOException {
        // the encoding stores each array's own name, so names are set for the write and restored
        NDList list = new NDList(arrays.size());
        List<String> oldNames = new ArrayList<>(arrays.size());
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray a = e.getValue();
            oldNames.add(a.getName());
            a.setName(e.getKey());
            list.add(a);
        }
        try (OutputStream os = new BufferedOutputStream(sink.open())) {
            list.encode(os);
        } finally {
            for (int i = 0; i < list.size(); i++) {
                list.get(i).setName(oldNames.get(i));
            }
        }
    }

    /**
     * Reads arrays written by {@link #write}.
     *
     * @param file the file to read
     * @param manager the manager that will own the arrays
     * @return key to array, in file order
     * @throws IOException if reading fails or the file is not an archive
     */
    public static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        NDList list;
        try (InputStream is = new BufferedInputStream(Files.newInputStream(file))) {
            list = NDList.decode(manager, is);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a tensor archive", e);
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (NDArray a : list) {
            if (a.getName() == null || out.put(a.getName(), a) != null) {
                throw new IOException(file + ": every array needs a unique name, found " + a.getName());
            }
        }
        return out;
    }

    /**
     * Overwrites the values of {@code target} in place with those of {@code source} (same shape
     * and dtype), keeping the target's identity and gradient attachment.
     *
     * @param source the values
     * @param target the array to overwrite
     * @throws IllegalArgumentException if shapes or dtypes differ
     */
    public static void copyInto(NDArray source, NDArray target) {
        if (!source.getShape().equals(target.getShape()) || source.getDataType() != target.getDataType()) {
            throw new IllegalArgumentException("copy: expected " + target.getShape() + " " + target.getDataType()
                    + ", found " + source.getShape() + " " + source.getDataType());
        }
        NDArray src = source.getDevice().equals(target.getDevice()) ? source : source.toDevice(target.getDevice(), true);
        target.set(new NDIndex("..."), src);
        if (src != source) {
            src.close();
        }
    }
}
