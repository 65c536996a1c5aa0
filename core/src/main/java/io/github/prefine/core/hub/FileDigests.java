package io.github.prefine.core.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The checksums the Hugging Face Hub states for its files: the sha256 of an LFS file, and the
 * git blob id (the ETag) of any other file. Used by model and dataset downloads alike.
 *
 * <p>Stateless and thread-safe.
 */
public final class FileDigests {
    private FileDigests() {}

    /**
     * Returns the lower-case hex sha256 of a file's bytes.
     *
     * @param file the file
     * @return 64 hex digits
     * @throws IOException if the file cannot be read
     */
    public static String sha256(Path file) throws IOException {
        return hex(file, "SHA-256", null);
    }

    /**
     * Returns the git object id of a file as a blob: the sha1 of {@code "blob <size>\0"} and its
     * bytes, which the Hub sends as the ETag of files not stored in LFS.
     *
     * @param file the file
     * @return 40 hex digits
     * @throws IOException if the file cannot be read
     */
    public static String gitBlobId(Path file) throws IOException {
        return hex(file, "SHA-1", ("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    private static String hex(Path file, String algorithm, byte[] header) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK must provide " + algorithm, e);
        }
        if (header != null) {
            md.update(header);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
