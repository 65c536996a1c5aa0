package io.github.prefine.core.kernels;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Loads a TorchScript module from its source text, written into TorchScript's archive format in
 * memory: a zip of {@code version}, {@code byteorder}, {@code code/__torch__.py} (the source),
 * {@code constants.pkl} (an empty tuple) and {@code data.pkl}, the pickled module object, whose
 * only attribute is {@code training}. Modules made this way hold no tensors; their methods call
 * PyTorch operations that DJL has no binding for.
 */
final class TorchScriptModule {
    private TorchScriptModule() {}

    /**
     * Compiles a module on a manager's device.
     *
     * @param manager a PyTorch manager; the module is freed with it
     * @param className the class that {@code source} defines, a Python identifier
     * @param source TorchScript source of {@code class <className>(Module)}, with {@code
     *     __parameters__ = []}, {@code __buffers__ = []} and {@code training : bool} (see {@link
     *     #moduleSource})
     * @return the module
     * @throws IllegalArgumentException if the manager is not PyTorch's
     * @throws EngineException if this PyTorch cannot compile the source
     */
    static PtSymbolBlock load(NDManager manager, String className, String source) {
        if (!(manager instanceof PtNDManager pt)) {
            throw new IllegalArgumentException("TorchScript module " + className + ": needs a PyTorch manager, found "
                    + manager.getEngine().getEngineName());
        }
        try {
            return JniUtils.loadModule(pt, new ByteArrayInputStream(archive(className, source)), true, false);
        } catch (IOException e) {
            throw new UncheckedIOException("TorchScript module " + className + ": reading the in-memory archive", e);
        }
    }

    /**
     * Returns the module compiled from {@code source} on a device, compiling it on first use and
     * keeping it for the life of the process (modules hold no tensors). Thread-safe.
     *
     * @param device the device
     * @param className the class that {@code source} defines
     * @param source TorchScript source, as for {@link #load}
     * @return the shared module
     */
    static PtSymbolBlock shared(Device device, String className, String source) {
        return SHARED.computeIfAbsent(new Key(device, source), k -> {
            NDManager manager = MANAGERS.computeIfAbsent(device, NDManager::newBaseManager);
            return load(manager, className, source);
        });
    }

    private record Key(Device device, String source) {}

    /**
     * Returns the source of a module class with no parameters or buffers: the header TorchScript's
     * archive format asks for, then the methods.
     *
     * @param className the class, a Python identifier
     * @param methods its {@code def}s, each indented by two spaces, {@code self} typed {@code
     *     __torch__.<className>}
     * @return the source, for {@link #load} or {@link #shared}
     */
    static String moduleSource(String className, String methods) {
        return "class " + className + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + methods;
    }

    private static final Map<Key, PtSymbolBlock> SHARED = new ConcurrentHashMap<>();
    private static final Map<Device, NDManager> MANAGERS = new ConcurrentHashMap<>();

    /** PyTorch's messages run to dozens of lines; the first says what failed. */
    static String firstLine(RuntimeException e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }

    /** The archive: source, empty constants, and the module object. */
    static byte[] archive(String className, String source) {
        String dir = className.toLowerCase(Locale.ROOT) + "/";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            stored(zip, dir + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
            stored(zip, dir + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            stored(zip, dir + "code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            stored(zip, dir + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            stored(zip, dir + "data.pkl", modulePickle(className));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Pickle (protocol 2) of the module object: {@code __torch__.<className>} made with no
     * arguments, its state the dict {@code {"training": False}}.
     */
    private static byte[] modulePickle(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2); // PROTO 2
        p.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        p.write(')'); // EMPTY_TUPLE
        p.write(0x81); // NEWOBJ
        p.write('}'); // EMPTY_DICT
        p.write('('); // MARK
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X'); // BINUNICODE, 4-byte little-endian length
        p.write(key.length);
        p.write(0);
        p.write(0);
        p.write(0);
        p.writeBytes(key);
        p.write(0x89); // NEWFALSE
        p.write('u'); // SETITEMS
        p.write('b'); // BUILD
        p.write('.'); // STOP
        return p.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
