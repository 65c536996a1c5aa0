package io.github.prefine.core.checkpoint;

import java.nio.file.Path;

/**
 * Signals an ONNX file that cannot be read as a weight source: broken protobuf wire format, a
 * tensor whose bytes do not match its shape, or an initializer no naming rule maps to an HF key.
 *
 * <p>The message starts with the file's path as given and, where the problem sits at one place, the byte
 * offset, for example {@code model.onnx: byte 1234: varint longer than 10 bytes}.
 */
public class MalformedOnnxException extends MalformedCheckpointException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    /**
     * Creates the exception.
     *
     * @param file the ONNX file
     * @param offset the byte offset of the offending field, or -1 when the problem is not at one place
     * @param message the rule broken and what was found, starting lower case
     */
    public MalformedOnnxException(Path file, long offset, String message) {
        super(file, (offset >= 0 ? "byte " + offset + ": " : "") + message);
        this.offset = offset;
    }

    /**
     * Returns the byte offset of the offending field.
     *
     * @return the offset from the start of the file, or -1 when not at one place
     */
    public long offset() {
        return offset;
    }
}
